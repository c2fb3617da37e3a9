"""A file from another system -> the frame a plan reads, as a file of our own would be.

Headers are renamed to their columns (ignored ones dropped); a per-site table's missing
``site`` is the site shown; key columns the file gives by something else (a customer's
e-mail, a segment's name) are looked up; rows of other sites are left out. A value a
lookup cannot resolve to exactly one record makes its row invalid with a message naming
the value (and the candidates), and the row is not planned. Rows are labelled by file
line throughout, so lookup errors and the plan's own errors name the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from emporix_data.frames import FrameSchema, Lookup
from emporix_data.mapping.headers import MappingReport, MissingKey, mapping_targets
from emporix_data.mapping.lookups import Directory
from emporix_data.mapping.versions import plan_file
from emporix_data.plan import ACTION_COLUMN, ChangePlan, References, RowError
from emporix_data.plan.cells import blank
from emporix_data.plan.validation import row_name

if TYPE_CHECKING:
    from emporix_data.tables import LoadedTable

FOUND_COLUMNS = ["row", "column", "by", "in the file", "found"]


@dataclass(frozen=True, eq=False)
class MappedFile:
    """The rows to plan, what was looked up for them (``found``: the file's value and the
    id found, or why none), and the rows lookups refused."""

    frame: pd.DataFrame
    report: MappingReport
    found: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FOUND_COLUMNS))
    errors: tuple[RowError, ...] = ()
    notes: tuple[str, ...] = ()
    left_out: str = ""  # rows of other sites, when there are any

    def found_by_row(self) -> pd.DataFrame:
        """One line per row: the file's values beside the ids found for them."""
        lines: dict[str, dict[str, str]] = {}
        for row, column, by, value, found in self.found.itertuples(index=False):
            line = lines.setdefault(row, {"row": row})
            line.setdefault(by, value)
            line[column] = found
        columns = list(dict.fromkeys(name for line in lines.values() for name in line))
        return pd.DataFrame(list(lines.values()), columns=columns, dtype="string").fillna("")

    def plan(self, loaded: LoadedTable, references: References | None) -> ChangePlan:
        """The plan of these rows (as for any file: with the rows changed since the file
        was exported refused, see ``versions``), with the rows the lookups refused among
        its errors, in file order."""
        plan = plan_file(loaded, self.frame, references)
        plan.errors = sorted([*self.errors, *plan.errors], key=lambda e: _line(e.row))
        return plan


def map_file(
    raw: pd.DataFrame,
    schema: FrameSchema,
    report: MappingReport,
    directory: Callable[[], Directory] | None = None,
    *,
    site: str | None = None,
    other_sites_left_out: bool = False,
) -> MappedFile:
    """``raw`` (a file as read, its own headers) as ``report`` maps it.

    ``directory`` is asked for only when a lookup is needed. ``site``: the site of a
    per-site table, used where the file has no ``site`` column (and, with
    ``other_sites_left_out``, the only site whose rows are kept). A key column the file
    neither has nor can find is a ``MissingKey``.
    """
    mapped = report.mapped
    frame = raw[list(mapped)].set_axis(list(mapped.values()), axis=1)
    notes: list[str] = []
    if "site" in schema.key and "site" not in frame.columns and site:
        frame = frame.assign(site=pd.Series(site, index=frame.index, dtype="string"))
        notes.append(f"site: not in the file; {site} for every row")
    usable = [lookup for lookup in schema.lookups if lookup.field in frame.columns]
    _check_key(schema, frame, usable)
    frame, left_out = _rows_for_site(frame, site if other_sites_left_out else None)
    resolver = _Resolver(frame, schema, directory)
    for column in dict.fromkeys(lookup.column for lookup in usable):
        resolver.resolve(column, [lookup for lookup in usable if lookup.column == column])
    for name in schema.key:
        if name not in resolver.frame.columns:
            resolver.frame[name] = pd.Series(pd.NA, index=frame.index, dtype="string")
    return MappedFile(
        resolver.planned(),
        report,
        pd.DataFrame(resolver.found, columns=FOUND_COLUMNS),
        tuple(resolver.errors),
        tuple(notes + resolver.notes),
        left_out,
    )


def _check_key(schema: FrameSchema, frame: pd.DataFrame, usable: list[Lookup]) -> None:
    """Every key column a row needs is in the file, or a lookup can find it."""
    targets = mapping_targets(schema)
    for name in schema.key:
        needed = schema.by_name[name].required or len(schema.key) == 1
        if not needed or name in frame.columns or any(lk.column == name for lk in usable):
            continue
        expected = [name, targets[name].label]
        expected += [
            targets[lookup.field].label or lookup.field
            for lookup in schema.lookups
            if lookup.column == name
        ]
        quoted = " or ".join(f"'{header}'" for header in dict.fromkeys(expected) if header)
        raise MissingKey(
            f"the file has no column for {name}, the key of {schema.resource}: "
            f"expected a header {quoted}",
            name,
        )


def _rows_for_site(frame: pd.DataFrame, site: str | None) -> tuple[pd.DataFrame, str]:
    """On a per-site table, only the rows of the site shown, and what happened to others."""
    if site is None or "site" not in frame.columns:
        return frame, ""
    sites = frame["site"].astype("string").str.strip()
    other = (sites.notna() & (sites != site)).fillna(False).to_numpy(dtype=bool)
    if not other.any():
        return frame, ""
    return frame[~other], (
        f"{int(other.sum())} rows of the file are for other sites and are left out: "
        f"switch the site to `{sorted(set(sites[other]))[0]}` to push them."
    )


class _Resolver:
    """Fills key columns from lookups, row by row, and keeps what it found or refused."""

    def __init__(
        self,
        frame: pd.DataFrame,
        schema: FrameSchema,
        directory: Callable[[], Directory] | None,
    ) -> None:
        self.frame = frame.copy()
        self.schema = schema
        self._directory = directory
        self._loaded: Directory | None = None
        self.found: list[tuple[str, str, str, str, str]] = []
        self.errors: list[RowError] = []
        self.notes: list[str] = []
        self.refused: set[Hashable] = set()
        self.consumed: list[str] = []  # fields read by lookups, not planned
        actions = frame.get(ACTION_COLUMN)
        ignored = (
            actions.astype("string").str.strip().str.lower() == "ignore"
            if actions is not None
            else pd.Series(False, index=frame.index)
        )
        self.active = ~ignored.fillna(False).to_numpy(dtype=bool)

    @property
    def directory(self) -> Directory:
        if self._loaded is None:
            if self._directory is None:
                raise LookupError("looking values up needs the customers, segments and so on")
            self._loaded = self._directory()
        return self._loaded

    def resolve(self, column: str, lookups: list[Lookup]) -> None:
        """Blank cells of ``column`` (all, where the file lacks it) from the lookups' fields."""
        given = column in self.frame.columns
        target = (
            self.frame[column].astype("string")
            if given
            else pd.Series(pd.NA, index=self.frame.index, dtype="string")
        )
        pending = blank(target) & self.active
        for lookup in lookups:
            if not given or lookup.field not in self.schema.by_name:
                self.consumed.append(lookup.field)
            values = self.frame[lookup.field]
            rows = pending & ~blank(values)
            pending &= ~rows
            if not rows.any():
                continue
            self.notes.append(f"{column}: looked up by {lookup.field} in {int(rows.sum())} rows")
            finder = self.directory.finder(lookup.finds)
            answers = {value: finder.find(value) for value in values[rows].unique()}
            for label, value in zip(self.frame.index[rows], values[rows], strict=True):
                ids = answers[value]
                if len(ids) == 1:
                    target[label] = ids[0]
                    self.found.append((row_name(label), column, lookup.field, value, ids[0]))
                    continue
                self.refused.add(label)
                self.found.append((row_name(label), column, lookup.field, value, _count(ids)))
                message = (
                    f"{value!r} matches no {finder.noun} (by {finder.described})"
                    if not ids
                    else f"{value!r} matches {len(ids)} {finder.noun}s: {', '.join(ids)}; "
                    "give one of them instead"
                )
                self.errors.append(RowError(row_name(label), None, lookup.field, message))
        self.frame[column] = target

    def planned(self) -> pd.DataFrame:
        """The rows to plan: without the refused ones and the fields lookups read."""
        kept = ~self.frame.index.isin(list(self.refused))
        columns = [name for name in self.frame.columns if name not in self.consumed]
        return self.frame.loc[kept, columns]


def _count(ids: tuple[str, ...]) -> str:
    """What the ids found column says where a lookup found no one record."""
    return f"({len(ids)} matches)" if ids else "(no match)"


def _line(row: str) -> tuple[int, str]:
    """Sorts "row 10" after "row 9" (file lines), anything else after them."""
    number = row.removeprefix("row ")
    return (int(number), "") if number.isdigit() else (2**62, row)

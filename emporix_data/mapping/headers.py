"""A file's headers -> the table's columns: automatically by name, label or synonym, or
as the user chose them.

Automatic matching ignores case, spaces, ``_``, ``-`` and ``.`` (``header_term``). A
header that matches nothing, or two columns equally well, is ignored and reported as
such: nothing is mapped by a guess. Where two headers would fill one column, the better
match (name, then label, then synonym; then the first header) takes it and the other is
ignored, again with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from emporix_data.frames import FrameSchema, header_term
from emporix_data.plan import ACTION_COLUMN, ERROR_COLUMN

# How a header came to its column; an ignored header's ``how`` says why instead.
RANKS = {"name": 0, "label": 1, "synonym": 2}
CHOSEN = "chosen"
IGNORE = ""  # a header chosen to be ignored


class MappingError(ValueError):
    """The file cannot be planned as mapped; the message says why. Nothing is sent."""


class MissingKey(MappingError):
    """The file has no column for a key column, and nothing to find it by."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Target:
    """What a header may map to: a table column, or a field a lookup reads (``finds``
    names the key column it is used to find)."""

    name: str
    label: str = ""
    synonyms: tuple[str, ...] = ()
    finds: str | None = None
    exact_only: bool = False  # ``_action`` and ``_error``: only under their own name

    def terms(self) -> list[tuple[str, str]]:
        """(compared form, how) of the name, label and each synonym."""
        if self.exact_only:
            return []
        found = [(header_term(self.name), "name")]
        if self.label:
            found.append((header_term(self.label), "label"))
        return found + [(header_term(synonym), "synonym") for synonym in self.synonyms]

    @property
    def title(self) -> str:
        """How a picker shows it: ``lastName · Last name``."""
        return f"{self.name} · {self.label}" if self.label else self.name


def mapping_targets(schema: FrameSchema) -> dict[str, Target]:
    """The table's columns, the fields only its lookups read, ``_action`` and ``_error``."""
    finds = {lookup.field: lookup.column for lookup in reversed(schema.lookups)}
    found: dict[str, Target] = {
        c.name: Target(c.name, c.label, c.synonyms, finds.get(c.name)) for c in schema.columns
    }
    for lookup in schema.lookups:
        if lookup.field not in found:
            found[lookup.field] = Target(lookup.field, lookup.label, lookup.synonyms, lookup.column)
    for name in (ACTION_COLUMN, ERROR_COLUMN):
        found[name] = Target(name, exact_only=True)
    return found


@dataclass(frozen=True)
class ColumnMapping:
    """Headers -> columns as a user chose them (``--map``, a mapping file, the dashboard);
    an empty column ignores the header."""

    columns: Mapping[str, str] = field(default_factory=dict)
    resource: str | None = None

    def over(self, base: ColumnMapping) -> ColumnMapping:
        """These choices on top of ``base``'s (``--map`` over a mapping file)."""
        return ColumnMapping({**base.columns, **self.columns}, self.resource or base.resource)


@dataclass(frozen=True)
class HeaderChoice:
    header: str
    column: str | None  # None: ignored
    how: str  # name, label, synonym or chosen; for an ignored header, why


@dataclass(frozen=True)
class MappingReport:
    """Which header went to which column, which were ignored and why."""

    resource: str
    choices: tuple[HeaderChoice, ...]
    absent: tuple[str, ...] = ()  # chosen headers the file does not have

    @property
    def mapped(self) -> dict[str, str]:
        return {c.header: c.column for c in self.choices if c.column is not None}

    @property
    def ignored(self) -> list[HeaderChoice]:
        return [c for c in self.choices if c.column is None]

    def chosen(self) -> ColumnMapping:
        """Every header's column (ignored ones as ""), to save and use again."""
        return ColumnMapping(
            {c.header: c.column or IGNORE for c in self.choices}, resource=self.resource
        )

    def explained_by(self, automatic: MappingReport) -> MappingReport:
        """This report with each choice that ``automatic`` made alike explained as it
        explains it (name, label, synonym, or why it ignores the header)."""
        reasons = {c.header: c for c in automatic.choices}
        choices = tuple(
            reasons[c.header] if c.header in reasons and reasons[c.header].column == c.column else c
            for c in self.choices
        )
        return MappingReport(self.resource, choices, self.absent)

    def frame(self) -> pd.DataFrame:
        rows = [(c.header, c.column or "(ignored)", c.how) for c in self.choices]
        return pd.DataFrame(rows, columns=["header", "column", "how"], dtype="string")


def map_headers(
    headers: Sequence[str], schema: FrameSchema, chosen: ColumnMapping | None = None
) -> MappingReport:
    """Each header's column: as chosen where it was, else the automatic match.

    A choice of a column the table does not have, or two headers chosen for one column,
    is a ``MappingError``. Chosen headers the file lacks are listed in ``absent``.
    """
    targets = mapping_targets(schema)
    explicit, absent = _explicit(headers, schema.resource, targets, chosen or ColumnMapping())
    taken = {column: header for header, column in explicit.items() if column}
    automatic = _automatic([h for h in headers if h not in explicit], targets, taken)
    choices = []
    for header in headers:
        if header in explicit:
            column = explicit[header] or None
            choices.append(HeaderChoice(header, column, CHOSEN if column else "chosen: ignore"))
        else:
            choices.append(automatic[header])
    return MappingReport(schema.resource, tuple(choices), tuple(absent))


def target_named(name: str, resource: str, targets: Mapping[str, Target]) -> str:
    """The target a user means by ``name``: its exact name, else its name or label in
    any case and spacing."""
    if name in targets:
        return name
    term = header_term(name)
    matches = [t.name for t in targets.values() if term in (header_term(t.name), _label(t))]
    if len(matches) != 1:
        columns = ", ".join(t.name for t in targets.values() if not t.exact_only)
        raise MappingError(f"{name!r} is not a column of {resource}: use one of {columns}")
    return matches[0]


def _label(target: Target) -> str:
    return header_term(target.label) if target.label else ""


def _explicit(
    headers: Sequence[str], resource: str, targets: Mapping[str, Target], chosen: ColumnMapping
) -> tuple[dict[str, str], list[str]]:
    """The chosen columns of the file's headers, and the chosen headers it lacks."""
    by_term: dict[str, list[str]] = {}
    for header in headers:
        by_term.setdefault(header_term(header), []).append(header)
    explicit: dict[str, str] = {}
    absent: list[str] = []
    for wanted, column in chosen.columns.items():
        same = by_term.get(header_term(wanted), [])
        if wanted not in headers and len(same) != 1:
            absent.append(wanted)
            continue
        header = wanted if wanted in headers else same[0]
        explicit[header] = target_named(column, resource, targets) if column.strip() else IGNORE
    seen: dict[str, str] = {}
    for header, column in explicit.items():
        if column and column in seen:
            raise MappingError(
                f"{seen[column]!r} and {header!r} are both mapped to {column}: map only one"
            )
        seen[column] = header
    return explicit, absent


def _automatic(
    headers: Sequence[str], targets: Mapping[str, Target], taken: Mapping[str, str]
) -> dict[str, HeaderChoice]:
    """The best match of each header; ties and losers are ignored, with the reason."""
    index: dict[str, set[tuple[int, str, str]]] = {}
    for target in targets.values():
        for term, how in target.terms():
            index.setdefault(term, set()).add((RANKS[how], target.name, how))
    proposals: dict[str, tuple[int, str, str]] = {}
    choices: dict[str, HeaderChoice] = {}
    for header in headers:
        if header in targets and targets[header].exact_only:
            proposals[header] = (RANKS["name"], header, "name")
            continue
        found = sorted(index.get(header_term(header), ()))
        columns = sorted({column for rank, column, _how in found if rank == found[0][0]})
        if not columns:
            choices[header] = HeaderChoice(header, None, "matches no column")
        elif len(columns) > 1:
            choices[header] = HeaderChoice(header, None, f"matches {' and '.join(columns)}")
        elif columns[0] in taken:
            reason = f"{columns[0]} is mapped from {taken[columns[0]]!r}"
            choices[header] = HeaderChoice(header, None, reason)
        else:
            proposals[header] = found[0]
    winners: dict[str, str] = {}
    for header, (rank, column, _how) in proposals.items():
        rival = winners.get(column)
        if rival is None or rank < proposals[rival][0]:
            winners[column] = header
    for header, (_rank, column, how) in proposals.items():
        if winners[column] == header:
            choices[header] = HeaderChoice(header, column, how)
        else:
            choices[header] = HeaderChoice(
                header, None, f"{column} is mapped from {winners[column]!r}"
            )
    return choices

"""What is pending: the working copy compared with the table as loaded, row by row.

Loaded rows keep their load labels in the working copy, so rows are compared by label:
a label the load lacks is a new row, a loaded label the working copy lacks is a deleted
row, and a row under a label both have is edited where its cells differ. Blank text
equals blank, as in a plan. This is what the grid marks, what "revert" undoes and what
the navigation counts; what will be sent is still the plan's to say.

Only rows that may differ are compared (the workspace knows which it touched): at
100,000 rows a comparison of everything takes a noticeable part of a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from emporix_data.plan.cells import Mask

MARK_COLUMN = "pending"
PendingKind = Literal["new", "edited", "deleted"]


@dataclass(frozen=True, eq=False)
class Pending:
    """New and edited rows as they will be (``after``), which cells of the edited ones
    differ (``edited``, a boolean frame), and the labels of deleted rows."""

    after: pd.DataFrame
    new: pd.Index
    edited: pd.DataFrame
    deleted: pd.Index

    @property
    def count(self) -> int:
        """How many rows have pending changes."""
        return len(self.new) + len(self.edited) + len(self.deleted)

    def marks(self, labels: pd.Index) -> pd.Series:
        """The grid's mark of each of ``labels``: "new", "✎ firstName, lastName" or ""."""
        marks = pd.Series("", index=labels, dtype="string")
        marks[labels.isin(self.new)] = "new"
        edited = self.edited[self.edited.index.isin(labels)]
        names = edited.columns.to_numpy()
        for label, flags in zip(edited.index, edited.to_numpy(dtype=bool), strict=True):
            marks[label] = "✎ " + ", ".join(names[flags])
        return marks

    def rows(self, loaded: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The pending rows as they will be (deleted ones as they were, from ``loaded``),
        with a first column saying how each is pending, and which of their cells to mark."""
        kinds: list[tuple[PendingKind, pd.DataFrame]] = [
            ("new", self.after.loc[self.new]),
            ("edited", self.after.loc[self.edited.index]),
            ("deleted", loaded.loc[self.deleted]),
        ]
        columns = list(loaded.columns)
        parts = [rows.assign(**{MARK_COLUMN: kind}) for kind, rows in kinds if len(rows)]
        if not parts:
            empty = loaded.iloc[:0].assign(**{MARK_COLUMN: pd.Series(dtype="string")})
            return empty[[MARK_COLUMN, *columns]], pd.DataFrame(columns=columns, dtype=bool)
        rows = pd.concat(parts).sort_index()[[MARK_COLUMN, *columns]]
        flags = pd.DataFrame(False, index=rows.index, columns=columns)
        flags.loc[self.new] = True
        flags.loc[self.edited.index] = self.edited
        return rows, flags


def pending_of(loaded: pd.DataFrame, present: pd.Index, candidates: pd.DataFrame) -> Pending:
    """What is pending in a working copy holding the rows ``present`` (labels), of which
    only ``candidates`` (new rows and rows touched since the load) may differ."""
    new = present[~present.isin(loaded.index)]
    deleted = loaded.index[~loaded.index.isin(present)]
    both = candidates.index[candidates.index.isin(loaded.index)]
    changed = changed_cells(loaded.loc[both], candidates.loc[both])
    edited = changed[changed.any(axis=1).to_numpy(dtype=bool)]
    return Pending(candidates.loc[new.union(edited.index)], new, edited, deleted)


def changed_cells(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Which cells of ``after`` differ from ``before`` (same labels, same columns). Cells
    are compared as they are first; only those that differ are compared again as text
    with blanks as missing (the slow part, so done for few cells)."""
    flags = {}
    for name in after.columns:
        old, new = before[name], after[name]
        differ = ~_same(old, new)
        if differ.any() and _is_text(old, new):
            differ[differ] = ~_same(_comparable(old[differ]), _comparable(new[differ]))
        flags[name] = differ
    return pd.DataFrame(flags, index=after.index, columns=after.columns, dtype=bool)


def reverted(loaded: pd.DataFrame, frame: pd.DataFrame, labels: Iterable[int]) -> pd.DataFrame:
    """``frame`` with these rows as loaded again: edits undone, deleted rows back, new
    rows gone."""
    wanted = pd.Index(list(labels))
    kept = frame[~frame.index.isin(wanted)]
    restored = loaded.loc[wanted[wanted.isin(loaded.index)]]
    return pd.concat([kept, restored]).sort_index() if len(restored) else kept


def _same(old: pd.Series, new: pd.Series) -> Mask:
    """Cell by cell: equal, or both missing."""
    equal: Mask = (old == new).fillna(False).to_numpy(dtype=bool)
    return equal | (old.isna().to_numpy(dtype=bool) & new.isna().to_numpy(dtype=bool))


def _is_text(*columns: pd.Series) -> bool:
    return any(c.dtype == object or isinstance(c.dtype, pd.StringDtype) for c in columns)


def _comparable(values: pd.Series) -> pd.Series:
    """Text with blank (empty or only whitespace) as missing."""
    text = values.astype("string")
    return text.mask(text.str.strip() == "")

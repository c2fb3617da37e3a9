"""The working copy of a loaded table: the rows as the user means them to be pushed.

Pending edits live here, not in the grid widget: the grid shows a snapshot of part of the
working copy, and its edits are folded back in whenever that snapshot goes away, so
changing a filter, a site or a page never throws edits away (streamlit#7749).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emporix_data.frames import Column
from emporix_data.keys import Key, joined_key, joined_keys
from emporix_data.mapping import MappedFile
from emporix_data.plan import ChangePlan, References
from emporix_data.plan.validation import row_name
from emporix_data.push import RowResult
from emporix_data.tables import LoadedTable
from emporix_data.workspace.bulk import BulkEdit, find_replace, set_value
from emporix_data.workspace.editor import (
    EditorState,
    GridView,
    next_label,
    with_edits,
    with_view_edits,
)
from emporix_data.workspace.pending import MARK_COLUMN, Pending, pending_of, reverted


@dataclass(frozen=True, eq=False)
class PlanInputs:
    """What a change plan is made of: frames compared by identity (they are replaced,
    never changed in place), everything else by value."""

    frames: tuple[object, ...]
    values: tuple[object, ...]

    def same_as(self, other: PlanInputs | None) -> bool:
        return (
            other is not None
            and self.values == other.values
            and len(self.frames) == len(other.frames)
            and all(a is b for a, b in zip(self.frames, other.frames, strict=True))
        )


class PlanCache:
    """The last plan and its inputs: a plan takes ~0.6 s at 100,000 rows, and most reruns
    (a filter, a tick) change nothing it is made of."""

    def __init__(self) -> None:
        self._inputs: PlanInputs | None = None
        self.kept: ChangePlan | None = None

    def get(self, inputs: PlanInputs, build: Callable[[], ChangePlan]) -> ChangePlan:
        if self.kept is None or not inputs.same_as(self._inputs):
            self.kept = build()
            self._inputs = inputs
        return self.kept


class Workspace:
    """A loaded table and its working copy (``frame``), with the grid view showing part of it.

    ``frame`` is replaced, never changed in place. Its labels name rows in plans: loaded
    rows keep their load positions, new rows are numbered after the largest label.
    """

    def __init__(self, loaded: LoadedTable) -> None:
        self.loaded = loaded
        self.frame = loaded.frame.copy()
        self.view: GridView | None = None
        self.plans = PlanCache()
        self._pending: tuple[pd.DataFrame, GridView | None, Pending] | None = None
        # Labels of loaded rows changed since the load, perhaps (None: any of them).
        self._touched: pd.Index | None = pd.Index([], dtype="int64")

    @property
    def key_columns(self) -> list[str]:
        return list(self.loaded.schema.key)

    def show(
        self, key: str, snapshot: pd.DataFrame, beside: dict[str, pd.Series] | None = None
    ) -> GridView:
        """Start a grid view of ``snapshot`` (rows of the working copy) under ``key``, its
        rows marked where they have pending changes; ``beside``: more columns to show."""
        if self.view is not None:
            raise ValueError("the grid still shows another view: fold it first")
        marks = self.pending().marks(snapshot.index)
        self.view = GridView.of(key, snapshot, {MARK_COLUMN: marks, **(beside or {})})
        return self.view

    def keep_edits(self, edits: EditorState) -> None:
        """Keep the editor's state of this run, for when Streamlit has dropped its own."""
        if self.view is not None and edits != self.view.edits:
            self.view = self.view.with_edits(edits)

    def pending(self) -> Pending:
        """The rows with pending changes (grid edits included), kept while nothing changes."""
        kept = self._pending
        if kept is None or kept[0] is not self.frame or kept[1] is not self.view:
            kept = (self.frame, self.view, self._pending_now())
            self._pending = kept
        return kept[2]

    def _pending_now(self) -> Pending:
        """``pending_of`` the rows that may differ: new ones, touched ones, the grid's."""
        frame, view, loaded = self.frame, self.view, self.loaded.frame
        touched = frame.index if self._touched is None else self._touched
        rows = frame[frame.index.isin(touched) | ~frame.index.isin(loaded.index)]
        present = frame.index
        if view is not None and view.edits.has_edits:
            shown = view.edits.applied_to(view.snapshot, next_label(frame))
            present = present[~present.isin(view.snapshot.index)].append(shown.index)
            rows = pd.concat([rows[~rows.index.isin(view.snapshot.index)], shown])
        return pending_of(loaded, present, rows)

    def _touch(self, labels: Iterable[int]) -> None:
        if self._touched is not None:
            self._touched = self._touched.union(pd.Index(list(labels), dtype="int64"))

    def fold(self, live: EditorState | None = None) -> bool:
        """Move the grid's edits into the working copy and end the view; ``live`` is the
        editor's own state where it still exists (it may be newer than the kept one).
        True when the working copy changed."""
        view, self.view = self.view, None
        if view is None:
            return False
        edits = live if live is not None else view.edits
        if not edits.has_edits:
            return False
        self._touch(view.snapshot.index)
        self.frame = with_edits(self.frame, view.snapshot, edits)
        return True

    def edited(self) -> pd.DataFrame:
        """The whole table with every pending edit, the grid's unfolded ones included."""
        return with_view_edits(self.frame, self.view)

    def has_pending(self) -> bool:
        """True while anything differs from the table as loaded."""
        return self.pending().count > 0

    def revert(self, labels: Iterable[int]) -> None:
        """These rows as loaded again (new ones gone), after folding the grid's edits."""
        self.fold()
        self.frame = reverted(self.loaded.frame, self.frame, labels)

    def discard(self) -> None:
        """Every pending change gone: the working copy is the table as loaded."""
        self.view = None
        self.frame = self.loaded.frame.copy()
        self._touched = pd.Index([], dtype="int64")

    def set_value(self, labels: Sequence[int], column: Column, text: str) -> int:
        """``column`` set to ``text``'s value in these rows; how many rows changed."""
        return self._bulk(labels, set_value(self._folded(), labels, column, text))

    def find_replace(
        self, labels: Sequence[int], column: Column, find: str, replace: str, **how: bool
    ) -> int:
        """``find`` replaced in ``column`` of these rows; how many rows changed."""
        return self._bulk(
            labels, find_replace(self._folded(), labels, column, find, replace, **how)
        )

    def _folded(self) -> pd.DataFrame:
        self.fold()
        return self.frame

    def _bulk(self, labels: Sequence[int], edit: BulkEdit) -> int:
        self._touch(labels)
        self.frame = edit.frame
        return edit.changed

    def add_rows(self, rows: pd.DataFrame) -> None:
        """Append new rows (columns the table lacks are dropped, missing ones blank)."""
        self.fold()
        start = next_label(self.frame)
        added = rows.reindex(columns=self.frame.columns).astype(self.frame.dtypes.to_dict())
        added.index = pd.RangeIndex(start, start + len(added))
        self.frame = pd.concat([self.frame, added])

    def remove_rows(self, keys: Iterable[Key]) -> int:
        """Take the rows with these keys out: loaded rows become deletes, rows added since
        the load are simply dropped. Returns how many rows went."""
        self.fold()
        hit = self._with_keys(self.frame, keys)
        self.frame = self.frame[~hit]
        return int(hit.sum())

    def rows_with_keys(self, keys: Iterable[Key]) -> pd.DataFrame:
        """The working copy's rows with these keys, in its order."""
        return self.frame[self._with_keys(self.frame, keys)]

    def rows_not_present(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Those of ``rows`` whose key no row of the working copy has."""
        columns = self.key_columns
        present = joined_keys(rows, columns).isin(joined_keys(self.frame, columns))
        return rows[~present.to_numpy(dtype=bool)]

    def invalid_rows(self, plan: ChangePlan) -> pd.DataFrame:
        """The edited rows ``plan`` (of the grid) refused as invalid."""
        refused = {error.row for error in plan.errors}
        edited = self.edited()
        return edited[[row_name(label) in refused for label in edited.index]]

    def keep_pending(
        self, problems: Sequence[RowResult], invalid: pd.DataFrame | None = None
    ) -> None:
        """After a push and a reload: put the changes that failed or met a conflict back
        as pending edits, and the rows that were invalid (and not sent) as they were, so
        that nothing the user meant is silently dropped."""
        work = self.frame.copy()
        keys = joined_keys(work, self.key_columns).to_numpy()
        dropped = np.zeros(len(work), dtype=bool)
        creates: list[dict[str, object]] = []
        for result in problems:
            change = result.change
            if change.kind == "create":
                creates.append(change.values)
                continue
            hit = keys == joined_key(change.key)
            if change.kind == "delete":
                dropped |= hit
            else:
                for field in change.changes:
                    work.loc[hit, field.column] = field.new
        work = work[~dropped]
        for values in creates:
            row = pd.DataFrame([values], columns=work.columns).astype(work.dtypes.to_dict())
            work = pd.concat([work, row.set_axis([next_label(work)])])
        self.frame = self._with_rows_back(work, invalid)
        self._touched = None  # rows changed all over: compare them all (once)

    def _with_rows_back(self, work: pd.DataFrame, rows: pd.DataFrame | None) -> pd.DataFrame:
        """``work`` with ``rows`` as they were edited: over the row of the same key where
        there is one, else as new rows."""
        if rows is None or rows.empty:
            return work
        keys = joined_keys(work, self.key_columns).to_numpy()
        editable = [c for c in self.loaded.schema.editable if c in rows.columns]
        appended = []
        for label, key in zip(rows.index, joined_keys(rows, self.key_columns), strict=True):
            hit = keys == key
            if hit.any():
                work.loc[hit, editable] = rows.loc[label, editable].to_numpy()
            else:
                appended.append(label)
        if appended:
            start = next_label(work)
            new = rows.loc[appended].reindex(columns=work.columns)
            new = new.astype(work.dtypes.to_dict()).set_axis(range(start, start + len(new)))
            work = pd.concat([work, new])
        return work

    def plan(self, references: References, uploaded: MappedFile | None = None) -> ChangePlan:
        """The plan of the pending changes (or of ``uploaded``, a file's rows instead),
        built again only when what it is made of changed."""
        loaded = self.loaded
        if uploaded is not None:
            file = uploaded
            inputs = PlanInputs((loaded.frame, references, file), ("file",))
            return self.plans.get(inputs, lambda: file.plan(loaded, references))
        view = self.view
        if view is not None and view.edits.has_edits:
            frames: tuple[object, ...] = (loaded.frame, references, self.frame, view.snapshot)
            inputs = PlanInputs(frames, ("grid", view.key, view.edits))
        else:
            inputs = PlanInputs((loaded.frame, references, self.frame), ("grid",))
        if not self.has_pending():  # nothing to compare (~0.5 s at 100,000 rows)
            return self.plans.get(inputs, lambda: ChangePlan(loaded.schema.resource, loaded.schema))
        return self.plans.get(inputs, lambda: loaded.plan(self.edited(), "grid", references))

    def _with_keys(self, frame: pd.DataFrame, keys: Iterable[Key]) -> np.ndarray:
        wanted = {joined_key(key) for key in keys}
        if not wanted:
            return np.zeros(len(frame), dtype=bool)
        return joined_keys(frame, self.key_columns).isin(wanted).to_numpy(dtype=bool)

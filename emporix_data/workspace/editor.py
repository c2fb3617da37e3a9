"""The grid's edits, as ``st.data_editor`` reports them, applied to the rows it showed.

The editor addresses rows by position in the data it was given (streamlit#9917), not by
index label: edits are only meaningful together with that snapshot, so a ``GridView``
keeps the two together. The editor is given the rows under a positional ``RangeIndex``
(``GridView.shown``): with the working copy's own labels, a filtered slice has a
non-contiguous index, which the editor shows as an editable column that rows added
there must fill in (or they are dropped).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class EditorState:
    """The editor's pending edits: changed cells and deleted rows by position in the
    snapshot, and rows added after it. A copy, compared by value."""

    edited_rows: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    added_rows: tuple[Mapping[str, Any], ...] = ()
    deleted_rows: tuple[int, ...] = ()

    @classmethod
    def of(cls, state: Mapping[str, Any] | None) -> EditorState:
        """A copy of the widget's state (Streamlit changes its own in place)."""
        state = state or {}
        return cls(
            {int(row): dict(cells) for row, cells in (state.get("edited_rows") or {}).items()},
            tuple(dict(row) for row in state.get("added_rows") or ()),
            tuple(int(row) for row in state.get("deleted_rows") or ()),
        )

    @property
    def has_edits(self) -> bool:
        return bool(self.edited_rows or self.added_rows or self.deleted_rows)

    def applied_to(self, snapshot: pd.DataFrame, first_new_label: int) -> pd.DataFrame:
        """``snapshot`` with these edits and deletions; added rows are labelled from
        ``first_new_label`` on. Cells of columns the snapshot lacks (shown beside it
        only, such as the pending mark) are ignored."""
        edited = snapshot.copy()
        for position, cells in self.edited_rows.items():
            label = snapshot.index[position]
            for column, value in cells.items():
                if column in edited.columns:
                    edited.loc[label, column] = value
        edited = edited.drop(index=[snapshot.index[p] for p in self.deleted_rows])
        if not self.added_rows:
            return edited
        labels = range(first_new_label, first_new_label + len(self.added_rows))
        added = pd.DataFrame(list(self.added_rows), index=list(labels), columns=snapshot.columns)
        return pd.concat([edited, added.astype(snapshot.dtypes.to_dict())])


@dataclass(frozen=True, eq=False)
class GridView:
    """The rows shown in the grid (a slice of the working copy), the editor's key, and
    the editor's state as last seen: Streamlit drops the widget's own state as soon as
    a run does not show it. ``shown`` is what the editor is given: the same rows by
    position, with read-only columns beside them (the pending mark, names looked up)."""

    key: str
    snapshot: pd.DataFrame
    edits: EditorState = EditorState()
    shown: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def of(
        cls, key: str, snapshot: pd.DataFrame, beside: Mapping[str, pd.Series] | None = None
    ) -> GridView:
        """A view of ``snapshot``; ``beside`` holds read-only columns (by row label)
        shown before the snapshot's columns."""
        shown = snapshot.reset_index(drop=True)
        for position, (name, values) in enumerate((beside or {}).items()):
            shown.insert(position, name, values.reindex(snapshot.index).set_axis(shown.index))
        return cls(key, snapshot, EditorState(), shown)

    def with_edits(self, edits: EditorState) -> GridView:
        return GridView(self.key, self.snapshot, edits, self.shown)


def next_label(frame: pd.DataFrame) -> int:
    """The label a row appended to ``frame`` gets: after its largest."""
    return int(frame.index.max()) + 1 if len(frame) else 0


def with_view_edits(frame: pd.DataFrame, view: GridView | None) -> pd.DataFrame:
    """``frame`` (a working copy) with the edits of the grid showing part of it; the frame
    itself while the grid holds none."""
    if view is None or not view.edits.has_edits:
        return frame
    return with_edits(frame, view.snapshot, view.edits)


def with_edits(frame: pd.DataFrame, snapshot: pd.DataFrame, edits: EditorState) -> pd.DataFrame:
    edited = edits.applied_to(snapshot, next_label(frame))
    return pd.concat([frame.drop(index=snapshot.index), edited]).sort_index()

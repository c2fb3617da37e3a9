"""The grid: ``st.data_editor`` over a filtered snapshot of the working copy.

The editor's data stays the same snapshot for as long as the view lasts (its output is
never fed back in: streamlit#7749); its edits are kept in the workspace after every run
and folded into the working copy when the view ends (another filter, mode, site or page).
It is given the rows by position (``GridView.shown``), with a first column marking rows
with pending changes, and the columns the filters hide left out of its column order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from emporix_data.filters import TableFilter
from emporix_data.frames import Column, FrameSchema
from emporix_data.keys import Key
from emporix_data.tables import ResourceTable
from emporix_data.workspace import MARK_COLUMN, EditorState, TableState
from pages.components.filters import rows_caption, shown_rows
from pages.components.state import editor_state

# Read-only columns shown beside the snapshot's rows (e.g. names looked up by id).
Beside = Callable[[pd.DataFrame], dict[str, pd.Series]]


def column_config(schema: FrameSchema) -> dict[str, Any]:
    """Each column's editor: by its options and dtype, read-only where it is not editable."""
    return {column.name: _column_editor(column) for column in schema.columns}


def _column_editor(column: Column) -> Any:
    name, help_text, disabled = column.name, column.description or None, not column.editable
    config = st.column_config
    if column.options:
        options = list(column.options)
        return config.SelectboxColumn(name, options=options, help=help_text, disabled=disabled)
    if column.dtype == "boolean":
        return config.CheckboxColumn(name, help=help_text, disabled=disabled)
    if column.dtype.startswith("datetime"):
        return config.DatetimeColumn(name, help=help_text, disabled=disabled)
    if column.dtype in ("Int64", "Float64"):
        return config.NumberColumn(name, help=help_text, disabled=disabled)
    return config.TextColumn(name, help=help_text, disabled=disabled)


def can_add_rows(table: ResourceTable) -> bool:
    """A row added in the grid needs a key the user can type (or one that is generated);
    where key columns are read-only, new rows come from forms or files instead."""
    schema = table.schema
    return table.generated_keys or all(schema.by_name[k].editable for k in schema.key)


def fold_grid(state: TableState) -> None:
    """Keep the grid's pending edits in the working copy and end its view."""
    view = state.work.view
    if view is not None:
        state.fold(editor_state(view.key))


def add_pending_rows(state: TableState, rows: pd.DataFrame) -> None:
    """Append new rows to the working copy (after keeping the grid's pending edits)."""
    fold_grid(state)
    state.add_rows(rows)


def remove_pending_rows(state: TableState, keys: Iterable[Key]) -> int:
    """Take the rows with these keys out of the working copy; how many went."""
    fold_grid(state)
    return state.remove_rows(keys)


def grid(
    state: TableState, table: ResourceTable, spec: TableFilter, beside: Beside | None = None
) -> None:
    """The editor for the working copy's rows ``spec`` keeps, under a view that lasts
    until the filter, the hidden columns or the working copy change; ``beside`` gives
    read-only columns shown after the key columns."""
    work = state.work
    view = work.view
    if view is not None and (view.key != state.editor_key(spec) or editor_state(view.key) is None):
        fold_grid(state)
        view = None
    if view is None:
        snapshot = shown_rows(state, spec)
        view = work.show(state.editor_key(spec), snapshot, beside(snapshot) if beside else None)
    rows_caption(len(view.snapshot), len(work.frame))
    schema = state.loaded.schema
    extra = [
        name for name in view.shown.columns if name != MARK_COLUMN and name not in schema.by_name
    ]
    visible = state.filters.visible(schema.names)
    keys = [name for name in visible if name in schema.key]
    config = column_config(schema) | {
        MARK_COLUMN: st.column_config.TextColumn(
            MARK_COLUMN,
            disabled=True,
            pinned=True,
            help="Rows with changes not pushed yet: new, or ✎ the columns edited "
            "(as of when this view opened; the review below lists every change).",
        ),
        **{name: st.column_config.TextColumn(name, disabled=True) for name in extra},
    }
    st.data_editor(
        view.shown,
        key=view.key,
        column_config=config,
        column_order=[MARK_COLUMN, *keys, *extra, *(n for n in visible if n not in keys)],
        num_rows="dynamic" if can_add_rows(table) else "delete",
        hide_index=True,
        width="stretch",
    )
    work.keep_edits(editor_state(view.key) or EditorState())

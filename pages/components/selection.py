"""Selecting rows for a page's actions: a read-only grid of the filtered rows to tick.

The selection is the table state's (by key), merged with what the widget reports for the
rows it shows, so that changing the filter keeps rows selected elsewhere.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emporix_data.filters import TableFilter
from emporix_data.keys import key_tuples
from emporix_data.tables import ResourceTable
from emporix_data.workspace import TableState
from pages.common import count_of
from pages.components.filters import rows_caption, shown_rows
from pages.components.grid import column_config, fold_grid

EDIT, SELECT = "Edit", "Select"
MODE_LABELS = {EDIT: ":material/edit: Edit", SELECT: ":material/check_box: Select"}


def mode_control(state: TableState) -> str:
    """Edit in the grid, or select rows for the page's actions."""
    return (
        st.segmented_control(
            "Rows",
            [EDIT, SELECT],
            format_func=MODE_LABELS.__getitem__,
            default=EDIT,
            required=True,
            key=state.widget_key("mode"),
            help="Select rows to act on them; edits made in the grid are kept meanwhile.",
        )
        or EDIT
    )


def selection_grid(state: TableState, table: ResourceTable, spec: TableFilter) -> pd.DataFrame:
    """The filtered rows to tick, and buttons to select all shown or none; returns every
    selected row (shown or not)."""
    fold_grid(state)
    shown = shown_rows(state, spec)
    shown_keys = key_tuples(shown, table.schema.key)
    chosen = set(state.selection.keys)
    rows_caption(len(shown), len(state.work.frame))
    event = st.dataframe(
        shown,
        key=state.selection_key(spec),
        on_select="rerun",
        selection_mode="multi-row",
        selection_default={
            "selection": {"rows": [p for p, k in enumerate(shown_keys) if k in chosen]}
        },
        column_config=column_config(state.loaded.schema),
        hide_index=True,
        width="stretch",
    )
    ticked = {shown_keys[p] for p in event.selection.rows if p < len(shown_keys)}
    state.selection = state.selection.ticked(shown_keys, ticked)
    after = list(state.selection.keys)
    slots = st.columns([2, 1, 1])
    slots[0].caption(f"{count_of(len(after), 'row')} selected")
    slots[1].button(
        f"Select all {len(shown):,} shown",
        key=state.widget_key("select-all"),
        on_click=state.select,
        args=([*after, *shown_keys],),
        disabled=not len(shown),
    )
    slots[2].button(
        "Clear selection",
        key=state.widget_key("select-none"),
        on_click=state.select,
        args=([],),
        disabled=not after,
    )
    return state.selected_rows()

"""Pending changes as something to see and control: the changed cells marked, rows to
revert, everything discarded (after asking), a reload that asks first, and the count of
pending rows of every table in the sidebar, on every page."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from emporix_data.tables import TABLES, ResourceTable
from emporix_data.workspace import MARK_COLUMN, TableState
from pages.common import count_of
from pages.components.grid import column_config, fold_grid
from pages.components.state import kept_expander, table_states

SHOWN_LIMIT = 1_000  # pending rows drawn with their cells marked
MARKED = "background-color: rgba(255, 193, 7, 0.28)"
STRUCK = "color: rgba(49, 51, 63, 0.5); text-decoration: line-through"


def pending_panel(state: TableState, table: ResourceTable) -> None:
    """The rows with pending changes, changed cells marked; revert some, or discard all."""
    pending = state.work.pending()
    if not pending.count:
        return
    title = f"Pending changes: {count_of(pending.count, 'row')}"
    with kept_expander(title, state.widget_key("pending-open"), ":material/pending_actions:"):
        rows, flags = pending.rows(state.work.loaded.frame)
        if len(rows) > SHOWN_LIMIT:
            st.caption(f"The first {SHOWN_LIMIT:,} are shown; the review lists every change.")
            rows, flags = rows.iloc[:SHOWN_LIMIT], flags.iloc[:SHOWN_LIMIT]
        event = st.dataframe(
            _marked(rows, flags),
            key=state.widget_key(f"pending:{state.generation}:{pending.count}"),
            on_select="rerun",
            selection_mode="multi-row",
            column_config=column_config(state.loaded.schema),
            hide_index=True,
            width="stretch",
        )
        picked = [int(rows.index[p]) for p in event.selection.rows if p < len(rows)]
        slots = st.columns(2)
        if slots[0].button(
            f"Revert {count_of(len(picked), 'selected row')}" if picked else "Tick rows to revert",
            key=state.widget_key("revert"),
            disabled=not picked,
            icon=":material/undo:",
        ):
            fold_grid(state)
            state.edit(lambda work: work.revert(picked))
            st.rerun()
        if slots[1].button(
            "Discard all pending changes",
            key=state.widget_key("discard"),
            icon=":material/delete_sweep:",
        ):
            confirm_discard(state, pending.count)


def _marked(rows: pd.DataFrame, flags: pd.DataFrame) -> Styler:
    """Edited and new cells highlighted, deleted rows struck through."""
    styles = pd.DataFrame("", index=rows.index, columns=rows.columns)
    styles[flags.columns] = flags.replace({True: MARKED, False: ""}).astype(str)
    styles.loc[rows[MARK_COLUMN] == "deleted", :] = STRUCK
    return rows.style.apply(lambda _: styles, axis=None)


@st.dialog("Discard every pending change?")
def confirm_discard(state: TableState, count: int) -> None:
    st.write(f"This drops the pending changes of {count_of(count, 'row')}. It cannot be undone.")
    _ask(state, "Discard them", lambda: state.edit(lambda work: work.discard()))


@st.dialog("Reload and lose the pending changes?")
def confirm_reload(state: TableState, count: int, reload: Callable[[], object]) -> None:
    st.write(
        f"Reloading discards the pending changes of {count_of(count, 'row')}: push them "
        "first to keep them."
    )
    _ask(state, "Discard and reload", reload)


def _ask(state: TableState, label: str, act: Callable[[], object]) -> None:
    keep, go = st.columns(2)
    if keep.button("Keep my changes", key=state.widget_key("keep"), width="stretch"):
        st.rerun()
    if go.button(label, key=state.widget_key("go"), type="primary", width="stretch"):
        act()
        st.rerun()


class PendingSign:
    """The sidebar's "Unsaved changes": a slot filled before the page runs and again
    after, so that it counts what the page itself just changed."""

    def __init__(self) -> None:
        self.slot = st.sidebar.empty()
        self.refresh()

    def refresh(self) -> None:
        lines = [(state, state.work.pending().count) for state in table_states() if state.workspace]
        lines = [(state, count) for state, count in lines if count]
        if not lines:
            self.slot.empty()
            return
        with self.slot.container(border=True):
            st.markdown(":material/edit_note: **Unsaved changes**")
            for state, count in sorted(lines, key=lambda line: line[0].name):
                title = TABLES[state.name].title + (f" ({state.site})" if state.site else "")
                st.page_link(f"pages/{state.name.replace('-', '_')}.py", label=title)
                st.caption(count_of(count, "pending row"))

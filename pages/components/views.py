"""Saved views: a named choice of filters and hidden columns per table, kept in a small
local file (``LocalSettings.views_file``) across pages and sessions. Choosing one sets
the filters, which drive the grid and the downloads."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from emporix_data.settings import LocalSettings
from emporix_data.tables import ResourceTable
from emporix_data.workspace import FilterChoice, TableState, ViewStore
from pages.components.state import widget_value


def view_store() -> ViewStore:
    return ViewStore(LocalSettings().views_file)


def saved_views(state: TableState, table: ResourceTable) -> Callable[[], None]:
    """Choose a saved view of this table, save the current filters as one, delete one.
    Returns what to call once this run's filters are known: it says when they are no
    longer the chosen view's."""
    store = view_store()
    try:
        views = store.views(table.name, state.loaded.schema)
    except ValueError as exc:
        st.warning(f"{exc}. Saving a view writes the file anew.")
        views = {}
    picker = state.widget_key("view")
    slots = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = slots[0].selectbox(
        "View",
        list(views),
        index=None,
        key=picker,
        placeholder="Saved views: choose one to filter by it" if views else "No saved views yet",
        on_change=_apply,
        args=(state, picker, views),
        disabled=not views,
    )
    note = slots[0].empty()
    with slots[1].popover("Save view", icon=":material/bookmark_add:"):
        name = st.text_input("View name", value=chosen or "", key=state.widget_key("view-name"))
        if st.button("Save", key=state.widget_key("view-save")):
            _save(store, state, table, name)
    if slots[2].button(
        "Delete view",
        key=state.widget_key("view-delete"),
        disabled=chosen not in views,
        icon=":material/bookmark_remove:",
    ):
        store.delete(table.name, str(chosen))
        st.toast(f"View {chosen!r} deleted")
        st.rerun()

    def changed() -> None:
        if chosen in views and views[chosen] != state.filters:
            note.caption("The filters were changed since this view was chosen.")

    return changed


def _apply(state: TableState, picker: str, views: dict[str, FilterChoice]) -> None:
    name = widget_value(picker)
    if name in views:
        state.choose_filters(views[name])


def _save(store: ViewStore, state: TableState, table: ResourceTable, name: str) -> None:
    try:
        store.save(table.name, name, state.filters)
    except (OSError, ValueError) as exc:
        st.error(f"Cannot save the view: {exc}")
        return
    st.toast(f"View {name.strip()!r} saved")
    st.rerun()

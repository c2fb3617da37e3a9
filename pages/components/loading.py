"""Loading a table (and the ids its rows may refer to) from the API, with progress, and a
message instead of a traceback when that fails."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from emporix_data.errors import EmporixError
from emporix_data.mapping import Directory, load_directory
from emporix_data.pagination import recorded_warnings
from emporix_data.plan import References
from emporix_data.tables import TABLES, LoadedTable, ResourceTable, load_table
from emporix_data.workspace import TableState
from pages.components.state import table_client, table_state

FAILURES = (EmporixError, ValueError, OSError)


def loaded_state(name: str, *, reload: bool = False) -> TableState:
    """The table's state, loaded from the API once per session (or again on ``reload``)."""
    state = table_state(name)
    if reload or state.workspace is None:
        state.start(fetch(state), datetime.now())
        state.search_text()  # now, so that the first search is as quick as the next
    return state


def loaded_table(name: str) -> LoadedTable:
    """The table as loaded from the API (once per session, or again on Reload)."""
    return loaded_state(name).loaded


def fetch(state: TableState) -> LoadedTable:
    """The table loaded from the API with a progress bar; a message and a stop on failure."""
    title = TABLES[state.name].title.lower()
    where = f" of site {state.site}" if state.site else ""
    bar = st.progress(0.0, text=f"Loading {title}{where}…")

    def progress(done: int, total: int | None) -> None:
        share = done / total if total else 0.5
        bar.progress(min(share, 1.0), text=f"Loading… {done:,} of {total or '?'}")

    try:
        with recorded_warnings() as warnings:
            loaded = load_table(table_client(state), state.name, progress)
    except FAILURES as exc:
        bar.empty()
        st.error(f"Loading {title}{where} failed: {exc}")
        st.stop()
    bar.empty()
    for warning in warnings:
        st.warning(warning)
    return loaded


def directory_for(state: TableState, table: ResourceTable) -> Directory:
    """The ids the table's rows may refer to, and the records an uploaded file may name by
    e-mail or name, loaded once per table state."""
    if state.directory is None:
        with st.spinner("Loading the ids rows may refer to…"):
            try:
                state.directory = load_directory(table_client(state), table.references)
            except FAILURES as exc:
                st.error(f"Cannot check references: {exc}")
                st.stop()
    return state.directory


def references_for(state: TableState, table: ResourceTable) -> References:
    """The ids the table's rows may refer to, loaded once per table state."""
    return directory_for(state, table).references

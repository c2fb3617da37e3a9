"""Loading a table (and the ids its rows may refer to) from the API, with progress, and a
message instead of a traceback when that fails."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import streamlit as st

from emporix_data.client import EmporixClient
from emporix_data.errors import EmporixError
from emporix_data.mapping import Directory, load_directory
from emporix_data.pagination import ProgressCallback, recorded_warnings
from emporix_data.plan import References
from emporix_data.table_cache import TableCache
from emporix_data.tables import TABLES, LoadedTable, ResourceTable
from emporix_data.workspace import TableState
from pages.components.state import table_client, table_state

FAILURES = (EmporixError, ValueError, OSError)
Loaded = TypeVar("Loaded")


def loaded_state(name: str, *, reload: bool = False) -> TableState:
    """The table's state: started once per session from the table as loaded in this
    server process (by any session; loaded now if none did), or from the API again on
    ``reload``."""
    state = table_state(name)
    if reload or state.workspace is None:
        state.start(fetch(state) if reload else shared(state), datetime.now())
    return state


def loaded_table(name: str) -> LoadedTable:
    """The table as loaded from the API (once per session, or again on Reload)."""
    return loaded_state(name).loaded


def loaded_tables(names: Sequence[str]) -> dict[str, LoadedTable]:
    """Several tables; those this session has not started yet are loaded concurrently
    (unless loaded in this process already), with a progress bar each."""
    states = {name: table_state(name) for name in names}
    wanted = {
        name: (table_client(state), state.site)
        for name, state in states.items()
        if state.workspace is None
    }
    if wanted:
        bars = {name: st.progress(0.0, text=f"Loading {_title(states[name])}…") for name in wanted}

        def progress(name: str, done: int, total: int | None) -> None:
            share = done / total if total else 0.5
            text = f"Loading {_title(states[name])}… {done:,} of {total or '?'}"
            bars[name].progress(min(share, 1.0), text=text)

        tables = shared_tables()
        loaded = _loading(list(bars.values()), "tables", lambda: tables.get_many(wanted, progress))
        for name, table in loaded.items():
            states[name].start(table, datetime.now())
    return {name: state.loaded for name, state in states.items()}


@st.cache_resource
def shared_tables() -> TableCache:
    """The tables loaded in this server process, shared by its sessions."""
    return TableCache()


def shared(state: TableState) -> LoadedTable:
    """The table as loaded in this server process, else loaded now with a progress bar."""
    tables = shared_tables()
    cached = tables.cached(table_client(state), state.name, state.site)
    return cached if cached is not None else _with_progress(state, tables.get)


def fetch(state: TableState) -> LoadedTable:
    """The table loaded from the API now (Reload, after a push) with a progress bar; it
    replaces the table the server process shares."""
    return _with_progress(state, shared_tables().reload)


# How a table is loaded: client, name, site, progress (``TableCache.get`` or ``reload``).
TableLoad = Callable[[EmporixClient, str, str | None, ProgressCallback], LoadedTable]


def _with_progress(state: TableState, load: TableLoad) -> LoadedTable:
    bar = st.progress(0.0, text=f"Loading {_title(state)}…")

    def progress(done: int, total: int | None) -> None:
        share = done / total if total else 0.5
        bar.progress(min(share, 1.0), text=f"Loading… {done:,} of {total or '?'}")

    client = table_client(state)
    return _loading([bar], _title(state), lambda: load(client, state.name, state.site, progress))


def _loading(bars: list[Any], what: str, load: Callable[[], Loaded]) -> Loaded:
    """What ``load`` loads, its warnings shown; a message and a stop on failure."""
    try:
        with recorded_warnings() as warnings:
            loaded = load()
    except FAILURES as exc:
        for bar in bars:
            bar.empty()
        st.error(f"Loading {what} failed: {exc}")
        st.stop()
    for bar in bars:
        bar.empty()
    for warning in warnings:
        st.warning(warning)
    return loaded


def _title(state: TableState) -> str:
    where = f" of site {state.site}" if state.site else ""
    return TABLES[state.name].title.lower() + where


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

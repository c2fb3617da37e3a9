"""The page every resource table shares: load, filter, edit or select, review, push, files.

Tables whose key has a ``site`` column are kept per site: their state is the chosen
site's, and they are loaded and pushed with a client for that site.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from emporix_data.filters import filter_mask
from emporix_data.tables import TABLES
from emporix_data.workspace import TableState, with_view_edits
from pages.components.bulk import bulk_edit
from pages.components.files import files_section
from pages.components.filters import Picks, filter_controls
from pages.components.grid import Beside, grid
from pages.components.loading import loaded_state
from pages.components.pending import confirm_reload, pending_panel
from pages.components.push import push_section
from pages.components.review import change_plan, last_report, review
from pages.components.selection import SELECT, mode_control, selection_grid
from pages.components.views import saved_views


def render_table_page(
    name: str,
    *,
    top: Callable[[], Picks | None] | None = None,
    before_grid: Callable[[], None] | None = None,
    on_selection: Callable[[pd.DataFrame], None] | None = None,
    beside: Beside | None = None,
    when_empty: str | None = None,
) -> None:
    """The whole page of a table.

    ``top`` runs first (before the load), e.g. to choose a site or segments; the picks
    it returns limit the grid. ``on_selection`` gets the selected rows and offers the
    page's actions on them; with it, the grid can switch to selecting rows. ``beside``
    gives read-only columns shown in the grid (names looked up by id); ``when_empty``
    (``{site}`` in it: the site shown) is said when the table has no rows at all.
    """
    table = TABLES[name]
    st.title(table.title)
    fixed = dict(top() or {}) if top else {}
    state = loaded_state(name)
    top_row = st.columns([4, 1])
    top_row[0].caption(f"Loaded {len(state.loaded.frame):,} rows at {state.loaded_at:%H:%M}")
    if state.stale:
        st.info(
            "A push from Push history changed this table since it was loaded. Reload to see "
            "the current state (your pending edits are then discarded)."
        )
    if top_row[1].button("Reload", icon=":material/refresh:", key=state.widget_key("reload")):
        _reload(state)
    last_report(state, table)
    if before_grid:
        before_grid()
    if when_empty and state.work.frame.empty:
        st.info(when_empty.format(site=state.site or ""), icon=":material/info:")
    view_note = saved_views(state, table)
    spec = filter_controls(state, state.loaded.schema, state.work.frame, fixed)
    view_note()
    if on_selection is not None and mode_control(state) == SELECT:
        on_selection(selection_grid(state, table, spec))
    else:
        grid(state, table, spec, beside)
    bulk_edit(state, table, spec)
    pending_panel(state, table)
    # Read now what a download needs: it runs outside the script, when clicked.
    frame, view = state.work.frame, state.work.view
    search = state.kept_search_text(frame)
    columns = _exported_columns(state)

    def filtered() -> pd.DataFrame:
        edited = with_view_edits(frame, view)
        return edited[filter_mask(edited, spec, search if edited is frame else None)][columns]

    uploaded = files_section(state, filtered, spec.hint())
    plan = change_plan(state, table, uploaded)
    st.subheader("Review changes" + (" from the uploaded file" if uploaded is not None else ""))
    if plan.is_empty:
        st.caption("No pending changes.")
        return
    review(table, plan)
    push_section(state, table, plan)


def _reload(state: TableState) -> None:
    """Load the table again; where changes are pending, only after asking."""

    def reload() -> None:
        loaded_state(state.name, reload=True)

    pending = state.work.pending().count
    if pending:
        confirm_reload(state, pending, reload)
        return
    reload()
    st.rerun()


def _exported_columns(state: TableState) -> list[str]:
    """The columns a download holds: those shown (the key columns always, so that an
    edited download can be uploaded again)."""
    schema = state.loaded.schema
    return [name for name in schema.names if name in schema.key or name not in state.filters.hidden]

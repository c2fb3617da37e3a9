"""The filters and the grid, each run as a page of its own (no API): grid edits stay in
the view, and are folded into the working copy when the view ends."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from emporix_data.plan import References
from emporix_data.workspace import TableState
from tests.dashboard.helpers import edit, editor_key
from tests.dashboard.synthetic import customers_table, started


def grid_page(state, fixed) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    import streamlit as st

    from emporix_data.tables import TABLES
    from pages.components.filters import filter_controls
    from pages.components.grid import grid

    table = TABLES[state.name]
    spec = filter_controls(state, table.schema, state.work.frame, fixed)
    if st.toggle("Grid", value=True, key="show-grid"):
        grid(state, table, spec)


def pending_rows_page(state) -> None:
    import pandas as pd
    import streamlit as st

    from emporix_data.filters import TableFilter
    from emporix_data.tables import TABLES
    from pages.components.grid import add_pending_rows, grid, remove_pending_rows

    if st.button("Add a row", key="add"):
        add_pending_rows(state, pd.DataFrame({"contactEmail": ["added@example.com"]}))
    if st.button("Remove the first", key="remove"):
        st.caption(f"{remove_pending_rows(state, [('00000000',)])} removed")
    grid(state, TABLES[state.name], TableFilter())


def shown_grid(
    state: TableState, fixed: dict[str, list[str]] | None = None, page=grid_page
) -> AppTest:
    args = (state, fixed) if page is grid_page else (state,)
    at = AppTest.from_function(page, args=args, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_grid_edits_stay_in_the_view_and_are_folded_when_the_filter_changes():
    state = started(customers_table())
    at = shown_grid(state)
    assert "12 of 12 rows shown" in captions(at)
    first_key = editor_key(at, "customers")
    edit(at, "customers", edited_rows={1: {"lastName": "Edited"}})
    assert state.work.frame.loc[1, "lastName"] == "Last1"
    assert state.work.edited().loc[1, "lastName"] == "Edited"

    at.text_input(key="customers:search").set_value("first1").run()
    assert "3 of 12 rows shown" in captions(at)
    assert state.work.frame.loc[1, "lastName"] == "Edited"
    assert editor_key(at, "customers") != first_key
    shown = at.data_editor[0].value
    assert shown["customerNumber"].tolist() == ["00000001", "00000010", "00000011"]
    assert shown["lastName"].iloc[0] == "Edited"


def test_rows_added_and_deleted_in_the_grid_are_folded_too():
    state = started(customers_table())
    at = shown_grid(state)
    edit(at, "customers", added_rows=[{"contactEmail": "new@example.com"}], deleted_rows=[0])
    at.text_input(key="customers:search").set_value("example").run()
    frame = state.work.frame
    assert 0 not in frame.index
    assert frame.loc[12, "contactEmail"] == "new@example.com"
    assert "12 of 12 rows shown" in captions(at)


def test_edits_outlive_a_run_that_does_not_show_the_grid():
    state = started(customers_table())
    at = shown_grid(state)
    edit(at, "customers", edited_rows={2: {"firstName": "While-Away"}})
    old_key = editor_key(at, "customers")
    at.toggle(key="show-grid").set_value(False).run()
    assert old_key not in at.session_state, "Streamlit dropped the editor's own state"
    at.toggle(key="show-grid").set_value(True).run()
    assert state.work.frame.loc[2, "firstName"] == "While-Away"
    assert at.data_editor[0].value["firstName"].iloc[2] == "While-Away"


def test_pickers_filter_the_grid_and_fixed_picks_get_none():
    state = started(customers_table())
    at = shown_grid(state)
    currency = at.multiselect(key="customers:pick:preferredCurrency")
    assert currency.options == ["EUR", "GBP", "USD"]
    currency.set_value(["USD"]).run()
    assert "4 of 12 rows shown" in captions(at)
    assert set(at.data_editor[0].value["preferredCurrency"]) == {"USD"}

    fixed = shown_grid(started(customers_table()), {"preferredCurrency": ["EUR", "GBP"]})
    assert "preferredCurrency" not in [m.label for m in fixed.multiselect]
    assert "8 of 12 rows shown" in captions(fixed)


def test_large_tables_show_their_first_5000_rows():
    at = shown_grid(started(customers_table(5_001)))
    assert "5,000 of 5,001 rows shown (first 5,000: filter to see others)" in captions(at)
    assert len(at.data_editor[0].value) == 5_000


def test_rows_added_and_removed_outside_the_grid_keep_its_edits():
    state = started(customers_table())
    at = shown_grid(state, page=pending_rows_page)
    assert at.data_editor[0].editing_mode == "dynamic"
    edit(at, "customers", edited_rows={1: {"lastName": "Before-Add"}})
    at.button(key="add").click().run()
    frame = state.work.frame
    assert frame.loc[1, "lastName"] == "Before-Add"
    assert frame.loc[12, "contactEmail"] == "added@example.com"
    assert len(at.data_editor[0].value) == 13

    at.button(key="remove").click().run()
    assert "1 removed" in captions(at)
    assert 0 not in state.work.frame.index
    plan = state.work.plan(References())
    assert plan.counts() == {"create": 1, "update": 1, "delete": 1, "invalid": 0}

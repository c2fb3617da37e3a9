"""The grid's pending marks, the pending-changes panel, the bulk edits and the kept
filters, each run as a page of its own (no API)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from emporix_data.plan import References
from emporix_data.workspace import MARK_COLUMN, FilterChoice
from tests.dashboard.helpers import edit
from tests.dashboard.synthetic import customers_table, started


def table_parts(state) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    import streamlit as st

    from emporix_data.tables import TABLES
    from pages.components.bulk import bulk_edit
    from pages.components.filters import filter_controls
    from pages.components.grid import grid
    from pages.components.pending import pending_panel

    table = TABLES[state.name]
    if st.toggle("Shown", value=True, key="shown"):
        spec = filter_controls(state, table.schema, state.work.frame)
        grid(state, table, spec)
        bulk_edit(state, table, spec)
        pending_panel(state, table)


def shown(state) -> AppTest:
    at = AppTest.from_function(table_parts, args=(state,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_grid_gets_a_filtered_slice_by_position_with_its_pending_rows_marked():
    state = started(customers_table())
    at = shown(state)
    edit(at, "customers", edited_rows={1: {"lastName": "Edited"}})
    at.text_input(key="customers:search").set_value("first1").run()  # 1, 10, 11
    grid = at.data_editor[0].value
    assert list(grid.index) == [0, 1, 2], "by position, not by working-copy label"
    assert grid[MARK_COLUMN].tolist() == ["✎ lastName", "", ""]
    edit(at, "customers", added_rows=[{"contactEmail": "added@example.com"}])
    plan = state.work.plan(References())
    assert plan.counts() == {"create": 1, "update": 1, "delete": 0, "invalid": 0}


def test_hidden_columns_leave_the_grid_and_filters_say_what_is_on_when_collapsed():
    state = started(customers_table())
    at = shown(state)
    at.multiselect(key="customers:hidden").set_value(["title", "middleName"]).run()
    at.text_input(key="customers:search").set_value("first1").run()
    expander = at.expander[0]
    assert expander.label == "Filters · 1 active · 2 columns hidden"
    assert state.filters == FilterChoice(text="first1", hidden=("title", "middleName"))


def test_filters_come_back_after_their_widgets_were_not_shown():
    state = started(customers_table())
    at = shown(state)
    at.text_input(key="customers:search").set_value("first1").run()
    at.multiselect(key="customers:pick:preferredCurrency").set_value(["USD"]).run()
    at.toggle(key="shown").set_value(False).run()  # another page: widgets forget
    assert "customers:search" not in at.session_state
    at.toggle(key="shown").set_value(True).run()
    assert at.text_input(key="customers:search").value == "first1"
    assert at.multiselect(key="customers:pick:preferredCurrency").value == ["USD"]
    assert "2 of 12 rows shown" in captions(at)
    state.choose_filters(FilterChoice(text="first2"))  # a saved view chosen
    at.run()
    assert at.text_input(key="customers:search:1").value == "first2"
    assert "1 of 12 rows shown" in captions(at)


def test_a_value_set_for_the_filtered_rows_is_pending_and_marked():
    state = started(customers_table())
    at = shown(state)
    at.text_input(key="customers:search").set_value("first1").run()
    at.selectbox(key="customers:bulk-column").set_value("company").run()
    at.text_input(key="customers:bulk-value:company").set_value("Bulk Co").run()
    button = at.button(key="customers:bulk-set")
    assert button.label == "Set for the 3 filtered rows"
    button.click().run()
    assert not at.exception, at.exception
    assert state.work.frame.loc[[1, 10, 11], "company"].tolist() == ["Bulk Co"] * 3
    assert at.data_editor[0].value[MARK_COLUMN].tolist() == ["✎ company"] * 3
    assert at.expander[-1].label == "Pending changes: 3 rows"


def test_a_bad_value_is_refused_with_a_message_and_nothing_changes():
    state = started(customers_table())
    at = shown(state)
    at.selectbox(key="customers:bulk-column").set_value("preferredCurrency").run()
    at.text_input(key="customers:bulk-value:preferredCurrency").set_value("x").run()
    at.selectbox(key="customers:bulk-column").set_value("active").run()
    at.selectbox(key="customers:bulk-value:active").set_value("true").run()
    at.button(key="customers:bulk-set").click().run()
    assert state.work.frame["active"].tolist() == [True] * 12
    at.selectbox(key="customers:bulk-search").set_value("firstName").run()
    at.text_input(key="customers:bulk-find").set_value("First1").run()
    at.text_input(key="customers:bulk-replace").set_value("Erste1").run()
    at.checkbox(key="customers:bulk-whole").check().run()
    at.button(key="customers:bulk-go").click().run()
    assert state.work.frame["firstName"].tolist().count("Erste1") == 1


def test_pending_rows_are_listed_and_a_ticked_one_is_reverted():
    state = started(customers_table())
    at = shown(state)
    edit(at, "customers", edited_rows={1: {"lastName": "One"}, 2: {"lastName": "Two"}})
    panel = next(d for d in at.dataframe if str(d.key).startswith("customers:pending:"))
    assert panel.value[MARK_COLUMN].tolist() == ["edited", "edited"]
    assert at.button(key="customers:revert").disabled
    at.session_state[panel.key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    revert = at.button(key="customers:revert")
    assert revert.label == "Revert 1 selected row"
    revert.click().run()
    assert not at.exception, at.exception
    assert state.work.edited()["lastName"].tolist()[1:3] == ["Last1", "Two"]
    assert at.expander[-1].label == "Pending changes: 1 row"

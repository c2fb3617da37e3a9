"""Selecting rows, run as a page of its own (no API): ticks are kept by key across
filters, select all / clear, and grid edits kept while selecting."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.dashboard.helpers import edit, select_mode, selection_view, tick, widget_key
from tests.dashboard.synthetic import customers_table, started


def selection_page(state) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    import streamlit as st

    from emporix_data.tables import TABLES
    from pages.components.filters import filter_controls
    from pages.components.grid import grid
    from pages.components.selection import SELECT, mode_control, selection_grid

    table = TABLES[state.name]
    spec = filter_controls(state, table.schema, state.work.frame)
    if mode_control(state) == SELECT:
        selected = selection_grid(state, table, spec)
        st.caption("chosen: " + ", ".join(selected["customerNumber"]))
    else:
        grid(state, table, spec)


def selecting(state) -> AppTest:
    at = AppTest.from_function(selection_page, args=(state,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_grid_edits_until_select_is_chosen():
    at = selecting(started(customers_table()))
    assert at.segmented_control(key="customers:mode").value == "Edit"
    assert len(at.data_editor) == 1
    select_mode(at, "customers")
    assert len(at.data_editor) == 0
    assert "0 rows selected" in captions(at)


def test_ticks_are_kept_by_key_across_filters_and_select_all_adds_the_shown_rows():
    state = started(customers_table())
    at = selecting(state)
    select_mode(at, "customers")
    tick(at, "customers", [0, 3])
    assert "chosen: 00000000, 00000003" in captions(at)
    at.text_input(key="customers:search").set_value("first1").run()
    assert "2 rows selected" in captions(at)
    assert selection_view(at, "customers")["customerNumber"].tolist() == [
        "00000001",
        "00000010",
        "00000011",
    ]
    next(b for b in at.button if b.label == "Select all 3 shown").click().run()
    assert "5 rows selected" in captions(at)
    ticked = at.session_state[widget_key(at, "select:customers:")]["selection"]["rows"]
    assert ticked == [0, 1, 2]
    assert state.selection.keys == (
        ("00000000",),
        ("00000003",),
        ("00000001",),
        ("00000010",),
        ("00000011",),
    )


def test_clearing_the_selection_starts_the_selection_grid_afresh():
    state = started(customers_table())
    at = selecting(state)
    select_mode(at, "customers")
    tick(at, "customers", [1])
    before = widget_key(at, "select:customers:")
    next(b for b in at.button if b.label == "Clear selection").click().run()
    assert "0 rows selected" in captions(at)
    assert widget_key(at, "select:customers:") != before
    assert state.selection.keys == ()


def test_grid_edits_are_kept_while_selecting():
    state = started(customers_table())
    at = selecting(state)
    edit(at, "customers", edited_rows={1: {"firstName": "Edited-Before-Select"}})
    select_mode(at, "customers")
    assert selection_view(at, "customers")["firstName"].iloc[1] == "Edited-Before-Select"
    assert state.work.frame.loc[1, "firstName"] == "Edited-Before-Select"
    select_mode(at, "customers", "Edit")
    assert at.data_editor[0].value["firstName"].iloc[1] == "Edited-Before-Select"

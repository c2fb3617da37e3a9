"""Saved views, run as a page of their own (no API): the current filters saved under a
name in the local file, chosen again to filter by them, deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from emporix_data.tables import TABLES
from emporix_data.workspace import FilterChoice, ViewStore
from tests.dashboard.synthetic import customers_table, started


def views_page(state) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    from emporix_data.tables import TABLES
    from pages.components.filters import filter_controls, rows_caption, shown_rows
    from pages.components.views import saved_views

    table = TABLES[state.name]
    view_note = saved_views(state, table)
    spec = filter_controls(state, table.schema, state.work.frame)
    view_note()
    rows_caption(len(shown_rows(state, spec)), len(state.work.frame))


@pytest.fixture
def views_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "views.json"
    monkeypatch.setenv("EMPORIX_VIEWS_FILE", str(path))
    return path


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_filters_are_saved_as_a_view_chosen_again_and_deleted(views_file: Path):
    state = started(customers_table())
    at = AppTest.from_function(views_page, args=(state,), default_timeout=30).run()
    assert at.selectbox(key="customers:view").disabled
    at.text_input(key="customers:search").set_value("first1").run()
    at.multiselect(key="customers:hidden").set_value(["title"]).run()
    at.text_input(key="customers:view-name").set_value("Ones").run()
    at.button(key="customers:view-save").click().run()
    assert not at.exception, at.exception
    schema = TABLES["customers"].schema
    assert ViewStore(views_file).views("customers", schema) == {
        "Ones": FilterChoice(text="first1", hidden=("title",))
    }

    at.text_input(key="customers:search").set_value("").run()
    assert "12 of 12 rows shown" in captions(at)
    at.selectbox(key="customers:view").set_value("Ones").run()
    assert "3 of 12 rows shown" in captions(at)
    assert at.text_input(key="customers:search:1").value == "first1"
    assert at.multiselect(key="customers:hidden:1").value == ["title"]

    at.text_input(key="customers:search:1").set_value("first2").run()
    assert "The filters were changed since this view was chosen." in captions(at)
    at.button(key="customers:view-delete").click().run()
    assert ViewStore(views_file).views("customers", schema) == {}


def test_a_damaged_views_file_is_said_so_and_the_page_still_works(views_file: Path):
    views_file.write_text("{broken", encoding="utf-8")
    state = started(customers_table())
    at = AppTest.from_function(views_page, args=(state,), default_timeout=30).run()
    assert not at.exception, at.exception
    assert at.warning[0].value.startswith("cannot read the saved views in ")
    assert "12 of 12 rows shown" in captions(at)

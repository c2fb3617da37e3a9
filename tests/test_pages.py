"""Dashboard pages under streamlit's AppTest, against the sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import get_customer, list_customers

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(sandbox, admin):
    """The app connected (through secrets) to the test sandbox, freshly reset."""
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["emporix"] = {
        "api_url": sandbox.url,
        "tenant": "demo",
        "client_id": "demo-client",
        "client_secret": "demo-secret",
    }
    at.run()
    yield at
    st.cache_resource.clear()


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def editor_key(at: AppTest, name: str) -> str:
    keys = at.session_state._state._state.filtered_state.keys()
    return next(k for k in keys if str(k).startswith(f"editor:{name}:"))


def edit(at: AppTest, name: str, **state) -> AppTest:
    at.session_state[editor_key(at, name)] = {
        "edited_rows": state.get("edited_rows", {}),
        "added_rows": state.get("added_rows", []),
        "deleted_rows": state.get("deleted_rows", []),
    }
    return at.run()


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


@pytest.mark.parametrize(
    "page", ["customers", "contact_assignments", "segment_memberships", "customer_groups"]
)
def test_every_resource_page_loads_its_rows(app, page):
    open_page(app, page)
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Loaded ") and " rows at " in c for c in captions)
    assert len(app.data_editor) == 1
    assert "No pending changes." in captions


def test_grid_edit_and_delete_are_reviewed_then_pushed_and_reloaded(app, sandbox, make_settings):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "Grid-Edited"}}, deleted_rows=[3])
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 1, "Invalid rows": 0}
    next(b for b in app.button if b.label == "Push 2 changes").click().run()
    assert [s.value for s in app.success] == ["Last push: 2 applied, 0 failed, 0 conflicts."]
    with EmporixClient(make_settings()) as client:
        assert get_customer(client, "00000001").firstName == "Grid-Edited"
    assert any(c.value.startswith("Loaded 119 rows") for c in app.caption)


def test_invalid_cell_blocks_only_its_row(app):
    open_page(app, "customers")
    edit(
        app,
        "customers",
        edited_rows={0: {"contactEmail": "broken"}, 1: {"lastName": "Fine"}},
    )
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 0, "Invalid rows": 1}
    errors = app.dataframe[-1].value
    assert errors["column"].tolist() == ["contactEmail"]


def test_edits_survive_a_filter_change(app):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"lastName": "Kept-Across-Filters"}})
    app.text_input(key="customers:search").set_value("00000002").run()
    assert "1 of 120 rows shown" in [c.value for c in app.caption]
    assert metrics(app)["Updates"] == 1
    app.text_input(key="customers:search").set_value("").run()
    assert metrics(app)["Updates"] == 1


def test_more_than_20_deletes_need_a_typed_confirmation(app):
    open_page(app, "customers")
    edit(app, "customers", deleted_rows=list(range(21)))
    push = next(b for b in app.button if b.label == "Push 21 changes")
    assert push.disabled
    app.text_input[-1].set_value("DELETE 21").run()
    assert not next(b for b in app.button if b.label == "Push 21 changes").disabled


def test_bad_credentials_show_a_message_not_a_traceback(sandbox):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["emporix"] = {
        "api_url": sandbox.url,
        "tenant": "demo",
        "client_id": "demo-client",
        "client_secret": "wrong",
    }
    at.run()
    at.switch_page("pages/customers.py").run()
    st.cache_resource.clear()
    assert not at.exception
    assert any("401" in e.value and "wrong" not in e.value for e in at.error)


def test_overview_kpis_and_charts_follow_the_data(app, make_settings):
    assert not app.exception, app.exception
    tiles = {m.label: m.value for m in app.metric}
    assert tiles["Customers"] == "120"
    with EmporixClient(make_settings()) as client:
        b2b = sum(c.businessModel == "B2B" for c in list_customers(client))
    assert [m.delta for m in app.metric if m.label == "Customers"] == [f"{b2b} B2B"]
    assert len(app.get("plotly_chart")) == 5

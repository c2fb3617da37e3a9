"""Dashboard pages under streamlit's AppTest, against the sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from emporix_data.resources.customers import delete_customer, get_customer, list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships

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


def test_pasted_customers_are_added_to_a_segment_and_pushed_in_bulk(app, admin, make_settings):
    open_page(app, "segment_memberships")
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG002")}
        outsiders = [c.key for c in list_customers(client) if c.key not in members][:3]
    app.selectbox(key="memberships:add:segment").set_value("SEG002")
    app.text_area(key="memberships:add:numbers").set_value(", ".join(outsiders))
    app.button(key="memberships:add:go").click().run()
    assert metrics(app)["Creates"] == 3
    admin.reset_stats()
    next(b for b in app.button if b.label == "Push 3 changes").click().run()
    assert [s.value for s in app.success] == ["Last push: 3 applied, 0 failed, 0 conflicts."]
    assert admin.count("PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk") == 1
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG002")}
    assert set(outsiders) <= members


def test_failed_rows_stay_pending_with_the_apis_message(app, make_settings):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "Too late"}, 1: {"firstName": "Fine"}})
    with EmporixClient(make_settings()) as client:
        delete_customer(client, "00000001")
    next(b for b in app.button if b.label == "Push 2 changes").click().run()
    assert next(w.value for w in app.warning).startswith("Last push: 1 applied, 1 failed")
    failed = app.dataframe[0].value
    assert failed["key"].tolist() == ["00000001"]
    assert "not found" in failed["message"].iloc[0]
    assert any(
        b.label == "Download failed rows (fix and upload again)" for b in app.get("download_button")
    )


def test_uploaded_file_is_planned_like_the_grid(app):
    open_page(app, "customer_groups")
    loaded = app.session_state["customer-groups:loaded:demo"][0].frame
    edited = loaded.copy()
    edited.loc[edited.index[0], "groupId"] = "uploaded"
    edited["_action"] = ""
    edited.loc[edited.index[1], "_action"] = "delete"
    upload = app.file_uploader(key="customer-groups:upload")
    upload.set_value(("groups.csv", frame_bytes(edited, "csv"), "text/csv")).run()
    assert not app.exception, app.exception
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 1, "Invalid rows": 0}


def test_an_edit_the_api_rejected_stays_pending_after_the_push(app, admin):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={4: {"lastName": "Retry me"}})
    admin.queue({"kind": "500", "method": "PATCH", "count": 1})
    next(b for b in app.button if b.label == "Push 1 changes").click().run()
    assert next(w.value for w in app.warning).startswith("Last push: 0 applied, 1 failed")
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["Retry me"]
    next(b for b in app.button if b.label == "Push 1 changes").click().run()
    assert [s.value for s in app.success] == ["Last push: 1 applied, 0 failed, 0 conflicts."]

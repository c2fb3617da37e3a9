"""The resource pages under AppTest: load, edit, filter, review, push, upload."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from emporix_data.resources.customers import list_customers
from tests.dashboard.helpers import (
    edit,
    kept_plan,
    metrics,
    open_page,
    push,
    push_button,
    select_mode,
    selection_view,
    table_state,
)
from tests.support import APP, TenantApi


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
    push(app, 2)
    assert [s.value for s in app.success] == ["Last push: 2 applied, 0 failed, 0 conflicts."]
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).customer("00000001")["firstName"] == "Grid-Edited"
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
    button = push_button(app, 21)
    assert button.disabled
    app.text_input[-1].set_value("DELETE 21").run()
    assert not push_button(app, 21).disabled


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


def test_failed_rows_stay_pending_with_the_apis_message(app, make_settings):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "Too late"}, 1: {"firstName": "Fine"}})
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).delete_customer("00000001") < 300
    push(app, 2)
    assert next(w.value for w in app.warning).startswith("Last push: 1 applied, 1 failed")
    failed = app.dataframe[0].value
    assert failed["key"].tolist() == ["00000001"]
    assert re.search("not found|no longer exists", failed["message"].iloc[0])
    assert any(
        b.label == "Download failed rows (fix and upload again)" for b in app.get("download_button")
    )


def test_uploaded_file_is_planned_like_the_grid(app):
    open_page(app, "customer_groups")
    loaded = table_state(app, "customer-groups", "main").loaded.frame
    edited = loaded.copy()
    edited.loc[edited.index[0], "groupId"] = "uploaded"
    edited["_action"] = ""
    edited.loc[edited.index[1], "_action"] = "delete"
    upload = app.file_uploader(key="customer-groups:upload:main")
    upload.set_value(("groups.csv", frame_bytes(edited, "csv"), "text/csv")).run()
    assert not app.exception, app.exception
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 1, "Invalid rows": 0}


def test_an_edit_the_api_rejected_stays_pending_after_the_push(app, admin):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={4: {"lastName": "Retry me"}})
    admin.queue({"kind": "500", "method": "PATCH", "count": 1})
    push(app, 1)
    assert next(w.value for w in app.warning).startswith("Last push: 0 applied, 1 failed")
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["Retry me"]
    push(app, 1)
    assert [s.value for s in app.success] == ["Last push: 1 applied, 0 failed, 0 conflicts."]


def test_grid_edits_survive_a_visit_to_another_page(app):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"lastName": "Kept-Across-Pages"}})
    open_page(app, "overview")
    open_page(app, "customers")
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["Kept-Across-Pages"]


def test_grid_edits_are_kept_while_selecting_rows(app):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={1: {"firstName": "Edited-Before-Select"}})
    select_mode(app, "customers")
    assert len(app.data_editor) == 0
    assert selection_view(app, "customers")["firstName"].iloc[1] == "Edited-Before-Select"
    select_mode(app, "customers", "Edit")
    assert metrics(app)["Updates"] == 1
    assert app.data_editor[0].value["firstName"].iloc[1] == "Edited-Before-Select"


def test_contact_assignment_names_sit_beside_their_ids(app):
    open_page(app, "contact_assignments")
    columns = list(app.data_editor[0].value.columns)
    entity = columns.index("legalEntityId")
    assert columns[entity + 1] == "legalEntityName"
    customer = columns.index("customerId")
    assert columns[customer + 1 : customer + 3] == ["customerName", "customerSurname"]


@pytest.mark.parametrize(
    ("page", "mode"),
    [
        ("customers", "dynamic"),
        ("contact_assignments", "dynamic"),
        ("segment_memberships", "delete"),
        ("customer_groups", "delete"),
    ],
)
def test_grids_offer_new_rows_only_where_a_new_key_can_be_typed_or_generated(app, page, mode):
    open_page(app, page)
    assert app.data_editor[0].editing_mode == mode


def test_the_plan_is_kept_across_filter_changes_and_rebuilt_after_every_edit(app):
    open_page(app, "customers")
    before = kept_plan(app, "customers")
    app.text_input(key="customers:search").set_value("00000002").run()
    assert kept_plan(app, "customers") is before
    app.text_input(key="customers:search").set_value("").run()

    edit(app, "customers", edited_rows={0: {"lastName": "After-A-Kept-Plan"}})
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["After-A-Kept-Plan"]
    edit(app, "customers", edited_rows={0: {"lastName": "Edited-Again"}})
    assert app.dataframe[-1].value["new"].tolist() == ["Edited-Again"]
    app.text_input(key="customers:search").set_value("00000003").run()
    assert app.dataframe[-1].value["new"].tolist() == ["Edited-Again"]
    edit(app, "customers", edited_rows={0: {"firstName": "Filtered-Edit"}})
    assert sorted(app.dataframe[-1].value["new"]) == ["Edited-Again", "Filtered-Edit"]

    # A reload with pending changes asks first (the answer is the browser tests' to give:
    # AppTest does not rerun a dialog on its own).
    app.button(key="customers:reload").click().run()
    assert metrics(app)["Updates"] == 2
    assert app.button(key="customers:go").label == "Discard and reload"


def test_a_removed_upload_gives_the_review_back_to_the_grid(app):
    open_page(app, "customer_groups")
    edit(app, "customer-groups", edited_rows={0: {"groupId": "from-the-grid"}})
    loaded = table_state(app, "customer-groups", "main").loaded.frame
    upload = app.file_uploader(key="customer-groups:upload:main")
    upload.set_value(("groups.csv", frame_bytes(loaded.iloc[1:3], "csv"), "text/csv")).run()
    assert "No pending changes." in [c.value for c in app.caption]
    app.file_uploader(key="customer-groups:upload:main").set_value(None).run()
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["from-the-grid"]


def table_page() -> None:
    import streamlit as st

    from pages.components.table import render_table_page

    render_table_page(
        "customers",
        top=lambda: {"businessModel": ["B2B"]},
        before_grid=lambda: st.caption("Drawn before the grid."),
    )


def test_a_table_page_is_limited_by_its_top_picks_and_offers_no_selection_without_actions(
    sandbox_secrets, admin
):
    at = AppTest.from_function(table_page, default_timeout=60)
    at.secrets["emporix"] = sandbox_secrets
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Customers"]
    captions = [c.value for c in at.caption]
    assert captions[0].startswith("Loaded 120 rows at ")
    assert "Drawn before the grid." in captions
    shown = at.data_editor[0].value
    assert set(shown["businessModel"]) == {"B2B"}
    assert f"{len(shown)} of 120 rows shown" in captions
    assert "businessModel" not in [m.label for m in at.multiselect]
    assert not at.segmented_control
    assert "No pending changes." in captions

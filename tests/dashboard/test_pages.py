"""Dashboard pages under streamlit's AppTest, against the sandbox over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from emporix_data.journal import Origin, open_journal
from emporix_data.resources.customer_groups import get_customer_group, list_customer_groups
from emporix_data.resources.customers import delete_customer, get_customer, list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships
from emporix_data.tables import load_table
from tests.support import APP


@pytest.fixture
def journal_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "journal.db"
    monkeypatch.setenv("EMPORIX_JOURNAL_DB", str(path))
    return path


@pytest.fixture
def app(sandbox, admin, journal_db):
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


def widget_key(at: AppTest, prefix: str) -> str:
    keys = at.session_state._state._state.filtered_state.keys()
    return next(k for k in keys if str(k).startswith(prefix))


def editor_key(at: AppTest, name: str) -> str:
    return widget_key(at, f"editor:{name}:")


def select_mode(at: AppTest, name: str, mode: str = "Select") -> AppTest:
    at.segmented_control(key=f"{name}:mode").set_value(mode).run()
    assert not at.exception, at.exception
    return at


def selection_view(at: AppTest, name: str) -> pd.DataFrame:
    """The rows the selection grid shows, in its order."""
    return next(d for d in at.dataframe if str(d.key).startswith(f"select:{name}:")).value


def tick(at: AppTest, name: str, positions: list[int]) -> AppTest:
    """Tick these rows of the selection grid, as a click on their boxes does."""
    key = widget_key(at, f"select:{name}:")
    at.session_state[key] = {"selection": {"rows": positions, "columns": [], "cells": []}}
    return at.run()


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
    assert re.search("not found|no longer exists", failed["message"].iloc[0])
    assert any(
        b.label == "Download failed rows (fix and upload again)" for b in app.get("download_button")
    )


def test_uploaded_file_is_planned_like_the_grid(app):
    open_page(app, "customer_groups")
    loaded = app.session_state["customer-groups:loaded:demo:main"][0].frame
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
    next(b for b in app.button if b.label == "Push 1 changes").click().run()
    assert next(w.value for w in app.warning).startswith("Last push: 0 applied, 1 failed")
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["Retry me"]
    next(b for b in app.button if b.label == "Push 1 changes").click().run()
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


def test_picking_segments_limits_the_grid_to_their_memberships(app, make_settings):
    open_page(app, "segment_memberships")
    picker = app.multiselect(key="memberships:segments")
    assert picker.options[0].startswith("SEG001 · ")
    picker.set_value(["SEG001", "SEG003"]).run()
    shown = app.data_editor[0].value
    assert set(shown["segmentId"]) == {"SEG001", "SEG003"}
    with EmporixClient(make_settings()) as client:
        expected = len(list_segment_memberships(client, "SEG001")) + len(
            list_segment_memberships(client, "SEG003")
        )
    assert len(shown) == expected
    assert "segmentId" not in [m.label for m in app.multiselect]


def test_customers_selected_on_the_customers_page_are_added_to_a_segment_in_one_click(
    app, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG002")}
        everyone = list_customers(client)
    outsiders = [c for c in everyone if c.key not in members]
    b2b = next(c for c in outsiders if c.businessModel == "B2B")
    b2c = [c for c in outsiders if c.businessModel == "B2C"][:2]
    chosen = {c.key for c in [b2b, *b2c]}
    open_page(app, "customers")
    select_mode(app, "customers")
    numbers = selection_view(app, "customers")["customerNumber"].tolist()
    tick(app, "customers", sorted(numbers.index(n) for n in chosen))
    assert "3 rows selected" in [c.value for c in app.caption]

    open_page(app, "segment_memberships")
    app.selectbox(key="memberships:add:segment").set_value("SEG002").run()
    app.button(key="memberships:add:selected").click().run()
    assert metrics(app) == {"Creates": 3, "Updates": 0, "Deletes": 0, "Invalid rows": 0}
    admin.reset_stats()
    next(b for b in app.button if b.label == "Push 3 changes").click().run()
    assert [s.value for s in app.success] == ["Last push: 3 applied, 0 failed, 0 conflicts."]
    assert admin.count("PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk") == 1
    with EmporixClient(make_settings()) as client:
        after = {
            m.customer.id: m.legalEntity.id if m.legalEntity else None
            for m in list_segment_memberships(client, "SEG002")
        }
    assert chosen <= after.keys()
    assert after[b2b.key] == b2b.b2b.legalEntities[0].id
    assert all(after[c.key] is None for c in b2c)


def test_selection_survives_a_filter_change_and_select_all_adds_the_shown_rows(app):
    open_page(app, "customers")
    select_mode(app, "customers")
    tick(app, "customers", [0])
    app.text_input(key="customers:search").set_value("00000002").run()
    assert "1 row selected" in [c.value for c in app.caption]
    next(b for b in app.button if b.label == "Select all 1 shown").click().run()
    app.text_input(key="customers:search").set_value("").run()
    assert "2 rows selected" in [c.value for c in app.caption]
    ticked = app.session_state[widget_key(app, "select:customers:")]["selection"]["rows"]
    assert ticked == [0, 1]


def test_adding_members_already_in_the_segment_skips_them(app, make_settings):
    with EmporixClient(make_settings()) as client:
        member = next(
            m for m in list_segment_memberships(client, "SEG001") if m.legalEntity is None
        )
    open_page(app, "segment_memberships")
    app.selectbox(key="memberships:add:segment").set_value("SEG001")
    app.text_area(key="memberships:add:numbers").set_value(member.customer.id)
    app.button(key="memberships:add:go").click().run()
    assert "No pending changes." in [c.value for c in app.caption]
    assert "already in the segment" in app.toast[0].value


def test_selected_memberships_are_removed_as_pending_deletes_and_pushed_in_bulk(
    app, admin, make_settings
):
    open_page(app, "segment_memberships")
    app.multiselect(key="memberships:segments").set_value(["SEG001"]).run()
    select_mode(app, "segment-memberships")
    view = selection_view(app, "segment-memberships")
    gone = set(view["customerId"].iloc[[0, 2]])
    tick(app, "segment-memberships", [0, 2])
    app.button(key="memberships:remove").click().run()
    assert metrics(app) == {"Creates": 0, "Updates": 0, "Deletes": 2, "Invalid rows": 0}
    assert "0 rows selected" in [c.value for c in app.caption]
    admin.reset_stats()
    next(b for b in app.button if b.label == "Push 2 changes").click().run()
    assert [s.value for s in app.success] == ["Last push: 2 applied, 0 failed, 0 conflicts."]
    assert admin.count("DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/bulk") == 1
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG001")}
    assert not gone & members


@pytest.fixture
def two_sites(admin, make_settings) -> None:
    """Enough customer-group relations that both seeded sites have some."""
    admin.reset(customer_groups=80)
    with EmporixClient(make_settings()) as client:
        assert list_customer_groups(client, site="outlet")
        assert list_customer_groups(client, site="main")


def choose_site(at: AppTest, site: str) -> AppTest:
    """Type a new site into the site picker, as the browser sends it: a value that is
    not among the picker's options (AppTest can only set listed ones, so list it)."""
    picker = at.selectbox(key="customer-groups:site-picker")
    if site not in picker.options:
        picker.options.append(site)
    picker.set_value(site).run()
    assert not at.exception, at.exception
    return at


def test_site_selector_loads_the_sites_relations_and_pushes_to_its_path(
    app, admin, make_settings, two_sites
):
    open_page(app, "customer_groups")
    assert app.selectbox(key="customer-groups:site-picker").value == "main"
    choose_site(app, "outlet")
    shown = app.data_editor[0].value
    with EmporixClient(make_settings()) as client:
        outlet = list_customer_groups(client, site="outlet")
    assert set(shown["site"]) == {"outlet"}
    assert sorted(shown["customerId"]) == sorted(r.customerId for r in outlet)
    customer = shown["customerId"].iloc[0]
    admin.reset_stats()
    edit(app, "customer-groups", edited_rows={0: {"groupId": "wholesale-outlet"}})
    next(b for b in app.button if b.label == "Push 1 changes").click().run()
    assert [s.value for s in app.success] == ["Last push: 1 applied, 0 failed, 0 conflicts."]
    assert admin.count("PUT /shipping/{tenant}/{site}/cgrelations/{customerId}") == 1
    assert f"/shipping/demo/outlet/cgrelations/{customer}" in admin.stats()["raw_paths"]
    with EmporixClient(make_settings()) as client:
        assert get_customer_group(client, customer, site="outlet").groupId == "wholesale-outlet"
        assert customer not in {r.customerId for r in list_customer_groups(client)}


def test_switching_sites_keeps_each_sites_pending_edits_apart(app, two_sites):
    open_page(app, "customer_groups")
    edit(app, "customer-groups", edited_rows={0: {"groupId": "edited-on-main"}})
    choose_site(app, "outlet")
    assert "No pending changes." in [c.value for c in app.caption]
    edit(app, "customer-groups", edited_rows={1: {"groupId": "edited-on-outlet"}})
    assert app.dataframe[-1].value["new"].tolist() == ["edited-on-outlet"]
    app.selectbox(key="customer-groups:site-picker").set_value("main").run()
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["edited-on-main"]
    app.selectbox(key="customer-groups:site-picker").set_value("outlet").run()
    assert app.dataframe[-1].value["new"].tolist() == ["edited-on-outlet"]


def test_a_failed_load_shows_a_message_and_keeps_the_site_picker(app, admin):
    open_page(app, "customer_groups")
    admin.queue({"kind": "500", "method": "GET", "path_contains": "/outlet/", "count": 1})
    choose_site(app, "outlet")
    assert any("Loading customer groups of site outlet failed" in e.value for e in app.error)
    assert app.selectbox(key="customer-groups:site-picker").value == "outlet"
    app.selectbox(key="customer-groups:site-picker").set_value("main").run()
    assert not app.error
    assert len(app.data_editor) == 1


def test_contact_assignment_names_sit_beside_their_ids(app):
    open_page(app, "contact_assignments")
    columns = list(app.data_editor[0].value.columns)
    entity = columns.index("legalEntityId")
    assert columns[entity + 1] == "legalEntityName"
    customer = columns.index("customerId")
    assert columns[customer + 1 : customer + 3] == ["customerName", "customerSurname"]


def test_an_uploaded_file_only_changes_the_site_shown(app, two_sites):
    open_page(app, "customer_groups")
    main = app.session_state["customer-groups:loaded:demo:main"][0].frame.copy()
    main["groupId"] = "from-the-main-file"
    choose_site(app, "outlet")
    upload = app.file_uploader(key="customer-groups:upload:outlet")
    upload.set_value(("main.csv", frame_bytes(main, "csv"), "text/csv")).run()
    assert not app.exception, app.exception
    assert [w.value for w in app.warning] == [
        f"{len(main)} rows of the file are for other sites and are left out: "
        "switch the site to `main` to push them."
    ]
    assert "No pending changes." in [c.value for c in app.caption]


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


def test_a_page_push_is_journaled_with_its_page_and_listed_in_push_history(app, journal_db):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "Journaled"}})
    next(b for b in app.button if b.label == "Push 1 changes").click().run()
    with open_journal(journal_db) as journal:
        history = journal.history()
    assert history[["resource", "source", "status", "applied"]].values.tolist() == [
        ["customers", "page Customers", "finished", 1]
    ]

    open_page(app, "push_history")
    listed = app.dataframe[0].value
    assert listed["id"].tolist() == history["id"].tolist()
    assert app.selectbox(key="history:push").value == history.loc[0, "id"]


def test_an_incomplete_push_is_resumed_from_push_history(app, journal_db, make_settings):
    with EmporixClient(make_settings()) as client:
        loaded = load_table(client, "customers")
        edited = loaded.frame.copy()
        edited.loc[[0, 1], "lastName"] = "Resumed-Here"
        plan = loaded.plan(edited, "grid")
        with open_journal(journal_db) as journal:
            push_id = journal.start(
                resource="customers",
                tenant=client.tenant,
                api_url=client.settings.base_url,
                origin=Origin("ana", "page Customers"),
                changes=plan.changes,
                before=[loaded.documents[c.key] for c in plan.changes],
            )
            journal.release(push_id)

    open_page(app, "push_history")
    resume = app.button(key="history:resume")
    assert resume.label == "Resume: send the 2 rows without a result"
    resume.click().run()

    assert next(s.value for s in app.success).startswith(f"Push {push_id}: 2 applied")
    with EmporixClient(make_settings()) as client:
        assert get_customer(client, "00000001").lastName == "Resumed-Here"
        assert get_customer(client, "00000002").lastName == "Resumed-Here"


def test_a_push_is_undone_from_push_history_after_review(app, make_settings):
    with EmporixClient(make_settings()) as client:
        original = get_customer(client, "00000001").firstName
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "To-Undo"}})
    next(b for b in app.button if b.label == "Push 1 changes").click().run()

    open_page(app, "push_history")
    app.button(key="history:plan").click().run()
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 0, "Invalid rows": 0}
    app.button(key="history:undo-push").click().run()

    assert not app.exception, app.exception
    with EmporixClient(make_settings()) as client:
        assert get_customer(client, "00000001").firstName == original
    assert len(app.dataframe[0].value) == 2, "the undo is journaled as a push of its own"


def kept_plan(at: AppTest, key: str):
    """The change plan the page keeps between runs."""
    return at.session_state[key][2]


def test_the_plan_is_kept_across_filter_changes_and_rebuilt_after_every_edit(app):
    open_page(app, "customers")
    before = kept_plan(app, "customers:plan:demo")
    app.text_input(key="customers:search").set_value("00000002").run()
    assert kept_plan(app, "customers:plan:demo") is before
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

    app.button(key="customers:reload").click().run()
    assert "No pending changes." in [c.value for c in app.caption]


def test_a_removed_upload_gives_the_review_back_to_the_grid(app):
    open_page(app, "customer_groups")
    edit(app, "customer-groups", edited_rows={0: {"groupId": "from-the-grid"}})
    loaded = app.session_state["customer-groups:loaded:demo:main"][0].frame
    upload = app.file_uploader(key="customer-groups:upload:main")
    upload.set_value(("groups.csv", frame_bytes(loaded.iloc[1:3], "csv"), "text/csv")).run()
    assert "No pending changes." in [c.value for c in app.caption]
    app.file_uploader(key="customer-groups:upload:main").set_value(None).run()
    assert metrics(app)["Updates"] == 1
    assert app.dataframe[-1].value["new"].tolist() == ["from-the-grid"]

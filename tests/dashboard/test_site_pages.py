"""Customer groups under AppTest: one working copy, load and push per site."""

from __future__ import annotations

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from emporix_data.resources.customer_groups import list_customer_groups
from tests.dashboard.helpers import choose_site, edit, metrics, open_page, push, table_state
from tests.support import TenantApi


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
    push(app, 1)
    assert [s.value for s in app.success] == ["Last push: 1 applied, 0 failed, 0 conflicts."]
    assert admin.count("PUT /shipping/{tenant}/{site}/cgrelations/{customerId}") == 1
    assert f"/shipping/demo/outlet/cgrelations/{customer}" in admin.stats()["raw_paths"]
    with EmporixClient(make_settings()) as client:
        relation = TenantApi(client).customer_group(customer, site="outlet")
        assert relation["groupId"] == "wholesale-outlet"
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


def test_an_uploaded_file_only_changes_the_site_shown(app, two_sites):
    open_page(app, "customer_groups")
    main = table_state(app, "customer-groups", "main").loaded.frame.copy()
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

"""The pages as a new user meets them, under AppTest: a pushed file is detached, invalid
rows stay pending and are said so, the banner follows the latest push, customer groups
show names and can be added to, and history reads in local time with old -> new."""

from __future__ import annotations

import re

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from emporix_data.resources.customer_groups import list_customer_groups
from tests.dashboard.helpers import choose_site, edit, metrics, open_page, push, table_state
from tests.support import TenantApi, exported


def test_a_pushed_file_is_detached_and_leaves_nothing_pending(app, make_settings):
    open_page(app, "customers")
    with EmporixClient(make_settings()) as client:
        rows = exported(client, "customers").iloc[:2].copy()
    rows["lastName"] = "From-A-File"
    app.file_uploader(key="customers:upload").set_value(
        ("edited.csv", frame_bytes(rows, "csv"), "text/csv")
    ).run()
    assert metrics(app)["Updates"] == 2
    push(app, 2)
    state = table_state(app, "customers")
    assert state.upload is None
    assert not any(f.key == "customers:upload" for f in app.file_uploader)
    assert app.file_uploader(key="customers:upload:1") is not None
    assert "No pending changes." in [c.value for c in app.caption]


def test_invalid_rows_stay_pending_after_a_push_and_the_banner_says_so(app):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"lastName": "Sent"}, 1: {"contactEmail": "nope"}})
    push(app, 1)
    banner = "Last push: 1 applied, 0 failed, 0 conflicts, 1 invalid."
    assert next(w.value for w in app.warning) == banner
    assert "1 invalid row was not pushed and is still pending." in [i.value for i in app.info]
    assert metrics(app) == {"Creates": 0, "Updates": 0, "Deletes": 0, "Invalid rows": 1}
    app.button(key="customers:dismiss-report").click().run()
    assert banner not in [w.value for w in app.warning] and not app.info


def test_an_undo_from_push_history_replaces_the_tables_banner(app):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "Then-Undone"}})
    push(app, 1)
    open_page(app, "push_history")
    listed = app.dataframe[0].value
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", listed["started"].iloc[0])
    rows = app.dataframe[1].value
    assert rows["changes"].iloc[0].endswith("→ Then-Undone")
    push_id = listed["id"].iloc[0]
    app.button(key="history:plan").click().run()
    assert app.button(key="history:undo-push").label == "Push the undo (1 change)"
    app.button(key="history:undo-push").click().run()
    open_page(app, "customers")
    assert [s.value for s in app.success] == [
        f"Last push (undo of push {push_id}): 1 applied, 0 failed, 0 conflicts."
    ]


def test_customer_groups_show_names_and_customers_are_added_or_moved(app, make_settings):
    open_page(app, "customer_groups")
    shown = app.data_editor[0].value
    with EmporixClient(make_settings()) as client:
        first = shown["customerId"].iloc[0]
        customer = TenantApi(client).customer(first)
        related = {r.customerId for r in list_customer_groups(client)}
    assert shown["customerEmail"].iloc[0] == customer["contactEmail"]
    assert customer["lastName"] in shown["customerName"].iloc[0]
    newcomer = next(f"{n:08d}" for n in range(1, 121) if f"{n:08d}" not in related)
    app.multiselect(key="customer-groups:add:customers:main").set_value([newcomer, first]).run()
    group = app.selectbox(key="customer-groups:add:group:main")
    group.options.append("moved-here")  # typed: the browser sends a new option as it is
    group.set_value("moved-here").run()
    app.button(key="customer-groups:add:go:main").click().run()
    assert not app.exception, app.exception
    assert metrics(app) == {"Creates": 1, "Updates": 1, "Deletes": 0, "Invalid rows": 0}
    push(app, 2)
    with EmporixClient(make_settings()) as client:
        groups = {r.customerId: r.groupId for r in list_customer_groups(client)}
    assert groups[newcomer] == groups[first] == "moved-here"


def test_a_site_without_relations_says_so(app):
    open_page(app, "customer_groups")
    choose_site(app, "nowhere")
    assert [i.value for i in app.info] == [
        "No customer-group relations on site nowhere yet: add customers to a group above, "
        "or upload a file."
    ]

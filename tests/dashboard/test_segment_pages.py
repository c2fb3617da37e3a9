"""Customers and segment memberships under AppTest: selecting, adding, removing members."""

from __future__ import annotations

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships
from tests.dashboard.helpers import (
    metrics,
    open_page,
    push,
    select_mode,
    selection_view,
    tick,
    widget_key,
)


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
    push(app, 3)
    assert [s.value for s in app.success] == ["Last push: 3 applied, 0 failed, 0 conflicts."]
    assert admin.count("PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk") == 1
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG002")}
    assert set(outsiders) <= members


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
    b2b = next(c for c in outsiders if c.b2b and len(c.b2b.legalEntities or []) == 1)
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
    push(app, 3)
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
    push(app, 2)
    assert [s.value for s in app.success] == ["Last push: 2 applied, 0 failed, 0 conflicts."]
    assert admin.count("DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/bulk") == 1
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG001")}
    assert not gone & members


def test_a_customer_in_several_legal_entities_gets_the_one_chosen(app, make_settings):
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, "SEG002")}
        several = next(
            c
            for c in list_customers(client)
            if c.key not in members and c.b2b and len(c.b2b.legalEntities or []) > 1
        )
    assert several.b2b and several.b2b.legalEntities
    entities = [e.id for e in several.b2b.legalEntities]
    open_page(app, "segment_memberships")
    app.selectbox(key="memberships:add:segment").set_value("SEG002")
    app.text_area(key="memberships:add:numbers").set_value(several.key)
    app.button(key="memberships:add:go").click().run()
    assert metrics(app) == {"Creates": 0, "Updates": 0, "Deletes": 0, "Invalid rows": 1}
    picker = app.selectbox(key=f"memberships:entity:SEG002:{several.key}")
    assert picker.options == [f"{e.id} ({e.name})" for e in several.b2b.legalEntities]
    picker.set_value(entities[1]).run()
    app.button(key="memberships:entity:apply").click().run()
    assert metrics(app) == {"Creates": 1, "Updates": 0, "Deletes": 0, "Invalid rows": 0}
    push(app, 1)
    with EmporixClient(make_settings()) as client:
        after = {
            m.customer.id: m.legalEntity.id if m.legalEntity else None
            for m in list_segment_memberships(client, "SEG002")
        }
    assert after[several.key] == entities[1]

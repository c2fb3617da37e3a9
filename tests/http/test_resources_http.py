"""Each resource's endpoints against the sandbox, as the dashboard and CLI call them."""

from __future__ import annotations

import pytest

from emporix_data.errors import ApiError
from emporix_data.resources import contact_assignments as ca
from emporix_data.resources import customer_groups as cg
from emporix_data.resources import segment_memberships as sm
from emporix_data.resources.customers import (
    CUSTOMER_SCHEMA,
    delete_customer,
    get_customer,
    list_customers,
    patch_customer,
    upsert_customer,
)
from emporix_data.resources.legal_entities import list_legal_entities
from emporix_data.resources.segments import list_segments

BULK_ROUTE = "PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk"


def test_put_from_an_edited_frame_row_keeps_fields_the_table_does_not_show(client):
    number = "00000010"
    document = get_customer(client, number).document()
    document["loyaltyProgramme"] = {"tier": "gold", "since": "2021-05-01"}
    upsert_customer(client, number, document)
    original = get_customer(client, number).document()
    assert original["loyaltyProgramme"] == {"tier": "gold", "since": "2021-05-01"}

    body = CUSTOMER_SCHEMA.apply(original, {"lastName": "Å-Edited"})
    upsert_customer(client, number, body)

    after = get_customer(client, number).document()
    assert after["lastName"] == "Å-Edited"
    assert after["metadata"]["version"] == original["metadata"]["version"] + 1
    unchanged = {k: v for k, v in original.items() if k not in ("lastName", "metadata")}
    assert {k: after[k] for k in unchanged} == unchanged


def test_patch_changes_only_the_given_fields_and_delete_removes(client):
    before = get_customer(client, "00000011").document()
    patch_customer(client, "00000011", {"onHold": not before.get("onHold", False)})
    after = get_customer(client, "00000011").document()
    assert after["onHold"] is (not before.get("onHold", False))
    assert after["firstName"] == before["firstName"]
    delete_customer(client, "00000011")
    with pytest.raises(ApiError) as caught:
        get_customer(client, "00000011")
    assert caught.value.is_not_found


def test_contact_assignment_created_with_our_id_then_updated_with_version_lock(client):
    entity = list_legal_entities(client)[0]
    customer = next(c for c in list_customers(client) if c.businessModel == "B2B")
    body = {"legalEntity": {"id": entity.id}, "customer": {"id": customer.key}, "type": "BILLING"}
    assert ca.upsert_contact_assignment(client, "ca-ours-1", body) is True
    stored = ca.get_contact_assignment(client, "ca-ours-1")
    assert (stored.legalEntity.name, stored.customer.id) == (entity.name, customer.key)

    edited = ca.CONTACT_ASSIGNMENT_SCHEMA.apply(stored.document(), {"type": "LOGISTICS"})
    assert ca.upsert_contact_assignment(client, "ca-ours-1", edited) is False
    assert ca.get_contact_assignment(client, "ca-ours-1").type == "LOGISTICS"
    with pytest.raises(ApiError) as caught:
        ca.upsert_contact_assignment(client, "ca-ours-1", edited)
    assert caught.value.is_conflict

    filtered = ca.list_contact_assignments(client, customer_id=customer.key, type="LOGISTICS")
    assert "ca-ours-1" in {a.id for a in filtered}
    assert all(a.customer.id == customer.key and a.type == "LOGISTICS" for a in filtered)
    ca.delete_contact_assignment(client, "ca-ours-1")
    assert "ca-ours-1" not in {a.id for a in ca.list_contact_assignments(client)}


def test_all_memberships_are_the_union_of_every_segments_memberships(client):
    segments = list_segments(client)
    assert len(segments) == 3
    everything = sm.list_all_memberships(client, segments)
    per_segment = [sm.list_segment_memberships(client, s.id) for s in segments]
    assert len(everything) == sum(len(m) for m in per_segment) > 0
    assert {m.segmentId for m in everything} == {s.id for s in segments}
    frame = sm.MEMBERSHIP_SCHEMA.to_frame(everything)
    assert not frame.duplicated(subset=list(sm.MEMBERSHIP_SCHEMA.key)).any()


def test_b2c_and_b2b_single_memberships_round_trip(client):
    segment = list_segments(client)[0].id
    b2c = next(c for c in list_customers(client) if c.businessModel == "B2C").key
    assignment = ca.list_contact_assignments(client)[0]
    b2b, entity = assignment.customer.id, assignment.legalEntity.id
    sm.delete_membership(client, segment, b2c)
    sm.delete_membership(client, segment, b2b, entity)

    assert sm.upsert_membership(client, segment, b2c) is True
    assert sm.upsert_membership(client, segment, b2b, entity) is True
    assert sm.upsert_membership(client, segment, b2c) is False
    assert sm.get_membership(client, segment, b2c).customer.id == b2c
    assert sm.get_membership(client, segment, b2b, entity).legalEntity.id == entity

    sm.delete_membership(client, segment, b2b, entity)
    with pytest.raises(ApiError) as caught:
        sm.get_membership(client, segment, b2b, entity)
    assert caught.value.is_not_found


def test_450_bulk_upserts_take_3_requests_and_every_row_gets_its_own_result(client, admin):
    segment = list_segments(client)[1].id
    b2c = [c.key for c in list_customers(client) if c.businessModel == "B2C"]
    # 450 items: real customers, and every 7th one a customer that does not exist.
    items = [sm.bulk_item(f"missing-{i}" if i % 7 == 0 else b2c[i % len(b2c)]) for i in range(450)]
    admin.reset_stats()
    progress: list[tuple[int, int]] = []
    results = sm.bulk_upsert_memberships(
        client, segment, items, progress=lambda d, t: progress.append((d, t))
    )
    assert admin.count(BULK_ROUTE) == 3
    assert [r.row for r in results] == list(range(450))
    failed = {r.row for r in results if not r.ok}
    assert failed == {i for i in range(450) if i % 7 == 0}
    assert all(r.status == 404 and r.message for r in results if not r.ok)
    assert progress[-1] == (450, 450)
    members = {m.customer.id for m in sm.list_segment_memberships(client, segment)}
    assert {items[i]["customerId"] for i in range(450) if i % 7} <= members


def test_bulk_delete_removes_exactly_the_given_memberships(client):
    segment = list_segments(client)[2].id
    before = sm.list_segment_memberships(client, segment)
    doomed = before[:3]
    items = [
        sm.bulk_item(m.customer.id, m.legalEntity.id if m.legalEntity else None) for m in doomed
    ]
    results = sm.bulk_delete_memberships(client, segment, items)
    assert [r.ok for r in results] == [True, True, True]
    after = sm.list_segment_memberships(client, segment)
    key = sm.MEMBERSHIP_SCHEMA.key
    remaining = set(map(tuple, sm.MEMBERSHIP_SCHEMA.to_frame(after)[list(key)].astype(str).values))
    removed = set(map(tuple, sm.MEMBERSHIP_SCHEMA.to_frame(doomed)[list(key)].astype(str).values))
    assert len(after) == len(before) - 3
    assert not remaining & removed


def test_customer_group_relations_crud_on_a_site(client):
    relations = cg.list_customer_groups(client)
    assert relations and all(r.site == "main" for r in relations)
    taken = {r.customerId for r in relations}
    free = next(c.key for c in list_customers(client) if c.key not in taken)

    cg.create_customer_group(client, free, "vip")
    assert cg.get_customer_group(client, free).groupId == "vip"
    with pytest.raises(ApiError) as duplicate:
        cg.create_customer_group(client, free, "retail")
    assert duplicate.value.is_conflict
    cg.update_customer_group(client, free, "wholesale")
    assert cg.get_customer_group(client, free).groupId == "wholesale"
    cg.delete_customer_group(client, free)
    assert free not in {r.customerId for r in cg.list_customer_groups(client)}
    assert {r.site for r in cg.list_customer_groups(client, "outlet")} <= {"outlet"}

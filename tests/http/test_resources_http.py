"""Each resource's endpoints against the sandbox, as the dashboard and CLI call them: read
through the resource modules, written through plans (``write_operations``), checked as
someone else sees the tenant (``TenantApi``)."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.errors import ApiError
from emporix_data.mapping import directory_of, load_directory
from emporix_data.plan import ChangePlan, RowChange
from emporix_data.push import PushProgress, push_plan
from emporix_data.resources import contact_assignments as ca
from emporix_data.resources import customer_groups as cg
from emporix_data.resources import segment_memberships as sm
from emporix_data.resources.customers import list_customers
from emporix_data.resources.legal_entities import list_legal_entities
from emporix_data.resources.segments import list_segments
from emporix_data.tables import TABLES, load_table
from tests.support import plan_for

BULK_ROUTE = "PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk"


def grid_push(client, name: str, edit):
    """Load ``name``, let ``edit`` change a copy of its frame, plan it as grid edits, push."""
    loaded = load_table(client, name)
    edited = edit(loaded.frame.copy())
    plan = loaded.plan(edited, "grid")
    assert not plan.errors, plan.errors_frame().to_string()
    return push_plan(client, loaded.table, plan, loaded.documents)


def row_of(frame: pd.DataFrame, column: str, value: str) -> int:
    (label,) = frame.index[frame[column] == value]
    return label


def test_edited_row_written_back_keeps_fields_the_table_does_not_show(client, tenant):
    number = "00000010"
    document = tenant.customer(number)
    document["loyaltyProgramme"] = {"tier": "gold", "since": "2021-05-01"}
    tenant.put_customer(number, document)
    original = tenant.customer(number)
    assert original["loyaltyProgramme"] == {"tier": "gold", "since": "2021-05-01"}

    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row_of(frame, "customerNumber", number), "lastName"] = "Å-Edited"
        return frame

    report = grid_push(client, "customers", edit)
    assert report.counts() == {"applied": 1, "failed": 0, "conflict": 0}

    after = tenant.customer(number)
    assert after["lastName"] == "Å-Edited"
    assert after["metadata"]["version"] == original["metadata"]["version"] + 1
    unchanged = {k: v for k, v in original.items() if k not in ("lastName", "metadata")}
    assert {k: after[k] for k in unchanged} == unchanged


def test_update_patches_only_the_edited_fields_and_delete_removes(client, tenant):
    number = "00000011"
    before = tenant.customer(number)
    on_hold = not before.get("onHold", False)

    def hold(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row_of(frame, "customerNumber", number), "onHold"] = on_hold
        return frame

    report = grid_push(client, "customers", hold)
    assert report.requests_frame()[["method", "rows"]].values.tolist() == [["PATCH", 1]]
    assert report.operations[0].body == {
        "onHold": on_hold,
        "metadata": {"version": before["metadata"]["version"]},
    }
    after = tenant.customer(number)
    assert after["onHold"] is on_hold
    assert after["firstName"] == before["firstName"]

    report = grid_push(
        client, "customers", lambda frame: frame.drop(index=row_of(frame, "customerNumber", number))
    )
    assert [(r.change.kind, r.outcome) for r in report.results] == [("delete", "applied")]
    with pytest.raises(ApiError) as caught:
        tenant.customer(number)
    assert caught.value.is_not_found


def test_contact_assignment_created_with_our_id_then_updated_with_version_lock(client, tenant):
    entity = list_legal_entities(client)[0]
    customer = next(c for c in list_customers(client) if c.businessModel == "B2B")
    new = pd.DataFrame(
        {
            "id": ["ca-ours-1"],
            "legalEntityId": [entity.id],
            "customerId": [customer.key],
            "type": ["BILLING"],
        },
        index=[2],
    )
    table, _, plan = plan_for(client, "contact-assignments", new)
    created = push_plan(client, table, plan, {})
    assert created.requests_frame()[["method", "path"]].values.tolist() == [
        ["PUT", "/customer-management/demo/contact-assignments/ca-ours-1"]
    ]
    assert [(r.outcome, r.status) for r in created.results] == [("applied", 201)]
    stored = tenant.contact_assignment("ca-ours-1")
    assert (stored["legalEntity"]["name"], stored["customer"]["id"]) == (entity.name, customer.key)

    loaded = load_table(client, "contact-assignments")
    edited = loaded.frame.copy()
    edited.loc[row_of(edited, "id", "ca-ours-1"), "type"] = "LOGISTICS"
    updated = push_plan(client, loaded.table, loaded.plan(edited, "grid"), loaded.documents)
    assert [(r.outcome, r.status) for r in updated.results] == [("applied", 204)]
    assert tenant.contact_assignment("ca-ours-1")["type"] == "LOGISTICS"

    # The same loaded version once more: the API refuses the stale metadata.version.
    edited.loc[row_of(edited, "id", "ca-ours-1"), "type"] = "CONTACT"
    stale = push_plan(client, loaded.table, loaded.plan(edited, "grid"), loaded.documents)
    assert [(r.outcome, r.status) for r in stale.results] == [("conflict", 409)]
    assert tenant.contact_assignment("ca-ours-1")["type"] == "LOGISTICS"

    filtered = ca.list_contact_assignments(client, customer_id=customer.key, type="LOGISTICS")
    assert "ca-ours-1" in {a.id for a in filtered}
    assert all(a.customer.id == customer.key and a.type == "LOGISTICS" for a in filtered)
    deleted = grid_push(
        client,
        "contact-assignments",
        lambda frame: frame.drop(index=row_of(frame, "id", "ca-ours-1")),
    )
    assert [(r.change.kind, r.outcome) for r in deleted.results] == [("delete", "applied")]
    assert "ca-ours-1" not in {a.id for a in ca.list_contact_assignments(client)}


def test_the_memberships_table_is_the_union_of_every_segments_memberships(client):
    segments = list_segments(client)
    assert len(segments) == 3
    frame = load_table(client, "segment-memberships").frame
    per_segment = [sm.list_segment_memberships(client, s.id or "") for s in segments]
    assert len(frame) == sum(len(m) for m in per_segment) > 0
    assert set(frame["segmentId"]) == {s.id for s in segments}
    assert not frame.duplicated(subset=list(sm.MEMBERSHIP_SCHEMA.key)).any()


def test_b2c_and_b2b_single_memberships_round_trip(client, tenant):
    segment = list_segments(client)[0].id
    b2c = next(c for c in list_customers(client) if c.businessModel == "B2C").key
    assignment = ca.list_contact_assignments(client)[0]
    b2b, entity = assignment.customer.id, assignment.legalEntity.id
    tenant.delete_membership(segment, b2c)
    tenant.delete_membership(segment, b2b, entity)

    assert tenant.put_membership(segment, b2c) == 201
    assert tenant.put_membership(segment, b2b, entity) == 201
    assert tenant.put_membership(segment, b2c) == 204
    assert tenant.membership(segment, b2c)["customer"]["id"] == b2c
    assert tenant.membership(segment, b2b, entity)["legalEntity"]["id"] == entity

    tenant.delete_membership(segment, b2b, entity)
    with pytest.raises(ApiError) as caught:
        tenant.membership(segment, b2b, entity)
    assert caught.value.is_not_found


def test_450_bulk_upserts_take_3_requests_and_every_row_gets_its_own_result(client, admin):
    segment = list_segments(client)[1].id
    b2c = [c.key for c in list_customers(client) if c.businessModel == "B2C"]
    # 450 rows: real customers, and every 7th one for a legal entity that does not exist.
    customers = [f"missing-{i}" if i % 7 == 0 else b2c[i % len(b2c)] for i in range(450)]
    table = TABLES["segment-memberships"]
    plan = ChangePlan(
        table.name,
        table.schema,
        changes=[
            RowChange(
                "create",
                (segment, customer, "no-such-entity" if i % 7 == 0 else None),
                f"row {i}",
                {"customerId": customer},
            )
            for i, customer in enumerate(customers)
        ],
    )
    admin.reset_stats()
    progress: list[PushProgress] = []
    report = push_plan(client, table, plan, {}, progress=progress.append)
    assert admin.count(BULK_ROUTE) == 3
    assert [len(op.rows) for op in report.operations] == [200, 200, 50]
    assert [r.change.row for r in report.results] == [f"row {i}" for i in range(450)]
    failed = {i for i, r in enumerate(report.results) if r.outcome != "applied"}
    assert failed == {i for i in range(450) if i % 7 == 0}
    assert all(r.status == 404 and r.message for r in report.results if r.outcome != "applied")
    assert (progress[-1].done, progress[-1].total) == (450, 450)
    members = {m.customer.id for m in sm.list_segment_memberships(client, segment)}
    assert {customers[i] for i in range(450) if i % 7} <= members


def test_bulk_delete_removes_exactly_the_given_memberships(client):
    segment = list_segments(client)[2].id
    before = sm.list_segment_memberships(client, segment)
    doomed = before[:3]
    key = list(sm.MEMBERSHIP_SCHEMA.key)
    removed = set(map(tuple, sm.MEMBERSHIP_SCHEMA.to_frame(doomed)[key].astype(str).values))

    def drop(frame: pd.DataFrame) -> pd.DataFrame:
        keys = frame[key].astype(str).itertuples(index=False, name=None)
        return frame[[row not in removed for row in keys]]

    report = grid_push(client, "segment-memberships", drop)
    assert report.requests_frame()["method"].tolist() == ["DELETE"]
    assert [r.outcome for r in report.results] == ["applied", "applied", "applied"]
    after = sm.list_segment_memberships(client, segment)
    remaining = set(map(tuple, sm.MEMBERSHIP_SCHEMA.to_frame(after)[key].astype(str).values))
    assert len(after) == len(before) - 3
    assert not remaining & removed


def test_customer_group_relations_crud_on_a_site(client, tenant):
    relations = cg.list_customer_groups(client)
    assert relations and all(r.site == "main" for r in relations)
    taken = {r.customerId for r in relations}
    free = next(c.key for c in list_customers(client) if c.key not in taken)

    def new_relation(group: str) -> pd.DataFrame:
        return pd.DataFrame({"site": ["main"], "customerId": [free], "groupId": [group]}, [2])

    table, _, first = plan_for(client, "customer-groups", new_relation("vip"))
    _, _, second = plan_for(client, "customer-groups", new_relation("retail"))
    created = push_plan(client, table, first, {})
    assert [(r.outcome, r.status) for r in created.results] == [("applied", 201)]
    assert tenant.customer_group(free)["groupId"] == "vip"
    duplicate = push_plan(client, table, second, {})
    assert [(r.outcome, r.status) for r in duplicate.results] == [("conflict", 409)]
    assert tenant.customer_group(free)["groupId"] == "vip"

    def regroup(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row_of(frame, "customerId", free), "groupId"] = "wholesale"
        return frame

    assert grid_push(client, "customer-groups", regroup).counts()["applied"] == 1
    assert tenant.customer_group(free)["groupId"] == "wholesale"
    deleted = grid_push(
        client, "customer-groups", lambda frame: frame.drop(index=row_of(frame, "customerId", free))
    )
    assert [(r.change.kind, r.outcome) for r in deleted.results] == [("delete", "applied")]
    assert free not in {r.customerId for r in cg.list_customer_groups(client)}
    assert {r.site for r in cg.list_customer_groups(client, "outlet")} <= {"outlet"}


def test_the_directory_read_from_light_views_is_the_one_of_parsed_models(client):
    kinds = ("customers", "b2b_customers", "legal_entities", "segments")
    loaded = load_directory(client, kinds)
    everyone = list_customers(client)
    parsed = directory_of(kinds, everyone, list_segments(client), list_legal_entities(client))
    assert loaded.references == parsed.references
    assert loaded.references.legal_entities_of  # B2B customers with their legal entities
    someone = next(c for c in everyone if c.contactEmail)
    for value in (someone.key or "", someone.contactEmail.upper(), "nobody@example.com"):
        found = loaded.finder("customer").find(value)
        assert found == parsed.finder("customer").find(value)
    assert loaded.finder("customer").find(someone.contactEmail) == (someone.key,)

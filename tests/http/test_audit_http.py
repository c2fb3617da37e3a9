"""Audit fixes against the sandbox: bad data made through the API, found, fixed through a
journaled push, found no more, and brought back by undo."""

from __future__ import annotations

import pytest

from emporix_data.audit import (
    LEGAL_ENTITIES,
    checks_named,
    load_audit_data,
    origin_source,
    plan_fix,
    run_checks,
    tables_needed,
)
from emporix_data.client import EmporixClient
from emporix_data.journal import Journal, Origin, open_journal
from emporix_data.push import PushReport, push_plan
from emporix_data.tables import load_table
from emporix_data.undo import plan_undo
from tests.support import TenantApi

ORPHANS = "orphan-memberships"
B2B_FIX = "b2b-membership-without-legal-entity"


@pytest.fixture
def journal(tmp_path):
    with open_journal(tmp_path / "journal.db") as book:
        yield book


def audit(client: EmporixClient, name: str) -> list[tuple]:
    """The keys of check ``name``'s findings, on freshly loaded data."""
    data = load_audit_data(client, tables_needed(checks_named([name])))
    return [finding.keys[0] for finding in run_checks(data.frames, [name])[0].findings]


def fix(client: EmporixClient, name: str, journal: Journal) -> PushReport:
    """Plan check ``name``'s fix on fresh data and push it journaled, as the CLI does."""
    data = load_audit_data(client, tables_needed(checks_named([name])))
    planned = plan_fix(data, name)
    loaded = planned.loaded
    return push_plan(
        client,
        loaded.table,
        planned.plan,
        loaded.documents,
        journal=journal,
        origin=Origin("ana", origin_source(name)),
    )


def undo(client: EmporixClient, push_id: str, journal: Journal) -> PushReport:
    inverse = plan_undo(client, journal, push_id)
    assert not inverse.plan.errors, inverse.plan.errors_frame()
    return push_plan(
        client,
        inverse.loaded.table,
        inverse.plan,
        inverse.documents,
        journal=journal,
        origin=Origin("ana", f"undo of {push_id}"),
        undo_of=push_id,
    )


def membership_keys(client: EmporixClient) -> set[tuple]:
    return set(load_table(client, "segment-memberships").documents)


def test_only_the_tables_the_checks_read_are_loaded(client):
    data = load_audit_data(client, tables_needed(checks_named(["duplicate-emails"])))
    assert list(data.tables) == ["customers"] and data.legal_entities is None
    data = load_audit_data(client, tables_needed(checks_named([ORPHANS])))
    assert sorted(data.tables) == ["customers", "segment-memberships"]
    everything = load_audit_data(client, tables_needed(checks_named([])))
    assert LEGAL_ENTITIES in everything.frames and len(everything.frames) == 4


def test_an_orphan_membership_is_fixed_journaled_and_brought_back_by_undo(client, tenant, journal):
    before = membership_keys(client)
    segment, customer, _ = next(key for key in sorted(before) if key[2] is None)
    orphans = {key for key in before if key[1] == customer}
    assert audit(client, ORPHANS) == []
    assert tenant.delete_customer(customer) in (202, 204)
    assert set(audit(client, ORPHANS)) == orphans

    report = fix(client, ORPHANS, journal)
    assert report.counts() == {"applied": len(orphans), "failed": 0, "conflict": 0}
    assert membership_keys(client) == before - orphans, "only the orphans were deleted"
    assert audit(client, ORPHANS) == []
    entry = journal.entry(report.push_id)
    assert (entry.resource, entry.source) == ("segment-memberships", "audit orphan-memberships")
    assert all(row.before is not None for row in entry.rows)

    undone = undo(client, report.push_id, journal)
    assert undone.counts() == {"applied": len(orphans), "failed": 0, "conflict": 0}
    assert membership_keys(client) == before
    assert tenant.membership(segment, customer)["customer"]["id"] == customer
    assert set(audit(client, ORPHANS)) == orphans


def b2b_customer_with_one_legal_entity(client: EmporixClient) -> tuple[str, str]:
    assignments = load_table(client, "contact-assignments").frame
    customers = load_table(client, "customers").frame
    b2b = set(customers.loc[customers["businessModel"] == "B2B", "customerNumber"])
    entities = assignments.groupby("customerId")["legalEntityId"].nunique()
    number = next(c for c in entities.index if c in b2b and entities[c] == 1)
    entity = assignments.loc[assignments["customerId"] == number, "legalEntityId"].iloc[0]
    return number, entity


def test_a_b2b_membership_written_as_b2c_gets_its_legal_entity_and_undo_restores_it(
    client, tenant: TenantApi, journal
):
    number, entity = b2b_customer_with_one_legal_entity(client)
    segment = next(s for s, c, _e in sorted(membership_keys(client)) if c != number)
    before = membership_keys(client) - {(segment, number, entity)}
    tenant.delete_membership(segment, number, entity)
    assert tenant.put_membership(segment, number) == 201  # the B2C endpoint takes it
    assert audit(client, B2B_FIX) == [(segment, number, None)]

    report = fix(client, B2B_FIX, journal)
    assert report.counts()["applied"] == 2
    after = membership_keys(client)
    assert (segment, number, entity) in after and (segment, number, None) not in after
    assert audit(client, B2B_FIX) == []
    assert journal.entry(report.push_id).source == f"audit {B2B_FIX}"

    undo(client, report.push_id, journal)
    assert membership_keys(client) == before | {(segment, number, None)}
    assert audit(client, B2B_FIX) == [(segment, number, None)]


def test_an_orphan_contact_assignment_is_deleted_and_its_undo_is_refused_by_the_api(
    client, tenant: TenantApi, journal
):
    assignments = load_table(client, "contact-assignments").frame
    customer = assignments["customerId"].iloc[0]
    mine = set(assignments.loc[assignments["customerId"] == customer, "id"])
    assert tenant.delete_customer(customer) in (202, 204)
    assert {key[0] for key in audit(client, "orphan-contact-assignments")} == mine

    report = fix(client, "orphan-contact-assignments", journal)
    assert report.counts()["applied"] == len(mine)
    assert audit(client, "orphan-contact-assignments") == []
    assert mine.isdisjoint(load_table(client, "contact-assignments").frame["id"])

    # The customer-management service does check its references: the orphan cannot
    # come back, and each row says why instead of vanishing.
    inverse = plan_undo(client, journal, report.push_id)
    undone = push_plan(client, inverse.loaded.table, inverse.plan, inverse.documents)
    assert undone.counts()["failed"] == len(mine)
    assert all(f"customer {customer} does not exist" in r.message for r in undone.problems)

"""Every field kept, against the sandbox: customers loaded whole, mixin cells written back
without losing the other mixin fields, an undone delete restoring mixins and addresses
(and saying so when an address does not come back), B2B memberships given their legal
entity."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from emporix_data.journal import open_journal
from emporix_data.push import push_plan, resume_push
from emporix_data.reports.catalog import TABLE_SCHEMAS
from emporix_data.reports.engine import ReportEngine
from emporix_data.reports.loading import load_report_frames
from emporix_data.resources.customers import EXPAND_ALL, list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships
from emporix_data.tables import load_references, load_table
from emporix_data.undo import plan_undo
from tests.support import exported, plan_for


@pytest.fixture
def journal(tmp_path):
    with open_journal(tmp_path / "journal.db") as book:
        yield book


def whole(client, number: str) -> dict[str, Any]:
    """The customer's document, expanded, but for what the service stamps itself."""
    (customer,) = list_customers(client, q=f'customerNumber:"{number}"', expand=EXPAND_ALL)
    document = customer.document()
    links = document.pop("metadata").get("mixins")
    document.pop("metadataCreatedAt")
    return {**document, "mixinLinks": links}


def line_of(file: pd.DataFrame, number: str) -> int:
    return int(file.index[file["customerNumber"] == number][0])


def rich_customer(client) -> str:
    """A customer with an address and a mixin of several fields."""
    return next(
        c.key
        for c in list_customers(client, expand=EXPAND_ALL)
        if c.key and c.addresses and c.mixins and len(c.mixins.get("loyalty", {})) > 2
    )


def deleted_by_a_push(client, journal) -> tuple[str, dict[str, Any], str]:
    """A rich customer deleted through a journaled file push: its number, its whole
    document before, and the push's id."""
    number = rich_customer(client)
    before = whole(client, number)
    file = exported(client, "customers")
    file.loc[line_of(file, number), "_action"] = "delete"
    table, loaded, plan = plan_for(client, "customers", file.loc[[line_of(file, number)]])
    pushed = push_plan(client, table, plan, loaded.documents, journal=journal)
    assert pushed.counts()["applied"] == 1 and pushed.push_id
    return number, before, pushed.push_id


def test_customers_load_whole_with_mixin_and_address_columns(client):
    loaded = load_table(client, "customers")
    number = rich_customer(client)
    row = loaded.frame.set_index("customerNumber").loc[number]
    document = loaded.documents[(number,)]
    assert row["mixins.loyalty.tier"] == document["mixins"]["loyalty"]["tier"]
    primary = next(
        (a for a in document["addresses"] if a.get("isDefault")), document["addresses"][0]
    )
    assert (row["addressCountry"], row["addressCity"]) == (primary["country"], primary["city"])
    assert {"mixins.loyalty.points", "mixins.loyalty.member"} <= set(loaded.schema.names)


def test_a_mixin_cell_is_written_back_and_the_other_fields_stay(client):
    number = rich_customer(client)
    before = whole(client, number)["mixins"]
    file = exported(client, "customers")
    line = line_of(file, number)
    file.loc[line, "mixins.loyalty.tier"] = "platinum"
    file.loc[line, "mixins.loyalty.points"] = None
    table, loaded, plan = plan_for(client, "customers", file.loc[[line]])
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts() == {"applied": 1, "failed": 0, "conflict": 0}
    loyalty = {k: v for k, v in before["loyalty"].items() if k != "points"} | {"tier": "platinum"}
    assert whole(client, number)["mixins"] == {**before, "loyalty": loyalty}


def test_undoing_a_delete_brings_back_the_customers_mixins_and_addresses(client, journal):
    number, before, push_id = deleted_by_a_push(client, journal)
    assert journal.entry(push_id).rows[0].before["addresses"] == before["addresses"]

    undo = plan_undo(client, journal, push_id)
    assert not undo.plan.notices, undo.plan.notices
    dry = push_plan(client, undo.loaded.table, undo.plan, undo.documents, dry_run=True)
    requests = dry.requests_frame()
    assert requests["method"].tolist() == ["POST"] * (1 + len(before["addresses"]))
    report = push_plan(
        client,
        undo.loaded.table,
        undo.plan,
        undo.documents,
        journal=journal,
        undo_of=push_id,
    )
    assert report.counts() == {"applied": 1, "failed": 0, "conflict": 0}
    assert whole(client, number) == before


def test_an_address_that_cannot_be_recreated_fails_the_row(client, admin, journal):
    _number, _before, push_id = deleted_by_a_push(client, journal)
    undo = plan_undo(client, journal, push_id)
    admin.queue({"kind": "500", "method": "POST", "path_contains": "/addresses"})

    report = push_plan(client, undo.loaded.table, undo.plan, undo.documents, journal=journal)

    (result,) = report.results
    assert (result.outcome, result.status) == ("failed", 500)
    assert result.message and "/addresses failed" in result.message
    assert journal.entry(report.push_id).rows[0].outcome == "failed"


def test_a_resumed_undo_sends_the_addresses_its_first_try_did_not(client, admin, journal):
    """The customer was recreated, then an address request failed: a retry finds the
    customer as wanted and still recreates its addresses."""
    number, before, push_id = deleted_by_a_push(client, journal)
    undo = plan_undo(client, journal, push_id)
    admin.queue({"kind": "500", "method": "POST", "path_contains": "/addresses"})
    failed = push_plan(client, undo.loaded.table, undo.plan, undo.documents, journal=journal)
    assert [r.outcome for r in failed.results] == ["failed"]
    assert whole(client, number).get("addresses") in (None, [])

    report = resume_push(client, journal, failed.push_id or "", retry_failed=True)

    (result,) = report.results
    assert result.outcome == "applied", result.message
    assert result.message and "addresses" in result.message
    assert whole(client, number) == before


def test_b2b_members_with_one_legal_entity_are_pushed_with_it(client):
    references = load_references(client, ("b2b_customers",))
    entities = references.legal_entities_of or {}
    members = {m.customer.id for m in list_segment_memberships(client, "SEG003") if m.customer}
    one = [n for n, found in entities.items() if len(found) == 1 and n not in members][:2]
    b2c = [
        c.key for c in list_customers(client) if c.businessModel == "B2C" and c.key not in members
    ][:2]
    file = pd.DataFrame(
        {"segmentId": "SEG003", "customerId": [*one, *b2c], "legalEntityId": None},
        index=pd.RangeIndex(2, 6),
    )
    table, loaded, plan = plan_for(client, "segment-memberships", file)
    assert not plan.errors and len(plan.notices) == 1
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts() == {"applied": 4, "failed": 0, "conflict": 0}
    after = {
        m.customer.id: m.legalEntity.id if m.legalEntity else None
        for m in list_segment_memberships(client, "SEG003")
        if m.customer
    }
    assert {n: after[n] for n in one} == {n: entities[n][0].id for n in one}
    assert [after[n] for n in b2c] == [None, None]


def test_a_create_with_a_mixin_found_already_there_is_recognised_by_its_mixin_too(client, tenant):
    loaded = load_table(client, "customers")
    new = loaded.frame.iloc[[0]].copy().set_axis([999])
    new.loc[:, [name for name in new.columns if name.startswith("mixins.")]] = None
    new.loc[:, ["customerNumber", "contactEmail", "mixins.loyalty.tier"]] = [
        "C-MIXIN",
        "mixin.new@example.com",
        "gold",
    ]
    plan = loaded.plan(new, "file")
    assert [c.kind for c in plan.changes] == ["create"]
    # As if the create got through before a crash: the live row has what the plan wants.
    tenant.create_customer(
        {
            "id": "C-MIXIN",
            **{k: v for k, v in plan.changes[0].values.items() if "." not in k and v is not None},
            "mixins": {"loyalty": {"tier": "gold"}},
        }
    )
    (result,) = push_plan(client, loaded.table, plan, loaded.documents, dry_run=True).results
    assert (result.outcome, result.message) == (
        "applied",
        "already in the wanted state; nothing sent",
    )

    tenant.patch_customer("C-MIXIN", {"mixins": {"loyalty": {"tier": "silver"}}})
    (result,) = push_plan(client, loaded.table, plan, loaded.documents, dry_run=True).results
    assert result.outcome == "conflict" and result.theirs
    assert result.theirs["mixins.loyalty.tier"] == "silver"


def test_reports_read_the_address_and_mixin_columns(client):
    frames = load_report_frames(client, TABLE_SCHEMAS)
    customers = frames["customers"].set_index("customerNumber")
    with ReportEngine(frames) as engine:
        result = engine.run(
            'SELECT customerNumber, country, city, "mixins.loyalty.tier" AS tier '
            "FROM customer_360 WHERE country IS NOT NULL ORDER BY customerNumber"
        ).frame.set_index("customerNumber")
    assert len(result) == customers["addressCountry"].notna().sum() > 0
    assert result["country"].tolist() == customers.loc[result.index, "addressCountry"].tolist()
    assert result["city"].tolist() == customers.loc[result.index, "addressCity"].tolist()
    tiers = customers.loc[result.index, "mixins.loyalty.tier"]
    assert result["tier"].fillna("").tolist() == tiers.fillna("").tolist()


def test_a_retried_undo_of_a_delete_still_restores_mixins_and_addresses(client, admin, journal):
    number, before, push_id = deleted_by_a_push(client, journal)
    undo = plan_undo(client, journal, push_id)
    # The create's connection breaks before it is processed: the row fails, and the
    # retry has only the journal to recreate the customer from.
    admin.queue({"kind": "drop", "method": "POST", "path_contains": "/customers"})
    failed = push_plan(client, undo.loaded.table, undo.plan, undo.documents, journal=journal)
    assert [r.outcome for r in failed.results] == ["failed"]

    report = resume_push(client, journal, failed.push_id or "", retry_failed=True)
    assert report.counts() == {"applied": 1, "failed": 0, "conflict": 0}
    assert whole(client, number) == before

"""The push journal against the sandbox: plan before the first request, results as they
arrive, resume, undo, conflicts found by re-reading rows, one backoff for all workers."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.journal import Journal, Origin, open_journal
from emporix_data.push import push_plan, resume_push
from emporix_data.resources.customers import list_customers
from emporix_data.tables import load_table
from emporix_data.undo import plan_undo
from tests.support import exported, plan_for

BULK_PUT = "PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk"
SERVER_OWNED = ("metadata", "metadataCreatedAt")


@pytest.fixture
def journal(tmp_path):
    with open_journal(tmp_path / "journal.db") as book:
        yield book


def documents_by_number(client) -> dict[str, dict]:
    return {
        c.customerNumber: {k: v for k, v in c.document().items() if k not in SERVER_OWNED}
        for c in list_customers(client)
    }


def test_push_journals_who_where_before_images_and_every_result(client, journal):
    file = exported(client, "customers")
    number = file.loc[2, "customerNumber"]
    file.loc[2, "lastName"] = "Journaled"
    file.loc[3, "_action"] = "delete"
    table, loaded, plan = plan_for(client, "customers", file)
    report = push_plan(
        client, table, plan, loaded.documents, journal=journal, origin=Origin("ana", "file x.csv")
    )

    entry = journal.entry(report.push_id)
    assert (entry.status, entry.user, entry.source) == ("finished", "ana", "file x.csv")
    assert [(row.change.kind, row.outcome) for row in entry.rows] == [
        ("update", "applied"),
        ("delete", "applied"),
    ]
    assert entry.rows[0].before == loaded.documents[(number,)]
    history = journal.history()
    assert history.loc[0, ["id", "status", "applied", "pending"]].tolist() == [
        report.push_id,
        "finished",
        2,
        0,
    ]


def test_push_cut_off_before_sending_is_incomplete_and_resume_sends_every_row(
    client, admin, tenant, journal
):
    file = exported(client, "customers")
    numbers = file.loc[[2, 3, 4], "customerNumber"].tolist()
    file.loc[[2, 3, 4], "firstName"] = "Resumed"
    table, loaded, plan = plan_for(client, "customers", file)
    push_id = journal.start(
        resource=table.name,
        tenant=client.tenant,
        api_url=client.settings.base_url,
        origin=Origin("ana", "page Customers"),
        changes=plan.changes,
        before=[loaded.documents[c.key] for c in plan.changes],
    )
    journal.release(push_id)  # the process stopped here, before its first request
    assert journal.entry(push_id).status == "incomplete"

    report = resume_push(client, journal, push_id)

    assert report.counts() == {"applied": 3, "failed": 0, "conflict": 0}
    assert all(tenant.customer(n)["firstName"] == "Resumed" for n in numbers)
    entry = journal.entry(push_id)
    assert entry.status == "finished"
    assert entry.pending() == []


def test_resume_recognises_requests_that_got_through_and_does_not_send_them_again(
    client, admin, journal
):
    frame = load_table(client, "segment-memberships").frame
    segment = frame.loc[0, "segmentId"]
    members = set(frame.loc[frame["segmentId"] == segment, "customerId"])
    customers = load_table(client, "customers").frame
    b2c = customers.loc[customers["businessModel"] == "B2C", "customerNumber"]
    new = [number for number in b2c if number not in members][:3]
    edited = pd.DataFrame({"segmentId": segment, "customerId": new, "legalEntityId": None})
    table, loaded, plan = plan_for(client, "segment-memberships", edited.set_axis([2, 3, 4]))
    assert plan.counts() == {"create": 3, "update": 0, "delete": 0, "invalid": 0}

    class DiesBeforeRecording(Journal):
        def record(self, push_id, results) -> None:
            raise RuntimeError("the process died: the requests went out, no result was saved")

    with pytest.raises(RuntimeError), DiesBeforeRecording(journal.path) as dying:
        push_plan(client, table, plan, loaded.documents, journal=dying)
    push_id = journal.history().loc[0, "id"]
    assert journal.entry(push_id).status == "incomplete"
    assert len(journal.entry(push_id).pending()) == 3

    admin.reset_stats()
    report = resume_push(client, journal, push_id)
    assert report.counts() == {"applied": 3, "failed": 0, "conflict": 0}
    assert {r.message for r in report.results} == {"already in the wanted state; nothing sent"}
    assert admin.count(BULK_PUT) == 0
    assert journal.entry(push_id).status == "finished"


def test_undo_restores_updated_deleted_and_created_customers(client, journal):
    before = documents_by_number(client)
    file = exported(client, "customers")
    file.loc[2, "lastName"] = "Undone"
    file.loc[3, "active"] = "false" if file.loc[3, "active"].lower() == "true" else "true"
    file.loc[4, "_action"] = "delete"
    new = file.loc[[5]].set_axis([999])
    new.loc[:, ["customerNumber", "contactEmail"]] = [None, "new.undo@example.com"]
    table, loaded, plan = plan_for(client, "customers", pd.concat([file, new]))
    pushed = push_plan(client, table, plan, loaded.documents, journal=journal)
    assert pushed.counts() == {"applied": 4, "failed": 0, "conflict": 0}, pushed.frame().to_string()
    assert documents_by_number(client) != before

    undo = plan_undo(client, journal, pushed.push_id)
    assert undo.plan.counts() == {"create": 1, "update": 2, "delete": 1, "invalid": 0}
    report = push_plan(
        client,
        undo.loaded.table,
        undo.plan,
        undo.documents,
        journal=journal,
        undo_of=pushed.push_id,
    )

    assert report.counts() == {"applied": 4, "failed": 0, "conflict": 0}
    assert documents_by_number(client) == before
    assert journal.history().loc[0, "undo_of"] == pushed.push_id


def test_undo_leaves_out_a_row_changed_after_the_push(client, tenant, journal):
    file = exported(client, "customers")
    number = file.loc[2, "customerNumber"]
    file.loc[2, "firstName"] = "Ours"
    table, loaded, plan = plan_for(client, "customers", file)
    pushed = push_plan(client, table, plan, loaded.documents, journal=journal)
    tenant.patch_customer(number, {"firstName": "Later edit"})

    undo = plan_undo(client, journal, pushed.push_id)

    assert undo.plan.changes == []
    assert [(e.column, "changed after the push" in e.message) for e in undo.plan.errors] == [
        ("firstName", True)
    ]


def test_customer_changed_by_someone_else_is_a_conflict_and_never_overwritten(
    client, admin, tenant
):
    file = exported(client, "customers")
    number = file.loc[2, "customerNumber"]
    original = file.loc[2, "firstName"]
    file.loc[2, "firstName"] = "Mine"
    table, loaded, plan = plan_for(client, "customers", file)
    tenant.patch_customer(number, {"firstName": "Theirs"})
    admin.reset_stats()

    report = push_plan(client, table, plan, loaded.documents)

    assert [(r.outcome, r.message) for r in report.results] == [
        ("conflict", "changed by someone else since it was loaded")
    ]
    assert "PATCH /customer/{tenant}/customers/{customerNumber}" not in admin.stats()["by_route"]
    assert report.conflicts_frame()[["column", "original", "theirs", "yours"]].values.tolist() == [
        ["firstName", original, "Theirs", "Mine"]
    ]
    assert tenant.customer(number)["firstName"] == "Theirs"


def test_customer_group_changed_by_someone_else_is_a_conflict(client, tenant):
    file = exported(client, "customer-groups")
    site, customer = file.loc[2, "site"], file.loc[2, "customerId"]
    file.loc[2, "groupId"] = "mine"
    table, loaded, plan = plan_for(client, "customer-groups", file)
    tenant.put_customer_group(customer, "theirs", site=site)

    report = push_plan(client, table, plan, loaded.documents)

    assert [r.outcome for r in report.results] == ["conflict"]
    assert report.results[0].theirs == {"groupId": "theirs"}
    assert tenant.customer_group(customer, site=site)["groupId"] == "theirs"


def test_dry_run_predicts_conflicts_and_missing_rows_and_writes_nothing(client, admin, tenant):
    file = exported(client, "contact-assignments")
    changed_id, deleted_id = file.loc[2, "id"], file.loc[3, "id"]
    for label in (2, 3):
        file.loc[label, "primary"] = (
            "false" if file.loc[label, "primary"].lower() == "true" else "true"
        )
    file.loc[4, "type"] = "CONTACT" if file.loc[4, "type"] != "CONTACT" else "BILLING"
    table, loaded, plan = plan_for(client, "contact-assignments", file)
    theirs = tenant.contact_assignment(changed_id)
    theirs["type"] = "LOGISTICS" if theirs["type"] != "LOGISTICS" else "BILLING"
    tenant.put_contact_assignment(changed_id, theirs)
    tenant.delete_contact_assignment(deleted_id)
    admin.reset_stats()

    report = push_plan(client, table, plan, loaded.documents, dry_run=True)

    assert [(r.change.key[0], r.outcome, r.status) for r in report.results] == [
        (changed_id, "conflict", 409),
        (deleted_id, "failed", 404),
        (file.loc[4, "id"], "planned", 0),
    ]
    assert report.requests_frame()["method"].tolist() == ["PUT"]
    assert all(route.startswith("GET ") for route in admin.stats()["by_route"])


def test_a_429_pauses_every_call_of_the_client_not_only_the_one_that_got_it(client, admin, sleeps):
    admin.queue({"kind": "429", "path_contains": "/customers", "retry_after": 5})
    list_customers(client)
    load_table(client, "customer-groups")

    assert sleeps[0] == 5.0
    assert 4.0 < sleeps[1] <= 5.0, "the next call waited out the same pause"

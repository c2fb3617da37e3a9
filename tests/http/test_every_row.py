"""Every row accounted for, against the sandbox: 207 answers never guessed, deletes that
find nothing are done, capped pages still give every row, pushes kept to their
connection, undo plans naming the pushed rows."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.client import EmporixClient
from emporix_data.journal import open_journal
from emporix_data.push import push_plan, resume_push
from emporix_data.tables import TABLES, load_table
from emporix_data.undo import plan_undo
from tests.support import exported, plan_for

BULK_PUT = "/customer-segment/demo/segments/{segment}/customers/bulk"


@pytest.fixture
def journal(tmp_path):
    with open_journal(tmp_path / "journal.db") as book:
        yield book


def new_memberships(client: EmporixClient, count: int) -> tuple[str, pd.DataFrame]:
    """``count`` B2C customers not yet in the first segment, as upload rows."""
    loaded = load_table(client, "segment-memberships").frame
    segment = loaded["segmentId"].iloc[0]
    members = set(loaded.loc[loaded["segmentId"] == segment, "customerId"])
    customers = load_table(client, "customers").frame
    b2c = customers.loc[customers["businessModel"] == "B2C", "customerNumber"]
    chosen = [number for number in b2c if number not in members][:count]
    rows = pd.DataFrame({"segmentId": segment, "customerId": chosen, "legalEntityId": pd.NA})
    return segment, rows.set_axis(pd.RangeIndex(2, count + 2)).astype("string")


def test_the_sandbox_can_answer_207_numbered_from_one_with_an_entry_left_out(api, admin):
    segment = api.get("/customer-segment/demo/segments").json()[0]["id"]
    customers = [c["id"] for c in api.get("/customer/demo/customers").json()[:3]]
    items = [{"customerId": number} for number in customers]
    exact = api.put(BULK_PUT.format(segment=segment), json=items)
    assert [entry["index"] for entry in exact.json()] == [0, 1, 2]
    admin.behave(multi_status="one_based_incomplete")
    loose = api.put(BULK_PUT.format(segment=segment), json=items)
    assert loose.status_code == 207
    assert [(entry["index"], entry["code"]) for entry in loose.json()] == [(1, 204), (2, 204)]


def test_an_ambiguous_207_answer_fails_its_rows_and_retry_failed_converges(client, admin, journal):
    segment, rows = new_memberships(client, 3)
    table, loaded, plan = plan_for(client, "segment-memberships", rows)
    assert len(plan.creates) == 3
    admin.behave(multi_status="one_based_incomplete")
    report = push_plan(client, table, plan, loaded.documents, journal=journal)
    assert [(r.outcome, r.status) for r in report.results] == [("failed", 0)] * 3
    assert all(r.message.startswith("ambiguous 207 answer") for r in report.results)
    assert journal.entry(report.push_id).status == "finished"

    admin.behave(multi_status="exact")
    retried = resume_push(client, journal, report.push_id, retry_failed=True)
    assert [r.outcome for r in retried.results] == ["applied"] * 3
    assert all("already in the wanted state" in r.message for r in retried.results)
    members = load_table(client, "segment-memberships").frame
    joined = set(members.loc[members["segmentId"] == segment, "customerId"])
    assert set(rows["customerId"]) <= joined


def test_a_delete_whose_answer_was_lost_is_applied_as_already_absent(client, admin, tenant):
    file = exported(client, "customers")
    number = file.loc[4, "customerNumber"]
    file.loc[4, "_action"] = "delete"
    table, loaded, plan = plan_for(client, "customers", file)
    path = f"/customer/demo/customers/{number}"
    admin.queue({"kind": "drop_after", "method": "DELETE", "path_contains": path, "count": 1})
    report = push_plan(client, table, plan, loaded.documents)
    (result,) = report.results
    assert (result.outcome, result.status, result.message) == ("applied", 404, "already absent")
    assert admin.stats()["by_status"].get("404") == 1, "the retry found it deleted"
    with pytest.raises(Exception, match="404"):
        tenant.customer(number)


def test_every_table_loads_every_row_from_a_server_that_caps_its_pages(
    client, admin, make_settings
):
    expected = {name: len(load_table(client, name).frame) for name in TABLES}
    admin.behave(max_page_size=7)
    with EmporixClient(make_settings(page_size=1000)) as capped:
        loaded = {name: load_table(capped, name).frame for name in TABLES}
    assert {name: len(frame) for name, frame in loaded.items()} == expected
    assert loaded["customers"]["customerNumber"].is_unique
    assert admin.stats()["by_route"]["GET /customer/{tenant}/customers"] >= 120 // 7


def test_resume_and_undo_refuse_a_push_made_through_another_connection(
    client, sandbox, journal, make_settings
):
    file = exported(client, "customers")
    file.loc[2, "firstName"] = "Elsewhere"
    table, loaded, plan = plan_for(client, "customers", file)
    pushed = push_plan(client, table, plan, loaded.documents, journal=journal)
    other_url = sandbox.url.replace("127.0.0.1", "localhost")
    with EmporixClient(make_settings(api_url=other_url)) as other:
        with pytest.raises(ValueError, match="connect to that API"):
            resume_push(other, journal, pushed.push_id, retry_failed=True)
        with pytest.raises(ValueError, match=f"not on tenant demo at {other_url}"):
            plan_undo(other, journal, pushed.push_id)
    assert plan_undo(client, journal, pushed.push_id).plan.changes


def test_an_undo_plan_names_the_rows_of_the_push(client, journal):
    file = exported(client, "customers")
    file.loc[3, "firstName"] = "Undo me"
    file.loc[6, "_action"] = "delete"
    table, loaded, plan = plan_for(client, "customers", file)
    pushed = push_plan(client, table, plan, loaded.documents, journal=journal)
    undo = plan_undo(client, journal, pushed.push_id).plan
    named = f"(push {pushed.push_id})"
    assert sorted(c.row for c in undo.changes) == [f"row 3 {named}", f"row 6 {named}"]
    assert {c.row: c.kind for c in undo.changes}[f"row 6 {named}"] == "create"

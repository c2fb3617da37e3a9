"""The edit loop end to end against the sandbox: export, edit, plan, push, read back."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.export import frame_bytes, read_table_file
from emporix_data.push import push_plan
from emporix_data.resources import contact_assignments as ca
from emporix_data.resources import customer_groups as cg
from emporix_data.tables import TABLES, load_table
from tests.support import exported, plan_for

BULK_PUT = "PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk"


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unedited_export_round_trip_plans_nothing(client, name, fmt):
    _, _, plan = plan_for(client, name, exported(client, name, fmt))
    assert plan.is_empty, plan.errors_frame().head().to_string()


def test_customer_edits_land_and_touch_no_other_field(client, tenant):
    file = exported(client, "customers")
    number = file.loc[2, "customerNumber"]
    before = tenant.customer(number)
    file.loc[2, "lastName"] = "Ørsted-Łódź"
    file.loc[2, "active"] = "FALSE" if before.get("active") else "TRUE"
    file.loc[3, "_action"] = "delete"
    new = file.loc[[2]].set_axis([len(file) + 2])
    new.loc[:, ["customerNumber", "contactEmail", "firstName"]] = ["77700001", "n@x.io", "Neu"]
    file = pd.concat([file, new])
    deleted = file.loc[3, "customerNumber"]

    table, loaded, plan = plan_for(client, "customers", file)
    assert plan.counts() == {"create": 1, "update": 1, "delete": 1, "invalid": 0}
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts() == {"applied": 3, "failed": 0, "conflict": 0}

    after = tenant.customer(number)
    assert after["lastName"] == "Ørsted-Łódź"
    assert after["active"] is (not before.get("active"))
    untouched = {k: v for k, v in before.items() if k not in ("lastName", "active", "metadata")}
    assert {k: after.get(k) for k in untouched} == untouched
    assert tenant.customer("77700001")["firstName"] == "Neu"
    with pytest.raises(Exception, match="404"):
        tenant.customer(deleted)


def test_contact_assignment_create_update_delete_land(client):
    file = exported(client, "contact-assignments")
    first_id = file.loc[2, "id"]
    file.loc[2, "type"] = "LOGISTICS" if file.loc[2, "type"] != "LOGISTICS" else "BILLING"
    file.loc[3, "_action"] = "delete"
    new = file.loc[[4]].set_axis([99])
    new.loc[99, "id"] = pd.NA
    new.loc[99, "type"] = "CONTACT"
    file = pd.concat([file, new])

    table, loaded, plan = plan_for(client, "contact-assignments", file)
    assert plan.counts() == {"create": 1, "update": 1, "delete": 1, "invalid": 0}
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts()["applied"] == 3
    stored = {a.id: a for a in ca.list_contact_assignments(client)}
    assert stored[first_id].type == file.loc[2, "type"]
    assert file.loc[3, "id"] not in stored
    created = [a for a in stored.values() if a.id.startswith("ca-")]
    assert len(created) == 1 and created[0].type == "CONTACT"


def test_customer_group_create_update_delete_land(client):
    file = exported(client, "customer-groups")
    changed_customer = file.loc[2, "customerId"]
    file.loc[2, "groupId"] = "staff"
    file.loc[3, "_action"] = "delete"
    taken = set(file["customerId"])
    free = next(c for c in exported(client, "customers")["customerNumber"] if c not in taken)
    new = pd.DataFrame({"site": ["main"], "customerId": [free], "groupId": ["vip"]}, index=[999])
    table, loaded, plan = plan_for(client, "customer-groups", pd.concat([file, new]))
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts() == {"applied": 3, "failed": 0, "conflict": 0}
    stored = {r.customerId: r.groupId for r in cg.list_customer_groups(client)}
    assert stored[changed_customer] == "staff"
    assert stored[free] == "vip"
    assert file.loc[3, "customerId"] not in stored
    assert '"groupId": "staff"' in report.frame().set_index("action").at["update", "sent"]


def test_membership_rows_deleted_in_the_grid_are_removed_in_bulk(client, admin):
    loaded = load_table(client, "segment-memberships")
    edited = loaded.frame.drop(index=loaded.frame.index[:5])
    table = TABLES["segment-memberships"]
    plan = loaded.plan(edited, "grid")
    assert len(plan.deletes) == 5
    admin.reset_stats()
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts()["applied"] == 5
    assert admin.count(BULK_PUT.replace("PUT", "DELETE")) == len(
        set(loaded.frame["segmentId"].iloc[:5])
    )
    after = load_table(client, "segment-memberships").frame
    assert len(after) == len(loaded.frame) - 5
    assert load_table(client, "segment-memberships").plan(edited, "grid").is_empty


def test_450_membership_adds_take_exactly_3_bulk_requests(client, admin):
    loaded = load_table(client, "segment-memberships")
    segment = loaded.frame["segmentId"].iloc[0]
    b2c = [
        c
        for c in load_table(client, "customers").frame.query("businessModel == 'B2C'")[
            "customerNumber"
        ]
    ]
    members = set(loaded.frame.query("segmentId == @segment")["customerId"])
    ghosts = [f"ghost-{i}" for i in range(450)]
    candidates = ([c for c in b2c if c not in members] + ghosts)[:450]
    # The ghosts' memberships name a legal entity that does not exist: the API refuses them.
    entities = ["no-such-entity" if c.startswith("ghost-") else None for c in candidates]
    added = {"segmentId": segment, "customerId": candidates, "legalEntityId": entities}
    edited = pd.concat(
        [loaded.frame, pd.DataFrame(added, dtype="string")],
        ignore_index=True,
    )
    table = TABLES["segment-memberships"]
    plan = loaded.plan(edited, "grid")
    assert len(plan.creates) == 450
    admin.reset_stats()
    report = push_plan(client, table, plan, loaded.documents)
    assert admin.count(BULK_PUT) == 3
    assert report.requests_frame()["rows"].tolist() == [200, 200, 50]
    assert [len(body) for body in report.requests_frame()["body"]] == [200, 200, 50]
    failed = {r.change.key[1] for r in report.results if r.outcome == "failed"}
    assert failed == {c for c in candidates if c.startswith("ghost-")}
    assert all(r.status == 404 and r.message for r in report.problems)
    assert report.counts()["applied"] == len([c for c in candidates if not c.startswith("ghost")])


def test_invalid_rows_are_reported_and_the_valid_rest_is_applied(client, tenant):
    file = exported(client, "customers")
    file.loc[2, "contactEmail"] = "broken"
    file.loc[3, "firstName"] = "Valid Edit"
    table, loaded, plan = plan_for(client, "customers", file)
    assert [(e.row, e.column) for e in plan.errors] == [("row 2", "contactEmail")]
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts()["applied"] == 1
    assert tenant.customer(file.loc[3, "customerNumber"])["firstName"] == "Valid Edit"
    assert tenant.customer(file.loc[2, "customerNumber"])["contactEmail"] != "broken"


def test_row_changed_since_loading_is_a_conflict_and_not_overwritten(client, tenant):
    file = exported(client, "customers")
    number = file.loc[2, "customerNumber"]
    file.loc[2, "firstName"] = "Mine"
    table, loaded, plan = plan_for(client, "customers", file)
    tenant.patch_customer(number, {"firstName": "Theirs"})
    report = push_plan(client, table, plan, loaded.documents)
    assert [r.outcome for r in report.results] == ["conflict"]
    assert tenant.customer(number)["firstName"] == "Theirs"


def test_dry_run_writes_nothing_reads_live_state_and_lists_each_request(client, admin):
    file = exported(client, "customers")
    file.loc[2, "firstName"] = "Dry"
    table, loaded, plan = plan_for(client, "customers", file)
    admin.reset_stats()
    report = push_plan(client, table, plan, loaded.documents, dry_run=True)
    assert admin.stats()["by_route"] == {"GET /customer/{tenant}/customers": 1}
    requests = report.requests_frame()
    assert requests[["method", "rows"]].values.tolist() == [["PATCH", 1]]
    assert requests.loc[0, "body"]["firstName"] == "Dry"
    assert [r.outcome for r in report.results] == ["planned"]


def test_failed_rows_file_can_be_fixed_and_pushed_again(client):
    file = exported(client, "contact-assignments")
    new = file.loc[[2]].set_axis([50])
    new.loc[50, ["id", "customerId"]] = ["ca-fixme", "no-such-customer"]
    table, loaded, plan = plan_for(client, "contact-assignments", new, references=False)
    report = push_plan(client, table, plan, loaded.documents)
    assert report.counts()["failed"] == 1
    error_file = read_table_file(frame_bytes(report.error_file_frame(table), "csv"), "csv")
    assert error_file.loc[2, "_error"].startswith("failed")
    error_file.loc[2, "customerId"] = file.loc[2, "customerId"]
    table, loaded, plan = plan_for(client, "contact-assignments", error_file)
    assert plan.counts()["create"] == 1 and not plan.errors
    assert push_plan(client, table, plan, loaded.documents).counts()["applied"] == 1
    assert ca.get_contact_assignment(client, "ca-fixme").customer.id == file.loc[2, "customerId"]

"""Fix plans of the fixable checks, planned against hand-made tables: what they delete
and create, the notes they carry, and the checks that have none."""

from __future__ import annotations

import pytest

from emporix_data.audit import CHECKS, NotFixable, fixable_check, origin_source, plan_fix
from tests.unit.audit_frames import audit_data, customer, tenant


def kinds_and_keys(plan) -> list[tuple[str, tuple]]:
    return sorted((change.kind, change.key) for change in plan.changes)


def test_the_orphan_membership_fix_deletes_exactly_the_orphans():
    data = audit_data(
        tenant(
            customers=[customer("C1")],
            memberships=[("S1", "C1", None), ("S1", "GONE", None), ("S2", "GONE", "LE1")],
            entities=["LE1"],
        )
    )
    fix = plan_fix(data, "orphan-memberships")
    assert (fix.check, fix.findings, fix.left) == ("orphan-memberships", 2, 0)
    assert fix.loaded.table.name == "segment-memberships"
    assert kinds_and_keys(fix.plan) == [
        ("delete", ("S1", "GONE", None)),
        ("delete", ("S2", "GONE", "LE1")),
    ]
    assert [change.row for change in fix.plan.changes] == ["fix 1", "fix 2"]
    assert not fix.plan.errors


def test_the_orphan_contact_assignment_fix_deletes_them_by_id():
    data = audit_data(
        tenant(
            customers=[customer("C1", model="B2B")],
            assignments=[("A1", "C1", "LE1", "PRIMARY"), ("A2", "GONE", "LE1", "CONTACT")],
            entities=["LE1"],
        )
    )
    fix = plan_fix(data, "orphan-contact-assignments")
    assert fix.loaded.table.name == "contact-assignments"
    assert kinds_and_keys(fix.plan) == [("delete", ("A2",))]


def test_the_b2b_membership_fix_replaces_the_key_where_there_is_one_legal_entity():
    data = audit_data(
        tenant(
            customers=[
                customer("ONE", model="B2B"),
                customer("TWO", model="B2B"),
                customer("NONE", model="B2B"),
            ],
            assignments=[
                ("A1", "ONE", "LE1", "PRIMARY"),
                ("A2", "TWO", "LE1", "PRIMARY"),
                ("A3", "TWO", "LE2", "CONTACT"),
            ],
            memberships=[("S1", "ONE", None), ("S1", "TWO", None), ("S1", "NONE", None)],
            entities=["LE1", "LE2"],
        )
    )
    fix = plan_fix(data, "b2b-membership-without-legal-entity")
    assert (fix.findings, fix.left) == (1, 2)
    assert kinds_and_keys(fix.plan) == [
        ("create", ("S1", "ONE", "LE1")),
        ("delete", ("S1", "ONE", None)),
    ]
    assert not fix.plan.errors
    notices = " ".join(fix.plan.notices)
    assert "deleted (segment, customer) and created again as (segment, customer, legal" in notices
    assert "with no safe fix, left as they are: 2" in notices


def test_the_b2b_membership_fix_only_deletes_where_the_right_membership_exists():
    data = audit_data(
        tenant(
            customers=[customer("ONE", model="B2B")],
            assignments=[("A1", "ONE", "LE1", "PRIMARY")],
            memberships=[("S1", "ONE", None), ("S1", "ONE", "LE1")],
            entities=["LE1"],
        )
    )
    fix = plan_fix(data, "b2b-membership-without-legal-entity")
    assert kinds_and_keys(fix.plan) == [("delete", ("S1", "ONE", None))]


def test_a_fix_with_nothing_to_do_is_an_empty_plan():
    data = audit_data(tenant(customers=[customer("C1")], memberships=[("S1", "C1", None)]))
    fix = plan_fix(data, "orphan-memberships")
    assert fix.plan.is_empty and fix.findings == 0
    assert fix.plan.notices == []


@pytest.mark.parametrize("name", [name for name, check in CHECKS.items() if not check.fixable])
def test_report_only_checks_refuse_a_fix(name):
    with pytest.raises(NotFixable, match=f"{name} is report only: it has no safe fix"):
        fixable_check(name)
    with pytest.raises(NotFixable):
        plan_fix(audit_data(tenant()), name)


def test_a_fix_names_its_check_as_its_origin():
    assert origin_source("orphan-memberships") == "audit orphan-memberships"

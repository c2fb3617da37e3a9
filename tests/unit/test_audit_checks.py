"""Each audit check on hand-made frames: what it finds, the keys and reasons it names,
and what it leaves alone."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.audit import CHECKS, checks_named, findings_frame, run_checks, summary_frame
from emporix_data.audit import tables_needed as needed
from tests.unit.audit_frames import customer, tenant

ISSUE_CHECKS = {
    "orphan-memberships": True,
    "orphan-contact-assignments": True,
    "b2b-membership-without-legal-entity": True,
    "duplicate-emails": False,
    "invalid-emails": False,
    "b2b-without-contact-assignment": False,
    "legal-entity-without-primary-contact": False,
}


def found(name: str, frames: dict[str, pd.DataFrame]) -> list[tuple[tuple, str, bool]]:
    """(keys, reason, fixable) of each finding of check ``name``."""
    return [(f.keys, f.reason, f.fixable) for f in CHECKS[name].find(frames)]


def test_the_registry_has_the_issues_checks_with_their_fixability():
    assert {name: check.fixable for name, check in CHECKS.items()} == ISSUE_CHECKS
    assert all(check.description for check in CHECKS.values())
    with pytest.raises(ValueError, match=r"unknown check 'orphans'.*orphan-memberships"):
        checks_named(["orphans"])
    assert needed(checks_named(["duplicate-emails", "invalid-emails"])) == ("customers",)


def test_orphan_memberships_are_those_whose_customer_is_gone():
    frames = tenant(
        customers=[customer("C1"), customer("C2", model="B2B")],
        memberships=[
            ("S1", "C1", None),
            ("S1", "GONE", None),
            ("S2", "GONE", None),
            ("S2", "C2", "LE1"),
            ("S2", "GONE-B2B", "LE1"),
        ],
        entities=["LE1"],
    )
    assert found("orphan-memberships", frames) == [
        ((("S1", "GONE", None),), "customer GONE does not exist (member of segment S1)", True),
        ((("S2", "GONE", None),), "customer GONE does not exist (member of segment S2)", True),
        (
            (("S2", "GONE-B2B", "LE1"),),
            "customer GONE-B2B does not exist (member of segment S2)",
            True,
        ),
    ]


def test_orphan_contact_assignments_name_what_is_gone():
    frames = tenant(
        customers=[customer("C1"), customer("C2")],
        assignments=[
            ("A1", "C1", "LE1", "PRIMARY"),
            ("A2", "GONE", "LE1", "BILLING"),
            ("A3", "C2", "LE-GONE", "PRIMARY"),
            ("A4", "GONE", "LE-GONE", "CONTACT"),
            ("A5", " ", "LE1", "CONTACT"),
        ],
        entities=["LE1"],
    )
    assert found("orphan-contact-assignments", frames) == [
        ((("A2",),), "customer GONE does not exist", True),
        ((("A3",),), "legal entity LE-GONE does not exist", True),
        ((("A4",),), "customer GONE does not exist and legal entity LE-GONE does not exist", True),
        ((("A5",),), "names no customer", True),
    ]


def test_b2b_memberships_without_legal_entity_are_fixable_only_with_exactly_one():
    frames = tenant(
        customers=[
            customer("ONE", model="B2B"),
            customer("TWO", model=" b2b "),
            customer("NONE", model="B2B"),
            customer("GONE-LE", model="B2B"),
            customer("B2C"),
        ],
        assignments=[
            ("A1", "ONE", "LE1", "PRIMARY"),
            ("A2", "ONE", "LE1", "BILLING"),  # the same legal entity twice counts once
            ("A3", "TWO", "LE2", "PRIMARY"),
            ("A4", "TWO", "LE1", "CONTACT"),
            ("A5", "GONE-LE", "LE-GONE", "PRIMARY"),
        ],
        memberships=[
            ("S1", "ONE", None),
            ("S1", "TWO", None),
            ("S1", "NONE", None),
            ("S1", "GONE-LE", None),
            ("S1", "B2C", None),
            ("S2", "ONE", "LE1"),
        ],
        entities=["LE1", "LE2"],
    )
    start = "B2B customer {}'s membership of segment S1 has no legal entity"
    assert found("b2b-membership-without-legal-entity", frames) == [
        ((("S1", "ONE", None),), start.format("ONE") + "; it belongs to one, LE1: set it", True),
        (
            (("S1", "TWO", None),),
            start.format("TWO") + "; it belongs to 2 (LE1, LE2): choose one",
            False,
        ),
        (
            (("S1", "NONE", None),),
            start.format("NONE") + "; it belongs to none (no contact assignment): report only",
            False,
        ),
        (
            (("S1", "GONE-LE", None),),
            start.format("GONE-LE") + "; it belongs to none (no contact assignment): report only",
            False,
        ),
    ]


def test_duplicate_emails_are_compared_trimmed_and_ignoring_case():
    frames = tenant(
        customers=[
            customer("C1", " Anna@Example.com"),
            customer("C2", "anna@example.com  "),
            customer("C3", "ANNA@EXAMPLE.COM"),
            customer("C4", "bob@example.com"),
            customer("C5", ""),
            customer("C6", "   "),
            {"customerNumber": "C7"},
            {"customerNumber": "C8"},
            customer("C9", "Straße@example.com"),
            customer("C10", "STRASSE@example.com"),  # casefold: ß is ss
        ]
    )
    assert found("duplicate-emails", frames) == [
        (
            (("C1",), ("C2",), ("C3",)),
            "3 customers share the e-mail anna@example.com (written ' Anna@Example.com', "
            "'anna@example.com  ', 'ANNA@EXAMPLE.COM')",
            False,
        ),
        (
            (("C10",), ("C9",)),
            "2 customers share the e-mail strasse@example.com "
            "(written 'STRASSE@example.com', 'Straße@example.com')",
            False,
        ),
    ]


def test_a_shared_email_written_the_same_way_names_no_spellings():
    frames = tenant(customers=[customer("C1", "x@example.com"), customer("C2", "x@example.com")])
    assert found("duplicate-emails", frames) == [
        ((("C1",), ("C2",)), "2 customers share the e-mail x@example.com", False)
    ]


def test_invalid_emails_are_missing_blank_malformed_or_padded():
    frames = tenant(
        customers=[
            customer("OK", "anna@example.com"),
            {"customerNumber": "MISSING"},
            customer("BLANK", "  "),
            customer("NO-DOMAIN", "anna@"),
            customer("TWO-AT", "a@b@example.com"),
            customer("PADDED", " anna@example.com"),
        ]
    )
    assert found("invalid-emails", frames) == [
        ((("MISSING",),), "has no contact e-mail", False),
        ((("BLANK",),), "has no contact e-mail", False),
        ((("NO-DOMAIN",),), "'anna@' is not a valid e-mail address", False),
        ((("TWO-AT",),), "'a@b@example.com' is not a valid e-mail address", False),
        ((("PADDED",),), "e-mail ' anna@example.com' has blanks around it", False),
    ]


def test_b2b_customers_without_a_contact_assignment_to_an_existing_legal_entity():
    frames = tenant(
        customers=[
            customer("LINKED", model="B2B"),
            customer("ALONE", model="B2B"),
            customer("DANGLING", model="B2B"),
            customer("B2C"),
        ],
        assignments=[
            ("A1", "LINKED", "LE1", "CONTACT"),
            ("A2", "DANGLING", "LE-GONE", "PRIMARY"),
        ],
        entities=["LE1"],
    )
    prefix = "B2B customer {} is linked to no legal entity: "
    assert found("b2b-without-contact-assignment", frames) == [
        ((("ALONE",),), prefix.format("ALONE") + "it has no contact assignment", False),
        (
            (("DANGLING",),),
            prefix.format("DANGLING")
            + "its contact assignments name legal entities that do not exist",
            False,
        ),
    ]


def test_legal_entities_without_a_primary_contact_assignment():
    frames = tenant(
        customers=[customer("C1", model="B2B")],
        assignments=[
            ("A1", "C1", "LE1", " primary "),
            ("A2", "C1", "LE2", "BILLING"),
            ("A3", "C1", "LE2", "CONTACT"),
        ],
        entities=["LE1", "LE2", "LE3"],
    )
    assert found("legal-entity-without-primary-contact", frames) == [
        (
            (("LE2",),),
            "legal entity LE2 (Company LE2) has no PRIMARY contact assignment (2 of other types)",
            False,
        ),
        (
            (("LE3",),),
            "legal entity LE3 (Company LE3) has no PRIMARY contact assignment "
            "(no contact assignment at all)",
            False,
        ),
    ]


def test_a_clean_tenant_has_no_findings():
    frames = tenant(
        customers=[customer("C1"), customer("C2", model="B2B")],
        assignments=[("A1", "C2", "LE1", "PRIMARY")],
        memberships=[("S1", "C1", None), ("S1", "C2", "LE1")],
        entities=["LE1"],
    )
    assert [(r.check.name, r.findings) for r in run_checks(frames) if r.findings] == []


def test_findings_and_summary_frames_name_checks_keys_and_fixability():
    frames = tenant(
        customers=[customer("C1", "x@example.com"), customer("C2", "X@example.com ")],
        memberships=[("S1", "GONE", None)],
    )
    results = run_checks(frames, ["orphan-memberships", "duplicate-emails"])
    findings = findings_frame(results)
    assert findings.to_dict("records") == [
        {
            "check": "orphan-memberships",
            "resource": "segment-memberships",
            "key_columns": "segmentId / customerId / legalEntityId",
            "keys": "S1 / GONE",
            "reason": "customer GONE does not exist (member of segment S1)",
            "fixable": True,
        },
        {
            "check": "duplicate-emails",
            "resource": "customers",
            "key_columns": "customerNumber",
            "keys": "C1; C2",
            "reason": "2 customers share the e-mail x@example.com "
            "(written 'x@example.com', 'X@example.com ')",
            "fixable": False,
        },
    ]
    summary = summary_frame(results)
    assert summary[["check", "findings"]].values.tolist() == [
        ["orphan-memberships", 1],
        ["duplicate-emails", 1],
    ]
    assert summary["fixable"].iloc[0] == 1 and pd.isna(summary["fixable"].iloc[1])

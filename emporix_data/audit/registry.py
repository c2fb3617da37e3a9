"""Every check by its name (the CLI's), with what it reads and whether it has a fix."""

from __future__ import annotations

from emporix_data.audit.b2b import (
    B2B_MEMBERSHIP_WITHOUT_LEGAL_ENTITY,
    B2B_WITHOUT_CONTACT_ASSIGNMENT,
    LEGAL_ENTITY_WITHOUT_PRIMARY_CONTACT,
    find_b2b_memberships_without_legal_entity,
    find_b2b_without_contact_assignment,
    find_legal_entities_without_primary_contact,
    fix_b2b_memberships,
)
from emporix_data.audit.emails import (
    DUPLICATE_EMAILS,
    INVALID_EMAILS,
    find_duplicate_emails,
    find_invalid_emails,
)
from emporix_data.audit.lookups import CONTACT_ASSIGNMENTS, CUSTOMERS, LEGAL_ENTITIES, MEMBERSHIPS
from emporix_data.audit.model import Check
from emporix_data.audit.orphans import (
    ORPHAN_CONTACT_ASSIGNMENTS,
    ORPHAN_MEMBERSHIPS,
    find_orphan_contact_assignments,
    find_orphan_memberships,
    fix_orphans,
)

CHECKS: dict[str, Check] = {
    check.name: check
    for check in (
        Check(
            ORPHAN_MEMBERSHIPS,
            "Segment memberships whose customer no longer exists. Fix: delete them.",
            (CUSTOMERS, MEMBERSHIPS),
            find_orphan_memberships,
            MEMBERSHIPS,
            fix_orphans,
        ),
        Check(
            ORPHAN_CONTACT_ASSIGNMENTS,
            "Contact assignments whose customer or legal entity no longer exists. "
            "Fix: delete them.",
            (CUSTOMERS, CONTACT_ASSIGNMENTS, LEGAL_ENTITIES),
            find_orphan_contact_assignments,
            CONTACT_ASSIGNMENTS,
            fix_orphans,
        ),
        Check(
            B2B_MEMBERSHIP_WITHOUT_LEGAL_ENTITY,
            "B2B customers' segment memberships that name no legal entity. Fix: set the "
            "customer's legal entity where it has exactly one; the others are report only.",
            (CUSTOMERS, MEMBERSHIPS, CONTACT_ASSIGNMENTS, LEGAL_ENTITIES),
            find_b2b_memberships_without_legal_entity,
            MEMBERSHIPS,
            fix_b2b_memberships,
        ),
        Check(
            DUPLICATE_EMAILS,
            "Customers sharing a contact e-mail (trimmed, ignoring case). Report only.",
            (CUSTOMERS,),
            find_duplicate_emails,
        ),
        Check(
            INVALID_EMAILS,
            "Customers whose contact e-mail is missing or malformed. Report only.",
            (CUSTOMERS,),
            find_invalid_emails,
        ),
        Check(
            B2B_WITHOUT_CONTACT_ASSIGNMENT,
            "B2B customers linked to no legal entity by a contact assignment. Report only.",
            (CUSTOMERS, CONTACT_ASSIGNMENTS, LEGAL_ENTITIES),
            find_b2b_without_contact_assignment,
        ),
        Check(
            LEGAL_ENTITY_WITHOUT_PRIMARY_CONTACT,
            "Legal entities with no contact assignment of type PRIMARY. Report only.",
            (CONTACT_ASSIGNMENTS, LEGAL_ENTITIES),
            find_legal_entities_without_primary_contact,
        ),
    )
}


def checks_named(names: list[str] | tuple[str, ...] | None) -> list[Check]:
    """The checks of these names (all where none are given), in the registry's order;
    an unknown name is a ``ValueError`` listing the known ones."""
    if not names:
        return list(CHECKS.values())
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check {unknown[0]!r}: the checks are {', '.join(CHECKS)}")
    return [check for name, check in CHECKS.items() if name in names]


def tables_needed(checks: list[Check]) -> tuple[str, ...]:
    """The frames these checks read, each once."""
    return tuple(dict.fromkeys(name for check in checks for name in check.needs))

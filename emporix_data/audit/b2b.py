"""B2B links: memberships of B2B customers without their legal entity, B2B customers
linked to no legal entity, legal entities without a PRIMARY contact.

Which legal entities a customer belongs to is read from the contact assignments
(customer -> legal entity), counting only legal entities that exist.
"""

from __future__ import annotations

from emporix_data.audit.lookups import (
    CONTACT_ASSIGNMENTS,
    CUSTOMERS,
    LEGAL_ENTITIES,
    MEMBERSHIPS,
    among,
    b2b_numbers,
    entities_of,
    entity_links,
    present,
    row_keys,
    single_row_findings,
)
from emporix_data.audit.model import Finding, Frames, fix_rows
from emporix_data.plan import ACTION_COLUMN, ChangePlan, References
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA
from emporix_data.tables import LoadedTable

B2B_MEMBERSHIP_WITHOUT_LEGAL_ENTITY = "b2b-membership-without-legal-entity"
B2B_WITHOUT_CONTACT_ASSIGNMENT = "b2b-without-contact-assignment"
LEGAL_ENTITY_WITHOUT_PRIMARY_CONTACT = "legal-entity-without-primary-contact"
KEY_NOTICE = (
    "The legal entity is part of a membership's key: each fixed membership is deleted "
    "(segment, customer) and created again as (segment, customer, legal entity)."
)


def find_b2b_memberships_without_legal_entity(frames: Frames) -> list[Finding]:
    """B2B customers' memberships with no legal entity; fixable where the customer
    belongs to exactly one legal entity."""
    members = frames[MEMBERSHIPS]
    b2b = among(members["customerId"], b2b_numbers(frames[CUSTOMERS]))
    hits = b2b & ~present(members["legalEntityId"])
    keys = row_keys(members, MEMBERSHIP_SCHEMA.key, hits)
    entities = entities_of(frames, {key[1] for key in keys})
    findings = []
    for key in keys:
        segment, customer, _none = key
        found = entities.get(customer, [])
        start = f"B2B customer {customer}'s membership of segment {segment} has no legal entity"
        if len(found) == 1:
            reason = f"{start}; it belongs to one, {found[0]}: set it"
        elif not found:
            reason = f"{start}; it belongs to none (no contact assignment): report only"
        else:
            reason = f"{start}; it belongs to {len(found)} ({', '.join(found)}): choose one"
        fixable = len(found) == 1
        findings.append(
            Finding(B2B_MEMBERSHIP_WITHOUT_LEGAL_ENTITY, MEMBERSHIPS, (key,), reason, fixable)
        )
    return findings


def fix_b2b_memberships(loaded: LoadedTable, frames: Frames, findings: list[Finding]) -> ChangePlan:
    """For each fixable finding: delete the membership without legal entity, and create
    (upsert: it may exist already) the one with the customer's only legal entity."""
    keys = [finding.keys[0] for finding in findings if finding.fixable]
    entities = entities_of(frames, {key[1] for key in keys})
    lines: list[tuple[str, str, str | None, str]] = []
    for segment, customer, _none in keys:
        (entity,) = entities[customer]
        lines.append((segment, customer, None, "delete"))
        lines.append((segment, customer, entity, "upsert"))
    edited = fix_rows(lines, [*MEMBERSHIP_SCHEMA.key, ACTION_COLUMN])
    references = References(
        customers=frozenset(frames[CUSTOMERS]["customerNumber"].dropna()),
        legal_entities=frozenset(frames[LEGAL_ENTITIES]["id"].dropna()),
        b2b_customers=frozenset(b2b_numbers(frames[CUSTOMERS])),
    )
    plan = loaded.plan(edited, "file", references)
    if keys:
        plan.notices.append(KEY_NOTICE)
    return plan


def find_b2b_without_contact_assignment(frames: Frames) -> list[Finding]:
    """B2B customers linked to no (existing) legal entity by a contact assignment."""
    customers = frames[CUSTOMERS]
    numbers = b2b_numbers(customers)
    linked = entity_links(frames)["customerId"]
    alone = numbers[~among(numbers, linked)]
    assigned = set(frames[CONTACT_ASSIGNMENTS]["customerId"].dropna())
    keys = [(number,) for number in alone.tolist()]
    reasons = [
        f"B2B customer {number} is linked to no legal entity: "
        + (
            "its contact assignments name legal entities that do not exist"
            if number in assigned
            else "it has no contact assignment"
        )
        for number in alone.tolist()
    ]
    return single_row_findings(
        B2B_WITHOUT_CONTACT_ASSIGNMENT, CUSTOMERS, keys, reasons, fixable=False
    )


def find_legal_entities_without_primary_contact(frames: Frames) -> list[Finding]:
    """Legal entities with no contact assignment of type PRIMARY."""
    entities = frames[LEGAL_ENTITIES]
    assignments = frames[CONTACT_ASSIGNMENTS]
    kind = assignments["type"].astype("string").str.strip().str.upper()
    primary = assignments["legalEntityId"][(kind == "PRIMARY").fillna(False).to_numpy(dtype=bool)]
    lacking = present(entities["id"]) & ~among(entities["id"], primary)
    contacts = assignments["legalEntityId"].value_counts()
    rows = entities[lacking]
    keys = [(entity,) for entity in rows["id"].tolist()]
    reasons = []
    for entity, name in zip(rows["id"].tolist(), rows["name"].tolist(), strict=True):
        label = f"legal entity {entity}" + (f" ({name})" if isinstance(name, str) else "")
        count = int(contacts.get(entity, 0))
        reasons.append(
            f"{label} has no PRIMARY contact assignment"
            + (f" ({count} of other types)" if count else " (no contact assignment at all)")
        )
    return single_row_findings(
        LEGAL_ENTITY_WITHOUT_PRIMARY_CONTACT, LEGAL_ENTITIES, keys, reasons, fixable=False
    )

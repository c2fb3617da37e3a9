"""Orphans: memberships and contact assignments naming a customer or legal entity that no
longer exists. The services do not cascade deletes, so these stay behind; deleting them
is safe (they address nothing). An undo puts back what the API takes again: orphan
memberships, but not contact assignments, whose service checks what they name.

Customers are matched by customer number, as every reference in the tables is."""

from __future__ import annotations

import pandas as pd

from emporix_data.audit.lookups import (
    CONTACT_ASSIGNMENTS,
    CUSTOMERS,
    LEGAL_ENTITIES,
    MEMBERSHIPS,
    among,
    present,
    row_keys,
    single_row_findings,
)
from emporix_data.audit.model import Finding, Frames, fix_rows
from emporix_data.keys import Key
from emporix_data.plan import ACTION_COLUMN, ChangePlan
from emporix_data.plan.cells import Mask
from emporix_data.resources.contact_assignments import CONTACT_ASSIGNMENT_SCHEMA
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA
from emporix_data.tables import LoadedTable

ORPHAN_MEMBERSHIPS = "orphan-memberships"
ORPHAN_CONTACT_ASSIGNMENTS = "orphan-contact-assignments"


def missing_from(values: pd.Series, known: pd.Series) -> Mask:
    """Which filled ``values`` are not among ``known``."""
    absent: Mask = present(values) & ~among(values, known)
    return absent


def find_orphan_memberships(frames: Frames) -> list[Finding]:
    """Memberships whose customer does not exist. (A membership without a customer id
    cannot be addressed at all; the API never lists one.)"""
    members = frames[MEMBERSHIPS]
    orphan = missing_from(members["customerId"], frames[CUSTOMERS]["customerNumber"])
    keys = row_keys(members, MEMBERSHIP_SCHEMA.key, orphan)
    reasons = [
        f"customer {customer} does not exist (member of segment {segment})"
        for segment, customer, _entity in keys
    ]
    return single_row_findings(ORPHAN_MEMBERSHIPS, MEMBERSHIPS, keys, reasons, fixable=True)


def find_orphan_contact_assignments(frames: Frames) -> list[Finding]:
    """Contact assignments whose customer or legal entity does not exist (or that name
    none)."""
    assignments = frames[CONTACT_ASSIGNMENTS]
    customers, entities = assignments["customerId"], assignments["legalEntityId"]
    no_customer = ~present(customers) | missing_from(customers, frames[CUSTOMERS]["customerNumber"])
    no_entity = ~present(entities) | missing_from(entities, frames[LEGAL_ENTITIES]["id"])
    orphan = no_customer | no_entity
    keys = row_keys(assignments, CONTACT_ASSIGNMENT_SCHEMA.key, orphan)
    reasons = [
        _assignment_reason(customer, entity, bad_customer, bad_entity)
        for customer, entity, bad_customer, bad_entity in zip(
            customers[orphan].tolist(),
            entities[orphan].tolist(),
            no_customer[orphan].tolist(),
            no_entity[orphan].tolist(),
            strict=True,
        )
    ]
    return single_row_findings(
        ORPHAN_CONTACT_ASSIGNMENTS, CONTACT_ASSIGNMENTS, keys, reasons, fixable=True
    )


def _assignment_reason(
    customer: object, entity: object, bad_customer: bool, bad_entity: bool
) -> str:
    gone = []
    if bad_customer:
        gone.append(_gone("customer", customer))
    if bad_entity:
        gone.append(_gone("legal entity", entity))
    return " and ".join(gone)


def _gone(noun: str, value: object) -> str:
    return f"{noun} {value} does not exist" if _named(value) else f"names no {noun}"


def _named(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def delete_rows(loaded: LoadedTable, keys: list[Key]) -> ChangePlan:
    """A plan deleting these rows of the table: the upload form, each row marked
    ``delete``, planned against the table as loaded."""
    edited = fix_rows([(*key, "delete") for key in keys], [*loaded.table.schema.key, ACTION_COLUMN])
    return loaded.plan(edited, "file")


def fix_orphans(loaded: LoadedTable, frames: Frames, findings: list[Finding]) -> ChangePlan:
    """Delete the orphaned rows."""
    return delete_rows(loaded, [finding.keys[0] for finding in findings if finding.fixable])

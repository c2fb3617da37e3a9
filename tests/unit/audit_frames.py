"""Hand-made frames for the audit tests: a tiny tenant, written row by row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from emporix_data.audit import LEGAL_ENTITIES, AuditData
from emporix_data.frames import FrameSchema
from emporix_data.resources.legal_entities import LEGAL_ENTITY_SCHEMA
from emporix_data.tables import TABLES, LoadedTable
from tests.support import typed_frame

SCHEMAS = {name: table.schema for name, table in TABLES.items()} | {
    LEGAL_ENTITIES: LEGAL_ENTITY_SCHEMA
}


def frame(schema: FrameSchema, rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Rows of a table (columns left out are blank), at the schema's dtypes."""
    return typed_frame(schema, pd.DataFrame(list(rows), columns=schema.names))


def customer(number: str, email: str | None = None, model: str = "B2C") -> dict[str, Any]:
    return {
        "customerNumber": number,
        "contactEmail": f"{number}@example.com" if email is None else email,
        "businessModel": model,
    }


def tenant(
    customers: Sequence[dict[str, Any]] = (),
    assignments: Sequence[tuple[str, str, str, str]] = (),
    memberships: Sequence[tuple[str, str, str | None]] = (),
    entities: Sequence[str] = (),
) -> dict[str, pd.DataFrame]:
    """The frames an audit reads. Assignments: (id, customer, legal entity, type);
    memberships: (segment, customer, legal entity or None)."""
    return {
        "customers": frame(SCHEMAS["customers"], customers),
        "contact-assignments": frame(
            SCHEMAS["contact-assignments"],
            [
                {"id": i, "customerId": c, "legalEntityId": e, "type": t}
                for i, c, e, t in assignments
            ],
        ),
        "segment-memberships": frame(
            SCHEMAS["segment-memberships"],
            [{"segmentId": s, "customerId": c, "legalEntityId": e} for s, c, e in memberships],
        ),
        LEGAL_ENTITIES: frame(
            LEGAL_ENTITY_SCHEMA, [{"id": e, "name": f"Company {e}"} for e in entities]
        ),
    }


def audit_data(frames: dict[str, pd.DataFrame]) -> AuditData:
    """The frames as an audit holds them after loading (no documents behind them)."""
    tables = {
        name: LoadedTable(TABLES[name], TABLES[name].schema, frames[name], {})
        for name in frames
        if name in TABLES
    }
    return AuditData(tables, frames[LEGAL_ENTITIES])

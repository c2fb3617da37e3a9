"""B2B memberships get their legal entity: the customer's only one is filled in, several
are listed for the user to choose, and a row as loaded is never re-keyed."""

from __future__ import annotations

import pandas as pd

from emporix_data.plan import EntityRef, References
from emporix_data.tables import TABLES, LoadedTable

ACME, BETA = EntityRef("LE1", "Acme"), EntityRef("LE2", "Beta")
REFERENCES = References(
    customers=frozenset({"B2C", "ONE", "TWO", "NONE"}),
    legal_entities=frozenset({"LE1", "LE2"}),
    segments=frozenset({"S1"}),
    b2b_customers=frozenset({"ONE", "TWO", "NONE"}),
    legal_entities_of={"ONE": (ACME,), "TWO": (ACME, BETA)},
)
COLUMNS = ["segmentId", "customerId", "legalEntityId"]


def memberships(*rows: tuple[str, str, str | None]) -> LoadedTable:
    table = TABLES["segment-memberships"]
    records = [
        {"segmentId": s, "customer": {"id": c}, **({"legalEntity": {"id": e}} if e else {})}
        for s, c, e in rows
    ]
    frame = table.schema.to_frame(records)
    return LoadedTable(table, table.schema, frame, {})


def upload(*rows: tuple[str, str | None, str | None, str | None]) -> pd.DataFrame:
    """File rows (segment, customer, legal entity, action), labelled by file line."""
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "_action"], dtype="string")
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def test_a_b2b_customer_with_one_legal_entity_gets_it_and_a_notice_names_the_row():
    plan = memberships().plan(
        upload(("S1", "B2C", None, None), ("S1", "ONE", None, None)), "file", REFERENCES
    )
    assert not plan.errors
    assert sorted(c.key for c in plan.creates) == [("S1", "B2C", None), ("S1", "ONE", "LE1")]
    assert plan.notices == [
        "legalEntityId filled in with the customer's only legal entity: row 3 (ONE: LE1 (Acme))"
    ]


def test_a_customer_in_several_legal_entities_is_refused_with_them_listed():
    plan = memberships().plan(upload(("S1", "TWO", None, None)), "file", REFERENCES)
    assert plan.changes == []
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (
            "row 2",
            "legalEntityId",
            "customer TWO belongs to 2 legal entities (LE1 (Acme), LE2 (Beta)): choose one",
        )
    ]
    chosen = memberships().plan(upload(("S1", "TWO", "LE2", None)), "file", REFERENCES)
    assert [c.key for c in chosen.creates] == [("S1", "TWO", "LE2")] and not chosen.errors


def test_a_legal_entity_the_customer_is_not_in_and_a_b2b_customer_in_none_are_refused():
    plan = memberships().plan(
        upload(("S1", "ONE", "LE2", None), ("S1", "NONE", None, None)), "file", REFERENCES
    )
    assert sorted((e.row, e.message) for e in plan.errors) == [
        ("row 2", "customer ONE is not in legal entity LE2 (its legal entities: LE1 (Acme))"),
        ("row 3", "B2B customers need a legal entity in their membership"),
    ]


def test_a_delete_with_a_blank_legal_entity_addresses_the_customers_only_membership():
    loaded = memberships(("S1", "ONE", "LE1"))
    plan = loaded.plan(upload(("S1", "ONE", None, "delete")), "file", REFERENCES)
    assert [(c.kind, c.key) for c in plan.changes] == [("delete", ("S1", "ONE", "LE1"))]


def test_rows_as_loaded_keep_their_blank_legal_entity():
    # Loaded before the customer became B2B: the grid unchanged must plan nothing,
    # not a delete of this membership and a create of another.
    loaded = memberships(("S1", "ONE", None), ("S1", "TWO", None))
    assert loaded.plan(loaded.frame.copy(), "grid", REFERENCES).is_empty
    file = upload(("S1", "ONE", None, None), ("S1", "TWO", None, None))
    assert loaded.plan(file, "file", REFERENCES).is_empty


def test_without_the_customers_legal_entities_nothing_is_filled():
    unknown = References(b2b_customers=frozenset({"ONE"}))
    plan = memberships().plan(upload(("S1", "ONE", None, None)), "file", unknown)
    assert [(e.row, e.column) for e in plan.errors] == [("row 2", "legalEntityId")]
    assert plan.notices == []

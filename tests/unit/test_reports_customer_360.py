"""customer_360 on small hand-made frames, and what a query needs (tables, parameters).

``small_world`` is shared with the other report tests: four customers, two legal
entities, two segments. Ada (B2C) is in two segments; Bob (B2B) is a contact of two
legal entities and in no segment; Cy (B2B) has two contact types at one legal entity and
a B2B membership; Di has nothing at all and no sign-up date.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from emporix_data.reports.catalog import (
    CUSTOMER_360,
    TABLE_SCHEMAS,
    address_column,
    parameters_in,
    tables_needed,
)
from emporix_data.reports.engine import ReportEngine
from tests.support import typed_frame


def table(name: str, rows: list[dict[str, Any]], **extra: pd.Series) -> pd.DataFrame:
    """A frame of the report table ``name`` (every schema column, its dtype)."""
    schema = TABLE_SCHEMAS[name]
    frame = typed_frame(
        schema, pd.DataFrame([{c: row.get(c) for c in schema.names} for row in rows])
    )
    return frame.assign(**extra)


def small_world() -> dict[str, pd.DataFrame]:
    return {
        "customers": table(
            "customers",
            [
                {
                    "customerNumber": "C1",
                    "firstName": "Ada",
                    "contactEmail": "ada@example.com",
                    "businessModel": "B2C",
                    "active": True,
                    "createdAt": "2024-01-15T10:00:00Z",
                },
                {
                    "customerNumber": "C2",
                    "firstName": "Bob",
                    "contactEmail": "bob@acme.example",
                    "company": "Acme",
                    "businessModel": "B2B",
                    "active": True,
                    "createdAt": "2024-01-31T23:30:00Z",
                },
                {
                    "customerNumber": "C3",
                    "firstName": "Cy",
                    "contactEmail": "cy@acme.example",
                    "company": "Acme",
                    "businessModel": "B2B",
                    "active": False,
                    "createdAt": "2024-02-03T08:00:00Z",
                },
                {"customerNumber": "C4", "firstName": "Di", "contactEmail": "di@example.com"},
            ],
        ),
        "legal_entities": table(
            "legal_entities",
            [
                {"id": "LE1", "name": "Acme GmbH", "type": "COMPANY"},
                {"id": "LE2", "name": "Beta, Inc.", "type": "COMPANY"},
            ],
        ),
        "contact_assignments": table(
            "contact_assignments",
            [
                {"id": "A1", "legalEntityId": "LE1", "customerId": "C2", "type": "PRIMARY"},
                {"id": "A2", "legalEntityId": "LE2", "customerId": "C2", "type": "BILLING"},
                {"id": "A3", "legalEntityId": "LE1", "customerId": "C3", "type": "BILLING"},
                {"id": "A4", "legalEntityId": "LE1", "customerId": "C3", "type": "LOGISTICS"},
            ],
        ),
        "segments": table(
            "segments", [{"id": "S1", "name": "VIP"}, {"id": "S2", "name": "Newsletter"}]
        ),
        "segment_memberships": table(
            "segment_memberships",
            [
                {"segmentId": "S1", "customerId": "C1"},
                {"segmentId": "S2", "customerId": "C1"},
                {"segmentId": "S1", "customerId": "C3", "legalEntityId": "LE1"},
            ],
        ),
        "customer_groups": table(
            "customer_groups",
            [
                {"site": "main", "customerId": "C1", "groupId": "gold"},
                {"site": "main", "customerId": "C3", "groupId": "silver"},
            ],
        ),
    }


def rows_by_customer(engine: ReportEngine) -> dict[str, dict[str, Any]]:
    frame = engine.run(f"SELECT * FROM {CUSTOMER_360}").frame
    return {row["customerNumber"]: row for row in frame.to_dict("records")}


def test_one_row_per_customer_with_what_the_other_tables_say():
    with ReportEngine(small_world()) as engine:
        rows = rows_by_customer(engine)
    assert sorted(rows) == ["C1", "C2", "C3", "C4"]
    ada, bob, cy, di = (rows[number] for number in ("C1", "C2", "C3", "C4"))
    assert list(ada["segmentIds"]) == ["S1", "S2"]
    assert ada["segmentNames"] == "Newsletter; VIP"
    assert ada["segmentCount"] == 2
    assert ada["customerGroups"] == "gold"
    assert list(ada["legalEntityIds"]) == [] and pd.isna(ada["legalEntityNames"])
    assert list(bob["legalEntityIds"]) == ["LE1", "LE2"]
    assert bob["legalEntityNames"] == "Acme GmbH; Beta, Inc."
    assert bob["contactTypes"] == "BILLING, PRIMARY"
    assert list(bob["segmentIds"]) == [] and bob["segmentCount"] == 0
    assert pd.isna(bob["segmentNames"]) and pd.isna(bob["customerGroups"])
    assert list(cy["legalEntityIds"]) == ["LE1"] and cy["legalEntityNames"] == "Acme GmbH"
    assert cy["contactTypes"] == "BILLING, LOGISTICS"
    assert cy["segmentNames"] == "VIP" and cy["customerGroups"] == "silver"
    assert di["segmentCount"] == 0 and pd.isna(di["contactTypes"]) and pd.isna(di["createdAt"])


def test_the_view_keeps_the_customer_columns_and_their_types_but_not_the_version():
    with ReportEngine(small_world()) as engine:
        types = engine.column_types(CUSTOMER_360)
        frame = engine.run("SELECT * FROM customer_360 ORDER BY customerNumber").frame
    customer_columns = [c for c in TABLE_SCHEMAS["customers"].names if c != "version"]
    assert list(types)[: len(customer_columns)] == customer_columns
    assert "version" not in types
    assert types["segmentIds"] == "VARCHAR[]" and types["segmentCount"] == "INTEGER"
    assert types["createdAt"] == "TIMESTAMP WITH TIME ZONE"
    assert frame["active"].dtype == "boolean" and frame["active"].isna().tolist()[3]
    assert str(frame["createdAt"].dt.tz) == "UTC"


def test_names_fall_back_to_embedded_names_and_ids_when_their_tables_are_not_loaded():
    world = small_world()
    world["contact_assignments"].loc[0, "legalEntityName"] = "Acme (embedded)"
    del world["legal_entities"], world["segments"]
    with ReportEngine(world) as engine:
        rows = rows_by_customer(engine)
    assert rows["C2"]["legalEntityNames"] == "Acme (embedded); LE2"
    assert rows["C1"]["segmentNames"] == "S1; S2"


def test_blank_ids_and_types_are_left_out_of_lists_and_texts():
    world = small_world()
    world["contact_assignments"].loc[3, "type"] = pd.NA
    world["segment_memberships"].loc[2, "segmentId"] = pd.NA
    with ReportEngine(world) as engine:
        cy = rows_by_customer(engine)["C3"]
    assert cy["contactTypes"] == "BILLING"
    assert list(cy["segmentIds"]) == [] and cy["segmentCount"] == 0


def test_country_and_city_are_empty_until_addresses_are_loaded():
    with ReportEngine(small_world()) as engine:
        frame = engine.run("SELECT country, city FROM customer_360").frame
    assert frame["country"].isna().all() and frame["city"].isna().all()


def test_address_and_mixin_columns_of_the_customers_frame_come_through_the_view():
    world = small_world()
    customers = world["customers"]
    world["customers"] = customers.assign(
        **{
            "mixins.loyalty.country": pd.Series(["XX"] * 4, dtype="string"),
            "addressCountry": pd.Series(["DE", "FR", "DE", None], dtype="string"),
            "addressCity": pd.Series(["Berlin", "Paris", "Bonn", None], dtype="string"),
        }
    )
    with ReportEngine(world) as engine:
        rows = rows_by_customer(engine)
    assert (rows["C1"]["country"], rows["C1"]["city"]) == ("DE", "Berlin")
    assert rows["C1"]["addressCountry"] == "DE" and rows["C1"]["mixins.loyalty.country"] == "XX"
    assert pd.isna(rows["C4"]["country"])


def test_a_loaded_column_named_like_a_derived_one_is_kept_as_loaded():
    world = small_world()
    world["customers"] = world["customers"].assign(
        country=pd.Series(["DE", "FR", "DE", "PL"], dtype="string")
    )
    with ReportEngine(world) as engine:
        frame = engine.run("SELECT customerNumber, country FROM customer_360").frame
        columns = list(engine.column_types(CUSTOMER_360))
    assert columns.count("country") == 1
    assert dict(zip(frame["customerNumber"], frame["country"], strict=True))["C4"] == "PL"


@pytest.mark.parametrize(
    ("columns", "country", "city"),
    [
        (["customerNumber", "company"], None, None),
        (["addressCountry", "addressCity"], "addressCountry", "addressCity"),
        (["mixins.country", "defaultAddress.country"], "defaultAddress.country", None),
        (["ethnicity", "city"], None, "ethnicity"),
    ],
)
def test_address_columns_are_found_by_name(columns, country, city):
    assert address_column(columns, "country") == country
    assert address_column(columns, "city") == city


def test_empty_tables_give_an_empty_view_with_every_column():
    with ReportEngine({}) as engine:
        result = engine.run("SELECT * FROM customer_360")
    assert result.frame.empty
    assert {"customerNumber", "segmentIds", "segmentNames", "country"} <= set(result.frame)


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("SELECT * FROM customer_360", list(TABLE_SCHEMAS)),
        (
            "SELECT s.name FROM segment_memberships m JOIN Segments s ON s.id = m.segmentId",
            ["segment_memberships", "segments"],
        ),
        ("WITH x AS (SELECT * FROM customers) SELECT * FROM x", ["customers"]),
        ("SELECT * FROM main.legal_entities", ["legal_entities"]),
        ("SELECT * FROM nowhere", []),
        ("SELECT * FROM customer_360 WHERE x = $segment AND y = ? AND z = $1", list(TABLE_SCHEMAS)),
        ("SELECT '$x', * FROM segments WHERE id = $segment", ["segments"]),
        ("SELECT 1", []),
        ("SELEC nonsense FROM customers", []),
    ],
)
def test_tables_needed_names_the_tables_a_query_reads(sql, tables):
    assert tables_needed(sql) == tables


def test_parameters_are_found_outside_strings_identifiers_and_comments():
    sql = """
        SELECT '$notme', "$nor_me", $$ $dollar_quoted $$, $segment -- $comment
        /* $block
           $comment */
        FROM customer_360 WHERE country = $country AND x = $segment AND y = $1
    """
    assert parameters_in(sql) == ("segment", "country")

"""Customers' data-dependent columns: one per scalar mixin field, and the default (or first)
address for reporting; both planned, written back and undone without losing a field."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes, read_table_file
from emporix_data.frames import read_column, read_path
from emporix_data.plan import FieldChange, RowChange
from emporix_data.push import PushReport, RowResult
from emporix_data.resources.customers import (
    CUSTOMER_SCHEMA,
    Customer,
    customer_schema,
    write_operations,
)
from emporix_data.resources.mixins import mixin_columns
from emporix_data.settings import Settings
from emporix_data.tables import TABLES, LoadedTable

LOYAL = {
    "customerNumber": "C1",
    "contactEmail": "c1@example.com",
    "metadata": {"version": 3, "mixins": {"loyalty": "https://example.com/loyalty.json"}},
    "mixins": {"loyalty": {"tier": "gold", "points": 120, "member": True, "rate": 1.5}},
    "addresses": [
        {"id": "a1", "contactName": "C One", "city": "Lyon", "country": "FR", "zipCode": "69001"},
        {"id": "a2", "contactName": "C One", "city": "Berlin", "country": "DE", "isDefault": True},
    ],
}
PLAIN = {"customerNumber": "C2", "contactEmail": "c2@example.com", "metadata": {"version": 1}}


def customers(*documents: dict) -> list[Customer]:
    return [Customer.model_validate(document) for document in documents]


def test_each_scalar_mixin_field_is_a_column_named_by_its_path_and_typed_from_its_values():
    records = customers(
        LOYAL,
        PLAIN,
        {"customerNumber": "C3", "mixins": {"loyalty": {"points": 7, "rate": 2, "tier": None}}},
    )
    columns = {c.name: c for c in mixin_columns(records)}
    assert list(columns) == [
        "mixins.loyalty.member",
        "mixins.loyalty.points",
        "mixins.loyalty.rate",
        "mixins.loyalty.tier",
    ]
    assert {name: c.dtype for name, c in columns.items()} == {
        "mixins.loyalty.member": "boolean",
        "mixins.loyalty.points": "Int64",
        "mixins.loyalty.rate": "Float64",
        "mixins.loyalty.tier": "string",
    }
    assert all(c.editable and c.path == tuple(c.name.split(".")) for c in columns.values())


def test_fields_that_are_not_scalars_everywhere_get_no_column():
    records = [
        {"mixins": {"a": {"list": [1, 2], "mixed": 1, "deep": {"x": 1}}, "dotted": {"k.v": 1}}},
        {"mixins": {"a": {"mixed": "one", "deep": 5}, "flag": True}},
        {"mixins": {"a": {"deep": {"x": 2}}}},
    ]
    names = [c.name for c in mixin_columns(records)]
    # a.list is a list, a.deep an object in one record and a number in another (so
    # neither it nor a.deep.x is safe to write), a key with a "." cannot be named.
    assert names == ["mixins.a.mixed", "mixins.flag"]
    assert [c.dtype for c in mixin_columns(records)] == ["string", "boolean"]


def test_the_loaded_frame_has_the_mixin_and_address_columns_of_the_data():
    records = customers(LOYAL, PLAIN)
    schema = customer_schema(records)
    frame = schema.to_frame(records)
    assert schema.names[: len(CUSTOMER_SCHEMA.names)] == CUSTOMER_SCHEMA.names
    row = frame.set_index("customerNumber").loc["C1"]
    assert (row["mixins.loyalty.tier"], row["mixins.loyalty.points"]) == ("gold", 120)
    assert bool(row["mixins.loyalty.member"]) and row["mixins.loyalty.rate"] == 1.5
    # The default address (the second one), not the first.
    assert (row["addressCountry"], row["addressCity"]) == ("DE", "Berlin")
    assert frame.set_index("customerNumber").loc["C2"].isna()["mixins.loyalty.tier"]
    assert not any(schema.by_name[name].editable for name in ("addressCountry", "addressCity"))


def test_the_first_address_counts_where_none_is_default_and_default_address_without_a_list():
    first = customers({**LOYAL, "addresses": LOYAL["addresses"][:1]})[0]
    assert first.primaryAddress is not None and first.primaryAddress.city == "Lyon"
    only_default = customers({"defaultAddress": {"city": "Oslo", "country": "NO"}})[0]
    frame = CUSTOMER_SCHEMA.to_frame([only_default])
    assert frame.at[0, "addressCity"] == "Oslo" and pd.isna(frame.at[0, "addressZipCode"])


def loaded(*documents: dict) -> LoadedTable:
    records = customers(*documents)
    table = TABLES["customers"]
    schema = table.schema_of(records)
    by_key = {table.key_of(record): record.document() for record in records}
    return LoadedTable(table, schema, schema.to_frame(records), by_key)


def test_an_export_read_back_plans_nothing_and_an_edited_mixin_cell_is_one_update():
    table = loaded(LOYAL, PLAIN)
    back = read_table_file(frame_bytes(table.frame, "csv"), "csv")
    assert table.plan(back, "file").is_empty
    back.loc[2, "mixins.loyalty.tier"] = "platinum"
    back.loc[2, "mixins.loyalty.points"] = None
    plan = table.plan(back, "file")
    assert not plan.errors
    assert [c.changes for c in plan.changes] == [
        (
            FieldChange("mixins.loyalty.points", 120, None),
            FieldChange("mixins.loyalty.tier", "gold", "platinum"),
        )
    ]


def test_a_mixin_column_the_loaded_data_does_not_have_is_refused():
    table = loaded(PLAIN)
    edited = table.frame.assign(**{"mixins.loyalty.tier": ["gold"]})
    plan = table.plan(edited, "file")
    assert [(e.column, e.message) for e in plan.errors] == [
        ("mixins.loyalty.tier", "customers have no column 'mixins.loyalty.tier'")
    ]


@pytest.fixture
def offline() -> EmporixClient:
    return EmporixClient(
        Settings(
            api_url="http://127.0.0.1:9",
            tenant="demo",
            client_id="x",
            client_secret="y",
        )
    )


def test_a_mixin_update_is_a_merge_patch_of_the_changed_fields_only(offline):
    change = RowChange(
        "update",
        ("C1",),
        "row 2",
        {"customerNumber": "C1", "mixins.loyalty.tier": "platinum"},
        (
            FieldChange("mixins.loyalty.tier", "gold", "platinum"),
            FieldChange("mixins.loyalty.points", 120, None),
        ),
    )
    (operation,) = write_operations(offline, [change], {("C1",): LOYAL})
    assert (operation.method, operation.body) == (
        "PATCH",
        {"mixins": {"loyalty": {"tier": "platinum", "points": None}}, "metadata": {"version": 3}},
    )


def test_recreating_a_deleted_customer_sends_its_mixins_then_each_address(offline):
    change = RowChange("create", ("C1",), "row 0", {"customerNumber": "C1"})
    (operation,) = write_operations(offline, [change], {("C1",): LOYAL})
    assert operation.method == "POST"
    body = operation.body
    assert isinstance(body, dict)
    assert body["mixins"] == LOYAL["mixins"]
    assert body["metadata"] == {"mixins": LOYAL["metadata"]["mixins"]}  # links, no version
    assert "addresses" not in body and body["id"] == "C1"
    assert [(f.method, f.path, f.body) for f in operation.followups] == [
        ("POST", "/customer/demo/customers/C1/addresses", address) for address in LOYAL["addresses"]
    ]
    new = RowChange("create", ("C9",), "row 3", {"customerNumber": "C9"})
    assert write_operations(offline, [new], {})[0].followups == ()


def test_error_files_keep_the_mixin_columns_of_failed_rows():
    values = {"customerNumber": "C1", "contactEmail": "c1@example.com", "mixins.a.b": "x"}
    change = RowChange("update", ("C1",), "row 2", values, (FieldChange("mixins.a.b", "w", "x"),))
    report = PushReport("customers", [], [RowResult(change, "failed", 500, "boom", None)])
    frame = report.error_file_frame(TABLES["customers"])
    assert frame.at[0, "mixins.a.b"] == "x"
    assert list(frame.columns[-3:]) == ["mixins.a.b", "_action", "_error"]


@pytest.mark.parametrize(
    "path",
    [("customerNumber",), ("mixins", "loyalty", "tier"), ("primaryAddress", "city"), ("x", "y")],
)
def test_columns_read_at_once_equal_each_record_read_alone(path):
    records = [*customers(LOYAL, PLAIN), LOYAL, PLAIN, {"mixins": "not an object"}]
    assert read_column(records, path) == [read_path(r, path) for r in records]

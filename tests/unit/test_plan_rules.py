"""Plan rules, one example each: the cell conversions and checks the property tests
(``test_properties.py``) rely on without restating them. Together with
``test_changes.py`` every rule of ``emporix_data.plan`` is pinned by an example.
"""

from __future__ import annotations

import pandas as pd

from emporix_data.export import frame_bytes, read_table_file
from emporix_data.plan import ChangePlan, References, Source
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA
from emporix_data.tables import TABLES, LoadedTable


def customers(n: int = 2) -> pd.DataFrame:
    docs = [
        Customer.model_validate(
            {
                "customerNumber": f"{i:08d}",
                "contactEmail": f"c{i}@example.com",
                "firstName": f"First{i}",
                "active": True,
                "metadata": {"version": 42},
                "metadataCreatedAt": "2024-01-01T00:00:00Z",
            }
        )
        for i in range(n)
    ]
    return CUSTOMER_SCHEMA.to_frame(docs)


def as_file(frame: pd.DataFrame) -> pd.DataFrame:
    return read_table_file(frame_bytes(frame, "csv"), "csv")


def plan_of(
    name: str,
    original: pd.DataFrame,
    edited: pd.DataFrame,
    source: Source = "file",
    references: References | None = None,
) -> ChangePlan:
    return LoadedTable(TABLES[name], TABLES[name].schema, original, {}).plan(
        edited, source, references
    )


def new_customers(column: str, cells: list[object]) -> pd.DataFrame:
    """File lines 2, 3, ... creating customers N0, N1, ... with ``column`` set to ``cells``."""
    count = len(cells)
    lines = pd.DataFrame(
        {
            "customerNumber": [f"N{i}" for i in range(count)],
            "contactEmail": [f"n{i}@example.com" for i in range(count)],
        },
        index=range(2, count + 2),
        dtype="string",
    )
    lines[column] = pd.array(cells, dtype="string")
    return lines


def errors_of(plan: ChangePlan) -> set[tuple[str, str | None]]:
    return {(error.row, error.column) for error in plan.errors}


def rows_with_errors(plan: ChangePlan) -> list[int]:
    return sorted(int(error.row.removeprefix("row ")) for error in plan.errors)


# ------------------------------------------------------------------ converting cells
def test_boolean_words_in_any_case_and_spacing_are_booleans_and_other_words_are_errors():
    good = {"true": True, " Yes ": True, "y": True, "X": True, "wahr": True, "1": True}
    good |= {"FALSE": False, "n": False, "no": False, "Falsch": False, "0": False}
    bad = ["ja", "on", "off", "2", "1.0", "=TRUE()", "tru", "yes please"]
    plan = plan_of("customers", customers(0), new_customers("active", [*good, *bad]))
    assert errors_of(plan) == {
        (f"row {line}", "active") for line in range(2 + len(good), 2 + len(good) + len(bad))
    }
    assert [change.values["active"] for change in plan.creates] == list(good.values())


def test_whole_numbers_may_carry_spaces_and_a_sign_and_nothing_else():
    original = customers(1)
    for same in [" 42 ", "+42", "042"]:
        text = as_file(original).assign(version=same)
        assert plan_of("customers", original, text).is_empty, same
    bad = ["1.5", "12abc", "1,000", "=1+1", "0x10", "1e400", "inf", "nan", "\u0661\u0662"]
    bad += ["-99999999999999999999", "18446744073709551616"]
    plan = plan_of("customers", original, new_customers("version", bad))
    assert rows_with_errors(plan) == list(range(2, 2 + len(bad)))
    assert {error.column for error in plan.errors} == {"version"}
    assert all("is not a whole number" in error.message for error in plan.errors)


def test_iso_dates_with_any_offset_are_the_same_moment_and_other_text_is_no_date():
    original = customers(1)  # created 2024-01-01T00:00:00Z
    for same in ["2024-01-01", "2024-01-01T02:00:00+02:00", "2023-12-31T19:00:00.000-05:00"]:
        text = as_file(original).assign(createdAt=same)
        assert plan_of("customers", original, text).is_empty, same
    bad = ["today", "yesterday", "tomorrow", "2024-13-01", "2024-02-30", "31/12/2024"]
    bad += ["0001-01-01", "NaT", "=NOW()", "12:00", "2024-01-01T25:00:00Z", "42"]
    plan = plan_of("customers", original, new_customers("createdAt", bad))
    assert errors_of(plan) == {(f"row {line}", "createdAt") for line in range(2, 2 + len(bad))}
    assert all("is not an ISO-8601 date" in error.message for error in plan.errors)


def test_grid_cells_of_another_type_are_read_as_their_text():
    original = customers(0)
    edited = pd.DataFrame(
        {
            "customerNumber": ["N1", "N2", "N3", "N4", "N5"],
            "contactEmail": [f"n{i}@example.com" for i in range(5)],
            "firstName": [42, "Zoë", "Zoë", "Zoë", "Zoë"],
            "active": [1, 0, 42, 1.5, True],
            "version": [7, 7, True, 1.5, 7],
            "createdAt": [pd.NaT, pd.NaT, pd.NaT, 42, pd.NaT],
        },
        dtype=object,
    )
    plan = plan_of("customers", original, edited, "grid")
    assert errors_of(plan) == {
        ("row 2", "active"),
        ("row 2", "version"),
        ("row 3", "active"),
        ("row 3", "version"),
        ("row 3", "createdAt"),
    }
    assert plan.counts() == {"create": 3, "update": 0, "delete": 0, "invalid": 2}
    assert [(c.key, c.values["firstName"], c.values["active"]) for c in plan.creates] == [
        (("N1",), "42", True),
        (("N2",), "Zoë", False),
        (("N5",), "Zoë", True),
    ]


# ------------------------------------------------------------------ checking text
def test_text_is_kept_exactly_as_typed():
    kept = [" padded ", "a\nb", "tab\there", "=1+1", "'quoted", "\u200bzero width", "Zoë 田中 🙂"]
    plan = plan_of("customers", customers(0), new_customers("firstName", kept))
    assert plan.errors == []
    assert [change.values["firstName"] for change in plan.creates] == kept


def test_text_may_be_as_long_as_the_column_allows_and_holds_no_delete_character():
    cells = ["é" * 1000, "é" * 1001, "田" * 1001, "del\x7f"]
    plan = plan_of("customers", customers(0), new_customers("lastName", cells))
    assert errors_of(plan) == {("row 3", "lastName"), ("row 4", "lastName"), ("row 5", "lastName")}
    assert "is longer than 1000 characters" in plan.errors[0].message
    assert plan.errors[-1].message.endswith("contains control characters")
    assert [change.key for change in plan.creates] == [("N0",)]


def test_new_customer_numbers_fit_the_id_pattern_or_are_left_blank():
    cells = ["A-z_09", "x" * 66, "x" * 67, "a b", "a/b", "Zoë", "a.b"]
    lines = new_customers("firstName", ["New"] * len(cells))
    lines["customerNumber"] = pd.array(cells, dtype="string")
    blank = lines.iloc[[0]].set_axis([9]).assign(customerNumber=pd.NA)
    plan = plan_of("customers", customers(0), pd.concat([lines, blank]))
    assert errors_of(plan) == {(f"row {line}", "customerNumber") for line in range(4, 9)}
    assert "is not a valid id" in plan.errors[0].message
    assert [change.key for change in plan.creates] == [("A-z_09",), ("x" * 66,), (None,)]


def test_error_messages_quote_at_most_forty_characters_of_the_value():
    plan = plan_of("customers", customers(0), new_customers("contactPhone", ["\x07" + "x" * 500]))
    (error,) = plan.errors
    assert error.message == repr("\x07" + "x" * 38 + "…") + " contains control characters"


# ------------------------------------------------------------------ files
def test_an_unknown_action_is_an_error_on_the_action_column_and_blocks_only_its_row():
    original = customers(2)
    text = as_file(original).assign(firstName=["Changed", "Changed"])
    text["_action"] = pd.array(["drop", "update"], dtype="string")
    plan = plan_of("customers", original, text)
    assert errors_of(plan) == {("row 2", "_action")}
    assert "unknown action 'drop'" in plan.errors[0].message
    assert [(change.kind, change.key) for change in plan.changes] == [("update", ("00000001",))]


def test_the_error_column_and_blank_unknown_columns_are_ignored():
    original = customers(2)
    text = as_file(original)
    text["_error"] = pd.array(["failed: 409", pd.NA], dtype="string")
    text["loyalty"] = pd.array([pd.NA, "  "], dtype="string")
    assert plan_of("customers", original, text).is_empty


def test_deleting_a_key_that_was_not_loaded_is_an_error():
    original = customers(1)
    text = as_file(customers(2)).assign(_action="delete")
    plan = plan_of("customers", original, text)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        ("row 3", "customerNumber", "does not exist")
    ]
    assert [(change.kind, change.key) for change in plan.changes] == [("delete", ("00000000",))]


def test_a_file_without_a_required_column_can_update_but_not_create():
    original = customers(1)
    text = as_file(customers(2)).drop(columns=["contactEmail"]).assign(firstName="Changed")
    plan = plan_of("customers", original, text)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        ("row 3", "contactEmail", "'contactEmail' is required")
    ]
    assert [(change.kind, change.key) for change in plan.changes] == [("update", ("00000000",))]


# ------------------------------------------------------------------ what gets checked
def test_an_update_checks_only_the_cells_it_changes():
    original = customers(2)
    original.loc[:, "contactEmail"] = "not-an-email"  # as the API has it
    original.loc[1, "lastName"] = "bell\x07"
    edited = original.copy()
    edited.loc[:, "firstName"] = "Changed"
    plan = plan_of("customers", original, edited, "grid")
    assert plan.errors == []
    assert [[c.column for c in change.changes] for change in plan.updates] == [["firstName"]] * 2


def test_new_rows_send_the_key_and_editable_columns_and_name_read_only_ones_left_out():
    original = customers(0)
    edited = pd.concat([original, customers(1).assign(customerNumber="N1")])
    plan = plan_of("customers", original, edited, "grid")
    (create,) = plan.creates
    assert create.values["customerNumber"] == "N1"
    assert create.values["firstName"] == "First0"
    assert {"createdAt", "version", "businessModel"}.isdisjoint(create.values)
    assert plan.notices == [
        "row 0: read-only columns are not sent for new rows (createdAt, version)"
    ]


def test_b2b_customers_need_a_legal_entity_in_their_membership():
    original = MEMBERSHIP_SCHEMA.empty_frame()
    edited = pd.DataFrame(
        {
            "segmentId": ["S1", "S1", "S1"],
            "customerId": ["B2B", "B2B", "B2C"],
            "legalEntityId": [pd.NA, "LE1", pd.NA],
        },
        dtype="string",
    )
    references = References(
        customers=frozenset({"B2B", "B2C"}),
        legal_entities=frozenset({"LE1"}),
        segments=frozenset({"S1"}),
        b2b_customers=frozenset({"B2B"}),
    )
    plan = plan_of("segment-memberships", original, edited, "grid", references)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        ("row 0", "legalEntityId", "B2B customers need a legal entity in their membership")
    ]
    assert [change.key for change in plan.creates] == [("S1", "B2B", "LE1"), ("S1", "B2C", None)]


# ------------------------------------------------------------------ known bugs
def test_the_largest_whole_numbers_are_read_back_from_a_file():
    original = customers(1)
    original.loc[0, "version"] = 2**63 - 1
    assert plan_of("customers", original, as_file(original)).is_empty


def test_whole_numbers_beyond_2_to_the_53_survive_a_json_round_trip():
    original = customers(2)
    original.loc[0, "version"] = 2**53 + 1
    original.loc[1, "version"] = pd.NA
    back = read_table_file(frame_bytes(original, "json"), "json")
    assert plan_of("customers", original, back).is_empty


def test_a_blank_text_cell_leaves_the_other_rows_whole_numbers_as_they_are():
    original = customers(2)
    original.loc[0, "version"] = 2**53 + 1
    original.loc[1, "version"] = pd.NA
    text = as_file(original)
    text.loc[3, "version"] = ""  # blank, as loaded (a file read back has NA there)
    assert plan_of("customers", original, text).is_empty

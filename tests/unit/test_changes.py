"""Change plans: what changed, what is invalid (naming row and column), what is left alone."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.export import frame_bytes, read_table_file
from emporix_data.plan import References, build_plan
from emporix_data.resources.contact_assignments import CONTACT_ASSIGNMENT_SCHEMA
from emporix_data.resources.customer_groups import CUSTOMER_GROUP_SCHEMA, CustomerGroupRelation
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA, SegmentMembership


def customers(n: int = 5) -> pd.DataFrame:
    docs = [
        Customer.model_validate(
            {
                "customerNumber": f"{i:08d}",
                "contactEmail": f"c{i}@example.com",
                "firstName": f"First{i}",
                "active": True,
                "metadata": {"version": 1},
                "metadataCreatedAt": "2024-01-01T00:00:00Z",
            }
        )
        for i in range(n)
    ]
    return CUSTOMER_SCHEMA.to_frame(docs)


def as_file(frame: pd.DataFrame) -> pd.DataFrame:
    """What a spreadsheet round trip gives back: text everywhere, blanks for missing."""
    return read_table_file(frame_bytes(frame, "csv"), "csv")


def errors_of(plan) -> set[tuple[str, str | None]]:
    return {(error.row, error.column) for error in plan.errors}


def test_unedited_grid_and_unedited_file_give_empty_plans():
    original = customers()
    assert build_plan(CUSTOMER_SCHEMA, original, original.copy(), source="grid").is_empty
    assert build_plan(CUSTOMER_SCHEMA, original, as_file(original), source="file").is_empty


def test_grid_edit_add_and_delete_become_update_create_and_delete():
    original = customers()
    edited = original.copy()
    edited.loc[1, "firstName"] = "Zoë"
    edited = edited.drop(index=4)
    edited.loc[5] = pd.Series({"contactEmail": "new@example.com", "firstName": "New"})
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid", generated_keys=True)
    assert plan.counts() == {"create": 1, "update": 1, "delete": 1, "invalid": 0}
    (update,) = plan.updates
    assert update.key == ("00000001",)
    assert [(c.column, c.old, c.new) for c in update.changes] == [("firstName", "First1", "Zoë")]
    assert plan.deletes[0].key == ("00000004",)
    assert plan.creates[0].values["contactEmail"] == "new@example.com"


def test_invalid_cells_block_only_their_rows_and_name_the_column():
    original = customers()
    edited = original.copy()
    edited.loc[0, "contactEmail"] = "not-an-email"
    edited.loc[1, "preferredCurrency"] = "euro"
    edited.loc[2, "firstName"] = "x" * 10_000
    edited.loc[3, "lastName"] = "bell\x07"
    edited.loc[4, "firstName"] = "Fine"
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid")
    assert errors_of(plan) == {
        ("row 0", "contactEmail"),
        ("row 1", "preferredCurrency"),
        ("row 2", "firstName"),
        ("row 3", "lastName"),
    }
    assert [change.key for change in plan.changes] == [("00000004",)]
    assert (
        "not a valid e-mail" in plan.errors_frame().set_index("column").at["contactEmail", "error"]
    )


def test_read_only_edit_is_an_error_not_a_silent_drop():
    original = customers()
    edited = original.copy()
    edited.loc[2, "businessModel"] = "B2B"
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid")
    assert errors_of(plan) == {("row 2", "businessModel")}
    assert plan.changes == []


def test_file_actions_and_a_partial_file_never_imply_deletes():
    original = customers()
    text = as_file(original)
    text["_action"] = ["", "DELETE", "ignore", "update", "Create"]
    text.loc[5, "firstName"] = "Updated"
    text.loc[4, "firstName"] = "Ignored edit"
    partial = text.iloc[[1, 2, 3, 4]]
    plan = build_plan(CUSTOMER_SCHEMA, original, partial, source="file")
    assert [(c.kind, c.key) for c in plan.changes] == [
        ("update", ("00000003",)),
        ("delete", ("00000001",)),
    ]
    assert {(e.row, e.column, e.message) for e in plan.errors} == {
        ("row 6", "customerNumber", "already exists; use update or upsert")
    }


def test_file_update_of_a_missing_row_unknown_column_and_bad_types_are_row_errors():
    original = customers(2)
    text = as_file(original)
    missing = text.loc[[3]].set_axis([4])
    missing.loc[4, "customerNumber"] = "99999999"
    text = pd.concat([text, missing])
    text["_action"] = pd.array([pd.NA, pd.NA, "update"], dtype="string")
    text["loyalty"] = pd.array([pd.NA, "gold", pd.NA], dtype="string")
    text.loc[2, "active"] = "maybe"
    plan = build_plan(CUSTOMER_SCHEMA, original, text, source="file")
    assert errors_of(plan) == {
        ("row 3", "loyalty"),
        ("row 4", "customerNumber"),
        ("row 2", "active"),
    }


def test_duplicate_and_missing_keys_in_a_file_are_row_errors():
    original = customers(2)
    text = as_file(original)
    text.loc[3] = text.loc[2]
    text.loc[3, "firstName"] = "Twin"
    plan = build_plan(CUSTOMER_SCHEMA, original, text, source="file")
    assert errors_of(plan) == {("row 2", "customerNumber"), ("row 3", "customerNumber")}
    blank = text.copy()
    blank.loc[2, "customerNumber"] = pd.NA
    plan = build_plan(CUSTOMER_SCHEMA, original, blank.iloc[[0]], source="file")
    assert errors_of(plan) == {("row 2", "customerNumber")}


def test_references_and_enums_are_checked_against_the_loaded_data():
    original = CONTACT_ASSIGNMENT_SCHEMA.empty_frame()
    edited = pd.DataFrame(
        {
            "id": ["ca1", "ca2", "ca3", pd.NA],
            "legalEntityId": ["LE1", "LE-missing", "LE1", "LE1"],
            "customerId": ["C1", "C1", "C-missing", "C1"],
            "type": ["BILLING", "BILLING", "BILLING", "BOSS"],
        },
        index=[2, 3, 4, 5],
    )
    refs = References(customers=frozenset({"C1"}), legal_entities=frozenset({"LE1"}))
    plan = build_plan(
        CONTACT_ASSIGNMENT_SCHEMA,
        original,
        edited,
        source="file",
        references=refs,
        generated_keys=True,
    )
    assert errors_of(plan) == {
        ("row 3", "legalEntityId"),
        ("row 4", "customerId"),
        ("row 5", "type"),
    }
    assert [c.key for c in plan.creates] == [("ca1",)]


def test_b2c_membership_key_may_lack_a_legal_entity_but_not_a_customer():
    member = SegmentMembership.model_validate({"customer": {"id": "C1"}})
    member.segmentId = "S1"
    original = MEMBERSHIP_SCHEMA.to_frame([member])
    added = pd.DataFrame(
        {"segmentId": ["S1", "S1"], "customerId": ["C2", pd.NA], "legalEntityId": [pd.NA, "LE1"]},
        index=[3, 4],
        dtype="string",
    )
    text = pd.concat([as_file(original), added])
    plan = build_plan(MEMBERSHIP_SCHEMA, original, text, source="file")
    assert [c.key for c in plan.creates] == [("S1", "C2", None)]
    assert errors_of(plan) == {("row 4", "customerId")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_read_back_keeps_leading_zeros_unicode_dates_and_booleans(fmt):
    original = customers(3)
    original.loc[0, "lastName"] = "Ångström-Łukasz 田中"
    original.loc[1, "active"] = pd.NA
    back = read_table_file(frame_bytes(original, fmt), fmt)
    assert back["customerNumber"].tolist() == ["00000000", "00000001", "00000002"]
    assert build_plan(CUSTOMER_SCHEMA, original, back, source="file").is_empty


# Regressions found by the property tests (tests/unit/test_properties.py).


def test_empty_or_blank_text_loaded_from_the_api_is_not_an_edit():
    original = customers(2)
    original.loc[0, "middleName"] = ""
    original.loc[1, "businessModel"] = "  "  # read-only: a "change" would be an error
    assert build_plan(CUSTOMER_SCHEMA, original, as_file(original), source="file").is_empty
    assert build_plan(CUSTOMER_SCHEMA, original, original.copy(), source="grid").is_empty


def test_blank_text_typed_into_the_grid_does_not_fill_a_required_column():
    relation = CustomerGroupRelation(customerId="C1", groupId="vip", site="main")
    original = CUSTOMER_GROUP_SCHEMA.to_frame([relation])
    edited = original.copy()
    edited.loc[0, "groupId"] = "   "
    edited.loc[1] = pd.Series({"site": "main", "customerId": "C2", "groupId": " "})
    plan = build_plan(CUSTOMER_GROUP_SCHEMA, original, edited, source="grid")
    assert errors_of(plan) == {("row 0", "groupId"), ("row 1", "groupId")}
    assert plan.changes == []


def test_a_lone_surrogate_in_a_grid_cell_is_a_row_error_not_a_crash():
    original = customers(2)
    edited = original.astype({"firstName": object})
    edited.loc[0, "firstName"] = "half an emoji \ud83d"
    edited.loc[1, "firstName"] = "Fine"
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid")
    assert errors_of(plan) == {("row 0", "firstName")}
    assert "not valid text" in plan.errors[0].message
    assert [change.key for change in plan.changes] == [("00000001",)]
    assert len(plan.errors_frame()) == 1


def new_customer_lines(text: pd.DataFrame, **cells: list[str]) -> pd.DataFrame:
    """``text`` with new lines (copies of its first line) holding the given cells."""
    count = len(next(iter(cells.values())))
    start = text.index.max() + 1
    new = pd.concat([text.iloc[[0]]] * count).set_axis(range(start, start + count))
    for column, values in cells.items():
        new[column] = pd.array(values, dtype="string")
    return pd.concat([text, new])


def test_only_iso_dates_a_frame_can_hold_are_dates():
    text = new_customer_lines(
        as_file(customers(1)),
        customerNumber=["N1", "N2", "N3"],
        contactEmail=["n1@example.com", "n2@example.com", "n3@example.com"],
        createdAt=["now", "9999-12-31T00:00:00Z", "2024-02-29T10:00:00Z"],
    )
    plan = build_plan(CUSTOMER_SCHEMA, customers(1), text, source="file")
    assert errors_of(plan) == {("row 3", "createdAt"), ("row 4", "createdAt")}
    assert [change.key for change in plan.creates] == [("N3",)]


def test_whole_numbers_beyond_64_bits_are_invalid_not_wrapped_around():
    text = new_customer_lines(
        as_file(customers(1)),
        customerNumber=["N1", "N2"],
        contactEmail=["n1@example.com", "n2@example.com"],
        version=["99999999999999999999", "7"],
    )
    plan = build_plan(CUSTOMER_SCHEMA, customers(1), text, source="file")
    assert errors_of(plan) == {("row 3", "version")}
    assert "not a whole number" in plan.errors[0].message


def test_c1_control_characters_are_rejected_like_c0_ones():
    original = customers(3)
    edited = original.copy()
    edited.loc[0, "lastName"] = "csi\x9b2J"
    edited.loc[1, "lastName"] = "next line\x85"
    edited.loc[2, "lastName"] = "tab\tand line\nbreaks are text"
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid")
    assert errors_of(plan) == {("row 0", "lastName"), ("row 1", "lastName")}
    assert [change.key for change in plan.changes] == [("00000002",)]


def test_rows_a_file_marks_ignore_are_not_checked():
    original = customers(2)
    text = as_file(original)
    text["_action"] = pd.array(["ignore", pd.NA], dtype="string")
    text["loyalty"] = pd.array(["gold", pd.NA], dtype="string")
    text.loc[2, "active"] = "maybe"
    text.loc[2, "contactEmail"] = "broken"
    assert build_plan(CUSTOMER_SCHEMA, original, text, source="file").is_empty


def test_ids_holding_the_key_separator_never_match_another_rows_key():
    member = SegmentMembership.model_validate(
        {"customer": {"id": "1\x1fC"}, "legalEntity": {"id": "L"}}
    )
    member.segmentId = "S"
    original = MEMBERSHIP_SCHEMA.to_frame([member])
    # Joined with the separator, ("S\x1f1", "C", "L") and ("S", "1\x1fC", "L") look alike.
    text = pd.DataFrame(
        {
            "segmentId": ["S\x1f1"],
            "customerId": ["C"],
            "legalEntityId": ["L"],
            "_action": ["delete"],
        },
        index=[2],
        dtype="string",
    )
    plan = build_plan(MEMBERSHIP_SCHEMA, original, text, source="file")
    assert plan.changes == []
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        ("row 2", "segmentId", "does not exist")
    ]


def test_loaded_rows_without_a_key_are_never_deleted_at_a_made_up_address():
    original = customers(2)
    original.loc[1, "customerNumber"] = pd.NA
    plan = build_plan(
        CUSTOMER_SCHEMA, original, original.iloc[[]], source="grid", generated_keys=True
    )
    assert [(change.kind, change.key) for change in plan.changes] == [("delete", ("00000000",))]
    assert any("no complete key" in notice for notice in plan.notices)


def test_a_key_loaded_twice_blocks_its_rows_instead_of_failing_the_plan():
    original = pd.concat([customers(2), customers(1)], ignore_index=True)
    edited = original.copy()
    edited.loc[1, "firstName"] = "Edited"
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid")
    assert errors_of(plan) == {("row 0", "customerNumber"), ("row 2", "customerNumber")}
    assert [(change.kind, change.key) for change in plan.changes] == [("update", ("00000001",))]
    assert any("repeat the key" in notice for notice in plan.notices)

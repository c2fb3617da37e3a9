"""Changing many rows at once: a value set in a column, text found and replaced; both
pending edits, planned like any other."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.plan import References
from emporix_data.tables import TABLES, LoadedTable
from emporix_data.workspace import EditorState, Workspace, typed_value

SCHEMA = TABLES["customers"].schema
COLUMN = SCHEMA.by_name


def customers(n: int = 6) -> LoadedTable:
    table = TABLES["customers"]
    records = [
        {
            "customerNumber": f"{i:08d}",
            "contactEmail": f"c{i}@example.com",
            "company": "ACME Corp" if i % 2 else "Other acme",
            "active": True,
            "metadata": {"version": 1},
        }
        for i in range(n)
    ]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def test_a_value_set_for_some_rows_becomes_one_update_each():
    work = Workspace(customers())
    assert work.set_value([1, 3, 5], COLUMN["preferredLanguage"], "fr_FR") == 3
    plan = work.plan(References())
    assert sorted(change.key for change in plan.updates) == [
        ("00000001",),
        ("00000003",),
        ("00000005",),
    ]
    assert {c.changes[0].new for c in plan.updates} == {"fr_FR"}
    assert work.set_value([1, 3], COLUMN["preferredLanguage"], "fr_FR") == 0, "already so"


def test_a_value_is_typed_by_its_column_and_blank_clears_it():
    work = Workspace(customers())
    assert work.set_value([0, 1], COLUMN["active"], "no") == 2
    assert work.frame.loc[[0, 1], "active"].tolist() == [False, False]
    assert work.set_value([0], COLUMN["company"], "  ") == 1
    assert pd.isna(work.frame.loc[0, "company"])
    assert typed_value(COLUMN["active"], "yes") is True


def test_a_value_that_is_not_of_the_columns_type_or_a_read_only_column_is_refused():
    work = Workspace(customers())
    with pytest.raises(ValueError, match="'maybe' is not true or false"):
        work.set_value([0], COLUMN["active"], "maybe")
    with pytest.raises(ValueError, match="read-only"):
        work.set_value([0], COLUMN["customerNumber"], "X")
    assert work.frame.equals(work.loaded.frame), "nothing changed"


def test_the_grids_edits_are_kept_before_a_bulk_change():
    work = Workspace(customers())
    work.show("view", work.frame)
    work.keep_edits(EditorState.of({"edited_rows": {2: {"firstName": "Typed"}}}))
    work.set_value([0], COLUMN["lastName"], "Bulk")
    assert work.frame.loc[2, "firstName"] == "Typed"
    assert work.frame.loc[0, "lastName"] == "Bulk"


def test_find_and_replace_ignores_case_unless_asked_and_counts_changed_rows():
    work = Workspace(customers())
    everyone = list(work.frame.index)
    assert work.find_replace(everyone, COLUMN["company"], "acme", "Acme") == 6
    assert set(work.frame["company"]) == {"Acme Corp", "Other Acme"}
    assert work.find_replace(everyone, COLUMN["company"], "acme", "X", match_case=True) == 0


def test_find_and_replace_of_whole_cells_and_literal_replacements():
    work = Workspace(customers())
    everyone = list(work.frame.index)
    assert (
        work.find_replace(everyone, COLUMN["company"], "acme corp", "A\\1 $0", whole_cell=True) == 3
    )
    assert set(work.frame["company"]) == {"A\\1 $0", "Other acme"}
    assert work.find_replace([0], COLUMN["company"], "Other acme", "") == 1
    assert pd.isna(work.frame.loc[0, "company"]), "a cell replaced by nothing is blank"


def test_find_and_replace_needs_text_to_find_in_a_text_column():
    work = Workspace(customers())
    with pytest.raises(ValueError, match="holds no text"):
        work.find_replace([0], COLUMN["active"], "true", "false")
    with pytest.raises(ValueError, match="say what to find"):
        work.find_replace([0], COLUMN["company"], "", "x")

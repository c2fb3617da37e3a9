"""An edited file planned against the table as loaded now: its version column is the
version it was exported from, so an old export meets a conflict or nothing to do,
never a "read-only" error."""

from __future__ import annotations

import pandas as pd

from emporix_data.export import frame_bytes, read_table_file
from emporix_data.mapping.versions import plan_file
from emporix_data.tables import TABLES, LoadedTable


def customers(version: int = 1, first: str = "First", n: int = 4) -> LoadedTable:
    table = TABLES["customers"]
    records = [
        {
            "customerNumber": f"{i:08d}",
            "contactEmail": f"c{i}@example.com",
            "firstName": f"{first}{i}",
            "metadata": {"version": version},
        }
        for i in range(n)
    ]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def as_file(frame: pd.DataFrame) -> pd.DataFrame:
    return read_table_file(frame_bytes(frame, "csv"), "csv")


def test_a_file_planned_again_after_its_push_has_nothing_to_do():
    before = customers(version=1)
    file = as_file(before.frame)
    file.loc[2, "firstName"] = "Pushed"
    assert plan_file(before, file).counts()["update"] == 1
    after = customers(version=2)  # the push made every row's version 2 (one row changed)
    after.frame.loc[0, "firstName"] = "Pushed"
    plan = plan_file(after, file)
    assert plan.changes == [] and plan.errors == []
    assert plan.notices == [
        "4 rows of the file are from an older export but ask for nothing the table does "
        "not already hold: nothing to do for them"
    ]
    assert plan_file(after, file.loc[[3]]).notices == [
        "1 row of the file is from an older export but asks for nothing the table does "
        "not already hold: nothing to do for them"
    ]


def test_a_change_made_on_an_older_row_is_a_conflict_not_a_read_only_error():
    file = as_file(customers(version=1).frame)  # rows labelled by file line: 2 to 5
    file.loc[5, "firstName"] = "Mine"
    now = customers(version=1)
    now.frame.loc[1, ["firstName", "version"]] = ["Theirs", 2]
    plan = plan_file(now, file)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (
            "row 3",
            "version",
            "00000001 changed since the file was exported (version 1, now 2): export "
            "again, or clear its version cell to overwrite",
        )
    ]
    assert [c.key for c in plan.updates] == [("00000003",)], "the other rows still go"


def test_a_blank_version_cell_overwrites_and_a_current_one_updates():
    file = as_file(customers(version=1).frame)
    file.loc[2, ["firstName", "version"]] = ["Overwrite", None]
    file.loc[3, "firstName"] = "Current"
    now = customers(version=1)
    now.frame.loc[0, "version"] = 5
    plan = plan_file(now, file)
    assert plan.errors == []
    assert sorted(c.key for c in plan.updates) == [("00000000",), ("00000001",)]


def test_a_delete_of_a_row_changed_since_the_export_is_a_conflict():
    file = as_file(customers().frame)
    file["_action"] = ["delete", "ignore", "ignore", "ignore"]
    now = customers(version=3)
    plan = plan_file(now, file)
    assert plan.deletes == []
    assert [(e.row, e.column) for e in plan.errors] == [("row 2", "version")]


def test_a_version_that_is_no_number_blocks_its_row_and_new_rows_are_not_checked():
    file = as_file(customers().frame)
    file.loc[2, "version"] = "abc"
    extra = pd.DataFrame(
        [{"customerNumber": "NEW1", "contactEmail": "n@example.com", "version": "7"}]
    )
    file = pd.concat([file, extra.set_axis([6])])
    plan = plan_file(customers(), file)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (
            "row 2",
            "version",
            "'abc' is not a version (a whole number): export again, or clear the cell to overwrite",
        )
    ]
    assert [c.key for c in plan.creates] == [("NEW1",)]


def test_a_file_without_a_version_column_is_planned_as_it_is():
    file = as_file(customers().frame).drop(columns=["version"])
    file.loc[2, "firstName"] = "NoVersion"
    plan = plan_file(customers(version=9), file)
    assert [c.key for c in plan.updates] == [("00000000",)]

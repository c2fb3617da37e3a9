"""A push's results account for every changed or invalid row of the input, in file order,
and its error file holds every row that did not apply, ready to fix and push again."""

from __future__ import annotations

import pandas as pd

from emporix_data.export import frame_bytes, read_table_file
from emporix_data.push import PushReport, RowResult
from emporix_data.tables import TABLES
from tests.dashboard.synthetic import customers_table

TABLE = TABLES["customers"]


def pushed_file() -> tuple[pd.DataFrame, PushReport]:
    """Six file rows (lines 2-7): one unchanged, one applied, one failed, one conflict, two
    invalid (a cell that is no boolean, an unknown action), as a push would report them."""
    loaded = customers_table(6)
    file = read_table_file(frame_bytes(loaded.frame, "csv"), "csv")
    file["_action"] = pd.array([pd.NA] * 6, dtype="string")
    file.loc[3, "firstName"] = "Applied"
    file.loc[4, "active"] = "maybe"
    file.loc[5, "firstName"] = "Failed"
    file.loc[6, "_action"] = "upsrt"
    file.loc[7, "firstName"] = "Conflict"
    plan = loaded.plan(file, "file")
    applied, failed, conflict = plan.changes
    results = [
        RowResult(conflict, "conflict", 409, "changed by someone else", None, {"firstName": "T"}),
        RowResult(applied, "applied", 204, None, {"firstName": "Applied"}),
        RowResult(failed, "failed", 500, "Injected fault 500", {"firstName": "Failed"}),
    ]
    return file, PushReport("customers", [], results, invalid=plan.rejected())


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as plain Python values, every kind of missing as None."""
    return frame.astype(object).where(frame.notna(), None)


def test_every_changed_or_invalid_row_has_one_result_line_in_file_order():
    _, report = pushed_file()
    lines = plain(report.frame())
    assert lines[["row", "outcome", "status"]].values.tolist() == [
        ["row 3", "applied", 204],
        ["row 4", "invalid", None],
        ["row 5", "failed", 500],
        ["row 6", "invalid", None],
        ["row 7", "conflict", 409],
    ]
    assert lines.loc[1, "message"] == "active: 'maybe' is not true or false"
    assert lines.loc[3, "action"] == "upsrt"
    assert lines.loc[3, "message"].startswith("_action: ")
    assert report.counts() == {"applied": 1, "failed": 1, "conflict": 1, "invalid": 2}
    assert report.summary() == "1 applied, 1 failed, 1 conflicts, 2 invalid"
    assert not report.all_applied


def test_the_error_file_holds_every_row_not_applied_as_uploaded_with_its_reason():
    file, report = pushed_file()
    errors = plain(report.error_file_frame(TABLE))
    assert list(errors.columns) == [*TABLE.schema.names, "_action", "_error"]
    assert errors["customerNumber"].tolist() == ["00000002", "00000003", "00000004", "00000005"]
    assert errors["_error"].tolist() == [
        "invalid: active: 'maybe' is not true or false",
        "failed 500: Injected fault 500",
        errors["_error"].iloc[2],
        "conflict 409: changed by someone else",
    ]
    assert errors["_error"].iloc[2].startswith("invalid: _action: ")
    assert errors["active"].iloc[0] == "maybe", "the cell as the user typed it"
    assert errors["_action"].tolist() == [None, "update", "upsrt", "update"]
    assert errors.iloc[0].drop(["_action", "_error"]).tolist() == (
        plain(file.loc[[4], TABLE.schema.names]).iloc[0].tolist()
    )


def test_the_fixed_error_file_plans_exactly_the_rows_that_did_not_apply():
    _, report = pushed_file()
    back = read_table_file(frame_bytes(report.error_file_frame(TABLE), "csv"), "csv")
    back.loc[2, "active"] = "false"
    back.loc[4, "_action"] = "upsert"
    plan = customers_table(6).plan(back, "file")
    assert plan.errors == []
    assert sorted(change.key[0] for change in plan.changes) == ["00000002", "00000003", "00000005"]


def test_a_report_of_only_invalid_rows_is_not_all_applied():
    _, report = pushed_file()
    only_invalid = PushReport("customers", [], [], invalid=report.invalid)
    assert only_invalid.frame()["outcome"].tolist() == ["invalid", "invalid"]
    assert len(only_invalid.error_file_frame(TABLE)) == 2
    assert not only_invalid.all_applied

"""Push history as people read it: local times with their zone, each row old -> new."""

from __future__ import annotations

from pathlib import Path

from emporix_data.journal import Origin, RowRecord, local_time, open_journal
from emporix_data.plan import FieldChange, RowChange
from emporix_data.resources.customers import CUSTOMER_SCHEMA


def test_journal_times_read_in_the_browsers_zone_with_its_name():
    assert local_time("2026-12-01T09:30:05+00:00", "Europe/Berlin") == "2026-12-01 10:30:05 CET"
    assert local_time("2026-07-01T09:30:05+00:00", "Europe/Berlin") == "2026-07-01 11:30:05 CEST"
    assert local_time("2026-12-01T09:30:05", None) == "2026-12-01 09:30:05 UTC"
    assert local_time("2026-12-01T09:30:05+00:00", "Not/AZone") == "2026-12-01 09:30:05 UTC"
    assert local_time(None, "Europe/Berlin") == ""


def test_a_pushs_rows_show_what_changed(tmp_path: Path):
    changes = [
        RowChange(
            "update",
            ("00000001",),
            "row 0",
            {"firstName": "Bea"},
            (FieldChange("firstName", "Ann", "Bea"),),
        ),
        RowChange("create", (None,), "row 9", {"contactEmail": "n@example.com", "title": None}),
        RowChange(
            "delete",
            ("00000002",),
            "deleted 00000002",
            {"firstName": "Cy", "lastName": "Old", "contactEmail": "c@example.com"},
        ),
    ]
    with open_journal(tmp_path / "journal.db") as journal:
        push_id = journal.start(
            resource="customers",
            tenant="demo",
            api_url="http://127.0.0.1",
            origin=Origin("tester", "test"),
            changes=changes,
            before=[None, None, None],
        )
        journal.record(push_id, [RowRecord(0, "applied", 200, None)])
        rows = journal.rows_frame(push_id, CUSTOMER_SCHEMA)
        plain = journal.rows_frame(push_id)
    assert rows["changes"].tolist() == [
        "firstName: Ann → Bea",
        "contactEmail: n@example.com",
        "firstName: Cy; lastName: Old; contactEmail: c@example.com",
    ]
    assert rows["outcome"].tolist() == ["applied", "pending", "pending"]
    assert rows["key"].tolist() == ["00000001", "", "00000002"]
    assert plain["changes"].tolist() == ["", "", ""]

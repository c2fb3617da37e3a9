"""What a person reviews of a change: an update old -> new, a create's fields, a delete's
identifying fields; keys without blank parts."""

from __future__ import annotations

import pandas as pd

from emporix_data.plan import build_plan, change_text
from emporix_data.resources.customer_groups import CUSTOMER_GROUP_SCHEMA
from emporix_data.resources.customers import CUSTOMER_SCHEMA
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA


def customers() -> pd.DataFrame:
    return CUSTOMER_SCHEMA.to_frame(
        [
            {
                "customerNumber": f"{i:08d}",
                "contactEmail": f"c{i}@example.com",
                "firstName": f"First{i}",
                "lastName": f"Last{i}",
                "metadata": {"version": 1},
            }
            for i in range(3)
        ]
    )


def test_the_review_shows_a_creates_fields_and_a_deletes_identifying_ones():
    original = customers()
    edited = original.drop(index=1)
    edited.loc[2, "firstName"] = "Changed"
    edited.loc[7] = pd.Series({"contactEmail": "new@example.com", "firstName": "Newt"})
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid", generated_keys=True)
    lines = plan.changes_frame()
    shown = [
        (line["row"], line["action"], line["key"], line["column"], line["old"], line["new"])
        for line in lines.to_dict("records")
    ]
    assert shown == [
        ("row 7", "create", "new", "firstName", "", "Newt"),
        ("row 7", "create", "new", "contactEmail", "", "new@example.com"),
        ("row 2", "update", "00000002", "firstName", "First2", "Changed"),
        ("deleted 00000001", "delete", "00000001", "firstName", "First1", ""),
        ("deleted 00000001", "delete", "00000001", "lastName", "Last1", ""),
        ("deleted 00000001", "delete", "00000001", "contactEmail", "c1@example.com", ""),
    ]


def test_a_row_with_nothing_to_show_still_gets_a_line_and_keys_leave_blank_parts_out():
    original = MEMBERSHIP_SCHEMA.to_frame(
        [
            {"segmentId": "SEG1", "customer": {"id": "C1"}},
            {"segmentId": "SEG1", "customer": {"id": "C2"}},
        ]
    )
    plan = build_plan(MEMBERSHIP_SCHEMA, original, original.iloc[:1], source="grid")
    assert plan.changes_frame().to_dict("records") == [
        {
            "row": "deleted SEG1 / C2",
            "action": "delete",
            "key": "SEG1 / C2",
            "column": "",
            "old": "",
            "new": "",
        }
    ]


def test_a_change_reads_as_one_line():
    original = customers()
    edited = original.copy()
    edited.loc[0, ["firstName", "lastName"]] = ["Ann", None]
    plan = build_plan(CUSTOMER_SCHEMA, original, edited, source="grid")
    assert (
        change_text(plan.updates[0], CUSTOMER_SCHEMA)
        == "firstName: First0 → Ann; lastName: Last0 → "
    )
    groups = CUSTOMER_GROUP_SCHEMA.to_frame(
        [{"site": "main", "customerId": "C1", "groupId": "vip"}]
    )
    gone = build_plan(CUSTOMER_GROUP_SCHEMA, groups, groups.iloc[:0], source="grid").deletes[0]
    assert change_text(gone, CUSTOMER_GROUP_SCHEMA) == "groupId: vip"

"""Review and push parts, run as pages of their own (no API): the plan's counts and
errors, the typed confirmation of many deletes, the push button, progress and reports."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from emporix_data.plan import ChangePlan, References
from emporix_data.push import PushReport, RowResult
from emporix_data.tables import LoadedTable
from emporix_data.workspace import EditorState
from tests.dashboard.synthetic import customers_table, groups_table, started


def planned(edits: dict, loaded: LoadedTable | None = None) -> ChangePlan:
    """The plan of these grid edits to all rows of ``loaded`` (30 customers by default)."""
    work = started(loaded or customers_table(30)).work
    work.show("view", work.frame)
    work.keep_edits(EditorState.of(edits))
    return work.plan(References())


def review_page(plan) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    import streamlit as st

    from emporix_data.tables import TABLES
    from pages.components.review import deletes_confirmed, review

    review(TABLES["customers"], plan)
    st.caption(f"confirmed: {deletes_confirmed(plan)}")


def push_page(state, plan) -> None:
    from emporix_data.push import PushProgress
    from emporix_data.tables import TABLES
    from pages.components.push import push_bar, push_section

    push_section(state, TABLES[state.name], plan)
    push_bar()(PushProgress(done=3, total=10, failed=1, elapsed_s=6.0))


def report_page(state) -> None:
    from emporix_data.tables import TABLES
    from pages.components.review import last_report

    last_report(state, TABLES["customers"])


def run(page, *args) -> AppTest:
    at = AppTest.from_function(page, args=args, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def test_the_review_counts_changes_and_lists_invalid_rows():
    plan = planned({"edited_rows": {0: {"contactEmail": "broken"}, 1: {"lastName": "Fine"}}})
    at = run(review_page, plan)
    assert metrics(at) == {"Creates": 0, "Updates": 1, "Deletes": 0, "Invalid rows": 1}
    changes, errors = (d.value for d in at.dataframe)
    assert changes[["action", "key", "column", "new"]].values.tolist() == [
        ["update", "00000001", "lastName", "Fine"]
    ]
    assert errors["column"].tolist() == ["contactEmail"]
    assert [w.value for w in at.warning] == ["These rows are invalid and will not be pushed:"]
    assert "confirmed: True" in [c.value for c in at.caption]


def test_more_than_20_deletes_need_the_typed_confirmation():
    at = run(review_page, planned({"deleted_rows": list(range(21))}))
    assert "confirmed: False" in [c.value for c in at.caption]
    at.text_input[0].set_value("DELETE 20").run()
    assert "confirmed: False" in [c.value for c in at.caption]
    at.text_input[0].set_value("DELETE 21").run()
    assert "confirmed: True" in [c.value for c in at.caption]
    assert len(at.text_input) == 1
    assert not run(review_page, planned({"deleted_rows": list(range(20))})).text_input


def test_the_push_button_names_the_changes_and_waits_for_the_confirmation():
    state = started(customers_table(30))
    at = run(push_page, state, planned({"deleted_rows": list(range(21))}))
    button = at.button(key="customers:push")
    assert (button.label, button.disabled) == ("Push 21 changes", True)
    at.text_input[0].set_value("DELETE 21").run()
    assert not at.button(key="customers:push").disabled
    progress = at.get("progress")[0].proto
    assert (progress.value, progress.text) == (30, "3 of 10 (1 failed, about 14 s left)")


def test_per_site_pushes_say_where_they_go_and_an_empty_plan_offers_no_push():
    outlet = groups_table("outlet", ["C1", "C2"])
    plan = planned({"edited_rows": {1: {"groupId": "wholesale"}}}, outlet)
    at = run(push_page, started(outlet, "outlet"), plan)
    assert "Pushes go to site `outlet`." in [c.value for c in at.caption]
    assert at.button(key="customer-groups:push:outlet").label == "Push 1 change"
    assert not run(push_page, started(customers_table()), planned({})).button


def test_the_last_push_is_reported_with_its_failed_rows_as_a_file():
    state = started(customers_table(30))
    at = run(report_page, state)
    assert not at.success and not at.warning
    plan = planned({"edited_rows": {0: {"lastName": "A"}, 1: {"lastName": "B"}}})
    applied, failed = plan.changes
    state.report = PushReport(
        "customers",
        [],
        [
            RowResult(applied, "applied", 200, None, None),
            RowResult(failed, "conflict", 409, "changed meanwhile", None, {"lastName": "C"}),
        ],
    )
    at.run()
    assert [w.value for w in at.warning] == ["Last push: 1 applied, 0 failed, 1 conflicts."]
    problems, conflicts = (d.value for d in at.dataframe)
    assert problems["key"].tolist() == ["00000001"]
    assert conflicts[["original", "theirs", "yours"]].values.tolist() == [["Last1", "C", "B"]]
    assert [d.proto.label for d in at.get("download_button")] == [
        "Download failed rows (fix and upload again)"
    ]
    state.report = PushReport("customers", [], [RowResult(applied, "applied", 200, None, None)])
    at.run()
    assert [s.value for s in at.success] == ["Last push: 1 applied, 0 failed, 0 conflicts."]
    assert not at.get("download_button")


def test_rows_the_plan_refused_are_reported_and_in_the_file_to_fix():
    state = started(customers_table(30))
    at = run(report_page, state)
    plan = planned({"edited_rows": {0: {"lastName": "A"}, 1: {"contactEmail": "broken"}}})
    (applied,) = plan.changes
    state.report = PushReport(
        "customers",
        [],
        [RowResult(applied, "applied", 204, None, None)],
        invalid=plan.rejected(),
    )
    at.run()
    assert [w.value for w in at.warning] == [
        "Last push: 1 applied, 0 failed, 0 conflicts, 1 invalid."
    ]
    shown = at.dataframe[0].value
    assert shown[["row", "outcome"]].values.tolist() == [["row 1", "invalid"]]
    assert shown["message"].iloc[0].startswith("contactEmail: ")
    assert [d.proto.label for d in at.get("download_button")] == [
        "Download failed rows (fix and upload again)"
    ]

"""Reviewing a change plan before it is pushed, and a push's outcome after."""

from __future__ import annotations

import streamlit as st

from emporix_data.export import frame_bytes
from emporix_data.mapping import MappedFile
from emporix_data.plan import ChangePlan
from emporix_data.push import PushReport
from emporix_data.tables import ResourceTable
from emporix_data.workspace import TableState
from pages.components.loading import references_for

DELETE_CONFIRMATION_THRESHOLD = 20


def change_plan(state: TableState, table: ResourceTable, uploaded: MappedFile | None) -> ChangePlan:
    """The plan of the pending changes, or of the uploaded file's rows (as mapped) instead."""
    return state.work.plan(references_for(state, table), uploaded)


def review(table: ResourceTable, plan: ChangePlan) -> None:
    """Counts, the changed fields old -> new, notices, and the rows that are invalid."""
    counts = plan.counts()
    cols = st.columns(4)
    for slot, (label, value) in zip(
        cols,
        [
            ("Creates", counts["create"]),
            ("Updates", counts["update"]),
            ("Deletes", counts["delete"]),
            ("Invalid rows", counts["invalid"]),
        ],
        strict=True,
    ):
        slot.metric(label, value)
    if plan.changes:
        st.dataframe(plan.changes_frame(), hide_index=True, width="stretch")
    for notice in plan.notices:
        st.caption(notice)
    if plan.errors:
        st.warning("These rows are invalid and will not be pushed:")
        st.dataframe(plan.errors_frame(), hide_index=True, width="stretch")


def deletes_confirmed(plan: ChangePlan) -> bool:
    """True unless the plan deletes many rows and the user has not typed the confirmation."""
    deletes = len(plan.deletes)
    if deletes <= DELETE_CONFIRMATION_THRESHOLD:
        return True
    typed = st.text_input(f"Type DELETE {deletes} to confirm deleting {deletes} rows")
    return typed.strip() == f"DELETE {deletes}"


def show_report(report: PushReport, heading: str) -> None:
    """A push's outcome: counts, the rows that did not apply (invalid ones included),
    conflicts side by side."""
    (st.success if report.all_applied else st.warning)(f"{heading}: {report.summary()}.")
    if report.all_applied:
        return
    st.dataframe(report.frame().query("outcome != 'applied'"), hide_index=True)
    conflicts = report.conflicts_frame()
    if not conflicts.empty:
        st.caption(
            "Changed by someone else since loading, so not overwritten: the original, "
            "their and your values. To overwrite, push your edits again on their version."
        )
        st.dataframe(conflicts, hide_index=True)


def last_report(state: TableState, table: ResourceTable) -> None:
    """The table's last push (from this page, or an undo or resume from Push history),
    until it is dismissed; its notes, and every row that did not apply (failed,
    conflict, invalid) as a file to fix."""
    report = state.report
    if report is None:
        return
    banner, dismiss = st.columns([12, 1], vertical_alignment="center")
    with banner:
        show_report(report, state.report_heading)
    dismiss.button(
        "Dismiss",
        key=state.widget_key("dismiss-report"),
        on_click=state.dismiss_report,
        icon=":material/close:",
        type="tertiary",
    )
    for note in state.report_notes:
        st.info(note, icon=":material/info:")
    if not report.all_applied:
        st.download_button(
            "Download failed rows (fix and upload again)",
            data=frame_bytes(report.error_file_frame(table), "csv"),
            file_name=f"{state.name}-failed.csv",
            mime="text/csv",
        )

"""The data-quality audit on a page: loading with progress, a card per check, and the fix
of a fixable check reviewed and pushed like any edit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime

import streamlit as st

from emporix_data.audit import (
    CHECKS,
    AuditData,
    CheckResult,
    findings_frame,
    load_audit_data,
    origin_source,
    plan_fix,
    run_checks,
    tables_needed,
)
from emporix_data.export import MEDIA_TYPES, frame_bytes
from emporix_data.push import push_plan
from pages.common import count_of, get_client, get_journal, push_origin
from pages.components.loading import FAILURES
from pages.components.push import forget_loaded, push_bar
from pages.components.review import deletes_confirmed, review
from pages.components.state import AuditState

SAMPLE = 5


def audit_fresh(state: AuditState) -> None:
    """Load every table the checks read, freshly from the API, and run all checks."""
    names = tables_needed(list(CHECKS.values()))
    seen: dict[str, tuple[int, int | None]] = {}
    bar = st.progress(0.0, text="Loading the tables the checks read…")
    # The tables load on worker threads; the page's own thread draws their progress.
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(
            load_audit_data,
            get_client(),
            names,
            lambda name, done, total: seen.__setitem__(name, (done, total)),
        )
        while not wait([loading], timeout=0.25).done:
            finished = sum(1 for done, total in seen.values() if total and done >= total)
            bar.progress(
                finished / len(names),
                text="Loading… "
                + ", ".join(f"{name} {done:,}" for name, (done, _total) in seen.items()),
            )
        try:
            data: AuditData = loading.result()
        except FAILURES as exc:
            bar.empty()
            st.error(f"Loading the data to audit failed: {exc}")
            st.stop()
    bar.empty()
    state.data = data
    state.results = run_checks(data.frames)
    state.audited_at = datetime.now()
    state.fix = None


def check_card(state: AuditState, result: CheckResult) -> None:
    """One check: its count, what it looks for, a sample of its findings, a download of
    all of them, and for a fixable check the review of its fix."""
    check = result.check
    with st.container(border=True, key=f"audit-card-{check.name}"):
        st.metric(check.name, len(result.findings))
        st.caption(check.description)
        if not result.findings:
            return
        frame = findings_frame([result])
        st.dataframe(frame[["keys", "reason"]].head(SAMPLE), hide_index=True, width="stretch")
        if len(frame) > SAMPLE:
            st.caption(f"The first {SAMPLE} of {count_of(len(frame), 'finding')}.")
        actions = st.columns(2)
        actions[0].download_button(
            "Download the findings (CSV)",
            data=lambda: frame_bytes(frame, "csv"),
            file_name=f"audit-{check.name}.csv",
            mime=MEDIA_TYPES["csv"],
            key=f"audit:download:{check.name}",
            on_click="ignore",  # a rerun could drop the file before it is fetched
        )
        if not check.fixable:
            return
        if not result.fixable:
            actions[1].caption("None of these has a safe fix.")
        elif actions[1].button(
            f"Review fix ({count_of(result.fixable, 'finding')})",
            icon=":material/build:",
            key=f"audit:review:{check.name}",
        ):
            assert state.data is not None
            state.fix = plan_fix(state.data, check.name)
            st.rerun()
        if state.fix is not None and state.fix.check == check.name:
            fix_review(state)


def fix_review(state: AuditState) -> None:
    """The fix's plan in the usual review; pushed journaled, then the audit runs again on
    fresh data and the resource pages reload the table it changed."""
    fix = state.fix
    assert fix is not None
    table = fix.loaded.table
    st.markdown(
        f"**Fix of {fix.check}** in {table.title.lower()}: resolves {fix.findings} of "
        f"{count_of(fix.findings + fix.left, 'finding')}."
    )
    review(table, fix.plan)
    actions = st.columns(2)
    if actions[1].button("Cancel", key="audit:cancel"):
        state.fix = None
        st.rerun()
    if not fix.plan.changes:
        return
    confirmed = deletes_confirmed(fix.plan)
    if not actions[0].button(
        f"Push the fix ({count_of(len(fix.plan.changes), 'change')})",
        type="primary",
        disabled=not confirmed,
        key="audit:push",
    ):
        return
    progress = push_bar()
    try:
        report = push_plan(
            get_client(),
            table,
            fix.plan,
            fix.loaded.documents,
            progress=progress,
            journal=get_journal(),
            origin=push_origin(f"page Data quality ({origin_source(fix.check)})"),
        )
    except FAILURES as exc:
        progress.bar.empty()
        st.error(f"The push stopped: {exc}. Rows sent before may be applied: rerun the audit.")
        return
    progress.bar.empty()
    forget_loaded(table.name)
    state.report, state.fixed = report, fix.check
    audit_fresh(state)
    st.rerun()

"""Pushing a reviewed plan: the button, a progress bar, and what happens to the table after
(reloaded, with the rows that did not apply still pending)."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from emporix_data.plan import ChangePlan
from emporix_data.push import PushProgress, PushReport, push_plan
from emporix_data.tables import ResourceTable
from emporix_data.workspace import LAST_PUSH, TableState
from pages.common import count_of, get_journal, push_origin
from pages.components.loading import FAILURES, fetch, shared_tables
from pages.components.review import deletes_confirmed
from pages.components.state import table_client, table_states


class PushBar:
    """A progress bar that follows a push: done of total, failures, time left."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0, text="Pushing…")

    def __call__(self, update: PushProgress) -> None:
        eta = f", about {update.eta_s:.0f} s left" if update.eta_s is not None else ""
        self.bar.progress(
            update.done / update.total if update.total else 1.0,
            text=f"{update.done} of {update.total} ({update.failed} failed{eta})",
        )


def push_bar() -> PushBar:
    return PushBar()


def push_section(state: TableState, table: ResourceTable, plan: ChangePlan) -> None:
    """The push button (after a typed confirmation for many deletes); after the push,
    the table reloaded with failed and conflicting rows still pending."""
    if not plan.changes:
        return
    confirmed = deletes_confirmed(plan)
    if state.site:
        st.caption(f"Pushes go to site `{state.site}`.")
    if not st.button(
        f"Push {count_of(len(plan.changes), 'change')}",
        type="primary",
        disabled=not confirmed,
        key=state.widget_key("push"),
    ):
        return
    progress = push_bar()
    try:
        report = push_plan(
            table_client(state),
            table,
            plan,
            state.loaded.documents,
            progress=progress,
            journal=get_journal(),
            origin=push_origin(f"page {table.title}"),
        )
    except FAILURES as exc:
        progress.bar.empty()
        st.error(
            f"The push stopped: {exc}. Your edits are still pending; rows sent before "
            "the failure may already be applied (Reload shows the current state)."
        )
        return
    progress.bar.empty()
    state.report = report  # shown even where the reload below fails
    state.pushed(report, fetch(state), datetime.now())
    state.search_text()
    st.rerun()


def forget_loaded(name: str, report: PushReport | None = None, heading: str = LAST_PUSH) -> None:
    """After a push made elsewhere (Push history): its ``report`` becomes the table's last
    push; reload the table on its next visit, or, where it has pending edits, say that it
    is out of date instead of dropping them. The table shared with other sessions is
    dropped, so that no session starts from it again."""
    shared_tables().forget(name)
    for state in table_states(name):
        state.forget(report, heading)

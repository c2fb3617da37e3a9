"""Push history: every journaled push of this connection (API and tenant); resume, retry
failed rows, undo."""

from __future__ import annotations

import streamlit as st

from emporix_data.errors import EmporixError
from emporix_data.journal import Connection, PushEntry, local_time
from emporix_data.push import push_plan, resume_push
from emporix_data.tables import TABLES
from emporix_data.undo import plan_undo
from pages.common import count_of, get_client, get_journal, push_origin, require_app_navigation
from pages.components.push import forget_loaded, push_bar
from pages.components.review import deletes_confirmed, review, show_report
from pages.components.state import history_state

require_app_navigation("pages/push_history.py")


def send_again(entry: PushEntry, *, retry_failed: bool) -> None:
    bar = push_bar()
    try:
        report = resume_push(
            get_client(), get_journal(), entry.id, retry_failed=retry_failed, progress=bar
        )
    except (ValueError, EmporixError) as exc:
        st.error(f"Could not resume push {entry.id}: {exc}")
        return
    forget_loaded(entry.resource, report, f"Last push (resume of push {entry.id})")
    history_state().report = report
    st.rerun()


def undo_section(entry: PushEntry) -> None:
    state = history_state()
    planned = state.undo
    if planned is None or planned.push_id != entry.id:
        if st.button("Plan the undo of this push", icon=":material/undo:", key="history:plan"):
            try:
                state.undo = plan_undo(get_client(), get_journal(), entry.id)
            except (ValueError, EmporixError) as exc:
                st.error(f"Cannot undo push {entry.id}: {exc}")
                return
            st.rerun()
        return
    plan = planned.plan
    st.subheader(f"Undo of push {entry.id}")
    review(planned.loaded.table, plan)
    if not plan.changes:
        st.caption("Nothing to undo.")
        return
    confirmed = deletes_confirmed(plan)
    if st.button(
        f"Push the undo ({count_of(len(plan.changes), 'change')})",
        type="primary",
        disabled=not confirmed,
        key="history:undo-push",
    ):
        report = push_plan(
            get_client(),
            planned.loaded.table,
            plan,
            planned.documents,
            progress=push_bar(),
            journal=get_journal(),
            origin=push_origin(f"page Push history (undo of {entry.id})"),
            undo_of=entry.id,
        )
        state.undo = None
        forget_loaded(entry.resource, report, f"Last push (undo of push {entry.id})")
        state.report = report
        st.rerun()


st.title("Push history")
journal = get_journal()
shown = history_state()
if shown.report is not None:  # once, right after the push or resume
    show_report(shown.report, f"Push {shown.report.push_id}")
    shown.report = None
connection = Connection.of(get_client().settings)
history = journal.history(connection)  # two servers can serve tenants of one name
if history.empty:
    st.info(
        f"No pushes to tenant `{connection.tenant}` at `{connection.api_url}` yet. Every push "
        "from a resource page or the command line shows here."
    )
    st.stop()
zone = st.context.timezone
history["started"] = [local_time(started, zone) for started in history["started"]]
st.caption(f"Journal: `{journal.path}`. Times are in {zone or 'UTC'}.")
st.dataframe(history, hide_index=True, width="stretch")
labels = {
    row.id: f"{row.id} · {row.started} · {row.resource} · {row.status} · {row.user}"
    for row in history.itertuples()
}
push_id = st.selectbox("Push", list(labels), format_func=labels.__getitem__, key="history:push")
entry = journal.entry(push_id)
schema = TABLES[entry.resource].schema if entry.resource in TABLES else None
st.dataframe(journal.rows_frame(push_id, schema), hide_index=True, width="stretch")

pending = len(entry.pending())
failed = len(entry.pending(retry_failed=True)) - pending
actions = st.columns(2)
if (
    entry.status == "incomplete"
    and pending
    and actions[0].button(
        f"Resume: send the {count_of(pending, 'row')} without a result",
        key="history:resume",
        type="primary",
    )
):
    send_again(entry, retry_failed=False)
if (
    entry.status != "running"
    and failed
    and actions[1].button(f"Retry the {count_of(failed, 'failed row')}", key="history:retry")
):
    send_again(entry, retry_failed=True)
if entry.status == "finished":
    undo_section(entry)
elif entry.status == "running":
    st.info("This push is still running in another process.")

"""Data quality: what is wrong across the resources, a card per check, and fixes for the
checks that have a safe remedy."""

import streamlit as st

from emporix_data.audit import findings_frame
from emporix_data.export import MEDIA_TYPES, frame_bytes
from pages.common import count_of, require_app_navigation
from pages.components.audit import audit_fresh, check_card
from pages.components.review import show_report
from pages.components.state import audit_state

require_app_navigation("pages/data_quality.py")

st.title("Data quality")
state = audit_state()
if state.data is None:
    audit_fresh(state)
top = st.columns([4, 1])
found = sum(len(result.findings) for result in state.results)
top[0].caption(
    f"{count_of(found, 'finding')} of {count_of(len(state.results), 'check')} on the data "
    f"loaded at {state.audited_at:%H:%M:%S}. Fixes are reviewed, pushed and journaled like "
    "any edit (Push history can undo them)."
)
if top[1].button("Rerun audit", icon=":material/refresh:", key="audit:rerun"):
    audit_fresh(state)
    st.rerun()
if state.report is not None:  # once, right after the fix was pushed
    show_report(state.report, f"Fix of {state.fixed} (push {state.report.push_id})")
    state.report = None
if found:
    results = state.results
    st.download_button(
        "Download all findings (CSV)",
        data=lambda: frame_bytes(findings_frame(results), "csv"),
        file_name="audit-findings.csv",
        mime=MEDIA_TYPES["csv"],
        key="audit:download-all",
        on_click="ignore",  # a rerun could drop the file before it is fetched
    )
for result in state.results:
    check_card(state, result)

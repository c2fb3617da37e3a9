"""Links from a figure to the saved report behind it: ``reports?report=NAME`` opens the
Reports page with that report picked and run."""

from __future__ import annotations

import streamlit as st

REPORTS_PAGE = "pages/reports.py"


def report_link(report: str, label: str = "Open the report") -> None:
    st.page_link(
        REPORTS_PAGE, label=label, icon=":material/table_view:", query_params={"report": report}
    )


def tile(label: str, value: int, report: str, note: str | None = None) -> None:
    """A KPI in a bordered box with the link to its rows; ``note`` is a sub-value drawn
    as plain grey text, not as a change (no arrow, no colour)."""
    with st.container(border=True, height="stretch", key=f"tile:{label}"):
        st.metric(label, f"{value:,}", note, delta_color="off", delta_arrow="off")
        report_link(report, "Show the rows")

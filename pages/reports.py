"""Reports: a saved report, SQL, or the builder, over the loaded tables; the result as a
grid, a chart and files. ``?report=NAME`` opens a saved report and runs it (the
Overview's tiles link to theirs)."""

import streamlit as st

from emporix_data.reports import list_reports
from emporix_data.reports.loading import RESOURCE_TABLES
from emporix_data.reports.running import table_columns
from emporix_data.settings import LocalSettings
from pages.common import get_connection, require_app_navigation
from pages.components.report_builder import builder_form
from pages.components.report_forms import PICKER, SQL_KEY, saved_report_form, sql_form
from pages.components.report_result import result_section
from pages.components.report_tables import run_report
from pages.components.state import (
    default_widget_value,
    report_session,
    report_table_state,
    set_widget_value,
)

require_app_navigation("pages/reports.py")

MODE = "reports:mode"
SAVED, SQL, BUILDER = "saved", "sql", "builder"
MODE_LABELS = {SAVED: "Saved report", SQL: "SQL", BUILDER: "Builder"}
LINK_PARAMETER = "report"


@st.cache_data(show_spinner=False)
def catalog_columns() -> dict[str, dict[str, str]]:
    return table_columns()


def open_in_editor(sql: str) -> None:
    set_widget_value(SQL_KEY, sql)
    set_widget_value(MODE, SQL)


def reload_tables() -> None:
    """Load every table again on the next run (tables with pending edits keep theirs)."""
    report_session().forget_tables()
    for resource in RESOURCE_TABLES.values():
        report_table_state(resource).forget()


def loaded_caption() -> str:
    loaded = [
        f"{name.replace('_', ' ')} {state.loaded_at:%H:%M}"
        for name, resource in RESOURCE_TABLES.items()
        if (state := report_table_state(resource)).loaded_at and state.workspace is not None
    ]
    return "Loaded: " + ", ".join(loaded) if loaded else "Tables load when a query needs them"


st.title("Reports")
session = report_session()
reports_dir = LocalSettings().reports_dir
reports = list_reports(reports_dir)
top = st.columns([4, 1])
about = top[0].empty()  # filled last: a run may load tables
top[1].button(
    "Reload tables", key="reports:reload", icon=":material/refresh:", on_click=reload_tables
)

linked = st.query_params.get(LINK_PARAMETER)
run_linked = False
if linked:
    del st.query_params[LINK_PARAMETER]
    if linked in {report.name for report in reports}:
        set_widget_value(PICKER, linked)
        set_widget_value(MODE, SAVED)
        run_linked = True
    else:
        st.warning(f"No report named {linked}.")

default_widget_value(MODE, SAVED)
mode = st.segmented_control(
    "Start from",
    list(MODE_LABELS),
    format_func=MODE_LABELS.__getitem__,
    required=True,
    key=MODE,
    persist_state="session",
)
if mode == SQL:
    asked = sql_form(catalog_columns())
elif mode == BUILDER:
    asked = builder_form(catalog_columns(), open_in_editor)
else:
    asked = saved_report_form(reports, open_in_editor, run_now=run_linked)
if asked is not None:
    with st.spinner("Running…"):
        session.last = run_report(asked)
if session.last is not None:
    st.divider()
    result_section(session.last, reports_dir)
about.caption(
    f"SQL over the tables of {get_connection().label}, as loaded from the API (pending "
    f"edits are not in them). {loaded_caption()}. Your reports: `{reports_dir}`."
)

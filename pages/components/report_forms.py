"""Where a report run starts: a saved report (its parameters as form fields), or SQL
written in an editor beside the tables and their columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from emporix_data.reports import SavedReport
from emporix_data.reports.catalog import parameters_in
from emporix_data.reports.session import ReportRun
from pages.components.state import default_widget_value

KEY = "reports"
PICKER = f"{KEY}:saved"
SQL_KEY = f"{KEY}:sql"
EXAMPLE_SQL = """SELECT country, count(*) AS customers
FROM customer_360
GROUP BY ALL
ORDER BY customers DESC"""


def saved_report_form(
    reports: Sequence[SavedReport], open_in_editor: Callable[[str], None], *, run_now: bool = False
) -> ReportRun | None:
    """Pick a saved report and fill in its parameters; returns its run when Run is clicked
    (or at once with ``run_now``)."""
    by_name = {report.name: report for report in reports}
    name = st.selectbox(
        "Report",
        list(by_name),
        format_func=lambda key: f"{by_name[key].title} ({key})",
        key=PICKER,
        persist_state="session",
    )
    report = by_name[name]
    if report.description:
        st.caption(report.description)
    if report.problem:
        st.warning(f"{report.path}: {report.problem}")
    values = {
        parameter: st.text_input(
            f"${parameter}",
            key=f"{KEY}:param:{report.name}:{parameter}",
            persist_state="session",
            help="Text; the query compares it with its column's type (a date as 2024-01-31).",
        )
        for parameter in report.parameters
    }
    with st.expander("SQL", icon=":material/code:"):
        st.code(report.sql, language="sql")
        st.caption("built in" if report.builtin else f"from {report.path}")
    run, edit = st.columns([1, 5])
    edit.button(
        "Edit a copy as SQL",
        key=f"{KEY}:saved:edit",
        icon=":material/code:",
        on_click=open_in_editor,
        args=(report.sql,),
    )
    clicked = run.button(
        "Run", key=f"{KEY}:saved:run", type="primary", icon=":material/play_arrow:"
    )
    if not (clicked or run_now):
        return None
    return ReportRun(report.title, report.sql, values, report.chart, report.name)


def sql_form(columns: Mapping[str, Mapping[str, str]]) -> ReportRun | None:
    """The SQL editor, its parameters as fields, the tables and columns beside it."""
    default_widget_value(SQL_KEY, EXAMPLE_SQL)
    editor, catalog = st.columns([3, 1])
    with editor:
        sql = st.text_area(
            "One SELECT query",
            key=SQL_KEY,
            height=260,
            persist_state="session",
            help="DuckDB SQL over the tables listed beside it; `$name` is a parameter. "
            "Reports read only these tables: files, URLs, extensions and settings are refused.",
        )
        values = {
            parameter: st.text_input(
                f"${parameter}", key=f"{KEY}:sql-param:{parameter}", persist_state="session"
            )
            for parameter in parameters_in(sql)
        }
        clicked = st.button(
            "Run", key=f"{KEY}:sql:run", type="primary", icon=":material/play_arrow:"
        )
    with catalog:
        table_listing(columns)
    return ReportRun(title="Query", sql=sql, params=values) if clicked else None


def table_listing(columns: Mapping[str, Mapping[str, str]]) -> None:
    st.markdown("**Tables**")
    for table, types in columns.items():
        with st.expander(table):
            st.markdown("\n".join(f"- `{name}` {kind.lower()}" for name, kind in types.items()))

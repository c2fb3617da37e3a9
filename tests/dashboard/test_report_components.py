"""The Reports page's components, each run as a page of its own (no API): the builder,
the result with its chart, downloads and "save as report", and the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from emporix_data.reports import ChartSpec, ReportEngine
from emporix_data.reports.session import ReportRun
from pages.components.report_chart import figure
from tests.unit.test_reports_customer_360 import small_world

BUILDER = "reports:builder:customers"


def builder_page() -> None:
    import streamlit as st

    from emporix_data.reports.running import table_columns
    from pages.components.report_builder import builder_form

    st.session_state.setdefault("reports:builder:table", "customers")
    run = builder_form(table_columns(), lambda sql: st.session_state.update(handed=sql))
    if run is not None:
        st.caption(f"ran: {run.sql}")


def builder() -> AppTest:
    at = AppTest.from_function(builder_page, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_the_builder_groups_by_month_counts_distinct_and_filters_with_a_list():
    at = builder()
    group = at.multiselect(key=f"{BUILDER}:group")
    assert {"Created at", "Created at by month", "Active"} <= set(group.options)
    group.set_value(["createdAt:month"]).run()
    at.multiselect(key=f"{BUILDER}:measures").set_value(["count_distinct:customerNumber"]).run()
    at.selectbox(key=f"{BUILDER}:filter:0:column").set_value("businessModel").run()
    at.selectbox(key=f"{BUILDER}:filter:0:operator").set_value("in").run()
    at.text_input(key=f"{BUILDER}:filter:0:value").set_value("B2B, B2C").run()
    assert at.code[0].value == (
        'SELECT CAST(date_trunc(\'month\', "createdAt") AS DATE) AS "createdAtMonth", '
        'count(DISTINCT "customerNumber") AS "distinctCustomerNumber"\n'
        'FROM "customers"\n'
        "WHERE list_contains(CAST(['B2B', 'B2C'] AS VARCHAR[]), \"businessModel\")\n"
        "GROUP BY 1\n"
        'ORDER BY "createdAtMonth"'
    )
    at.button(key="reports:builder:run").click().run()
    assert at.caption[-1].value == f"ran: {at.code[0].value}"
    with ReportEngine(small_world()) as engine:
        months = engine.run(at.code[0].value).frame
    assert months["distinctCustomerNumber"].tolist() == [2, 1]  # C1, C2 in January; C3


def test_a_filter_without_a_value_is_named_and_nothing_runs():
    at = builder()
    at.selectbox(key=f"{BUILDER}:filter:0:column").set_value("company").run()
    assert [w.value for w in at.warning] == ["The filter on company needs a value"]
    assert not at.code
    at.selectbox(key=f"{BUILDER}:filter:0:operator").set_value("is empty").run()
    assert not at.warning and 'WHERE "company" IS NULL' in at.code[0].value
    assert at.text_input(key=f"{BUILDER}:filter:0:value").disabled


def test_edit_as_sql_hands_over_the_query_shown():
    at = builder()
    at.button(key="reports:builder:edit").click().run()
    assert at.session_state["handed"] == at.code[0].value == 'SELECT *\nFROM "customers"'


def result_page(run, folder) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    from pathlib import Path

    from pages.components.report_result import result_section

    result_section(run, Path(folder))


def result_of(run: ReportRun, folder: Path) -> AppTest:
    at = AppTest.from_function(result_page, args=(run, str(folder)), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def a_run(sql: str, display_rows: int = 10_000, **fields) -> ReportRun:
    with ReportEngine(small_world(), display_rows=display_rows) as engine:
        return ReportRun(sql=sql, result=engine.run(sql), **{"title": "A query", **fields})


def test_a_long_result_shows_its_first_rows_and_downloads_all(tmp_path):
    at = result_of(a_run("SELECT * FROM customers", display_rows=2), tmp_path)
    assert len(at.dataframe[0].value) == 2
    assert at.caption[0].value == "4 rows in " + at.caption[0].value.split(" in ")[1]
    assert "the first 2 are shown, downloads hold all" in at.caption[0].value
    assert [b.proto.label for b in at.get("download_button")] == ["CSV", "XLSX", "PARQUET", "JSON"]
    assert "No chart" in at.caption[1].value


def test_a_declared_chart_is_drawn_and_saved_with_the_report(tmp_path):
    declared = ChartSpec("bar", "businessModel", "n")
    sql = (
        "SELECT coalesce(businessModel, '-') AS businessModel, count(*) AS n"
        " FROM customers GROUP BY ALL"
    )
    at = result_of(a_run(sql, declared=declared, report="by_model", title="By model"), tmp_path)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"] == "Business model"
    fields = {t.label: t for t in at.text_input}
    assert fields["Chart"].value == "bar x=businessModel y=n"
    fields["Description"].set_value("Per model")
    next(b for b in at.button if b.label == "Save").click().run()
    assert at.success and (tmp_path / "by_model.sql").read_text().startswith(
        "-- title: By model\n-- description: Per model\n-- chart: bar x=businessModel y=n\n"
    )
    next(b for b in at.button if b.label == "Save").click().run()
    assert [e.value for e in at.error] == [
        f"Not saved: A report named by_model exists already in {tmp_path}"
    ]


def test_an_error_is_shown_instead_of_a_result(tmp_path):
    at = result_of(ReportRun("Broken", "SELEC 1", error="Syntax error at line 1"), tmp_path)
    assert [e.value for e in at.error] == ["Syntax error at line 1"]
    assert not at.dataframe and not at.get("download_button")


def test_figures_title_every_axis_in_words_and_pivot_heatmaps():
    frame = pd.DataFrame(
        {"segment": ["A", "A", "B"], "otherSegment": ["B", "C", "A"], "customers": [1, 2, 1]}
    )
    heat = figure(frame, ChartSpec("heatmap", "segment", "otherSegment", "customers"))
    assert heat is not None
    assert heat.layout.xaxis.title.text == "Segment"
    assert heat.layout.yaxis.title.text == "Other segment"
    assert list(heat.data[0].x) == ["A", "B"] and list(heat.data[0].y) == ["A", "B", "C"]
    line = figure(frame, ChartSpec("line", "segment", "customers", "otherSegment"))
    assert line is not None and line.layout.legend.title.text == "Other segment"
    assert figure(frame, ChartSpec("none")) is None


def test_too_many_bars_are_not_drawn(tmp_path):
    at = result_of(
        a_run("SELECT CAST(range AS VARCHAR) AS k, range AS n FROM range(1001)"), tmp_path
    )
    assert not at.get("plotly_chart")
    assert "1,001 rows are too many for a bar chart (at most 1,000)" in at.caption[1].value
    at = result_of(
        a_run("SELECT CAST(range AS VARCHAR) AS k, range AS n FROM range(1000)"), tmp_path
    )
    assert len(at.get("plotly_chart")) == 1

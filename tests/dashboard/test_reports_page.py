"""The Reports page: saved reports, SQL, the builder, links from the Overview, saving;
tables loaded once and shared with the table pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import list_customers
from emporix_data.resources.segments import list_segments
from tests.dashboard.helpers import open_page

LIST_CUSTOMERS = "GET /customer/{tenant}/customers"
LIST_GROUPS = "GET /shipping/{tenant}/{site}/cgrelations"
MODE = "reports:mode"


@pytest.fixture
def reports_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "my-reports"
    monkeypatch.setenv("EMPORIX_REPORTS_DIR", str(folder))
    return folder


@pytest.fixture
def reports(app: AppTest, reports_dir: Path) -> AppTest:
    return open_page(app, "reports")


def ran(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def run_saved(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="reports:saved").set_value(name).run()
    return ran(at.button(key="reports:saved:run").click().run())


def run_sql(at: AppTest, sql: str) -> AppTest:
    at.segmented_control(key=MODE).set_value("sql").run()
    at.text_area(key="reports:sql").set_value(sql).run()
    return at.button(key="reports:sql:run").click().run()


def chart_x(at: AppTest) -> list[object]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [x for trace in spec["data"] for x in trace["x"]]


def test_a_builtin_report_runs_to_a_grid_a_chart_and_downloads(reports, make_settings):
    run_saved(reports, "segment_sizes")
    assert [s.value for s in reports.subheader] == ["Segment sizes"]
    grid = reports.dataframe[0].value
    with EmporixClient(make_settings()) as client:
        names = {s.display_name for s in list_segments(client)}
    assert set(grid["segment"]) == names and grid["customers"].sum() > 0
    assert chart_x(reports) == grid["segment"].tolist()
    spec = json.loads(reports.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"] == "Customers"
    downloads = [b.proto.label for b in reports.get("download_button")]
    assert downloads == ["CSV", "XLSX", "PARQUET", "JSON"]


def test_a_refused_query_is_one_line_and_loads_nothing(reports, admin):
    admin.reset_stats()
    run_sql(reports, "SELECT * FROM read_csv('/etc/passwd')")
    assert not reports.exception
    assert [e.value for e in reports.error] == [
        "Refused: a report reads only the loaded tables, no files, URLs or extensions "
        '(Cannot access file "/etc/passwd")'
    ]
    assert admin.stats()["by_route"] == {}


def test_sql_parameters_become_fields_and_segment_ids_are_charted_by_name(reports):
    run_sql(reports, "SELECT segmentId, count(*) AS n FROM segment_memberships GROUP BY ALL")
    ran(reports)
    ids = reports.dataframe[0].value["segmentId"].tolist()
    assert all(name not in ids for name in chart_x(reports)) and len(chart_x(reports)) == 3

    run_sql(reports, "SELECT count(*) AS n FROM customers WHERE businessModel = $model")
    assert "Missing value" not in str([e.value for e in reports.error])  # empty text is a value
    reports.text_input(key="reports:sql-param:model").set_value("B2B").run()
    ran(reports.button(key="reports:sql:run").click().run())
    b2b = reports.dataframe[0].value["n"].tolist()
    state = reports.session_state["table:customers:demo:"]
    assert b2b == [int((state.loaded.frame["businessModel"] == "B2B").sum())]


def test_the_builder_groups_without_sql_and_shows_the_sql_it_wrote(reports):
    reports.segmented_control(key=MODE).set_value("builder").run()
    reports.multiselect(key="reports:builder:customer_360:group").set_value(["businessModel"])
    reports.run()
    shown = reports.code[0].value
    assert shown.startswith('SELECT "businessModel", count(*) AS "count"\nFROM "customer_360"')
    key = "reports:builder:customer_360:filter"
    reports.selectbox(key=f"{key}:0:column").set_value("active").run()
    assert reports.selectbox(key=f"{key}:1:column").value == ""  # one more row to fill
    reports.text_input(key=f"{key}:0:value").set_value("true").run()
    assert "WHERE \"active\" = CAST('true' AS BOOLEAN)" in reports.code[0].value
    ran(reports.button(key="reports:builder:run").click().run())
    grid = reports.dataframe[0].value
    frame = reports.session_state["table:customers:demo:"].loaded.frame
    active = frame[frame["active"].fillna(False)]
    assert dict(zip(grid["businessModel"], grid["count"], strict=True)) == (
        active["businessModel"].value_counts().to_dict()
    )
    assert chart_x(reports) == grid["businessModel"].tolist()


def test_edit_as_sql_hands_the_builders_query_to_the_editor(reports):
    reports.segmented_control(key=MODE).set_value("builder").run()
    sql = reports.code[0].value
    reports.button(key="reports:builder:edit").click().run()
    assert reports.segmented_control(key=MODE).value == "sql"
    assert reports.text_area(key="reports:sql").value == sql


def test_overview_tiles_open_their_report_run_with_the_same_count(app, reports_dir, admin):
    tiles = {m.label: m for m in app.metric}
    for metric in tiles.values():
        if metric.proto.delta:
            assert metric.proto.direction == Metric.NONE and metric.proto.color == Metric.GRAY
    links = [link.proto for link in app.get("page_link")]
    gap = "report=b2b_customers_without_contact_assignment"
    assert any(link.query_string == gap for link in links)
    admin.reset_stats()
    app.query_params["report"] = "b2b_customers_without_contact_assignment"
    ran(open_page(app, "reports"))
    assert [s.value for s in app.subheader] == ["B2B customers without a contact assignment"]
    expected = int(tiles["B2B customers without a contact assignment"].value)
    assert len(app.dataframe[0].value) == expected > 0
    assert admin.count(LIST_CUSTOMERS) == 0, "the Overview's load is reused"


def test_a_report_loads_a_table_once_for_the_table_page_too(reports, admin, make_settings):
    admin.reset_stats()
    run_saved(reports, "customers_per_group")
    assert admin.count(LIST_CUSTOMERS) == 0, "the Overview's load is reused"
    loads = admin.count(LIST_GROUPS)
    assert loads == 1
    open_page(reports, "customer_groups")
    assert admin.count(LIST_GROUPS) == loads
    with EmporixClient(make_settings()) as client:
        customers = len(list_customers(client))
    grid = reports.session_state["reports:session:demo"].last.result.frame
    assert grid["customers"].sum() >= customers


def test_a_result_is_saved_as_a_report_with_its_chart_and_listed(reports, reports_dir):
    run_sql(reports, "SELECT businessModel, count(*) AS customers FROM customers GROUP BY ALL")
    ran(reports)
    inputs = {t.label: t for t in reports.text_input}
    inputs["Name (the file name: letters, digits, _ and -)"].set_value("per_model")
    inputs["Title"].set_value("Customers per model")
    next(b for b in reports.button if b.label == "Save").click().run()
    ran(reports)
    text = (reports_dir / "per_model.sql").read_text()
    assert text.splitlines()[:2] == [
        "-- title: Customers per model",
        "-- chart: bar x=businessModel y=customers",
    ]
    reports.segmented_control(key=MODE).set_value("saved").run()
    assert "Customers per model (per_model)" in reports.selectbox(key="reports:saved").options

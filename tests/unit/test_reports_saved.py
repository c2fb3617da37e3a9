"""Saved reports: header parsing, built-in and user reports, saving, names, and that every
built-in report runs on empty tables and on small ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import emporix_data.reports
from emporix_data.reports.catalog import tables_needed
from emporix_data.reports.charts import ChartSpec, chart_for
from emporix_data.reports.engine import ReportEngine
from emporix_data.reports.errors import ReportError
from emporix_data.reports.saved import (
    builtin_reports,
    check_name,
    find_report,
    list_reports,
    parse_report,
    save_report,
)
from tests.unit.test_reports_customer_360 import small_world, table

BUILTIN_NAMES = {report.name for report in builtin_reports()}
PARAMETERS = {"legal_entity": "", "search": ""}
# Eve: B2B, on hold, no contact assignment, no segment, no group, no sign-up date.
EVE = {"customerNumber": "C5", "firstName": "Eve", "company": "Solo", "businessModel": "B2B"}


def saved_world() -> dict[str, pd.DataFrame]:
    """``small_world`` and Eve, so that every built-in report has rows."""
    world = small_world()
    eve = table("customers", [{**EVE, "active": False, "onHold": True}])
    world["customers"] = pd.concat([world["customers"], eve], ignore_index=True)
    return world


@pytest.fixture(scope="module")
def world_engine():
    with ReportEngine(saved_world()) as engine:
        yield engine


def run_builtin(engine: ReportEngine, name: str, **params: str) -> pd.DataFrame:
    report = find_report(name, None)
    values = {p: params.get(p, PARAMETERS[p]) for p in report.parameters}
    return engine.run(report.sql, values).frame


def test_header_comments_describe_the_report_and_the_query_follows():
    text = (
        "-- title: Customers per country\n"
        "--description: How many customers\n"
        "-- description: each country has.\n"
        "-- just a note\n"
        "\n"
        "-- chart: bar x=country y=customers\n"
        "SELECT country, count(*) AS customers FROM customer_360\n"
        "-- title: not a header any more\n"
        "WHERE segmentCount >= $least GROUP BY country\n"
    )
    report = parse_report("per_country", text, path=Path("per_country.sql"))
    assert report.title == "Customers per country"
    assert report.description == "How many customers each country has."
    assert report.chart == ChartSpec("bar", "country", "customers")
    assert report.parameters == ("least",)
    assert report.sql.startswith("SELECT country") and report.sql.endswith("GROUP BY country")
    assert "not a header any more" in report.sql
    assert report.problem is None and not report.builtin


def test_a_report_without_header_is_titled_after_its_name():
    report = parse_report("b2b_signups-2024", "SELECT 1")
    assert report.title == "B2B signups 2024"
    assert report.description == "" and report.chart is None and report.parameters == ()


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("r", "-- chart: donut x=a\nSELECT 1", "chart: the kind must be one of"),
        ("r", "-- chart: bar x\nSELECT 1", "chart: 'x' is not x=..., y=... or color=..."),
        ("r", "-- title: nothing else\n", "the file holds no query"),
        ("my report", "SELECT 1", "'my report' is not a valid report name"),
    ],
)
def test_a_broken_report_is_still_listed_with_its_problem(name, text, problem):
    report = parse_report(name, text)
    assert report.problem is not None and problem in report.problem
    assert report.chart is None


def test_there_are_at_least_six_builtin_reports_with_titles_and_no_problems():
    reports = builtin_reports()
    assert len(reports) >= 6
    assert {
        "b2b_customers_without_segment",
        "customers_per_country_and_segment",
        "segment_overlap",
        "contact_types_per_company",
        "signups_per_month_by_business_model",
    } <= BUILTIN_NAMES
    for report in reports:
        assert report.builtin and report.problem is None, report.name
        assert report.title and report.description, report.name
        assert report.path is not None and report.path.name == f"{report.name}.sql"
        assert set(report.parameters) <= PARAMETERS.keys(), report.name


def test_builtin_reports_ship_inside_the_package():
    package = Path(emporix_data.reports.__file__).parent
    for report in builtin_reports():
        assert report.path is not None and report.path.parent == package / "builtin"


@pytest.mark.parametrize("name", sorted(BUILTIN_NAMES))
def test_every_builtin_report_runs_on_empty_tables(name):
    with ReportEngine({}) as engine:
        frame = run_builtin(engine, name)
    assert frame.empty


@pytest.mark.parametrize("name", sorted(BUILTIN_NAMES))
def test_every_builtin_chart_names_columns_of_its_result(world_engine, name):
    report = find_report(name, None)
    frame = run_builtin(world_engine, name)
    assert not frame.empty, name
    chart = chart_for(frame, report.chart)
    assert chart.problem is None
    assert set(chart.columns) <= set(frame.columns)


@pytest.mark.parametrize("name", sorted(BUILTIN_NAMES))
def test_every_builtin_report_gives_the_same_on_only_the_tables_it_needs(world_engine, name):
    """What the CLI does: load only ``tables_needed``, run on those."""
    needed = tables_needed(find_report(name, None).sql)
    assert needed, name
    world = saved_world()
    with ReportEngine({name: world[name] for name in needed}) as engine:
        alone = run_builtin(engine, name)
    pd.testing.assert_frame_equal(alone, run_builtin(world_engine, name))


def test_b2b_customers_without_segment_of_a_legal_entity(world_engine):
    by_id = run_builtin(world_engine, "b2b_customers_without_segment", legal_entity="LE1")
    assert by_id[["customerNumber", "legalEntity", "contactTypes"]].values.tolist() == [
        ["C2", "Acme GmbH", "PRIMARY"]
    ]
    by_name = run_builtin(world_engine, "b2b_customers_without_segment", legal_entity="Beta, Inc.")
    assert by_name["customerNumber"].tolist() == ["C2"]
    every = run_builtin(world_engine, "b2b_customers_without_segment")
    assert every["legalEntity"].tolist() == ["Acme GmbH", "Beta, Inc."]


def test_customers_per_country_and_segment_counts_the_unsegmented_too(world_engine):
    frame = run_builtin(world_engine, "customers_per_country_and_segment")
    counts = {(r.country, r.segment): r.customers for r in frame.itertuples()}
    assert counts == {
        ("(no country)", "(no segment)"): 3,
        ("(no country)", "VIP"): 2,
        ("(no country)", "Newsletter"): 1,
    }


def test_segment_overlap_is_a_symmetric_matrix_of_customers_shared_by_two_segments(
    world_engine,
):
    frame = run_builtin(world_engine, "segment_overlap")
    cells = {(r.segment, r.otherSegment): r.customers for r in frame.itertuples()}
    assert cells == {("Newsletter", "VIP"): 1, ("VIP", "Newsletter"): 1}


def test_contact_types_per_company_and_signups_per_month(world_engine):
    types = run_builtin(world_engine, "contact_types_per_company")
    assert types.values.tolist() == [
        ["Acme GmbH", "BILLING", 1],
        ["Acme GmbH", "LOGISTICS", 1],
        ["Acme GmbH", "PRIMARY", 1],
        ["Beta, Inc.", "BILLING", 1],
    ]
    signups = run_builtin(world_engine, "signups_per_month_by_business_model")
    months = signups.assign(month=signups["month"].dt.strftime("%Y-%m"))
    assert months.values.tolist() == [
        ["2024-01", "B2B", 1],
        ["2024-01", "B2C", 1],
        ["2024-02", "B2B", 1],
    ]


def test_segment_sizes_groups_and_finding_customers(world_engine):
    sizes = run_builtin(world_engine, "segment_sizes")
    assert sizes.values.tolist() == [["VIP", 2, 1], ["Newsletter", 1, 0]]
    groups = run_builtin(world_engine, "customers_per_group")
    assert groups.values.tolist() == [["(no group)", 3], ["gold", 1], ["silver", 1]]
    found = run_builtin(world_engine, "find_customers", search="ACME")
    assert found["customerNumber"].tolist() == ["C2", "C3"]
    assert found["segmentNames"].tolist()[1] == "VIP"


def test_user_reports_are_listed_with_the_builtins_and_replace_namesakes(tmp_path):
    (tmp_path / "segment_sizes.sql").write_text("-- title: My sizes\nSELECT 1 AS one\n")
    (tmp_path / "mine.sql").write_text("SELECT * FROM segments WHERE id = $segment\n")
    (tmp_path / "notes.txt").write_text("not a report")
    reports = {report.name: report for report in list_reports(tmp_path)}
    assert set(reports) == BUILTIN_NAMES | {"mine"}
    assert reports["segment_sizes"].title == "My sizes" and not reports["segment_sizes"].builtin
    assert reports["mine"].parameters == ("segment",)
    assert reports["segment_overlap"].builtin
    assert [r.name for r in list_reports(tmp_path)] == sorted(reports)


def test_a_missing_user_directory_lists_the_builtins():
    assert {r.name for r in list_reports(Path("/nonexistent/reports"))} == BUILTIN_NAMES


def test_an_unreadable_user_report_is_listed_with_its_problem(tmp_path):
    (tmp_path / "latin.sql").write_bytes(b"SELECT '\xe9'")
    report = find_report("latin", tmp_path)
    assert report.problem is not None and "utf-8" in report.problem


def test_an_unknown_report_names_the_known_ones(tmp_path):
    with pytest.raises(ReportError, match=r"^No report named nope: the reports are .*segment_"):
        find_report("nope", tmp_path)


def test_saving_writes_a_plain_file_that_reads_back_the_same(tmp_path):
    folder = tmp_path / "reports"
    saved = save_report(
        folder,
        "vip_by_country",
        "SELECT country, count(*) AS customers\nFROM customer_360\nWHERE $segment = ''\n",
        title="VIP customers by country",
        description="Where they live.",
        chart="bar x=country y=customers",
    )
    text = (folder / "vip_by_country.sql").read_text()
    assert text.splitlines()[:3] == [
        "-- title: VIP customers by country",
        "-- description: Where they live.",
        "-- chart: bar x=country y=customers",
    ]
    assert saved.path == folder / "vip_by_country.sql"
    assert saved.parameters == ("segment",) and saved.chart == ChartSpec(
        "bar", "country", "customers"
    )
    assert find_report("vip_by_country", folder) == saved


def test_chart_columns_with_spaces_survive_the_round_trip(tmp_path):
    save_report(tmp_path, "spaced", "SELECT 1", chart='bar x="created at" y=n')
    assert find_report("spaced", tmp_path).chart == ChartSpec("bar", "created at", "n")


def test_saving_does_not_overwrite_unless_asked(tmp_path):
    save_report(tmp_path, "mine", "SELECT 1")
    with pytest.raises(ReportError, match=r"^A report named mine exists already"):
        save_report(tmp_path, "mine", "SELECT 2")
    assert find_report("mine", tmp_path).sql == "SELECT 1"
    save_report(tmp_path, "mine", "SELECT 2", overwrite=True)
    assert find_report("mine", tmp_path).sql == "SELECT 2"


def test_saving_a_builtins_name_makes_a_user_copy_in_its_place(tmp_path):
    save_report(tmp_path, "segment_sizes", "SELECT 1 AS n", title="Mine")
    report = find_report("segment_sizes", tmp_path)
    assert not report.builtin and report.title == "Mine"


@pytest.mark.parametrize(
    "name",
    ["", "../evil", "a/b", "a\\b", ".hidden", "x.sql", "-dash", "a b", "é", "a" * 65, "a\n"],
)
def test_report_names_cannot_be_paths_or_tricks(tmp_path, name):
    with pytest.raises(ReportError, match="is not a report name"):
        save_report(tmp_path / "reports", name, "SELECT 1")
    with pytest.raises(ReportError):
        check_name(name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sql": "  "}, "A report needs a query"),
        ({"title": "two\nlines"}, "Title, description and chart are one line each"),
        ({"chart": "bar x=a\n-- evil: 1"}, "Title, description and chart are one line each"),
        ({"chart": "pie chart"}, "chart: 'chart' is not x=..., y=... or color=..."),
    ],
)
def test_saving_checks_the_query_and_the_header_lines(tmp_path, fields, message):
    arguments = {"sql": "SELECT 1", **fields}
    with pytest.raises(ReportError, match="^" + message.replace(".", r"\.")):
        save_report(tmp_path, "mine", **arguments)
    assert list(tmp_path.iterdir()) == []

"""The Overview's figures and the reports its tiles link to tell the same story."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data import insights
from emporix_data.reports import ReportEngine, find_report
from emporix_data.reports.saved import builtin_reports
from tests.unit.test_reports_saved import saved_world


@pytest.fixture(scope="module")
def world():
    return saved_world()


@pytest.fixture(scope="module")
def engine(world):
    with ReportEngine(world) as engine:
        yield engine


def rows(engine: ReportEngine, name: str) -> pd.DataFrame:
    return engine.run(find_report(name, None).sql).frame


def figures(world: dict[str, pd.DataFrame]) -> insights.Kpis:
    return insights.kpis(
        world["customers"], world["contact_assignments"], world["segment_memberships"]
    )


def test_every_overview_figure_links_to_a_builtin_report():
    builtin = {report.name for report in builtin_reports()}
    assert set(insights.OVERVIEW_REPORTS.values()) <= builtin


def test_the_gap_tiles_count_the_rows_of_their_reports(world, engine):
    kpis = figures(world)
    without_contact = rows(engine, insights.OVERVIEW_REPORTS["b2b_without_contact"])
    assert without_contact["customerNumber"].tolist() == ["C5"]
    assert kpis.b2b_without_contact == len(without_contact)
    without_segment = rows(engine, insights.OVERVIEW_REPORTS["without_segment"])
    assert without_segment["customerNumber"].tolist() == ["C2", "C4", "C5"]
    assert kpis.without_segment == len(without_segment)


def test_the_status_report_counts_as_the_status_chart(world, engine):
    report = rows(engine, insights.OVERVIEW_REPORTS["customers"])
    chart = insights.customers_by_model_and_status(world["customers"])
    as_set = {tuple(row) for row in report[["businessModel", "status", "customers"]].values}
    assert as_set == {tuple(row) for row in chart[["businessModel", "status", "customers"]].values}
    assert ("B2B", "on hold", 1) in as_set and int(report["customers"].sum()) == 5

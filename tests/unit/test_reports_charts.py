"""Which chart a result gets, and axis titles in words."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.reports.charts import (
    MAX_GROUPS,
    NO_CHART,
    ChartSpec,
    chart_for,
    parse_chart_line,
    words,
)
from emporix_data.reports.errors import ReportError


def text(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def months(count: int) -> pd.Series:
    return pd.Series(pd.date_range("2024-01-01", periods=count, freq="MS"))


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("customerCount", "Customer count"),
        ("createdAtMonth", "Created at month"),
        ("segment_name", "Segment name"),
        ("b2bCustomers", "B2B customers"),
        ("legalEntityIds", "Legal entity IDs"),
        ("mixins.loyalty.tier", "Mixins loyalty tier"),
        ("country", "Country"),
        ("VAT", "VAT"),
        ("signups-per-month", "Signups per month"),
    ],
)
def test_column_names_become_words(name, title):
    assert words(name) == title


def test_a_text_and_a_number_make_a_bar_chart():
    frame = pd.DataFrame({"country": text("DE", "FR"), "customers": [3, 1]})
    chart = chart_for(frame)
    assert chart == ChartSpec("bar", "country", "customers")
    assert (chart.x_title, chart.y_title, chart.color_title) == ("Country", "Customers", "")


def test_a_date_and_a_number_make_a_line_chart():
    frame = pd.DataFrame({"month": months(3), "signups": [1.0, 2.5, 2.0]})
    assert chart_for(frame) == ChartSpec("line", "month", "signups")


def test_a_date_a_text_and_a_number_make_one_line_per_text():
    frame = pd.DataFrame(
        {"month": months(2), "businessModel": text("B2B", "B2C"), "customers": [1, 2]}
    )
    chart = chart_for(frame)
    assert chart == ChartSpec("line", "month", "customers", "businessModel")
    assert chart.color_title == "Business model"


def test_two_texts_and_a_number_make_a_grouped_bar_chart_or_with_many_groups_a_heatmap():
    few = pd.DataFrame(
        {"company": text("A", "A", "B"), "contactType": text("PRIMARY", "BILLING", "PRIMARY")}
    ).assign(contacts=[1, 2, 3])
    assert chart_for(few) == ChartSpec("bar", "company", "contacts", "contactType")
    names = [f"Segment {n}" for n in range(MAX_GROUPS + 1)]
    many = pd.DataFrame({"segment": text(*names), "other": text(*names), "customers": 1})
    assert chart_for(many) == ChartSpec("heatmap", "segment", "other", "customers")


def test_segments_are_charted_by_name_when_both_id_and_name_are_there():
    frame = pd.DataFrame(
        {"segmentId": text("S1", "S2"), "segmentName": text("VIP", "News"), "customers": [2, 1]}
    )
    assert chart_for(frame) == ChartSpec("bar", "segmentName", "customers")
    ids_only = frame.drop(columns="segmentName")
    assert chart_for(ids_only) == ChartSpec("bar", "segmentId", "customers")


def test_booleans_are_categories_not_numbers():
    frame = pd.DataFrame({"active": pd.array([True, False], dtype="boolean"), "n": [3, 1]})
    assert chart_for(frame) == ChartSpec("bar", "active", "n")


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": text("x"), "n": [1], "m": [2]}),  # two numbers
        pd.DataFrame({"a": text("x"), "b": text("y"), "c": text("z"), "n": [1]}),
        pd.DataFrame({"a": text("x"), "b": text("y")}),  # no number
        pd.DataFrame({"n": [1, 2]}),
        pd.DataFrame({"month": months(1), "other": months(1), "n": [1]}),
        pd.DataFrame({"ids": pd.Series([["S1"], ["S2"]]), "n": [1, 2]}),  # lists
        pd.DataFrame({"a": pd.Series([], dtype="string"), "n": pd.Series([], dtype="Int64")}),
    ],
)
def test_other_shapes_get_no_chart(frame):
    assert chart_for(frame) == NO_CHART


def test_a_declared_chart_wins_over_the_shape():
    frame = pd.DataFrame({"segment": text("VIP", "News"), "customers": [2, 1]})
    declared = ChartSpec("pie", "segment", "customers")
    assert chart_for(frame, declared) == declared
    assert chart_for(frame, NO_CHART) == NO_CHART


def test_a_declared_chart_naming_columns_not_in_the_result_says_so():
    frame = pd.DataFrame({"segment": text("VIP"), "customers": [2]})
    chart = chart_for(frame, ChartSpec("bar", "country", "customers", "tier"))
    assert chart.kind == "none"
    assert chart.problem == "chart: no column country, tier in the result"


def test_chart_lines_are_parsed():
    assert parse_chart_line("bar x=country y=customers color=segment") == ChartSpec(
        "bar", "country", "customers", "segment"
    )
    assert parse_chart_line('line x="created at" y=n') == ChartSpec("line", "created at", "n")
    assert parse_chart_line("none") == NO_CHART


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "chart: the kind must be one of bar, line, pie, heatmap, none"),
        ("donut x=a", "chart: the kind must be one of"),
        ("bar x=", "chart: 'x=' is not x=..., y=... or color=..."),
        ("bar size=3", "chart: 'size=3' is not x=..., y=... or color=..."),
        ('bar x="open', "chart: No closing quotation"),
    ],
)
def test_bad_chart_lines_say_what_is_wrong(line, message):
    with pytest.raises(ReportError) as caught:
        parse_chart_line(line)
    assert str(caught.value).startswith(message)

"""The report builder: a typed spec -> SQL with quoted names and parameters, and its results."""

from __future__ import annotations

import pandas as pd
import pytest

from emporix_data.reports.builder import (
    BuiltQuery,
    Dimension,
    Filter,
    Measure,
    QuerySpec,
    build_query,
)
from emporix_data.reports.engine import ReportEngine
from emporix_data.reports.errors import ReportError
from tests.unit.test_reports_customer_360 import small_world


@pytest.fixture(scope="module")
def engine():
    with ReportEngine(small_world()) as engine:
        yield engine


def built(engine: ReportEngine, spec: QuerySpec) -> BuiltQuery:
    return build_query(spec, engine.column_types(spec.table))


def rows(engine: ReportEngine, spec: QuerySpec) -> list[list[object]]:
    query = built(engine, spec)
    frame = engine.run(query.sql, query.params).frame
    return [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()]


def test_a_count_per_dimension_is_the_default_measure_largest_first(engine):
    spec = QuerySpec("customers", dimensions=(Dimension("company"),))
    query = built(engine, spec)
    assert query.sql == (
        'SELECT "company", count(*) AS "count"\n'
        'FROM "customers"\n'
        "GROUP BY 1\n"
        'ORDER BY "count" DESC, "company"'
    )
    assert query.params == {}
    assert rows(engine, spec) == [["Acme", 2], [None, 2]]


def test_dates_group_by_month_in_time_order(engine):
    spec = QuerySpec(
        "customers",
        dimensions=(Dimension("createdAt", "month"), Dimension("businessModel")),
        measures=(Measure("count_distinct", "customerNumber"),),
    )
    query = built(engine, spec)
    assert 'CAST(date_trunc(\'month\', "createdAt") AS DATE) AS "createdAtMonth"' in query.sql
    assert 'count(DISTINCT "customerNumber") AS "distinctCustomerNumber"' in query.sql
    assert query.sql.endswith('ORDER BY "createdAtMonth", "businessModel"')
    result = engine.run(query.sql).frame
    months = result["createdAtMonth"].dt.strftime("%Y-%m").fillna("none").tolist()
    assert months == ["2024-01", "2024-01", "2024-02", "none"]
    assert result["distinctCustomerNumber"].tolist() == [1, 1, 1, 1]


def test_sum_avg_min_max_of_numbers(engine):
    spec = QuerySpec(
        "customer_360",
        dimensions=(Dimension("businessModel"),),
        measures=(
            Measure("sum", "segmentCount"),
            Measure("avg", "segmentCount"),
            Measure("max", "segmentCount"),
            Measure("min", "createdAt"),
        ),
        filters=(Filter("businessModel", "is not empty"),),
    )
    result = rows(engine, spec)
    assert [row[:4] for row in result] == [["B2C", 2, 2.0, 2], ["B2B", 1, 0.5, 1]]
    assert result[1][4] == pd.Timestamp("2024-01-31T23:30:00Z")


def test_filter_values_are_parameters_never_pasted(engine):
    evil = "x' OR '1'='1"
    spec = QuerySpec("customers", filters=(Filter("firstName", "=", evil),))
    query = built(engine, spec)
    assert evil not in query.sql
    assert query.sql == 'SELECT *\nFROM "customers"\nWHERE "firstName" = CAST($p1 AS VARCHAR)'
    assert query.params == {"p1": evil}
    assert rows(engine, spec) == []


@pytest.mark.parametrize(
    ("filters", "numbers"),
    [
        ((Filter("firstName", "contains", "A"),), ["C1"]),
        ((Filter("contactEmail", "contains", "ACME"),), ["C2", "C3"]),
        ((Filter("customerNumber", "in", ["C1", "C4", "C9"]),), ["C1", "C4"]),
        ((Filter("customerNumber", "!=", "C1"),), ["C2", "C3", "C4"]),
        ((Filter("createdAt", ">=", "2024-01-31"),), ["C2", "C3"]),
        ((Filter("createdAt", "<", "2024-01-31"),), ["C1"]),
        ((Filter("createdAt", "is empty"),), ["C4"]),
        ((Filter("active", "=", "false"),), ["C3"]),
        ((Filter("segmentCount", ">", 0),), ["C1", "C3"]),
        ((Filter("segmentIds", "contains", "S2"),), ["C1"]),
        ((Filter("legalEntityIds", "is empty"),), ["C1", "C4"]),
        ((Filter("legalEntityIds", "is not empty"),), ["C2", "C3"]),
        ((Filter("company", "=", "Acme"), Filter("contactTypes", "contains", "primary")), ["C2"]),
    ],
)
def test_filters(engine, filters, numbers):
    spec = QuerySpec(
        "customer_360",
        dimensions=(Dimension("customerNumber"),),
        filters=filters,
    )
    assert sorted(row[0] for row in rows(engine, spec)) == numbers


def test_several_filters_get_their_own_parameters(engine):
    spec = QuerySpec(
        "customers",
        filters=(Filter("company", "=", "Acme"), Filter("customerNumber", "in", ("C3", "C4"))),
        limit=10,
    )
    query = built(engine, spec)
    assert query.params == {"p1": "Acme", "p2": ["C3", "C4"]}
    assert '\n  AND list_contains(CAST($p2 AS VARCHAR[]), "customerNumber")' in query.sql
    assert query.sql.endswith("LIMIT 10")
    assert [row[0] for row in rows(engine, spec)] == ["C3"]


def test_measures_without_dimensions_give_one_row(engine):
    spec = QuerySpec("segment_memberships", measures=(Measure("count"),))
    assert rows(engine, spec) == [[3]]


def test_names_with_odd_characters_are_quoted():
    columns = {'mixins.tier "gold"': "VARCHAR"}
    spec = QuerySpec("customers", dimensions=(Dimension('mixins.tier "gold"'),))
    assert build_query(spec, columns).sql.startswith('SELECT "mixins.tier ""gold"""')


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (QuerySpec("orders"), "Unknown table orders: the tables are customers, "),
        (QuerySpec("customers", (Dimension("nope"),)), "Unknown column nope: the columns are "),
        (
            QuerySpec("customers", (Dimension("company", "month"),)),
            "company is not a date: it cannot be grouped by month",
        ),
        (
            QuerySpec("customers", measures=(Measure("sum", "company"),)),
            "company is not a number: it has no sum",
        ),
        (QuerySpec("customers", measures=(Measure("avg"),)), "avg needs a column"),
        (
            QuerySpec("customers", filters=(Filter("company", "="),)),
            "The filter on company needs a value",
        ),
        (
            QuerySpec("customers", filters=(Filter("company", "in", "Acme"),)),
            "The filter company in ... needs a list of values",
        ),
        (
            QuerySpec("customer_360", filters=(Filter("segmentIds", "=", "S1"),)),
            "segmentIds is a list: filter it with contains or is empty",
        ),
        (
            QuerySpec("customers", measures=(Measure("count"), Measure("count"))),
            "The builder has count more than once",
        ),
        (QuerySpec("customers", limit=0), "The row limit must be at least 1"),
    ],
)
def test_specs_that_cannot_be_built_say_why_in_one_line(engine, spec, message):
    columns = engine.column_types("customer_360" if spec.table == "customer_360" else "customers")
    with pytest.raises(ReportError) as caught:
        build_query(spec, columns)
    assert str(caught.value).startswith(message)


def test_a_value_that_does_not_fit_the_column_fails_when_run(engine):
    spec = QuerySpec("customers", filters=(Filter("createdAt", ">", "yesterday"),))
    query = built(engine, spec)
    with pytest.raises(ReportError, match=r"^Conversion Error"):
        engine.run(query.sql, query.params)

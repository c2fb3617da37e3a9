"""The report engine: locked down, one-line errors, parameters, time limit, results."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from emporix_data.reports.catalog import QUERYABLE, TABLE_SCHEMAS
from emporix_data.reports.engine import ReportEngine, arrow_table, locked_connection
from emporix_data.reports.errors import (
    REFUSED_ACCESS,
    REFUSED_SETTING,
    ReportError,
    report_error,
)
from tests.unit.test_reports_customer_360 import small_world

SLOW_QUERY = "SELECT count(*) FROM range(100000) a, range(100000) b WHERE a.range + b.range < 0"


@pytest.fixture(scope="module")
def engine():
    with ReportEngine(small_world()) as engine:
        yield engine


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    path = tmp_path / "marker.csv"
    path.write_text("secret\ntop-secret-value\n")
    return path


def refused(engine: ReportEngine, sql: str) -> str:
    with pytest.raises(ReportError) as caught:
        engine.run(sql)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * FROM read_csv('{marker}')",
        "SELECT * FROM '{marker}'",
        "SELECT * FROM read_text('{marker}')",
        "SELECT * FROM sniff_csv('{marker}')",
        "SELECT * FROM glob('{folder}/*')",
        "SELECT * FROM customers WHERE customerNumber IN (SELECT * FROM read_csv('{marker}'))",
    ],
)
def test_reading_files_is_refused_and_nothing_of_them_is_shown(engine, marker, template):
    message = refused(engine, template.format(marker=marker, folder=marker.parent))
    assert message.startswith(REFUSED_ACCESS)
    assert "top-secret-value" not in message


def test_urls_are_refused(engine):
    message = refused(engine, "SELECT * FROM read_csv('https://example.com/data.csv')")
    assert message.startswith(REFUSED_ACCESS)


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("COPY (SELECT 1) TO '{folder}/x.csv'", "COPY"),
        ("COPY customers TO '{folder}/x.csv'", "COPY"),
        ("COPY customers FROM '{folder}/marker.csv'", "COPY"),
        ("ATTACH '{folder}/x.db' AS other", "ATTACH"),
        ("EXPORT DATABASE '{folder}/x'", "EXPORT"),
        ("INSTALL httpfs", "INSTALL"),
        ("LOAD httpfs", "LOAD"),
        ("SET threads = 1", "SET"),
        ("RESET threads", "RESET"),
        ("SET enable_external_access = true", "SET"),
        ("PRAGMA threads = 1", "PRAGMA"),
        ("PRAGMA version", "PRAGMA"),
        ("CREATE TABLE x AS SELECT 1", "CREATE"),
        ("DROP VIEW customer_360", "DROP"),
        ("INSERT INTO customers (customerNumber) VALUES ('X')", "INSERT"),
        ("CALL pragma_version()", "CALL"),
        ("EXPLAIN ANALYZE COPY (SELECT 1) TO '{folder}/x.csv'", "EXPLAIN"),
        ("SELECT 1; COPY (SELECT 1) TO '{folder}/x.csv'", None),
    ],
)
def test_statements_other_than_one_select_are_refused_and_write_nothing(
    engine, marker, template, kind
):
    folder = marker.parent
    message = refused(engine, template.format(folder=folder))
    if kind:
        assert message == f"Refused: a report runs one SELECT query, not {kind}"
    else:
        assert message == "A report is one query; this text holds 2"
    assert sorted(path.name for path in folder.iterdir()) == ["marker.csv"]
    assert len(engine.run("SELECT * FROM customer_360").frame) == 4


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("COPY (SELECT 1) TO '{folder}/x.csv'", duckdb.PermissionException),
        ("ATTACH '{folder}/x.db' AS other", duckdb.PermissionException),
        ("EXPORT DATABASE '{folder}/x'", duckdb.PermissionException),
        ("INSTALL httpfs", duckdb.PermissionException),
        ("LOAD httpfs", duckdb.PermissionException),
        ("CREATE SECRET (TYPE s3)", duckdb.PermissionException),
        ("SET threads = 1", duckdb.InvalidInputException),
        ("SET enable_external_access = true", duckdb.InvalidInputException),
        ("SET lock_configuration = false", duckdb.InvalidInputException),
        ("SET python_enable_replacements = true", duckdb.InvalidInputException),
    ],
)
def test_the_connection_itself_refuses_files_extensions_and_settings(marker, template, error):
    """The second line of defence: DuckDB's own settings, without the SELECT check."""
    tables = {name: arrow_table(schema.empty_frame()) for name, schema in TABLE_SCHEMAS.items()}
    connection = locked_connection(tables)
    with pytest.raises(error):
        connection.execute(template.format(folder=marker.parent))
    assert sorted(path.name for path in marker.parent.iterdir()) == ["marker.csv"]


def test_the_lock_down_settings_are_in_force(engine):
    settings = engine.run(
        "SELECT current_setting('enable_external_access') AS external,"
        " current_setting('lock_configuration') AS locked,"
        " current_setting('TimeZone') AS zone"
    ).frame
    assert settings.to_dict("records") == [{"external": False, "locked": True, "zone": "UTC"}]


def test_a_locked_setting_reads_as_one_clear_line():
    error = duckdb.InvalidInputException(
        'Invalid Input Error: Cannot change configuration option "threads"'
        " - the configuration has been locked"
    )
    assert str(report_error(error)) == REFUSED_SETTING


def test_python_variables_are_not_tables(engine):
    secret_frame = pd.DataFrame({"secret": ["top-secret-value"]})
    message = refused(engine, "SELECT * FROM secret_frame")
    assert message.startswith("Unknown table secret_frame")
    assert not secret_frame.empty


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("selec 1", 'Syntax error at or near "selec" at line 1'),
        ("SELECT 1\nFROM customers\nWHERE", 'Syntax error at or near "WHERE" at line 3'),
        ("SELECT nope FROM customers", 'Referenced column "nope" not found in FROM clause'),
        (
            "SELECT * FROM customer",
            "Unknown table customer: the tables are " + ", ".join(QUERYABLE),
        ),
        ("SELECT strftme(createdAt, '%Y') FROM customers", 'did you mean "strftime"?'),
        ("SELECT CAST('x' AS INTEGER)", "Conversion Error"),
        ("", "The query is empty"),
        ("-- only a comment", "The query is empty"),
    ],
)
def test_errors_are_one_line_naming_the_problem(engine, sql, expected):
    message = refused(engine, sql)
    assert expected in message
    assert "Traceback" not in message and "LINE" not in message


def test_an_unknown_column_suggests_a_close_one(engine):
    message = refused(engine, "SELECT firstNme FROM customers")
    assert message.startswith('Binder Error: Referenced column "firstNme" not found')
    assert message.endswith('(did you mean "firstName"?)')


def test_named_parameters_are_values_never_sql(engine):
    count = "SELECT count(*) AS n FROM customer_360 WHERE list_contains(segmentIds, $segment)"
    assert engine.run(count, {"segment": "S1"}).frame["n"].tolist() == [2]
    injected = "SELECT count(*) AS n FROM customers WHERE customerNumber = $number"
    assert engine.run(injected, {"number": "x' OR '1'='1"}).frame["n"].tolist() == [0]


def test_text_parameters_compare_with_dates_and_numbers(engine):
    since = "SELECT customerNumber FROM customers WHERE createdAt >= $since"
    assert engine.run(since, {"since": "2024-02-01"}).frame["customerNumber"].tolist() == ["C3"]
    counted = "SELECT count(*) AS n FROM customer_360 WHERE segmentCount >= $least"
    assert engine.run(counted, {"least": "1"}).frame["n"].tolist() == [2]


def test_missing_and_unknown_parameters_are_named(engine):
    sql = "SELECT * FROM segments WHERE id = $segment"
    assert refused(engine, sql) == "Missing value for parameter $segment"
    with pytest.raises(ReportError, match=r"^The query has no parameter \$sgment$"):
        engine.run(sql, {"segment": "S1", "sgment": "S2"})


def test_a_query_over_the_time_limit_is_stopped_and_the_engine_still_works():
    with ReportEngine(small_world(), time_limit_s=0.2) as engine:
        with pytest.raises(ReportError) as caught:
            engine.run(SLOW_QUERY)
        assert str(caught.value) == "Stopped: the query ran longer than the 0.2 s limit"
        assert engine.run("SELECT 42 AS answer").frame["answer"].tolist() == [42]


def test_the_display_cap_keeps_the_whole_result():
    with ReportEngine({}, display_rows=3) as engine:
        capped = engine.run("SELECT range AS n FROM range(5)")
        small = engine.run("SELECT range AS n FROM range(3)")
    assert capped.capped and len(capped.frame) == 5 and capped.shown["n"].tolist() == [0, 1, 2]
    assert not small.capped and len(small.shown) == 3
    assert capped.elapsed_s >= 0


def test_results_have_the_dashboards_dtypes(engine):
    frame = engine.run(
        "SELECT customerNumber, active, createdAt, segmentCount, count(*) OVER () AS total,"
        " sum(segmentCount) OVER () AS members, 1.5 AS half,"
        " CAST(date_trunc('month', createdAt) AS DATE) AS month"
        " FROM customer_360 ORDER BY customerNumber"
    ).frame
    assert frame["active"].dtype == "boolean"
    assert frame["segmentCount"].dtype == "Int64" and frame["total"].dtype == "Int64"
    assert frame["members"].tolist() == [3] * 4 and frame["members"].dtype == "Int64"
    assert frame["half"].tolist() == [1.5] * 4
    assert str(frame["createdAt"].dt.tz) == "UTC"
    assert pd.api.types.is_datetime64_any_dtype(frame["month"])
    assert frame["month"].dt.strftime("%Y-%m").tolist()[:3] == ["2024-01", "2024-01", "2024-02"]


def test_a_result_pandas_cannot_hold_is_one_line_too(engine):
    message = refused(engine, "SELECT union_value(k := 1) AS u")
    assert message.startswith("The result cannot be shown as a table: ")


def test_months_are_cut_in_utc(engine):
    """Bob signed up 2024-01-31 23:30 UTC: January, whatever the machine's time zone."""
    month = engine.run(
        "SELECT CAST(date_trunc('month', createdAt) AS DATE) AS m FROM customers"
        " WHERE customerNumber = 'C2'"
    ).frame["m"]
    assert month.dt.strftime("%Y-%m").tolist() == ["2024-01"]


def test_tables_not_loaded_are_empty_with_their_columns():
    with ReportEngine({"segments": small_world()["segments"]}) as engine:
        assert engine.loaded == frozenset({"segments"})
        assert len(engine.run("SELECT * FROM segments").frame) == 2
        customers = engine.run("SELECT * FROM customers").frame
    assert customers.empty and list(customers) == TABLE_SCHEMAS["customers"].names


def test_unknown_table_names_are_refused():
    with pytest.raises(ValueError, match="no report table named contact-assignments"):
        ReportEngine({"contact-assignments": pd.DataFrame()})
    with ReportEngine({}) as engine, pytest.raises(ReportError, match=r"^Unknown table nope"):
        engine.column_types("nope")


def test_text_columns_are_registered_without_a_copy():
    frame = small_world()["customers"]
    table = arrow_table(frame)
    source = frame["firstName"].array.__arrow_array__()
    registered = table.column("firstName")
    assert registered.num_chunks == source.num_chunks
    assert registered.chunk(0).buffers()[2].address == source.chunk(0).buffers()[2].address


def test_columns_arrow_cannot_type_are_registered_as_text():
    frame = pd.DataFrame({"mixed": pd.Series([1, "a", None], dtype=object), "n": [1, 2, 3]})
    table = arrow_table(frame)
    assert table.schema.field("mixed").type in (pa.string(), pa.large_string())
    assert table.column("mixed").to_pylist() == ["1", "a", None]
    assert table.schema.field("n").type == pa.int64()

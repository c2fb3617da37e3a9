"""What the CLI and the page add around the engine: parameters given as text, the check
before anything loads, result files, values written into SQL, segment names in charts,
and the engine kept while its frames are the same."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from emporix_data.reports import ChartSpec, ReportEngine, ReportError
from emporix_data.reports.catalog import QUERYABLE, inline_parameters
from emporix_data.reports.charts import segment_labels, with_segment_names
from emporix_data.reports.files import result_bytes
from emporix_data.reports.running import check_query, parse_parameters, table_columns
from emporix_data.reports.session import ReportSession
from tests.unit.test_reports_customer_360 import small_world


def test_parameters_are_name_value_pairs_given_as_text():
    assert parse_parameters(["segment=VIP", "since=2024-01-01", "$empty=", "q=a=b"]) == {
        "segment": "VIP",
        "since": "2024-01-01",
        "empty": "",
        "q": "a=b",
    }


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["segment"], "'segment' is not a parameter: write name=value"),
        (["1x=2"], "'1x=2' is not a parameter"),
        (["a=1", "a=2"], "The parameter a is given twice"),
    ],
)
def test_bad_parameters_are_refused_in_one_line(pairs, message):
    with pytest.raises(ReportError, match="^" + message):
        parse_parameters(pairs)


def test_text_parameters_are_cast_where_the_query_compares_them_with_a_typed_column():
    with ReportEngine(small_world()) as engine:
        sql = "SELECT customerNumber FROM customers WHERE createdAt >= $since ORDER BY 1"
        assert engine.run(sql, {"since": "2024-01-20"}).frame["customerNumber"].tolist() == [
            "C2",
            "C3",
        ]
        counted = engine.run("SELECT count(*) AS n FROM customers LIMIT $n", {"n": "1"})
        assert counted.frame["n"].tolist() == [4]


@pytest.mark.parametrize(
    ("sql", "params", "message"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", {}, "Refused: a report reads only"),
        ("COPY customers TO '/tmp/x.csv'", {}, "Refused: a report runs one SELECT query"),
        ("SELECT * FROM segments WHERE id = $segment", {}, "Missing value for parameter"),
        ("SELECT nope FROM customers", {}, "Binder Error"),
        ("SELEC 1", {}, "Syntax error"),
    ],
)
def test_a_query_is_checked_on_empty_tables_before_anything_loads(sql, params, message):
    with pytest.raises(ReportError, match=message):
        check_query(sql, params)


def test_a_good_query_passes_the_check():
    check_query("SELECT country, count(*) FROM customer_360 WHERE $a = '' GROUP BY 1", {"a": ""})


def test_every_table_and_its_columns_are_listed_without_loading():
    columns = table_columns()
    assert list(columns) == list(QUERYABLE)
    assert columns["customers"]["createdAt"] == "TIMESTAMP WITH TIME ZONE"
    assert columns["customer_360"]["segmentIds"] == "VARCHAR[]"


def result() -> pd.DataFrame:
    with ReportEngine(small_world()) as engine:
        return engine.run(
            "SELECT customerNumber, segmentIds, CAST(date_trunc('month', createdAt) AS DATE)"
            " AS month, {'n': 1} AS extra FROM customer_360 ORDER BY 1"
        ).frame


def test_csv_and_xlsx_hold_lists_as_text_and_json_dates_as_iso_text():
    frame = result()
    csv = pd.read_csv(io.BytesIO(result_bytes(frame, "csv")), dtype=str, keep_default_na=False)
    assert csv["segmentIds"].tolist() == ["S1; S2", "", "S1", ""]
    assert csv["month"].tolist() == ["2024-01-01", "2024-01-01", "2024-02-01", ""]
    assert csv["extra"].tolist()[0] == '{"n": 1}'
    sheet = openpyxl.load_workbook(io.BytesIO(result_bytes(frame, "xlsx"))).active
    assert [cell.value for cell in sheet["B"]][:2] == ["segmentIds", "S1; S2"]
    records = json.loads(result_bytes(frame, "json"))
    assert records[0]["segmentIds"] == ["S1", "S2"] and records[0]["month"] == "2024-01-01"
    assert records[3]["month"] is None
    parquet = pd.read_parquet(io.BytesIO(result_bytes(frame, "parquet")))
    assert list(parquet["segmentIds"].iloc[0]) == ["S1", "S2"]


def test_values_are_written_into_the_sql_as_literals_and_run_the_same():
    sql = "SELECT count(*) AS n FROM customers WHERE firstName = $p1 AND '$p1' <> $p2 -- $p1"
    params = {"p1": "O'Neil", "p2": "x"}
    written = inline_parameters(sql, params)
    assert written == (
        "SELECT count(*) AS n FROM customers WHERE firstName = 'O''Neil' AND '$p1' <> 'x' -- $p1"
    )
    assert inline_parameters("SELECT $a, $b", {"a": ["x", 1], "b": None}) == "SELECT ['x', 1], NULL"
    with ReportEngine(small_world()) as engine:
        assert engine.run(written).frame.equals(engine.run(sql, params).frame)


def test_charts_of_segment_ids_show_the_segments_names():
    frame = pd.DataFrame({"segmentId": ["S1", "S9"], "customers": [2, 1]})
    named, spec = with_segment_names(
        frame, ChartSpec("bar", "segmentId", "customers"), {"S1": "VIP"}
    )
    assert spec == ChartSpec("bar", "segment", "customers")
    assert named["segment"].tolist() == ["VIP", "S9"]
    both = frame.assign(segmentName=["VIP", "?"])
    kept = ChartSpec("bar", "segmentName", "customers")
    assert with_segment_names(both, kept, {"S1": "x"}) == (both, kept)


def test_segment_labels_keep_two_segments_of_one_name_apart():
    segments = pd.DataFrame({"id": ["a", "b", "c"], "name": ["VIP", "VIP", None]})
    assert segment_labels(segments) == {"a": "VIP (a)", "b": "VIP (b)", "c": "c"}


def test_the_session_keeps_its_engine_while_the_frames_are_the_same():
    world = small_world()
    session = ReportSession("demo")
    engine = session.engine_for(world)
    assert session.engine_for(dict(world)) is engine
    reloaded = {**world, "segments": world["segments"].copy()}
    other = session.engine_for(reloaded)
    assert other is not engine
    with pytest.raises(Exception, match="closed"):
        engine.run("SELECT 1")
    session.forget_tables()
    assert session.engine_for(reloaded) is not other


def test_customer_360_names_segments_from_the_segments_table_or_by_their_id():
    world = small_world()
    world["segments"] = pd.DataFrame(
        {"id": ["S1", "S1", "S2"], "name": ["VIP", "VIP", None]}, dtype="string"
    )
    world["segment_memberships"] = world["segment_memberships"].assign(
        segmentId=pd.Series(["S1", "S2", "S9"], dtype="string")
    )
    with ReportEngine(world) as engine:
        rows = engine.run(
            "SELECT customerNumber, segmentIds, segmentNames FROM customer_360 ORDER BY 1"
        ).frame
    assert [list(ids) for ids in rows["segmentIds"]] == [["S1", "S2"], [], ["S9"], []]
    assert rows["segmentNames"].fillna("-").tolist() == ["S2; VIP", "-", "S9", "-"]

"""Report files: formulas neutralised in spreadsheets, exact round trips, safe uploads."""

from __future__ import annotations

import csv
import io
import json
import tomllib

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

from emporix_data import export
from emporix_data.export import (
    FORMULA_STARTS,
    MAX_UPLOAD_BYTES,
    frame_bytes,
    neutralise_cell,
    read_table_file,
)
from tests.support import ROOT

DANGEROUS = [
    '=HYPERLINK("http://evil.example","click")',
    "+49 30 1234",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
TRICKY = ["'=already quoted", "''+1", "'plain quote", "'", "plain", "a=b", "ü=1"]


def text_frame(values: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"name": values}, dtype="string")


def csv_cells(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return [row[0] for row in rows[1:]]


def xlsx_cells(data: bytes) -> list[openpyxl.cell.Cell]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [row[0] for row in sheet.iter_rows(min_row=2)]


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_export_quotes_every_cell_a_spreadsheet_would_run_as_a_formula():
    cells = csv_cells(frame_bytes(text_frame(DANGEROUS), "csv"))
    assert cells == ["'" + value for value in DANGEROUS]


def test_xlsx_export_writes_text_as_string_cells_without_a_prefix():
    values = [v for v in DANGEROUS if "\r" not in v]  # XML stores no carriage return
    cells = xlsx_cells(frame_bytes(text_frame(values), "xlsx"))
    assert [cell.data_type for cell in cells] == ["s"] * len(values)
    assert [cell.value for cell in cells] == values


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_neutralised_cells_read_back_as_the_exact_original_text(fmt):
    # XML turns a stored CR into LF, so XLSX cannot carry a carriage return at all.
    values = [v for v in DANGEROUS + TRICKY if fmt == "csv" or "\r" not in v]
    back = read_table_file(frame_bytes(text_frame(values), fmt), fmt)
    assert back["name"].tolist() == values


def test_line_breaks_inside_a_csv_value_do_not_split_its_row():
    values = ["a\rb", "c\nd", "e\r\nf", "\r=1"]
    back = read_table_file(frame_bytes(text_frame(values), "csv"), "csv")
    assert back["name"].tolist() == values


@pytest.mark.parametrize(
    ("fmt", "written"), [("csv", ["''=x", "'plain"]), ("xlsx", ["'=x", "'plain"])]
)
def test_text_that_already_starts_with_a_quote_keeps_it_through_the_round_trip(fmt, written):
    data = frame_bytes(text_frame(["'=x", "'plain"]), fmt)
    assert (csv_cells(data) if fmt == "csv" else [c.value for c in xlsx_cells(data)]) == written
    assert read_table_file(data, fmt)["name"].tolist() == ["'=x", "'plain"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_typed_without_the_quote_in_a_spreadsheet_reads_as_its_text(fmt):
    """Removing the protective quote while editing must not change the value either."""
    data = frame_bytes(text_frame(["+49 30 1234"]), fmt)
    if fmt == "csv":
        data = data.replace(b"'+49", b"+49")
    else:
        data = workbook_bytes([["name"], ["+49 30 1234"]])
    assert read_table_file(data, fmt)["name"].tolist() == ["+49 30 1234"]


def test_numbers_booleans_and_dates_are_not_quoted():
    frame = pd.DataFrame(
        {
            "count": pd.array([-5, 3], dtype="Int64"),
            "ratio": pd.array([-0.5, 1.5], dtype="Float64"),
            "active": pd.array([True, False], dtype="boolean"),
            "created": pd.to_datetime(["2024-01-02T03:04:05Z", "2023-12-31T00:00:00Z"]),
        }
    )
    rows = list(csv.reader(io.StringIO(frame_bytes(frame, "csv").decode("utf-8"))))
    assert rows[1] == ["-5", "-0.5", "True", "2024-01-02T03:04:05.000Z"]
    sheet = openpyxl.load_workbook(io.BytesIO(frame_bytes(frame, "xlsx"))).active
    assert [cell.value for cell in sheet[2]][:3] == [-5, -0.5, True]


def test_parquet_and_json_keep_text_exactly_as_it_is():
    frame = text_frame(["=1+2", "+49 30 1234"])
    assert pd.read_parquet(io.BytesIO(frame_bytes(frame, "parquet")))["name"].tolist() == [
        "=1+2",
        "+49 30 1234",
    ]
    records = json.loads(frame_bytes(frame, "json"))
    assert [record["name"] for record in records] == ["=1+2", "+49 30 1234"]
    assert read_table_file(frame_bytes(text_frame(["'=1"]), "json"), "json")["name"].tolist() == [
        "'=1"
    ]


@given(st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "'", "a", " ", "1"]), max_size=6))
def test_reading_back_undoes_neutralise_for_any_text(text):
    neutral = neutralise_cell(text)
    # A second, filled column keeps the line when ``text`` is blank.
    frame = pd.DataFrame({"name": [text], "id": ["1"]}, dtype="string")
    data = frame_bytes(frame, "csv")
    assert csv_cells(data) == [neutral]
    (back,) = read_table_file(data, "csv")["name"].tolist()
    if text.strip():
        assert back == text
    else:  # blank text is read back as a missing cell
        assert back is pd.NA
    assert not neutral.startswith(tuple(FORMULA_STARTS))


@given(
    st.lists(
        st.text(
            alphabet=st.characters(
                codec="utf-8",
                exclude_categories=["Cs", "Cc"],
                include_characters="'=+-@\t\r\n",
            ),
            min_size=1,
            max_size=8,
        ).filter(lambda value: value.strip() != ""),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_survives_a_csv_round_trip(values):
    assert read_table_file(frame_bytes(text_frame(values), "csv"), "csv")["name"].tolist() == values


def test_xlsx_formula_cell_is_read_as_its_text_and_never_evaluated():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "email", "total", "array"])
    sheet.append(['=HYPERLINK("http://evil.example","x")', "=LOWER(A2)", "=1+2", None])
    sheet["D2"] = ArrayFormula("D2", "=SUM(C2:C2)")
    buffer = io.BytesIO()
    book.save(buffer)
    back = read_table_file(buffer.getvalue(), "xlsx")
    assert back.loc[2].tolist() == [
        '=HYPERLINK("http://evil.example","x")',
        "=LOWER(A2)",
        "=1+2",
        "=SUM(C2:C2)",
    ]


def test_xlsx_text_cell_that_looks_like_a_formula_is_read_as_plain_text():
    book = openpyxl.Workbook()
    book.active.append(["name"])
    book.active["A2"].value = "=1+2"
    book.active["A2"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    assert openpyxl.load_workbook(buffer).active["A2"].data_type == "s"
    assert read_table_file(buffer.getvalue(), "xlsx")["name"].tolist() == ["=1+2"]


def test_xlsx_cells_are_read_as_text_like_csv_cells():
    data = workbook_bytes([["id", "count", "ratio", "flag"], ["007", 12, 1.5, True]])
    assert read_table_file(data, "xlsx").loc[2].tolist() == ["007", "12", "1.5", "True"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "json"])
def test_file_over_the_size_cap_is_refused_before_parsing(fmt):
    with pytest.raises(ValueError, match=r"the file is .* MB; files are limited to"):
        read_table_file(b"x" * 2049, fmt, max_bytes=2048)


def test_default_size_cap_matches_the_dashboard_upload_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES
    with pytest.raises(ValueError, match=r"limited to 50\.0 MB"):
        read_table_file(b"a\n" + b"x" * MAX_UPLOAD_BYTES, "csv")


def test_xlsx_that_would_unpack_too_large_is_refused(monkeypatch):
    data = workbook_bytes([["name"], ["x" * 5000]])
    monkeypatch.setattr(export, "MAX_XLSX_UNPACKED_BYTES", 4000)
    with pytest.raises(ValueError, match="unpacks to"):
        read_table_file(data, "xlsx")


def test_a_file_that_is_not_an_xlsx_archive_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="not a zip archive"):
        read_table_file(b"name\n=1+2\n", "xlsx")

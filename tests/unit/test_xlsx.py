"""XLSX exports people can work with: typed cells, a styled header, the resource's sheet,
no stray apostrophes, and a round trip that changes nothing; export file names."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from emporix_data.export import export_file_name, frame_bytes, read_table_file
from emporix_data.filters import TableFilter
from emporix_data.plan import build_plan
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer
from emporix_data.xlsx import sheet_name

CREATED = ["2024-05-06T07:08:09.123Z", "1999-12-31T23:59:59.999Z", "2026-01-01T00:00:00.001Z"]


def customers() -> pd.DataFrame:
    records = [
        Customer.model_validate(
            {
                "customerNumber": f"{i:08d}",
                "contactEmail": f"c{i}@example.com",
                "contactPhone": "+49 30 1234" if i == 0 else None,
                "lastName": "=1+2" if i == 1 else "'quoted",
                "active": i != 2,
                "metadata": {"version": i + 1},
                "metadataCreatedAt": created,
            }
        )
        for i, created in enumerate(CREATED)
    ]
    return CUSTOMER_SCHEMA.to_frame(records)


def workbook(frame: pd.DataFrame, sheet: str = "customers") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(frame_bytes(frame, "xlsx", sheet)))


def test_the_sheet_is_named_after_the_resource_with_a_bold_frozen_filtered_header():
    frame = customers()
    sheet = workbook(frame).active
    assert sheet.title == "customers"
    header = sheet[1]
    assert [cell.value for cell in header] == CUSTOMER_SCHEMA.names
    assert all(cell.font.b for cell in header)
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    last = get_column_letter(len(CUSTOMER_SCHEMA.names))
    assert sheet.auto_filter.ref == f"A1:{last}{len(frame) + 1}"
    assert sheet.column_dimensions["A"].width >= len("customerNumber")


def test_dates_are_excel_date_times_in_utc_and_text_has_no_apostrophe():
    sheet = workbook(customers()).active
    column = {cell.value: cell.column_letter for cell in sheet[1]}
    created = sheet[f"{column['createdAt']}2"]
    assert created.is_date
    assert created.value == datetime(2024, 5, 6, 7, 8, 9, 123000)
    assert created.number_format == "yyyy-mm-dd hh:mm:ss"
    phone = sheet[f"{column['contactPhone']}2"]
    assert (phone.value, phone.data_type) == ("+49 30 1234", "s")
    formula_like = sheet[f"{column['lastName']}3"]
    assert (formula_like.value, formula_like.data_type) == ("=1+2", "s")
    assert sheet[f"{column['active']}2"].value is True
    assert sheet[f"{column['version']}3"].value == 2


def test_an_unedited_xlsx_round_trip_plans_nothing_and_keeps_dates_to_the_millisecond():
    original = customers()
    back = read_table_file(frame_bytes(original, "xlsx"), "xlsx")
    assert back["createdAt"].tolist() == CREATED
    assert back["lastName"].tolist() == ["'quoted", "=1+2", "'quoted"]
    assert build_plan(CUSTOMER_SCHEMA, original, back, source="file").is_empty


def test_a_date_changed_in_the_spreadsheet_is_read_back_as_that_date():
    book = workbook(customers())
    sheet = book.active
    column = {cell.value: cell.column_letter for cell in sheet[1]}
    sheet[f"{column['createdAt']}2"] = datetime(2025, 2, 3, 4, 5, 6)
    buffer = io.BytesIO()
    book.save(buffer)
    back = read_table_file(buffer.getvalue(), "xlsx")
    assert back.loc[2, "createdAt"] == "2025-02-03T04:05:06.000Z"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("customers", "customers"), ("a/b:c*d?[e]", "a-b-c-d--e-"), ("x" * 40, "x" * 31)],
)
def test_sheet_names_are_what_excel_allows(name, expected):
    assert sheet_name(name) == expected


def test_export_file_names_carry_the_resource_the_day_and_a_hint_of_the_filter():
    day = date(2026, 12, 3)
    assert export_file_name("customers", "xlsx", day) == "customers-2026-12-03.xlsx"
    hint = TableFilter(text=" 0004 ", picks={"preferredCurrency": ["EUR", "USD"]}).hint()
    assert hint == "search-0004-preferredCurrency-EUR-USD"
    assert export_file_name("customers", "csv", day, hint) == (
        "customers-2026-12-03-search-0004-preferredCurrency-EUR-USD.csv"
    )
    assert TableFilter().hint() == ""


def test_a_filter_hint_is_short_and_safe_in_a_file_name():
    spec = TableFilter(
        text='a/b\\c:"d"',
        picks={"groupId": [f"group-{i}" for i in range(30)]},
        dates={"createdAt": (date(2024, 1, 1), None)},
    )
    hint = spec.hint()
    assert len(hint) <= 60
    assert all(char.isalnum() or char in "-_." for char in hint)
    assert hint.startswith("search-a-b-c-d-groupId-group-0")

"""A frame as a one-sheet XLSX workbook people can work with.

Typed cells: text as string cells (which a spreadsheet shows as text and never runs as
a formula, whatever they start with), date-times as Excel date-times in UTC, numbers
and booleans as such. A bold header row that stays in view, an autofilter over the
data, and columns wide enough to read. Rows are streamed (openpyxl's write-only mode),
never held as a sheet of cell objects.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from emporix_data.values import plain

DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
WIDTH_SAMPLE = 200  # rows looked at to size a column
MIN_WIDTH, MAX_WIDTH = 8, 50
# Characters Excel refuses in a sheet's name, which is at most 31 characters long.
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str) -> str:
    """``name`` as Excel allows a sheet to be called."""
    return NOT_IN_SHEET_NAMES.sub("-", name).strip("'")[:31] or "data"


def write_xlsx(frame: pd.DataFrame, stream: IO[bytes], sheet: str = "data") -> None:
    """Write ``frame`` to ``stream`` as a workbook with one sheet called ``sheet``."""
    book = Workbook(write_only=True)
    # Any: write-only sheets have column_dimensions and auto_filter, their stubs do not.
    worksheet: Any = book.create_sheet(sheet_name(sheet))
    worksheet.freeze_panes = "A2"
    columns = [_values(frame[name]) for name in frame.columns]
    for position, (name, values) in enumerate(zip(frame.columns, columns, strict=True), 1):
        width = _width(str(name), values[:WIDTH_SAMPLE])
        worksheet.column_dimensions[get_column_letter(position)].width = width
    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        cell = _text_cell(worksheet, str(name))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in zip(*columns, strict=True):
        worksheet.append([_cell(worksheet, value) for value in row])
    if len(frame.columns):
        last = get_column_letter(len(frame.columns))
        worksheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    book.save(stream)


def _values(column: pd.Series) -> list[Any]:
    """A column's cells as plain Python values; date-times as naive UTC ``datetime``s."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        utc = column.dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("us")
        return [None if pd.isna(stamp) else stamp.to_pydatetime() for stamp in utc]
    return [plain(value) for value in column.tolist()]


def _cell(worksheet: WriteOnlyWorksheet, value: Any) -> Any:
    """What to append for one value: the value itself, or a cell where its type or
    format must be set."""
    if isinstance(value, str):
        # openpyxl would take "=..." for a formula; every other text is bound as a string.
        return _text_cell(worksheet, value) if value.startswith("=") else value
    if isinstance(value, datetime):
        cell = WriteOnlyCell(worksheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _text_cell(worksheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(worksheet, text)
    cell.data_type = "s"  # after the value: a string cell, never a formula
    return cell


def _width(header: str, values: list[Any]) -> float:
    """Room for the header (and its filter button) and the longest value sampled."""
    sizes = [19 if isinstance(v, datetime) else len(str(v)) for v in values if v is not None]
    return float(min(max(len(header) + 4, *sizes, MIN_WIDTH), MAX_WIDTH))

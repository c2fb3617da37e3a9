"""Report files: a frame as CSV, XLSX, Parquet or JSON, and edited files read back.

CSV and JSON carry dates as ISO-8601 text (UTC, milliseconds). XLSX carries them as
Excel date-times in UTC, which spreadsheets sort and filter as dates; reading one back
gives the same instant to the millisecond, so an unedited round trip plans nothing.

Spreadsheets run a typed-in cell that starts with ``=``, ``+``, ``-`` or ``@`` (some also
a leading tab or carriage return) as a formula, so a customer named
``=HYPERLINK("http://evil", "click")`` must never become a live formula in a report:

- XLSX stores every text cell as a string-typed cell, which a spreadsheet shows as text
  and never runs, whatever it starts with (openpyxl would make a formula of a ``str``
  starting with ``=``; the cell's type is set to string after the value). No prefix is
  needed, so ``+49 30 1234`` is exported and read back exactly as it is, and so is a
  value that starts with a quote.
- CSV has no cell types: a text cell that would run is written with a leading ``'``,
  the spreadsheet convention for "this is text", and ``read_table_file`` removes that
  one quote again. Text that already starts with quotes followed by one of those
  characters gets one quote more, so every value, ``'=x`` and ``+49 30 1234`` alike,
  comes back exactly.

Only text is touched: numbers, booleans and dates are written as they are. Parquet and
JSON are data formats, not spreadsheets: they are written and read unchanged.

Uploaded files are data only: at most ``MAX_UPLOAD_BYTES``; CSV is read as text and
XLSX with openpyxl as stored values, where a formula comes back as its own text and
is never evaluated (nor its cached result trusted).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from emporix_data.csv_rows import frame_csv_text, holds_any, text_array
from emporix_data.xlsx import write_xlsx

ExportFormat = Literal["csv", "xlsx", "parquet", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "parquet", "json")
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}

# Same limit as `server.maxUploadSize = 50` (megabytes) in .streamlit/config.toml.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# An XLSX is a zip archive; refuse archives that would unpack to more than this
# (a "zip bomb"), long before openpyxl tries to parse them.
MAX_XLSX_UNPACKED_BYTES = 16 * MAX_UPLOAD_BYTES

FORMULA_STARTS = "=+-@\t\r"
# Plain syntax that both Python's re and pyarrow's RE2 read the same way.
_FORMULA_CLASS = r"[=+\-@\t\r]"
# Text that gets a protective quote: a formula start, possibly behind quotes already.
_NEEDS_QUOTE = re.compile("'*" + _FORMULA_CLASS)
# A cell read back whose first quote is such a protective quote; group 1 is the value.
_PROTECTIVE_QUOTE = "^'('*" + _FORMULA_CLASS + ")"


def format_for(path: Path, explicit: str | None = None) -> ExportFormat:
    """The format asked for, or the one the file name's suffix names."""
    name = (explicit or path.suffix.lstrip(".")).lower()
    if name not in FORMATS:
        raise ValueError(f"unknown export format {name!r}: use one of {', '.join(FORMATS)}")
    return name


def neutralise_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it as text in a CSV, never runs it as a formula."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def frame_bytes(frame: pd.DataFrame, fmt: ExportFormat, sheet: str = "data") -> bytes:
    """The frame serialised as ``fmt``; ``sheet`` names an XLSX's one sheet (the resource)."""
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    elif fmt == "csv":
        buffer.write(csv_text(frame).encode("utf-8"))
    elif fmt == "xlsx":
        write_xlsx(frame, buffer, sheet)
    else:
        buffer.write(json_text(frame).encode("utf-8"))
    return buffer.getvalue()


def json_text(frame: pd.DataFrame) -> str:
    """The rows as a JSON array of objects, one line per field: ``[\n {...},\n {...}\n]``."""
    return _dates_as_text(frame).to_json(orient="records", force_ascii=False, indent=1)


def csv_text(frame: pd.DataFrame, header: bool = True) -> str:
    """The frame's rows as CSV text (with its header line unless ``header`` is false)."""
    # CRLF line ends (RFC 4180) make the writer quote every cell holding a CR or LF, so
    # that a line break inside a value never splits its row.
    return frame_csv_text(_neutralised(_dates_as_text(frame)), header=header)


def write_frame(
    frame: pd.DataFrame, path: Path, fmt: ExportFormat | None = None, sheet: str = "data"
) -> Path:
    """Write the report file; the format comes from the suffix unless given."""
    path.write_bytes(frame_bytes(frame, fmt or format_for(path), sheet))
    return path


def export_file_name(resource: str, fmt: ExportFormat, day: date, hint: str = "") -> str:
    """``customers-2026-12-03.xlsx``; with a filter's ``hint``,
    ``customers-2026-12-03-preferredCurrency-EUR.xlsx``."""
    return "-".join(part for part in (resource, day.isoformat(), hint) if part) + f".{fmt}"


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = _iso_milliseconds(out[name])
    return out


def _iso_milliseconds(column: pd.Series) -> pd.Series:
    """UTC times as the API writes them ("2024-09-15T04:30:26.000Z"), blank where missing;
    by NumPy (strftime takes ~3 s a million)."""
    utc = column.dt.tz_convert("UTC").dt.tz_localize(None)
    text = np.datetime_as_string(utc.to_numpy("datetime64[ms]"), unit="ms", timezone="UTC")
    return pd.Series(text.astype(object), index=column.index, dtype="string").mask(utc.isna())


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with ``neutralise_cell`` applied; other columns as they are."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.StringDtype):
            values = text_array(column)
            if not holds_any(values, FORMULA_STARTS):
                continue
            risky = pc.match_substring_regex(values, "^" + _NEEDS_QUOTE.pattern)
            if pc.any(risky).as_py():
                flags = risky.fill_null(False).to_numpy(zero_copy_only=False)
                out[name] = column.mask(flags, "'" + column)
        elif column.dtype == object:
            out[name] = column.map(lambda v: neutralise_cell(v) if isinstance(v, str) else v)
    return out


def read_table_file(
    data: bytes, fmt: ExportFormat, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> pd.DataFrame:
    """An edited export read back as text cells (blank -> NA), labelled by file line.

    Everything is read as text so that leading zeros, long ids and dates survive; the
    change plan converts each column to its schema dtype and reports cells it cannot.
    Row labels are spreadsheet line numbers (the header is line 1). Files larger than
    ``max_bytes`` are refused before parsing, so one upload cannot exhaust memory.
    """
    if len(data) > max_bytes:
        raise ValueError(
            f"the file is {_megabytes(len(data))}; files are limited to {_megabytes(max_bytes)}"
        )
    buffer = io.BytesIO(data)
    if fmt == "csv":
        frame = pd.read_csv(buffer, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame = _read_xlsx(data)
    elif fmt == "parquet":
        frame = pd.read_parquet(buffer).astype("string")
    else:
        frame = _read_json(data)
    frame = frame.astype("string").set_axis([str(name) for name in frame.columns], axis=1)
    if fmt == "csv":
        frame = frame.apply(lambda column: column.str.replace(_PROTECTIVE_QUOTE, r"\1", regex=True))
    frame = frame.mask(frame.apply(lambda column: column.str.strip() == ""))
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _read_json(data: bytes) -> pd.DataFrame:
    """An array of row objects as text cells, numbers exactly as written (pandas' own
    reader turns a number column with a null into doubles, rounding beyond 2**53)."""
    try:
        rows = json.loads(data)
    except ValueError as exc:
        raise ValueError(f"not a JSON file: {exc}") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError("a JSON file holds an array of objects, one per row")
    names = list(dict.fromkeys(name for row in rows for name in row))
    cells = {name: [_json_cell_text(row.get(name)) for row in rows] for name in names}
    return pd.DataFrame(cells, columns=names, dtype="string")


def _json_cell_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet's stored cell values as text; formulas as their text, unevaluated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise ValueError("not an XLSX file (it is not a zip archive)") from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ValueError(
            f"the XLSX unpacks to {_megabytes(unpacked)}; "
            f"at most {_megabytes(MAX_XLSX_UNPACKED_BYTES)} are read"
        )
    frame = pd.read_excel(
        io.BytesIO(data),
        dtype=object,
        keep_default_na=False,
        engine="openpyxl",
        engine_kwargs={"data_only": False, "keep_links": False, "keep_vba": False},
    )
    return frame.map(_cell_text).astype("string")


def _cell_text(value: Any) -> str:
    """One stored XLSX value as text, the way ``dtype=str`` would show it; a date-time as
    ISO-8601 in UTC to the millisecond, as the CSV export writes it."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return stamp.round("ms").strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    formula = getattr(value, "text", None)  # openpyxl's ArrayFormula
    return formula if isinstance(formula, str) else str(value)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"

"""Report files: a frame as CSV, XLSX, Parquet or JSON.

Dates are written as ISO-8601 text in CSV, XLSX and JSON so that a file can be opened
in a spreadsheet, edited and read back without losing the time zone.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import pandas as pd

ExportFormat = Literal["csv", "xlsx", "parquet", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "parquet", "json")
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}


def format_for(path: Path, explicit: str | None = None) -> ExportFormat:
    """The format asked for, or the one the file name's suffix names."""
    name = (explicit or path.suffix.lstrip(".")).lower()
    if name not in FORMATS:
        raise ValueError(f"unknown export format {name!r}: use one of {', '.join(FORMATS)}")
    return name  # type: ignore[return-value]


def frame_bytes(frame: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """The frame serialised as ``fmt``."""
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    elif fmt == "csv":
        buffer.write(_dates_as_text(frame).to_csv(index=False).encode("utf-8"))
    elif fmt == "xlsx":
        _dates_as_text(frame).to_excel(buffer, index=False, engine="openpyxl")
    else:
        text = _dates_as_text(frame).to_json(orient="records", force_ascii=False, indent=1)
        buffer.write(text.encode("utf-8"))
    return buffer.getvalue()


def write_frame(frame: pd.DataFrame, path: Path, fmt: ExportFormat | None = None) -> Path:
    path.write_bytes(frame_bytes(frame, fmt or format_for(path)))
    return path


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.DatetimeTZDtype):
            text = out[name].dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            out[name] = text.str.replace(r"(\.\d{3})\d{3}Z$", r"\1Z", regex=True).astype("string")
    return out


def read_table_file(data: bytes, fmt: ExportFormat) -> pd.DataFrame:
    """An edited export read back as text cells (blank -> NA), labelled by file line.

    Everything is read as text so that leading zeros, long ids and dates survive; the
    change plan converts each column to its schema dtype and reports cells it cannot.
    Row labels are spreadsheet line numbers (the header is line 1).
    """
    buffer = io.BytesIO(data)
    if fmt == "csv":
        frame = pd.read_csv(buffer, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame = pd.read_excel(buffer, dtype=str, keep_default_na=False, engine="openpyxl")
    elif fmt == "parquet":
        frame = pd.read_parquet(buffer).astype("string")
    else:
        frame = pd.read_json(buffer, orient="records", dtype=False).astype("string")
    frame = frame.astype("string")
    frame = frame.mask(frame.apply(lambda column: column.str.strip() == ""))
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame

"""A report's result as a file: the export formats, with cells a spreadsheet can hold.

Results may hold what the resource tables never do: lists (``segmentIds``), structs and
dates without a time zone (a month). CSV and XLSX get lists as text joined by ``; ``
and structs as JSON text; JSON gets dates as ISO text (``2024-05-01``), not epoch
milliseconds; Parquet keeps every type as it is. The rest is ``export.frame_bytes``:
formulas neutralised, time-zone-aware timestamps as ISO text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from emporix_data.export import ExportFormat, format_for, frame_bytes

LIST_SEPARATOR = "; "
# Formats whose cells hold only scalars.
SPREADSHEETS: tuple[ExportFormat, ...] = ("csv", "xlsx")


def result_bytes(frame: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """The result serialised as ``fmt`` (see the module's docstring)."""
    return frame_bytes(file_frame(frame, fmt), fmt)


def write_result(frame: pd.DataFrame, path: Path, fmt: ExportFormat | None = None) -> Path:
    """Write the result file; the format comes from the suffix unless given."""
    path.write_bytes(result_bytes(frame, fmt or format_for(path)))
    return path


def file_frame(frame: pd.DataFrame, fmt: ExportFormat) -> pd.DataFrame:
    """The result with the cells ``fmt`` cannot hold as they are turned into text."""
    if fmt == "parquet":
        return frame
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if fmt in SPREADSHEETS and column.dtype == object:
            out[name] = column.map(_cell_text)
        elif fmt == "json" and pd.api.types.is_datetime64_dtype(column.dtype):
            out[name] = _naive_dates_as_text(column)
    return out


def _cell_text(value: object) -> object:
    """A list as ``a; b``, a struct as JSON; any other value as it is."""
    if isinstance(value, np.ndarray | list | tuple):
        return LIST_SEPARATOR.join("" if item is None else str(item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value


def _naive_dates_as_text(column: pd.Series) -> pd.Series:
    """Dates as ``2024-05-01``; timestamps as ``2024-05-01T10:30:00``."""
    present = column.dropna()
    midnight = bool((present == present.dt.normalize()).all())
    text: pd.Series = column.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
    return text.astype("string")

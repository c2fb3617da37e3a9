"""A frame's rows as CSV text: the text pandas' ``to_csv`` writes, written by Arrow.

pandas formats every cell in Python (~4 s for a million customers, most of a streamed
CSV export); Arrow's own CSV writer quotes every text cell. So the cells are rendered
with Arrow compute the way pandas renders them (text as it is, quoted where it holds a
comma, a quote or a line break; ``True``/``False``; integers; blank where missing),
and joined into lines. Frames with columns of other types (floats, objects) are written
by pandas.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

LINE_END = "\r\n"
# What makes Python's csv writer (and so pandas) quote a cell, with LINE_END as above.
_QUOTED_BY = ',"\r\n'
_NEEDS_QUOTES = "[" + _QUOTED_BY + "]"


def frame_csv_text(frame: pd.DataFrame, header: bool = True) -> str:
    """``frame.to_csv(index=False, lineterminator=LINE_END, header=header)``, faster."""
    cells = [_cells(frame[name]) for name in frame.columns]
    # One column: Python's csv writer quotes an empty text cell alone on its line.
    if len(cells) < 2 or any(column is None for column in cells):
        return frame.to_csv(index=False, header=header, lineterminator=LINE_END)
    first = _header_line(frame) if header else ""
    if frame.empty:
        return first
    comma = pa.scalar(",", pa.large_string())
    lines = pc.binary_join_element_wise(*cells, comma, null_handling="replace")
    end, nothing = pa.scalar(LINE_END, pa.large_string()), pa.scalar("", pa.large_string())
    ended = pc.binary_join_element_wise(lines, end, nothing)
    return first + "".join(ended.to_pylist())


def _header_line(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=LINE_END).writerow([str(name) for name in frame.columns])
    return buffer.getvalue()


def text_array(column: pd.Series) -> pa.LargeStringArray:
    """A text column's values as one Arrow array (null where missing)."""
    values = pa.array(column.array, type=pa.large_string(), from_pandas=True)
    # An Arrow-backed column may hold several chunks (a frame built from pages).
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def holds_any(values: pa.LargeStringArray, characters: str) -> bool:
    """Whether any of ``characters`` may be in ``values`` (a quick scan of its bytes,
    which can see bytes of a larger array it is a slice of: then it says "may")."""
    data = values.buffers()[2]
    if data is None:
        return False
    raw = data.to_pybytes()
    return any(character.encode() in raw for character in characters)


def _cells(column: pd.Series) -> pa.Array | None:
    """The column's cells as CSV text (null where blank), or None for a type left to pandas."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        values = text_array(column)
        if not holds_any(values, _QUOTED_BY):
            return values
        quote, nothing = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
        doubled = pc.replace_substring(values, '"', '""')
        quoted = pc.binary_join_element_wise(quote, doubled, quote, nothing)
        return pc.if_else(pc.match_substring_regex(values, _NEEDS_QUOTES), quoted, values)
    if isinstance(dtype, pd.BooleanDtype):
        flags = pa.array(column.array, type=pa.bool_(), from_pandas=True)
        true, false = pa.scalar("True", pa.large_string()), pa.scalar("False", pa.large_string())
        return pc.if_else(flags, true, false)
    if isinstance(dtype, pd.Int64Dtype):
        return pa.array(column.array, type=pa.int64(), from_pandas=True).cast(pa.large_string())
    return None

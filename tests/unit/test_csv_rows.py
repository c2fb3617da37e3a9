"""The Arrow CSV writer writes what pandas' ``to_csv`` writes, byte for byte."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from emporix_data.csv_rows import LINE_END, frame_csv_text
from emporix_data.export import csv_text
from tests.support import property_settings

# Cells that need quoting, quotes, formula starts, blanks and text beyond ASCII.
TEXT = st.text(alphabet=st.sampled_from(list(",\"\r\n'=+-@\t ab1é€中")), max_size=6)
DTYPES = {
    "string": st.none() | TEXT,
    "Int64": st.none() | st.integers(-(2**63), 2**63 - 1),
    "boolean": st.none() | st.booleans(),
    "Float64": st.none() | st.floats(allow_nan=False, allow_infinity=False),
}


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    kinds = draw(st.lists(st.sampled_from(list(DTYPES)), min_size=1, max_size=4))
    rows = draw(st.integers(0, 6))
    columns = {
        f"{kind} {position}": pd.array(
            [draw(DTYPES[kind]) for _ in range(rows)], dtype=kind if kind != "string" else "string"
        )
        for position, kind in enumerate(kinds)
    }
    return pd.DataFrame(columns)


def pandas_text(frame: pd.DataFrame, header: bool = True) -> str:
    return frame.to_csv(index=False, header=header, lineterminator=LINE_END)


@property_settings(0.3)
@given(frames(), st.booleans())
def test_the_text_is_pandas_text(frame, header):
    assert frame_csv_text(frame, header=header) == pandas_text(frame, header=header)


def test_quoted_neutralised_and_blank_cells_as_pandas_writes_them():
    frame = pd.DataFrame(
        {
            "name": pd.array(["a,b", 'say "hi"', "two\nlines", "=1+2", None, ""], dtype="string"),
            "points": pd.array([1, None, -3, 4, 5, 6], dtype="Int64"),
            "active": pd.array([True, False, None, True, False, True], dtype="boolean"),
        }
    )
    assert frame_csv_text(frame) == pandas_text(frame)
    assert csv_text(frame).splitlines()[1:5] == [
        '"a,b",1,True',
        '"say ""hi""",,False',
        '"two',
        'lines",-3,',
    ]
    assert "'=1+2,4,True" in csv_text(frame)


def test_a_column_of_several_arrow_chunks_is_written_whole():
    chunks = pa.chunked_array([["a", "b,c"], [None, "=d"]], pa.large_string())
    frame = pd.DataFrame(
        {"name": pd.Series(pd.arrays.ArrowStringArray(chunks)), "n": pd.array([1, 2, 3, 4])}
    )
    frame["name"] = frame["name"].astype("string")
    assert frame_csv_text(frame) == pandas_text(frame)
    assert csv_text(frame).endswith("'=d,4\r\n")

"""A file written a part at a time is the file of the whole frame, wherever it is cut."""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emporix_data.export import frame_bytes
from emporix_data.table_export import FrameFileWriter

ROWS = st.lists(
    st.tuples(
        st.text(max_size=8),
        st.none() | st.integers(-5, 5),
        st.none() | st.datetimes(timezones=st.just(UTC)),
    ),
    max_size=12,
)


def whole_frame(rows: list[tuple[str, int | None, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["name", "count", "at"])
    return frame.astype({"name": "string", "count": "Int64", "at": "datetime64[ms, UTC]"})


@pytest.mark.parametrize("fmt", ["json", "csv"])
@given(rows=ROWS, cuts=st.lists(st.integers(0, 12), max_size=4))
def test_parts_written_one_after_another_make_the_whole_file(fmt, rows, cuts):
    frame = whole_frame(rows)
    bounds = [0, *sorted(min(cut, len(frame)) for cut in cuts), len(frame)]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"out.{fmt}"
        with FrameFileWriter(path, fmt) as out:
            out.write(frame.iloc[:0])  # as an export of no rows starts: the header
            for start, end in itertools.pairwise(bounds):
                out.write(frame.iloc[start:end])
        assert path.read_bytes() == frame_bytes(frame, fmt)


def test_a_json_file_cut_off_by_an_error_is_not_left_behind(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("[]")
    with pytest.raises(RuntimeError), FrameFileWriter(path, "json") as out:
        out.write(whole_frame([("a", 1, None)]))
        raise RuntimeError("the API failed on the next page")
    assert path.read_text() == "[]" and not list(tmp_path.glob("*.part"))

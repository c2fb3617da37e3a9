"""Column filters and free-text search over a table, and the slice of rows they keep."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from emporix_data.filters import TableFilter, date_columns, picker_columns
from emporix_data.frames import FrameSchema
from emporix_data.workspace import TableState

GRID_ROW_LIMIT = 5_000
PICKER_LIMIT = 200  # columns with more distinct values get no picker

Picks = Mapping[str, Sequence[object]]


def filter_controls(
    state: TableState, schema: FrameSchema, frame: pd.DataFrame, fixed: Picks | None = None
) -> TableFilter:
    """The filter widgets; columns the page already picks (``fixed``) get no picker."""
    fixed = fixed or {}
    with st.expander("Filters", expanded=False, icon=":material/filter_list:"):
        text = st.text_input("Search all columns", key=state.widget_key("search"))
        picks: dict[str, Sequence[object]] = {}
        pickers = [column for column in picker_columns(schema) if column not in fixed]
        for index, column in enumerate(pickers):
            if index % 4 == 0:
                slots = st.columns(4)
            values = sorted({v for v in frame[column].dropna().unique().tolist()}, key=str)
            if len(values) > PICKER_LIMIT:
                continue
            picks[column] = slots[index % 4].multiselect(
                column, values, key=state.widget_key(f"pick:{column}")
            )
        dates: dict[str, tuple[date | None, date | None]] = {}
        for column in date_columns(schema):
            chosen = st.date_input(
                f"{column} between",
                value=(),
                key=state.widget_key(f"dates:{column}"),
                format="YYYY-MM-DD",
            )
            if isinstance(chosen, tuple) and len(chosen) == 2:
                dates[column] = (chosen[0], chosen[1])
    return TableFilter(text=text, picks={**picks, **fixed}, dates=dates)


def shown_rows(state: TableState, spec: TableFilter) -> pd.DataFrame:
    """The working copy's rows the filter keeps, at most ``GRID_ROW_LIMIT`` of them."""
    work = state.work.frame
    shown = work[state.mask(work, spec)]
    return shown.iloc[:GRID_ROW_LIMIT] if len(shown) > GRID_ROW_LIMIT else shown


def rows_caption(shown: int, total: int) -> None:
    more = f" (first {GRID_ROW_LIMIT:,}: filter to see others)" if shown == GRID_ROW_LIMIT else ""
    st.caption(f"{shown:,} of {total:,} rows shown{more}")

"""Column filters, free-text search and hidden columns over a table, and the slice of rows
they keep.

The choice is the table state's (``TableState.filters``): widgets forget their values
when a page does not show them, so they are given the kept choice as their defaults and
the choice is kept again after every run. The collapsed "Filters" says how many are on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from emporix_data.filters import TableFilter, date_columns, picker_columns
from emporix_data.frames import FrameSchema
from emporix_data.workspace import FilterChoice, TableState
from pages.components.state import kept_expander, widget_value

GRID_ROW_LIMIT = 5_000
PICKER_LIMIT = 200  # columns with more distinct values get no picker

Picks = Mapping[str, Sequence[object]]


def filter_controls(
    state: TableState, schema: FrameSchema, frame: pd.DataFrame, fixed: Picks | None = None
) -> TableFilter:
    """The filter widgets; columns the page already picks (``fixed``) get no picker."""
    fixed = fixed or {}
    pickers = [column for column in picker_columns(schema) if column not in fixed]
    label = _label(_live_choice(state, pickers, schema))
    with kept_expander(label, state.widget_key("filters-open"), ":material/filter_list:"):
        kept = state.filters
        text = st.text_input("Search all columns", kept.text, key=state.filter_key("search"))
        picks: dict[str, tuple[object, ...]] = {}
        for index, column in enumerate(pickers):
            if index % 4 == 0:
                slots = st.columns(4)
            values = sorted({v for v in frame[column].dropna().unique().tolist()}, key=str)
            if len(values) > PICKER_LIMIT:
                continue
            default = [v for v in kept.picks.get(column, ()) if v in values]
            picks[column] = tuple(
                slots[index % 4].multiselect(
                    column, values, default, key=state.filter_key(f"pick:{column}")
                )
            )
        dates: dict[str, tuple[date | None, date | None]] = {}
        for column in date_columns(schema):
            chosen = st.date_input(
                f"{column} between",
                value=tuple(d for d in kept.dates.get(column, ()) if d is not None),
                key=state.filter_key(f"dates:{column}"),
                format="YYYY-MM-DD",
            )
            if isinstance(chosen, tuple) and len(chosen) == 2:
                dates[column] = (chosen[0], chosen[1])
        hideable = [name for name in schema.names if name not in schema.key]
        hidden = st.multiselect(
            "Hide columns",
            hideable,
            [name for name in kept.hidden if name in hideable],
            key=state.filter_key("hidden"),
            help="Hidden columns are left out of the grid and of the downloads (the key "
            "columns stay, so that an edited download can be uploaded again).",
        )
    picked = {column: values for column, values in picks.items() if values}
    state.filters = FilterChoice(text, picked, dates, tuple(hidden))
    return state.filters.table_filter(fixed)


def _live_choice(state: TableState, pickers: list[str], schema: FrameSchema) -> FilterChoice:
    """The choice as the widgets hold it at the start of this run (the kept one where a
    widget is not shown), so that the label drawn before them is not a run behind."""
    kept = state.filters

    def live(part: str, default: Any) -> Any:
        return widget_value(state.filter_key(part), default)

    dates = {}
    for column in date_columns(schema):
        chosen = live(f"dates:{column}", kept.dates.get(column, ()))
        if isinstance(chosen, tuple) and len(chosen) == 2:
            dates[column] = (chosen[0], chosen[1])
    return FilterChoice(
        str(live("search", kept.text) or ""),
        {c: tuple(live(f"pick:{c}", kept.picks.get(c, ())) or ()) for c in pickers},
        dates,
        tuple(live("hidden", kept.hidden) or ()),
    )


def _label(choice: FilterChoice) -> str:
    """ "Filters", or "Filters · 2 active · 3 columns hidden"."""
    parts = ["Filters"]
    if choice.active:
        parts.append(f"{choice.active} active")
    if choice.hidden:
        hidden = len(choice.hidden)
        parts.append(f"{hidden} column{'' if hidden == 1 else 's'} hidden")
    return " · ".join(parts)


def shown_rows(state: TableState, spec: TableFilter) -> pd.DataFrame:
    """The working copy's rows the filter keeps, at most ``GRID_ROW_LIMIT`` of them."""
    work = state.work.frame
    shown = work[state.mask(work, spec)]
    return shown.iloc[:GRID_ROW_LIMIT] if len(shown) > GRID_ROW_LIMIT else shown


def filtered_labels(state: TableState, spec: TableFilter) -> list[int]:
    """The labels of every row of the working copy the filter keeps (no limit)."""
    work = state.work.frame
    return work.index[state.mask(work, spec)].tolist()


def rows_caption(shown: int, total: int) -> None:
    more = f" (first {GRID_ROW_LIMIT:,}: filter to see others)" if shown == GRID_ROW_LIMIT else ""
    st.caption(f"{shown:,} of {total:,} rows shown{more}")

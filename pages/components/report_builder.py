"""The report builder, for people who do not write SQL: a table, what to group by (a
date by month), measures and filters; it shows the SQL it makes, runs it, or hands it to
the SQL editor."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from emporix_data.reports import CUSTOMER_360, QUERYABLE, ReportError, words
from emporix_data.reports.builder import (
    OPERATORS,
    BuiltQuery,
    Dimension,
    Filter,
    Measure,
    QuerySpec,
    build_query,
)
from emporix_data.reports.catalog import inline_parameters
from emporix_data.reports.session import ReportRun
from pages.components.state import default_widget_value

KEY = "reports:builder"
TABLE_KEY = f"{KEY}:table"
MONTH = ":month"
_NUMBERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_VALUE_FREE = ("is empty", "is not empty")
_AGGREGATE_WORDS = {
    "count_distinct": "Distinct {}",
    "sum": "Sum of {}",
    "avg": "Average {}",
    "min": "Lowest {}",
    "max": "Highest {}",
}


def builder_form(
    columns: Mapping[str, Mapping[str, str]], open_in_editor: Callable[[str], None]
) -> ReportRun | None:
    """The builder; returns the run asked for when Run is clicked. ``columns`` are every
    table's columns and types; ``open_in_editor`` takes the SQL to edit."""
    default_widget_value(TABLE_KEY, CUSTOMER_360)
    table = st.selectbox("Table", QUERYABLE, key=TABLE_KEY, persist_state="session")
    types = columns[table]
    group, measure = st.columns(2)
    dimensions = group.multiselect(
        "Group by",
        _dimension_options(types),
        format_func=_dimension_label,
        key=f"{KEY}:{table}:group",
        persist_state="session",
        placeholder="Nothing: list the rows",
    )
    measures = measure.multiselect(
        "Measures",
        _measure_options(types),
        format_func=_measure_label,
        key=f"{KEY}:{table}:measures",
        persist_state="session",
        placeholder="Number of rows",
    )
    filters = _filters(table, types)
    try:
        built = build_query(
            QuerySpec(
                table,
                tuple(_dimension(option) for option in dimensions),
                tuple(_measure(option) for option in measures),
                tuple(filters),
            ),
            types,
        )
    except ReportError as exc:
        st.warning(str(exc))
        return None
    sql = _readable(built)
    st.code(sql, language="sql")
    run, edit = st.columns([1, 5])
    edit.button(
        "Edit as SQL",
        key=f"{KEY}:edit",
        icon=":material/code:",
        on_click=open_in_editor,
        args=(sql,),
    )
    if not run.button("Run", key=f"{KEY}:run", type="primary", icon=":material/play_arrow:"):
        return None
    return ReportRun(title=f"Built on {table}", sql=sql)


def _readable(built: BuiltQuery) -> str:
    """The query with its filter values written in: what is shown is what runs and saves."""
    return inline_parameters(built.sql, built.params)


def _is_list(kind: str) -> bool:
    return kind.endswith("[]")


def _dimension_options(types: Mapping[str, str]) -> list[str]:
    options = []
    for name, kind in types.items():
        if _is_list(kind):
            continue
        options.append(name)
        if kind.upper().startswith(("DATE", "TIMESTAMP")):
            options.append(name + MONTH)
    return options


def _dimension_label(option: str) -> str:
    name, month, _ = option.partition(MONTH)
    return words(name) + (" by month" if month else "")


def _dimension(option: str) -> Dimension:
    name, month, _ = option.partition(MONTH)
    return Dimension(name, "month" if month else None)


def _measure_options(types: Mapping[str, str]) -> list[str]:
    options = []
    for name, kind in types.items():
        if _is_list(kind):
            continue
        options.append(f"count_distinct:{name}")
        if kind.upper().startswith(_NUMBERS):
            options += [f"{aggregate}:{name}" for aggregate in ("sum", "avg", "min", "max")]
        elif kind.upper().startswith(("DATE", "TIMESTAMP")):
            options += [f"min:{name}", f"max:{name}"]
    return options


def _measure_label(option: str) -> str:
    aggregate, _, name = option.partition(":")
    return _AGGREGATE_WORDS[aggregate].format(words(name).lower())


def _measure(option: str) -> Measure:
    aggregate, _, name = option.partition(":")
    return Measure(aggregate, name)


def _filters(table: str, types: Mapping[str, str]) -> list[Filter]:
    """Filter rows: one more appears as soon as the last one names a column."""
    filters: list[Filter] = []
    while True:
        key = f"{KEY}:{table}:filter:{len(filters)}"
        first = not filters
        cells = st.columns([2, 1, 2])
        column = cells[0].selectbox(
            "Filter",
            ["", *types],
            format_func=lambda name: words(name) if name else "(no filter)",
            key=f"{key}:column",
            persist_state="session",
            label_visibility="visible" if first else "collapsed",
        )
        if not column:
            return filters
        operator = cells[1].selectbox(
            "Condition",
            OPERATORS,
            key=f"{key}:operator",
            persist_state="session",
            label_visibility="visible" if first else "collapsed",
        )
        text = cells[2].text_input(
            "Value",
            key=f"{key}:value",
            persist_state="session",
            disabled=operator in _VALUE_FREE,
            placeholder="a, b, c" if operator == "in" else "",
            label_visibility="visible" if first else "collapsed",
        )
        filters.append(Filter(column, operator, _value(operator, text)))


def _value(operator: str, text: str) -> object:
    if operator in _VALUE_FREE or not text:
        return None
    if operator == "in":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text

"""Running a report end to end: check it, load what it needs, run it.

A query is first run on empty tables: a syntax error, a refused statement, an unknown
table or column and a missing parameter are reported before anything is loaded from
the API (and before a file is written). Parameter values are given as text; DuckDB
casts them where the query compares them with a typed column (``createdAt >= $since``
takes ``2024-01-01``), and ``CAST($n AS INTEGER)`` says it where it cannot tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from emporix_data.client import EmporixClient
from emporix_data.reports.catalog import QUERYABLE, tables_needed
from emporix_data.reports.engine import ReportEngine, ReportResult
from emporix_data.reports.errors import ReportError
from emporix_data.reports.loading import TableProgress, load_report_frames

_PARAMETER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)


def parse_parameters(pairs: Iterable[str]) -> dict[str, str]:
    """``["segment=VIP", "since=2024-01-01"]`` as a mapping; a name given twice is refused."""
    values: dict[str, str] = {}
    for pair in pairs:
        found = _PARAMETER.fullmatch(pair.lstrip("$"))
        if not found:
            raise ReportError(f"{pair!r} is not a parameter: write name=value")
        name, value = found.groups()
        if name in values:
            raise ReportError(f"The parameter {name} is given twice")
        values[name] = value
    return values


def table_columns() -> dict[str, dict[str, str]]:
    """Every table's (and ``customer_360``'s) columns and DuckDB types, nothing loaded."""
    with ReportEngine({}) as engine:
        return {table: engine.column_types(table) for table in QUERYABLE}


def check_query(sql: str, params: Mapping[str, object] | None = None) -> None:
    """Run ``sql`` on empty tables: the one-line ``ReportError`` it would give, now."""
    with ReportEngine({}) as engine:
        engine.run(sql, params)


def run_query(
    client: EmporixClient,
    sql: str,
    params: Mapping[str, object] | None = None,
    progress: TableProgress | None = None,
) -> ReportResult:
    """Check ``sql``, load the tables it reads through ``client``, and run it."""
    check_query(sql, params)
    frames = load_report_frames(client, tables_needed(sql), progress)
    with ReportEngine(frames) as engine:
        return engine.run(sql, params)

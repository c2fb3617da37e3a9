"""DuckDB, in process and locked down, over the loaded frames.

A report reads the loaded tables and nothing else: the connection has external access
off (no files, no URLs: ``read_csv``, ``COPY``, ``ATTACH``, ``INSTALL`` are refused by
DuckDB itself), no extension auto-install or auto-load, no scans of Python variables,
no spill directory, and its configuration is locked once the tables are registered.
On top of that only a single SELECT statement runs, and a watchdog interrupts a query
that runs longer than the time limit.

``customer_360`` is built the first time a query reads it (within that query's time
limit) and registered as an Arrow table, so that every later query over it is a scan.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType

import duckdb
import pandas as pd
import pyarrow as pa

from emporix_data.reports.catalog import (
    CUSTOMER_360,
    QUERYABLE,
    TABLE_SCHEMAS,
    customer_360_sql,
    quote,
    table_names,
)
from emporix_data.reports.errors import ReportError, report_error

DEFAULT_TIME_LIMIT_S = 30.0
DISPLAY_ROWS = 10_000

LOCKED_CONFIG: dict[str, str | bool | int | float] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "python_enable_replacements": False,
    "temp_directory": "",
}


@dataclass(frozen=True)
class ReportResult:
    """A query's whole result; pages show the first ``display_rows`` and download it all."""

    frame: pd.DataFrame
    elapsed_s: float
    display_rows: int = DISPLAY_ROWS

    @property
    def capped(self) -> bool:
        return len(self.frame) > self.display_rows

    @property
    def shown(self) -> pd.DataFrame:
        return self.frame.head(self.display_rows)


def locked_connection(tables: Mapping[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with ``tables`` registered, then locked.

    External access is off from the start; registering Arrow tables needs none.
    Settings that must differ from the defaults are made before the lock.
    """
    connection = duckdb.connect(":memory:", config=dict(LOCKED_CONFIG))
    connection.execute("SET TimeZone = 'UTC'")
    for name, table in tables.items():
        connection.register(name, table)
    connection.execute("SET lock_configuration = true")
    return connection


_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow: zero-copy for Arrow-backed text, one copy for masked numbers.

    A column Arrow cannot type (mixed values in an object column) becomes text.
    Nanosecond timestamps become microseconds (the API gives milliseconds), so that
    DuckDB sees its ordinary ``TIMESTAMP WITH TIME ZONE``, not ``TIMESTAMPTZ_NS``.
    """
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except _ARROW_ERRORS:
        arrays = {}
        for name in frame.columns:
            try:
                arrays[str(name)] = pa.array(frame[name], from_pandas=True)
            except _ARROW_ERRORS:
                arrays[str(name)] = pa.array(frame[name].astype("string"), from_pandas=True)
        table = pa.table(arrays)
    for position, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.unit == "ns":
            micros = pa.timestamp("us", field.type.tz)
            column = table.column(position).cast(micros, safe=False)
            table = table.set_column(position, pa.field(field.name, micros), column)
    return table


_NULLABLE: dict[pa.DataType, object] = {
    pa.bool_(): pd.BooleanDtype(),
    **{kind(): pd.Int64Dtype() for kind in (pa.int8, pa.int16, pa.int32, pa.int64)},
    **{kind(): pd.Int64Dtype() for kind in (pa.uint8, pa.uint16, pa.uint32)},
}


def result_frame(table: pa.Table) -> pd.DataFrame:
    """A result as pandas with the dashboard's dtypes: nullable booleans and integers,
    UTC timestamps kept, dates as timestamps; decimals (``sum`` of integers, ``1.5``) as
    plain numbers."""
    for position, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            column = table.column(position)
            try:
                converted = column.cast(pa.int64()) if field.type.scale == 0 else None
            except pa.ArrowInvalid:
                converted = None
            if converted is None:
                converted = column.cast(pa.float64())
            table = table.set_column(position, field.name, converted)
    frame: pd.DataFrame = table.to_pandas(types_mapper=_NULLABLE.get, date_as_object=False)
    return frame


class ReportEngine:
    """Runs report SQL over the loaded frames; tables not loaded are empty, not missing."""

    def __init__(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        display_rows: int = DISPLAY_ROWS,
    ) -> None:
        unknown = sorted(set(frames) - TABLE_SCHEMAS.keys())
        if unknown:
            raise ValueError(f"no report table named {', '.join(unknown)}")
        self.loaded = frozenset(frames)
        self.time_limit_s = time_limit_s
        self.display_rows = display_rows
        self._tables = {
            name: arrow_table(frames[name] if name in frames else schema.empty_frame())
            for name, schema in TABLE_SCHEMAS.items()
        }
        self._connection = locked_connection(self._tables)
        self._customer_360_sql = customer_360_sql(self._tables["customers"].column_names)
        self._customer_360: pa.Table | None = None
        self._run_lock = threading.Lock()
        self._watch_lock = threading.Lock()
        self._running: object | None = None

    def __enter__(self) -> ReportEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    @property
    def tables(self) -> tuple[str, ...]:
        return QUERYABLE

    def column_types(self, table: str) -> dict[str, str]:
        """A table's (or ``customer_360``'s) columns and their DuckDB types, in order."""
        if table not in QUERYABLE:
            raise ReportError(f"Unknown table {table}: the tables are {', '.join(QUERYABLE)}")
        # Bound, not run: customer_360's types without building it.
        source = f"({self._customer_360_sql})" if table == CUSTOMER_360 else quote(table)
        with self._run_lock:
            relation = self._connection.sql(f"SELECT * FROM {source}")
            pairs = zip(relation.columns, relation.types, strict=True)
            return {name: str(kind) for name, kind in pairs}

    def run(self, sql: str, params: Mapping[str, object] | None = None) -> ReportResult:
        """The result of one SELECT, or a one-line ``ReportError``."""
        with self._run_lock:
            self._check_statement(sql)
            token = object()
            watchdog = threading.Timer(self.time_limit_s, self._interrupt, (token,))
            watchdog.daemon = True
            started = time.perf_counter()
            with self._watch_lock:
                self._running = token
            watchdog.start()
            try:
                if self._customer_360 is None and CUSTOMER_360 in table_names(sql):
                    built = self._connection.sql(self._customer_360_sql).to_arrow_table()
                    self._connection.register(CUSTOMER_360, built)
                    self._customer_360 = built
                table = self._connection.sql(sql, params=dict(params or {})).to_arrow_table()
            except duckdb.InterruptException:
                raise ReportError(
                    f"Stopped: the query ran longer than the {self.time_limit_s:g} s limit"
                ) from None
            except duckdb.Error as exc:
                raise report_error(exc) from None
            finally:
                with self._watch_lock:
                    self._running = None
                watchdog.cancel()
            try:
                frame = result_frame(table)
            except pa.ArrowException as exc:
                raise ReportError(f"The result cannot be shown as a table: {exc}") from None
            return ReportResult(frame, time.perf_counter() - started, self.display_rows)

    def _check_statement(self, sql: str) -> None:
        try:
            statements = self._connection.extract_statements(sql)
        except duckdb.Error as exc:
            raise report_error(exc) from None
        if not statements:
            raise ReportError("The query is empty")
        if len(statements) > 1:
            raise ReportError(f"A report is one query; this text holds {len(statements)}")
        kind = statements[0].type
        if kind != duckdb.StatementType.SELECT:
            raise ReportError(
                f"Refused: a report runs one SELECT query, not {_first_word(statements[0])}"
            )

    def _interrupt(self, token: object) -> None:
        """Interrupt the query ``token`` names, only if it is still the one running."""
        with self._watch_lock:
            if self._running is token:
                self._connection.interrupt()


def _first_word(statement: duckdb.Statement) -> str:
    """The statement's own first word (INSTALL, PRAGMA: DuckDB's kind says LOAD, SET)."""
    text = re.sub(r"--[^\n]*|/\*.*?\*/", " ", statement.query, flags=re.DOTALL)
    word = re.search(r"[A-Za-z]+", text)
    return word.group().upper() if word else statement.type.name

"""Reports for people who do not write SQL: a typed spec -> the SQL it stands for.

Pick a table (or ``customer_360``), dimensions to group by (a date by month), measures
and filters; ``build_query`` checks them against the table's columns and writes the
SQL with quoted identifiers and filter values as parameters, never pasted into the
text. The page shows that SQL, so the query can be saved and edited as a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from emporix_data.reports.catalog import QUERYABLE, quote
from emporix_data.reports.errors import ReportError

Aggregate = Literal["count", "count_distinct", "sum", "avg", "min", "max"]
Operator = Literal["=", "!=", "<", "<=", ">", ">=", "contains", "in", "is empty", "is not empty"]
AGGREGATES: tuple[str, ...] = get_args(Aggregate)
OPERATORS: tuple[str, ...] = get_args(Operator)
_NUMBER_TYPES = (
    *("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL"),
    *("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"),
)
_ALIAS_PREFIX = {"count_distinct": "distinct", "avg": "average"}


@dataclass(frozen=True)
class Dimension:
    """A column to group by; ``grain="month"`` groups a date or timestamp by its month."""

    column: str
    grain: Literal["month"] | None = None

    @property
    def alias(self) -> str:
        return f"{self.column}Month" if self.grain else self.column


@dataclass(frozen=True)
class Measure:
    """An aggregate: ``count`` (of rows, or of a column's values), ``count_distinct``,
    ``sum``/``avg``/``min``/``max`` of a column."""

    aggregate: Aggregate
    column: str | None = None

    @property
    def alias(self) -> str:
        if self.column is None:
            return self.aggregate
        prefix = _ALIAS_PREFIX.get(self.aggregate, self.aggregate)
        return prefix + self.column[:1].upper() + self.column[1:]


@dataclass(frozen=True)
class Filter:
    """``column operator value``; ``in`` takes a list, ``is empty``/``is not empty`` none."""

    column: str
    operator: Operator
    value: object = None


@dataclass(frozen=True)
class QuerySpec:
    table: str
    dimensions: tuple[Dimension, ...] = ()
    measures: tuple[Measure, ...] = ()
    filters: tuple[Filter, ...] = ()
    limit: int | None = None


@dataclass(frozen=True)
class BuiltQuery:
    sql: str
    params: dict[str, object] = field(default_factory=dict)


def build_query(spec: QuerySpec, columns: Mapping[str, str]) -> BuiltQuery:
    """The SQL of ``spec``; ``columns`` are the table's columns and DuckDB types
    (``ReportEngine.column_types``). Dimensions without measures count rows; neither
    lists the rows. Grouped results come by month in time order, else largest first."""
    if spec.table not in QUERYABLE:
        raise ReportError(f"Unknown table {spec.table}: the tables are {', '.join(QUERYABLE)}")
    params: dict[str, object] = {}
    where = [_condition(item, columns, params) for item in spec.filters]
    measures = spec.measures or ((Measure("count"),) if spec.dimensions else ())
    selected = [_dimension(item, columns) for item in spec.dimensions]
    selected += [_measure(item, columns) for item in measures]
    aliases = [item.alias for item in spec.dimensions] + [item.alias for item in measures]
    duplicates = sorted({alias for alias in aliases if aliases.count(alias) > 1})
    if duplicates:
        raise ReportError(f"The builder has {', '.join(duplicates)} more than once")
    lines = [f"SELECT {', '.join(selected) or '*'}", f"FROM {quote(spec.table)}"]
    if where:
        lines.append("WHERE " + "\n  AND ".join(where))
    if spec.dimensions:
        lines.append("GROUP BY " + ", ".join(str(n) for n in range(1, len(spec.dimensions) + 1)))
        lines.append("ORDER BY " + _order(spec.dimensions, measures))
    if spec.limit is not None:
        if spec.limit < 1:
            raise ReportError("The row limit must be at least 1")
        lines.append(f"LIMIT {int(spec.limit)}")
    return BuiltQuery("\n".join(lines), params)


def _order(dimensions: tuple[Dimension, ...], measures: tuple[Measure, ...]) -> str:
    by_dimension = [quote(item.alias) for item in dimensions]
    if any(item.grain for item in dimensions):
        return ", ".join(by_dimension)
    return ", ".join([f"{quote(measures[0].alias)} DESC", *by_dimension])


def _column(name: str, columns: Mapping[str, str]) -> str:
    if name not in columns:
        raise ReportError(f"Unknown column {name}: the columns are {', '.join(columns)}")
    return columns[name].upper()


def _dimension(item: Dimension, columns: Mapping[str, str]) -> str:
    kind = _column(item.column, columns)
    if item.grain is None:
        return quote(item.column)
    if not kind.startswith(("DATE", "TIMESTAMP")):
        raise ReportError(f"{item.column} is not a date: it cannot be grouped by month")
    return f"CAST(date_trunc('month', {quote(item.column)}) AS DATE) AS {quote(item.alias)}"


def _measure(item: Measure, columns: Mapping[str, str]) -> str:
    if item.aggregate not in AGGREGATES:
        raise ReportError(f"Unknown measure {item.aggregate}: one of {', '.join(AGGREGATES)}")
    if item.column is None:
        if item.aggregate != "count":
            raise ReportError(f"{item.aggregate} needs a column")
        return f"count(*) AS {quote(item.alias)}"
    kind = _column(item.column, columns)
    column = quote(item.column)
    if item.aggregate in ("sum", "avg") and not kind.startswith(_NUMBER_TYPES):
        raise ReportError(f"{item.column} is not a number: it has no {item.aggregate}")
    if item.aggregate == "count_distinct":
        return f"count(DISTINCT {column}) AS {quote(item.alias)}"
    return f"{item.aggregate}({column}) AS {quote(item.alias)}"


def _condition(item: Filter, columns: Mapping[str, str], params: dict[str, object]) -> str:
    kind = _column(item.column, columns)
    column = quote(item.column)
    is_list = kind.endswith("[]")
    if item.operator == "is empty":
        return f"({column} IS NULL OR len({column}) = 0)" if is_list else f"{column} IS NULL"
    if item.operator == "is not empty":
        return f"len({column}) > 0" if is_list else f"{column} IS NOT NULL"
    if item.operator not in OPERATORS:
        raise ReportError(f"Unknown filter {item.operator}: one of {', '.join(OPERATORS)}")
    if item.value is None:
        raise ReportError(f"The filter on {item.column} needs a value")
    name = f"p{len(params) + 1}"
    params[name] = item.value
    if item.operator == "contains":
        if is_list:
            return f"list_contains({column}, ${name})"
        return f"contains(lower(CAST({column} AS VARCHAR)), lower(CAST(${name} AS VARCHAR)))"
    if is_list:
        raise ReportError(f"{item.column} is a list: filter it with contains or is empty")
    if item.operator == "in":
        if not isinstance(item.value, list | tuple) or not item.value:
            raise ReportError(f"The filter {item.column} in ... needs a list of values")
        params[name] = list(item.value)
        return f"list_contains(CAST(${name} AS {kind}[]), {column})"
    return f"{column} {item.operator} CAST(${name} AS {kind})"

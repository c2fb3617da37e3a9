"""What a report can read: the tables, their source schemas, and the ``customer_360`` view.

Table names are SQL-friendly (``contact_assignments``); their columns are the frame
schemas' column names, so a report reads what the dashboard shows. The view is built
from the customer columns actually loaded, so columns added to the customers frame
later (addresses, ``mixins.*``) appear in it without a change here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import duckdb

from emporix_data.frames import FrameSchema
from emporix_data.resources.contact_assignments import CONTACT_ASSIGNMENT_SCHEMA
from emporix_data.resources.customer_groups import CUSTOMER_GROUP_SCHEMA
from emporix_data.resources.customers import CUSTOMER_SCHEMA
from emporix_data.resources.legal_entities import LEGAL_ENTITY_SCHEMA
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA
from emporix_data.resources.segments import SEGMENT_SCHEMA

CUSTOMER_360 = "customer_360"

TABLE_SCHEMAS: dict[str, FrameSchema] = {
    "customers": CUSTOMER_SCHEMA,
    "contact_assignments": CONTACT_ASSIGNMENT_SCHEMA,
    "segment_memberships": MEMBERSHIP_SCHEMA,
    "customer_groups": CUSTOMER_GROUP_SCHEMA,
    "legal_entities": LEGAL_ENTITY_SCHEMA,
    "segments": SEGMENT_SCHEMA,
}
# customer_360 reads every table.
VIEW_SOURCES: dict[str, tuple[str, ...]] = {CUSTOMER_360: tuple(TABLE_SCHEMAS)}
QUERYABLE: tuple[str, ...] = (*TABLE_SCHEMAS, CUSTOMER_360)

# Customer columns the view leaves out: bookkeeping, not facts about the customer.
_LEFT_OUT = frozenset({"version"})


def quote(name: str) -> str:
    """``name`` as a SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def address_column(customer_columns: Sequence[str], part: str) -> str | None:
    """The loaded customer column holding an address ``part`` ("country" or "city").

    The first non-mixin column whose name contains the part (``addressCountry``,
    ``country``, ``defaultAddress.city``), or None while no address is loaded.
    """
    for name in customer_columns:
        if not name.startswith("mixins.") and part in name.lower():
            return name
    return None


def customer_360_sql(customer_columns: Sequence[str]) -> str:
    """customer_360: one row per customer, its columns, and what the other tables say of it.

    Each source is aggregated per customer first, so the joins never multiply rows;
    segment names come from a map of the segments, looked up per customer.
    Lists are sorted, texts joined in sorted order: the same data gives the same row.
    A loaded customer column named like a derived one (``country``) is kept as it is.
    """
    kept = [name for name in customer_columns if name not in _LEFT_OUT]
    own = [f"c.{quote(name)}" for name in kept]
    derived = {
        "legalEntityIds": "coalesce(le.legalEntityIds, [])",
        "legalEntityNames": "le.legalEntityNames",
        "contactTypes": "le.contactTypes",
        "segmentIds": "coalesce(sm.segmentIds, [])",
        "segmentNames": "sm.segmentNames",
        "segmentCount": "CAST(coalesce(len(sm.segmentIds), 0) AS INTEGER)",
        "customerGroups": "cg.customerGroups",
    }
    for part in ("country", "city"):
        source = address_column(kept, part)
        derived[part] = f"CAST(c.{quote(source)} AS VARCHAR)" if source else "CAST(NULL AS VARCHAR)"
    selected = own + [f"{sql} AS {name}" for name, sql in derived.items() if name not in kept]
    columns = ",\n    ".join(selected)
    entity_name = "coalesce(e.name, ca.legalEntityName, ca.legalEntityId)"
    return f"""
WITH le AS (
    SELECT ca.customerId,
        {_distinct("ca.legalEntityId")} AS legalEntityIds,
        {_joined(entity_name, "; ")} AS legalEntityNames,
        {_joined("ca.type", ", ")} AS contactTypes
    FROM contact_assignments ca
    LEFT JOIN legal_entities e ON e.id = ca.legalEntityId
    GROUP BY ca.customerId
),
segment_ids AS (
    SELECT customerId, {_distinct("segmentId")} AS segmentIds
    FROM segment_memberships
    GROUP BY customerId
),
segment_names AS (
    SELECT map(list(id), list(name)) AS names
    FROM (
        SELECT id, min(name) AS name FROM segments
        WHERE id IS NOT NULL AND name IS NOT NULL
        GROUP BY id
    )
),
sm AS (
    SELECT i.customerId, i.segmentIds,
        {_listed_names("i.segmentIds", "n.names", "; ")} AS segmentNames
    FROM segment_ids i, segment_names n
),
cg AS (
    SELECT customerId, {_joined("groupId", ", ")} AS customerGroups
    FROM customer_groups
    GROUP BY customerId
)
SELECT
    {columns}
FROM customers c
LEFT JOIN le ON le.customerId = c.customerNumber
LEFT JOIN sm ON sm.customerId = c.customerNumber
LEFT JOIN cg ON cg.customerId = c.customerNumber
"""


def _distinct(value: str) -> str:
    """The distinct values of a group as a sorted list; ``list_distinct`` drops NULLs."""
    return f"list_sort(list_distinct(list({value})))"


def _listed_names(ids: str, names: str, separator: str) -> str:
    """The names of a list of ids from a map (an id without a name as itself), distinct,
    sorted and joined (NULL when there are none).

    Naming each customer's few ids from the map of the (few) segments is faster than
    joining every membership row to its segment before grouping.
    """
    named = f"list_transform({ids}, lambda id: coalesce({names}[id], id))"
    return f"nullif(array_to_string(list_sort(list_distinct({named})), '{separator}'), '')"


def _joined(value: str, separator: str) -> str:
    """The distinct values of a group, sorted and joined (NULL when there are none).

    Sorting a list is faster in DuckDB than an ordered ``string_agg``.
    """
    return f"nullif(array_to_string({_distinct(value)}, '{separator}'), '')"


# Parameters ($name, $1, ?) and what to skip when looking for them: strings, quoted
# identifiers, comments, $$-quoted strings.
_TOKENS = re.compile(
    r"""(?P<skipped>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|\$\$.*?\$\$)
    |(?<![\w$])\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?<![\w$])\$[0-9]+
    |\?""",
    re.DOTALL | re.VERBOSE,
)


def table_names(sql: str) -> frozenset[str]:
    """The table names a query mentions, lower-cased; none for text that is not SQL.

    DuckDB lists the tables of a query without parameters only: each becomes NULL first.
    """
    without_parameters = _TOKENS.sub(
        lambda match: match.group(0) if match.group("skipped") else "NULL", sql
    )
    try:
        return frozenset(name.lower() for name in duckdb.get_table_names(without_parameters))
    except duckdb.Error:
        return frozenset()


def tables_needed(sql: str) -> list[str]:
    """The tables a query reads, in catalog order, ``customer_360`` as its sources.

    Names the catalog does not know are left out: running the query names them.
    Text that is not SQL needs no tables (running it reports the syntax error).
    """
    named = table_names(sql)
    wanted = set(named)
    for view, sources in VIEW_SOURCES.items():
        if view in named:
            wanted.update(sources)
    return [name for name in TABLE_SCHEMAS if name in wanted]


def parameters_in(sql: str) -> tuple[str, ...]:
    """The named parameters (``$segment``) a query uses, in order of first use.

    Strings, quoted identifiers and comments are skipped: ``'$5'`` is no parameter.
    """
    found = (match.group("name") for match in _TOKENS.finditer(sql))
    return tuple(dict.fromkeys(name for name in found if name))


def inline_parameters(sql: str, params: Mapping[str, object]) -> str:
    """``sql`` with each ``$name`` of ``params`` written as a SQL literal, to be read, edited
    or saved as a report without its values (strings, quoted identifiers and comments are
    left alone). Text is quoted with its quotes doubled; lists become ``[...]``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None or name not in params:
            return match.group(0)
        return sql_literal(params[name])

    return _TOKENS.sub(replace, sql)


def sql_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(sql_literal(item) for item in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"

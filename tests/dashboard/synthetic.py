"""Tables made up in memory, for component tests that need no API."""

from __future__ import annotations

from datetime import datetime

from emporix_data.tables import TABLES, LoadedTable
from emporix_data.workspace import TableState

CURRENCIES = ("EUR", "USD", "GBP")


def customers_table(n: int = 12) -> LoadedTable:
    table = TABLES["customers"]
    records = [
        {
            "customerNumber": f"{i:08d}",
            "contactEmail": f"c{i}@example.com",
            "firstName": f"First{i}",
            "lastName": f"Last{i}",
            "preferredCurrency": CURRENCIES[i % len(CURRENCIES)],
            "metadata": {"version": 1},
        }
        for i in range(n)
    ]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def groups_table(site: str, customers: list[str]) -> LoadedTable:
    table = TABLES["customer-groups"]
    records = [{"site": site, "customerId": c, "groupId": "retail"} for c in customers]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})


def started(loaded: LoadedTable, site: str | None = None) -> TableState:
    """A table state of tenant ``demo`` with ``loaded`` as its load."""
    state = TableState(loaded.table.name, "demo", site)
    state.start(loaded, datetime(2026, 12, 1, 9, 30))
    return state


def memberships_table(members: list[tuple[str, str, str | None]]) -> LoadedTable:
    """Memberships (segment, customer, legal entity) as loaded."""
    table = TABLES["segment-memberships"]
    records = [
        {"segmentId": s, "customer": {"id": c}, "legalEntity": {"id": e} if e else None}
        for s, c, e in members
    ]
    return LoadedTable(table, table.schema, table.schema.to_frame(records), {})

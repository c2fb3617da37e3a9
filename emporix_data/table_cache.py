"""Loaded tables shared by every session of one dashboard process.

Loading 100,000 customers takes seconds; a second browser tab, a colleague on the same
server, or the Overview after the Customers page should not pay them again. A loaded
table is read-only (each session edits its own ``Workspace``, a copy of the frame), so
one load can serve every session of the same connection: API URL, tenant, credentials'
client id, table and site. A session that reloads or pushes replaces the shared table
with what it loaded; pushes still re-read live documents before writing, so a table
loaded earlier by another session never overwrites anyone's newer change.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from emporix_data.client import EmporixClient
from emporix_data.pagination import ProgressCallback
from emporix_data.tables import LoadedTable, load_table

# api url, tenant, client id, table, site ("" for tables that are not per site)
TableKey = tuple[str, str, str, str, str]
# The client and site a table is loaded with.
Where = tuple[EmporixClient, str | None]
# A table's load progress: its name, rows so far, rows in all (where known).
TablesProgress = Callable[[str, int, int | None], None]


def table_key(client: EmporixClient, name: str, site: str | None) -> TableKey:
    settings = client.settings
    return (settings.base_url, settings.tenant, settings.client_id, name, site or "")


class TableCache:
    """The tables loaded in this process, by connection, table and site. Thread-safe: a
    table that several sessions ask for at once is loaded once."""

    def __init__(self) -> None:
        self._tables: dict[TableKey, LoadedTable] = {}
        self._locks: dict[TableKey, threading.Lock] = {}
        self._guard = threading.Lock()

    def cached(self, key: TableKey) -> LoadedTable | None:
        return self._tables.get(key)

    def get(
        self,
        client: EmporixClient,
        name: str,
        site: str | None,
        progress: ProgressCallback | None = None,
    ) -> LoadedTable:
        """The table as last loaded here, else loaded now."""
        key = table_key(client, name, site)
        with self._lock(key):
            loaded = self._tables.get(key)
            if loaded is None:
                loaded = self._tables[key] = load_table(client, name, progress)
            return loaded

    def reload(
        self,
        client: EmporixClient,
        name: str,
        site: str | None,
        progress: ProgressCallback | None = None,
    ) -> LoadedTable:
        """The table loaded from the API now; every session's next start gets it."""
        key = table_key(client, name, site)
        with self._lock(key):
            loaded = self._tables[key] = load_table(client, name, progress)
            return loaded

    def get_many(
        self, wanted: Mapping[str, Where], progress: TablesProgress
    ) -> dict[str, LoadedTable]:
        """Several tables (by name: the client and site to load each with), those not
        loaded here yet loaded concurrently. ``progress`` is called on the calling thread
        (a page's script can draw it) as each of those moves on."""
        moves: queue.Queue[tuple[str, int, int | None] | None] = queue.Queue()

        def load(name: str) -> LoadedTable:
            try:
                client, site = wanted[name]
                return self.get(
                    client, name, site, lambda done, total: moves.put((name, done, total))
                )
            finally:
                moves.put(None)

        with ThreadPoolExecutor(max_workers=max(1, len(wanted))) as pool:
            futures: dict[str, Future[LoadedTable]] = {
                name: pool.submit(load, name) for name in wanted
            }
            for _ in futures:
                while (move := moves.get()) is not None:
                    progress(*move)
            return {name: future.result() for name, future in futures.items()}

    def _lock(self, key: TableKey) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

"""Loaded tables shared by every session of one dashboard process.

Loading 100,000 customers takes seconds; a second browser tab, a colleague on the same
server, or the Overview after the Customers page should not pay them again. A loaded
table is read-only (each session edits its own ``Workspace``, a copy of the frame), so
one load can serve every session of the same connection: API URL, tenant, credentials'
client id, table and site. A session that reloads or pushes replaces the shared table
with what it loaded; pushes still re-read live documents before writing, so a table
loaded earlier by another session never overwrites anyone's newer change. A table
is shared for ``Settings.shared_table_s`` after it was loaded (ten minutes by default),
then loaded again by the next session that asks.
"""

from __future__ import annotations

import queue
import threading
import time
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
        self._tables: dict[TableKey, tuple[LoadedTable, float]] = {}  # and when loaded
        self._locks: dict[TableKey, threading.Lock] = {}
        self._guard = threading.Lock()

    def cached(self, client: EmporixClient, name: str, site: str | None) -> LoadedTable | None:
        """The table as loaded here, while it is shared (see the module's docstring)."""
        kept = self._tables.get(table_key(client, name, site))
        if kept is None or time.monotonic() - kept[1] >= client.settings.shared_table_s:
            return None
        return kept[0]

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
            loaded = self.cached(client, name, site)
            if loaded is None:
                loaded = self._load(key, client, name, progress)
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
            return self._load(key, client, name, progress)

    def forget(self, name: str) -> None:
        """Drop every loaded ``name`` table (any connection, any site): a push made
        elsewhere (an undo, a fix) changed it, and the next session loads it again."""
        with self._guard:
            for key in [key for key in self._tables if key[3] == name]:
                del self._tables[key]

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

    def _load(
        self, key: TableKey, client: EmporixClient, name: str, progress: ProgressCallback | None
    ) -> LoadedTable:
        loaded = load_table(client, name, progress)
        self._tables[key] = (loaded, time.monotonic())
        return loaded

    def _lock(self, key: TableKey) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

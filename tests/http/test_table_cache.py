"""The tables a dashboard process shares: one load per connection and table while it is
shared, a load again once it is older than ``shared_table_s``, after a reload and after
a push made elsewhere."""

from __future__ import annotations

import threading

from emporix_data.client import EmporixClient
from emporix_data.table_cache import TableCache

CUSTOMERS = "GET /customer/{tenant}/customers"


def test_a_table_is_loaded_once_while_shared_and_again_when_reloaded_or_forgotten(client, admin):
    tables = TableCache()
    first = tables.get(client, "customers", None)
    admin.reset_stats()
    assert tables.get(client, "customers", None) is first
    assert tables.cached(client, "customers", None) is first
    assert admin.count(CUSTOMERS) == 0
    reloaded = tables.reload(client, "customers", None)
    assert reloaded is not first and tables.get(client, "customers", None) is reloaded
    tables.forget("customers")
    assert tables.cached(client, "customers", None) is None
    assert tables.get(client, "customers", None) is not reloaded


def test_a_table_older_than_its_sharing_time_is_loaded_again(make_settings, admin):
    with EmporixClient(make_settings(shared_table_s=0)) as client:
        tables = TableCache()
        first = tables.get(client, "customers", None)
        assert tables.cached(client, "customers", None) is None
        assert tables.get(client, "customers", None) is not first


def test_several_tables_load_concurrently_with_progress_on_the_calling_thread(client):
    tables, moves = TableCache(), []
    caller = threading.current_thread()

    def progress(name: str, done: int, total: int | None) -> None:
        assert threading.current_thread() is caller
        moves.append(name)

    wanted = {name: (client, None) for name in ("customers", "segment-memberships")}
    loaded = tables.get_many(wanted, progress)
    assert list(loaded) == ["customers", "segment-memberships"]
    assert set(moves) == {"customers", "segment-memberships"}
    assert tables.get_many(wanted, progress) == loaded

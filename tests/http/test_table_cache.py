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


def test_tables_loading_at_once_share_the_clients_bound_on_requests_in_flight(make_settings, admin):
    """The Overview loads its tables together through one client: together they send no
    more requests at a time than the client's concurrency allows."""
    wanted = ("customers", "segment-memberships", "contact-assignments")
    with EmporixClient(make_settings(concurrency=2, page_size=10)) as client, admin.latency(20):
        admin.reset_stats()
        loaded = TableCache().get_many({name: (client, None) for name in wanted}, lambda *_: None)
        stats = admin.stats()
    assert len(loaded["customers"].frame) == 120
    assert stats["peak_in_flight"] == 2

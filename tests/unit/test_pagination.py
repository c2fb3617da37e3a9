"""The pager never stops short without a word: a server's page cap is learned and paged
with, and a count that differs from the API's total is said."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

import httpx
import pytest

from emporix_data.pagination import PageSizes, fetch_all, recorded_warnings


class ListServer:
    """A list endpoint of ``count`` items that serves at most ``cap`` per page (counting
    pages in the size it serves) and, with ``total``, answers ``X-Total-Count``."""

    def __init__(self, count: int, cap: int | None = None, total: int | None = None) -> None:
        self.items = list(range(count))
        self.cap = cap
        self.total = total
        self.asked: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def request(self, method, path, *, params=None, json=None, headers=None):
        number, size = params["pageNumber"], params["pageSize"]
        with self.lock:
            self.asked.append((number, size))
        served = min(size, self.cap or size)
        page = self.items[(number - 1) * served : number * served]
        answer = {} if self.total is None else {"X-Total-Count": str(self.total)}
        return httpx.Response(200, content=_json(page), headers=answer)


def _json(items: list[int]) -> bytes:
    return json.dumps(items).encode()


def client_for(server: ListServer, page_size: int = 1000) -> SimpleNamespace:
    settings = SimpleNamespace(page_size=page_size, concurrency=4)
    return SimpleNamespace(settings=settings, page_sizes=PageSizes(), request=server.request)


def every_item(client: SimpleNamespace, total_header: bool = False) -> list[int]:
    return fetch_all(client, "/things", json.loads, total_header=total_header)


@pytest.mark.parametrize("total_header", [False, True])
def test_a_capped_server_is_paged_at_its_cap_and_every_item_comes_back(total_header):
    server = ListServer(2_350, cap=100, total=2_350 if total_header else None)
    client = client_for(server)
    assert every_item(client, total_header) == list(range(2_350))
    assert server.asked[0] == (1, 1000)
    assert {size for _, size in server.asked[1:]} == {100}
    assert client.page_sizes.size_for("/things", 1000) == 100, "the cap is remembered"
    server.asked.clear()
    assert every_item(client, total_header) == list(range(2_350))
    assert {size for _, size in server.asked} == {100}, "the next load asks for the cap at once"


def test_a_short_first_page_without_a_total_is_checked_by_one_more_page():
    server = ListServer(37)
    client = client_for(server)
    assert every_item(client) == list(range(37))
    assert server.asked == [(1, 1000), (2, 37)]


def test_a_first_page_holding_every_item_the_query_can_match_ends_the_list():
    server = ListServer(37)
    assert fetch_all(client_for(server), "/things", json.loads, at_most=37) == list(range(37))
    assert server.asked == [(1, 1000)]
    server.asked.clear()
    assert fetch_all(client_for(server), "/things", json.loads, at_most=40) == list(range(37))
    assert server.asked == [(1, 1000), (2, 37)], "3 of 40 missing: a cap of 37 or the end"


def test_a_short_first_page_on_a_path_that_served_full_pages_ends_the_list():
    server = ListServer(120)
    client = client_for(server, page_size=50)
    assert every_item(client) == list(range(120))
    server.items = list(range(7))
    server.asked.clear()
    assert every_item(client) == list(range(7))
    assert server.asked == [(1, 50)]


def test_a_total_within_the_first_page_needs_no_second_request():
    server = ListServer(37, total=37)
    assert every_item(client_for(server), total_header=True) == list(range(37))
    assert server.asked == [(1, 1000)]


def test_a_capped_list_of_exactly_the_cap_ends_after_the_empty_probe():
    server = ListServer(100, cap=100)
    assert every_item(client_for(server)) == list(range(100))
    assert server.asked == [(1, 1000), (2, 100)]


def test_a_count_that_differs_from_the_total_is_said(caplog):
    server = ListServer(180, total=200)
    with recorded_warnings() as warnings:
        items = every_item(client_for(server, page_size=50), total_header=True)
    assert len(items) == 180
    assert warnings == [
        "/things: the API counted 200 items but returned 180; the list may be incomplete "
        "(or changed while it was read): load it again to check"
    ]
    assert any(r.levelname == "WARNING" and "counted 200" in r.getMessage() for r in caplog.records)
    with recorded_warnings() as none:
        every_item(client_for(ListServer(180, total=180), page_size=50), total_header=True)
    assert none == []

"""The peers every load is set beside, measured in the same run against the same server.

The floor: the very requests our load made (as the sandbox recorded them), sent with
the same concurrency, each body parsed with the fastest JSON parser available here and
nothing else built: what the network and a parser allow. The script: pages of our size
one after another, parsed with the stdlib, next page while a page is full: what a loop
over the public TypeScript SDK (``listCustomers`` per page) or over ``requests`` does.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import msgspec

from emporix_data.retry import parse_retry_after

Parser = Callable[[bytes], Any]
# The settings' page size: what our loads ask for, and so what the script asks for.
SCRIPT_PAGE = 1000


def parsers() -> dict[str, Parser]:
    """The JSON parsers importable here (orjson where it is installed)."""
    found: dict[str, Parser] = {"msgspec": msgspec.json.decode, "json": json.loads}
    with contextlib.suppress(ImportError):
        found["orjson"] = importlib.import_module("orjson").loads
    return found


def fastest_parser(sample: bytes) -> tuple[str, Parser]:
    """The parser that reads ``sample`` (a page of the load) fastest, measured now."""
    timings = {
        name: min(timeit.repeat(partial(parse, sample), number=3, repeat=3))
        for name, parse in parsers().items()
    }
    name = min(timings, key=lambda candidate: timings[candidate])
    return name, parsers()[name]


@dataclass(frozen=True)
class Walk:
    """What a peer did: requests it sent (429s included), items it parsed, 429s it got."""

    requests: int
    items: int
    throttled: int = 0


def recorded_gets(requests: Sequence[str]) -> list[str]:
    """The distinct GET targets (``/path?query``) among the sandbox's recorded requests,
    in order: a page refused with 429 and asked again is one request of the load."""
    targets = [line.split(" ", 1)[1] for line in requests if line.startswith("GET ")]
    return list(dict.fromkeys(target for target in targets if "/oauth/" not in target))


def replay(http: httpx.Client, targets: Sequence[str], parse: Parser, concurrency: int) -> Walk:
    """Every target fetched with ``concurrency`` workers and its body parsed; a 429 is
    waited out as its ``Retry-After`` says and the target asked again."""

    def fetch(target: str) -> tuple[int, int]:
        sent = 0
        while True:
            response = http.get(target)
            sent += 1
            if response.status_code != 429:
                response.raise_for_status()
                body = parse(response.content)
                return sent, len(body) if isinstance(body, list) else 1
            time.sleep(parse_retry_after(response.headers.get("Retry-After")) or 1.0)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        done = list(pool.map(fetch, targets))
    sent = sum(count for count, _ in done)
    return Walk(sent, sum(items for _, items in done), sent - len(targets))


def script_pages(http: httpx.Client, path: str, params: dict[str, str] | None = None) -> Walk:
    """Pages of ``SCRIPT_PAGE`` one after another, stdlib ``json``, until a short page."""
    pages = list(_pages(http, path, params))
    return Walk(len(pages), sum(len(page) for page in pages))


def script_memberships(
    http: httpx.Client, segments_path: str, members_path: Callable[[str], str]
) -> Walk:
    """The segments, then each segment's members, page after page (stdlib ``json``)."""
    segment_pages = list(_pages(http, segments_path))
    requests, items = len(segment_pages), 0
    for page in segment_pages:
        for segment in page:
            walk = script_pages(http, members_path(segment["id"]))
            requests, items = requests + walk.requests, items + walk.items
    return Walk(requests, items)


def _pages(
    http: httpx.Client, path: str, params: dict[str, str] | None = None
) -> Iterator[list[Any]]:
    number = 1
    while True:
        query = {**(params or {}), "pageNumber": str(number), "pageSize": str(SCRIPT_PAGE)}
        response = http.get(path, params=query)
        response.raise_for_status()
        page: list[Any] = json.loads(response.content)
        yield page
        if len(page) < SCRIPT_PAGE:
            return
        number += 1

"""The naive client the benchmark compares against: what an obvious script would do.

It fetches pages of the API's default size one after another, writes one request per
row, and diffs a table row by row. Where its requests would take minutes, a sample of
them is timed and scaled to all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd

from emporix_data.bench.meter import Meter
from emporix_data.sandbox import SandboxProcess

# The page size the API uses when none is asked for: customer-service.yml says 60.
CUSTOMERS_DEFAULT_PAGE = 60
# An assumption: customer-segments.yml names no default; customer-management.yml (a
# sibling service of the same vendor) says 16.
MEMBERSHIPS_DEFAULT_PAGE = 16


def naive_http(sandbox: SandboxProcess) -> httpx.Client:
    """A plain HTTP client with a bearer token for the sandbox's tenant."""
    config = sandbox.config
    token = httpx.post(
        f"{sandbox.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": config.client_id,
            "client_secret": config.client_secret,
        },
    ).json()["access_token"]
    return httpx.Client(
        base_url=sandbox.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )


@dataclass(frozen=True)
class NaivePages:
    """Pages fetched in order: their items, how many requests, whether the last was short."""

    items: list[Any]
    requests: int
    complete: bool


def naive_pages(http: httpx.Client, path: str, page_size: int, max_requests: int) -> NaivePages:
    """Sequential pages until a short one, or until ``max_requests`` were sent."""
    items: list[Any] = []
    for page in range(1, max_requests + 1):
        batch = http.get(path, params={"pageNumber": page, "pageSize": page_size}).json()
        items.extend(batch)
        if len(batch) < page_size:
            return NaivePages(items, page, True)
    return NaivePages(items, max_requests, False)


@dataclass(frozen=True)
class NaiveSegments:
    """Segments walked whole, one after another, and the memberships read."""

    segments: int
    items: int


def naive_memberships(
    http: httpx.Client, segments_path: str, member_paths: Sequence[str], max_requests: int
) -> NaiveSegments:
    """The segment list, then each segment's pages in turn until a short one; stops
    after the segment during which ``max_requests`` were reached."""
    http.get(segments_path).raise_for_status()
    sent = 1
    items = 0
    for walked, path in enumerate(member_paths, start=1):
        page = naive_pages(http, path, MEMBERSHIPS_DEFAULT_PAGE, max_requests=10**9)
        sent, items = sent + page.requests, items + len(page.items)
        if sent >= max_requests:
            return NaiveSegments(walked, items)
    return NaiveSegments(len(member_paths), items)


@dataclass(frozen=True)
class NaiveTiming:
    """Seconds for all the requests; the note says when they were scaled from a sample."""

    seconds: float
    note: str


def timed_sample(
    meter: Meter, requests: Sequence[Callable[[], Any]], sample: int, total: int
) -> NaiveTiming:
    """Time the first ``sample`` of ``requests`` (all if fewer), scaled to ``total``."""
    sent = requests[:sample]

    def send() -> None:
        for request in sent:
            request()

    seconds = meter.run(send).seconds
    if len(sent) >= total:
        return NaiveTiming(seconds, "")
    return NaiveTiming(seconds * total / len(sent), f"{len(sent):,} timed, scaled to {total:,}")


def naive_changed_rows(original: pd.DataFrame, edited: pd.DataFrame) -> int:
    """Changed customers, found by comparing row dicts one by one."""
    before = {r["customerNumber"]: r for r in original.to_dict("records")}
    changed = 0
    for record in edited.to_dict("records"):
        old = before[record["customerNumber"]]
        changed += any(
            not (pd.isna(old[k]) and pd.isna(v)) and old[k] != v for k, v in record.items()
        )
    return changed

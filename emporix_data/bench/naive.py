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

# The page sizes the API uses when none is asked for (customer-service.yml, customer-segments.yml).
CUSTOMERS_DEFAULT_PAGE = 60
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


def naive_request_count(rows: int, page_size: int) -> int:
    """Requests a sequential pager needs: full pages, then a short (maybe empty) one."""
    return rows // page_size + 1


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

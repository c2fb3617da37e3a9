"""A client for the sandbox's test-only admin routes under ``/_sandbox/``.

Tests and the benchmark drive the sandbox through it: reseed the tenant, read and zero
the request counters, inject faults, expire every token. It speaks plain HTTP to a
running sandbox, like any client, and imports nothing of the server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Required, TypedDict

import httpx


class QueuedFault(TypedDict, total=False):
    """A deterministic fault for the next ``count`` requests that match."""

    kind: Required[str]
    count: int
    method: str | None
    path_contains: str | None
    retry_after: float | None


class Faults(TypedDict):
    """The fault settings, as ``/_sandbox/faults`` reads and writes them; with the quirks
    of a server (``max_page_size``: a page cap or None; ``multi_status``: ``"exact"`` or
    ``"one_based_incomplete"``) and its rate limit (``rate_limit_per_s``: None for none,
    with bursts of ``rate_limit_burst``)."""

    latency_ms: int
    fault_rate: float
    fault_kinds: list[str]
    retry_after_s: float
    slow_ms: int
    seed: int
    queued: list[QueuedFault]
    max_page_size: int | None
    multi_status: str
    rate_limit_per_s: float | None
    rate_limit_burst: int


class Stats(TypedDict):
    """What clients did since the last reset: requests by route template, answers by
    status (as text), requests in flight now and at most, the raw paths received, and
    the requests as ``"GET /path?query"`` (the last 10,000 of each)."""

    total: int
    by_route: dict[str, int]
    by_status: dict[str, int]
    in_flight: int
    peak_in_flight: int
    raw_paths: list[str]
    requests: list[str]


class SandboxAdmin:
    """The admin routes of the sandbox at ``url``.

    ``seed_sizes`` are the tenant sizes every :meth:`reset` reseeds with unless it is
    given others (tests keep their tenant small).
    """

    def __init__(
        self, url: str, *, seed_sizes: Mapping[str, int] | None = None, timeout: float = 30
    ) -> None:
        self.http = httpx.Client(base_url=url, timeout=timeout)
        self.seed_sizes = dict(seed_sizes or {})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SandboxAdmin:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def reset(self, **sizes: int) -> None:
        """Fresh seeded data, zeroed counters, the faults and quirks the server started
        with (none, unless its options set some)."""
        body = {**self.seed_sizes, **sizes}
        self.http.post("/_sandbox/reset", json=body).raise_for_status()

    def stats(self) -> Stats:
        response = self.http.get("/_sandbox/stats")
        response.raise_for_status()
        stats: Stats = response.json()
        return stats

    def count(self, route: str) -> int:
        """Requests to one route template (``"GET /customer/{tenant}/customers"``)."""
        return self.stats()["by_route"].get(route, 0)

    def reset_stats(self) -> None:
        self.http.post("/_sandbox/stats/reset").raise_for_status()

    def faults(self) -> Faults:
        response = self.http.get("/_sandbox/faults")
        response.raise_for_status()
        faults: Faults = response.json()
        return faults

    def set_faults(self, faults: Faults) -> None:
        self.http.put("/_sandbox/faults", json=faults).raise_for_status()

    def queue(self, *faults: QueuedFault) -> None:
        """Replace the queued faults, keeping the other settings."""
        current = self.faults()
        current["queued"] = list(faults)
        self.set_faults(current)

    def behave(self, *, max_page_size: int | None = None, multi_status: str = "exact") -> None:
        """Serve like a server with a page cap, or with 207 answers numbered from 1 that
        leave an entry out; until the next :meth:`reset`."""
        current = self.faults()
        current["max_page_size"] = max_page_size
        current["multi_status"] = multi_status
        self.set_faults(current)

    @contextlib.contextmanager
    def latency(self, ms: int) -> Iterator[None]:
        """``ms`` of injected latency for the block; the settings as found after it."""
        found = self.faults()
        changed = found.copy()
        changed["latency_ms"] = ms
        self.set_faults(changed)
        try:
            yield
        finally:
            self.set_faults(found)

    def expire_tokens(self) -> None:
        """Forget every issued token: the next request with one is answered 401."""
        self.http.post("/_sandbox/tokens/expire").raise_for_status()

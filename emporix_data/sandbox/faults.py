"""Fault injection: added latency, a rate of random faults, and queued deterministic ones;
and the quirks of servers a client must cope with.

Kinds: an HTTP status (``429`` with ``Retry-After``, ``5xx``); ``drop`` (connection closed,
request not processed); ``drop_after`` (processed, answer lost); ``slow`` (processed, but
answered only after ``slow_ms``, longer than a client's read timeout, so the client
cannot tell whether it was applied).

A rate limit: ``rate_limit_per_s`` (None: none) with bursts of ``rate_limit_burst``
requests, enforced by a token bucket (``ratelimit``), answered 429 with ``Retry-After``.

Quirks: ``max_page_size`` caps list pages (a larger ``pageSize`` is served with that
many items, and pages are counted in that size, as a server with a cap does);
``multi_status`` ``"one_based_incomplete"`` numbers 207 entries from 1 and leaves the
last item's entry out, an answer whose numbering cannot be told.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from emporix_data.sandbox.ratelimit import TokenBucket

FAULT_KINDS = ("429", "500", "502", "503", "504", "drop", "drop_after", "slow")
MULTI_STATUS_MODES = ("exact", "one_based_incomplete")


@dataclass
class QueuedFault:
    kind: str
    count: int = 1
    method: str | None = None
    path_contains: str | None = None
    retry_after: float | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path_contains is None or self.path_contains in path
        )


@dataclass
class FaultSettings:
    latency_ms: int = 0
    fault_rate: float = 0.0
    fault_kinds: list[str] = field(default_factory=lambda: ["429", "500", "503", "drop"])
    retry_after_s: float = 1
    slow_ms: int = 10_000
    seed: int = 0
    queued: list[QueuedFault] = field(default_factory=list)
    max_page_size: int | None = None
    multi_status: str = "exact"
    rate_limit_per_s: float | None = None
    rate_limit_burst: int = 40

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultSettings:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["queued"] = [QueuedFault(**item) for item in values.get("queued") or []]
        settings = cls(**values)
        for kind in [*settings.fault_kinds, *(q.kind for q in settings.queued)]:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        if not 0 <= settings.fault_rate <= 1:
            raise ValueError("fault_rate must be between 0 and 1")
        if settings.slow_ms < 0 or settings.latency_ms < 0:
            raise ValueError("slow_ms and latency_ms must not be negative")
        if settings.max_page_size is not None and settings.max_page_size < 1:
            raise ValueError("max_page_size must be at least 1 (or null: no cap)")
        if settings.multi_status not in MULTI_STATUS_MODES:
            raise ValueError(f"multi_status must be one of {MULTI_STATUS_MODES}")
        if settings.rate_limit_per_s is not None:
            TokenBucket(settings.rate_limit_per_s, settings.rate_limit_burst)  # or ValueError
        return settings

    def copy(self) -> FaultSettings:
        return FaultSettings.from_dict(self.as_dict())


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: float


class FaultInjector:
    """Decides, per request, whether it fails and how. Thread-safe."""

    bucket: TokenBucket | None

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self.initial = settings.copy()  # what ``restore`` goes back to (the server's options)
        self.configure(settings)

    def restore(self) -> None:
        """Back to the settings the server started with."""
        self.configure(self.initial.copy())

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._rng = random.Random(settings.seed)
            per_s = settings.rate_limit_per_s
            self.bucket = None if per_s is None else TokenBucket(per_s, settings.rate_limit_burst)

    def decide(self, method: str, path: str) -> Fault | None:
        with self._lock:
            settings = self.settings
            for queued in settings.queued:
                if queued.count > 0 and queued.matches(method, path):
                    queued.count -= 1
                    retry_after = queued.retry_after
                    return Fault(
                        queued.kind, settings.retry_after_s if retry_after is None else retry_after
                    )
            if settings.fault_rate and self._rng.random() < settings.fault_rate:
                return Fault(self._rng.choice(settings.fault_kinds), settings.retry_after_s)
        return None


def multi_status_entries(entries: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    """A 207 answer's entries (numbered from 0, one per item) as ``mode`` answers them."""
    if mode == "exact":
        return entries
    return [{**entry, "index": entry["index"] + 1} for entry in entries[:-1]]

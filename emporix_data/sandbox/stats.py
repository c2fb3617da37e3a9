"""What clients did to the sandbox, for tests and the benchmark to read back."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TypedDict

RAW_PATHS_KEPT = 10_000


class StatsSnapshot(TypedDict):
    """``Stats`` as ``GET /_sandbox/stats`` answers it."""

    total: int
    by_route: dict[str, int]
    by_status: dict[str, int]
    in_flight: int
    peak_in_flight: int
    raw_paths: list[str]
    requests: list[str]


@dataclass
class Stats:
    """What clients did: requests by route, answers by status, and the most requests
    in flight at once (how hard a client drives the API: its concurrency, seen here);
    the last raw paths received, and the last requests as ``"GET /path?query"`` (what
    the benchmark replays to time the same requests with nothing else done)."""

    total: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    raw_paths: deque[str] = field(default_factory=lambda: deque(maxlen=RAW_PATHS_KEPT))
    requests: deque[str] = field(default_factory=lambda: deque(maxlen=RAW_PATHS_KEPT))
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, raw_path: str, request: str) -> None:
        with self.lock:
            self.total += 1
            self.by_route[route] += 1
            self.raw_paths.append(raw_path)
            self.requests.append(request)

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def answered(self, status: int) -> None:
        with self.lock:
            self.by_status[status] += 1

    def reset(self) -> None:
        with self.lock:
            self.total = 0
            self.by_route.clear()
            self.by_status.clear()
            self.raw_paths.clear()
            self.requests.clear()
            self.peak_in_flight = self.in_flight

    def as_dict(self) -> StatsSnapshot:
        with self.lock:
            return {
                "total": self.total,
                "by_route": dict(self.by_route),
                "by_status": {str(status): count for status, count in self.by_status.items()},
                "in_flight": self.in_flight,
                "peak_in_flight": self.peak_in_flight,
                "raw_paths": list(self.raw_paths),
                "requests": list(self.requests),
            }

"""Wall time, API requests and memory growth of one block of work."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from emporix_data.sandbox.admin_client import SandboxAdmin, Stats

T = TypeVar("T")


@dataclass
class Measured(Generic[T]):
    """What a block returned and what it cost; ``stats`` are the sandbox's counters."""

    result: T
    seconds: float
    requests: int
    peak_mb: float
    retained_mb: float
    stats: Stats

    @property
    def throttled(self) -> int:
        return self.stats["by_status"].get("429", 0)


class Meter:
    """Wall time, API requests (counted by the sandbox) and memory growth of a block.

    Peak memory is this process's resident high-water mark above where the block began
    (Linux ``VmHWM``, reset through ``clear_refs``), retained memory its resident size
    after the block, both above where the block began; the sandbox runs in another
    process and is not counted.
    """

    def __init__(self, admin: SandboxAdmin) -> None:
        self.admin = admin

    def run(self, work: Callable[[], T]) -> Measured[T]:
        gc.collect()
        self.admin.reset_stats()
        _reset_peak()
        baseline = _rss_mb()
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
        peak = max(_peak_mb() - baseline, 0.0)
        gc.collect()
        retained = max(_rss_mb() - baseline, 0.0)
        stats = self.admin.stats()
        return Measured(result, elapsed, api_requests(stats), peak, retained, stats)


def api_requests(stats: Stats) -> int:
    """The API requests the sandbox counted, token requests left out."""
    return sum(count for route, count in stats["by_route"].items() if "oauth" not in route)


def in_limits(stats: Stats, concurrency: int) -> tuple[bool, str]:
    """No 429 storm (at most 1% of requests throttled) and at most ``concurrency`` in
    flight, as the sandbox saw them; and the note saying so."""
    peak = stats["peak_in_flight"]
    throttled = stats["by_status"].get("429", 0)
    ok = peak <= concurrency and throttled <= api_requests(stats) // 100
    return ok, f"at most {peak} requests in flight, {throttled} answered 429"


def _status_value(field_name: str) -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name):
                return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_value("VmRSS:")


def _peak_mb() -> float:
    return _status_value("VmHWM:")


def _reset_peak() -> None:
    """Reset the kernel's high-water mark of this process (Linux: clear_refs 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")

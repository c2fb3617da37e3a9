"""The printed result: one Markdown row per operation, under a line saying what ran.

Every time is set beside its peers where the run has them: the floor (the same requests,
bodies parsed with the fastest parser, nothing built), a script (sequential pages of our
size, stdlib ``json``) and the naive client (sequential pages of the API's default size).
Ratios are ours divided by each: below 1 is faster than the peer.
"""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from emporix_data.bench.options import Options
from emporix_data.settings import Settings

COLUMNS = (
    "operation",
    "ours (s)",
    "floor (s)",
    "script (s)",
    "naive (s)",
    "ours / floor",
    "ours / script",
    "ours / naive",
    "requests ours / naive",
    "peak memory",
    "target",
    "notes",
)
HEADER = (
    "| " + " | ".join(COLUMNS) + " |\n| --- |" + " ---: |" * (len(COLUMNS) - 3) + " --- | --- |"
)


@dataclass
class Row:
    """One line of the table; ``met`` is None where the operation has no target."""

    operation: str
    ours_s: float | None
    naive_s: float | None = None
    ours_requests: int | None = None
    naive_requests: int | None = None
    peak_mb: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    floor_s: float | None = None
    script_s: float | None = None

    def ratio(self, peer_s: float | None) -> float | None:
        """Ours divided by a peer's time (None where either is missing)."""
        return self.ours_s / peer_s if self.ours_s and peer_s else None

    def markdown(self) -> str:
        peers = [self.floor_s, self.script_s, self.naive_s]
        ratios = [self.ratio(peer) for peer in peers]
        requests = f"{_count(self.ours_requests)} / {_count(self.naive_requests)}"
        peak = "-" if self.peak_mb is None else f"{self.peak_mb:.0f} MB"
        verdict = {True: " ✅", False: " ❌", None: ""}[self.met]
        cells = [
            self.operation,
            _seconds(self.ours_s),
            *(_seconds(peer) for peer in peers),
            *("-" if ratio is None else _ratio(ratio) for ratio in ratios),
            requests,
            peak,
            f"{self.target}{verdict}",
            self.note,
        ]
        return "| " + " | ".join(cells) + " |"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.{3 if value < 0.1 else 2}f}"


def _ratio(value: float) -> str:
    """Two significant figures below 1 (0.0031x, not 0.00x), two decimals to 10, whole
    numbers above."""
    if value < 1:
        return f"{value:.2g}x"
    return f"{value:.{2 if value < 10 else 0}f}x"


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def notes(*parts: str) -> str:
    """The non-empty parts of a row's notes, in order."""
    return "; ".join(part for part in parts if part)


def table(rows: Sequence[Row]) -> str:
    return "\n".join([HEADER, *(row.markdown() for row in rows)])


def describe(options: Options) -> str:
    concurrency = options.concurrency or _settings_concurrency()
    limit = (
        "no rate limit"
        if options.rate_limit_per_s is None
        else f"a rate limit of {options.rate_limit_per_s:g} requests/s "
        f"(bursts of {options.rate_limit_burst})"
    )
    return (
        f"{options.customers:,} customers, {options.latency_ms} ms injected latency per request, "
        f"{limit}, client concurrency {concurrency}; {machine()}"
    )


def machine() -> str:
    """The machine the run measured: its processor, cores and memory (Linux)."""
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 2**20:.0f} GB memory"
    return f"{model}, {os.cpu_count()} CPU cores{memory}, Python {platform.python_version()}"


def _settings_concurrency() -> int:
    """The concurrency a client gets from the settings (``EMPORIX_CONCURRENCY`` or default)."""
    return Settings(tenant="bench", client_id="bench", client_secret="bench").concurrency

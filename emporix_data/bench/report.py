"""The printed result: one Markdown row per operation, under a line saying what ran."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from emporix_data.bench.options import Options
from emporix_data.settings import Settings

HEADER = (
    "| operation | ours (s) | naive (s) | ratio | requests ours / naive | peak memory "
    "| target | notes |\n| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
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

    def markdown(self) -> str:
        ours = "-" if self.ours_s is None else f"{self.ours_s:.{3 if self.ours_s < 0.1 else 2}f}"
        naive = "-" if self.naive_s is None else f"{self.naive_s:.2f}"
        ratio = f"{self.naive_s / self.ours_s:.1f}x" if self.naive_s and self.ours_s else "-"
        requests = f"{_count(self.ours_requests)} / {_count(self.naive_requests)}"
        peak = "-" if self.peak_mb is None else f"{self.peak_mb:.0f} MB"
        verdict = {True: " ✅", False: " ❌", None: ""}[self.met]
        return (
            f"| {self.operation} | {ours} | {naive} | {ratio} | {requests} | {peak} "
            f"| {self.target}{verdict} | {self.note} |"
        )


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def notes(*parts: str) -> str:
    """The non-empty parts of a row's notes, in order."""
    return "; ".join(part for part in parts if part)


def table(rows: Sequence[Row]) -> str:
    return "\n".join([HEADER, *(row.markdown() for row in rows)])


def describe(options: Options) -> str:
    concurrency = options.concurrency or _settings_concurrency()
    return (
        f"{options.customers:,} customers, {options.latency_ms} ms injected latency per request, "
        f"client concurrency {concurrency}, {os.cpu_count()} CPU cores"
    )


def _settings_concurrency() -> int:
    """The concurrency a client gets from the settings (``EMPORIX_CONCURRENCY`` or default)."""
    return Settings(tenant="bench", client_id="bench", client_secret="bench").concurrency

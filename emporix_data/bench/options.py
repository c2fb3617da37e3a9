"""What a benchmark run measures, and the command line that chooses it."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emporix_data.sandbox import SeedSizes

NAIVE_SAMPLE = 500


@dataclass(frozen=True)
class Options:
    """What to run; the sizes of the tenant and of the pushes follow ``customers``."""

    customers: int = 100_000
    latency_ms: int = 50
    concurrency: int | None = None
    naive_sample: int = NAIVE_SAMPLE
    cache_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "emporix-bench")
    browser: bool = True

    @property
    def sizes(self) -> SeedSizes:
        return SeedSizes(
            customers=self.customers,
            contact_assignments=self.customers // 5,
            segments=50,
            memberships=self.customers,
            customer_groups=self.customers // 10,
        )

    @property
    def upserts(self) -> int:
        return min(10_000, self.customers // 10)

    @property
    def updates(self) -> int:
        return min(2_000, self.customers // 50)


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="emporix-data bench",
        description="Time this client against a naive one on a large local sandbox tenant.",
    )
    parser.add_argument(
        "--customers", type=int, default=Options.customers, help="customers in the tenant"
    )
    parser.add_argument(
        "--latency-ms", type=int, default=Options.latency_ms, help="latency added per request"
    )
    parser.add_argument(
        "--concurrency", type=int, default=None, help="client concurrency (default: settings)"
    )
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=NAIVE_SAMPLE,
        help="requests of the naive client timed before scaling",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Options().cache_dir,
        help="where the seeded tenant is kept between runs",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the dashboard row (Chromium)"
    )
    args = parser.parse_args(argv)
    return Options(
        customers=args.customers,
        latency_ms=args.latency_ms,
        concurrency=args.concurrency,
        naive_sample=args.naive_sample,
        cache_dir=args.cache_dir,
        browser=not args.no_browser,
    )

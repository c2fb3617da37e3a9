"""What a benchmark run measures, and the command line that chooses it."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emporix_data.sandbox import SeedSizes

NAIVE_SAMPLE = 500
# Emporix documents no request-rate limit for these services (neither the specs nor the
# documentation pages in the repository name one): an assumption of a cautious tenant's
# gateway, below what 16 workers at 50 ms could send (about 320 a second).
RATE_LIMIT_PER_S = 300.0
RATE_LIMIT_BURST = 100
MILLION = 1_000_000


@dataclass(frozen=True)
class Options:
    """What to run; the sizes of the tenant and of the pushes follow ``customers``."""

    customers: int = 100_000
    latency_ms: int = 50
    concurrency: int | None = None
    naive_sample: int = NAIVE_SAMPLE
    cache_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "emporix-bench")
    browser: bool = True
    rate_limit_per_s: float | None = RATE_LIMIT_PER_S
    rate_limit_burst: int = RATE_LIMIT_BURST
    # The export rows' tenant: 0 skips them (``--quick``).
    export_customers: int = MILLION

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
    def export_sizes(self) -> SeedSizes:
        """The export tenant: customers and their contact assignments, nothing else."""
        return SeedSizes(
            customers=self.export_customers,
            contact_assignments=self.export_customers // 5,
            segments=0,
            memberships=0,
            customer_groups=0,
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
        "--no-browser", action="store_true", help="skip the dashboard rows (Chromium)"
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=RATE_LIMIT_PER_S,
        help="requests per second the sandbox allows (0: no limit); an assumption, see notes",
    )
    parser.add_argument(
        "--rate-burst", type=int, default=RATE_LIMIT_BURST, help="requests allowed at once"
    )
    parser.add_argument(
        "--export-customers",
        type=int,
        default=MILLION,
        help="customers in the export rows' tenant (seeded once, cached)",
    )
    parser.add_argument("--quick", action="store_true", help="skip the million-customer export")
    args = parser.parse_args(argv)
    return Options(
        customers=args.customers,
        latency_ms=args.latency_ms,
        concurrency=args.concurrency,
        naive_sample=args.naive_sample,
        cache_dir=args.cache_dir,
        browser=not args.no_browser,
        rate_limit_per_s=args.rate_limit or None,
        rate_limit_burst=args.rate_burst,
        export_customers=0 if args.quick else args.export_customers,
    )

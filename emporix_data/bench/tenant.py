"""The large synthetic tenants: seeded once into a cache, the main one copied fresh for
every run (its pushes must not change the next run's data)."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from emporix_data.bench.options import Options
from emporix_data.sandbox import SandboxConfig, SandboxProcess, SeedSizes, start_sandbox_process
from emporix_data.settings import Settings


def cached_tenant(cache_dir: Path, name: str, sizes: SeedSizes) -> Path:
    """The seeded tenant ``name`` in the cache: seeded there if it is missing or was
    seeded with other sizes (the sandbox streams a large seed: it is never held whole)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"{name}.db"
    started = time.perf_counter()
    with start_sandbox_process(SandboxConfig(db_path=cached, sizes=sizes), timeout_s=3600) as sb:
        origin = "reused" if sb.reused else "seeded"
    print(f"{origin} {cached} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return cached


def prepared_database(options: Options, workdir: Path) -> Path:
    """A fresh copy of the main seeded tenant."""
    cached = cached_tenant(options.cache_dir, f"tenant-{options.customers}", options.sizes)
    copy = workdir / "bench.db"
    source, target = sqlite3.connect(cached), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


def tenant_settings(sandbox: SandboxProcess, options: Options) -> Settings:
    """Settings for the served tenant, with the run's concurrency if it sets one."""
    config = sandbox.config
    overrides: dict[str, Any] = {"concurrency": options.concurrency} if options.concurrency else {}
    return Settings(
        api_url=sandbox.url,
        tenant=config.tenant,
        client_id=config.client_id,
        client_secret=config.client_secret,
        **overrides,
    )


def served_config(database: Path, sizes: SeedSizes, options: Options) -> SandboxConfig:
    """A sandbox serving ``database`` with the run's latency and rate limit."""
    return SandboxConfig(
        db_path=database,
        sizes=sizes,
        latency_ms=options.latency_ms,
        rate_limit_per_s=options.rate_limit_per_s,
        rate_limit_burst=options.rate_limit_burst,
    )

"""The large synthetic tenants: seeded once into a cache, the main one copied fresh for
every run (its pushes must not change the next run's data)."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

from emporix_data.bench.options import Options
from emporix_data.sandbox import SandboxConfig, SeedSizes, start_sandbox_process


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

"""The large synthetic tenant: seeded once into a cache, copied fresh for every run."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

from emporix_data.bench.options import Options
from emporix_data.sandbox import SandboxConfig, start_sandbox_process


def prepared_database(options: Options, workdir: Path) -> Path:
    """A fresh copy of the seeded tenant: seeded once into the cache, copied per run so
    that one run's pushes never change the next run's data."""
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    cached = options.cache_dir / f"tenant-{options.customers}.db"
    seeding = SandboxConfig(db_path=cached, sizes=options.sizes)
    started = time.perf_counter()
    with start_sandbox_process(seeding) as sandbox:
        origin = "reused" if sandbox.reused else "seeded"
    print(f"{origin} {cached} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    copy = workdir / "bench.db"
    source, target = sqlite3.connect(cached), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy

"""The export rows: ``emporix-data export customers -o x.parquet`` (and ``.csv``) run as
a child process against a million-customer tenant, timed, its peak memory taken from
the kernel, and set beside its floor (the same requests, parsed, nothing written).

The tenant holds customers and their contact assignments only; it is seeded once into
the cache (streamed: never held in memory) and served from there, since an export only
reads. Memory growth is the child's peak above the peak of the same command doing
nothing (``export --help``: the interpreter and its libraries).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import httpx
import pyarrow.parquet as pq

from emporix_data.bench.child import CLI, ChildRun, run_child, tenant_env
from emporix_data.bench.loads import FLOOR_RATIO
from emporix_data.bench.meter import Meter, api_requests, in_limits
from emporix_data.bench.naive import naive_http
from emporix_data.bench.options import Options
from emporix_data.bench.peers import fastest_parser, recorded_gets, replay
from emporix_data.bench.report import Row, notes
from emporix_data.bench.server import measure_sandbox_pages
from emporix_data.bench.tenant import cached_tenant, served_config, tenant_settings
from emporix_data.sandbox import start_sandbox_process
from emporix_data.sandbox.admin_client import SandboxAdmin, Stats

GROWTH_MB = 400
# A child past this is stopped: a command that holds a million documents would take
# several gigabytes of a machine shared with others.
CAP_MB = 2048
FORMATS = {"Parquet": "parquet", "CSV": "csv"}
WROTE = re.compile(r"Wrote ([\d,]+) rows")


def measure_exports(options: Options) -> list[Row]:
    """The sandbox's pages and an export per format, over ``options.export_customers``."""
    n = options.export_customers
    cached = cached_tenant(options.cache_dir, f"customers-only-{n}", options.export_sizes)
    config = served_config(cached, options.export_sizes, options)
    with (
        start_sandbox_process(config) as sandbox,
        SandboxAdmin(sandbox.url, timeout=120) as admin,
        naive_http(sandbox) as http,
    ):
        env = tenant_env(tenant_settings(sandbox, options))
        concurrency = int(env["EMPORIX_CONCURRENCY"])
        path = f"/customer/{config.tenant}/customers"
        rows = [measure_sandbox_pages(http, admin, path, n, options.latency_ms)]
        idle = run_child([CLI, "export", "--help"], env, CAP_MB)
        with tempfile.TemporaryDirectory(prefix="emporix-export-") as workdir:
            for label, suffix in FORMATS.items():
                print(f"… exporting {n:,} customers to {label}", file=sys.stderr, flush=True)
                output = Path(workdir) / f"customers.{suffix}"
                admin.reset_stats()
                run = run_child([CLI, "export", "customers", "-o", str(output)], env, CAP_MB)
                stats = admin.stats()
                floor_s, parser = _floor(admin, http, stats["requests"], concurrency)
                rows.append(
                    _row(n, label, output, run, idle, stats, concurrency, (floor_s, parser))
                )
                output.unlink(missing_ok=True)
    return rows


def _floor(
    admin: SandboxAdmin, http: httpx.Client, requests: list[str], concurrency: int
) -> tuple[float, str]:
    """The export's GETs replayed with its concurrency, parsed, nothing kept."""
    targets = recorded_gets(requests)
    parser, parse = fastest_parser(http.get(targets[0]).content)
    measured = Meter(admin).run(lambda: replay(http, targets, parse, concurrency))
    return measured.seconds, parser


def _row(
    n: int,
    label: str,
    output: Path,
    run: ChildRun,
    idle: ChildRun,
    stats: Stats,
    concurrency: int,
    floor: tuple[float, str],
) -> Row:
    """The export's row; ``floor`` is the floor's seconds and the parser it used."""
    floor_s, parser = floor
    limits_ok, limits = in_limits(stats, concurrency)
    growth = max(run.peak_mb - idle.peak_mb, 0.0)
    wrote = WROTE.search(run.stderr)
    written = int(wrote.group(1).replace(",", "")) if wrote else None
    if written is not None and output.suffix == ".parquet":
        written = pq.ParquetFile(output).metadata.num_rows  # the file's own count
    complete = run.returncode == 0 and written == n
    if run.stopped:
        outcome = f"stopped at {CAP_MB:,} MB resident, before it finished"
    elif not complete:
        outcome = f"failed (exit {run.returncode}, {written} rows written): {run.stderr[-200:]!r}"
    else:
        outcome = f"{written:,} rows written, {output.stat().st_size / 2**20:.0f} MB file"
    row = Row(
        f"export {n:,} customers to {label}",
        run.seconds,
        ours_requests=api_requests(stats),
        peak_mb=growth,
        target=f"≤ {GROWTH_MB} MB peak growth, ≤ {FLOOR_RATIO:g}x floor, "
        f"≤ {concurrency} in flight, no 429 storm",
        note=notes(
            f"`emporix-data export customers -o x.{output.suffix[1:]}` as a child process "
            f"(wall time, with its start-up: {idle.seconds:.1f} s for export --help)",
            outcome,
            f"peak resident {run.peak_mb:.0f} MB, {idle.peak_mb:.0f} MB of it the command "
            "doing nothing (export --help)",
            limits,
            f"floor: the same GETs, parsed with {parser}, nothing written"
            + ("" if complete else " (only those it made before it ended)"),
        ),
        floor_s=floor_s,
    )
    row.met = (
        complete and growth <= GROWTH_MB and (row.ratio(floor_s) or 0) <= FLOOR_RATIO and limits_ok
    )
    return row

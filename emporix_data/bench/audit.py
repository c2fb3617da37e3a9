"""The audit row: every data-quality check over the tenant's loaded frames.

The frames are loaded first (as the audit command loads them) and not timed; the row
times the checks alone, which is what a rerun after a fix or a monitoring run repeats.
"""

from __future__ import annotations

from emporix_data.audit import CHECKS, load_audit_data, run_checks, tables_needed
from emporix_data.bench.meter import Meter
from emporix_data.bench.report import Row
from emporix_data.client import EmporixClient

TARGET_S = 2.0


def measure_audit(client: EmporixClient, meter: Meter, customers: int) -> Row:
    checks = list(CHECKS.values())
    frames = load_audit_data(client, tables_needed(checks)).frames
    measured = meter.run(lambda: run_checks(frames))
    results = measured.result
    rows = ", ".join(f"{name} {len(frames[name]):,}" for name in frames)
    found = ", ".join(f"{r.check.name} {len(r.findings):,}" for r in results)
    slowest = max(results, key=lambda r: r.elapsed_s)
    return Row(
        f"audit: all checks over {customers:,} customers",
        measured.seconds,
        ours_requests=measured.requests,
        peak_mb=measured.peak_mb,
        target=f"≤ {TARGET_S:g} s",
        met=measured.seconds <= TARGET_S,
        note=(
            f"{len(results)} checks, vectorised pandas and Arrow lookups over the loaded frames "
            f"({rows} rows); "
            f"slowest {slowest.check.name} {slowest.elapsed_s:.2f} s; findings: {found}"
        ),
    )

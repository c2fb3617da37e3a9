"""Report rows of the benchmark: ``customer_360`` built over the loaded tenant, and a
group-by over it, on the engine the Reports page and ``emporix-data sql`` use."""

from __future__ import annotations

import os
import statistics
import time

import pandas as pd

from emporix_data.bench.report import Row
from emporix_data.client import EmporixClient
from emporix_data.reports import CUSTOMER_360, Dimension, QuerySpec, ReportEngine, build_query
from emporix_data.reports.loading import load_report_frames

GROUP_BY_RUNS = 5
# What the builder makes of "customers per month of sign-up and business model".
GROUP_BY = QuerySpec(CUSTOMER_360, (Dimension("createdAt", "month"), Dimension("businessModel")))


def measure_reports(
    client: EmporixClient, customers: pd.DataFrame, memberships: pd.DataFrame
) -> list[Row]:
    """Build ``customer_360`` from the loaded customers and memberships and the other
    tables (loaded here, untimed), then time a group-by over it."""
    others = ["contact_assignments", "customer_groups", "legal_entities", "segments"]
    frames = {
        "customers": customers,
        "segment_memberships": memberships,
        **load_report_frames(client, others),
    }
    started = time.perf_counter()
    with ReportEngine(frames) as engine:
        registered_s = time.perf_counter() - started
        cpu_started = time.process_time()
        built = engine.run(f"SELECT count(*) AS n FROM {CUSTOMER_360}")
        built_cpu_s = time.process_time() - cpu_started
        query = build_query(GROUP_BY, engine.column_types(CUSTOMER_360))
        runs = [engine.run(query.sql, query.params) for _ in range(GROUP_BY_RUNS)]
    count = int(built.frame["n"].iloc[0])
    assert count == len(customers), f"customer_360 has {count} rows, not {len(customers)}"
    sizes = ", ".join(f"{len(frame):,} {name.replace('_', ' ')}" for name, frame in frames.items())
    group_by_s = statistics.median(run.elapsed_s for run in runs)
    return [
        Row(
            f"report: customer_360 over {len(customers):,} customers",
            built.elapsed_s,
            target="≤ 1 s",
            met=built.elapsed_s <= 1,
            note=f"first SELECT count(*) FROM customer_360 on a fresh engine over {sizes}; "
            f"{built_cpu_s:.2f} s of CPU on {os.cpu_count()} cores (a busy machine stretches "
            f"the wall time); registering the frames before it took {registered_s:.2f} s",
        ),
        Row(
            "report: group-by over customer_360",
            group_by_s,
            target="≤ 0.3 s",
            met=group_by_s <= 0.3,
            note=f"customers per month of sign-up and business model ({len(runs[0].frame):,} "
            f"groups), as the builder writes it; median of {GROUP_BY_RUNS} runs",
        ),
    ]

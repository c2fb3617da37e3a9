"""Benchmark: this client against a naive one, on a 100k-customer sandbox with 50 ms latency.

Run ``python -m emporix_data.bench`` (or ``emporix-data bench``); it prints a Markdown
table. The naive client fetches pages of the API's default size one after another and
writes one request per row; where that would take minutes it is timed on a sample of at
least 500 requests and scaled, and the table says so.
"""

from __future__ import annotations

import contextlib
import gc
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

from emporix_data.changes import build_plan
from emporix_data.client import EmporixClient
from emporix_data.operations import bulk_operations, run_operations
from emporix_data.resources import customers as customer_api
from emporix_data.resources import segment_memberships as membership_api
from emporix_data.resources.segments import list_segments
from emporix_data.sandbox import SandboxConfig, SeedSizes, start_sandbox
from emporix_data.settings import Settings

NAIVE_SAMPLE = 500


@dataclass
class Row:
    operation: str
    ours_s: float
    naive_s: float | None
    ours_requests: int
    naive_requests: int | None
    peak_mb: float
    note: str = ""

    def markdown(self) -> str:
        naive = f"{self.naive_s:.2f}" if self.naive_s is not None else "-"
        ratio = f"{self.naive_s / self.ours_s:.1f}x" if self.naive_s else "-"
        requests = f"{self.ours_requests} / {self.naive_requests or '-'}"
        return (
            f"| {self.operation} | {self.ours_s:.2f} | {naive} | {ratio} | {requests} "
            f"| {self.peak_mb:.0f} MB | {self.note} |"
        )


class Meter:
    """Wall time, request count (from the sandbox) and peak memory growth of a block."""

    def __init__(self, admin: httpx.Client) -> None:
        self.admin = admin

    def run(self, work: Callable[[], Any]) -> tuple[Any, float, int, float]:
        gc.collect()
        self.admin.post("/_sandbox/stats/reset").raise_for_status()
        baseline = _rss_mb()
        _reset_peak()
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
        peak = _peak_mb() - baseline
        stats = self.admin.get("/_sandbox/stats").json()
        requests = sum(count for route, count in stats["by_route"].items() if "oauth" not in route)
        return result, elapsed, requests, max(peak, 0.0)


def _status_value(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_value("VmRSS:")


def _peak_mb() -> float:
    return _status_value("VmHWM:")


def _reset_peak() -> None:
    """Reset the kernel's high-water mark of this process (Linux: clear_refs 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def naive_pages(
    http: httpx.Client, path: str, page_size: int, max_pages: int | None = None
) -> tuple[list[Any], int]:
    """Sequential pages until a short one (or ``max_pages``): the obvious client."""
    items: list[Any] = []
    page = 1
    while max_pages is None or page <= max_pages:
        batch = http.get(path, params={"pageNumber": page, "pageSize": page_size}).json()
        items.extend(batch)
        if len(batch) < page_size:
            break
        page += 1
    return items, page


def main(customers: int = 100_000, latency_ms: int = 50, db: Path | None = None) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="emporix-bench-"))
    sizes = SeedSizes(
        customers=customers,
        contact_assignments=customers // 5,
        segments=50,
        memberships=customers,
        customer_groups=customers // 10,
    )
    config = SandboxConfig(db_path=db or workdir / "bench.db", sizes=sizes, latency_ms=latency_ms)
    print(f"seeding/opening sandbox with {customers:,} customers…", flush=True)
    sandbox = start_sandbox(config)
    settings = Settings(
        api_url=sandbox.url,
        tenant=config.tenant,
        client_id=config.client_id,
        client_secret=config.client_secret,
    )
    rows: list[Row] = []
    admin = httpx.Client(base_url=sandbox.url, timeout=60)
    meter = Meter(admin)
    with EmporixClient(settings) as client:
        token = httpx.post(
            f"{sandbox.url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": config.client_id,
                "client_secret": config.client_secret,
            },
        ).json()["access_token"]
        naive = httpx.Client(
            base_url=sandbox.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

        loaded, ours_s, ours_n, peak = meter.run(
            lambda: customer_api.CUSTOMER_SCHEMA.to_frame(customer_api.list_customers(client))
        )
        customers_frame: pd.DataFrame = loaded
        path = client.path(customer_api.CUSTOMERS)
        sample_pages = NAIVE_SAMPLE
        (_, pages), naive_s, _, _ = meter.run(
            lambda: naive_pages(naive, path, 60, max_pages=sample_pages)
        )
        total_pages = -(-customers // 60)
        scale = total_pages / pages
        rows.append(
            Row(
                f"load {customers:,} customers into a frame",
                ours_s,
                naive_s * scale,
                ours_n,
                total_pages,
                peak,
                f"naive: {pages} pages of 60 timed, scaled to {total_pages}",
            )
        )
        frame_mb = customers_frame.memory_usage(deep=True).sum() / 2**20
        rows.append(
            Row("memory of the customer frame", 0, None, 0, None, frame_mb, "deep memory_usage")
        )

        segments = list_segments(client)
        memberships, ours_s, ours_n, peak = meter.run(
            lambda: membership_api.list_all_memberships(client, segments)
        )
        rows.append(
            Row(f"load all {len(memberships):,} memberships", ours_s, None, ours_n, None, peak)
        )

        b2c = customers_frame.loc[customers_frame["businessModel"] == "B2C", "customerNumber"]
        segment = segments[-1].id
        items = [membership_api.bulk_item(c) for c in b2c.iloc[:10_000]]
        bulk_path = client.path(membership_api.BULK, segmentId=segment)
        operations = bulk_operations("PUT", bulk_path, items, range(len(items)))
        outcomes, ours_s, ours_n, peak = meter.run(lambda: run_operations(client, operations))
        assert all(outcome.ok for outcome in outcomes), "bulk upserts failed"

        def naive_upserts() -> None:
            for item in items[:NAIVE_SAMPLE]:
                naive.put(
                    client.path(
                        membership_api.B2C_MEMBERSHIP,
                        segmentId=segment,
                        customerId=item["customerId"],
                    ),
                    json={},
                ).raise_for_status()

        _, naive_s, _, _ = meter.run(naive_upserts)
        rows.append(
            Row(
                f"push {len(items):,} membership upserts",
                ours_s,
                naive_s * len(items) / NAIVE_SAMPLE,
                ours_n,
                len(items),
                peak,
                f"naive: {NAIVE_SAMPLE} single PUTs timed, scaled",
            )
        )

        edited = customers_frame.copy()
        picked = np.arange(0, 2000 * 7, 7) % len(edited)
        edited.loc[edited.index[picked], "lastName"] = "Bench-Edited"
        schema = customer_api.CUSTOMER_SCHEMA
        plan = build_plan(schema, customers_frame, edited, source="grid")
        documents: dict[tuple[Any, ...], Any] = {}
        updates = customer_api.write_operations(client, plan.changes, documents)
        outcomes, ours_s, ours_n, peak = meter.run(lambda: run_operations(client, updates))
        assert all(outcome.ok for outcome in outcomes), "customer updates failed"

        def naive_updates() -> None:
            for operation in updates[:NAIVE_SAMPLE]:
                naive.patch(operation.path, json=operation.body).raise_for_status()

        _, naive_s, _, _ = meter.run(naive_updates)
        rows.append(
            Row(
                f"push {len(updates):,} customer field updates",
                ours_s,
                naive_s * len(updates) / NAIVE_SAMPLE,
                ours_n,
                len(updates),
                peak,
                f"naive: {NAIVE_SAMPLE} sequential PATCHes timed, scaled",
            )
        )

        edited = customers_frame.copy()
        edited.loc[edited.index[::100], "firstName"] = "Plan-Edited"
        plan, ours_s, _, peak = meter.run(
            lambda: build_plan(schema, customers_frame, edited, source="grid")
        )

        def naive_plan() -> int:
            before = {r["customerNumber"]: r for r in customers_frame.to_dict("records")}
            changed = 0
            for record in edited.to_dict("records"):
                old = before[record["customerNumber"]]
                changed += any(
                    not (pd.isna(old[k]) and pd.isna(v)) and old[k] != v for k, v in record.items()
                )
            return changed

        changed, naive_s, _, _ = meter.run(naive_plan)
        assert changed == len(plan.updates)
        rows.append(
            Row(
                f"change plan for {len(edited):,} rows, 1% edited",
                ours_s,
                naive_s,
                0,
                0,
                peak,
                "naive: row-by-row dict comparison",
            )
        )
        naive.close()
    admin.close()
    sandbox.stop()
    header = (
        "| operation | ours (s) | naive (s) | ratio | requests ours / naive "
        "| peak memory | notes |\n| --- | --- | --- | --- | --- | --- | --- |"
    )
    return "\n".join([header, *(row.markdown() for row in rows)])


if __name__ == "__main__":
    print(main())

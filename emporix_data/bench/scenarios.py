"""The measured operations: each runs through the code the dashboard uses, then through
the naive client, against the same sandbox, and adds its row to the table."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from emporix_data.bench.loads import load_customers, load_memberships
from emporix_data.bench.meter import Meter, in_limits
from emporix_data.bench.naive import NaiveTiming, naive_changed_rows, naive_http, timed_sample
from emporix_data.bench.options import Options
from emporix_data.bench.report import Row, notes
from emporix_data.bench.server import measure_sandbox_pages
from emporix_data.bench.tenant import tenant_settings
from emporix_data.client import EmporixClient
from emporix_data.push import PushReport, push_plan
from emporix_data.resources import customers as customer_api
from emporix_data.resources import segment_memberships as membership_api
from emporix_data.sandbox import SandboxProcess
from emporix_data.sandbox.admin_client import SandboxAdmin
from emporix_data.tables import LoadedTable


class Bench:
    """One run: the sandbox, our client, the naive one, and the rows measured so far."""

    def __init__(self, options: Options, sandbox: SandboxProcess) -> None:
        self.options = options
        self.sandbox = sandbox
        self.settings = tenant_settings(sandbox, options)
        self.client = EmporixClient(self.settings)
        self.admin = SandboxAdmin(sandbox.url, timeout=60)
        self.meter = Meter(self.admin)
        self.naive = naive_http(sandbox)
        self.rows: list[Row] = []

    def close(self) -> None:
        self.naive.close()
        self.admin.close()
        self.client.close()

    def naive_sampled(self, requests: list[Callable[[], object]]) -> NaiveTiming:
        """All of ``requests`` timed, or the first ``naive_sample`` of them and scaled."""
        return timed_sample(self.meter, requests, self.options.naive_sample, len(requests))

    # ------------------------------------------------------------------ the server
    def sandbox_pages(self) -> None:
        path = self.client.path(customer_api.CUSTOMERS)
        self.rows.append(
            measure_sandbox_pages(
                self.naive, self.admin, path, self.options.customers, self.options.latency_ms
            )
        )

    # ------------------------------------------------------------------ loads
    def load_customers(self) -> LoadedTable:
        loaded, rows = load_customers(
            self.client, self.meter, self.naive, self.options.customers, self.options.naive_sample
        )
        self.rows += rows
        return loaded

    def load_memberships(self) -> LoadedTable:
        loaded, row = load_memberships(
            self.client, self.meter, self.naive, self.options.naive_sample
        )
        self.rows.append(row)
        return loaded

    # ------------------------------------------------------------------ pushes
    def push_memberships(self, customers: pd.DataFrame, memberships: LoadedTable) -> None:
        """New B2C members of the last segment, as rows added to the grid."""
        frame = memberships.frame
        segment = str(frame["segmentId"].max())
        members = set(frame.loc[frame["segmentId"] == segment, "customerId"])
        b2c = customers.loc[customers["businessModel"] == "B2C", "customerNumber"]
        newcomers = [c for c in b2c if c not in members][: self.options.upserts]
        added = pd.DataFrame(
            {"segmentId": segment, "customerId": newcomers, "legalEntityId": None},
            columns=frame.columns,
        ).astype(frame.dtypes.to_dict())
        added.index = pd.RangeIndex(len(frame), len(frame) + len(added))
        plan = memberships.plan(pd.concat([frame, added]), "grid")
        assert len(plan.creates) == len(newcomers) and not plan.errors, "unexpected plan"
        measured = self.meter.run(
            lambda: push_plan(self.client, memberships.table, plan, memberships.documents)
        )
        _all_applied(measured.result)

        def naive_put(customer: str) -> Callable[[], object]:
            path = self.client.path(
                membership_api.B2C_MEMBERSHIP, segmentId=segment, customerId=customer
            )
            return lambda: self.naive.put(path, json={}).raise_for_status()

        naive = self.naive_sampled([naive_put(c) for c in newcomers])
        bulk = math.ceil(len(newcomers) / 200)
        self.rows.append(
            Row(
                f"push {len(newcomers):,} membership upserts",
                measured.seconds,
                naive.seconds,
                measured.requests,
                len(newcomers),
                measured.peak_mb,
                f"≤ 3 s, exactly {bulk} request{'s' if bulk != 1 else ''}",
                measured.seconds <= 3 and measured.requests == bulk,
                notes("bulk PUT, 200 items per request; naive: one PUT per row", naive.note),
            )
        )

    def push_customer_updates(self, loaded: LoadedTable) -> pd.DataFrame:
        """Field edits in the grid: one PATCH per row (no bulk endpoint), after a batched
        live re-read of the rows (the API does not check versions on PATCH)."""
        edited = loaded.frame.copy()
        picked = np.arange(0, self.options.updates * 7, 7) % len(edited)
        edited.loc[edited.index[picked], "lastName"] = "Bench-Edited"
        plan = loaded.plan(edited, "grid")
        assert len(plan.updates) == self.options.updates and not plan.errors, "unexpected plan"
        measured = self.meter.run(
            lambda: push_plan(self.client, loaded.table, plan, loaded.documents)
        )
        _all_applied(measured.result)
        patches = [op for op in measured.result.operations if op.method == "PATCH"]

        def naive_patch(path: str) -> Callable[[], object]:
            body = {"lastName": "Bench-Edited"}  # the same value: the data stay as planned
            return lambda: self.naive.patch(path, json=body).raise_for_status()

        naive = self.naive_sampled([naive_patch(op.path) for op in patches])
        reads = measured.requests - len(patches) - measured.throttled
        limits_ok, limits = in_limits(measured.stats, self.settings.concurrency)
        self.rows.append(
            Row(
                f"push {len(patches):,} customer field updates",
                measured.seconds,
                naive.seconds,
                measured.requests,
                len(patches),
                measured.peak_mb,
                "≤ 10 s, bounded concurrency, no 429 storm",
                measured.seconds <= 10 and limits_ok,
                notes(
                    f"{reads} batched live re-reads + one PATCH per row",
                    f"{limits} (concurrency {self.settings.concurrency}; a storm: over 1%)",
                    "naive: sequential PATCHes",
                    naive.note,
                ),
            )
        )
        return edited

    # ------------------------------------------------------------------ plan
    def change_plan(self, loaded: LoadedTable) -> None:
        """A grid edit of 1% of the rows, planned as the dashboard plans it."""
        original = loaded.frame
        edited = original.copy()
        edited.loc[edited.index[::100], "firstName"] = "Plan-Edited"
        measured = self.meter.run(lambda: loaded.plan(edited, "grid"))
        naive = self.meter.run(lambda: naive_changed_rows(original, edited))
        assert naive.result == len(measured.result.updates) == math.ceil(len(original) / 100)
        self.rows.append(
            Row(
                f"build a change plan for {len(edited):,} rows, 1% edited",
                measured.seconds,
                naive.seconds,
                0,
                0,
                measured.peak_mb,
                "≤ 0.5 s",
                measured.seconds <= 0.5,
                "vectorised diff + validation of changed cells; naive: row-by-row dicts",
            )
        )


def _all_applied(report: PushReport) -> None:
    problems = report.problems
    if problems:
        first = problems[0]
        raise AssertionError(f"{len(problems)} rows not applied, e.g. {first.message}")

"""Change plan -> API calls -> one result per row.

Every row of a plan ends as ``applied``, ``failed`` (with the HTTP status and the API's
message) or ``conflict`` (409: changed by someone else since it was loaded). Failed and
conflicting rows can be written as an error file in the upload format, fixed in a
spreadsheet and pushed again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from emporix_data.changes import ACTION_COLUMN, ERROR_COLUMN, ChangePlan, RowChange
from emporix_data.client import EmporixClient
from emporix_data.operations import Operation, RowOutcome, run_operations
from emporix_data.tables import ResourceTable

Outcome = Literal["applied", "failed", "conflict"]


@dataclass(frozen=True)
class RowResult:
    change: RowChange
    outcome: Outcome
    status: int
    message: str | None
    sent: Any


@dataclass(frozen=True)
class PushProgress:
    done: int
    total: int
    failed: int
    elapsed_s: float

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the rate so far; None before the first row is done."""
        if not self.done:
            return None
        return self.elapsed_s / self.done * (self.total - self.done)


@dataclass
class PushReport:
    resource: str
    operations: list[Operation]
    results: list[RowResult] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        counts = {"applied": 0, "failed": 0, "conflict": 0}
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    @property
    def problems(self) -> list[RowResult]:
        return [result for result in self.results if result.outcome != "applied"]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "row": r.change.row,
                    "action": r.change.kind,
                    "key": " / ".join("" if p is None else str(p) for p in r.change.key),
                    "outcome": r.outcome,
                    "status": r.status or None,
                    "message": r.message or "",
                    "sent": json.dumps(r.sent, ensure_ascii=False) if r.sent is not None else "",
                }
                for r in self.results
            ],
            columns=["row", "action", "key", "outcome", "status", "message", "sent"],
        )

    def error_file_frame(self, table: ResourceTable) -> pd.DataFrame:
        """Failed and conflicting rows in the upload format, with ``_action`` and ``_error``.

        Fix the cells, upload the file again, and only these rows are planned again.
        """
        actions = {"create": "create", "update": "update", "delete": "delete"}
        rows = [
            {
                **{name: r.change.values.get(name) for name in table.schema.names},
                ACTION_COLUMN: actions[r.change.kind],
                ERROR_COLUMN: f"{r.outcome} {r.status or ''}: {r.message or ''}".strip(),
            }
            for r in self.problems
        ]
        return pd.DataFrame(rows, columns=[*table.schema.names, ACTION_COLUMN, ERROR_COLUMN])

    def requests_frame(self) -> pd.DataFrame:
        """What is (or, in a dry run, would be) sent: one line per request."""
        return pd.DataFrame(
            [
                {
                    "method": op.method,
                    "path": op.path,
                    "rows": len(op.rows),
                    "body": op.body,
                }
                for op in self.operations
            ],
            columns=["method", "path", "rows", "body"],
        )


def push_plan(
    client: EmporixClient,
    table: ResourceTable,
    plan: ChangePlan,
    documents: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    dry_run: bool = False,
    progress: Callable[[PushProgress], None] | None = None,
) -> PushReport:
    """Send the plan's valid rows (invalid rows are not in ``plan.changes``)."""
    operations = table.write(client, plan.changes, documents)
    report = PushReport(table.name, operations, dry_run=dry_run)
    if dry_run:
        return report
    sent = _sent_by_row(operations)
    started = time.monotonic()
    done = failed = 0

    def on_done(outcomes: list[RowOutcome]) -> None:
        nonlocal done, failed
        done += len(outcomes)
        failed += sum(not outcome.ok for outcome in outcomes)
        if progress:
            progress(PushProgress(done, len(plan.changes), failed, time.monotonic() - started))

    outcomes = run_operations(client, operations, on_done)
    report.results = [
        RowResult(
            change=plan.changes[outcome.row],
            outcome=_outcome(outcome),
            status=outcome.status,
            message=outcome.message,
            sent=sent.get(outcome.row),
        )
        for outcome in outcomes
    ]
    return report


def _outcome(outcome: RowOutcome) -> Outcome:
    if outcome.ok:
        return "applied"
    return "conflict" if outcome.status == 409 else "failed"


def _sent_by_row(operations: list[Operation]) -> dict[int, Any]:
    sent: dict[int, Any] = {}
    for operation in operations:
        if operation.bulk:
            sent.update(zip(operation.rows, operation.body, strict=True))
        else:
            sent.update({row: operation.body for row in operation.rows})
    return sent

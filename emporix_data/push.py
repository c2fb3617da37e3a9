"""Change plan -> API calls -> one result per row, journaled as it goes.

Every row of a plan ends as ``applied``, ``failed`` (with the HTTP status and the API's
message) or ``conflict`` (changed by someone else since it was loaded: a 409 from the
API, or found by re-reading the row just before writing). Failed and conflicting rows
can be written as an error file in the upload format, fixed in a spreadsheet and pushed
again.

With a ``Journal`` the plan and every row's before-image are recorded before the first
request and each result as soon as it is known, so a push cut off by a crash can be
resumed (``resume_push``): only rows without a result are sent, after a live re-read
that recognises requests which got through before the crash.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from emporix_data.client import EmporixClient
from emporix_data.errors import ApiError, EmporixError
from emporix_data.journal import Journal, Origin, RowRecord, os_user
from emporix_data.keys import key_text
from emporix_data.live import LiveCheck, check_live
from emporix_data.operations import Operation, RowOutcome, run_operations
from emporix_data.plan import (
    ACTION_COLUMN,
    ERROR_COLUMN,
    ChangePlan,
    FieldChange,
    RowChange,
)
from emporix_data.tables import TABLES, Key, ResourceTable

Outcome = Literal["applied", "failed", "conflict", "planned"]


@dataclass(frozen=True)
class RowResult:
    change: RowChange
    outcome: Outcome
    status: int
    message: str | None
    sent: Any
    theirs: dict[str, Any] | None = None


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
    push_id: str | None = None

    def counts(self) -> dict[str, int]:
        counts = {"applied": 0, "failed": 0, "conflict": 0}
        if self.dry_run:
            counts["planned"] = 0
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        return (
            f"{counts['applied']} applied, {counts['failed']} failed, "
            f"{counts['conflict']} conflicts"
        )

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.results if r.outcome in ("failed", "conflict")]

    def conflicts_frame(self) -> pd.DataFrame:
        """Each conflicting field as original (loaded), theirs (live now) and yours."""
        lines = []
        for r in self.results:
            if r.outcome != "conflict":
                continue
            key = key_text(r.change.key)
            theirs = r.theirs or {}
            fields = r.change.changes or tuple(
                FieldChange(name, None, value)
                for name, value in r.change.values.items()
                if name in theirs
            )
            for change in fields:
                lines.append(
                    {
                        "row": r.change.row,
                        "action": r.change.kind,
                        "key": key,
                        "column": change.column,
                        "original": _cell(change.old),
                        "theirs": _cell(theirs.get(change.column)),
                        "yours": _cell(change.new),
                    }
                )
        return pd.DataFrame(
            lines, columns=["row", "action", "key", "column", "original", "theirs", "yours"]
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "row": r.change.row,
                    "action": r.change.kind,
                    "key": key_text(r.change.key),
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
    documents: Mapping[Key, Mapping[str, Any]],
    *,
    dry_run: bool = False,
    progress: Callable[[PushProgress], None] | None = None,
    journal: Journal | None = None,
    origin: Origin | None = None,
    undo_of: str | None = None,
) -> PushReport:
    """Send the plan's valid rows (invalid rows are not in ``plan.changes``).

    New rows get their keys before anything is sent or journaled. Rows of the kinds the
    table re-reads are checked against their live state first; a dry run checks every
    row, so it predicts conflicts and missing rows, and sends nothing.
    """
    changes = with_chosen_keys(table, plan.changes)
    if dry_run:
        checks = check_live(client, table, changes, documents)
        sendable = [i for i, check in enumerate(checks) if check.verdict == "send"]
        operations = _remap(
            table.write(client, [changes[i] for i in sendable], documents), sendable
        )
        sent = _sent_by_row(operations)
        results = [
            _checked(change, check)
            if check.verdict != "send"
            else RowResult(change, "planned", 0, None, sent.get(i))
            for i, (change, check) in enumerate(zip(changes, checks, strict=True))
        ]
        return PushReport(table.name, operations, results, dry_run=True)
    push_id = None
    if journal is not None:
        push_id = journal.start(
            resource=table.name,
            tenant=client.tenant,
            api_url=client.settings.base_url,
            origin=origin or Origin(os_user(), "library"),
            changes=changes,
            before=[None if c.kind == "create" else documents.get(c.key) for c in changes],
            undo_of=undo_of,
        )
    reread = [i for i, change in enumerate(changes) if change.kind in table.reread]
    return _send(
        client,
        table,
        changes,
        documents,
        reread,
        journal,
        push_id,
        list(range(len(changes))),
        progress,
    )


def resume_push(
    client: EmporixClient,
    journal: Journal,
    push_id: str,
    *,
    retry_failed: bool = False,
    progress: Callable[[PushProgress], None] | None = None,
) -> PushReport:
    """Send the rows of a journaled push that have no result (and, with ``retry_failed``,
    those that failed), recording into the same journal entry.

    Every row is re-read first: a request that got through before the crash (or whose
    answer was lost) is recognised as applied and not sent again; a row changed by
    someone else meanwhile is a conflict.
    """
    entry = journal.entry(push_id)
    if entry.tenant != client.tenant:
        raise ValueError(f"push {push_id} was made on tenant {entry.tenant}, not {client.tenant}")
    if entry.status == "running":
        raise ValueError(f"push {push_id} is still running in another process")
    table = TABLES[entry.resource]
    pending = entry.pending(retry_failed=retry_failed)
    journal.claim(push_id)
    changes = [row.change for row in pending]
    documents = {row.change.key: row.before for row in pending if row.before is not None}
    return _send(
        client,
        table,
        changes,
        documents,
        list(range(len(changes))),
        journal,
        push_id,
        [row.position for row in pending],
        progress,
    )


def with_chosen_keys(table: ResourceTable, changes: Sequence[RowChange]) -> list[RowChange]:
    """Creates with a blank key get one now, so every retry addresses the same resource."""
    if table.new_key is None:
        return list(changes)
    name = table.schema.key[0]
    chosen = []
    for change in changes:
        if change.kind == "create" and not change.key[0]:
            key = table.new_key()
            change = dataclasses.replace(change, key=(key,), values={**change.values, name: key})
        chosen.append(change)
    return chosen


def _send(
    client: EmporixClient,
    table: ResourceTable,
    changes: list[RowChange],
    documents: Mapping[Key, Mapping[str, Any]],
    reread: list[int],
    journal: Journal | None,
    push_id: str | None,
    positions: list[int],
    progress: Callable[[PushProgress], None] | None,
) -> PushReport:
    """Re-read ``reread`` rows, send the rest, journal each result as it arrives."""
    started = time.monotonic()
    results: dict[int, RowResult] = {}
    failed = 0

    def settle(found: dict[int, RowResult]) -> None:
        """Record results (a later result for a row replaces the earlier one)."""
        nonlocal failed
        if not found:
            return
        for i, result in found.items():
            previous = results.get(i)
            failed += (result.outcome != "applied") - (
                previous is not None and previous.outcome != "applied"
            )
            results[i] = result
        if journal is not None and push_id is not None:
            journal.record(
                push_id,
                [
                    RowRecord(positions[i], r.outcome, r.status, r.message, r.sent, r.theirs)
                    for i, r in found.items()
                ],
            )
        if progress:
            elapsed = time.monotonic() - started
            progress(PushProgress(len(results), len(changes), failed, elapsed))

    try:
        settle(_live_results(client, table, changes, reread, documents))
        sendable = [i for i in range(len(changes)) if i not in results]
        operations = _remap(
            table.write(client, [changes[i] for i in sendable], documents), sendable
        )
        sent = _sent_by_row(operations)

        def on_done(outcomes: list[RowOutcome]) -> None:
            settle(
                {
                    o.row: RowResult(
                        changes[o.row], _outcome(o), o.status, o.message, sent.get(o.row)
                    )
                    for o in outcomes
                }
            )

        run_operations(client, operations, on_done)
        refused = [i for i in sendable if results[i].outcome == "conflict"]
        settle(_recheck_conflicts(client, table, changes, refused, documents, results))
    finally:
        if journal is not None and push_id is not None:
            journal.release(push_id)
    if journal is not None and push_id is not None:
        journal.finish(push_id)
    return PushReport(
        table.name, operations, [results[i] for i in sorted(results)], push_id=push_id
    )


def _live_results(
    client: EmporixClient,
    table: ResourceTable,
    changes: list[RowChange],
    reread: list[int],
    documents: Mapping[Key, Mapping[str, Any]],
) -> dict[int, RowResult]:
    """Rows settled by re-reading them; all of them failed if they cannot be read."""
    try:
        checks = check_live(client, table, [changes[i] for i in reread], documents)
    except EmporixError as exc:
        status = exc.status if isinstance(exc, ApiError) else 0
        message = f"not sent: could not re-read the row before writing: {exc}"
        return {i: RowResult(changes[i], "failed", status, message, None) for i in reread}
    return {
        i: _checked(changes[i], check)
        for i, check in zip(reread, checks, strict=True)
        if check.verdict != "send"
    }


def _recheck_conflicts(
    client: EmporixClient,
    table: ResourceTable,
    changes: list[RowChange],
    refused: list[int],
    documents: Mapping[Key, Mapping[str, Any]],
    results: Mapping[int, RowResult],
) -> dict[int, RowResult]:
    """Rows the API refused with 409, read again.

    A retried request whose first attempt got through (its answer lost) is refused as
    stale by its own earlier write: such a row is in the wanted state and is applied.
    A real conflict gets the live values, to show next to the loaded ones and the user's.
    """
    try:
        checks = check_live(client, table, [changes[i] for i in refused], documents)
    except EmporixError:
        return {}
    rechecked = {}
    for i, check in zip(refused, checks, strict=True):
        if check.verdict == "applied":
            message = "applied: an earlier attempt got through before the API answered 409"
            rechecked[i] = dataclasses.replace(results[i], outcome="applied", message=message)
        elif check.theirs is not None:
            rechecked[i] = dataclasses.replace(results[i], theirs=check.theirs)
    return rechecked


def _checked(change: RowChange, check: LiveCheck) -> RowResult:
    """The result of a row settled by its live check, without a request."""
    outcome: Outcome = (
        "applied"
        if check.verdict == "applied"
        else ("conflict" if check.verdict == "conflict" else "failed")
    )
    return RowResult(change, outcome, check.status, check.message, None, check.theirs)


def _remap(operations: list[Operation], rows: Sequence[int]) -> list[Operation]:
    """Operations built for a subset of rows, renumbered to the rows' places in the plan."""
    return [dataclasses.replace(op, rows=tuple(rows[i] for i in op.rows)) for op in operations]


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


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

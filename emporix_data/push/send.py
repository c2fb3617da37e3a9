"""Sending a plan: live re-reads first where the API checks no version, then the
requests, each row's result journaled as soon as it is known."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

from emporix_data.client import EmporixClient
from emporix_data.journal import Connection, Journal, Origin, RowRecord, os_user
from emporix_data.live import check_live
from emporix_data.operations import KeyedDocuments, Operation, RowOutcome, run_operations
from emporix_data.plan import ChangePlan, RowChange
from emporix_data.push.rechecks import (
    checked,
    finish_found_creates,
    live_results,
    recheck_conflicts,
)
from emporix_data.push.report import Outcome, PushProgress, PushReport, RowResult
from emporix_data.tables import TABLES, ResourceTable

ProgressListener = Callable[[PushProgress], None]


def push_plan(
    client: EmporixClient,
    table: ResourceTable,
    plan: ChangePlan,
    documents: KeyedDocuments,
    *,
    dry_run: bool = False,
    progress: ProgressListener | None = None,
    journal: Journal | None = None,
    origin: Origin | None = None,
    undo_of: str | None = None,
) -> PushReport:
    """Send the plan's valid rows; the rows it refused are in the report as ``invalid``.

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
            checked(change, check)
            if check.verdict != "send"
            else RowResult(change, "planned", 0, None, sent.get(i))
            for i, (change, check) in enumerate(zip(changes, checks, strict=True))
        ]
        return PushReport(table.name, operations, results, dry_run=True, invalid=plan.rejected())
    push_id = None
    if journal is not None:
        push_id = journal.start(
            resource=table.name,
            tenant=client.tenant,
            api_url=client.settings.base_url,
            origin=origin or Origin(os_user(), "library"),
            changes=changes,
            # A create's is the document it starts from, if any (an undone delete's
            # before-image): a resumed create restores the row whole too.
            before=[documents.get(c.key) for c in changes],
            undo_of=undo_of,
        )
    reread = [i for i, change in enumerate(changes) if change.kind in table.reread]
    report = _send(
        client,
        table,
        changes,
        documents,
        reread=reread,
        journal=journal,
        push_id=push_id,
        positions=list(range(len(changes))),
        progress=progress,
    )
    report.invalid = plan.rejected()
    return report


def resume_push(
    client: EmporixClient,
    journal: Journal,
    push_id: str,
    *,
    retry_failed: bool = False,
    progress: ProgressListener | None = None,
) -> PushReport:
    """Send the rows of a journaled push that have no result (and, with ``retry_failed``,
    those that failed), recording into the same journal entry.

    Every row is re-read first: a request that got through before the crash (or whose
    answer was lost) is recognised as applied and not sent again; a row changed by
    someone else meanwhile is a conflict.
    """
    entry = journal.entry(push_id)
    entry.check_connection(Connection.of(client.settings))
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
        reread=list(range(len(changes))),
        journal=journal,
        push_id=push_id,
        positions=[row.position for row in pending],
        progress=progress,
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
    documents: KeyedDocuments,
    *,
    reread: list[int],
    journal: Journal | None,
    push_id: str | None,
    positions: list[int],
    progress: ProgressListener | None,
) -> PushReport:
    """Re-read ``reread`` rows, send the rest, journal each result as it arrives.

    ``positions`` are the rows' places in the journaled plan (a resume sends a subset).
    """
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
        found = live_results(client, table, changes, reread, documents)
        settle(found)
        settle(finish_found_creates(client, table, changes, found, documents))
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
        settle(recheck_conflicts(client, table, changes, refused, documents, results))
    finally:
        if journal is not None and push_id is not None:
            journal.release(push_id)
    if journal is not None and push_id is not None:
        journal.finish(push_id)
    return PushReport(
        table.name, operations, [results[i] for i in sorted(results)], push_id=push_id
    )


def _remap(operations: list[Operation], rows: Sequence[int]) -> list[Operation]:
    """Operations built for a subset of rows, renumbered to the rows' places in the plan."""
    return [dataclasses.replace(op, rows=tuple(rows[i] for i in op.rows)) for op in operations]


def _outcome(outcome: RowOutcome) -> Outcome:
    if outcome.ok:
        return "applied"
    return "conflict" if outcome.status == 409 else "failed"


def _sent_by_row(operations: list[Operation]) -> dict[int, dict[str, Any] | None]:
    """Each row's request body: its bulk item, or the body of its own request."""
    sent: dict[int, dict[str, Any] | None] = {}
    for operation in operations:
        body = operation.body
        if isinstance(body, list):
            sent.update(zip(operation.rows, body, strict=True))
        else:
            sent.update(dict.fromkeys(operation.rows, body))
    return sent

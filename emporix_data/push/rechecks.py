"""Rows settled by reading them live instead of (or after) writing them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from emporix_data.client import EmporixClient
from emporix_data.errors import ApiError, EmporixError
from emporix_data.live import LiveCheck, check_live
from emporix_data.operations import KeyedDocuments, send_followups
from emporix_data.plan import RowChange
from emporix_data.push.report import Outcome, RowResult
from emporix_data.tables import ResourceTable


def live_results(
    client: EmporixClient,
    table: ResourceTable,
    changes: Sequence[RowChange],
    reread: Sequence[int],
    documents: KeyedDocuments,
) -> dict[int, RowResult]:
    """Rows settled by re-reading them; all of them failed if they cannot be read."""
    try:
        checks = check_live(client, table, [changes[i] for i in reread], documents)
    except EmporixError as exc:
        status = exc.status if isinstance(exc, ApiError) else 0
        message = f"not sent: could not re-read the row before writing: {exc}"
        return {i: RowResult(changes[i], "failed", status, message, None) for i in reread}
    return {
        i: checked(changes[i], check)
        for i, check in zip(reread, checks, strict=True)
        if check.verdict != "send"
    }


def finish_found_creates(
    client: EmporixClient,
    table: ResourceTable,
    changes: Sequence[RowChange],
    found: Mapping[int, RowResult],
    documents: KeyedDocuments,
) -> dict[int, RowResult]:
    """Creates a re-read found done, whose write has follow-ups (a recreated customer's
    addresses): a crash or a failed follow-up may have left some unsent, so they are
    sent again; those the API has already count as done."""
    created = [
        i for i, r in found.items() if r.outcome == "applied" and changes[i].kind == "create"
    ]
    if not created:
        return {}
    finished = {}
    for operation in table.write(client, [changes[i] for i in created], documents):
        if not operation.followups:
            continue
        targets = sorted({f"{f.method} {f.path}" for f in operation.followups})
        for outcome in send_followups(client, operation, 200):
            i = created[outcome.row]
            if outcome.ok:
                message = (
                    f"already created; its follow-up requests sent again: {', '.join(targets)}"
                )
                finished[i] = dataclasses.replace(found[i], message=message)
            else:
                finished[i] = RowResult(changes[i], "failed", outcome.status, outcome.message, None)
    return finished


def recheck_conflicts(
    client: EmporixClient,
    table: ResourceTable,
    changes: Sequence[RowChange],
    refused: Sequence[int],
    documents: KeyedDocuments,
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


def checked(change: RowChange, check: LiveCheck) -> RowResult:
    """The result of a row settled by its live check, without a request."""
    outcome: Outcome = (
        "applied"
        if check.verdict == "applied"
        else ("conflict" if check.verdict == "conflict" else "failed")
    )
    return RowResult(change, outcome, check.status, check.message, None, check.theirs)

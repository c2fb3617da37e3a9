"""Operations: the HTTP calls a push consists of, each covering one or more plan rows.

Bulk endpoints take at most 200 items per request and answer 207 with one entry per
item; every item ends with exactly one outcome: the API's answer, the error of a request
that failed as a whole, or a failure saying the API returned no entry for it.

Building the list of operations is separate from sending it, so that a dry run can show
exactly what would be sent, request by request. Sending runs operations concurrently
(bounded by the client's concurrency) and gives every covered row its own outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TypeVar

from emporix_data.client import EmporixClient
from emporix_data.errors import ApiError, EmporixError
from emporix_data.keys import Key

BULK_LIMIT = 200
T = TypeVar("T")
# An API document as JSON (the full one as loaded, or a request body).
Document = Mapping[str, Any]
# The documents behind a table's rows, by row key: what writes start from.
KeyedDocuments = Mapping[Key, Document]
# A request body: one document, or a bulk request's items.
Body = dict[str, Any] | list[dict[str, Any]] | None


@dataclass(frozen=True)
class Operation:
    """One request; ``rows`` are the plan rows it carries (one, or a bulk chunk's items).

    ``followups`` are sent after it, in order, once it succeeded (a recreated customer's
    addresses): they finish the same rows, and the first that fails fails them.
    """

    method: str
    path: str
    rows: tuple[int, ...]
    body: Body = None
    params: Mapping[str, str] = field(default_factory=dict)
    bulk: bool = False
    followups: tuple[Operation, ...] = ()


@dataclass(frozen=True)
class RowOutcome:
    """What the API said about one row: an HTTP status (0 if none came) and its message."""

    row: int
    status: int
    message: str | None = None
    already_absent: bool = False  # a DELETE answered 404: what it should do is done

    @property
    def ok(self) -> bool:
        return self.already_absent or 200 <= self.status < 300


def chunked(items: Sequence[T], size: int = BULK_LIMIT) -> list[tuple[int, Sequence[T]]]:
    """``(offset, chunk)`` pairs of at most ``size`` items, in order."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    return [(start, items[start : start + size]) for start in range(0, len(items), size)]


def map_multi_status(entries: Iterable[object], rows: Sequence[int]) -> list[RowOutcome]:
    """One outcome per row of a bulk request from its 207 body; never a guess.

    Entries carry the item's position in the request. The spec says "matching the item
    position in the request body"; the vendor's examples count from 0 in one service and
    from 1 in another. An answer says how it counts when it holds 0 (only from 0) or n
    (only from 1) for n items; otherwise, an incomplete answer could be either, and
    reading it the wrong way would give rows each other's results: then every row of
    the request is failed ("ambiguous 207 answer"), so that retrying sends them again.
    """
    count = len(rows)
    valid: list[tuple[int, Mapping[str, Any]]] = [
        (entry["index"], entry)
        for entry in entries
        if isinstance(entry, Mapping) and type(entry.get("index")) is int
    ]
    indices = {index for index, _ in valid}
    base = _numbering(indices, count)
    if base is None:
        why = _ambiguous(indices, count)
        return [RowOutcome(row, 0, why) for row in rows]
    by_position: dict[int, Mapping[str, Any]] = {}
    for index, entry in valid:
        position = index - base
        if 0 <= position < count:
            by_position.setdefault(position, entry)
    outcomes = []
    for position, row in enumerate(rows):
        answer = by_position.get(position)
        if answer is None:
            outcomes.append(RowOutcome(row, 0, "the API returned no result for this item"))
        else:
            message = answer.get("message")
            outcomes.append(
                RowOutcome(
                    row, int(answer.get("code") or 0), None if message is None else str(message)
                )
            )
    return outcomes


def _numbering(indices: set[int], count: int) -> int | None:
    """0 or 1, the first index of a 207 answer's entries; None where it cannot be told."""
    if not indices:
        return 0  # nothing to misread: every item is reported without a result
    counts_from_zero = 0 in indices
    counts_from_one = count in indices
    if counts_from_zero != counts_from_one:
        return 0 if counts_from_zero else 1
    return None


def _ambiguous(indices: set[int], count: int) -> str:
    numbered = f"numbered {min(indices)} to {max(indices)}" if indices else "none numbered"
    return (
        f"ambiguous 207 answer: {len(indices)} entries for {count} items, {numbered}, "
        "so which item each is about cannot be told; not known whether it applied "
        "(retrying sends it again)"
    )


def bulk_operations(
    method: str,
    path: str,
    items: Sequence[dict[str, Any]],
    rows: Sequence[int],
    limit: int = BULK_LIMIT,
) -> list[Operation]:
    """Operations of at most ``limit`` items each, remembering which row each item is."""
    return [
        Operation(method, path, tuple(rows[offset : offset + len(chunk)]), list(chunk), bulk=True)
        for offset, chunk in chunked(items, limit)
    ]


def execute(client: EmporixClient, operation: Operation) -> list[RowOutcome]:
    """Send one operation and its follow-ups; never raises for API or connection failures.

    A follow-up answered 409 (what it creates exists already) counts as done.
    """
    outcomes = _sent(client, operation)
    if operation.method == "DELETE":
        return [_absent_is_deleted(outcome) for outcome in outcomes]
    return outcomes


def _sent(client: EmporixClient, operation: Operation) -> list[RowOutcome]:
    try:
        response = client.request(
            operation.method, operation.path, params=operation.params or None, json=operation.body
        )
    except EmporixError as exc:
        status, message = _failure(exc)
        return [RowOutcome(row, status, message) for row in operation.rows]
    if operation.bulk:
        return map_multi_status(response.json(), operation.rows)
    return send_followups(client, operation, response.status_code)


def send_followups(client: EmporixClient, operation: Operation, status: int) -> list[RowOutcome]:
    """``operation``'s follow-ups in order, its own request done (answered ``status``):
    its rows' outcomes are that status, or the first follow-up's failure.

    A follow-up answered 409 (what it creates exists already) counts as done, so sending
    them again finishes what an earlier try left half done.
    """
    for number, followup in enumerate(operation.followups, 1):
        try:
            client.request(followup.method, followup.path, json=followup.body)
        except EmporixError as exc:
            failed, message = _failure(exc)
            if failed == 409:
                continue
            done = f"{number - 1} of {len(operation.followups)}"
            text = (
                f"{operation.method} succeeded, but {followup.method} {followup.path} failed "
                f"(follow-up requests done: {done}): {message}"
            )
            return [RowOutcome(row, failed, text) for row in operation.rows]
    return [RowOutcome(row, status) for row in operation.rows]


def _failure(exc: EmporixError) -> tuple[int, str]:
    """A failed request's HTTP status (0 if no answer came) and message."""
    if isinstance(exc, ApiError):
        return exc.status, exc.message
    return 0, str(exc)


def _absent_is_deleted(outcome: RowOutcome) -> RowOutcome:
    """A delete that finds nothing to delete is done, not failed: a retry whose first
    attempt got through, or a row someone else deleted, ends as wanted either way."""
    if outcome.status != 404:
        return outcome
    return RowOutcome(outcome.row, 404, "already absent", already_absent=True)


def run_operations(
    client: EmporixClient,
    operations: Sequence[Operation],
    on_done: Callable[[list[RowOutcome]], None] | None = None,
) -> list[RowOutcome]:
    """Send all operations concurrently; ``on_done`` gets each operation's outcomes."""
    outcomes: list[RowOutcome] = []
    if not operations:
        return outcomes
    workers = max(1, min(client.settings.concurrency, len(operations)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(execute, client, operation) for operation in operations]
        for future in as_completed(futures):
            done = future.result()
            outcomes.extend(done)
            if on_done:
                on_done(done)
    return sorted(outcomes, key=lambda outcome: outcome.row)

"""Operations: the HTTP calls a push consists of, each covering one or more plan rows.

Building the list of operations is separate from sending it, so that a dry run can show
exactly what would be sent, request by request. Sending runs operations concurrently
(bounded by the client's concurrency) and gives every covered row its own outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from emporix_data.bulk import BULK_LIMIT, chunked, map_multi_status
from emporix_data.client import EmporixClient
from emporix_data.errors import ApiError, EmporixError


@dataclass(frozen=True)
class Operation:
    """One request; ``rows`` are the plan rows it carries (one, or a bulk chunk's items)."""

    method: str
    path: str
    rows: tuple[int, ...]
    body: Any = None
    params: Mapping[str, str] = field(default_factory=dict)
    bulk: bool = False


@dataclass(frozen=True)
class RowOutcome:
    """What the API said about one row: an HTTP status (0 if none came) and its message."""

    row: int
    status: int
    message: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def bulk_operations(
    method: str, path: str, items: Sequence[Any], rows: Sequence[int], limit: int = BULK_LIMIT
) -> list[Operation]:
    """Operations of at most ``limit`` items each, remembering which row each item is."""
    return [
        Operation(method, path, tuple(rows[offset : offset + len(chunk)]), list(chunk), bulk=True)
        for offset, chunk in chunked(items, limit)
    ]


def execute(client: EmporixClient, operation: Operation) -> list[RowOutcome]:
    """Send one operation; never raises for API or connection failures."""
    try:
        response = client.request(
            operation.method, operation.path, params=operation.params or None, json=operation.body
        )
    except EmporixError as exc:
        status = exc.status if isinstance(exc, ApiError) else 0
        message = exc.message if isinstance(exc, ApiError) else str(exc)
        return [RowOutcome(row, status, message) for row in operation.rows]
    if not operation.bulk:
        return [RowOutcome(row, response.status_code) for row in operation.rows]
    results = map_multi_status(response.json(), len(operation.rows))
    return [
        RowOutcome(row, result.code, result.message)
        for row, result in zip(operation.rows, results, strict=True)
    ]


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

"""Bulk endpoints: chunk at the API's limit, map every 207 entry back to its input item.

Every input item ends with exactly one ``BulkItemResult``: the API's own answer, the
error of a chunk that failed as a whole, or a failure saying that the API returned no
entry for it. Nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BULK_LIMIT = 200


@dataclass(frozen=True)
class BulkItemResult:
    """The outcome of one input item; ``index`` is its position in the caller's sequence."""

    index: int
    code: int
    status: str
    message: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300


def chunked(items: Sequence[Any], size: int = BULK_LIMIT) -> list[tuple[int, Sequence[Any]]]:
    """``(offset, chunk)`` pairs of at most ``size`` items, in order."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    return [(start, items[start : start + size]) for start in range(0, len(items), size)]


def map_multi_status(entries: Any, count: int, offset: int = 0) -> list[BulkItemResult]:
    """One result per item of a chunk of ``count`` items from a 207 body.

    Entries carry the item's position in the request. The spec says "matching the item
    position in the request body"; the vendor's examples count from 0 in one service and
    from 1 in another, so a complete answer numbered 1..count is read as counting from 1.
    """
    valid = [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("index"), int)]
    indices = {e["index"] for e in valid}
    base = 1 if (0 not in indices and count in indices) else 0
    by_position: dict[int, Mapping[str, Any]] = {}
    for entry in valid:
        position = entry["index"] - base
        if 0 <= position < count:
            by_position.setdefault(position, entry)
    results = []
    for position in range(count):
        entry = by_position.get(position)
        if entry is None:
            results.append(
                BulkItemResult(offset + position, 0, "No result", "the API returned no result")
            )
            continue
        code = int(entry.get("code") or 0)
        results.append(
            BulkItemResult(
                index=offset + position,
                code=code,
                status=str(entry.get("status") or code),
                message=_opt_str(entry.get("message")),
            )
        )
    return results


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)

"""The journal as tables to show: every push with its counts, and one push's rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from emporix_data.frames import FrameSchema
from emporix_data.journal.entries import entry_of, journaled_row_of
from emporix_data.keys import key_text
from emporix_data.plan import change_text

HISTORY_COLUMNS = [
    "id",
    "started",
    "resource",
    "tenant",
    "api_url",
    "user",
    "source",
    "status",
    "rows",
    "applied",
    "failed",
    "conflict",
    "pending",
    "undo_of",
]
ROW_COLUMNS = ["row", "action", "key", "changes", "outcome", "status", "message"]


def history_frame(heads: Sequence[sqlite3.Row]) -> pd.DataFrame:
    """One line per push (``heads`` from the store's head query, with their counts)."""
    lines = []
    for head in heads:
        entry = entry_of(head, ())
        lines.append(
            {
                "id": entry.id,
                "started": entry.started_at,
                "resource": entry.resource,
                "tenant": entry.tenant,
                "api_url": entry.api_url,
                "user": entry.user,
                "source": entry.source,
                "status": entry.status,
                "rows": head["total"],
                "applied": head["applied"],
                "failed": head["failed"],
                "conflict": head["conflict"],
                "pending": head["pending"],
                "undo_of": entry.undo_of or "",
            }
        )
    return pd.DataFrame(lines, columns=HISTORY_COLUMNS)


def local_time(stamp: str | None, zone: str | None = None) -> str:
    """A journal time (ISO 8601, UTC) as ``2026-12-01 10:30:05 CET`` in ``zone`` (an IANA
    name such as the browser's; UTC when it is missing or unknown)."""
    if not stamp:
        return ""
    try:
        where = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        where = UTC
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(where).strftime("%Y-%m-%d %H:%M:%S %Z")


def rows_frame(rows: Sequence[sqlite3.Row], schema: FrameSchema | None = None) -> pd.DataFrame:
    """One line per row of a push: what it was (with ``schema``, its fields old -> new),
    and how it ended."""
    return pd.DataFrame(
        [
            {
                "row": row["row"],
                "action": row["kind"],
                "key": key_text(json.loads(row["key"])),
                "changes": change_text(journaled_row_of(row).change, schema) if schema else "",
                "outcome": row["outcome"] or "pending",
                "status": row["status"],
                "message": row["message"] or "",
            }
            for row in rows
        ],
        columns=ROW_COLUMNS,
    )

"""The journal as tables to show: every push with its counts, and one push's rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import pandas as pd

from emporix_data.journal.entries import entry_of
from emporix_data.keys import key_text

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
ROW_COLUMNS = ["row", "action", "key", "outcome", "status", "message"]


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


def rows_frame(rows: Sequence[sqlite3.Row]) -> pd.DataFrame:
    """One line per row of a push: what it was, and how it ended."""
    return pd.DataFrame(
        [
            {
                "row": row["row"],
                "action": row["kind"],
                "key": key_text(json.loads(row["key"])),
                "outcome": row["outcome"] or "pending",
                "status": row["status"],
                "message": row["message"] or "",
            }
            for row in rows
        ],
        columns=ROW_COLUMNS,
    )

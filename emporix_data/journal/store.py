"""The journal file: one SQLite database, written in one transaction per step of a push."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from emporix_data.frames import FrameSchema
from emporix_data.journal.entries import (
    ACTIVE,
    Connection,
    Origin,
    PushEntry,
    RowRecord,
    entry_of,
    journaled_row_of,
)
from emporix_data.journal.history import history_frame, rows_frame
from emporix_data.plan import RowChange
from emporix_data.settings import LocalSettings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pushes (
    id TEXT PRIMARY KEY,
    resource TEXT NOT NULL,
    tenant TEXT NOT NULL,
    api_url TEXT NOT NULL,
    user TEXT NOT NULL,
    source TEXT NOT NULL,
    undo_of TEXT,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS push_rows (
    push_id TEXT NOT NULL REFERENCES pushes(id),
    position INTEGER NOT NULL,
    row TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    row_values TEXT NOT NULL,
    changes TEXT NOT NULL,
    before TEXT,
    outcome TEXT,
    status INTEGER,
    message TEXT,
    sent TEXT,
    theirs TEXT,
    done_at TEXT,
    PRIMARY KEY (push_id, position)
);
"""

_HEAD_QUERY = """
SELECT p.*,
    (SELECT COUNT(*) FROM push_rows r WHERE r.push_id = p.id) AS total,
    (SELECT COUNT(*) FROM push_rows r WHERE r.push_id = p.id AND r.outcome = 'applied') AS applied,
    (SELECT COUNT(*) FROM push_rows r WHERE r.push_id = p.id AND r.outcome = 'failed') AS failed,
    (SELECT COUNT(*) FROM push_rows r WHERE r.push_id = p.id AND r.outcome = 'conflict')
        AS conflict,
    (SELECT COUNT(*) FROM push_rows r WHERE r.push_id = p.id AND r.outcome IS NULL) AS pending
FROM pushes p
"""


def journal_path() -> Path:
    """Where the journal lives: ``EMPORIX_JOURNAL_DB``, else ``journal.db`` in
    ``EMPORIX_DATA_DIR`` (default ``.emporix-data``)."""
    return LocalSettings().journal_db


def open_journal(path: Path | None = None) -> Journal:
    """The journal at ``path``, or at the configured place."""
    return Journal(path or journal_path())


class Journal:
    """One SQLite file; safe to share between threads (one connection, one lock).

    Pushes being run by this process are remembered, so that one that stopped with an
    exception shows as incomplete rather than running.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def start(
        self,
        *,
        resource: str,
        tenant: str,
        api_url: str,
        origin: Origin,
        changes: Sequence[RowChange],
        before: Sequence[Mapping[str, Any] | None],
        undo_of: str | None = None,
    ) -> str:
        """Record a push and its whole plan before anything is sent; returns its id."""
        push_id = uuid.uuid4().hex[:12]
        with self._transaction() as db:
            db.execute(
                "INSERT INTO pushes (id, resource, tenant, api_url, user, source, undo_of,"
                " host, pid, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    push_id,
                    resource,
                    tenant,
                    api_url,
                    origin.user,
                    origin.source,
                    undo_of,
                    socket.gethostname(),
                    os.getpid(),
                    _now(),
                ),
            )
            db.executemany(
                "INSERT INTO push_rows (push_id, position, row, kind, key, row_values, changes,"
                " before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        push_id,
                        position,
                        change.row,
                        change.kind,
                        _dump(list(change.key)),
                        _dump(change.values),
                        _dump([[c.column, c.old, c.new] for c in change.changes]),
                        _dump(dict(image)) if image is not None else None,
                    )
                    for position, (change, image) in enumerate(zip(changes, before, strict=True))
                ],
            )
        ACTIVE.add(push_id)
        return push_id

    def claim(self, push_id: str) -> None:
        """Mark ``push_id`` as being worked on by this process (a resume takes it over)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE pushes SET host = ?, pid = ?, finished_at = NULL WHERE id = ?",
                (socket.gethostname(), os.getpid(), push_id),
            )
        ACTIVE.add(push_id)

    def release(self, push_id: str) -> None:
        """This process no longer works on ``push_id`` (finished or stopped)."""
        ACTIVE.discard(push_id)

    def record(self, push_id: str, results: Iterable[RowRecord]) -> None:
        """Store row results as they arrive (one transaction per batch)."""
        stamp = _now()
        with self._transaction() as db:
            db.executemany(
                "UPDATE push_rows SET outcome = ?, status = ?, message = ?, sent = ?,"
                " theirs = ?, done_at = ? WHERE push_id = ? AND position = ?",
                [
                    (
                        r.outcome,
                        r.status,
                        r.message,
                        None if r.sent is None else _dump(r.sent),
                        None if r.theirs is None else _dump(r.theirs),
                        stamp,
                        push_id,
                        r.position,
                    )
                    for r in results
                ],
            )

    def finish(self, push_id: str) -> bool:
        """Mark ``push_id`` finished, unless a row of it has no result yet: such a push
        stays incomplete, to be resumed. True if it is finished now."""
        with self._transaction() as db:
            finished = db.execute(
                "UPDATE pushes SET finished_at = ? WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM push_rows WHERE push_id = ? AND outcome IS NULL)",
                (_now(), push_id, push_id),
            ).rowcount
        self.release(push_id)
        return finished == 1

    def entry(self, push_id: str) -> PushEntry:
        """One push with all its rows; ``KeyError`` if the journal has no such push."""
        with self._lock:
            head = self._db.execute(_HEAD_QUERY + " WHERE p.id = ?", (push_id,)).fetchone()
            if head is None:
                raise KeyError(push_id)
            rows = self._db.execute(
                "SELECT position, row, kind, key, row_values, changes, before, outcome, status,"
                " message FROM push_rows WHERE push_id = ? ORDER BY position",
                (push_id,),
            ).fetchall()
        return entry_of(head, tuple(journaled_row_of(row) for row in rows))

    def history(self, connection: Connection | None = None) -> pd.DataFrame:
        """Every push (of ``connection`` only, where given), newest first, with its counts
        and status."""
        where = "" if connection is None else " WHERE p.api_url = ? AND p.tenant = ?"
        params = () if connection is None else (connection.api_url, connection.tenant)
        with self._lock:
            heads = self._db.execute(
                _HEAD_QUERY + where + " ORDER BY p.started_at DESC", params
            ).fetchall()
        return history_frame(heads)

    def rows_frame(self, push_id: str, schema: FrameSchema | None = None) -> pd.DataFrame:
        """One line per row of a push: what it was (with ``schema``, old -> new), and how
        it ended."""
        with self._lock:
            rows = self._db.execute(
                "SELECT position, row, kind, key, row_values, changes, before, outcome, status,"
                " message FROM push_rows WHERE push_id = ? ORDER BY position",
                (push_id,),
            ).fetchall()
        return rows_frame(rows, schema)


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(value: object) -> str:
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    raise TypeError(f"cannot journal a {type(value).__name__}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")

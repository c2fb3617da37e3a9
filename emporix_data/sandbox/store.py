"""SQLite document store: one table of JSON documents, grouped in collections.

Collections are ``customers``, ``legal_entities``, ``contact_assignments``,
``segments``, ``memberships:<segmentId>`` and ``cgrelations:<site>``. List responses
are built by joining stored JSON texts, without parsing them again.

Indexes keep a large tenant fast: a slim ``(collection, key)`` index makes deep
``OFFSET`` pages cheap to skip to (from the nearest of the keys ``KeyAnchors`` knows,
for a million customers), and expression indexes serve the lookups the API
makes on every write (``contactEmail`` uniqueness), the ``customerNumber:(...)`` lists
of live re-reads, and a customer's contact assignments (its legal entities, read with
every customer). Their paths are written exactly as ``query`` writes them, or
SQLite would not match them.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from emporix_data.sandbox.anchors import KeyAnchors

PUT_BATCH = 20_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (collection, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_keys ON docs (collection, key);
CREATE INDEX IF NOT EXISTS docs_customer_number
    ON docs (collection, json_extract(doc, '$."customerNumber"'));
CREATE INDEX IF NOT EXISTS docs_contact_email
    ON docs (collection, json_extract(doc, '$."contactEmail"'));
CREATE INDEX IF NOT EXISTS docs_referenced_customer
    ON docs (collection, json_extract(doc, '$.customer.id'));
"""


def _regexp(pattern: str, value: Any) -> bool:
    import re

    return value is not None and re.search(pattern, str(value)) is not None


class Store:
    """Used from the server's event-loop thread only (and, before it starts, the seeder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.create_function("regexp", 2, _regexp, deterministic=True)
        self.db.executescript(SCHEMA)
        self.anchors = KeyAnchors(self.db)
        analyzed = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        if not self.db.execute(analyzed).fetchone():
            self.analyze()

    def analyze(self) -> None:
        """Refresh the planner's statistics: without them it scans the primary key
        (to avoid a sort) instead of using an expression index."""
        self.db.execute("ANALYZE")

    def close(self) -> None:
        self.db.close()

    # meta -------------------------------------------------------------------
    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    # documents --------------------------------------------------------------
    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT doc FROM docs WHERE collection = ? AND key = ?", (collection, key)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def get_text(self, collection: str, key: str) -> str | None:
        row = self.db.execute(
            "SELECT doc FROM docs WHERE collection = ? AND key = ?", (collection, key)
        ).fetchone()
        return row[0] if row else None

    def transform(self, sql: str, texts: list[str]) -> list[str]:
        """``sql`` run over ``texts`` bound as one JSON array (see ``references_sql``)."""
        if not texts:
            return []
        return [row[0] for row in self.db.execute(sql, ("[" + ",".join(texts) + "]",))]

    def exists(self, collection: str, key: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM docs WHERE collection = ? AND key = ?", (collection, key)
            ).fetchone()
            is not None
        )

    def put(self, collection: str, key: str, doc: dict[str, Any]) -> None:
        self.anchors.forget(collection)
        self.db.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?)",
            (collection, key, json.dumps(doc, ensure_ascii=False)),
        )

    def put_many(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Every row, committed in batches: a million documents pass through without
        being held (neither here nor in one ever-growing write-ahead log)."""
        self.anchors.forget()
        rows = iter(rows)
        while batch := list(itertools.islice(rows, PUT_BATCH)):
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO docs VALUES (?, ?, ?)",
                ((c, k, json.dumps(d, ensure_ascii=False)) for c, k, d in batch),
            )
            self.db.execute("COMMIT")
        self.analyze()

    def delete(self, collection: str, key: str) -> bool:
        self.anchors.forget(collection)
        cursor = self.db.execute(
            "DELETE FROM docs WHERE collection = ? AND key = ?", (collection, key)
        )
        return cursor.rowcount > 0

    def delete_all(self) -> None:
        self.anchors.forget()
        self.db.execute("DELETE FROM docs")

    def collections(self, prefix: str) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT collection FROM docs WHERE collection LIKE ?", (prefix + "%",)
        )
        return [row[0] for row in rows]

    def count(self, collection: str, where: str = "", params: Sequence[Any] = ()) -> int:
        sql = "SELECT COUNT(*) FROM docs WHERE collection = ?" + (
            f" AND ({where})" if where else ""
        )
        count: int = self.db.execute(sql, (collection, *params)).fetchone()[0]
        return count

    def page(
        self,
        collection: str,
        *,
        where: str = "",
        params: Sequence[Any] = (),
        order: str = "key",
        limit: int | None = None,
        offset: int = 0,
        select: str = "doc",
    ) -> list[str]:
        """One page, in ``order``: the stored JSON texts, or ``select``, an expression
        over the row (``item.key``, ``item.doc``) answering each document as the API does."""
        if offset and limit is not None and not where and order == "key":
            # Skip through the slim key index, from the nearest anchor, not through the
            # documents themselves.
            anchor, skip = self.anchors.start(collection, offset)
            rows = self.db.execute(
                f"SELECT {select} FROM docs AS item WHERE collection = ? AND key IN "
                "(SELECT key FROM docs INDEXED BY docs_keys WHERE collection = ? AND key >= ? "
                "ORDER BY key LIMIT ? OFFSET ?) ORDER BY key",
                (collection, collection, anchor, limit, skip),
            )
            return [row[0] for row in rows]
        sql = f"SELECT {select} FROM docs AS item WHERE collection = ?"
        if where:
            sql += f" AND ({where})"
        sql += f" ORDER BY {order}"
        args: list[Any] = [collection, *params]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [row[0] for row in self.db.execute(sql, args)]

    def size_bytes(self) -> int:
        """The size of the database's pages (what a snapshot of it takes)."""
        pages: int = self.db.execute("PRAGMA page_count").fetchone()[0]
        size: int = self.db.execute("PRAGMA page_size").fetchone()[0]
        return pages * size

    def snapshot(self) -> sqlite3.Connection:
        """An in-memory copy of the whole database (for fast resets)."""
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.backup(copy)
        return copy

    def restore(self, snapshot: sqlite3.Connection) -> None:
        self.anchors.forget()
        snapshot.backup(self.db)

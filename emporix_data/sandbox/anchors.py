"""Deep pages without long walks: the key at every ``STEP``-th position of a collection.

SQLite skips an ``OFFSET`` by stepping through the index one entry at a time: the last
page of a million customers costs a walk of a million entries (about 35 ms), more than
a page is allowed. With the key at every ``STEP``-th position known, a page starts from
the nearest such key before it and walks at most ``STEP`` entries.

The anchors of a collection are found as pages need them (or all at once by ``warm``)
and forgotten on any write to it, since a write may shift every position after it.
"""

from __future__ import annotations

import sqlite3

STEP = 5_000


class KeyAnchors:
    """The known anchors of each collection: ``keys[i]`` is at position ``(i + 1) * STEP``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._keys: dict[str, list[str]] = {}

    def start(self, collection: str, offset: int) -> tuple[str, int]:
        """A key at or before position ``offset`` (``""``: the first), and how many
        entries past it the position is."""
        known = self._extend(collection, offset // STEP)
        if not known:
            return "", offset
        return self._keys[collection][known - 1], offset - known * STEP

    def warm(self, collection: str) -> None:
        """Find every anchor of ``collection`` now (a walk through it, once)."""
        self._extend(collection, None)

    def forget(self, collection: str | None = None) -> None:
        """After a write: the anchors of ``collection`` (None: of all) are stale."""
        if collection is None:
            self._keys.clear()
        else:
            self._keys.pop(collection, None)

    def _extend(self, collection: str, wanted: int | None) -> int:
        """Anchors up to the ``wanted``-th (None: all) or the end; how many are known."""
        keys = self._keys.setdefault(collection, [])
        while wanted is None or len(keys) < wanted:
            row = self.db.execute(
                "SELECT key FROM docs INDEXED BY docs_keys WHERE collection = ? AND key >= ? "
                "ORDER BY key LIMIT 1 OFFSET ?",
                (collection, keys[-1] if keys else "", STEP),
            ).fetchone()
            if row is None:
                break
            keys.append(row[0])
        return len(keys) if wanted is None else min(wanted, len(keys))

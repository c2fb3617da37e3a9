"""Row keys: the one way rows are matched, whether in a plan, a selection or a push result.

A key is a tuple of the key columns' plain values (blank parts ``None``). For matching
whole frames at once a key is also joined into one string per row, each part prefixed
with its length, so that no id, whatever characters it holds, can make two different
keys join to the same string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from emporix_data.values import plain

Key = tuple[Any, ...]
KEY_SEPARATOR = "\x1f"


def key_tuples(frame: pd.DataFrame, columns: Sequence[str]) -> list[Key]:
    """Each row's key as a tuple of plain values, blanks as ``None``."""
    values = [[plain(value) for value in frame[name].tolist()] for name in columns]
    return list(zip(*values, strict=True)) if values else [() for _ in range(len(frame))]


def joined_keys(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One collision-free string per row joining its key values (blank parts empty)."""
    joined: pd.Series | None = None
    for name in columns:
        part = frame[name].astype("string").fillna("")
        piece = part.str.len().astype("string") + ":" + part
        joined = piece if joined is None else joined + KEY_SEPARATOR + piece
    if joined is None:
        raise ValueError("a key needs at least one column")
    return joined.astype(object)


def joined_key(key: Key) -> str:
    """``joined_keys`` of one key tuple."""
    parts = ("" if part is None else str(part) for part in key)
    return KEY_SEPARATOR.join(f"{len(part)}:{part}" for part in parts)


def key_text(key: Sequence[Any] | None) -> str:
    """A key as users read it: its parts joined by " / ", blank parts left out."""
    parts = ("" if part is None else str(part) for part in key or ())
    return " / ".join(part for part in parts if part.strip())

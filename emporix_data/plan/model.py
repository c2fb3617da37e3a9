"""What a plan is made of: the rows to create, update or delete, and the rows refused.

A ``ChangePlan`` is the one thing every write goes through (grid edits, uploads, audit
fixes, undo): it is reviewed as ``changes_frame`` and ``errors_frame``, then pushed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from emporix_data.frames import FrameSchema
from emporix_data.keys import Key, key_text
from emporix_data.values import is_missing

ACTION_COLUMN = "_action"
ERROR_COLUMN = "_error"  # written into error files; ignored when they are read back
# What a file may say to do with a row; all but ``ignore`` act on it.
ACTIONS = ("upsert", "update", "create", "delete", "ignore")
ACTING = ACTIONS[:-1]
Source = Literal["grid", "file"]
Kind = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class EntityRef:
    """A legal entity as a customer's document lists it."""

    id: str
    name: str | None = None

    def text(self) -> str:
        return f"{self.id} ({self.name})" if self.name else self.id


@dataclass(frozen=True)
class References:
    """Ids that exist, for reference checks; ``None`` means "not known, do not check".

    ``legal_entities_of``: each B2B customer's legal entities, by customer id.
    """

    customers: frozenset[str] | None = None
    legal_entities: frozenset[str] | None = None
    segments: frozenset[str] | None = None
    b2b_customers: frozenset[str] | None = None
    legal_entities_of: Mapping[str, tuple[EntityRef, ...]] | None = None

    def known(self, kind: str) -> frozenset[str] | None:
        """The ids of ``kind`` (a field name, as a column's ``references`` names it)."""
        ids: frozenset[str] | None = getattr(self, kind)
        return ids


# A resource's own rule across columns: (row label, column, message) for each problem.
RowCheck = Callable[[pd.DataFrame, References], Iterable[tuple[Hashable, str, str]]]


@dataclass(frozen=True)
class Filled:
    """Cells a resource filled into edited rows from the references: new values by
    column (each a Series indexed by row label), notices naming the rows, and the rows
    it could not fill, as (row label, column, message)."""

    cells: Mapping[str, pd.Series] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    problems: tuple[tuple[Hashable, str, str], ...] = ()


# A resource's rule completing blank cells of the rows it gets (typed, not yet matched).
RowFill = Callable[[pd.DataFrame, References], Filled]


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RowChange:
    """One row to create, update or delete, with the fields that change."""

    kind: Kind
    key: Key
    row: str
    values: dict[str, Any]
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RowError:
    row: str
    key: Key | None
    column: str | None
    message: str


@dataclass(frozen=True)
class RejectedRow:
    """An edited row the plan refused: its cells as edited (the schema's columns and
    ``_action``, text as typed) and every reason, to write back as a line to fix."""

    row: str
    key: Key | None
    cells: dict[str, Any]
    reasons: tuple[str, ...]

    @property
    def action(self) -> str:
        """The row's action as the file gave it (blank: ``upsert``)."""
        text = self.cells.get(ACTION_COLUMN)
        return str(text).strip().lower() if text is not None and str(text).strip() else "upsert"

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class ChangePlan:
    resource: str
    schema: FrameSchema
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # The refused rows' cells as edited, by row name (``RowError.row``).
    refused_cells: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of_kind(self, kind: Kind) -> list[RowChange]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def creates(self) -> list[RowChange]:
        return self.of_kind("create")

    @property
    def updates(self) -> list[RowChange]:
        return self.of_kind("update")

    @property
    def deletes(self) -> list[RowChange]:
        return self.of_kind("delete")

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.creates),
            "update": len(self.updates),
            "delete": len(self.deletes),
            "invalid": len({error.row for error in self.errors}),
        }

    def rejected(self) -> list[RejectedRow]:
        """Each refused row once, in the order found, with all its reasons."""
        reasons: dict[str, list[str]] = {}
        keys: dict[str, Key | None] = {}
        for error in self.errors:
            reasons.setdefault(error.row, []).append(
                f"{error.column}: {error.message}" if error.column else error.message
            )
            keys.setdefault(error.row, error.key)
        return [
            RejectedRow(row, keys[row], self.refused_cells.get(row, {}), tuple(found))
            for row, found in reasons.items()
        ]

    def changes_frame(self) -> pd.DataFrame:
        """One line per field a person reviews (``reviewed_fields``); a row without any
        gets one line of its own. A new row whose key the push chooses is keyed "new"."""
        lines: list[tuple[str, Kind, str, str, str, str]] = []
        for change in self.changes:
            key = key_text(change.key) or ("new" if change.kind == "create" else "")
            fields = reviewed_fields(change, self.schema) or [FieldChange("", None, None)]
            lines += [
                (change.row, change.kind, key, c.column, _text(c.old), _text(c.new)) for c in fields
            ]
        return pd.DataFrame(lines, columns=["row", "action", "key", "column", "old", "new"])

    def errors_frame(self) -> pd.DataFrame:
        lines = [
            (e.row, key_text(e.key) if e.key else "", e.column or "", e.message)
            for e in self.errors
        ]
        return pd.DataFrame(lines, columns=["row", "key", "column", "error"])


def reviewed_fields(change: RowChange, schema: FrameSchema) -> list[FieldChange]:
    """What a person reviews of a change: an update's changed fields old -> new, a
    create's filled fields (besides the key), a delete's identifying fields as they were."""
    if change.kind == "update":
        return list(change.changes)
    if change.kind == "create":
        return [
            FieldChange(name, None, value)
            for name, value in change.values.items()
            if name not in schema.key and not _blank(value)
        ]
    return [
        FieldChange(name, change.values.get(name), None)
        for name in schema.identifying
        if not _blank(change.values.get(name))
    ]


def change_text(change: RowChange, schema: FrameSchema) -> str:
    """``reviewed_fields`` in one line: ``firstName: Ann → Bea; lastName: Lee``."""
    parts = []
    for field_change in reviewed_fields(change, schema):
        if change.kind == "update":
            values = f"{_text(field_change.old)} → {_text(field_change.new)}"
        else:
            values = _text(field_change.new if change.kind == "create" else field_change.old)
        parts.append(f"{field_change.column}: {values}")
    return "; ".join(parts)


def _blank(value: object) -> bool:
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)

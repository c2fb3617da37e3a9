"""Undo: the inverse of a finished push, as a change plan to review and push like any other.

Updates are set back to their before-values, created rows are deleted, deleted rows are
recreated from their before-images. The inverse is planned against the live table, so it
is validated and diffed like an uploaded file; a row someone changed after the push is
not undone but reported, because undoing it would overwrite their change.

The inverse is not checked against references (nor by row checks that read them), which
guard new edits: an undo puts back what the API held before the push, such as the
membership of a customer that no longer exists that an audit fix deleted. The API
still refuses what it cannot take, row by row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from emporix_data.client import EmporixClient
from emporix_data.frames import FrameSchema, to_json_value
from emporix_data.journal import Connection, Journal, PushEntry
from emporix_data.keys import Key
from emporix_data.operations import Document, KeyedDocuments
from emporix_data.plan import ACTION_COLUMN, ChangePlan, RowChange, RowError
from emporix_data.tables import LoadedTable, load_table


@dataclass(frozen=True)
class UndoPlan:
    """The inverse plan, the live table it was planned against, and the documents to
    send from (live ones, plus the before-images of rows to recreate)."""

    push_id: str
    loaded: LoadedTable
    plan: ChangePlan
    documents: KeyedDocuments


class _Overlay(Mapping[Key, Document]):
    """``top``'s documents where it has them, else ``base``'s (neither is copied)."""

    def __init__(self, top: Mapping[Key, Document], base: Mapping[Key, Document]) -> None:
        self._top = top
        self._base = base

    def __getitem__(self, key: Key) -> Document:
        return self._top[key] if key in self._top else self._base[key]

    def __iter__(self) -> Iterator[Key]:
        yield from self._top
        yield from (key for key in self._base if key not in self._top)

    def __len__(self) -> int:
        return len(self._top) + sum(1 for key in self._base if key not in self._top)


def plan_undo(client: EmporixClient, journal: Journal, push_id: str) -> UndoPlan:
    entry = journal.entry(push_id)
    entry.check_connection(Connection.of(client.settings))
    loaded = load_table(client, entry.resource)
    edited, stale = inverse_edits(entry, loaded)
    plan = loaded.plan(edited, "file")
    plan.errors.extend(stale)
    recreated: dict[Key, Document] = {
        row.change.key: row.before
        for row in entry.rows
        if row.outcome == "applied" and row.change.kind == "delete" and row.before is not None
    }
    return UndoPlan(push_id, loaded, plan, _Overlay(recreated, loaded.documents))


def inverse_edits(entry: PushEntry, loaded: LoadedTable) -> tuple[pd.DataFrame, list[RowError]]:
    """The push's applied rows inverted, in upload-file form (with ``_action``), each
    labelled by its row in the push, and the rows left out because they changed after
    the push."""
    schema = loaded.schema
    position = {key: i for i, key in enumerate(loaded.documents)}
    lines: dict[str, dict[str, Any]] = {}
    stale: list[RowError] = []
    for row in entry.rows:
        if row.outcome != "applied":
            continue
        at = position.get(row.change.key)
        current = None if at is None else loaded.frame.iloc[at]
        label = f"{row.change.row} (push {entry.id})"
        line = _inverse(row.change, current, schema, label, stale)
        if line is not None:
            lines[label] = line
    names = schema.names
    frame = pd.DataFrame(list(lines.values()), columns=[*names, ACTION_COLUMN], index=list(lines))
    return frame.astype({name: "object" for name in names}), stale


def _inverse(
    change: RowChange,
    current: pd.Series | None,
    schema: FrameSchema,
    label: str,
    stale: list[RowError],
) -> dict[str, Any] | None:
    """One row's inverse as a file line; None where there is nothing to undo, or where
    the row changed after the push (then named in ``stale``)."""
    if change.kind == "delete":  # the create starts from the before-image
        return {**_writable(change.values, schema), ACTION_COLUMN: "create"}
    if current is None:
        return None  # already gone: nothing to delete or set back
    if change.kind == "create":
        return {**_cells(current, schema.names), ACTION_COLUMN: "delete"}
    moved = [c for c in change.changes if to_json_value(current[c.column]) != c.new]
    stale.extend(
        RowError(
            label,
            change.key,
            c.column,
            f"changed after the push (now {to_json_value(current[c.column])!r}, "
            f"the push set {c.new!r}); not undone",
        )
        for c in moved
    )
    if moved:
        return None
    return {
        **_cells(current, schema.names),
        **{c.column: c.old for c in change.changes},
        ACTION_COLUMN: "update",
    }


def _writable(values: Mapping[str, Any], schema: FrameSchema) -> dict[str, Any]:
    """The values a create sends: the key and editable columns (read-only ones are the
    server's, and would only be named as not sent)."""
    return {
        name: value
        for name, value in values.items()
        if name in schema.key or (name in schema.by_name and schema.by_name[name].editable)
    }


def _cells(row: pd.Series, names: list[str]) -> dict[str, Any]:
    """A frame row as ``{column: cell}``."""
    return {name: row[name] for name in names}

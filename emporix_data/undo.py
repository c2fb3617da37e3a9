"""Undo: the inverse of a finished push, as a change plan to review and push like any other.

Updates are set back to their before-values, created rows are deleted, deleted rows are
recreated from their before-images. The inverse is planned against the live table, so it
is validated and diffed like an uploaded file; a row someone changed after the push is
not undone but reported, because undoing it would overwrite their change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from emporix_data.client import EmporixClient
from emporix_data.frames import FrameSchema, to_json_value
from emporix_data.journal import Journal, PushEntry
from emporix_data.keys import Key
from emporix_data.operations import Document, KeyedDocuments
from emporix_data.plan import ACTION_COLUMN, ChangePlan, RowError
from emporix_data.tables import LoadedTable, load_references, load_table


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
    if entry.tenant != client.tenant:
        raise ValueError(f"push {push_id} was made on tenant {entry.tenant}, not {client.tenant}")
    loaded = load_table(client, entry.resource)
    references = load_references(client, loaded.table.references)
    edited, stale = inverse_edits(entry, loaded)
    plan = loaded.plan(edited, "file", references)
    plan.errors.extend(stale)
    recreated: dict[Key, Document] = {
        row.change.key: row.before
        for row in entry.rows
        if row.outcome == "applied" and row.change.kind == "delete" and row.before is not None
    }
    return UndoPlan(push_id, loaded, plan, _Overlay(recreated, loaded.documents))


def inverse_edits(entry: PushEntry, loaded: LoadedTable) -> tuple[pd.DataFrame, list[RowError]]:
    """The push's applied rows inverted, in upload-file form (with ``_action``), and the
    rows left out because they changed after the push."""
    schema = loaded.schema
    position = {key: i for i, key in enumerate(loaded.documents)}
    lines: list[dict[str, Any]] = []
    stale: list[RowError] = []
    for row in entry.rows:
        if row.outcome != "applied":
            continue
        change = row.change
        at = position.get(change.key)
        current = None if at is None else loaded.frame.iloc[at]
        label = f"{change.row} (push {entry.id})"
        if change.kind == "delete":  # the create starts from the before-image
            lines.append({**_writable(change.values, schema), ACTION_COLUMN: "create"})
        elif current is None:
            continue  # already gone: nothing to delete or set back
        elif change.kind == "create":
            lines.append({**_cells(current, schema.names), ACTION_COLUMN: "delete"})
        else:
            moved = [c for c in change.changes if to_json_value(current[c.column]) != c.new]
            if moved:
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
                continue
            lines.append(
                {
                    **_cells(current, schema.names),
                    **{c.column: c.old for c in change.changes},
                    ACTION_COLUMN: "update",
                }
            )
    frame = pd.DataFrame(lines, columns=[*schema.names, ACTION_COLUMN])
    return frame.astype({name: "object" for name in schema.names}), stale


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

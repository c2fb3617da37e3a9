"""Rows compared with their live state just before writing.

Where the API does not check ``metadata.version``, and whenever a push is resumed,
retried or dry-run, the rows it would touch are read again and each gets a verdict:

- ``send``: the row is as it was loaded (or, for a create, absent): write it;
- ``applied``: the row is already in the wanted state (a resumed push whose request got
  through before the crash, a retried create whose answer was lost): nothing to send;
- ``conflict``: someone else changed (or created) the row since it was loaded: never
  overwritten; the verdict carries their values so the user can see original, theirs
  and yours;
- ``failed`` 404: the row to update no longer exists (one to delete is ``applied``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from emporix_data.client import EmporixClient
from emporix_data.frames import FrameSchema, read_path, to_json_value
from emporix_data.models import ApiModel
from emporix_data.operations import Document, KeyedDocuments
from emporix_data.plan import RowChange
from emporix_data.tables import ResourceTable

Verdict = Literal["send", "applied", "conflict", "failed"]
VERSION = ("metadata", "version")


@dataclass(frozen=True)
class LiveCheck:
    verdict: Verdict
    status: int = 0
    message: str | None = None
    theirs: dict[str, Any] | None = None


SEND = LiveCheck("send")


def check_live(
    client: EmporixClient,
    table: ResourceTable,
    changes: Sequence[RowChange],
    originals: KeyedDocuments,
) -> list[LiveCheck]:
    """A verdict for each change, from one live read of all of them."""
    if not changes:
        return []
    records = list(table.read_live(client, [change.key for change in changes]))
    loaded = [originals.get(change.key) for change in changes]
    present = [document for document in loaded if document is not None]
    # Columns found in the data (mixin fields) typed alike on both sides.
    schema = table.schema_of([*records, *present])
    live = {
        table.key_of(record): _LiveRow(values, read_path(record, VERSION))
        for record, values in zip(records, _editable_rows(schema, records), strict=True)
    }
    before = iter(_editable_rows(schema, present))
    return [
        _verdict(
            schema,
            change,
            None if document is None else _LiveRow(next(before), read_path(document, VERSION)),
            live.get(change.key),
        )
        for change, document in zip(changes, loaded, strict=True)
    ]


@dataclass(frozen=True)
class _LiveRow:
    values: dict[str, Any]
    version: object


def _verdict(
    schema: FrameSchema, change: RowChange, original: _LiveRow | None, live: _LiveRow | None
) -> LiveCheck:
    if change.kind == "create":
        if live is None:
            return SEND
        # A column no document has (a new mixin field) is compared too: live lacks it.
        wanted = [
            (name, to_json_value(value))
            for name, value in change.values.items()
            if name not in schema.by_name or schema.by_name[name].editable
        ]
        if all(live.values.get(name) == value for name, value in wanted):
            return LiveCheck("applied", 200, "already in the wanted state; nothing sent")
        return LiveCheck("conflict", 409, "already exists: created by someone else", live.values)
    if live is None:
        if change.kind == "delete":
            return LiveCheck("applied", 200, "already deleted; nothing sent")
        return LiveCheck("failed", 404, "no longer exists: deleted by someone else")
    if change.kind == "update" and all(
        live.values.get(c.column) == to_json_value(c.new) for c in change.changes
    ):
        return LiveCheck("applied", 200, "already in the wanted state; nothing sent")
    if original is not None and _changed_since(original, live):
        return LiveCheck(
            "conflict", 409, "changed by someone else since it was loaded", live.values
        )
    return SEND


def _changed_since(original: _LiveRow, live: _LiveRow) -> bool:
    """By ``metadata.version`` where both have one, else by the editable values."""
    if original.version is not None and live.version is not None:
        return original.version != live.version
    return original.values != live.values


def _editable_rows(
    schema: FrameSchema, records: Sequence[ApiModel | Document]
) -> list[dict[str, Any]]:
    """The editable columns of each record, typed as the table's frame types them."""
    editable = schema.editable
    frame = schema.to_frame(records)[editable]
    return [
        {name: to_json_value(value) for name, value in zip(editable, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]

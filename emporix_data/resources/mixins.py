"""Mixins as columns: each scalar field of a document's ``mixins`` is a column named by
its path (``mixins.loyalty.tier``).

Which columns there are depends on the data: the fields found in the loaded documents,
typed from their values. Written back as a JSON merge patch of the changed fields only,
so the other fields of a mixin are kept; a blank cell removes just its own field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from emporix_data.frames import Column, Dtype, read_path

MIXINS = "mixins"
PREFIX = MIXINS + "."
INT64_LIMIT = 2**63
DESCRIPTION = "Mixin field; writing it keeps the mixin's other fields."

Path = tuple[str, ...]


def mixin_columns(records: Iterable[Any]) -> tuple[Column, ...]:
    """One editable column per scalar mixin field found in ``records`` (models or
    documents), sorted by name.

    Typed from the values: booleans, whole numbers (``Int64``), numbers (``Float64``),
    anything else or a mix is text. A field that holds an object or a list in any
    record, one below a field that is a scalar elsewhere, and a key with a "." in it
    (its dotted name would be ambiguous) get no column: they stay in the documents.
    """
    kinds: dict[Path, set[str]] = {}
    branches: set[Path] = set()
    for record in records:
        mixins = read_path(record, (MIXINS,))
        if isinstance(mixins, Mapping) and mixins:
            _walk(mixins, (MIXINS,), kinds, branches)
    columns = []
    for path in sorted(kinds, key=".".join):
        under_scalar = any(path[:end] in kinds for end in range(2, len(path)))
        if path in branches or under_scalar:
            continue
        columns.append(Column(".".join(path), path, _dtype(kinds[path]), description=DESCRIPTION))
    return tuple(columns)


def named_mixin_columns(names: Iterable[str]) -> tuple[Column, ...]:
    """Columns for mixin fields known only by name (a plan's or a journal's columns):
    enough to write them; their dtype does not matter there."""
    return tuple(Column(name, tuple(name.split("."))) for name in names if is_mixin(name))


def is_mixin(name: str) -> bool:
    return name.startswith(PREFIX) and len(name) > len(PREFIX)


def _walk(
    node: Mapping[Any, Any], path: Path, kinds: dict[Path, set[str]], branches: set[Path]
) -> None:
    for key, value in node.items():
        if not isinstance(key, str) or not key or "." in key:
            continue
        child = (*path, key)
        if isinstance(value, Mapping):
            branches.add(child)
            _walk(value, child, kinds, branches)
        elif isinstance(value, list):
            branches.add(child)
        else:
            found = kinds.setdefault(child, set())
            if value is not None:
                found.add(_kind(value))


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int" if -INT64_LIMIT <= value < INT64_LIMIT else "text"
    if isinstance(value, float):
        return "float"
    return "text"


def _dtype(kinds: set[str]) -> Dtype:
    if kinds == {"boolean"}:
        return "boolean"
    if kinds == {"int"}:
        return "Int64"
    if kinds and kinds <= {"int", "float"}:
        return "Float64"
    return "string"

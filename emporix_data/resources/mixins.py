"""Mixins as columns: each scalar field of a document's ``mixins`` is a column named by
its path (``mixins.loyalty.tier``).

Which columns there are depends on the data: the fields found in the loaded documents,
typed from their values. Written back as a JSON merge patch of the changed fields only,
so the other fields of a mixin are kept; a blank cell removes just its own field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from emporix_data.frames import Column, Dtype, read_column

MIXINS = "mixins"
PREFIX = MIXINS + "."
INT64_LIMIT = 2**63
DESCRIPTION = "Mixin field; writing it keeps the mixin's other fields."

Path = tuple[str, ...]


@dataclass(frozen=True)
class FoundFields:
    """What the documents' ``mixins`` hold: the kinds of value of each scalar field, and
    the paths that hold an object or a list in some document."""

    kinds: Mapping[Path, frozenset[str]] = field(default_factory=dict)
    branches: frozenset[Path] = frozenset()

    @classmethod
    def merged(cls, parts: Iterable[FoundFields]) -> FoundFields:
        kinds: dict[Path, frozenset[str]] = {}
        branches: set[Path] = set()
        for part in parts:
            for path, found in part.kinds.items():
                kinds[path] = kinds.get(path, frozenset()) | found
            branches |= part.branches
        return cls(kinds, frozenset(branches))

    def columns(self) -> tuple[Column, ...]:
        """One editable column per scalar field, sorted by name (see ``mixin_columns``)."""
        columns = []
        for path in sorted(self.kinds, key=".".join):
            under_scalar = any(path[:end] in self.kinds for end in range(2, len(path)))
            if path in self.branches or under_scalar:
                continue
            dtype = _dtype(self.kinds[path])
            columns.append(Column(".".join(path), path, dtype, description=DESCRIPTION))
        return tuple(columns)


def mixin_columns(records: Iterable[Any]) -> tuple[Column, ...]:
    """One editable column per scalar mixin field found in ``records`` (models, views or
    documents), sorted by name.

    Typed from the values: booleans, whole numbers (``Int64``), numbers (``Float64``),
    anything else or a mix is text. A field that holds an object or a list in any
    record, one below a field that is a scalar elsewhere, and a key with a "." in it
    (its dotted name would be ambiguous) get no column: they stay in the documents.
    """
    return found_fields(read_column(list(records), (MIXINS,)))[0].columns()


def found_fields(
    mixins_of_records: Sequence[Any],
) -> tuple[FoundFields, dict[str, list[str | None]]]:
    """The fields in each record's ``mixins`` and, per scalar field (by dotted name),
    each record's value as text (``str`` of it; ``None`` where absent): what a page
    keeps until every page says which columns there are and how they are typed."""
    kinds: dict[Path, set[str]] = {}
    branches: set[Path] = set()
    cells: dict[str, list[str | None]] = {}
    for row, mixins in enumerate(mixins_of_records):
        if mixins and isinstance(mixins, Mapping):
            for path, value in _walk(mixins, (MIXINS,), kinds, branches):
                name = ".".join(path)
                if name not in cells:
                    cells[name] = [None] * len(mixins_of_records)
                cells[name][row] = str(value)
    found = FoundFields(
        {path: frozenset(kind) for path, kind in kinds.items()}, frozenset(branches)
    )
    return found, cells


def named_mixin_columns(names: Iterable[str]) -> tuple[Column, ...]:
    """Columns for mixin fields known only by name (a plan's or a journal's columns):
    enough to write them; their dtype does not matter there."""
    return tuple(Column(name, tuple(name.split("."))) for name in names if is_mixin(name))


def is_mixin(name: str) -> bool:
    return name.startswith(PREFIX) and len(name) > len(PREFIX)


def _walk(
    node: Mapping[Any, Any], path: Path, kinds: dict[Path, set[str]], branches: set[Path]
) -> Iterator[tuple[Path, Any]]:
    """Each scalar field under ``node`` with a value, by path; kinds and branches noted."""
    for key, value in node.items():
        if not isinstance(key, str) or not key or "." in key:
            continue
        child = (*path, key)
        if isinstance(value, Mapping):
            branches.add(child)
            yield from _walk(value, child, kinds, branches)
        elif isinstance(value, list):
            branches.add(child)
        else:
            found = kinds.setdefault(child, set())
            if value is not None:
                found.add(_kind(value))
                yield child, value


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int" if -INT64_LIMIT <= value < INT64_LIMIT else "text"
    if isinstance(value, float):
        return "float"
    return "text"


def _dtype(kinds: AbstractSet[str]) -> Dtype:
    if kinds == {"boolean"}:
        return "boolean"
    if kinds == {"int"}:
        return "Int64"
    if kinds and kinds <= {"int", "float"}:
        return "Float64"
    return "string"

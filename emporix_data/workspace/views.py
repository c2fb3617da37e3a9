"""What a table is filtered by and which columns it hides, kept per table, and named
views of that saved in a small local file.

The filter widgets forget their values as soon as a page does not show them, so the
choice lives here and is handed back to them as their defaults. A saved view is a named
choice of one table, kept in a JSON file under the data folder (``LocalSettings``),
across pages and sessions.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from emporix_data.filters import TableFilter
from emporix_data.frames import FrameSchema
from emporix_data.values import plain

DateRange = tuple[date | None, date | None]


@dataclass(frozen=True)
class FilterChoice:
    """Free text, picked values, date ranges and hidden columns of one table."""

    text: str = ""
    picks: Mapping[str, tuple[object, ...]] = field(default_factory=dict)
    dates: Mapping[str, DateRange] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()

    def table_filter(self, fixed: Mapping[str, Sequence[object]] | None = None) -> TableFilter:
        """The filter of these choices; ``fixed`` picks (the page's own) come on top."""
        picks = {name: list(values) for name, values in self.picks.items() if values}
        return TableFilter(self.text, {**picks, **(fixed or {})}, dict(self.dates))

    @property
    def active(self) -> int:
        """How many filters are in force: the search, each picker, each date range."""
        picked = sum(1 for values in self.picks.values() if values)
        return bool(self.text.strip()) + picked + len(self.dates)

    def visible(self, names: Sequence[str]) -> list[str]:
        """``names`` without the hidden ones."""
        return [name for name in names if name not in self.hidden]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "picks": {name: [plain(v) for v in values] for name, values in self.picks.items()},
            "dates": {
                name: [None if d is None else d.isoformat() for d in span]
                for name, span in self.dates.items()
            },
            "hidden": list(self.hidden),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], schema: FrameSchema) -> FilterChoice:
        """A choice read back; columns the table no longer has are left out."""
        known = schema.by_name
        return cls(
            text=str(data.get("text") or ""),
            picks={
                name: tuple(values)
                for name, values in (data.get("picks") or {}).items()
                if name in known and values
            },
            dates={
                name: (_day(span[0]), _day(span[1]))
                for name, span in (data.get("dates") or {}).items()
                if name in known and len(span) == 2
            },
            hidden=tuple(name for name in data.get("hidden") or () if name in known),
        )


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class ViewStore:
    """Saved views of every table, by table and name, in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read the saved views in {self.path}: {exc}") from None
        tables = data.get("tables") if isinstance(data, dict) else None
        return tables if isinstance(tables, dict) else {}

    def views(self, table: str, schema: FrameSchema) -> dict[str, FilterChoice]:
        """The views saved for ``table``, by name, in name order."""
        saved = self._read().get(table) or {}
        return {name: FilterChoice.from_json(saved[name], schema) for name in sorted(saved)}

    def save(self, table: str, name: str, choice: FilterChoice) -> None:
        """Save (or replace) the view ``name`` of ``table``."""
        name = name.strip()
        if not name:
            raise ValueError("a view needs a name")
        tables = self._read()
        tables.setdefault(table, {})[name] = choice.to_json()
        self._write(tables)

    def delete(self, table: str, name: str) -> None:
        tables = self._read()
        if tables.get(table, {}).pop(name, None) is not None:
            self._write(tables)

    def _write(self, tables: dict[str, dict[str, Any]]) -> None:
        """Write the whole file anew, atomically: a crash leaves the old one or the new one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"tables": tables}, ensure_ascii=False, indent=2, sort_keys=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".views-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

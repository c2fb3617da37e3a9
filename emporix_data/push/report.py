"""What a push did (or, in a dry run, would do): one result per row, shown as frames and
written as files (results, conflicts, an error file to fix and upload again)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from emporix_data.keys import key_text
from emporix_data.operations import Operation
from emporix_data.plan import ACTION_COLUMN, ERROR_COLUMN, FieldChange, RowChange
from emporix_data.tables import ResourceTable

Outcome = Literal["applied", "failed", "conflict", "planned"]


@dataclass(frozen=True)
class RowResult:
    """How one row ended; ``sent`` is its request body (or bulk item), ``theirs`` the live
    values of a conflicting row."""

    change: RowChange
    outcome: Outcome
    status: int
    message: str | None
    sent: dict[str, Any] | None
    theirs: dict[str, Any] | None = None


@dataclass(frozen=True)
class PushProgress:
    done: int
    total: int
    failed: int
    elapsed_s: float

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the rate so far; None before the first row is done."""
        if not self.done:
            return None
        return self.elapsed_s / self.done * (self.total - self.done)


@dataclass
class PushReport:
    resource: str
    operations: list[Operation]
    results: list[RowResult] = field(default_factory=list)
    dry_run: bool = False
    push_id: str | None = None

    def counts(self) -> dict[str, int]:
        counts = {"applied": 0, "failed": 0, "conflict": 0}
        if self.dry_run:
            counts["planned"] = 0
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        return (
            f"{counts['applied']} applied, {counts['failed']} failed, "
            f"{counts['conflict']} conflicts"
        )

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.results if r.outcome in ("failed", "conflict")]

    def conflicts_frame(self) -> pd.DataFrame:
        """Each conflicting field as original (loaded), theirs (live now) and yours."""
        lines = []
        for r in self.results:
            if r.outcome != "conflict":
                continue
            key = key_text(r.change.key)
            theirs = r.theirs or {}
            fields = r.change.changes or tuple(
                FieldChange(name, None, value)
                for name, value in r.change.values.items()
                if name in theirs
            )
            for change in fields:
                lines.append(
                    {
                        "row": r.change.row,
                        "action": r.change.kind,
                        "key": key,
                        "column": change.column,
                        "original": _cell(change.old),
                        "theirs": _cell(theirs.get(change.column)),
                        "yours": _cell(change.new),
                    }
                )
        return pd.DataFrame(
            lines, columns=["row", "action", "key", "column", "original", "theirs", "yours"]
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "row": r.change.row,
                    "action": r.change.kind,
                    "key": key_text(r.change.key),
                    "outcome": r.outcome,
                    "status": r.status or None,
                    "message": r.message or "",
                    "sent": json.dumps(r.sent, ensure_ascii=False) if r.sent is not None else "",
                }
                for r in self.results
            ],
            columns=["row", "action", "key", "outcome", "status", "message", "sent"],
        )

    def error_file_frame(self, table: ResourceTable) -> pd.DataFrame:
        """Failed and conflicting rows in the upload format, with ``_action`` and ``_error``.

        Fix the cells, upload the file again, and only these rows are planned again.
        """
        actions = {"create": "create", "update": "update", "delete": "delete"}
        # The table's columns, and those its loaded data brought (mixin fields).
        names = list(
            dict.fromkeys(
                [*table.schema.names, *(n for r in self.problems for n in r.change.values)]
            )
        )
        rows = [
            {
                **{name: r.change.values.get(name) for name in names},
                ACTION_COLUMN: actions[r.change.kind],
                ERROR_COLUMN: f"{r.outcome} {r.status or ''}: {r.message or ''}".strip(),
            }
            for r in self.problems
        ]
        return pd.DataFrame(rows, columns=[*names, ACTION_COLUMN, ERROR_COLUMN])

    def requests_frame(self) -> pd.DataFrame:
        """What is (or, in a dry run, would be) sent: one line per request."""
        return pd.DataFrame(
            [
                {
                    "method": op.method,
                    "path": op.path,
                    "rows": len(op.rows),
                    "body": op.body,
                }
                for operation in self.operations
                for op in (operation, *operation.followups)
            ],
            columns=["method", "path", "rows", "body"],
        )


def _cell(value: object) -> str:
    return "" if value is None else str(value)

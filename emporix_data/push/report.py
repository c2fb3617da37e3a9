"""What a push did (or, in a dry run, would do): one result per row, shown as frames and
written as files (results, conflicts, an error file to fix and upload again).

Every changed or refused row of the input is accounted for: rows sent (or settled by a
live re-read) end ``applied``, ``failed`` or ``conflict``; rows the plan refused are
``invalid``. The results frame has one line per row, in input order; the error file
holds every row that did not apply, in upload form with its reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from emporix_data.keys import key_text
from emporix_data.operations import Operation
from emporix_data.plan import ACTION_COLUMN, ERROR_COLUMN, FieldChange, RejectedRow, RowChange
from emporix_data.plan.validation import row_number
from emporix_data.tables import ResourceTable

Outcome = Literal["applied", "failed", "conflict", "planned"]
RESULT_COLUMNS = ["row", "action", "key", "outcome", "status", "message", "sent"]


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
    invalid: list[RejectedRow] = field(default_factory=list)  # refused by the plan: not sent

    def counts(self) -> dict[str, int]:
        """Rows by outcome; ``planned`` in a dry run, ``invalid`` where the plan refused any."""
        counts = {"applied": 0, "failed": 0, "conflict": 0}
        if self.dry_run:
            counts["planned"] = 0
        for result in self.results:
            counts[result.outcome] += 1
        if self.invalid:
            counts["invalid"] = len(self.invalid)
        return counts

    def summary(self) -> str:
        counts = self.counts()
        invalid = f", {counts['invalid']} invalid" if self.invalid else ""
        return (
            f"{counts['applied']} applied, {counts['failed']} failed, "
            f"{counts['conflict']} conflicts{invalid}"
        )

    @property
    def problems(self) -> list[RowResult]:
        """Rows sent that did not apply (failed or met a conflict)."""
        return [r for r in self.results if r.outcome in ("failed", "conflict")]

    @property
    def all_applied(self) -> bool:
        """True when every row was applied (or, in a dry run, would be sent): none failed,
        met a conflict or was refused."""
        return not self.problems and not self.invalid

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
        """One line per row of the input that changed or was refused, in input order:
        its row, action, key, outcome, HTTP status, message and what was sent."""
        sent = [
            (
                r.change.row,
                {
                    "row": r.change.row,
                    "action": r.change.kind,
                    "key": key_text(r.change.key),
                    "outcome": r.outcome,
                    "status": r.status or None,
                    "message": r.message or "",
                    "sent": json.dumps(r.sent, ensure_ascii=False) if r.sent is not None else "",
                },
            )
            for r in self.results
        ]
        refused = [
            (
                rejected.row,
                {
                    "row": rejected.row,
                    "action": rejected.action,
                    "key": key_text(rejected.key) if rejected.key else "",
                    "outcome": "invalid",
                    "status": None,
                    "message": rejected.reason,
                    "sent": "",
                },
            )
            for rejected in self.invalid
        ]
        lines = pd.DataFrame(_in_input_order([*sent, *refused]), columns=RESULT_COLUMNS)
        return lines.astype({"status": "Int64"})  # whole numbers, blank where none came

    def error_file_frame(self, table: ResourceTable) -> pd.DataFrame:
        """Every row that did not apply (failed, conflict, invalid), in input order and in
        the upload format, with ``_action`` and ``_error``.

        Fix the cells, upload the file again, and only these rows are planned again.
        """
        # The table's columns, and those its loaded data or the file brought (mixin fields).
        names = list(
            dict.fromkeys(
                [
                    *table.schema.names,
                    *(name for r in self.problems for name in r.change.values),
                    *(name for x in self.invalid for name in x.cells),
                ]
            )
        )
        names = [name for name in names if name not in (ACTION_COLUMN, ERROR_COLUMN)]
        unapplied = [
            (
                r.change.row,
                {
                    **{name: r.change.values.get(name) for name in names},
                    ACTION_COLUMN: r.change.kind,
                    ERROR_COLUMN: f"{r.outcome} {r.status or ''}: {r.message or ''}".strip(),
                },
            )
            for r in self.problems
        ]
        refused = [
            (
                rejected.row,
                {
                    **{name: rejected.cells.get(name) for name in names},
                    ACTION_COLUMN: rejected.cells.get(ACTION_COLUMN),
                    ERROR_COLUMN: f"invalid: {rejected.reason}",
                },
            )
            for rejected in self.invalid
        ]
        lines = _in_input_order([*unapplied, *refused])
        return pd.DataFrame(lines, columns=[*names, ACTION_COLUMN, ERROR_COLUMN])

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


def _in_input_order(lines: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Lines named by their rows, sorted by grid position or file line; rows without one
    (a grid row deleted by leaving it out) after them, as they came (the sort is stable)."""

    def place(named: tuple[str, dict[str, Any]]) -> tuple[bool, int]:
        number = row_number(named[0])
        return (number is None, number or 0)

    return [line for _, line in sorted(lines, key=place)]


def _cell(value: object) -> str:
    return "" if value is None else str(value)

"""Valid rows -> the plan's ``RowChange``s: what each create, update and delete carries;
refused rows -> the plan's row errors, and their cells as edited (for error files).

Rows are read out column-wise, once: per-row ``.loc`` would dominate large plans.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from emporix_data.frames import Column, FrameSchema
from emporix_data.keys import Key, key_text, key_tuples
from emporix_data.plan.model import ACTION_COLUMN, ChangePlan, FieldChange, RowChange, RowError
from emporix_data.plan.validation import RowErrors, row_name


def add_creates(plan: ChangePlan, rows: pd.DataFrame, columns: Sequence[Column]) -> None:
    """Creates send editable columns and the key; read-only values are named, not sent."""
    key = plan.schema.key
    read_only = [c.name for c in columns if not c.editable and c.name not in key]
    for label, values in zip(rows.index, records(rows, [c.name for c in columns]), strict=True):
        dropped = [name for name in read_only if values[name] is not None]
        if dropped:
            plan.notices.append(
                f"{row_name(label)}: read-only columns are not sent for new rows "
                f"({', '.join(dropped)})"
            )
        sent = {name: value for name, value in values.items() if name not in read_only}
        plan.changes.append(RowChange("create", _key(values, key), row_name(label), sent))


def add_updates(
    plan: ChangePlan, after: pd.DataFrame, before: pd.DataFrame, changed: pd.DataFrame
) -> None:
    """Updates carry the whole row as loaded with the changed fields, and each change.

    ``after`` (as edited), ``before`` (as loaded) and ``changed`` (which cells differ)
    hold the same rows in the same order.
    """
    befores = records(before, plan.schema.names)
    afters = records(after, list(after.columns))
    names = list(changed.columns)
    flags = changed.to_numpy(dtype=bool)
    for label, old, new, row_flags in zip(changed.index, befores, afters, flags, strict=True):
        diff = tuple(
            FieldChange(name, old[name], new[name])
            for name, flag in zip(names, row_flags, strict=True)
            if flag
        )
        values = old | {c.column: c.new for c in diff}
        key = _key(new, plan.schema.key)
        plan.changes.append(RowChange("update", key, row_name(label), values, diff))


def add_deletes(plan: ChangePlan, labels: pd.Index, before: pd.DataFrame) -> None:
    """Rows a file marks ``delete`` (``labels``), with their values as loaded (``before``)."""
    for label, values in zip(labels, records(before, plan.schema.names), strict=True):
        key = _key(values, plan.schema.key)
        plan.changes.append(RowChange("delete", key, row_name(label), values))


def add_rows_gone(plan: ChangePlan, gone: pd.DataFrame) -> None:
    """Loaded rows the edited grid no longer has are deletes, named by their key."""
    for values in records(gone, plan.schema.names):
        key = _key(values, plan.schema.key)
        plan.changes.append(RowChange("delete", key, f"deleted {key_text(key)}", values))


def records(frame: pd.DataFrame, names: list[str]) -> list[dict[str, Any]]:
    """Rows as plain dicts (every kind of missing as ``None``), built column by column."""
    return [dict(zip(names, values, strict=True)) for values in key_tuples(frame, names)]


def _key(values: dict[str, Any], key: Sequence[str]) -> Key:
    return tuple(values[name] for name in key)


def refused_cells(
    schema: FrameSchema, edited: pd.DataFrame, errors: RowErrors
) -> dict[str, dict[str, Any]]:
    """The refused rows' cells as edited (the schema's columns and ``_action``), by row
    name: what an error file gives back to fix."""
    names = [name for name in [*schema.names, ACTION_COLUMN] if name in edited.columns]
    labels = [label for label in errors.by_label if label in edited.index]
    rows = records(edited.loc[labels, names], names)
    return {row_name(label): cells for label, cells in zip(labels, rows, strict=True)}


def row_errors(errors: RowErrors, typed: pd.DataFrame | None, key: Sequence[str]) -> list[RowError]:
    """The errors found, row by row, each with its row's key where ``typed`` has one."""
    keys: dict[Hashable, Key] = {}
    if typed is not None:
        failed = typed[typed.index.isin(list(errors.by_label))]
        keys = dict(zip(failed.index, key_tuples(failed, key), strict=True))
    return [
        RowError(row_name(label), keys.get(label), problem.column, problem.message)
        for label, problems in errors.by_label.items()
        for problem in problems
    ]

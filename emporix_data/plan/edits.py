"""The edited rows as the plan reads them: each row's action, its cells at the schema's
dtypes (cells that will not convert refused), and blank cells the resource completes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from emporix_data.frames import Column, FrameSchema
from emporix_data.keys import joined_keys
from emporix_data.plan.cells import (
    Cell,
    Mask,
    bad_value_message,
    broken_text_message,
    typed_columns,
)
from emporix_data.plan.loaded import LoadedRows
from emporix_data.plan.model import ACTING, ChangePlan, References, RowFill, Source
from emporix_data.plan.validation import (
    RowErrors,
    check_actions,
    check_unknown_columns,
    read_actions,
)


@dataclass(frozen=True)
class Edits:
    """The edited rows as the plan reads them."""

    typed: pd.DataFrame  # the schema's columns the edit has, at their dtypes
    columns: list[Column]  # those columns
    actions: pd.Series  # each row's action, lower case


def read_edits(
    schema: FrameSchema,
    edited: pd.DataFrame,
    broken: Sequence[Cell],
    source: Source,
    errors: RowErrors,
) -> Edits:
    """Read the actions and type the cells; refuse text that was broken (``broken``, now
    replaced) or will not convert, cells in columns the resource does not have, and
    actions there are none of.

    A row the file says to ignore is left alone: nothing in it is checked.
    """
    actions = read_actions(edited, source)
    checked: Mask = (actions != "ignore").to_numpy(dtype=bool)
    for cell in broken:
        if checked[edited.index.get_loc(cell.label)]:
            value = edited.at[cell.label, cell.column]
            errors.add(cell.label, cell.column, broken_text_message(value))
    columns = [c for c in schema.columns if c.name in edited.columns]
    typed = typed_columns(edited, columns, checked)
    for cell in typed.unconverted:
        value = edited.at[cell.label, cell.column]
        errors.add(cell.label, cell.column, bad_value_message(schema.by_name[cell.column], value))
    check_unknown_columns(schema, edited[checked], errors)
    check_actions(edited, actions, errors)
    return Edits(typed.frame, columns, actions)


def fill(
    schema: FrameSchema,
    edits: Edits,
    loaded: LoadedRows,
    fills: Sequence[RowFill],
    references: References,
    plan: ChangePlan,
    errors: RowErrors,
) -> Edits:
    """Let the resource complete blank cells (a B2B member's only legal entity) of the
    rows to act on that are not rows as loaded: a row whose key was loaded keeps it, so
    filling a key never turns an existing row into another one."""
    if not fills:
        return edits
    typed = edits.typed
    acting = edits.actions.isin(ACTING).to_numpy(dtype=bool)
    as_loaded = joined_keys(typed, schema.key).isin(loaded.keys[loaded.addressable].to_numpy())
    rows = typed[acting & ~as_loaded.to_numpy(dtype=bool)]
    for fill in fills:
        filled = fill(rows, references)
        for name, values in filled.cells.items():
            if len(values):
                typed = typed.copy() if typed is edits.typed else typed
                typed.loc[values.index, name] = values
        plan.notices += filled.notices
        for label, name, message in filled.problems:
            errors.add(label, name, message)
    return Edits(typed, edits.columns, edits.actions)

"""Changing many rows at once: one value set in a column, or text found and replaced.

Both work on rows of the working copy (those a filter keeps, or those selected) and
return a new working copy: the changes are pending edits like any typed into the grid,
reviewed and pushed as one plan. Only editable columns can be changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from emporix_data.frames import Column
from emporix_data.plan.cells import bad_value_message, convert
from emporix_data.values import plain
from emporix_data.workspace.pending import changed_cells


@dataclass(frozen=True, eq=False)
class BulkEdit:
    """A working copy after a bulk change, and how many of the rows it touched changed."""

    frame: pd.DataFrame
    changed: int


def typed_value(column: Column, text: str) -> Any:
    """``text`` as a value of ``column`` (blank: missing); ``ValueError`` if it is none."""
    value = plain(convert(pd.Series([text], dtype="string"), column).iloc[0])
    if value is None and text.strip():
        raise ValueError(bad_value_message(column, text))
    return value


def set_value(frame: pd.DataFrame, labels: Sequence[int], column: Column, text: str) -> BulkEdit:
    """Set ``column`` to the value ``text`` stands for in the rows with these labels."""
    _check_editable(column)
    value = typed_value(column, text)
    rows = frame.index.intersection(pd.Index(labels))
    before = frame.loc[rows, [column.name]]
    edited = frame.copy()
    edited.loc[rows, column.name] = pd.NA if value is None else value
    return BulkEdit(edited, _count(before, edited.loc[rows, [column.name]]))


def find_replace(
    frame: pd.DataFrame,
    labels: Sequence[int],
    column: Column,
    find: str,
    replace: str,
    *,
    match_case: bool = False,
    whole_cell: bool = False,
) -> BulkEdit:
    """Replace ``find`` by ``replace`` in the text of ``column`` in these rows (the whole
    cell only where it is all of it, with ``whole_cell``)."""
    _check_editable(column)
    if column.dtype != "string":
        raise ValueError(f"{column.name!r} holds no text: set a value instead")
    if not find:
        raise ValueError("say what to find")
    rows = frame.index.intersection(pd.Index(labels))
    before = frame.loc[rows, column.name].astype("string")
    pattern = re.escape(find)
    if whole_cell:
        pattern = f"^{pattern}$"
    flags = 0 if match_case else re.IGNORECASE
    literal = replace.replace("\\", "\\\\")  # the replacement is text, not a template
    after = before.str.replace(re.compile(pattern, flags), literal, regex=True)
    edited = frame.copy()
    edited.loc[rows, column.name] = after.mask(after.str.strip() == "")
    return BulkEdit(edited, _count(before.to_frame(), edited.loc[rows, [column.name]]))


def _check_editable(column: Column) -> None:
    if not column.editable:
        raise ValueError(f"{column.name!r} is read-only")


def _count(before: pd.DataFrame, after: pd.DataFrame) -> int:
    flags = changed_cells(before, after).to_numpy(dtype=bool)
    return int(np.count_nonzero(flags.any(axis=1)))

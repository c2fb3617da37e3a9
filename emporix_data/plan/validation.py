"""Row errors: the rules a row must pass to be planned, each naming row and column.

Column rules (required, length, control characters, options, patterns, references)
apply to every cell of a new row and to the changed cells of an updated one. A file
may also hold columns the resource does not have and an ``_action`` per row; those
are checked here too. Every problem blocks only its own row.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emporix_data.frames import Column, FrameSchema
from emporix_data.plan.cells import Mask, blank, short
from emporix_data.plan.model import ACTION_COLUMN, ACTIONS, ERROR_COLUMN, References, Source

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    """One reason a row is refused: the column it is about (if any) and what is wrong."""

    column: str | None
    message: str


class RowErrors:
    """The problems found so far, by row label, in the order they were found."""

    def __init__(self) -> None:
        self.by_label: dict[Hashable, list[Problem]] = {}

    def add(self, label: Hashable, column: str | None, message: str) -> None:
        self.by_label.setdefault(label, []).append(Problem(column, message))

    def valid(self, labels: pd.Index) -> pd.Index:
        """Those of ``labels`` that name rows without an error."""
        return labels[[label not in self.by_label for label in labels]]


def row_name(label: Hashable) -> str:
    """How messages and plans name an edited row: "row 7" for a grid position or file
    line; a text label (the row of an earlier push, for its undo) as it is."""
    return label if isinstance(label, str) else f"row {label}"


def row_number(name: str) -> int | None:
    """The grid position or file line in a row's name ("row 7 ..." -> 7), if it has one."""
    words = name.split(maxsplit=2)
    if len(words) >= 2 and words[0] == "row" and words[1].isdigit():
        return int(words[1])
    return None


def read_actions(edited: pd.DataFrame, source: Source) -> pd.Series:
    """Each row's action, lower case; blank (and every grid row) is ``upsert``."""
    if source == "grid" or ACTION_COLUMN not in edited.columns:
        return pd.Series("upsert", index=edited.index, dtype="string")
    text = edited[ACTION_COLUMN].astype("string").str.strip().str.lower()
    return text.mask(text.isna() | (text == ""), "upsert")


def check_actions(edited: pd.DataFrame, actions: pd.Series, errors: RowErrors) -> None:
    """An action that is none of ``ACTIONS`` blocks its row."""
    unknown: Mask = ~actions.isin(ACTIONS).to_numpy(dtype=bool)
    for label in actions.index[unknown]:
        errors.add(
            label,
            ACTION_COLUMN,
            f"unknown action {edited.at[label, ACTION_COLUMN]!r}; use one of {', '.join(ACTIONS)}",
        )


def check_unknown_columns(schema: FrameSchema, edited: pd.DataFrame, errors: RowErrors) -> None:
    """A filled cell in a column the resource does not have blocks its row."""
    for name in edited.columns:
        if name in schema.by_name or name in (ACTION_COLUMN, ERROR_COLUMN):
            continue
        for label in edited.index[~blank(edited[name])]:
            errors.add(label, name, f"{schema.resource} have no column {name!r}")


def check_read_only(changed: pd.DataFrame, columns: Sequence[Column], errors: RowErrors) -> None:
    """A changed cell in a read-only column blocks its row (it is never silently dropped)."""
    for column in columns:
        if not column.editable:
            for label in changed.index[changed[column.name].to_numpy(dtype=bool)]:
                errors.add(
                    label, column.name, f"{column.name!r} is read-only and cannot be changed"
                )


def validate_rows(
    rows: pd.DataFrame,
    columns: Sequence[Column],
    references: References,
    errors: RowErrors,
    *,
    changed: pd.DataFrame | None = None,
) -> None:
    """Column rules over ``rows``: every cell, or with ``changed`` only the changed cells
    of editable columns (the read-only ones are refused when they change at all)."""
    if rows.empty:
        return
    for column in columns:
        if changed is not None and not column.editable:
            continue
        scope: Mask = (
            np.ones(len(rows), dtype=bool)
            if changed is None
            else changed[column.name].to_numpy(dtype=bool)
        )
        values = rows[column.name]
        present: Mask = values.notna().to_numpy(dtype=bool)
        if column.required:
            for label in rows.index[scope & ~present]:
                errors.add(label, column.name, f"{column.name!r} is required")
        if column.dtype != "string":
            continue
        for mask, problem in _text_rules(values.astype("string"), column, references, present):
            for label in rows.index[scope & mask]:
                value = rows.at[label, column.name]
                errors.add(label, column.name, f"{short(value)!r} {problem}")


def _text_rules(
    text: pd.Series, column: Column, references: References, present: Mask
) -> list[tuple[Mask, str]]:
    """For each rule of a text column: which cells break it, and how to say so."""
    rules: list[tuple[Mask, str]] = [
        (
            _flags(text.str.len().gt(column.max_length)),
            f"is longer than {column.max_length} characters",
        ),
        (_flags(text.str.contains(CONTROL_CHARACTERS)), "contains control characters"),
    ]
    if column.options:
        rules.append(
            (
                ~_flags(text.isin(column.options)) & present,
                f"must be one of {', '.join(column.options)}",
            )
        )
    if column.pattern:
        rules.append(
            (
                ~_flags(text.str.fullmatch(column.pattern)) & present,
                column.pattern_message or f"does not match {column.pattern}",
            )
        )
    if column.references:
        known = references.known(column.references)
        if known is not None:
            noun = column.references.replace("_", " ").removesuffix("s")
            rules.append(
                (~_flags(text.isin(known)) & present, f"refers to a {noun} that does not exist")
            )
    return rules


def _flags(matches: pd.Series) -> Mask:
    """A boolean Series with NA as ``False``, as an array."""
    flags: Mask = matches.fillna(False).to_numpy(dtype=bool)
    return flags

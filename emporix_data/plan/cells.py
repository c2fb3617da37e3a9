"""Edited cells -> the schema's dtypes, and what to say about a cell that will not go.

Cells come as the grid leaves them (typed columns, or Python objects after an edit) or
as a file gives them (text everywhere). Text that is empty or only whitespace is blank
in both. A cell that cannot be converted becomes NA in the typed frame and a row error
naming what was expected ("'maybe' is not true or false").
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from emporix_data.frames import Column, to_utc_datetimes

Mask = npt.NDArray[np.bool_]

# Halves of UTF-16 pairs on their own: not text (no UTF-8 for them); only a Python
# object column, e.g. from JSON with a "\ud800" escape, can hold them.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Whole numbers up to this are held exactly by a double.
EXACT_DOUBLE_LIMIT = 2.0**53
WHOLE_NUMBER_TEXT = r"[+-]?[0-9]+(?:\.0*)?"
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "x", "wahr"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "falsch"})
EXPECTED = {"boolean": "true or false", "Int64": "a whole number", "Float64": "a number"}


@dataclass(frozen=True)
class Cell:
    """One cell of an edited frame: its row label and its column."""

    label: Hashable
    column: str


@dataclass(frozen=True)
class TypedCells:
    """The schema's columns at their dtypes, and the checked cells that did not convert."""

    frame: pd.DataFrame
    unconverted: list[Cell]


def without_broken_text(edited: pd.DataFrame) -> tuple[pd.DataFrame, list[Cell]]:
    """``edited`` with every lone surrogate replaced by "?", and the cells that held one.

    Such text cannot be encoded (nor turned into a pandas string column): the cells
    become row errors, and the rest of the plan works on the cleaned copy.
    """
    broken: list[Cell] = []
    cleaned: dict[str, pd.Series] = {}
    for name in edited.columns:
        column = edited[name]
        if column.dtype != object:
            continue
        bad: Mask = column.map(_holds_lone_surrogate).to_numpy(dtype=bool)
        if bad.any():
            broken += [Cell(label, name) for label in edited.index[bad]]
            cleaned[name] = column.map(_replace_lone_surrogates)
    if not cleaned:
        return edited, broken
    return edited.assign(**cleaned), broken


def _holds_lone_surrogate(value: object) -> bool:
    return isinstance(value, str) and LONE_SURROGATES.search(value) is not None


def _replace_lone_surrogates(value: object) -> object:
    return LONE_SURROGATES.sub("?", value) if isinstance(value, str) else value


def typed_columns(edited: pd.DataFrame, columns: Sequence[Column], checked: Mask) -> TypedCells:
    """``columns`` of ``edited`` at their dtypes; unconverted cells of ``checked`` rows."""
    data: dict[str, pd.Series] = {}
    unconverted: list[Cell] = []
    for column in columns:
        raw = edited[column.name]
        converted = convert(raw, column)
        data[column.name] = converted
        invalid = converted.isna().to_numpy(dtype=bool) & ~blank(raw) & checked
        unconverted += [Cell(label, column.name) for label in edited.index[invalid]]
    return TypedCells(pd.DataFrame(data, index=edited.index), unconverted)


def blank(raw: pd.Series) -> Mask:
    """Which cells are missing, or text that is empty or only whitespace."""
    if raw.dtype == object or isinstance(raw.dtype, pd.StringDtype):
        text = raw.astype("string")
        text_blank: Mask = (text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool)
        return text_blank
    missing: Mask = raw.isna().to_numpy(dtype=bool)
    return missing


def convert(raw: pd.Series, column: Column) -> pd.Series:
    """``raw`` at the column's dtype; unconvertible cells become NA."""
    target = column.dtype
    if target == "string":
        return normalised_text(raw, column)
    if str(raw.dtype) == target or (
        target.startswith("datetime") and isinstance(raw.dtype, pd.DatetimeTZDtype)
    ):
        return raw
    if target == "boolean":
        return _booleans(raw)
    if target == "Float64":
        return _numbers(raw).astype("Float64")
    if target == "Int64":
        return _whole_numbers(raw)
    return to_utc_datetimes(raw)


def normalised_text(raw: pd.Series, column: Column) -> pd.Series:
    """Text as compared and sent: whitespace-only is blank (from a file and from the grid
    alike), and a column's normaliser applied (``upper``: " eur" -> "EUR")."""
    text = raw if str(raw.dtype) == "string" else raw.astype("string")
    text = text.mask(text.str.strip() == "")
    if column.normalise == "upper":
        text = text.str.strip().str.upper()
    return text


def _booleans(raw: pd.Series) -> pd.Series:
    """Booleans as they are; text as one of the true or false words (any case)."""
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("boolean")
    words = raw.astype("string").str.strip().str.lower()
    result = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    result[words.isin(TRUE_WORDS).fillna(False).to_numpy(dtype=bool)] = True
    result[words.isin(FALSE_WORDS).fillna(False).to_numpy(dtype=bool)] = False
    return result


def _numbers(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(raw.astype("string").str.strip(), errors="coerce")


def _whole_numbers(raw: pd.Series) -> pd.Series:
    """Whole numbers that fit in 64 bits (bigger ones would silently wrap around).

    Text of a whole number (``42``, ``-7``, ``42.0``) is read exactly, as Python ints:
    read as doubles, numbers beyond 2**53 would be rounded, and the top of the 64-bit
    range refused. Other number text (``4.2e1``) is read as a double and kept where that
    is exact.
    """
    if pd.api.types.is_integer_dtype(raw.dtype):
        return raw.astype("Int64")
    if pd.api.types.is_float_dtype(raw.dtype):
        return _exact_whole(raw.astype("Float64"))
    text = raw.astype("string").str.strip()
    integer = text.str.fullmatch(WHOLE_NUMBER_TEXT).fillna(False).to_numpy(dtype=bool)
    values: list[int | None] = [None] * len(text)
    cells = text.to_numpy(dtype=object)
    for position in np.flatnonzero(integer):
        number = int(str(cells[position]).split(".")[0])
        if INT64_MIN <= number <= INT64_MAX:
            values[position] = number
    whole = pd.Series(pd.array(values, dtype="Int64"), index=raw.index)
    others = _exact_whole(_numbers(text.mask(integer)).astype("Float64"))
    return whole.fillna(others)


def _exact_whole(numbers: pd.Series) -> pd.Series:
    """Doubles that are whole numbers a double holds exactly (below 2**53), as Int64."""
    exact = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() <= EXACT_DOUBLE_LIMIT)
    return numbers.where(exact.fillna(False)).astype("Int64")


def bad_value_message(column: Column, value: object) -> str:
    """Why a cell could not be converted: "'maybe' is not true or false"."""
    default = "an ISO-8601 date" if column.dtype.startswith("datetime") else "text"
    return f"{short(value)!r} is not {EXPECTED.get(column.dtype, default)}"


def broken_text_message(value: object) -> str:
    return f"{short(value)!r} is not valid text"


def short(value: object, limit: int = 40) -> str:
    """A cell's text for a message, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

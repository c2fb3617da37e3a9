"""Property tests: plans round-trip, for every table and random but schema-valid frames.

No second implementation of the rules here (``test_plan_rules.py`` and
``test_changes.py`` pin each rule with an example). Instead, what must hold whatever
the data: a table exported and read back plans nothing; a grid edit's plan, applied to
the loaded table, gives the edited table; every line of a file with ``_action`` ends in
one change or in its errors; any cell is planned or refused naming its column. Keys
and ids in paths: ``test_key_properties.py``.

Example counts are shares of the active hypothesis profile (see ``tests/support.py``).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emporix_data.export import FORMATS, ExportFormat, frame_bytes, read_table_file
from emporix_data.frames import Column
from emporix_data.keys import key_tuples
from emporix_data.plan import ACTION_COLUMN, ChangePlan, References, Source
from emporix_data.tables import TABLES, LoadedTable, ResourceTable
from emporix_data.values import plain
from tests.support import property_settings, typed_frame

# What a text cell may hold: no control characters but tab, line feed and carriage return.
TEXT = st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n\r")
# XLSX is XML: no U+FFFE or U+FFFF, and a carriage return comes back as a line feed.
XLSX_TEXT = st.characters(
    exclude_categories=("Cc", "Cs"), include_characters="\t\n", exclude_characters="\ufffe\uffff"
)
# Formula starts and protective quotes, whitespace, odd ids, unicode, what looks like NA.
ODD_TEXTS = (
    *("=1+1", '=HYPERLINK("http://evil.example","x")', "+49 30 1234", "-2", "@SUM(A1)"),
    *("\t=1", "'=quoted", "''+1", "'", " padded ", "a\nb", "a/b", "..", "%2F", "?q=1", "#top"),
    *("Zoë Ørsted 田中 🙂", "\u202eevil", "\u200b", "_x0041_", "null", "NaN", "None", "True"),
    *("0", "00012345", "1e5"),
)
LONE_SURROGATE = "half \ud83d"  # only a Python object column (the grid, JSON) holds one
ANY_FILE_TEXT = st.one_of(
    st.text(), st.sampled_from([*ODD_TEXTS, "now", "1e400", "99999999999999999999", "maybe", " "])
)
ANY_GRID_VALUE = st.one_of(
    ANY_FILE_TEXT,
    st.integers(),
    st.floats(),
    st.sampled_from([LONE_SURROGATE, None, True, False, pd.NA]),
)
# (as written in the file, what it means; None: not an action)
ACTIONS = (
    *((None, "upsert"), ("", "upsert"), (" ", "upsert"), ("UPSERT", "upsert")),
    *(("update", "update"), ("Update ", "update"), ("create", "create"), (" CREATE", "create")),
    *(("delete", "delete"), ("Delete", "delete"), ("ignore", "ignore"), ("IGNORE", "ignore")),
    *(("drop", None), ("deletee", None), ("up sert", None), ("=1+1", None)),
)


# ------------------------------------------------------------------ frames from schemas
def moments() -> st.SearchStrategy[pd.Timestamp]:
    """Dates as the API has them (milliseconds), within what a frame can hold."""
    return st.datetimes(datetime(1678, 1, 1), datetime(2262, 4, 10)).map(
        lambda d: pd.Timestamp(d.replace(microsecond=d.microsecond // 1000 * 1000), tz="UTC")
    )


def texts(column: Column, fmt: ExportFormat | None) -> st.SearchStrategy[str]:
    """Text the column's rules accept (options, pattern, length): odd, long, any."""
    alphabet = XLSX_TEXT if fmt == "xlsx" else TEXT
    if column.options:
        return st.sampled_from(column.options)
    if column.pattern:
        return st.from_regex(column.pattern, fullmatch=True, alphabet=alphabet).filter(
            lambda text: len(text) <= column.max_length
        )
    longest = st.builds(
        lambda ch, n: ch * n, st.text(alphabet, min_size=1, max_size=1), st.integers(990, 1000)
    ).map(lambda text: text[: column.max_length])
    return st.one_of(st.text(alphabet, max_size=20), st.sampled_from(ODD_TEXTS), longest)


@cache
def values(
    column: Column, fmt: ExportFormat | None = None, key: bool = False, lone: bool = False
) -> st.SearchStrategy[Any]:
    """Valid values of the column; blank where the column may be. ``fmt``: the file they
    are exported to and read back from unchanged (None: they may also be edited).

    A ``key`` part is never blank text; missing only in a longer key, if not required.
    """
    if column.dtype == "boolean":
        typed: st.SearchStrategy[Any] = st.booleans()
    elif column.dtype == "Int64":
        # XLSX numbers are doubles: exact up to 2**53. Every other format keeps 64 bits.
        if fmt == "xlsx":
            typed = st.integers(-(2**53), 2**53)
        else:
            typed = st.integers(-(2**63), 2**63 - 1)
    elif column.dtype.startswith("datetime"):
        typed = moments()
    else:
        typed = texts(column, fmt)
        if column.required or key:  # text that is only whitespace is blank
            typed = typed.filter(str.strip)
    return typed if column.required or lone else st.none() | typed


@cache
def table_rows(
    name: str, fmt: ExportFormat | None, min_size: int, max_size: int
) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    """Rows of a table as loaded: unique, complete keys; valid values in every column."""
    schema = TABLES[name].schema
    key = [schema.names.index(part) for part in schema.key]
    lone = len(key) == 1
    cells = [
        values(c, fmt, c.name in schema.key, lone and c.name in schema.key) for c in schema.columns
    ]
    return st.lists(
        st.tuples(*cells),
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda row: tuple(row[i] for i in key),
    )


@st.composite
def loaded_frames(
    draw: st.DrawFn,
    table: ResourceTable,
    fmt: ExportFormat | None = None,
    min_size: int = 0,
    max_size: int = 5,
) -> pd.DataFrame:
    """A table as loaded."""
    rows = draw(table_rows(table.name, fmt, min_size, max_size))
    frame = pd.DataFrame(rows, columns=table.schema.names, dtype=object)
    return typed_frame(table.schema, frame)


def loaded(table: ResourceTable, frame: pd.DataFrame) -> LoadedTable:
    return LoadedTable(table, table.schema, frame, {})


def as_file(frame: pd.DataFrame, fmt: ExportFormat = "csv") -> pd.DataFrame:
    return read_table_file(frame_bytes(frame, fmt), fmt)


def shown(plan: ChangePlan) -> dict[str, Any]:
    return {"changes": plan.changes_frame().to_dict(), "errors": plan.errors_frame().to_dict()}


# ------------------------------------------------------------------ round trips
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(TABLES))
@property_settings(0.08)
@given(data=st.data())
def test_an_exported_table_read_back_plans_nothing(
    name: str, fmt: ExportFormat, data: st.DataObject
):
    table = TABLES[name]
    frame = data.draw(loaded_frames(table, fmt))
    plan = loaded(table, frame).plan(as_file(frame, fmt), "file")
    assert plan.is_empty, shown(plan)
    assert plan.notices == []


@st.composite
def grid_edits(draw: st.DrawFn, table: ResourceTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A loaded table and a valid grid edit of it: rows changed, dropped and added."""
    schema = table.schema
    both = draw(loaded_frames(table, max_size=7))
    cut = draw(st.integers(0, len(both)))
    original = both.iloc[:cut]
    edited = original.copy()
    editable = [c for c in schema.columns if c.editable and c.name not in schema.key]
    for label in original.index:
        fate = draw(st.sampled_from(["keep", "edit", "drop"]))
        if fate == "drop":
            edited = edited.drop(index=label)
        elif fate == "edit" and editable:
            for column in draw(st.lists(st.sampled_from(editable), min_size=1, unique=True)):
                edited.loc[label, column.name] = draw(values(column))
    added = both.iloc[cut:].copy()  # new rows: their keys were never loaded
    for column in schema.columns:
        if not column.editable and column.name not in schema.key:
            added[column.name] = None
    if table.generated_keys and not added.empty:  # a blank key: the push chooses one
        added.loc[draw(st.sampled_from(list(added.index))), schema.key[0]] = None
    return original, pd.concat([edited, added])


def known_ids(table: ResourceTable, frame: pd.DataFrame) -> References:
    """References that know every id the frame refers to (B2B: customers with an entity)."""
    known = {
        c.references: frozenset(frame[c.name].dropna())
        for c in table.schema.columns
        if c.references
    }
    if "b2b_customers" in table.references:
        entity = frame["legalEntityId"].notna()
        with_entity = set(frame.loc[entity, "customerId"])
        known["b2b_customers"] = frozenset(with_entity - set(frame.loc[~entity, "customerId"]))
    return References(**known)


def applied(table: ResourceTable, original: pd.DataFrame, plan: ChangePlan) -> pd.DataFrame:
    """The loaded table with the plan's changes done to it, as the API does them."""
    schema = table.schema
    rows = {
        key: dict(zip(schema.names, row, strict=True))
        for key, row in zip(
            key_tuples(original, schema.key), key_tuples(original, schema.names), strict=True
        )
    }
    created = []
    for change in plan.changes:
        if change.kind == "delete":
            assert rows.pop(change.key) == change.values
        elif change.kind == "update":
            for field in change.changes:
                assert rows[change.key][field.column] == field.old
                rows[change.key][field.column] = field.new
        else:  # NaN for the columns a create leaves out would make big numbers doubles
            created.append({name: change.values.get(name) for name in schema.names})
    frame = pd.DataFrame([*rows.values(), *created], columns=schema.names, dtype=object)
    return typed_frame(schema, frame)


@pytest.mark.parametrize("name", list(TABLES))
@property_settings(0.15)
@given(data=st.data())
def test_a_grid_plan_applied_to_the_loaded_table_gives_the_edited_table(
    name: str, data: st.DataObject
):
    table = TABLES[name]
    original, edited = data.draw(grid_edits(table))
    plan = loaded(table, original).plan(edited, "grid", known_ids(table, edited))
    assert plan.errors == [], shown(plan)
    after = applied(table, original, plan)
    assert rows_of(after) == rows_of(edited)
    keyed = after[after[table.schema.key[0]].notna()]  # not the rows whose key is chosen later
    assert loaded(table, keyed).plan(keyed.copy(), "grid").is_empty


def rows_of(frame: pd.DataFrame) -> Counter[tuple[Any, ...]]:
    """The frame's rows as plain values, text that is only whitespace as blank."""
    return Counter(
        tuple(None if isinstance(v, str) and not v.strip() else v for v in row)
        for row in key_tuples(frame, list(frame.columns))
    )


# What an unedited line comes to, by its action and whether its key was loaded;
# None: the line's own errors.
OUTCOMES: dict[tuple[str, bool], list[str] | None] = {
    ("upsert", True): [],
    ("upsert", False): ["create"],
    ("update", True): [],
    ("update", False): None,
    ("create", True): None,
    ("create", False): ["create"],
    ("delete", True): ["delete"],
    ("delete", False): None,
}


@pytest.mark.parametrize("name", list(TABLES))
@property_settings(0.15)
@given(data=st.data())
def test_every_line_of_a_file_ends_in_one_change_or_in_its_errors(name: str, data: st.DataObject):
    table = TABLES[name]
    schema = table.schema
    both = data.draw(loaded_frames(table, max_size=8))
    cut = data.draw(st.integers(0, len(both)))
    text = as_file(both)
    loaded_lines = set(text.index[:cut])
    edited_lines = set()
    others = [n for n in schema.names if n not in schema.key] + ["loyalty"]
    for line in text.index:  # any text in any cell but the key's
        if data.draw(st.booleans()):
            text.loc[line, data.draw(st.sampled_from(others))] = data.draw(ANY_FILE_TEXT)
            edited_lines.add(line)
    actions = data.draw(st.lists(st.sampled_from(ACTIONS), min_size=len(text), max_size=len(text)))
    text[ACTION_COLUMN] = pd.array([written for written, _ in actions], dtype="string")
    plan = loaded(table, both.iloc[:cut]).plan(text, "file")

    lines = {f"row {line}" for line in text.index}
    assert {change.row for change in plan.changes} <= lines, "a file never implies a change"
    for line, (_, action) in zip(text.index, actions, strict=True):
        row = f"row {line}"
        kinds = [change.kind for change in plan.changes if change.row == row]
        named = {error.column for error in plan.errors if error.row == row}
        assert not (kinds and named) and len(kinds) <= 1, (row, kinds, named)
        if action is None:
            assert ACTION_COLUMN in named
            continue
        if action == "ignore":
            assert not kinds and not named
            continue
        outcome = OUTCOMES[action, line in loaded_lines]
        if outcome is None:
            assert named, (row, action, kinds)
        elif line in edited_lines:
            assert named or kinds == outcome or (outcome == [] and kinds == ["update"])
        else:
            assert not named and kinds == outcome, (row, action, shown(plan))


# ------------------------------------------------------------------ any cell
@pytest.mark.parametrize("source", ["grid", "file"])
@pytest.mark.parametrize("name", list(TABLES))
@property_settings(0.15)
@given(data=st.data())
def test_any_cell_is_planned_or_refused_naming_its_column(
    name: str, source: Source, data: st.DataObject
):
    table = TABLES[name]
    schema = table.schema
    original = data.draw(loaded_frames(table, min_size=1))
    edited = original.copy() if source == "grid" else as_file(original)
    position = data.draw(st.integers(0, len(edited) - 1))
    label = edited.index[position]
    column = data.draw(st.sampled_from([*schema.names, "loyalty"]))
    value = data.draw(ANY_GRID_VALUE if source == "grid" else ANY_FILE_TEXT)
    # The grid hands over whatever a cell holds; a file holds text.
    kind = object if source == "grid" else "string"
    edited[column] = edited.get(column, pd.Series(None, index=edited.index)).astype(kind)
    edited.loc[label, column] = value
    plan = loaded(table, original).plan(edited, source)
    report = shown(plan)  # the review tables are built whatever the cells hold

    row = f"row {label}"
    blamed = {(row, column)}
    if column in schema.key:  # a key that now repeats another row's: both rows are named
        blamed |= {(f"row {other}", schema.key[0]) for other in edited.index}
    assert {(error.row, error.column) for error in plan.errors} <= blamed, report
    erred = any(error.row == row for error in plan.errors)
    assert not (erred and any(change.row == row for change in plan.changes))
    text_column = column in schema.by_name and schema.by_name[column].dtype == "string"
    if text_column and column not in schema.key and not erred and isinstance(value, str):
        old, new = (
            text if text and text.strip() else None
            for text in (plain(original.iloc[position][column]), value)
        )
        planned = {(c.row, f.column, f.new) for c in plan.updates for f in c.changes}
        assert planned == (set() if new == old else {(row, column, new)}), report

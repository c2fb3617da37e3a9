"""Property-based tests: random cell values through change plans, odd ids through a push.

Plans: for every resource table and both sources (the grid and an edited file), random
edits of a loaded-like frame (wrong types, invalid enums, bad e-mails, 10k-character
strings, control characters, unicode, formula-like strings, ids with ``/``, ``..``,
``%2F``, ``?`` and ``#``) are planned and compared, row by row, with an oracle written
independently of ``emporix_data.changes`` (scalar Python, one rule per column kind).

Ids: every request a plan turns into must carry each id as exactly one percent-encoded
path segment; a few examples are pushed through the real HTTP client to the session
sandbox, whose recorded raw paths must be exactly those, and whose data must show that
only the addressed resource changed.

Examples are derandomized (the same on every run and in CI) and never stored.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from emporix_data.client import EmporixClient, encode_segment
from emporix_data.frames import Column, FrameSchema
from emporix_data.operations import Operation
from emporix_data.plan import (
    ACTION_COLUMN,
    ERROR_COLUMN,
    ChangePlan,
    References,
    RowChange,
    Source,
    build_plan,
)
from emporix_data.push import PushReport, push_plan, with_chosen_keys
from emporix_data.resources import customer_groups
from emporix_data.resources.customers import EMAIL_PATTERN, NEW_ID_PATTERN
from emporix_data.settings import Settings
from emporix_data.tables import TABLES, ResourceTable, load_table
from tests.support import TenantApi

# Pure plan building is cheap: many examples. Each HTTP example resets and reloads the
# sandbox: a few. Both derandomized, so CI runs the same examples every time; set
# PROPERTY_EXAMPLES_SCALE (e.g. 10) for a longer hunt, PROPERTY_RANDOM=1 for new examples.
SCALE = float(os.environ.get("PROPERTY_EXAMPLES_SCALE", "1"))
DERANDOMIZE = not os.environ.get("PROPERTY_RANDOM")
PLAN_SETTINGS = settings(
    max_examples=max(1, int(35 * SCALE)),
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The HTTP tests share the function-scoped ``client`` and ``admin`` fixtures between
# examples on purpose: each example resets the sandbox itself.
HTTP_SETTINGS = settings(
    max_examples=max(1, int(5 * SCALE)),
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TENANT = "demo"

# ------------------------------------------------------------------ nasty values
FORMULAS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "=1+1",
)
ODD_IDS = (
    "a/b",
    "../x",
    "..",
    ".",
    "%2F",
    "%2e%2e%2f",
    "?q=1",
    "#top",
    "a b",
    "Zoë",
    "田中",
    "🙂",
    "bulk",
    "../../oauth/token",
    "a%",
    "a\\b",
    "a;b",
    "a&b=c",
    "~user",
    "..%2F..%2F",
    '"quoted"',
    "it's",
    'a\\"b',
)
CONTROL = ("bell\x07", "nul\x00", "esc\x1b[m", "del\x7f", "nel\x85", "csi\x9b", "unit\x1fsep")
LONG = ("x" * 10_000, "é" * 1000, "é" * 1001, "田" * 1001)
MISC = (
    "",
    "   ",
    "\t",
    "\u200b",
    "\u202eevil",
    "null",
    "None",
    "NaN",
    "nan",
    "NaT",
    "true",
    "0",
    "1.5",
    "Zoë Ørsted 田中 🙂",
    " padded ",
    "a\nb",
    "a\r\nb",
)
NASTY = st.sampled_from(FORMULAS + ODD_IDS + CONTROL + LONG + MISC)
LONE_SURROGATE = "broken \ud800 text"  # only a Python object column can hold one
ANY_TEXT = st.text(max_size=24)
DIGITLESS_TEXT = st.text(max_size=16).filter(lambda s: not any(ch.isdigit() for ch in s))
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs"))
PLAIN_TEXT = st.text(alphabet=PRINTABLE, min_size=1, max_size=30)
GRID_WRONG_TYPES = st.sampled_from([0, 1, -3, 42, 1.5, -0.25, True, False, math.nan, pd.NA])

BOOLEAN_WORDS = ("true", "FALSE", " Yes ", "n", "1", "0", "x", "wahr", "Falsch", "no")
INVALID_BOOLEANS = ("maybe", "2", "ja", "tru", "yes please", "1.0", "=TRUE()", "on", "off")
INVALID_INTS = (
    "1.5",
    "12abc",
    "1,000",
    "=1+1",
    "0x10",
    "1e400",
    "inf",
    "nan",
    "99999999999999999999",
    "-99999999999999999999",
    "18446744073709551616",
    "\u0661\u0662",  # Arabic-Indic digits
)
INVALID_DATES = (
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "2024-13-01",
    "2024-02-30",
    "31/12/2024",
    "9999-12-31T00:00:00Z",
    "0001-01-01",
    "NaT",
    "=NOW()",
    "12:00",
    "2024-01-01T25:00:00Z",
    "42",
)
ACTION_TEXTS = st.one_of(
    st.sampled_from(
        [None, "", " ", "upsert", "UPDATE", " create ", "Delete", "delete", "ignore", "Ignore "]
    ),
    st.text(max_size=6),
)


# ------------------------------------------------------------------ the oracle
TRUE_TEXT = frozenset({"true", "1", "yes", "y", "x", "wahr"})
FALSE_TEXT = frozenset({"false", "0", "no", "n", "falsch"})
ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
ISO_DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
EARLIEST = pd.Timestamp("1677-09-22", tz="UTC")  # the nanosecond range, with a margin
LATEST = pd.Timestamp("2262-04-10", tz="UTC")


class Ambiguous(AssertionError):
    """The strategies produced a value the oracle cannot judge: fix the strategy."""


def is_email(value: str) -> bool:
    if value.count("@") != 1 or any(ch.isspace() for ch in value):
        return False
    local, domain = value.split("@")
    return bool(local) and any(ch == "." and 0 < i < len(domain) - 1 for i, ch in enumerate(domain))


def is_new_id(value: str) -> bool:
    return 1 <= len(value) <= 66 and set(value) <= ID_CHARACTERS


def is_currency(value: str) -> bool:
    return len(value) == 3 and all("A" <= ch <= "Z" for ch in value)


PATTERN_ORACLES = {EMAIL_PATTERN: is_email, NEW_ID_PATTERN: is_new_id, "[A-Z]{3}": is_currency}


def missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def blank(value: Any) -> bool:
    return missing(value) or (isinstance(value, str) and value.strip() == "")


def text_of(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    return str(value)


def bad_character(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r"


@dataclass(frozen=True)
class Cell:
    ok: bool  # the raw value is blank or converts to the column's dtype
    value: Any = None  # the typed value; None when blank or not convertible


BAD = Cell(False)


def typed_cell(column: Column, raw: Any) -> Cell:
    """What a raw cell (grid value or file text) means for a column."""
    if isinstance(raw, str) and any("\ud800" <= ch <= "\udfff" for ch in raw):
        return BAD  # not text at all
    if blank(raw):
        return Cell(True)
    if column.dtype == "string":
        return Cell(True, text_of(raw))
    if column.dtype == "boolean":
        if isinstance(raw, bool | np.bool_):
            return Cell(True, bool(raw))
        word = text_of(raw).strip().lower()
        if word in TRUE_TEXT or word in FALSE_TEXT:
            return Cell(True, word in TRUE_TEXT)
        return BAD
    if column.dtype == "Int64":
        return _typed_int(raw)
    if column.dtype.startswith("datetime"):
        return _typed_date(raw)
    raise Ambiguous(f"no oracle for dtype {column.dtype}")


def _typed_int(raw: Any) -> Cell:
    if isinstance(raw, bool | np.bool_ | float):
        return BAD  # the strategies only give non-whole floats and NaN (blank)
    if isinstance(raw, int | np.integer):
        return Cell(True, int(raw))
    text = text_of(raw).strip()
    if text in INVALID_INTS:
        return BAD
    if re.fullmatch(r"[+-]?[0-9]+", text):
        number = int(text)
        if abs(number) < 2**62:
            return Cell(True, number)
        raise Ambiguous(f"{text!r}: too close to the int64 bounds to judge")
    if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
        return BAD  # not a number at all (inf and nan are no whole numbers either)
    if re.fullmatch(r"[+-]?[0-9]*\.[0-9]*[1-9][0-9]*", text):
        return BAD  # a fraction
    raise Ambiguous(f"{text!r} for a whole-number column")


def _typed_date(raw: Any) -> Cell:
    if isinstance(raw, pd.Timestamp):
        return Cell(True, raw)
    text = text_of(raw).strip()
    if text in INVALID_DATES:
        return BAD
    if ISO_DATE.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return BAD
        stamp = pd.Timestamp(moment)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return Cell(True, stamp) if EARLIEST <= stamp <= LATEST else BAD
    if not re.match(r"[0-9]{4}", text):
        return BAD  # an ISO-8601 date starts with a four-digit year
    raise Ambiguous(f"{text!r} for a date column")


def violates(column: Column, value: Any, references: References | None) -> bool:
    """Does a typed value break the column's rules (checked on new and changed cells)?"""
    if value is None:
        return column.required
    if column.dtype != "string":
        return False
    if len(value) > column.max_length or any(bad_character(ch) for ch in value):
        return True
    if column.options and value not in column.options:
        return True
    if column.pattern:
        if column.pattern not in PATTERN_ORACLES:
            raise Ambiguous(f"no oracle for the pattern {column.pattern!r}")
        if not PATTERN_ORACLES[column.pattern](value):
            return True
    known = references.known(column.references) if references and column.references else None
    return known is not None and value not in known


def server_value(value: Any) -> Any:
    """A loaded frame's cell as a plain value; blank text counts as missing."""
    if missing(value) or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def same(new: Any, old: Any) -> bool:
    if new is None or old is None:
        return new is None and old is None
    return bool(new == old)


@dataclass
class Expected:
    """What must become of one edited row."""

    must: set[str] = field(default_factory=set)  # columns that must be named by errors
    kind: str | None = None  # the change if the row is valid (None: no change)
    changed: frozenset[str] = frozenset()  # an update's changed columns
    key: tuple[Any, ...] | None = None
    values: dict[str, Any] = field(default_factory=dict)


def action_of(raw: Mapping[str, Any], source: Source) -> str:
    if source == "grid" or ACTION_COLUMN not in raw or blank(raw[ACTION_COLUMN]):
        return "upsert"
    return text_of(raw[ACTION_COLUMN]).strip().lower()


def expectations(
    table: ResourceTable,
    original: pd.DataFrame,
    edited: pd.DataFrame,
    source: Source,
    references: References | None,
) -> tuple[dict[Any, Expected], Counter[tuple[Any, ...]]]:
    """Row by row, what the plan must say; and the keys the grid deletes."""
    schema = table.schema
    present = [c for c in schema.columns if c.name in edited.columns]
    absent_required = [c.name for c in schema.columns if c.required and c not in present]
    single_generated = table.generated_keys and len(schema.key) == 1
    originals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for position in range(len(original)):
        row = {c.name: server_value(original.iloc[position][c.name]) for c in schema.columns}
        originals.setdefault(tuple(row[name] for name in schema.key), row)  # first one wins

    results: dict[Any, Expected] = {}
    cells_of: dict[Any, dict[str, Any]] = {}
    keyed: dict[Any, tuple[Any, ...]] = {}
    generated: set[Any] = set()  # new rows whose (single) key the push chooses
    for label in edited.index:
        raw = {name: edited.at[label, name] for name in edited.columns}
        expected = results[label] = Expected()
        action = action_of(raw, source)
        if action == "ignore":
            continue
        cells = cells_of[label] = {}
        for column in present:
            cell = typed_cell(column, raw[column.name])
            if not cell.ok:
                expected.must.add(column.name)
            cells[column.name] = cell.value
        for name, value in raw.items():
            known = name in schema.by_name or name in (ACTION_COLUMN, ERROR_COLUMN)
            if not known and not blank(value):
                expected.must.add(name)
        if action not in ("upsert", "update", "create", "delete"):
            expected.must.add(ACTION_COLUMN)
            continue
        key = expected.key = tuple(cells[name] for name in schema.key)
        key_ok = True
        for name in schema.key:
            column = schema.by_name[name]
            lone_key = len(schema.key) == 1 and not table.generated_keys
            if cells[name] is None and (column.required or lone_key):
                expected.must.add(name)
                key_ok = False
        if single_generated and key[0] is None:
            generated.add(label)
        elif key_ok:
            keyed[label] = key

    counts = Counter(keyed.values())
    for label, cells in cells_of.items():
        expected = results[label]
        if ACTION_COLUMN in expected.must:
            continue
        action = action_of({n: edited.at[label, n] for n in edited.columns}, source)
        key = expected.key
        assert key is not None
        exists = label in keyed and key in originals
        if label in keyed and counts[key] > 1:
            expected.must.add(schema.key[0])
        if (action == "create" and exists) or (action in ("update", "delete") and not exists):
            expected.must.add(schema.key[0])
        if action == "delete":
            expected.kind = "delete" if exists else None
            continue
        checked: Iterable[str] = ()
        if exists and action in ("upsert", "update"):
            before = originals[key]
            changed = frozenset(n for n in cells if not same(cells[n], before[n]))
            for name in changed:
                column = schema.by_name[name]
                if not column.editable or violates(column, cells[name], references):
                    expected.must.add(name)
            expected.changed = changed
            expected.kind = "update" if changed else None
            checked = changed
        elif (
            not exists and action in ("upsert", "create") and (label in keyed or label in generated)
        ):
            for column in present:
                if violates(column, cells[column.name], references):
                    expected.must.add(column.name)
            expected.must.update(absent_required)
            expected.kind = "create"
            expected.values = {
                c.name: cells[c.name] for c in present if c.editable or c.name in schema.key
            }
            checked = cells
        b2b = references.b2b_customers if table.checks and references else None
        b2b_row = checked and b2b is not None and cells["customerId"] in b2b
        if b2b_row and cells["legalEntityId"] is None:
            expected.must.add("legalEntityId")

    deleted: Counter[tuple[Any, ...]] = Counter()
    if source == "grid":
        deleted.update(key for key in originals if key not in set(keyed.values()))
    return results, deleted


# ------------------------------------------------------------------ strategies
def moments() -> st.SearchStrategy[pd.Timestamp]:
    return st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 12, 31)).map(
        lambda d: pd.Timestamp(d.replace(microsecond=d.microsecond // 1000 * 1000), tz="UTC")
    )


def iso_texts() -> st.SearchStrategy[str]:
    offsets = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])
    return st.one_of(
        moments().map(export_date_text),
        st.builds(
            lambda moment, zone: moment.tz_convert(zone).isoformat(timespec="seconds"),
            moments(),
            offsets,
        ),
        moments().map(lambda m: m.strftime("%Y-%m-%d")),
    )


def valid_values(
    column: Column, source: Source, references: References | None
) -> st.SearchStrategy[Any]:
    """Values a user may rightly put into the column."""
    if column.dtype == "boolean":
        return st.booleans() if source == "grid" else st.sampled_from(BOOLEAN_WORDS)
    if column.dtype == "Int64":
        numbers = st.integers(-(10**6), 10**6)
        return numbers if source == "grid" else numbers.map(str) | st.sampled_from([" 42 ", "+5"])
    if column.dtype.startswith("datetime"):
        return moments() if source == "grid" else iso_texts()
    known = references.known(column.references) if references and column.references else None
    if known:
        return st.sampled_from(sorted(known))
    if column.options:
        return st.sampled_from(column.options)
    if column.pattern == EMAIL_PATTERN:
        return st.emails() | st.sampled_from(["zoë@example.com", "a.b+c@sub.example.co.uk"])
    if column.pattern == NEW_ID_PATTERN:
        return st.from_regex(NEW_ID_PATTERN, fullmatch=True)
    if column.pattern:
        return st.from_regex(column.pattern, fullmatch=True)
    return PLAIN_TEXT | st.sampled_from(FORMULAS + ODD_IDS + ("Zoë Ørsted 田中 🙂",))


def cell_values(
    column: Column, source: Source, references: References | None
) -> st.SearchStrategy[Any]:
    """Anything a user might put into the column: valid, invalid, wrong type, hostile."""
    options = [valid_values(column, source, references), NASTY]
    if column.dtype == "string":
        options.append(ANY_TEXT)
    else:
        options.append(DIGITLESS_TEXT)
        invalid = {
            "boolean": INVALID_BOOLEANS,
            "Int64": INVALID_INTS,
        }.get(column.dtype, INVALID_DATES)
        options.append(st.sampled_from(invalid))
    if source == "grid":
        options += [GRID_WRONG_TYPES, st.just(LONE_SURROGATE)]
    return st.one_of(options)


def server_values(column: Column) -> st.SearchStrategy[Any]:
    """What the API may have stored: unchanged cells are never validated, so anything."""
    if column.dtype == "boolean":
        return st.none() | st.booleans()
    if column.dtype == "Int64":
        return st.none() | st.integers(0, 10_000)
    if column.dtype.startswith("datetime"):
        return st.none() | moments()
    return st.none() | valid_values(column, "grid", None) | NASTY | ANY_TEXT


def id_values(column: Column, references: References | None) -> st.SearchStrategy[Any]:
    """Key parts: valid ids, odd ids, any text, blanks."""
    return st.one_of(
        st.sampled_from([None, "", "  "]),
        valid_values(column, "grid", references),
        st.sampled_from(ODD_IDS + CONTROL),
        PLAIN_TEXT,
    )


def server_ids(column: Column, lone: bool) -> st.SearchStrategy[Any]:
    """Keys as the API has them: complete, but made of anything."""
    ids = st.one_of(
        st.sampled_from(ODD_IDS),
        st.from_regex(r"[A-Z0-9]{1,10}", fullmatch=True),
        st.sampled_from(ODD_IDS + CONTROL),
        PLAIN_TEXT,
    )
    return ids if column.required or lone else st.none() | ids


@st.composite
def references_for(draw: st.DrawFn, table: ResourceTable) -> References | None:
    if not table.references or draw(st.booleans()):
        return None
    ids = st.lists(st.sampled_from(["C1", "C2", "LE1", "S1", "a/b", "..", "Zoë"]), max_size=4)
    known = {kind: frozenset(draw(ids)) for kind in table.references}
    if "b2b_customers" in known:
        known["b2b_customers"] = known["b2b_customers"] & known["customers"]
    return References(**known)


@dataclass(frozen=True)
class Scenario:
    original: pd.DataFrame
    edited: pd.DataFrame
    references: References | None


def norm_key(values: Mapping[str, Any], key: Sequence[str]) -> tuple[Any, ...]:
    return tuple(None if blank(values.get(name)) else values.get(name) for name in key)


@st.composite
def scenarios(draw: st.DrawFn, name: str, source: Source) -> Scenario:
    table = TABLES[name]
    schema = table.schema
    references = draw(references_for(table))
    key_columns = [schema.by_name[k] for k in schema.key]
    others = [c for c in schema.columns if c.name not in schema.key]

    # The table as loaded: unique keys, anything in the other cells.
    taken: set[tuple[Any, ...]] = set()
    server: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 4))):
        row = {c.name: draw(server_ids(c, len(key_columns) == 1)) for c in key_columns}
        if norm_key(row, schema.key) in taken:
            continue
        taken.add(norm_key(row, schema.key))
        server.append(row | {c.name: draw(server_values(c)) for c in others})
    if server and draw(st.integers(0, 5)) == 0:  # a key loaded twice (pages shifted)
        twin = dict(draw(st.sampled_from(server)))
        server.append(twin | {c.name: draw(server_values(c)) for c in others})
    original = schema.conform(
        pd.DataFrame(
            {c.name: [row[c.name] for row in server] for c in schema.columns}, dtype=object
        )
    )

    # Which columns the edited table has (a file may hold only some, and extras).
    columns = list(schema.names)
    if source == "file":
        dropped = draw(st.lists(st.sampled_from([c.name for c in others]), unique=True, max_size=3))
        columns = [n for n in columns if n not in dropped]
        columns += draw(
            st.lists(st.sampled_from([ACTION_COLUMN, ERROR_COLUMN, "loyalty"]), unique=True)
        )
    editable = [c for c in others if c.name in columns]

    def edit(row: dict[str, Any]) -> dict[str, Any]:
        if not editable:
            return row
        chosen = draw(st.lists(st.sampled_from(editable), unique=True, min_size=1, max_size=4))
        valid_only = draw(st.booleans())
        for column in chosen:
            if valid_only and column.editable:
                row[column.name] = draw(valid_values(column, source, references))
            else:
                row[column.name] = draw(cell_values(column, source, references))
        return row

    rows: list[tuple[Any, dict[str, Any]]] = []
    for position, row in enumerate(server):
        fate = draw(st.sampled_from(["keep", "edit", "edit", "drop"]))
        if fate == "drop" and (source == "grid" or draw(st.booleans())):
            continue
        edited_row = edit(dict(row)) if fate == "edit" else dict(row)
        if fate == "drop":
            edited_row[ACTION_COLUMN] = draw(st.sampled_from(["delete", "DELETE ", "Delete"]))
        rows.append((position, edited_row))

    for number in range(draw(st.integers(0, 3))):
        row = {c.name: draw(id_values(c, references)) for c in key_columns}
        if draw(st.booleans()):
            row |= {c.name: draw(valid_values(c, source, references)) for c in others}
            for column in others:
                if not column.editable and not draw(st.booleans()):
                    row[column.name] = None
        else:
            row |= {c.name: draw(st.none() | cell_values(c, source, references)) for c in others}
        key = norm_key(row, schema.key)
        if any(part is not None for part in key) and key in taken:
            continue
        taken.add(key)
        rows.append((len(server) + number, row))

    if source == "grid":
        return Scenario(original, grid_frame(schema, rows), references)
    rows = draw(st.permutations(rows))
    for _, row in rows:
        if ACTION_COLUMN in columns and ACTION_COLUMN not in row:
            row[ACTION_COLUMN] = draw(ACTION_TEXTS)
        for extra in (ERROR_COLUMN, "loyalty"):
            if extra in columns:
                row[extra] = draw(st.none() | ANY_TEXT)
    return Scenario(original, file_frame(schema, columns, rows), references)


def fits(value: Any, dtype: str) -> bool:
    if dtype == "string":
        return isinstance(value, str) and not any("\ud800" <= ch <= "\udfff" for ch in value)
    if dtype == "boolean":
        return isinstance(value, bool | np.bool_)
    if dtype == "Int64":
        return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    return isinstance(value, pd.Timestamp)


def grid_frame(schema: FrameSchema, rows: list[tuple[Any, dict[str, Any]]]) -> pd.DataFrame:
    """The table as the grid returns it: typed columns, or object where a cell is foreign."""
    data = {}
    for column in schema.columns:
        values = [row.get(column.name) for _, row in rows]
        if all(missing(v) or fits(v, column.dtype) for v in values):
            dtype = (
                pd.DatetimeTZDtype("ns", "UTC")
                if column.dtype.startswith("datetime")
                else column.dtype
            )
            typed = [None if missing(v) else v for v in values]
            data[column.name] = pd.Series(typed, dtype=dtype)
        else:
            data[column.name] = pd.Series(values, dtype=object)
    index = pd.Index([label for label, _ in rows], dtype="int64")
    return pd.DataFrame({n: s.set_axis(index) for n, s in data.items()}, index=index)


def export_date_text(moment: pd.Timestamp) -> str:
    return moment.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%f")[:-4] + "Z"


def file_text(value: Any) -> Any:
    """A cell as ``read_table_file`` gives it back: text, blanks as NA."""
    if blank(value):
        return pd.NA
    if isinstance(value, pd.Timestamp):
        return export_date_text(value)
    return text_of(value)


def file_frame(
    schema: FrameSchema, columns: list[str], rows: list[tuple[Any, dict[str, Any]]]
) -> pd.DataFrame:
    data = {
        name: pd.array([file_text(row.get(name)) for _, row in rows], dtype="string")
        for name in columns
    }
    return pd.DataFrame(data, index=pd.RangeIndex(2, len(rows) + 2), columns=columns)


# ------------------------------------------------------------------ checking a plan
def check_plan(table: ResourceTable, scenario: Scenario, source: Source, plan: ChangePlan) -> None:
    schema = table.schema
    edited = scenario.edited
    expected, deleted = expectations(table, scenario.original, edited, source, scenario.references)
    absent_required = {c.name for c in schema.columns if c.required and c.name not in edited}
    allowed = set(edited.columns) | {ACTION_COLUMN} | set(schema.key) | absent_required
    errors: dict[str, set[str | None]] = {}
    for error in plan.errors:
        errors.setdefault(error.row, set()).add(error.column)
        assert error.column in allowed, error
        assert error.message and len(error.message) < 300, error
    changes = {change.row: change for change in plan.changes}
    assert len(changes) == len(plan.changes), "one change per row"
    names = {f"row {label}" for label in edited.index}
    assert set(errors) <= names, "errors only for rows of the edited table"

    for label, row in expected.items():
        name = f"row {label}"
        named = errors.get(name, set())
        missed = row.must - named
        assert not missed, f"{name}: invalid {sorted(missed)} not reported; errors: {named}"
        if row.must:
            assert name not in changes, f"{name} is invalid but planned"
            continue
        assert not named, f"{name} is valid but rejected: {plan.errors_frame().to_dict()}"
        if row.kind is None:
            assert name not in changes, f"{name} did not change but is planned"
            continue
        change = changes.get(name)
        assert change is not None, f"{name}: expected a {row.kind}, nothing planned"
        assert change.kind == row.kind
        assert change.key == row.key
        if row.kind == "update":
            assert {c.column for c in change.changes} == set(row.changed)
        if row.kind == "create":
            assert set(change.values) == set(row.values)
            for column, value in row.values.items():
                assert same(change.values[column], value), (column, change.values[column], value)

    grid_deletes = [c for c in plan.changes if c.row not in names]
    assert all(c.kind == "delete" for c in grid_deletes)
    assert Counter(c.key for c in grid_deletes) == deleted
    assert plan.counts()["invalid"] == len(errors)
    plan.changes_frame()
    plan.errors_frame()


# ------------------------------------------------------------------ checking paths
def offline_client() -> EmporixClient:
    """A client that only builds paths: nothing here sends a request."""
    return EmporixClient(
        Settings(
            api_url="http://127.0.0.1:9",
            tenant=TENANT,
            client_id="paths-only",
            client_secret="unused",
        )
    )


Part = tuple[str, str]  # ("literal", text) or ("id", the unencoded id)


def expected_parts(table: str, change: RowChange) -> list[Part]:
    """The path a change must go to, segment by segment, ids unencoded."""
    lit = "literal"
    if table == "customers":
        parts = [(lit, "customer"), (lit, TENANT), (lit, "customers")]
        return parts if change.kind == "create" else [*parts, ("id", change.key[0])]
    if table == "contact-assignments":
        parts = [(lit, "customer-management"), (lit, TENANT), (lit, "contact-assignments")]
        return [*parts, ("id", change.key[0])]
    if table == "customer-groups":
        parts = [(lit, "shipping"), (lit, TENANT), ("id", change.key[0]), (lit, "cgrelations")]
        return parts if change.kind == "create" else [*parts, ("id", change.key[1])]
    parts = [(lit, "customer-segment"), (lit, TENANT), (lit, "segments"), ("id", change.key[0])]
    return [*parts, (lit, "customers"), (lit, "bulk")]


def assert_addresses(path: str, parts: list[Part]) -> None:
    """``path`` is exactly these segments, each id percent-encoded as one segment."""
    assert "?" not in path and "#" not in path, path
    segments = path.split("/")
    assert segments[0] == "" and len(segments) == len(parts) + 1, (path, parts)
    for segment, (kind, text) in zip(segments[1:], parts, strict=True):
        assert segment not in (".", ".."), path
        if kind == "literal":
            assert segment == text, path
        else:
            assert isinstance(text, str) and text.strip(), (path, text)
            assert segment == encode_segment(text), (path, text)
            assert unquote(segment) == text, (path, text)


def check_operations(
    table: ResourceTable, original: pd.DataFrame, changes: list[RowChange], ops: list[Operation]
) -> None:
    """Every change is carried by exactly one request, addressed at its own resource."""
    carried = sorted(row for op in ops for row in op.rows)
    assert carried == list(range(len(changes))), "a change lost or sent twice"
    loaded = {tuple(None if missing(v) else v for v in key) for key in keys_of(original, table)}
    for op in ops:
        for position, row in enumerate(op.rows):
            change = changes[row]
            assert all(isinstance(part, str) or part is None for part in change.key)
            if change.kind == "create" and table.generated_keys:
                assert change.key not in loaded, "a chosen key addresses a loaded row"
            assert_addresses(op.path, expected_parts(table.name, change))
            if table.name == "segment-memberships":
                item = op.body[position]
                assert item["customerId"] == change.key[1]
                assert item.get("legalEntityId") == change.key[2]
            if table.name == "customer-groups" and change.kind != "delete":
                assert op.body["customerId"] == change.key[1]


def keys_of(frame: pd.DataFrame, table: ResourceTable) -> list[tuple[Any, ...]]:
    return list(frame[list(table.schema.key)].astype(object).itertuples(index=False, name=None))


# ------------------------------------------------------------------ the properties
@pytest.mark.parametrize("source", ["grid", "file"])
@pytest.mark.parametrize("name", list(TABLES))
@PLAN_SETTINGS
@given(data=st.data())
def test_random_cells_give_row_errors_naming_the_column_and_never_reject_valid_rows(
    name: str, source: Source, data: st.DataObject
) -> None:
    table = TABLES[name]
    scenario = data.draw(scenarios(name, source), label="scenario")
    plan = build_plan(
        table.schema,
        scenario.original,
        scenario.edited,
        source=source,
        references=scenario.references,
        generated_keys=table.generated_keys,
        checks=table.checks,
    )
    check_plan(table, scenario, source, plan)
    with offline_client() as client:
        changes = with_chosen_keys(table, plan.changes)
        check_operations(table, scenario.original, changes, table.write(client, changes, {}))


SERVER_IDS = st.one_of(
    st.sampled_from(ODD_IDS + CONTROL),
    st.text(min_size=1, max_size=12).filter(str.strip),
)
NEW_IDS = st.one_of(st.sampled_from(ODD_IDS), PLAIN_TEXT.filter(str.strip))


@pytest.mark.parametrize("name", list(TABLES))
@PLAN_SETTINGS
@given(data=st.data())
def test_every_accepted_id_is_sent_as_one_percent_encoded_path_segment(
    name: str, data: st.DataObject
) -> None:
    """Loaded rows whose keys hold anything at all (``/``, ``..``, ``%2F``, ``?``, ``#``,
    control characters, unicode) are updated and deleted, and new rows with odd ids
    created, each at its own path; none is refused or sent anywhere else."""
    table = TABLES[name]
    schema = table.schema
    editable = [c for c in schema.columns if c.editable and c.name not in schema.key]
    keys = data.draw(
        st.lists(st.tuples(*[SERVER_IDS for _ in schema.key]), min_size=1, max_size=4, unique=True),
        label="loaded keys",
    )
    rows = [
        dict(zip(schema.key, key, strict=True))
        | {c.name: data.draw(valid_values(c, "grid", None)) for c in editable}
        for key in keys
    ]
    original = schema.conform(
        pd.DataFrame(
            {c.name: [row.get(c.name) for row in rows] for c in schema.columns}, dtype=object
        )
    )
    edited = original.copy()
    touched = 0
    for label in original.index:
        if editable and data.draw(st.booleans(), label=f"update row {label}"):
            column = data.draw(st.sampled_from(editable))
            old = rows[label][column.name]
            value = data.draw(
                valid_values(column, "grid", None).filter(lambda v, old=old: v != old)
            )
            edited.at[label, column.name] = value
        else:
            edited = edited.drop(index=label)
        touched += 1
    if not table.generated_keys:  # no pattern on these keys: new rows may hold odd ids
        added = data.draw(
            st.lists(st.tuples(*[NEW_IDS for _ in schema.key]), max_size=3, unique=True),
            label="new keys",
        )
        added = [key for key in added if key not in keys]
        new = pd.DataFrame(
            [dict(zip(schema.key, key, strict=True)) | {"groupId": "vip"} for key in added],
            columns=schema.names,
            index=range(len(original), len(original) + len(added)),
        )
        edited = pd.concat([edited, new.astype(original.dtypes.to_dict())])
        touched += len(added)

    plan = build_plan(schema, original, edited, source="grid", generated_keys=table.generated_keys)
    assert plan.errors == [], plan.errors_frame().to_dict()
    assert len(plan.changes) == touched
    with offline_client() as client:
        changes = with_chosen_keys(table, plan.changes)
        check_operations(table, original, changes, table.write(client, changes, {}))


# ------------------------------------------------------------------ over HTTP
HTTP_IDS = st.one_of(
    st.sampled_from(ODD_IDS),
    st.lists(
        st.sampled_from(
            ["/", "..", ".", "%2F", "%", "?", "#", "&", " ", "ü", "田", "🙂", "a", "+"]
        ),
        min_size=1,
        max_size=6,
    ).map("".join),
).filter(lambda text: text.strip() != "")


def path_of(*parts: str | tuple[str]) -> str:
    """A raw path: plain strings are literal segments, 1-tuples hold an id to encode."""
    return "/" + "/".join(p if isinstance(p, str) else encode_segment(p[0]) for p in parts)


def pushed(
    client: EmporixClient,
    admin: Any,
    table: ResourceTable,
    plan: ChangePlan,
    documents: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    writes: Sequence[str],
    reads: Sequence[str] = (),
) -> PushReport:
    """Push the plan and check the raw paths the sandbox received: exactly ``writes`` as
    the requests that change something, and nothing else but the ``reads`` (a push
    re-reads some rows just before writing them)."""
    admin.reset_stats()
    report = push_plan(client, table, plan, documents)
    stats = admin.stats()
    paths = [path for path in stats["raw_paths"] if path != "/oauth/token"]
    assert sorted(op.path for op in report.operations) == sorted(writes)
    assert set(writes) <= set(paths) <= set(writes) | set(reads), paths
    changing = {
        route: count
        for route, count in stats["by_route"].items()
        if route.split(" ")[0] in ("POST", "PUT", "PATCH", "DELETE")
    }
    assert sum(changing.values()) == len(writes), changing
    return report


def grid_plan(
    table: ResourceTable,
    original: pd.DataFrame,
    edited: pd.DataFrame,
    schema: FrameSchema | None = None,
) -> ChangePlan:
    """The grid's plan; ``schema``: the loaded table's, where its data brought columns."""
    plan = build_plan(
        schema or table.schema,
        original,
        edited,
        source="grid",
        generated_keys=table.generated_keys,
        checks=table.checks,
    )
    assert plan.errors == [], plan.errors_frame().to_dict()
    return plan


def outcomes(report: PushReport) -> list[str]:
    return [result.outcome for result in report.results]


@HTTP_SETTINGS
@given(customer_id=HTTP_IDS, site=st.none() | HTTP_IDS)
@example(customer_id="..", site=None)
@example(customer_id="%2F", site="../x")
@example(customer_id="?q=1", site="#top")
def test_odd_customer_group_ids_reach_the_sandbox_encoded_and_touch_only_their_relation(
    client: EmporixClient, admin: Any, customer_id: str, site: str | None
) -> None:
    admin.reset()
    table = TABLES["customer-groups"]
    site = site or client.settings.site
    main_before = load_table(client, "customer-groups").frame
    collection = path_of("shipping", client.tenant, (site,), "cgrelations")
    own = path_of("shipping", client.tenant, (site,), "cgrelations", (customer_id,))

    def relations() -> pd.DataFrame:
        return table.schema.to_frame(customer_groups.list_customer_groups(client, site))

    before = relations()
    new = pd.DataFrame(
        {"site": [site], "customerId": [customer_id], "groupId": ["vip"]},
        index=[len(before)],
        dtype="string",
    )
    plan = grid_plan(table, before, pd.concat([before, new]))
    assert [c.kind for c in plan.changes] == ["create"]
    report = pushed(client, admin, table, plan, {}, writes=[collection])
    assert outcomes(report) == ["applied"]

    created = relations()
    (row,) = created.index[created["customerId"] == customer_id]
    changed = created.copy()
    changed.loc[row, "groupId"] = "staff"
    plan = grid_plan(table, created, changed)
    assert [(c.kind, c.key) for c in plan.changes] == [("update", (site, customer_id))]
    report = pushed(client, admin, table, plan, {}, writes=[own], reads=[collection])
    assert outcomes(report) == ["applied"]
    assert TenantApi(client).customer_group(customer_id, site)["groupId"] == "staff"

    updated = relations()
    plan = grid_plan(table, updated, updated.drop(index=row))
    report = pushed(client, admin, table, plan, {}, writes=[own], reads=[collection])
    assert outcomes(report) == ["applied"]
    pd.testing.assert_frame_equal(relations(), before)
    pd.testing.assert_frame_equal(load_table(client, "customer-groups").frame, main_before)


@HTTP_SETTINGS
@given(number=HTTP_IDS, assignment_id=HTTP_IDS)
@example(number="..", assignment_id=".")
@example(number='a\\"b', assignment_id="a/b")
@example(number="../../oauth/token", assignment_id="%2e%2e%2f")
def test_rows_with_odd_keys_from_the_server_are_updated_and_deleted_at_their_own_path(
    client: EmporixClient, admin: Any, number: str, assignment_id: str
) -> None:
    admin.reset()
    first = load_table(client, "contact-assignments").frame.iloc[0]
    TenantApi(client).put_customer(
        number, {"contactEmail": "odd-key@example.com", "firstName": "Odd"}
    )
    TenantApi(client).put_contact_assignment(
        assignment_id,
        {
            "legalEntity": {"id": first["legalEntityId"]},
            "customer": {"id": first["customerId"]},
            "type": "BILLING",
        },
    )
    customers_path = path_of("customer", client.tenant, "customers")
    assignments_path = path_of("customer-management", client.tenant, "contact-assignments")
    cases = [
        ("customers", number, "firstName", "Changed", customers_path, [customers_path]),
        ("contact-assignments", assignment_id, "type", "LOGISTICS", assignments_path, []),
    ]
    for name, key, column, value, collection, update_reads in cases:
        table = TABLES[name]
        key_column = table.schema.key[0]
        own = path_of(collection.lstrip("/"), (key,))
        loaded = load_table(client, name)
        (row,) = loaded.frame.index[loaded.frame[key_column] == key]
        edited = loaded.frame.copy()
        edited.loc[row, column] = value
        plan = grid_plan(table, loaded.frame, edited, loaded.schema)
        assert [(c.kind, c.key) for c in plan.changes] == [("update", (key,))]
        report = pushed(
            client, admin, table, plan, loaded.documents, writes=[own], reads=update_reads
        )
        assert outcomes(report) == ["applied"], report.frame().to_dict()
        after = load_table(client, name).frame
        assert after.set_index(key_column).at[key, column] == value
        untouched = [c for c in loaded.frame.columns if c not in ("version", "modifiedAt")]
        others = after[after[key_column] != key].reset_index(drop=True)[untouched]
        expected = loaded.frame.drop(index=row).reset_index(drop=True)[untouched]
        pd.testing.assert_frame_equal(others, expected)

        reloaded = load_table(client, name)
        (row,) = reloaded.frame.index[reloaded.frame[key_column] == key]
        plan = grid_plan(table, reloaded.frame, reloaded.frame.drop(index=row), reloaded.schema)
        delete_reads = [collection] if name == "customers" else [own]
        report = pushed(
            client, admin, table, plan, reloaded.documents, writes=[own], reads=delete_reads
        )
        assert outcomes(report) == ["applied"], report.frame().to_dict()
        remaining = load_table(client, name).frame
        expected = reloaded.frame.drop(index=row).reset_index(drop=True)
        pd.testing.assert_frame_equal(remaining, expected)


@HTTP_SETTINGS
@given(customer_id=HTTP_IDS, segment_id=HTTP_IDS)
@example(customer_id='"quoted"', segment_id="..")
@example(customer_id="a/b", segment_id="bulk")
def test_membership_ids_go_in_bulk_bodies_and_odd_segments_stay_in_their_own_path(
    client: EmporixClient, admin: Any, customer_id: str, segment_id: str
) -> None:
    admin.reset()
    TenantApi(client).put_customer(customer_id, {"contactEmail": "member@example.com"})
    table = TABLES["segment-memberships"]
    loaded = load_table(client, "segment-memberships")
    real = loaded.frame["segmentId"].iloc[0]
    new = pd.DataFrame(
        {"segmentId": [real, segment_id], "customerId": [customer_id, customer_id]},
        index=[len(loaded.frame), len(loaded.frame) + 1],
        dtype="string",
    )
    plan = grid_plan(table, loaded.frame, pd.concat([loaded.frame, new]), loaded.schema)
    assert [c.kind for c in plan.changes] == ["create", "create"]

    def bulk(segment: str) -> str:
        return path_of(
            "customer-segment", client.tenant, "segments", (segment,), "customers", "bulk"
        )

    report = pushed(client, admin, table, plan, {}, writes=[bulk(real), bulk(segment_id)])
    results = {r.change.key[0]: (r.outcome, r.status) for r in report.results}
    assert results == {real: ("applied", 201), segment_id: ("failed", 404)}
    after = load_table(client, "segment-memberships").frame
    assert membership_keys(after) == membership_keys(loaded.frame) | {(real, customer_id, None)}

    (row,) = after.index[(after["segmentId"] == real) & (after["customerId"] == customer_id)]
    plan = grid_plan(table, after, after.drop(index=row))
    report = pushed(client, admin, table, plan, {}, writes=[bulk(real)])
    assert outcomes(report) == ["applied"]
    final = load_table(client, "segment-memberships").frame
    assert membership_keys(final) == membership_keys(loaded.frame)


def membership_keys(frame: pd.DataFrame) -> set[tuple[Any, ...]]:
    columns = ["segmentId", "customerId", "legalEntityId"]
    return {
        tuple(None if missing(part) else part for part in key)
        for key in frame[columns].itertuples(index=False, name=None)
    }

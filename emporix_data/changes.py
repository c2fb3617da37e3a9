"""Original frame + edited frame -> a validated ``ChangePlan``.

Rows are matched by the resource's key. Creates, updates and deletes are found with
vectorised pandas operations over the whole frame; only the rows that changed are then
looked at one by one. Every invalid row becomes a ``RowError`` naming the row and the
column and is left out of the plan; valid rows still go.

Two sources of edits:

- ``"grid"``: the table as edited in the dashboard. A row missing from it is a delete.
- ``"file"``: an exported file edited in a spreadsheet. It may hold only some rows and
  some columns; deletes are explicit, through an optional ``_action`` column
  (``upsert`` when blank, ``update``, ``create``, ``delete``, ``ignore``; any case).
  An ``ignore`` row is left alone: nothing in it is checked.

Text that is empty or only whitespace is blank, in the grid as in a file, and a loaded
blank equals an edited one. Loaded rows without a complete key are never addressed; of
a key loaded twice, the first row counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from emporix_data.frames import Column, FrameSchema, to_utc_datetimes

ACTION_COLUMN = "_action"
ERROR_COLUMN = "_error"  # written into error files; ignored when they are read back
ACTIONS = ("upsert", "update", "create", "delete", "ignore")
Source = Literal["grid", "file"]
Kind = Literal["create", "update", "delete"]
KEY_SEPARATOR = "\x1f"
# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Halves of UTF-16 pairs on their own: not text (no UTF-8 for them); only a Python
# object column, e.g. from JSON with a "\ud800" escape, can hold them.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")
INT64_LIMIT = 2.0**63
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "x", "wahr"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "falsch"})


@dataclass(frozen=True)
class References:
    """Ids that exist, for reference checks; ``None`` means "not known, do not check"."""

    customers: frozenset[str] | None = None
    legal_entities: frozenset[str] | None = None
    segments: frozenset[str] | None = None
    b2b_customers: frozenset[str] | None = None

    def known(self, kind: str) -> frozenset[str] | None:
        return getattr(self, kind)


RowCheck = Callable[[pd.DataFrame, References], Iterable[tuple[Any, str, str]]]


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RowChange:
    """One row to create, update or delete, with the fields that change."""

    kind: Kind
    key: tuple[Any, ...]
    row: str
    values: dict[str, Any]
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RowError:
    row: str
    key: tuple[Any, ...] | None
    column: str | None
    message: str


@dataclass
class ChangePlan:
    resource: str
    schema: FrameSchema
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[RowChange]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def creates(self) -> list[RowChange]:
        return self.of_kind("create")

    @property
    def updates(self) -> list[RowChange]:
        return self.of_kind("update")

    @property
    def deletes(self) -> list[RowChange]:
        return self.of_kind("delete")

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.creates),
            "update": len(self.updates),
            "delete": len(self.deletes),
            "invalid": len({error.row for error in self.errors}),
        }

    def changes_frame(self) -> pd.DataFrame:
        """One line per changed field (creates and deletes: one line per row)."""
        lines = []
        for change in self.changes:
            key = key_text(change.key)
            if change.kind == "update":
                lines += [
                    (change.row, change.kind, key, c.column, _text(c.old), _text(c.new))
                    for c in change.changes
                ]
            else:
                lines.append((change.row, change.kind, key, "", "", ""))
        return pd.DataFrame(lines, columns=["row", "action", "key", "column", "old", "new"])

    def errors_frame(self) -> pd.DataFrame:
        lines = [
            (e.row, key_text(e.key) if e.key else "", e.column or "", e.message)
            for e in self.errors
        ]
        return pd.DataFrame(lines, columns=["row", "key", "column", "error"])


def build_plan(
    schema: FrameSchema,
    original: pd.DataFrame,
    edited: pd.DataFrame,
    *,
    source: Source,
    references: References | None = None,
    generated_keys: bool = False,
    checks: Sequence[RowCheck] = (),
) -> ChangePlan:
    """Compare ``edited`` with ``original`` (as loaded) and validate every changed row.

    ``edited``'s index labels name its rows in messages (grid positions, file lines).
    ``checks`` are the resource's own rules across columns, run on new and changed rows.
    ``generated_keys``: a new row may leave a one-column key blank (the API or the push
    chooses the id). Key columns that are not ``required`` may be blank in a
    several-column key (a B2C membership has no legal entity).
    """
    plan = ChangePlan(schema.resource, schema)
    references = references or References()
    errors: dict[Any, list[RowError]] = {}

    def fail(label: Any, column: str | None, message: str) -> None:
        errors.setdefault(label, []).append(RowError(_row_name(label), None, column, message))

    missing_keys = [name for name in schema.key if name not in edited.columns]
    if missing_keys:
        for label in edited.index:
            fail(label, missing_keys[0], f"the table has no key column {missing_keys[0]!r}")
        plan.errors = [e for found in errors.values() for e in found]
        return plan

    edited, broken = _without_broken_text(edited)
    actions = _actions(edited, source)
    # A row the file says to ignore is left alone: nothing in it is checked.
    checked = (actions != "ignore").to_numpy(dtype=bool)
    for label, name in broken:
        if checked[edited.index.get_loc(label)]:
            fail(label, name, f"{_short(edited.at[label, name])!r} is not valid text")
    columns = [c for c in schema.columns if c.name in edited.columns]
    typed, bad_cells = _typed_columns(edited, columns, checked)
    for name, labels in bad_cells.items():
        for label in labels:
            fail(label, name, _bad_value_message(schema.by_name[name], edited.at[label, name]))
    _check_unknown_columns(schema, edited[checked], fail)
    for label in actions.index[~actions.isin(ACTIONS).to_numpy(dtype=bool)]:
        fail(
            label,
            ACTION_COLUMN,
            f"unknown action {edited.at[label, ACTION_COLUMN]!r}; use one of {', '.join(ACTIONS)}",
        )
    active = actions.isin(("upsert", "update", "create", "delete")).to_numpy(dtype=bool)

    # Keys: complete, blank where allowed (new rows with a generated key), or invalid.
    single_generated = generated_keys and len(schema.key) == 1
    invalid_key = np.zeros(len(typed), dtype=bool)
    for name in schema.key:
        column = schema.by_name[name]
        blank = typed[name].isna().to_numpy(dtype=bool)
        if column.required or (len(schema.key) == 1 and not generated_keys):
            for label in typed.index[blank & active]:
                fail(label, name, f"the key column {name!r} is empty")
            invalid_key |= blank
    generated = (
        typed[schema.key[0]].isna().to_numpy(dtype=bool)
        if single_generated
        else np.zeros(len(typed), dtype=bool)
    )
    keyed = active & ~invalid_key & ~generated
    original_keys = _keys(original, schema.key)
    # Loaded rows without a complete key cannot be addressed: never matched or deleted.
    addressable = _complete_keys(original, schema)
    if not addressable.all():
        plan.notices.append(
            f"{int((~addressable).sum())} loaded rows have no complete key "
            f"({', '.join(schema.key)}): they cannot be updated or deleted"
        )
    # A key loaded twice (rows shifting between pages while the table was loading):
    # its first row is the one compared with.
    repeated = original_keys.duplicated().to_numpy(dtype=bool) & addressable
    if repeated.any():
        plan.notices.append(
            f"{int(repeated.sum())} loaded rows repeat the key of another loaded row "
            "(the data changed while it was loading?): reload the table"
        )
        original, original_keys = original[~repeated], original_keys[~repeated]
        addressable = addressable[~repeated]
    edited_keys = _keys(typed, schema.key)
    duplicated = edited_keys[keyed].duplicated(keep=False)
    for label in duplicated.index[duplicated.to_numpy(dtype=bool)]:
        fail(label, schema.key[0], f"duplicate key {key_text(_key_tuple(typed, label, schema))}")

    exists = edited_keys.isin(original_keys[addressable].to_numpy()).to_numpy(dtype=bool) & keyed
    for label in typed.index[(actions == "create").to_numpy(dtype=bool) & exists]:
        fail(label, schema.key[0], "already exists; use update or upsert")
    for label in typed.index[actions.isin(("update", "delete")).to_numpy(dtype=bool) & ~exists]:
        fail(label, schema.key[0], "does not exist")

    original_by_key = original.set_index(pd.Index(original_keys.to_numpy()))
    candidates = typed.index[actions.isin(("upsert", "update")).to_numpy(dtype=bool) & exists]
    changed = _changed_cells(
        typed.loc[candidates], original_by_key, edited_keys[candidates], columns
    )
    for column in columns:
        if not column.editable:
            for label in changed.index[changed[column.name].to_numpy(dtype=bool)]:
                fail(label, column.name, f"{column.name!r} is read-only and cannot be changed")

    creating = actions.isin(("upsert", "create")).to_numpy(dtype=bool) & (keyed | generated)
    creates = typed.index[creating & ~exists]
    updates = changed.index[changed.any(axis=1).to_numpy(dtype=bool)]
    _validate(typed.loc[creates], columns, references, fail)
    _validate(typed.loc[updates], columns, references, fail, changed=changed.loc[updates])
    for check in checks:
        for label, name, message in check(typed.loc[creates.union(updates)], references):
            fail(label, name, message)
    absent_required = [c.name for c in schema.columns if c.required and c not in columns]
    for label in creates:
        for name in absent_required:
            fail(label, name, f"{name!r} is required")

    _add_creates(plan, schema, typed, creates, columns, errors)
    # The changed rows are read out column-wise, once: per-row .loc would dominate.
    valid = [label for label in updates if label not in errors]
    befores = _records(original_by_key.loc[edited_keys[valid].to_numpy()], schema.names)
    afters = _records(typed.loc[valid], list(typed.columns))
    names = list(changed.columns)
    for label, before, after, flags in zip(
        valid, befores, afters, changed.loc[valid].to_numpy(dtype=bool), strict=True
    ):
        diff = tuple(
            FieldChange(name, before[name], after[name])
            for name, flag in zip(names, flags, strict=True)
            if flag
        )
        values = before | {c.column: c.new for c in diff}
        key = tuple(after[name] for name in schema.key)
        plan.changes.append(RowChange("update", key, _row_name(label), values, diff))
    deleted = [
        label
        for label in typed.index[(actions == "delete").to_numpy(dtype=bool) & exists]
        if label not in errors
    ]
    befores = _records(original_by_key.loc[edited_keys[deleted].to_numpy()], schema.names)
    for label, values in zip(deleted, befores, strict=True):
        key = tuple(values[name] for name in schema.key)
        plan.changes.append(RowChange("delete", key, _row_name(label), values))
    if source == "grid":
        kept = edited_keys[keyed].to_numpy()
        gone = ~original_keys.isin(kept).to_numpy(dtype=bool) & addressable
        for values in _records(original.iloc[np.flatnonzero(gone)], schema.names):
            key = tuple(values[name] for name in schema.key)
            plan.changes.append(RowChange("delete", key, f"deleted {key_text(key)}", values))

    plan.errors = [
        RowError(e.row, _key_tuple(typed, label, schema), e.column, e.message)
        for label, found in errors.items()
        for e in found
    ]
    return plan


def _add_creates(
    plan: ChangePlan,
    schema: FrameSchema,
    typed: pd.DataFrame,
    labels: pd.Index,
    columns: list[Column],
    errors: Mapping[Any, Any],
) -> None:
    """Creates send editable columns and the key; read-only values are named, not sent."""
    read_only = [c.name for c in columns if not c.editable and c.name not in schema.key]
    for label in labels:
        if label in errors:
            continue
        values = _row_values(typed.loc[label], columns)
        dropped = [name for name in read_only if values.get(name) is not None]
        if dropped:
            plan.notices.append(
                f"{_row_name(label)}: read-only columns are not sent for new rows "
                f"({', '.join(dropped)})"
            )
        sent = {name: value for name, value in values.items() if name not in read_only}
        key = _key_tuple(typed, label, schema)
        plan.changes.append(RowChange("create", key, _row_name(label), sent))


def _without_broken_text(edited: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[Any, str]]]:
    """``edited`` with every lone surrogate replaced by "?", and the cells that held one.

    Such text cannot be encoded (nor turned into a pandas string column): the cells
    become row errors, and the rest of the plan works on the cleaned copy.
    """
    broken: list[tuple[Any, str]] = []
    cleaned: dict[str, pd.Series] = {}
    for name in edited.columns:
        column = edited[name]
        if column.dtype != object:
            continue
        bad = column.map(lambda v: isinstance(v, str) and bool(LONE_SURROGATES.search(v)))
        bad_mask = bad.to_numpy(dtype=bool)
        if bad_mask.any():
            broken += [(label, name) for label in edited.index[bad_mask]]
            cleaned[name] = column.map(
                lambda v: LONE_SURROGATES.sub("?", v) if isinstance(v, str) else v
            )
    if not cleaned:
        return edited, broken
    return edited.assign(**cleaned), broken


def _complete_keys(frame: pd.DataFrame, schema: FrameSchema) -> np.ndarray:
    """Which rows have every key part that a row needs to be addressed."""
    complete = np.ones(len(frame), dtype=bool)
    for name in schema.key:
        if schema.by_name[name].required or len(schema.key) == 1:
            complete &= ~_blank(frame[name])
    return complete


def _check_unknown_columns(schema: FrameSchema, edited: pd.DataFrame, fail: Any) -> None:
    """A filled cell in a column the resource does not have blocks its row."""
    for name in edited.columns:
        if name in schema.by_name or name in (ACTION_COLUMN, ERROR_COLUMN):
            continue
        filled = ~_blank(edited[name])
        for label in edited.index[filled]:
            fail(label, name, f"{schema.resource} have no column {name!r}")


def _actions(edited: pd.DataFrame, source: Source) -> pd.Series:
    if source == "grid" or ACTION_COLUMN not in edited.columns:
        return pd.Series("upsert", index=edited.index, dtype="string")
    text = edited[ACTION_COLUMN].astype("string").str.strip().str.lower()
    return text.mask(text.isna() | (text == ""), "upsert")


def _typed_columns(
    edited: pd.DataFrame, columns: list[Column], checked: np.ndarray
) -> tuple[pd.DataFrame, dict[str, list[Any]]]:
    """The schema's columns at their dtypes, and the ``checked`` rows' cells that could
    not be converted."""
    data: dict[str, pd.Series] = {}
    bad: dict[str, list[Any]] = {}
    for column in columns:
        raw = edited[column.name]
        converted = _convert(raw, column)
        data[column.name] = converted
        blank = _blank(raw)
        invalid = converted.isna().to_numpy(dtype=bool) & ~blank & checked
        if invalid.any():
            bad[column.name] = list(edited.index[invalid])
    return pd.DataFrame(data, index=edited.index), bad


def _blank(raw: pd.Series) -> np.ndarray:
    if raw.dtype == object or isinstance(raw.dtype, pd.StringDtype):
        text = raw.astype("string")
        return (text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool)
    return raw.isna().to_numpy(dtype=bool)


def _convert(raw: pd.Series, column: Column) -> pd.Series:
    """``raw`` at the column's dtype; unconvertible cells become NA."""
    target = column.dtype
    if target == "string":
        # Whitespace-only text is blank, from a file and from the grid alike.
        text = raw if str(raw.dtype) == "string" else raw.astype("string")
        return text.mask(text.str.strip() == "")
    if str(raw.dtype) == target or (
        target.startswith("datetime") and isinstance(raw.dtype, pd.DatetimeTZDtype)
    ):
        return raw
    if target == "boolean":
        if pd.api.types.is_bool_dtype(raw.dtype):
            return raw.astype("boolean")
        words = raw.astype("string").str.strip().str.lower()
        result = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        result[words.isin(TRUE_WORDS).fillna(False).to_numpy(dtype=bool)] = True
        result[words.isin(FALSE_WORDS).fillna(False).to_numpy(dtype=bool)] = False
        return result
    if target in ("Int64", "Float64"):
        numbers = pd.to_numeric(raw.astype("string").str.strip(), errors="coerce")
        if target == "Float64":
            return numbers.astype("Float64")
        # Whole numbers that fit in 64 bits; bigger ones would silently wrap around.
        approx = numbers.astype("Float64")
        whole = approx.notna() & (approx % 1 == 0) & (approx.abs() < INT64_LIMIT)
        return numbers.where(whole.fillna(False)).astype("Int64")
    return to_utc_datetimes(raw)


def _bad_value_message(column: Column, value: Any) -> str:
    expected = {
        "boolean": "true or false",
        "Int64": "a whole number",
        "Float64": "a number",
    }.get(column.dtype, "an ISO-8601 date" if column.dtype.startswith("datetime") else "text")
    return f"{_short(value)!r} is not {expected}"


def _keys(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    """One string per row joining its key values (blank parts as empty strings).

    Each part is prefixed with its length, so that no id, whatever characters it holds,
    can make two different keys join to the same string.
    """
    joined: pd.Series | None = None
    for name in key:
        part = frame[name].astype("string").fillna("")
        piece = part.str.len().astype("string") + ":" + part
        joined = piece if joined is None else joined + KEY_SEPARATOR + piece
    assert joined is not None
    return joined.astype(object)


def _changed_cells(
    candidates: pd.DataFrame,
    original_by_key: pd.DataFrame,
    keys: pd.Series,
    columns: list[Column],
) -> pd.DataFrame:
    """A boolean frame: which cells of the candidate rows differ from the original."""
    before = original_by_key.loc[keys.to_numpy()]
    changed = {}
    for column in columns:
        new = candidates[column.name].reset_index(drop=True)
        old = before[column.name].reset_index(drop=True)
        if column.dtype == "string":  # loaded "" or "  " is blank, as an edited one is
            old = old.astype("string")
            old = old.mask(old.str.strip() == "")
        equal = (new == old).fillna(False).to_numpy(dtype=bool)
        both_missing = (new.isna() & old.isna()).to_numpy(dtype=bool)
        changed[column.name] = ~(equal | both_missing)
    return pd.DataFrame(changed, index=candidates.index, dtype=bool)


def _validate(
    rows: pd.DataFrame,
    columns: list[Column],
    references: References,
    fail: Any,
    *,
    changed: pd.DataFrame | None = None,
) -> None:
    """Column rules over ``rows``: every cell of new rows, the changed cells of updates."""
    if rows.empty:
        return
    for column in columns:
        if changed is not None and not column.editable:
            continue
        values = rows[column.name]
        scope = (
            np.ones(len(rows), dtype=bool)
            if changed is None
            else changed[column.name].to_numpy(dtype=bool)
        )
        present = values.notna().to_numpy(dtype=bool)
        if column.required:
            for label in rows.index[scope & ~present]:
                fail(label, column.name, f"{column.name!r} is required")
        if column.dtype != "string":
            continue
        text = values.astype("string")
        checks: list[tuple[np.ndarray, str]] = [
            (
                text.str.len().gt(column.max_length).fillna(False).to_numpy(dtype=bool),
                f"is longer than {column.max_length} characters",
            ),
            (
                text.str.contains(CONTROL_CHARACTERS).fillna(False).to_numpy(dtype=bool),
                "contains control characters",
            ),
        ]
        if column.options:
            checks.append(
                (
                    ~text.isin(column.options).fillna(False).to_numpy(dtype=bool) & present,
                    f"must be one of {', '.join(column.options)}",
                )
            )
        if column.pattern:
            checks.append(
                (
                    ~text.str.fullmatch(column.pattern).fillna(False).to_numpy(dtype=bool)
                    & present,
                    column.pattern_message or f"does not match {column.pattern}",
                )
            )
        known = references.known(column.references) if column.references else None
        if known is not None:
            noun = column.references.replace("_", " ").removesuffix("s")
            checks.append(
                (
                    ~text.isin(known).fillna(False).to_numpy(dtype=bool) & present,
                    f"refers to a {noun} that does not exist",
                )
            )
        for mask, problem in checks:
            for label in rows.index[scope & mask]:
                fail(label, column.name, f"{_short(rows.at[label, column.name])!r} {problem}")


def _row_values(row: pd.Series, columns: Any) -> dict[str, Any]:
    return {c.name: _plain(row[c.name]) for c in columns if c.name in row.index}


def _records(frame: pd.DataFrame, names: list[str]) -> list[dict[str, Any]]:
    """Rows as plain dicts (every kind of missing as ``None``), built column by column."""
    columns = [[_plain(value) for value in frame[name].tolist()] for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _key_tuple(frame: pd.DataFrame, label: Any, schema: FrameSchema) -> tuple[Any, ...]:
    return tuple(_plain(frame.at[label, name]) for name in schema.key)


def _plain(value: Any) -> Any:
    """A cell as a plain Python value, with every kind of missing as ``None``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value


def _row_name(label: Any) -> str:
    return f"row {label}"


def key_text(key: Sequence[Any] | None) -> str:
    """A key as users read it: its parts joined by " / " (missing parts blank)."""
    return " / ".join("" if part is None else str(part) for part in key or ())


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

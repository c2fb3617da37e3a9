"""Original frame + edited frame -> a validated ``ChangePlan``, in named steps.

``build_plan`` reads the edits (actions, typed cells, keys), matches them to the rows
as loaded, finds the changed cells, validates the rows to create and update, and
collects the valid ones; each step records the problems it finds as row errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from emporix_data.frames import FrameSchema
from emporix_data.keys import joined_keys, key_text, key_tuples
from emporix_data.plan.cells import (
    Mask,
    normalised_text,
    without_broken_text,
)
from emporix_data.plan.collect import (
    add_creates,
    add_deletes,
    add_rows_gone,
    add_updates,
    refused_cells,
    row_errors,
)
from emporix_data.plan.edits import Edits, fill, read_edits
from emporix_data.plan.loaded import LoadedRows, loaded_rows
from emporix_data.plan.model import (
    ACTING,
    ChangePlan,
    References,
    RowCheck,
    RowFill,
    Source,
)
from emporix_data.plan.validation import (
    RowErrors,
    check_read_only,
    validate_rows,
)


@dataclass(frozen=True)
class EditedKeys:
    joined: pd.Series  # each edited row's key as one string (``joined_keys``)
    keyed: Mask  # rows to match by their key: active, with a complete key
    generated: Mask  # new rows whose id the API or the push chooses


@dataclass(frozen=True)
class Targets:
    """The edited rows the plan is about (valid or not)."""

    creates: pd.Index  # new rows to create
    changed: pd.DataFrame  # rows to update: which of their cells changed
    deletes: pd.Index  # existing rows a file marks ``delete``


def build_plan(
    schema: FrameSchema,
    original: pd.DataFrame,
    edited: pd.DataFrame,
    *,
    source: Source,
    references: References | None = None,
    generated_keys: bool = False,
    checks: Sequence[RowCheck] = (),
    fills: Sequence[RowFill] = (),
) -> ChangePlan:
    """Compare ``edited`` with ``original`` (as loaded) and validate every changed row.

    ``edited``'s index labels name its rows in messages (grid positions, file lines).
    ``checks`` are the resource's own rules across columns, run on new and changed rows.
    ``fills`` complete blank cells of rows that are not as loaded, before keys are read.
    ``generated_keys``: a new row may leave a one-column key blank (the API or the push
    chooses the id). Key columns that are not ``required`` may be blank in a
    several-column key (a B2C membership has no legal entity).
    """
    plan = ChangePlan(schema.resource, schema)
    references = references or References()
    errors = RowErrors()
    edited, broken = without_broken_text(edited)
    missing = [name for name in schema.key if name not in edited.columns]
    if missing:
        for label in edited.index:
            errors.add(label, missing[0], f"the table has no key column {missing[0]!r}")
        plan.errors = row_errors(errors, None, schema.key)
        plan.refused_cells = refused_cells(schema, edited, errors)
        return plan

    edits = read_edits(schema, edited, broken, source, errors)
    loaded = loaded_rows(schema, original)
    plan.notices += loaded.notices
    edits = fill(schema, edits, loaded, fills, references, plan, errors)
    keys = _check_keys(schema, edits, generated_keys, errors)
    exists = _match_to_original(schema, edits, keys, loaded, errors)
    targets = _targets(edits, keys, exists, _changed_cells(edits, keys, loaded, exists, errors))
    _validate(schema, edits, targets, references, checks, errors)
    _collect(plan, source, edits, keys, loaded, targets, errors)
    plan.errors = row_errors(errors, edits.typed, schema.key)
    plan.refused_cells = refused_cells(schema, edited, errors)
    return plan


def _check_keys(
    schema: FrameSchema, edits: Edits, generated_keys: bool, errors: RowErrors
) -> EditedKeys:
    """Keys are complete, blank where allowed (new rows with a generated key), or invalid;
    a key given to two edited rows blocks both."""
    typed = edits.typed
    active = edits.actions.isin(ACTING).to_numpy(dtype=bool)
    invalid: Mask = np.zeros(len(typed), dtype=bool)
    for name in schema.key:
        missing: Mask = typed[name].isna().to_numpy(dtype=bool)
        if schema.by_name[name].required or (len(schema.key) == 1 and not generated_keys):
            for label in typed.index[missing & active]:
                errors.add(label, name, f"the key column {name!r} is empty")
            invalid |= missing
    generated: Mask = (
        typed[schema.key[0]].isna().to_numpy(dtype=bool)
        if generated_keys and len(schema.key) == 1
        else np.zeros(len(typed), dtype=bool)
    )
    keys = EditedKeys(joined_keys(typed, schema.key), active & ~invalid & ~generated, generated)
    repeated: Mask = np.zeros(len(typed), dtype=bool)
    repeated[keys.keyed] = keys.joined[keys.keyed].duplicated(keep=False).to_numpy(dtype=bool)
    twins = typed[repeated]
    for label, key in zip(twins.index, key_tuples(twins, schema.key), strict=True):
        errors.add(label, schema.key[0], f"duplicate key {key_text(key)}")
    return keys


def _match_to_original(
    schema: FrameSchema, edits: Edits, keys: EditedKeys, loaded: LoadedRows, errors: RowErrors
) -> Mask:
    """Which edited rows exist as loaded; a create of one that does, or an update or
    delete of one that does not, is refused."""
    known = loaded.keys[loaded.addressable].to_numpy()
    exists: Mask = keys.joined.isin(known).to_numpy(dtype=bool) & keys.keyed
    actions, index = edits.actions, edits.typed.index
    for label in index[(actions == "create").to_numpy(dtype=bool) & exists]:
        errors.add(label, schema.key[0], "already exists; use update or upsert")
    for label in index[actions.isin(("update", "delete")).to_numpy(dtype=bool) & ~exists]:
        errors.add(label, schema.key[0], "does not exist")
    return exists


def _changed_cells(
    edits: Edits, keys: EditedKeys, loaded: LoadedRows, exists: Mask, errors: RowErrors
) -> pd.DataFrame:
    """Which cells of the existing rows to upsert or update differ from the original
    (a boolean frame); a change to a read-only column is refused."""
    candidates: Mask = edits.actions.isin(("upsert", "update")).to_numpy(dtype=bool) & exists
    rows = edits.typed[candidates]
    before = loaded.rows_of(keys.joined[candidates])
    changed = {}
    for column in edits.columns:
        new = rows[column.name].reset_index(drop=True)
        old = before[column.name].reset_index(drop=True)
        if column.dtype == "string":  # loaded "  " is blank and "eur" is "EUR", as edited
            old = normalised_text(old, column)
        equal = (new == old).fillna(False).to_numpy(dtype=bool)
        both_missing = (new.isna() & old.isna()).to_numpy(dtype=bool)
        changed[column.name] = ~(equal | both_missing)
    frame = pd.DataFrame(changed, index=rows.index, dtype=bool)
    check_read_only(frame, edits.columns, errors)
    return frame


def _targets(edits: Edits, keys: EditedKeys, exists: Mask, changed: pd.DataFrame) -> Targets:
    """New rows to create, existing rows with changed cells, rows a file deletes."""
    actions = edits.actions
    creating = actions.isin(("upsert", "create")).to_numpy(dtype=bool)
    deleting = (actions == "delete").to_numpy(dtype=bool)
    return Targets(
        creates=edits.typed.index[creating & (keys.keyed | keys.generated) & ~exists],
        changed=changed[changed.any(axis=1).to_numpy(dtype=bool)],
        deletes=edits.typed.index[deleting & exists],
    )


def _validate(
    schema: FrameSchema,
    edits: Edits,
    targets: Targets,
    references: References,
    checks: Sequence[RowCheck],
    errors: RowErrors,
) -> None:
    """Column rules on new rows and on the changed cells of updates, the resource's own
    checks on both, and the required columns a file left out for new rows."""
    typed, creates, updates = edits.typed, targets.creates, targets.changed.index
    validate_rows(typed.loc[creates], edits.columns, references, errors)
    validate_rows(typed.loc[updates], edits.columns, references, errors, changed=targets.changed)
    for check in checks:
        for label, name, message in check(typed.loc[creates.union(updates)], references):
            errors.add(label, name, message)
    absent_required = [c.name for c in schema.columns if c.required and c not in edits.columns]
    for label in creates:
        for name in absent_required:
            errors.add(label, name, f"{name!r} is required")


def _collect(
    plan: ChangePlan,
    source: Source,
    edits: Edits,
    keys: EditedKeys,
    loaded: LoadedRows,
    targets: Targets,
    errors: RowErrors,
) -> None:
    """The rows without errors as creates, updates and deletes; in the grid, loaded rows
    whose key no edited row has any more are deletes too."""
    add_creates(plan, edits.typed.loc[errors.valid(targets.creates)], edits.columns)
    changed = targets.changed.loc[errors.valid(targets.changed.index)]
    before = loaded.rows_of(keys.joined[changed.index])
    add_updates(plan, edits.typed.loc[changed.index], before, changed)
    deletes = errors.valid(targets.deletes)
    add_deletes(plan, deletes, loaded.rows_of(keys.joined[deletes]))
    if source == "grid":
        kept = keys.joined[keys.keyed].to_numpy()
        gone: Mask = ~loaded.keys.isin(kept).to_numpy(dtype=bool) & loaded.addressable
        add_rows_gone(plan, loaded.frame[gone])

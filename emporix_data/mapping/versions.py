"""An edited file's rows, planned against the table as loaded now, and what its version
column means.

A file's ``version`` cell is the version its row had when the file was exported, not a
value to write: the column is read-only. So a row whose version differs from the one
loaded now was changed by someone (or by an earlier push of this very file) since the
export. If the file's row still asks for a change, that change was made on an older
row: it is refused as a conflict instead of silently overwriting the newer one. If it
asks for nothing the table does not already hold, there is nothing to do. A blank
version cell asks for no check (export again, or clear it, to overwrite).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from emporix_data.keys import joined_keys, key_text
from emporix_data.plan import ACTION_COLUMN, ChangePlan, References, RowError
from emporix_data.plan.cells import blank, convert, short
from emporix_data.plan.validation import row_name

if TYPE_CHECKING:
    from emporix_data.tables import LoadedTable

VERSION_COLUMN = "version"


@dataclass(frozen=True, eq=False)
class Exported:
    """A file's rows with the version cells of rows the table holds set to the loaded
    version, and the versions the file gave where they differed (by row label)."""

    rows: pd.DataFrame
    stale: dict[object, tuple[object, object]]  # label -> (file's version, loaded version)
    unreadable: dict[object, object] = field(default_factory=dict)  # label -> the cell


def plan_file(
    loaded: LoadedTable, rows: pd.DataFrame, references: References | None = None
) -> ChangePlan:
    """The plan of an edited file's rows, with changes to rows changed since the export
    refused as conflicts (see the module's docstring)."""
    exported = _versions_checked(loaded, rows)
    plan = loaded.plan(exported.rows, "file", references)
    for label, cell in exported.unreadable.items():
        plan.changes = [change for change in plan.changes if change.row != row_name(label)]
        plan.errors.append(
            RowError(
                row_name(label),
                None,
                VERSION_COLUMN,
                f"{short(cell)!r} is not a version (a whole number): export again, or "
                "clear the cell to overwrite",
            )
        )
    if not exported.stale:
        return plan
    names = {row_name(label): label for label in exported.stale}
    conflicts = [change for change in plan.changes if change.row in names]
    plan.changes = [change for change in plan.changes if change.row not in names]
    for change in conflicts:
        was, now = exported.stale[names[change.row]]
        plan.errors.append(
            RowError(
                change.row,
                change.key,
                VERSION_COLUMN,
                f"{key_text(change.key)} changed since the file was exported (version "
                f"{was}, now {now}): export again, or clear its version cell to overwrite",
            )
        )
    unchanged = len(exported.stale) - len(conflicts)
    if unchanged:
        rows_are, ask = (
            ("row of the file is", "asks") if unchanged == 1 else ("rows of the file are", "ask")
        )
        plan.notices.append(
            f"{unchanged} {rows_are} from an older export but {ask} for nothing the "
            "table does not already hold: nothing to do for them"
        )
    return plan


def _versions_checked(loaded: LoadedTable, rows: pd.DataFrame) -> Exported:
    schema = loaded.schema
    version = schema.by_name.get(VERSION_COLUMN)
    if version is None or VERSION_COLUMN not in rows.columns:
        return Exported(rows, {})
    if any(name not in rows.columns for name in schema.key):
        return Exported(rows, {})
    current = loaded.frame.set_index(joined_keys(loaded.frame, schema.key).to_numpy())
    current = current[~current.index.duplicated()]
    keys = joined_keys(_stripped(rows, list(schema.key)), schema.key).to_numpy()
    known: np.ndarray = pd.Index(current.index).get_indexer(keys) >= 0
    if ACTION_COLUMN in rows.columns:
        actions = rows[ACTION_COLUMN].astype("string").str.strip().str.lower().fillna("")
        known &= ~actions.isin(["create", "ignore"]).to_numpy(dtype=bool)
    if not known.any():
        return Exported(rows, {})
    now = current[VERSION_COLUMN].reindex(keys[known]).to_numpy()
    raw = rows[VERSION_COLUMN][known]
    given = convert(raw, version).to_numpy()
    checked = rows.copy()
    checked[VERSION_COLUMN] = checked[VERSION_COLUMN].astype(object)
    stale: dict[object, tuple[object, object]] = {}
    unreadable: dict[object, object] = {}
    for label, was, is_blank, loaded_version in zip(
        rows.index[known], given, blank(raw), now, strict=True
    ):
        if not is_blank and pd.isna(was):
            unreadable[label] = rows.at[label, VERSION_COLUMN]
        elif not (is_blank or pd.isna(loaded_version) or was == loaded_version):
            stale[label] = (was, loaded_version)
        checked.at[label, VERSION_COLUMN] = None if pd.isna(loaded_version) else str(loaded_version)
    return Exported(checked, stale, unreadable)


def _stripped(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The key columns as the plan reads them: text without surrounding whitespace."""
    return pd.DataFrame(
        {name: rows[name].astype("string").str.strip() for name in columns}, index=rows.index
    )

"""Original frame + edited frame -> a validated ``ChangePlan`` (``build_plan``; callers
plan through ``LoadedTable.plan``).

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

Modules: ``model`` (the plan and its rows), ``cells`` (edited cells -> dtypes),
``validation`` (row rules), ``loaded`` (the original rows by key), ``build`` (the
steps), ``collect`` (valid rows -> changes).
"""

from emporix_data.plan.build import build_plan
from emporix_data.plan.model import (
    ACTION_COLUMN,
    ACTIONS,
    ERROR_COLUMN,
    ChangePlan,
    EntityRef,
    FieldChange,
    Filled,
    Kind,
    References,
    RejectedRow,
    RowChange,
    RowCheck,
    RowError,
    RowFill,
    Source,
    change_text,
    reviewed_fields,
)

__all__ = [
    "ACTIONS",
    "ACTION_COLUMN",
    "ERROR_COLUMN",
    "ChangePlan",
    "EntityRef",
    "FieldChange",
    "Filled",
    "Kind",
    "References",
    "RejectedRow",
    "RowChange",
    "RowCheck",
    "RowError",
    "RowFill",
    "Source",
    "build_plan",
    "change_text",
    "reviewed_fields",
]

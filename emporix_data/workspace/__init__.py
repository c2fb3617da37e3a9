"""The working copy a user edits, and everything a table page keeps between runs.

No Streamlit here: the pages keep one ``TableState`` per table in their session and draw
it; what it does (folding grid edits, pending rows, selection, reconciling after a push,
the plan cache) is plain pandas and is tested without a browser.
"""

from emporix_data.workspace.bulk import typed_value
from emporix_data.workspace.editor import EditorState, GridView, with_view_edits
from emporix_data.workspace.pending import MARK_COLUMN, Pending
from emporix_data.workspace.state import (
    LAST_PUSH,
    SearchText,
    Selection,
    SiteChoice,
    TableState,
)
from emporix_data.workspace.uploads import UploadedFile
from emporix_data.workspace.views import FilterChoice, ViewStore
from emporix_data.workspace.working_copy import PlanCache, PlanInputs, Workspace

__all__ = [
    "LAST_PUSH",
    "MARK_COLUMN",
    "EditorState",
    "FilterChoice",
    "GridView",
    "Pending",
    "PlanCache",
    "PlanInputs",
    "SearchText",
    "Selection",
    "SiteChoice",
    "TableState",
    "UploadedFile",
    "ViewStore",
    "Workspace",
    "typed_value",
    "with_view_edits",
]

"""The working copy a user edits, and everything a table page keeps between runs.

No Streamlit here: the pages keep one ``TableState`` per table in their session and draw
it; what it does (folding grid edits, pending rows, selection, reconciling after a push,
the plan cache) is plain pandas and is tested without a browser.
"""

from emporix_data.workspace.editor import EditorState, GridView, with_view_edits
from emporix_data.workspace.state import (
    SearchText,
    Selection,
    SiteChoice,
    TableState,
    UploadedFile,
)
from emporix_data.workspace.working_copy import PlanCache, PlanInputs, Workspace

__all__ = [
    "EditorState",
    "GridView",
    "PlanCache",
    "PlanInputs",
    "SearchText",
    "Selection",
    "SiteChoice",
    "TableState",
    "UploadedFile",
    "Workspace",
    "with_view_edits",
]

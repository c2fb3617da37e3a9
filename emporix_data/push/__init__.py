"""Change plan -> API calls -> one result per row, journaled as it goes.

Every row of a plan ends as ``applied``, ``failed`` (with the HTTP status and the API's
message) or ``conflict`` (changed by someone else since it was loaded: a 409 from the
API, or found by re-reading the row just before writing). Failed and conflicting rows
can be written as an error file in the upload format, fixed in a spreadsheet and pushed
again.

With a ``Journal`` the plan and every row's before-image are recorded before the first
request and each result as soon as it is known, so a push cut off by a crash can be
resumed (``resume_push``): only rows without a result are sent, after a live re-read
that recognises requests which got through before the crash.

``report`` holds the results and their frames, ``send`` the sending, ``rechecks`` the
live re-reads around it.
"""

from emporix_data.push.report import Outcome, PushProgress, PushReport, RowResult
from emporix_data.push.send import ProgressListener, push_plan, resume_push, with_chosen_keys

__all__ = [
    "Outcome",
    "ProgressListener",
    "PushProgress",
    "PushReport",
    "RowResult",
    "push_plan",
    "resume_push",
    "with_chosen_keys",
]

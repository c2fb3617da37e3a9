"""The push journal: a local SQLite record of every push, written as the push goes.

The plan is written before the first request, with the before-image of every row it
touches; each row's result is written as soon as it is known. A push whose process died
(a crash, a kill, a lost network) is left without a finish time and shows as
incomplete; its rows with no recorded result are what a resume sends. The journal holds
request bodies and API messages, never a token or a secret.

``store`` writes and reads the file, ``entries`` are what it holds, ``history`` the
frames shown of it.
"""

from emporix_data.journal.entries import (
    Connection,
    JournaledRow,
    Origin,
    PushEntry,
    PushStatus,
    RowRecord,
    os_user,
)
from emporix_data.journal.history import local_time
from emporix_data.journal.store import Journal, journal_path, open_journal

__all__ = [
    "Connection",
    "Journal",
    "JournaledRow",
    "Origin",
    "PushEntry",
    "PushStatus",
    "RowRecord",
    "journal_path",
    "local_time",
    "open_journal",
    "os_user",
]

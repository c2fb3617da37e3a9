"""What the journal holds: pushes, their rows and results, and whether a push still runs."""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from emporix_data.plan import FieldChange, RowChange
from emporix_data.settings import Settings

PushStatus = Literal["running", "incomplete", "finished"]
# Pushes this process is running now (a push that raised is no longer among them).
ACTIVE: set[str] = set()


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


class Connection(NamedTuple):
    """Which API and tenant a push went to: two servers can serve tenants of one name."""

    api_url: str
    tenant: str

    @classmethod
    def of(cls, settings: Settings) -> Connection:
        """The connection ``settings`` make (their API URL as the client uses it)."""
        return cls(settings.base_url, settings.tenant)


@dataclass(frozen=True)
class Origin:
    """Who pushed, and from where (a file name, or a dashboard page)."""

    user: str
    source: str


@dataclass(frozen=True)
class JournaledRow:
    position: int
    change: RowChange
    before: dict[str, Any] | None
    outcome: str | None
    status: int | None
    message: str | None


@dataclass(frozen=True)
class PushEntry:
    id: str
    resource: str
    tenant: str
    api_url: str
    user: str
    source: str
    undo_of: str | None
    started_at: str
    finished_at: str | None
    status: PushStatus
    rows: tuple[JournaledRow, ...] = ()

    @property
    def connection(self) -> Connection:
        return Connection(self.api_url, self.tenant)

    def check_connection(self, connection: Connection) -> None:
        """Refuse to act on this push through another API or tenant (``ValueError``)."""
        if connection != self.connection:
            raise ValueError(
                f"push {self.id} was made on tenant {self.tenant} at {self.api_url}, "
                f"not on tenant {connection.tenant} at {connection.api_url} (the connection "
                "in use); connect to that API to resume or undo it"
            )

    def pending(self, *, retry_failed: bool = False) -> list[JournaledRow]:
        """Rows with no result yet; with ``retry_failed`` also those that failed."""
        wanted = {None, "failed"} if retry_failed else {None}
        return [row for row in self.rows if row.outcome in wanted]


@dataclass(frozen=True)
class RowRecord:
    """A row's result as journaled (``position`` in the push's plan)."""

    position: int
    outcome: str
    status: int
    message: str | None
    sent: dict[str, Any] | None = None
    theirs: dict[str, Any] | None = None


def entry_of(head: sqlite3.Row, rows: tuple[JournaledRow, ...]) -> PushEntry:
    """A push from its ``pushes`` row (and the rows already read)."""
    return PushEntry(
        id=head["id"],
        resource=head["resource"],
        tenant=head["tenant"],
        api_url=head["api_url"],
        user=head["user"],
        source=head["source"],
        undo_of=head["undo_of"],
        started_at=head["started_at"],
        finished_at=head["finished_at"],
        status=_status(head),
        rows=rows,
    )


def journaled_row_of(row: sqlite3.Row) -> JournaledRow:
    """A row of a push from its ``push_rows`` row."""
    change = RowChange(
        kind=row["kind"],
        key=tuple(json.loads(row["key"])),
        row=row["row"],
        values=json.loads(row["row_values"]),
        changes=tuple(FieldChange(*item) for item in json.loads(row["changes"])),
    )
    return JournaledRow(
        position=row["position"],
        change=change,
        before=json.loads(row["before"]) if row["before"] else None,
        outcome=row["outcome"],
        status=row["status"],
        message=row["message"],
    )


def _status(head: sqlite3.Row) -> PushStatus:
    """Finished; else running while its process lives on this host; else incomplete."""
    if head["finished_at"]:
        return "finished"
    if head["host"] == socket.gethostname() and _alive(int(head["pid"]), head["id"]):
        return "running"
    return "incomplete"


def _alive(pid: int, push_id: str) -> bool:
    if pid == os.getpid():
        return push_id in ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

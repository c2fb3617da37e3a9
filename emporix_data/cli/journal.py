"""Commands on the push journal: history, resume an interrupted push, undo a push."""

from __future__ import annotations

from typing import Annotated

import typer

from emporix_data.cli.common import (
    DryRunOption,
    JournalOption,
    YesOption,
    configured_client,
    confirm,
    fail,
    finish,
    print_dry_run,
    print_plan,
    progress_bar,
    push_journaled,
    stdout,
)
from emporix_data.errors import EmporixError
from emporix_data.journal import Connection, open_journal
from emporix_data.push import push_plan, resume_push
from emporix_data.settings import SettingsError, load_settings
from emporix_data.tables import TABLES
from emporix_data.undo import plan_undo

PushId = Annotated[str, typer.Argument(help="The id shown by `history`.")]


def history(
    journal: JournalOption = None,
    every_connection: Annotated[
        bool, typer.Option("--all", help="List the pushes of every API and tenant.")
    ] = False,
) -> None:
    """List the pushes of the configured API and tenant, newest first, with their counts
    and status."""
    connection = None
    if not every_connection:
        try:
            connection = Connection.of(load_settings())
        except SettingsError as exc:
            fail(f"{exc} (or list every connection's pushes with --all)")
    with open_journal(journal) as book:
        frame = book.history(connection)
    if frame.empty:
        where = (
            "" if connection is None else f" for tenant {connection.tenant} at {connection.api_url}"
        )
        stdout.print(f"No pushes journaled yet{where}.", markup=False, highlight=False)
        return
    stdout.print(frame.to_string(index=False), markup=False, highlight=False)


def resume(
    push_id: PushId,
    yes: YesOption = False,
    retry_failed: Annotated[
        bool, typer.Option(help="Also send the rows that failed (not the conflicts).")
    ] = False,
    journal: JournalOption = None,
) -> None:
    """Send the rows of an interrupted push that have no result yet; exit 1 on problems."""
    with open_journal(journal) as book, configured_client() as client:
        try:
            entry = book.entry(push_id)
            entry.check_connection(Connection.of(client.settings))
        except KeyError:
            fail(f"no push {push_id!r} in {book.path}")
        except ValueError as exc:
            fail(str(exc))
        pending = entry.pending(retry_failed=retry_failed)
        if not pending:
            stdout.print(f"Push {push_id} has no rows left to send.")
            return
        confirm(yes, f"Send {len(pending)} rows of push {push_id} ({entry.resource})?")
        with progress_bar() as bar:
            task = bar.add_task("Resuming", total=len(pending))
            try:
                report = resume_push(
                    client,
                    book,
                    push_id,
                    retry_failed=retry_failed,
                    progress=lambda p: bar.update(task, completed=p.done),
                )
            except (ValueError, EmporixError) as exc:
                fail(str(exc))
    finish(report, TABLES[entry.resource])


def undo(
    push_id: PushId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    journal: JournalOption = None,
) -> None:
    """Revert a push: set updates back, delete what it created, recreate what it deleted."""
    with open_journal(journal) as book, configured_client() as client:
        try:
            inverse = plan_undo(client, book, push_id)
        except KeyError:
            fail(f"no push {push_id!r} in {book.path}")
        except (ValueError, EmporixError) as exc:
            fail(str(exc))
        plan = inverse.plan
        print_plan(plan)
        if not plan.changes:
            stdout.print("Nothing to undo.")
            raise typer.Exit(code=1 if plan.errors else 0)
        table = inverse.loaded.table
        if dry_run:
            print_dry_run(push_plan(client, table, plan, inverse.documents, dry_run=True))
            raise typer.Exit(code=1 if plan.errors else 0)
        confirm(yes, f"Undo push {push_id}: push {len(plan.changes)} changes?")
        report = push_journaled(
            client,
            table,
            plan,
            inverse.documents,
            journal=book,
            source=f"undo of {push_id}",
            label="Undoing",
            undo_of=push_id,
        )
    finish(report, table)


def register(app: typer.Typer) -> None:
    for command in (history, resume, undo):
        app.command()(command)

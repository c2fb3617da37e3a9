"""Commands on files: export a table, plan an edited file, push it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from emporix_data.cli.common import (
    DryRunOption,
    JournalOption,
    ResourceArgument,
    YesOption,
    check_resource,
    confirm,
    fail,
    finish,
    print_dry_run,
    print_plan,
    progress_bar,
    stderr,
    stdout,
)
from emporix_data.client import EmporixClient
from emporix_data.errors import EmporixError
from emporix_data.export import FORMATS, MAX_UPLOAD_BYTES, format_for, read_table_file, write_frame
from emporix_data.journal import Origin, open_journal, os_user
from emporix_data.plan import ChangePlan
from emporix_data.push import push_plan
from emporix_data.settings import SettingsError, load_settings
from emporix_data.tables import TABLES, LoadedTable, load_references, load_table
from emporix_data.workspace import plan_file

EditedFile = Annotated[Path, typer.Argument(help="The edited export (CSV or XLSX).")]


def export(
    resource: ResourceArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"{' | '.join(FORMATS)}; default: from the suffix."),
    ] = None,
) -> None:
    """Load a resource table through the API and write it as a report file."""
    check_resource(resource)
    try:
        file_format = format_for(output, fmt)
        settings = load_settings()
    except (ValueError, SettingsError) as exc:
        fail(str(exc))
    with EmporixClient(settings) as client, progress_bar() as bar:
        task = bar.add_task(f"Loading {resource}", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            frame = load_table(client, resource, progress).frame
        except EmporixError as exc:
            fail(str(exc))
    write_frame(frame, output, file_format)
    stderr.print(f"Wrote {len(frame)} rows to {output} ({file_format}).")


def _prepare(resource: str, file: Path) -> tuple[EmporixClient, LoadedTable, ChangePlan]:
    """Load the live table and its references, read the edited file, build the plan."""
    check_resource(resource)
    try:
        file_format = format_for(file)
        if file.stat().st_size > MAX_UPLOAD_BYTES:
            fail(f"{file} is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
        data = file.read_bytes()
        settings = load_settings()
    except (OSError, ValueError, SettingsError) as exc:
        fail(str(exc))
    try:
        edited = read_table_file(data, file_format)
    except Exception as exc:  # a damaged or foreign file: say so, do not trace back
        fail(f"cannot read {file} as {file_format}: {exc}")
    table = TABLES[resource]
    client = EmporixClient(settings)
    with progress_bar() as bar:
        task = bar.add_task(f"Loading {resource}", total=None)
        try:
            loaded = load_table(
                client, resource, lambda done, total: bar.update(task, completed=done, total=total)
            )
            references = load_references(client, table.references)
        except EmporixError as exc:
            client.close()
            fail(str(exc))
    return client, loaded, plan_file(loaded, edited, references)


def plan(resource: ResourceArgument, file: EditedFile) -> None:
    """Show what pushing FILE would change; exit 1 if any row is invalid."""
    client, _loaded, change_plan = _prepare(resource, file)
    client.close()
    print_plan(change_plan)
    if change_plan.errors:
        raise typer.Exit(code=1)


def push(
    resource: ResourceArgument,
    file: EditedFile,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    results: Annotated[Path | None, typer.Option(help="Write per-row results as CSV here.")] = None,
    errors: Annotated[
        Path | None, typer.Option(help="Write failed rows as a fixable upload file here.")
    ] = None,
    journal: JournalOption = None,
) -> None:
    """Push the edits in FILE; exit 1 if any row was invalid, failed or conflicted."""
    client, loaded, change_plan = _prepare(resource, file)
    with client:
        print_plan(change_plan)
        if not change_plan.changes:
            stdout.print("Nothing to push.")
            raise typer.Exit(code=1 if change_plan.errors else 0)
        if dry_run:
            print_dry_run(
                push_plan(client, loaded.table, change_plan, loaded.documents, dry_run=True)
            )
            raise typer.Exit(code=1 if change_plan.errors else 0)
        confirm(yes, f"Push {len(change_plan.changes)} changes?")
        with open_journal(journal) as book, progress_bar() as bar:
            task = bar.add_task("Pushing", total=len(change_plan.changes))
            report = push_plan(
                client,
                loaded.table,
                change_plan,
                loaded.documents,
                progress=lambda p: bar.update(task, completed=p.done),
                journal=book,
                origin=Origin(os_user(), f"file {file.name}"),
            )
    finish(report, loaded.table, results, errors, invalid=bool(change_plan.errors))


def register(app: typer.Typer) -> None:
    for command in (export, plan, push):
        app.command()(command)

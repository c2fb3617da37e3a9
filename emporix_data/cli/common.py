"""What the commands share: consoles, options, errors, confirmation, progress bars,
printing plans and push results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from emporix_data.client import EmporixClient
from emporix_data.export import write_frame
from emporix_data.journal import Journal, Origin, os_user
from emporix_data.mapping import MappedFile, MappingReport
from emporix_data.operations import KeyedDocuments
from emporix_data.plan import ChangePlan
from emporix_data.push import PushReport, push_plan
from emporix_data.settings import SettingsError, load_settings
from emporix_data.tables import TABLES, ResourceTable

stderr = Console(stderr=True)
stdout = Console(width=200)
JournalOption = Annotated[
    Path | None,
    typer.Option(help="Push journal (SQLite); default: $EMPORIX_JOURNAL_DB or .emporix-data/"),
]
ResourceArgument = Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DryRunOption = Annotated[bool, typer.Option(help="Send nothing; list the requests.")]


def fail(message: str) -> NoReturn:
    stderr.print(f"error: {message}", style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


def warn(messages: list[str]) -> None:
    for message in messages:
        stderr.print(f"warning: {message}", style="yellow", markup=False, highlight=False)


def check_resource(resource: str) -> None:
    if resource not in TABLES:
        fail(f"unknown resource {resource!r}: use one of {', '.join(TABLES)}")


def configured_client() -> EmporixClient:
    try:
        return EmporixClient(load_settings())
    except SettingsError as exc:
        fail(str(exc))


def confirm(yes: bool, question: str) -> None:
    if not yes and not typer.confirm(question):
        fail("cancelled; nothing was sent")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


def push_journaled(
    client: EmporixClient,
    table: ResourceTable,
    plan: ChangePlan,
    documents: KeyedDocuments,
    *,
    journal: Journal,
    source: str,
    label: str = "Pushing",
    undo_of: str | None = None,
) -> PushReport:
    """Push ``plan`` behind a progress bar, journaled as this OS user's, from ``source``."""
    with progress_bar() as bar:
        task = bar.add_task(label, total=len(plan.changes))
        return push_plan(
            client,
            table,
            plan,
            documents,
            progress=lambda p: bar.update(task, completed=p.done),
            journal=journal,
            origin=Origin(os_user(), source),
            undo_of=undo_of,
        )


def print_plan(plan: ChangePlan) -> None:
    counts = plan.counts()
    stdout.print(
        f"{plan.resource}: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['delete']} to delete, {counts['invalid']} invalid rows",
        highlight=False,
    )
    changes = plan.changes_frame()
    if not changes.empty:
        stdout.print(changes.to_string(index=False), markup=False, highlight=False)
    for notice in plan.notices:
        stdout.print(f"note: {notice}", markup=False, highlight=False)
    if plan.errors:
        stdout.print("Invalid rows (not pushed):", style="red")
        stdout.print(plan.errors_frame().to_string(index=False), markup=False, highlight=False)


def print_mapping(file_name: str, report: MappingReport) -> None:
    """Which header went to which column, and which headers are ignored (and why)."""
    stdout.print(f"Mapping of {file_name} to {report.resource}:", highlight=False)
    for choice in report.choices:
        if choice.column is not None:
            line = f"  {choice.header!r} -> {choice.column} ({choice.how})"
        else:
            line = f"  {choice.header!r} ignored ({choice.how})"
        stdout.print(line, markup=False, highlight=False)
    for header in report.absent:
        stdout.print(f"  note: the file has no header {header!r}", markup=False, highlight=False)


def print_lookups(mapped: MappedFile) -> None:
    """What was filled in for the file: defaults, and the ids found beside its values."""
    for note in mapped.notes:
        stdout.print(f"  {note}", markup=False, highlight=False)
    if not mapped.found.empty:
        stdout.print("Looked up (the file's values beside the ids found):", highlight=False)
        stdout.print(mapped.found_by_row().to_string(index=False), markup=False, highlight=False)


def print_dry_run(report: PushReport) -> None:
    counts = report.counts()
    stdout.print(
        f"dry run: {counts['planned']} to send, {counts['conflict']} conflicts, "
        f"{counts['failed']} would fail, {counts['applied']} already as wanted",
        highlight=False,
    )
    stdout.print(report.requests_frame().to_string(index=False), markup=False, highlight=False)
    if report.problems:
        stdout.print(
            report.frame().query("outcome in ('failed', 'conflict')").to_string(index=False),
            markup=False,
            highlight=False,
        )


def write_report_files(
    report: PushReport, table: ResourceTable, results: Path | None, errors: Path | None
) -> None:
    """The results (one line per changed or invalid row) and the rows that did not apply,
    in upload form with their reasons, where asked for."""
    if results:
        report.frame().to_csv(results, index=False)
        stderr.print(f"Wrote {len(report.frame())} result rows to {results}.", highlight=False)
    if errors:
        unapplied = report.error_file_frame(table)
        write_frame(unapplied, errors, sheet=f"{table.name}-failed")
        stderr.print(f"Wrote {len(unapplied)} rows to fix to {errors}.", highlight=False)


def finish(
    report: PushReport,
    table: ResourceTable,
    results: Path | None = None,
    errors: Path | None = None,
) -> None:
    """Print the outcome, write the requested files, exit 1 unless every row applied."""
    stdout.print(f"push {report.push_id}: {report.summary()}", highlight=False)
    if report.problems:
        stdout.print(
            report.frame().query("outcome in ('failed', 'conflict')").to_string(index=False),
            markup=False,
            highlight=False,
        )
    conflicts = report.conflicts_frame()
    if not conflicts.empty:
        stdout.print("Conflicts (not overwritten):", style="yellow")
        stdout.print(conflicts.to_string(index=False), markup=False, highlight=False)
    write_report_files(report, table, results, errors)
    if not report.all_applied:
        raise typer.Exit(code=1)

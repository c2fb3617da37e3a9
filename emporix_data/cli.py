"""The ``emporix-data`` command: the whole edit loop without a browser.

Sandbox server, exports, plans and pushes of edited files, and the push journal's
history, resume and undo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from emporix_data.client import EmporixClient
from emporix_data.errors import EmporixError
from emporix_data.export import (
    FORMATS,
    MAX_UPLOAD_BYTES,
    format_for,
    read_table_file,
    write_frame,
)
from emporix_data.journal import Origin, open_journal, os_user
from emporix_data.plan import ChangePlan
from emporix_data.push import PushReport, push_plan, resume_push
from emporix_data.settings import SettingsError, load_settings
from emporix_data.tables import TABLES, LoadedTable, ResourceTable, load_references, load_table
from emporix_data.undo import plan_undo

app = typer.Typer(
    help="Emporix data ops: sandbox, exports, plans, journaled pushes, resume and undo.",
    no_args_is_help=True,
)
stderr = Console(stderr=True)
stdout = Console(width=200)
JournalOption = Annotated[
    Path | None,
    typer.Option(help="Push journal (SQLite); default: $EMPORIX_JOURNAL_DB or .emporix-data/"),
]


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    db: Annotated[Path, typer.Option(help="SQLite file holding the sandbox data.")] = Path(
        ".sandbox/demo.db"
    ),
    customers: Annotated[int, typer.Option(help="Customers to seed.")] = 300,
    segments: Annotated[int, typer.Option(help="Segments to seed.")] = 6,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic tenant.")] = 42,
    latency_ms: Annotated[int, typer.Option(help="Latency added to every API request.")] = 0,
    fault_rate: Annotated[float, typer.Option(help="Share of API requests that fail.")] = 0.0,
    tenant: Annotated[str, typer.Option(help="Tenant name served.")] = "demo",
    client_id: Annotated[str, typer.Option(help="OAuth client id accepted.")] = "demo-client",
    client_secret: Annotated[str, typer.Option(help="OAuth secret accepted.")] = "demo-secret",
    reset: Annotated[bool, typer.Option(help="Drop the stored data and seed anew.")] = False,
) -> None:
    """Serve a local Emporix-compatible API with a synthetic tenant."""
    from emporix_data.sandbox import SandboxConfig, SeedSizes, serve

    db.parent.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(
        db_path=db,
        tenant=tenant,
        client_id=client_id,
        client_secret=client_secret,
        sizes=SeedSizes(customers=customers, segments=segments),
        seed=seed,
        reset=reset,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
    )
    serve(config, host=host, port=port)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench(ctx: typer.Context) -> None:
    """Time this client against a naive one on a 100k-customer sandbox (see bench --help)."""
    from emporix_data.bench import main as run_bench

    raise typer.Exit(run_bench(ctx.args))


@app.command()
def export(
    resource: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"{' | '.join(FORMATS)}; default: from the suffix."),
    ] = None,
) -> None:
    """Load a resource table through the API and write it as a report file."""
    if resource not in TABLES:
        _fail(f"unknown resource {resource!r}: use one of {', '.join(TABLES)}")
    try:
        file_format = format_for(output, fmt)
        settings = load_settings()
    except (ValueError, SettingsError) as exc:
        _fail(str(exc))
    with EmporixClient(settings) as client, _progress_bar() as bar:
        task = bar.add_task(f"Loading {resource}", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            frame = load_table(client, resource, progress).frame
        except EmporixError as exc:
            _fail(str(exc))
    write_frame(frame, output, file_format)
    stderr.print(f"Wrote {len(frame)} rows to {output} ({file_format}).")


def _prepare(resource: str, file: Path) -> tuple[EmporixClient, LoadedTable, ChangePlan]:
    """Load the live table and its references, read the edited file, build the plan."""
    if resource not in TABLES:
        _fail(f"unknown resource {resource!r}: use one of {', '.join(TABLES)}")
    try:
        file_format = format_for(file)
        if file.stat().st_size > MAX_UPLOAD_BYTES:
            _fail(f"{file} is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
        data = file.read_bytes()
        settings = load_settings()
    except (OSError, ValueError, SettingsError) as exc:
        _fail(str(exc))
    try:
        edited = read_table_file(data, file_format)
    except Exception as exc:  # a damaged or foreign file: say so, do not trace back
        _fail(f"cannot read {file} as {file_format}: {exc}")
    table = TABLES[resource]
    client = EmporixClient(settings)
    with _progress_bar() as bar:
        task = bar.add_task(f"Loading {resource}", total=None)
        try:
            loaded = load_table(
                client, resource, lambda done, total: bar.update(task, completed=done, total=total)
            )
            references = load_references(client, table.references)
        except EmporixError as exc:
            client.close()
            _fail(str(exc))
    return client, loaded, loaded.plan(edited, "file", references)


def _print_plan(plan: ChangePlan) -> None:
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


@app.command()
def plan(
    resource: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    file: Annotated[Path, typer.Argument(help="The edited export (CSV or XLSX).")],
) -> None:
    """Show what pushing FILE would change; exit 1 if any row is invalid."""
    client, _loaded, change_plan = _prepare(resource, file)
    client.close()
    _print_plan(change_plan)
    if change_plan.errors:
        raise typer.Exit(code=1)


@app.command()
def push(
    resource: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    file: Annotated[Path, typer.Argument(help="The edited export (CSV or XLSX).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Send nothing; list the requests.")] = False,
    results: Annotated[Path | None, typer.Option(help="Write per-row results as CSV here.")] = None,
    errors: Annotated[
        Path | None, typer.Option(help="Write failed rows as a fixable upload file here.")
    ] = None,
    journal: JournalOption = None,
) -> None:
    """Push the edits in FILE; exit 1 if any row was invalid, failed or conflicted."""
    client, loaded, change_plan = _prepare(resource, file)
    with client:
        _print_plan(change_plan)
        if not change_plan.changes:
            stdout.print("Nothing to push.")
            raise typer.Exit(code=1 if change_plan.errors else 0)
        if dry_run:
            _print_dry_run(
                push_plan(client, loaded.table, change_plan, loaded.documents, dry_run=True)
            )
            raise typer.Exit(code=1 if change_plan.errors else 0)
        _confirm(yes, f"Push {len(change_plan.changes)} changes?")
        with open_journal(journal) as book, _progress_bar() as bar:
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
    _finish(report, loaded.table, results, errors, invalid=bool(change_plan.errors))


@app.command()
def history(journal: JournalOption = None) -> None:
    """List journaled pushes, newest first, with their counts and status."""
    with open_journal(journal) as book:
        frame = book.history()
    if frame.empty:
        stdout.print("No pushes journaled yet.")
        return
    stdout.print(frame.to_string(index=False), markup=False, highlight=False)


@app.command()
def resume(
    push_id: Annotated[str, typer.Argument(help="The id shown by `history`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    retry_failed: Annotated[
        bool, typer.Option(help="Also send the rows that failed (not the conflicts).")
    ] = False,
    journal: JournalOption = None,
) -> None:
    """Send the rows of an interrupted push that have no result yet; exit 1 on problems."""
    with open_journal(journal) as book:
        try:
            entry = book.entry(push_id)
        except KeyError:
            _fail(f"no push {push_id!r} in {book.path}")
        pending = entry.pending(retry_failed=retry_failed)
        if not pending:
            stdout.print(f"Push {push_id} has no rows left to send.")
            return
        _confirm(yes, f"Send {len(pending)} rows of push {push_id} ({entry.resource})?")
        with _client() as client, _progress_bar() as bar:
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
                _fail(str(exc))
    _finish(report, TABLES[entry.resource], None, None, invalid=False)


@app.command()
def undo(
    push_id: Annotated[str, typer.Argument(help="The id shown by `history`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Send nothing; list the requests.")] = False,
    journal: JournalOption = None,
) -> None:
    """Revert a push: set updates back, delete what it created, recreate what it deleted."""
    with open_journal(journal) as book, _client() as client:
        try:
            inverse = plan_undo(client, book, push_id)
        except KeyError:
            _fail(f"no push {push_id!r} in {book.path}")
        except (ValueError, EmporixError) as exc:
            _fail(str(exc))
        plan = inverse.plan
        _print_plan(plan)
        if not plan.changes:
            stdout.print("Nothing to undo.")
            raise typer.Exit(code=1 if plan.errors else 0)
        table = inverse.loaded.table
        if dry_run:
            _print_dry_run(push_plan(client, table, plan, inverse.documents, dry_run=True))
            raise typer.Exit(code=1 if plan.errors else 0)
        _confirm(yes, f"Undo push {push_id}: push {len(plan.changes)} changes?")
        with _progress_bar() as bar:
            task = bar.add_task("Undoing", total=len(plan.changes))
            report = push_plan(
                client,
                table,
                plan,
                inverse.documents,
                progress=lambda p: bar.update(task, completed=p.done),
                journal=book,
                origin=Origin(os_user(), f"undo of {push_id}"),
                undo_of=push_id,
            )
    _finish(report, table, None, None, invalid=bool(plan.errors))


def _client() -> EmporixClient:
    try:
        return EmporixClient(load_settings())
    except SettingsError as exc:
        _fail(str(exc))


def _confirm(yes: bool, question: str) -> None:
    if not yes and not typer.confirm(question):
        _fail("cancelled; nothing was sent")


def _print_dry_run(report: PushReport) -> None:
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


def _finish(
    report: PushReport,
    table: ResourceTable,
    results: Path | None,
    errors: Path | None,
    *,
    invalid: bool,
) -> None:
    """Print the outcome, write the requested files, exit 1 on any problem."""
    stdout.print(f"push {report.push_id}: {report.summary()}", highlight=False)
    if report.problems:
        stdout.print(
            report.frame().query("outcome != 'applied'").to_string(index=False),
            markup=False,
            highlight=False,
        )
    conflicts = report.conflicts_frame()
    if not conflicts.empty:
        stdout.print("Conflicts (not overwritten):", style="yellow")
        stdout.print(conflicts.to_string(index=False), markup=False, highlight=False)
    if results:
        report.frame().to_csv(results, index=False)
    if errors:
        write_frame(report.error_file_frame(table), errors)
    if report.problems or invalid:
        raise typer.Exit(code=1)


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


def _fail(message: str) -> NoReturn:
    stderr.print(f"error: {message}", style="red", markup=False, highlight=False)
    raise typer.Exit(code=1)

"""The ``emporix-data`` command: the sandbox server and file exports, without a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from emporix_data.changes import ChangePlan, build_plan
from emporix_data.client import EmporixClient
from emporix_data.errors import EmporixError
from emporix_data.export import FORMATS, format_for, read_table_file, write_frame
from emporix_data.push import push_plan
from emporix_data.settings import SettingsError, load_settings
from emporix_data.tables import TABLES, LoadedTable, load_references, load_table

app = typer.Typer(help="Emporix data ops: sandbox server and exports.", no_args_is_help=True)
stderr = Console(stderr=True)
stdout = Console(width=200)


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
    plan = build_plan(
        table.schema,
        loaded.frame,
        edited,
        source="file",
        references=references,
        generated_keys=table.generated_keys,
        checks=table.checks,
    )
    return client, loaded, plan


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
) -> None:
    """Push the edits in FILE; exit 1 if any row was invalid, failed or conflicted."""
    client, loaded, change_plan = _prepare(resource, file)
    with client:
        _print_plan(change_plan)
        if not change_plan.changes:
            stdout.print("Nothing to push.")
            raise typer.Exit(code=1 if change_plan.errors else 0)
        if dry_run:
            report = push_plan(client, loaded.table, change_plan, loaded.documents, dry_run=True)
            stdout.print(report.requests_frame().to_string(index=False), markup=False)
            raise typer.Exit(code=1 if change_plan.errors else 0)
        if not yes and not typer.confirm(f"Push {len(change_plan.changes)} changes?"):
            _fail("cancelled; nothing was sent")
        with _progress_bar() as bar:
            task = bar.add_task("Pushing", total=len(change_plan.changes))
            report = push_plan(
                client,
                loaded.table,
                change_plan,
                loaded.documents,
                progress=lambda p: bar.update(task, completed=p.done),
            )
    counts = report.counts()
    stdout.print(
        f"applied {counts['applied']}, failed {counts['failed']}, conflict {counts['conflict']}",
        highlight=False,
    )
    if report.problems:
        stdout.print(
            report.frame().query("outcome != 'applied'").to_string(index=False),
            markup=False,
            highlight=False,
        )
    if results:
        report.frame().to_csv(results, index=False)
    if errors:
        write_frame(report.error_file_frame(loaded.table), errors)
    if report.problems or change_plan.errors:
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

"""Commands on files: export a table, plan an edited file, push it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
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
    print_lookups,
    print_mapping,
    print_plan,
    progress_bar,
    push_journaled,
    stderr,
    stdout,
    warn,
    write_report_files,
)
from emporix_data.client import EmporixClient
from emporix_data.errors import EmporixError
from emporix_data.export import FORMATS, MAX_UPLOAD_BYTES, format_for, read_table_file, write_frame
from emporix_data.journal import open_journal
from emporix_data.mapping import (
    ColumnMapping,
    MappingError,
    MappingReport,
    MissingKey,
    load_directory,
    load_mapping,
    map_file,
    map_headers,
    write_mapping,
)
from emporix_data.pagination import recorded_warnings
from emporix_data.plan import ChangePlan
from emporix_data.push import PushReport, push_plan
from emporix_data.settings import SettingsError, load_settings
from emporix_data.table_export import export_table, streams
from emporix_data.tables import TABLES, LoadedTable, load_table

EditedFile = Annotated[
    Path, typer.Argument(help="The edited export, or a file from another system (CSV or XLSX).")
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help='"Header=column": the column a header holds (repeatable; "Header=" ignores it).',
    ),
]
MappingFileOption = Annotated[
    Path | None, typer.Option("--mapping", help="A mapping file (TOML) of header = column.")
]
SaveMappingOption = Annotated[
    Path | None, typer.Option("--save-mapping", help="Save the mapping used as a TOML file.")
]


@dataclass(frozen=True)
class MappingOptions:
    maps: list[str]
    mapping: Path | None
    save: Path | None


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
            with recorded_warnings() as warnings:
                if streams(file_format):
                    rows = export_table(client, resource, output, file_format, progress)
                else:
                    frame = load_table(client, resource, progress).frame
                    write_frame(frame, output, file_format, sheet=resource)
                    rows = len(frame)
        except EmporixError as exc:
            fail(str(exc))
    warn(warnings)
    stderr.print(f"Wrote {rows} rows to {output} ({file_format}).")


def _chosen_mapping(resource: str, maps: list[str], mapping: Path | None) -> ColumnMapping:
    """``--mapping FILE`` with each ``--map "Header=column"`` on top."""
    try:
        base = load_mapping(mapping, resource) if mapping else ColumnMapping(resource=resource)
    except MappingError as exc:
        fail(str(exc))
    pairs = {}
    for given in maps:
        header, sep, column = given.partition("=")
        if not sep or not header.strip():
            fail(f'--map takes "Header=column" (empty column: ignore the header), not {given!r}')
        pairs[header.strip()] = column.strip()
    return ColumnMapping(pairs, resource).over(base)


def _prepare(
    resource: str, file: Path, options: MappingOptions
) -> tuple[EmporixClient, LoadedTable, ChangePlan]:
    """Load the live table, map the edited file's headers (printing the mapping), look up
    what it names by e-mail or name, and build the plan. Stops, sending nothing, when the
    file cannot be mapped."""
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
        raw = read_table_file(data, file_format)
    except Exception as exc:  # a damaged or foreign file: say so, do not trace back
        fail(f"cannot read {file} as {file_format}: {exc}")
    chosen = _chosen_mapping(resource, options.maps, options.mapping)
    table = TABLES[resource]
    client = EmporixClient(settings)
    try:
        with progress_bar() as bar, recorded_warnings() as warnings:
            task = bar.add_task(f"Loading {resource}", total=None)
            loaded = load_table(
                client, resource, lambda done, total: bar.update(task, completed=done, total=total)
            )
        warn(warnings)
        report = map_headers(list(raw.columns), loaded.schema, chosen)
        _check_maps(options.maps, report)
        if options.save:
            write_mapping(report.chosen(), options.save)
            stderr.print(f"Saved the mapping to {options.save}.", highlight=False)
        print_mapping(file.name, report)
        directory = cache(lambda: load_directory(client, table.references))
        site = settings.site if "site" in table.schema.key else None
        mapped = map_file(raw, loaded.schema, report, directory, site=site)
        print_lookups(mapped)
        return client, loaded, mapped.plan(loaded, directory().references)
    except MissingKey as exc:
        client.close()
        fail(f'{exc}; map the header that holds it with --map "HEADER={exc.column}"')
    except (MappingError, EmporixError, OSError) as exc:
        client.close()
        fail(str(exc))


def _check_maps(maps: list[str], report: MappingReport) -> None:
    """A ``--map`` naming a header the file does not have is a typo: stop."""
    named = {given.partition("=")[0].strip() for given in maps}
    absent = [header for header in report.absent if header in named]
    if absent:
        headers = ", ".join(repr(choice.header) for choice in report.choices)
        raise MappingError(f"the file has no header {absent[0]!r}; its headers are {headers}")


def plan(
    resource: ResourceArgument,
    file: EditedFile,
    maps: MapOption = None,
    mapping: MappingFileOption = None,
    save_mapping: SaveMappingOption = None,
) -> None:
    """Show what pushing FILE would change; exit 1 if any row is invalid."""
    options = MappingOptions(maps or [], mapping, save_mapping)
    client, _loaded, change_plan = _prepare(resource, file, options)
    client.close()
    print_plan(change_plan)
    if change_plan.errors:
        raise typer.Exit(code=1)


def push(
    resource: ResourceArgument,
    file: EditedFile,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    results: Annotated[
        Path | None,
        typer.Option(help="Write one result per changed or invalid row as CSV here."),
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(help="Write the rows not applied, with reasons, as an upload file here."),
    ] = None,
    journal: JournalOption = None,
    maps: MapOption = None,
    mapping: MappingFileOption = None,
    save_mapping: SaveMappingOption = None,
) -> None:
    """Push the edits in FILE; exit 1 if any row was invalid, failed or conflicted."""
    options = MappingOptions(maps or [], mapping, save_mapping)
    client, loaded, change_plan = _prepare(resource, file, options)
    with client:
        print_plan(change_plan)
        if not change_plan.changes:
            stdout.print("Nothing to push.")
            unsent = PushReport(resource, [], invalid=change_plan.rejected())
            write_report_files(unsent, loaded.table, results, errors)
            raise typer.Exit(code=1 if change_plan.errors else 0)
        if dry_run:
            planned = push_plan(client, loaded.table, change_plan, loaded.documents, dry_run=True)
            print_dry_run(planned)
            write_report_files(planned, loaded.table, results, errors)
            raise typer.Exit(code=1 if change_plan.errors else 0)
        confirm(yes, f"Push {len(change_plan.changes)} changes?")
        with open_journal(journal) as book:
            report = push_journaled(
                client,
                loaded.table,
                change_plan,
                loaded.documents,
                journal=book,
                source=f"file {file.name}",
            )
    finish(report, loaded.table, results, errors)


def register(app: typer.Typer) -> None:
    for command in (export, plan, push):
        app.command()(command)

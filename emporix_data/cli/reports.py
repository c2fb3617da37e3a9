"""Commands on reports: list and run saved reports, run any SQL query; for cron too.

Each run checks the query on empty tables first (syntax, refused statements, unknown
columns, missing parameters: one line, exit 1, nothing loaded, no file written), then
loads only the tables the query reads through the API, runs it on the locked-down
engine and writes the file whose suffix names the format (or the result as CSV on
standard output without ``-o``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import TaskID

from emporix_data.cli.common import configured_client, fail, progress_bar, stderr, stdout
from emporix_data.errors import EmporixError
from emporix_data.export import FORMATS, ExportFormat, format_for
from emporix_data.reports import ReportError, find_report, list_reports
from emporix_data.reports.catalog import parameters_in
from emporix_data.reports.files import file_frame, write_result
from emporix_data.reports.running import check_query, parse_parameters, run_query
from emporix_data.settings import LocalSettings

ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        help="A parameter as name=value (text; DuckDB casts it where the query compares "
        "it with a typed column). Repeat for more.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=f"File to write ({', '.join(FORMATS)} from its suffix); default: CSV on stdout.",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"{' | '.join(FORMATS)}; default: from the suffix."),
]
ReportsDirOption = Annotated[
    Path | None,
    typer.Option(help="Folder of your own reports; default: $EMPORIX_REPORTS_DIR."),
]

report_app = typer.Typer(
    help="Saved reports: the built-in ones and yours (.sql files in EMPORIX_REPORTS_DIR).",
    no_args_is_help=True,
)


def _reports_dir(given: Path | None) -> Path:
    return given or LocalSettings().reports_dir


@report_app.command("list")
def list_command(reports_dir: ReportsDirOption = None) -> None:
    """List the saved reports: name, title, parameters and where each one comes from."""
    folder = _reports_dir(reports_dir)
    for report in list_reports(folder):
        parameters = " ".join(f"${name}" for name in report.parameters) or "-"
        source = "built-in" if report.builtin else str(report.path)
        stdout.print(
            f"{report.name}\t{report.title}\t{parameters}\t{source}", markup=False, highlight=False
        )
        if report.problem:
            stdout.print(f"  problem: {report.problem}", markup=False, highlight=False)
    stderr.print(f"Your reports are read from {folder}.", highlight=False)


@report_app.command("show")
def show(name: Annotated[str, typer.Argument()], reports_dir: ReportsDirOption = None) -> None:
    """Print a report's file (copy a built-in one into your folder to change it)."""
    try:
        report = find_report(name, _reports_dir(reports_dir))
    except ReportError as exc:
        fail(str(exc))
    stdout.print(report.text(), end="", markup=False, highlight=False)


@report_app.command("run")
def run(
    name: Annotated[str, typer.Argument(help="The report's name (see `report list`).")],
    param: ParamOption = None,
    output: OutputOption = None,
    fmt: FormatOption = None,
    reports_dir: ReportsDirOption = None,
) -> None:
    """Run a saved report and write its whole result; exit 1 with one line on a problem."""
    try:
        report = find_report(name, _reports_dir(reports_dir))
    except ReportError as exc:
        fail(str(exc))
    if not report.sql:
        fail(f"report {name} cannot run: {report.problem}")
    _run(report.sql, param or [], output, fmt, f"report {name}")


def sql(
    query: Annotated[str, typer.Argument(help="One SELECT over the report tables.")],
    param: ParamOption = None,
    output: OutputOption = None,
    fmt: FormatOption = None,
) -> None:
    """Run one SELECT query over the tables (customers, ..., customer_360) and write it."""
    _run(query, param or [], output, fmt, "the query")


def _run(query: str, pairs: list[str], output: Path | None, fmt: str | None, what: str) -> None:
    """Check everything that can be checked without the API, then load, run and write."""
    try:
        file_format = format_for(output, fmt) if output else None
        params = parse_parameters(pairs)
        _check_parameters(query, params, what)
        check_query(query, params)
    except (ValueError, ReportError) as exc:
        fail(str(exc))
    with configured_client() as client, progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def progress(table: str, done: int, total: int | None) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(f"Loading {table}", total=None)
            bar.update(tasks[table], completed=done, total=total)

        try:
            result = run_query(client, query, params, progress)
        except (ReportError, EmporixError) as exc:
            fail(str(exc))
    _write(result.frame, output, file_format, result.elapsed_s)


def _check_parameters(query: str, params: dict[str, str], what: str) -> None:
    wanted = parameters_in(query)
    missing = [name for name in wanted if name not in params]
    if missing:
        needs = " ".join(f"--param {name}=..." for name in missing)
        raise ReportError(f"{what} needs {needs}")
    unknown = [name for name in params if name not in wanted]
    if unknown:
        has = ", ".join(f"${name}" for name in wanted) or "none"
        raise ReportError(f"{what} has no parameter ${unknown[0]} (its parameters: {has})")


def _write(
    frame: pd.DataFrame, output: Path | None, file_format: ExportFormat | None, elapsed_s: float
) -> None:
    if output is None:
        print(file_frame(frame, "csv").to_csv(index=False), end="")
        return
    try:
        write_result(frame, output, file_format)
    except OSError as exc:
        fail(f"cannot write {output}: {exc}")
    stderr.print(
        f"Wrote {len(frame):,} {'row' if len(frame) == 1 else 'rows'} to {output} "
        f"({file_format}); the query took {elapsed_s:.2f} s.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.command()(sql)

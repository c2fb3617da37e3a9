"""Saved reports: plain ``.sql`` files, built in (shipped in the package) or the user's.

A report's name is its file name without ``.sql``. Optional comment lines before the
query describe it::

    -- title: Customers per country and segment
    -- description: How many customers of each country are in each segment.
    -- chart: bar x=country y=customers color=segment

Parameters are DuckDB named parameters (``$segment``). A user's report of the same name
as a built-in one takes its place, so a built-in report is changed by saving a copy.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from emporix_data.reports.catalog import parameters_in
from emporix_data.reports.charts import ChartSpec, parse_chart_line, words
from emporix_data.reports.errors import ReportError

REPORT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SUFFIX = ".sql"
_HEADER = re.compile(r"--\s*(title|description|chart)\s*:(.*)", re.IGNORECASE)


@dataclass(frozen=True)
class SavedReport:
    """A report file. ``problem`` says what is wrong with its header or name, if anything
    (the report is still listed, so that it can be found and fixed)."""

    name: str
    title: str
    description: str
    chart: ChartSpec | None
    parameters: tuple[str, ...]
    sql: str
    path: Path | None = None
    builtin: bool = False
    problem: str | None = None

    def text(self) -> str:
        """The file's content: header comments, then the query."""
        header = [f"-- title: {self.title}"]
        if self.description:
            header.append(f"-- description: {self.description}")
        if self.chart is not None:
            chart = self.chart
            named = (("x", chart.x), ("y", chart.y), ("color", chart.color))
            fields = [f"{key}={shlex.quote(value)}" for key, value in named if value]
            header.append(f"-- chart: {' '.join([chart.kind, *fields])}")
        return "\n".join(header) + "\n" + self.sql.strip() + "\n"


def check_name(name: str) -> str:
    """``name`` if it can name a report file: letters, digits, ``_`` and ``-``, no paths."""
    if not REPORT_NAME.fullmatch(name):
        raise ReportError(
            f"{name!r} is not a report name: use letters, digits, _ and - (at most 64)"
        )
    return name


def parse_report(
    name: str, text: str, *, path: Path | None = None, builtin: bool = False
) -> SavedReport:
    """A report from its file text: header comment lines first, the query after them."""
    lines = text.splitlines()
    fields: dict[str, list[str]] = {}
    body_start = 0
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            break
        body_start = number + 1
        if found := _HEADER.fullmatch(stripped):
            fields.setdefault(found.group(1).lower(), []).append(found.group(2).strip())
    sql = "\n".join(lines[body_start:]).strip()
    problems = [] if REPORT_NAME.fullmatch(name) else [f"{name!r} is not a valid report name"]
    chart = None
    if "chart" in fields:
        try:
            chart = parse_chart_line(fields["chart"][-1])
        except ReportError as exc:
            problems.append(str(exc))
    if not sql:
        problems.append("the file holds no query")
    return SavedReport(
        name=name,
        title=" ".join(fields.get("title", [])) or words(name),
        description=" ".join(fields.get("description", [])),
        chart=chart,
        parameters=parameters_in(sql),
        sql=sql,
        path=path,
        builtin=builtin,
        problem="; ".join(problems) or None,
    )


def builtin_reports() -> list[SavedReport]:
    folder = resources.files("emporix_data.reports") / "builtin"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(SUFFIX):
            name = entry.name.removesuffix(SUFFIX)
            text = entry.read_text(encoding="utf-8")
            found.append(parse_report(name, text, path=Path(str(entry)), builtin=True))
    return sorted(found, key=lambda report: report.name)


def user_reports(directory: Path) -> list[SavedReport]:
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            name = path.name.removesuffix(SUFFIX)
            found.append(replace(parse_report(name, "", path=path), problem=str(exc)))
            continue
        found.append(parse_report(path.name.removesuffix(SUFFIX), text, path=path))
    return found


def list_reports(user_directory: Path | None) -> list[SavedReport]:
    """Built-in and user reports by name; a user report replaces a built-in namesake."""
    by_name = {report.name: report for report in builtin_reports()}
    if user_directory is not None:
        by_name.update({report.name: report for report in user_reports(user_directory)})
    return [by_name[name] for name in sorted(by_name)]


def find_report(name: str, user_directory: Path | None) -> SavedReport:
    reports = {report.name: report for report in list_reports(user_directory)}
    if name not in reports:
        raise ReportError(f"No report named {name}: the reports are {', '.join(reports)}")
    return reports[name]


def save_report(
    directory: Path,
    name: str,
    sql: str,
    *,
    title: str = "",
    description: str = "",
    chart: str | None = None,
    overwrite: bool = False,
) -> SavedReport:
    """Write ``directory/name.sql`` (the directory is made if missing); a report of that
    name in the directory is replaced only with ``overwrite``."""
    check_name(name)
    if not sql.strip():
        raise ReportError("A report needs a query")
    one_line = {"title": title, "description": description, "chart": chart or ""}
    if any("\n" in value or "\r" in value for value in one_line.values()):
        raise ReportError("Title, description and chart are one line each")
    report = SavedReport(
        name=name,
        title=title.strip() or words(name),
        description=description.strip(),
        chart=parse_chart_line(chart) if chart else None,
        parameters=parameters_in(sql),
        sql=sql.strip(),
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}{SUFFIX}"
    try:
        with path.open("w" if overwrite else "x", encoding="utf-8") as file:
            file.write(report.text())
    except FileExistsError:
        raise ReportError(f"A report named {name} exists already in {directory}") from None
    return parse_report(name, path.read_text(encoding="utf-8"), path=path)

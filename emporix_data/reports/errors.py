"""Report errors as one line that names the problem, never a traceback."""

from __future__ import annotations

import re

import duckdb

from emporix_data.reports.catalog import QUERYABLE


class ReportError(Exception):
    """A report that cannot run or be saved, said in one line for the page and the CLI."""


REFUSED_ACCESS = "Refused: a report reads only the loaded tables, no files, URLs or extensions"
REFUSED_SETTING = "Refused: a report cannot change settings"

_LINE = re.compile(r"^LINE (\d+):", re.MULTILINE)
_CANDIDATES = re.compile(r"^Candidate bindings: (.+)$", re.MULTILINE)
_SUGGESTION = re.compile(r'^Did you mean "([^"]+)"\?$', re.MULTILINE)
_NO_TABLE = re.compile(r"Table with name (.+?) does not exist")
_NO_VALUES = re.compile(r"Values were not provided for the following parameters: (.+)$")
_EXCESS = re.compile(r"identifiers of the excess parameters: (.+)$")
_PREFIXES = {"Parser Error: syntax error": "Syntax error"}


def report_error(exc: duckdb.Error) -> ReportError:
    """DuckDB's error as one line: its first line, the query line, a close match if any."""
    text = str(exc).strip()
    first = text.splitlines()[0].rstrip("!") if text else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException):
        return ReportError(f"{REFUSED_ACCESS} ({_detail(first)})")
    if "configuration has been locked" in first:
        return ReportError(REFUSED_SETTING)
    if found := _NO_VALUES.search(first):
        return ReportError(f"Missing value for parameter {_dollars(found.group(1))}")
    if found := _EXCESS.search(first):
        return ReportError(f"The query has no parameter {_dollars(found.group(1))}")
    if found := _NO_TABLE.search(first):
        tables = ", ".join(QUERYABLE)
        return ReportError(f"Unknown table {found.group(1)}: the tables are {tables}")
    for prefix, replacement in _PREFIXES.items():
        if first.startswith(prefix):
            first = replacement + first[len(prefix) :]
    return ReportError(first + _hint(text) + _line(text))


def _detail(first: str) -> str:
    detail = first.split(": ", 1)[-1]
    return detail.removesuffix(" - file system operations are disabled by configuration")


def _dollars(names: str) -> str:
    return ", ".join("$" + name.strip() for name in names.split(","))


def _hint(text: str) -> str:
    if found := _CANDIDATES.search(text):
        return f" (did you mean {found.group(1).split(', ')[0]}?)"
    found = _SUGGESTION.search(text)
    return f' (did you mean "{found.group(1)}"?)' if found else ""


def _line(text: str) -> str:
    found = _LINE.search(text)
    return f" at line {found.group(1)}" if found else ""

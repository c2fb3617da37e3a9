"""Column mappings as small TOML files, to use again (``--mapping FILE``, the dashboard's
saved mappings under ``<data dir>/mappings/``)::

    # emporix-data column mapping: file header = column ("" ignores the header)
    resource = "customers"

    [columns]
    "Kundennummer" = "customerNumber"
    "Nachname" = "lastName"
    "Notizen" = ""
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from emporix_data.mapping.headers import ColumnMapping, MappingError
from emporix_data.settings import LocalSettings

SUFFIX = ".toml"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}")


def read_mapping(text: str, resource: str | None = None) -> ColumnMapping:
    """A mapping from TOML text; one saved for another resource is refused."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"not a mapping file: {exc}") from None
    columns = data.get("columns", {})
    saved_for = data.get("resource")
    if not isinstance(columns, dict) or not all(
        isinstance(header, str) and isinstance(column, str) for header, column in columns.items()
    ):
        raise MappingError('a mapping file has a [columns] table of "header" = "column"')
    if saved_for is not None and not isinstance(saved_for, str):
        raise MappingError("a mapping file's resource is a text")
    if resource and saved_for and saved_for != resource:
        raise MappingError(f"this mapping is for {saved_for}, not for {resource}")
    return ColumnMapping(columns, saved_for or resource)


def mapping_toml(mapping: ColumnMapping) -> str:
    """The TOML text of a mapping (``read_mapping`` reads it back the same)."""
    lines = ['# emporix-data column mapping: file header = column ("" ignores the header)']
    if mapping.resource:
        lines.append(f"resource = {_string(mapping.resource)}")
    lines += ["", "[columns]"]
    lines += [
        f"{_string(header)} = {_string(column)}" for header, column in mapping.columns.items()
    ]
    return "\n".join(lines) + "\n"


def write_mapping(mapping: ColumnMapping, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping_toml(mapping), encoding="utf-8")
    return path


def load_mapping(path: Path, resource: str | None = None) -> ColumnMapping:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc}") from None
    return read_mapping(text, resource)


def mappings_dir(settings: LocalSettings | None = None) -> Path:
    """Where the dashboard keeps saved mappings: ``<data dir>/mappings``."""
    return (settings or LocalSettings()).data_dir / "mappings"


def saved_mappings(folder: Path, resource: str) -> list[str]:
    """Names of the mappings saved in ``folder`` for ``resource``, sorted."""
    names = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            load_mapping(path, resource)
        except MappingError:
            continue
        names.append(path.stem)
    return names


def mapping_path(folder: Path, name: str) -> Path:
    """The file of a saved mapping; a name that is not a plain file name is refused."""
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise MappingError(
            "a mapping name is 1-60 letters, digits, spaces, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return folder / f"{name}{SUFFIX}"


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'

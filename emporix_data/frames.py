"""Model list <-> pandas DataFrame with a fixed, documented column schema.

Every resource declares a ``FrameSchema``: which columns its table has, where each
column lives in the API document, its dtype, and whether users may edit it. Frames are
built column-wise, and request bodies are built by changing only the edited columns
in a copy of the full original document.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel

from emporix_data.values import is_missing, plain

Dtype = Literal["string", "boolean", "Int64", "Float64", "datetime64[ns, UTC]"]


@dataclass(frozen=True)
class Column:
    """One column of a resource table and its place in the API document."""

    name: str
    path: tuple[str, ...]
    dtype: Dtype = "string"
    editable: bool = True
    description: str = ""
    options: tuple[str, ...] = ()
    required: bool = False
    pattern: str | None = None
    pattern_message: str | None = None
    max_length: int = 1000
    references: str | None = None  # "customers", "legal_entities" or "segments"


@dataclass(frozen=True)
class FrameSchema:
    """The fixed column layout of one resource's table. ``identifying`` columns tell a
    person which row a key is (a customer's name and e-mail), e.g. in a review."""

    resource: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    identifying: tuple[str, ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})
        unknown = (set(self.key) | set(self.identifying)) - self.by_name.keys()
        if unknown:
            raise ValueError(f"{self.resource}: {sorted(unknown)} are not columns")

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        return {column.name: column.dtype for column in self.columns}

    @property
    def editable(self) -> list[str]:
        return [column.name for column in self.columns if column.editable]

    def empty_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {c.name: pd.Series([], dtype=_pandas_dtype(c.dtype)) for c in self.columns}
        )

    def to_frame(self, records: Sequence[Any]) -> pd.DataFrame:
        """A frame with exactly this schema's columns and dtypes, one row per record."""
        if not records:
            return self.empty_frame()
        data = {
            column.name: _typed_series([read_path(r, column.path) for r in records], column.dtype)
            for column in self.columns
        }
        return pd.DataFrame(data)

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Coerce a frame of the right columns (e.g. read from a file) to the schema's dtypes."""
        missing = [name for name in self.names if name not in frame.columns]
        if missing:
            raise ValueError(f"{self.resource}: missing columns {missing}")
        data = {c.name: _typed_series(frame[c.name].tolist(), c.dtype) for c in self.columns}
        return pd.DataFrame(data, index=frame.index)

    def apply(
        self, original: Mapping[str, Any] | None, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A copy of ``original`` with the given columns' values written to their paths.

        A missing (NA) value removes the field: the document then no longer has it.
        """
        body: dict[str, Any] = copy.deepcopy(dict(original)) if original else {}
        for name, value in values.items():
            write_path(body, self.by_name[name].path, to_json_value(value))
        return body

    def merge_patch(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A JSON merge patch (RFC 7396) setting the given columns; NA becomes null (remove)."""
        patch: dict[str, Any] = {}
        for name, value in values.items():
            node = patch
            path = self.by_name[name].path
            for step in path[:-1]:
                node = node.setdefault(step, {})
            node[path[-1]] = to_json_value(value)
        return patch


def read_path(record: Any, path: Iterable[str]) -> Any:
    """The value at ``path`` in a model or dict, or ``None`` where any step is missing."""
    value = record
    for step in path:
        if value is None:
            return None
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, BaseModel):
            value = getattr(value, step, None)
        else:
            return None
    return value


def write_path(document: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """Set (or, for ``None``, remove) the field at ``path``, creating objects on the way."""
    node = document
    for step in path[:-1]:
        child = node.get(step)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[step] = child
        node = child
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


def to_json_value(value: Any) -> Any:
    """A pandas/numpy cell as a plain JSON value (NA -> None, Timestamp -> ISO string)."""
    value = plain(value)
    if isinstance(value, pd.Timestamp):
        return value.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return value


def _pandas_dtype(dtype: Dtype) -> Any:
    return pd.DatetimeTZDtype("ns", "UTC") if dtype.startswith("datetime") else dtype


_EARLIEST = pd.Timestamp.min.tz_localize("UTC")
_LATEST = pd.Timestamp.max.tz_localize("UTC")


def to_utc_datetimes(values: pd.Series) -> pd.Series:
    """ISO-8601 text (or timestamps) as UTC timestamps at nanosecond resolution.

    Anything else is NaT: text that does not start with a four-digit year (pandas would
    read "now" and "today" as dates), and moments outside the nanosecond range
    (1677-09-21 to 2262-04-11), which the frame's dtype cannot hold.
    """
    text = values.astype("string").str.strip()
    text = text.where(text.str.match(r"[0-9]{4}").fillna(False).to_numpy(dtype=bool))
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    in_range = (parsed >= _EARLIEST) & (parsed <= _LATEST)
    return parsed.where(in_range).astype(_pandas_dtype("datetime64[ns, UTC]"))


def _typed_series(values: list[Any], dtype: Dtype) -> pd.Series:
    if dtype.startswith("datetime"):
        return to_utc_datetimes(pd.Series(values, dtype="object"))
    if dtype == "string":
        values = [None if is_missing(v) else str(v) for v in values]
    return pd.Series(values, dtype=dtype)

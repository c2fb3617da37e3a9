"""Model list <-> pandas DataFrame with a fixed, documented column schema.

Every resource declares a ``FrameSchema``: which columns its table has, where each
column lives in the API document, its dtype, and whether users may edit it. Frames are
built column-wise, and request bodies are built by changing only the edited columns
in a copy of the full original document.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel

from emporix_data.values import is_missing, plain

Dtype = Literal["string", "boolean", "Int64", "Float64", "datetime64[ns, UTC]"]
# How a text cell is tidied before it is compared and sent: "upper" is a code such as a
# currency (surrounding spaces dropped, upper-cased: " eur" -> "EUR").
Normaliser = Literal["upper"]
# What a lookup finds: a customer (by number, id or e-mail), a segment or a legal entity
# (by id or name), or the legal entity of a row's customer (B2B customers with one).
Finds = Literal["customer", "segment", "legal_entity"]


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
    label: str = ""  # how people name it ("Last name"); files' headers may use it
    synonyms: tuple[str, ...] = ()  # other common headers for it ("surname")
    normalise: Normaliser | None = None


@dataclass(frozen=True)
class Lookup:
    """A key column a file may give by something else: a customer by e-mail, a segment or
    a legal entity by name.

    ``field`` names what the file gives: a column of the table (``customerEmail``) or a
    field only files have (``segmentName``), which ``label`` and ``synonyms`` then name.
    """

    column: str  # the id column it fills
    field: str
    finds: Finds
    label: str = ""
    synonyms: tuple[str, ...] = ()


def header_term(text: str) -> str:
    """A header, name or label as compared when mapping a file: case, spaces, ``_``,
    ``-`` and ``.`` ignored ("Customer Number", "customer_number" -> "customernumber")."""
    return re.sub(r"[\s_.\-]+", "", text).casefold()


@dataclass(frozen=True)
class FrameSchema:
    """The fixed column layout of one resource's table. ``identifying`` columns tell a
    person which row a key is (a customer's name and e-mail), e.g. in a review."""

    resource: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    lookups: tuple[Lookup, ...] = ()
    identifying: tuple[str, ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})
        unknown = (set(self.key) | set(self.identifying)) - self.by_name.keys()
        unknown |= {lookup.column for lookup in self.lookups} - self.by_name.keys()
        if unknown:
            raise ValueError(f"{self.resource}: {sorted(unknown)} are not columns")

    def with_columns(self, extra: Sequence[Column]) -> FrameSchema:
        """This schema with ``extra`` columns after its own (e.g. columns found in the data)."""
        if not extra:
            return self
        return dataclasses.replace(self, columns=(*self.columns, *extra))

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
            column.name: typed_series(read_column(records, column.path), column.dtype)
            for column in self.columns
        }
        return pd.DataFrame(data)

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


def read_column(records: Sequence[Any], path: Sequence[str]) -> list[Any]:
    """``read_path`` of every record, one step at a time across all of them: a dict or a
    model attribute is read inline, which keeps 100,000 records x 25 columns quick."""
    values = list(records)
    for step in path:
        models = {kind for kind in {type(value) for value in values} if issubclass(kind, BaseModel)}
        values = [
            value.get(step)
            if type(value) is dict
            else getattr(value, step, None)
            if type(value) in models
            else None
            if value is None
            else read_path(value, (step,))
            for value in values
        ]
    return values


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


def typed_series(values: list[Any], dtype: Dtype) -> pd.Series:
    """Cell values (any kind of missing, numpy scalars) as a series of the column's dtype."""
    if dtype.startswith("datetime"):
        return to_utc_datetimes(pd.Series(values, dtype="object"))
    if dtype == "string":
        values = [None if is_missing(v) else str(v) for v in values]
    return pd.Series(values, dtype=dtype)

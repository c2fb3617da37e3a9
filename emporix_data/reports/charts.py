"""Which chart a result gets: from a report's ``-- chart:`` line, else from its shape.

Pure: a ``ChartSpec`` names the kind and the columns, with axis titles in words; the
page turns it into a plotly figure. Shapes: one text and one number make a bar chart,
a date and a number a line, two texts and a number a grouped bar (or a heatmap when the
second text has many values), anything else no chart. Id columns are set aside when
their name column is there too, so charts name segments by name, not id.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, get_args

import pandas as pd

from emporix_data.reports.errors import ReportError

ChartKind = Literal["bar", "line", "pie", "heatmap", "none"]
CHART_KINDS: tuple[str, ...] = get_args(ChartKind)
# Above this many values in the colour column, a grouped bar becomes a heatmap.
MAX_GROUPS = 12
_ACRONYMS = {"b2b": "B2B", "b2c": "B2C", "id": "ID", "ids": "IDs"}
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[-_.\s]+")


@dataclass(frozen=True)
class ChartSpec:
    """A chart of a result. Bar, line, pie: ``x`` the category or date, ``y`` the number,
    ``color`` an optional grouping. Heatmap: ``x`` and ``y`` categories, ``color`` the
    number. ``problem`` says why a declared chart cannot be drawn for this result."""

    kind: ChartKind
    x: str | None = None
    y: str | None = None
    color: str | None = None
    problem: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name in (self.x, self.y, self.color) if name)

    @property
    def x_title(self) -> str:
        return words(self.x) if self.x else ""

    @property
    def y_title(self) -> str:
        return words(self.y) if self.y else ""

    @property
    def color_title(self) -> str:
        return words(self.color) if self.color else ""


NO_CHART = ChartSpec("none")


def words(name: str) -> str:
    """A column name as words for an axis: ``customerCount`` -> "Customer count"."""
    parts = [part for part in _WORD_BREAK.split(name) if part]
    spelled = [_ACRONYMS.get(part.lower(), _lower_unless_acronym(part)) for part in parts]
    text = " ".join(spelled) or name
    return text[0].upper() + text[1:]


def _lower_unless_acronym(part: str) -> str:
    return part if part.isupper() and len(part) > 1 else part.lower()


def parse_chart_line(text: str) -> ChartSpec:
    """``bar x=country y=customers color=segment`` (the text after ``-- chart:``)."""
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise ReportError(f"chart: {exc}") from None
    if not tokens or tokens[0] not in CHART_KINDS:
        raise ReportError(f"chart: the kind must be one of {', '.join(CHART_KINDS)}")
    fields: dict[str, str] = {}
    for token in tokens[1:]:
        key, sep, value = token.partition("=")
        if not sep or key not in ("x", "y", "color") or not value:
            raise ReportError(f"chart: {token!r} is not x=..., y=... or color=...")
        fields[key] = value
    kind: ChartKind = tokens[0]  # type: ignore[assignment]  # checked against CHART_KINDS
    return ChartSpec(kind, fields.get("x"), fields.get("y"), fields.get("color"))


def chart_for(frame: pd.DataFrame, declared: ChartSpec | None = None) -> ChartSpec:
    """The chart ``declared`` if its columns are in the result, else one from the shape."""
    if declared is not None:
        missing = [name for name in declared.columns if name not in frame.columns]
        if missing:
            return replace(NO_CHART, problem=f"chart: no column {', '.join(missing)} in the result")
        return declared
    return chart_from_shape(frame)


def chart_from_shape(frame: pd.DataFrame) -> ChartSpec:
    if frame.empty:
        return NO_CHART
    columns = _named_columns(frame)
    numbers = [name for name in columns if _is_number(frame[name])]
    dates = [name for name in columns if _is_date(frame[name])]
    texts = [name for name in columns if name not in numbers and name not in dates]
    if len(numbers) != 1 or len(columns) > 3 or not all(_is_text(frame[n]) for n in texts):
        return NO_CHART
    value = numbers[0]
    if len(dates) == 1 and len(texts) <= 1:
        return ChartSpec("line", dates[0], value, texts[0] if texts else None)
    if dates:
        return NO_CHART
    if len(texts) == 1:
        return ChartSpec("bar", texts[0], value)
    if len(texts) == 2:
        first, second = texts
        if frame[second].nunique() > MAX_GROUPS:
            return ChartSpec("heatmap", first, second, value)
        return ChartSpec("bar", first, value, second)
    return NO_CHART


def _named_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a chart may use: ``segmentId`` is left out when ``segmentName`` is there."""
    names = [str(name) for name in frame.columns]
    present = set(names)
    return [name for name in names if not _id_with_name(name, present)]


def _id_with_name(name: str, present: set[str]) -> bool:
    for suffix, named in (("Ids", "Names"), ("_ids", "_names"), ("Id", "Name"), ("_id", "_name")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + named in present
    return False


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_date(series: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(series))


def _is_text(series: pd.Series) -> bool:
    """Text, booleans and categories; lists and mixed objects are not chartable."""
    if pd.api.types.is_string_dtype(series) and not pd.api.types.is_object_dtype(series):
        return True
    if pd.api.types.is_bool_dtype(series) or isinstance(series.dtype, pd.CategoricalDtype):
        return True
    sample = series.dropna().head(100)
    return all(isinstance(value, str) for value in sample)


SEGMENT_ID_COLUMNS = ("segmentId", "segment_id")


def with_segment_names(
    frame: pd.DataFrame, spec: ChartSpec, names: Mapping[str, str]
) -> tuple[pd.DataFrame, ChartSpec]:
    """A chart of segment ids shows their names instead: a ``segmentId`` column the chart
    uses, in a result without its name column, becomes ``segment`` holding the names
    (``names``: id -> name; an id without a name stays as it is)."""
    present = {str(name) for name in frame.columns}
    for column in SEGMENT_ID_COLUMNS:
        if column not in spec.columns or column not in present or _id_with_name(column, present):
            continue
        target = next(
            name
            for name in ("segment", "segmentName", column)
            if name not in present or name == column
        )
        labels = frame[column].map(lambda value: names.get(value, value))
        named = frame.assign(**{column: labels}).rename(columns={column: target})
        renamed = {value: value for value in spec.columns} | {column: target}
        return named, replace(
            spec,
            x=renamed.get(spec.x or ""),
            y=renamed.get(spec.y or ""),
            color=renamed.get(spec.color or ""),
        )
    return frame, spec


def segment_labels(segments: pd.DataFrame) -> dict[str, str]:
    """Segment id -> its name, for charts; a name two segments share gets the id added,
    so that their bars stay apart. Segments without a name keep their id."""
    ids = segments["id"].astype("string")
    stripped = segments["name"].astype("string").str.strip()
    names = stripped.where(stripped != "").fillna(ids)
    shared = names.duplicated(keep=False)
    labels = names.where(~shared, names + " (" + ids + ")")
    return {str(i): str(label) for i, label in zip(ids, labels, strict=True) if pd.notna(i)}

"""Table pages: a list page read into its rows' cells and its documents' pack.

A page is read twice by msgspec, which is quicker than reading it once into models:
into a small typed view per document holding only the fields the table's columns read,
and into one slice per document, packed (``documents.py``). The views become the page's
cells (Arrow arrays) at once and are dropped; the frame is built from the cells of all
pages, which become its columns without a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import Any, Generic, TypeAlias, TypeVar

import msgspec
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from emporix_data.documents import DocumentPack, ListPage
from emporix_data.frames import Column, Dtype, FrameSchema, to_utc_datetimes
from emporix_data.resources.mixins import MIXINS, FoundFields, found_fields, is_mixin

V = TypeVar("V", bound=msgspec.Struct)
Cells: TypeAlias = pa.Array | pa.ChunkedArray
# The Arrow type a page's cells of each dtype are kept in until the frame is built;
# dates stay text, parsed once for the whole column.
ARROW_TYPES: dict[Dtype, pa.DataType] = {
    "string": pa.large_string(),
    "boolean": pa.bool_(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "datetime64[ns, UTC]": pa.large_string(),
}


class RefView(msgspec.Struct, gc=False):
    """The view of a reference embedded in a document (``{"id": ..., "name": ...}``)."""

    id: str | None = None
    name: str | None = None


@dataclass(frozen=True, eq=False)
class TablePage:
    """One page of a table: its rows' cells (one Arrow array per fixed column, found
    fields as text, see ``FoundFields``) and, where kept, its documents, packed, in API
    order."""

    rows: int
    cells: dict[str, pa.Array]
    found: FoundFields = field(default_factory=FoundFields)
    documents: DocumentPack | None = None

    def __len__(self) -> int:
        return self.rows


@dataclass(frozen=True)
class PageReader(Generic[V]):
    """Reads a list page into a ``TablePage`` of ``schema``'s columns.

    ``view`` is the typed view of one document (only the fields the columns read);
    ``constants`` are columns whose value is not in the documents but the same for the
    whole list (the segment a membership list was read from). With ``mixins``, each
    scalar field under the documents' ``mixins`` is kept as a found field.
    """

    schema: FrameSchema
    view: type[V]
    constants: Mapping[str, str] = field(default_factory=dict)
    mixins: bool = False

    @property
    def _views(self) -> msgspec.json.Decoder[list[Any]]:
        return _decoder(self.view)

    def __call__(self, page: ListPage, documents: bool = True) -> TablePage:
        """The page's cells, and its documents packed unless ``documents`` is false (an
        export needs none)."""
        pack = (page.pack or DocumentPack(page.raws)) if documents else None
        views = self._views.decode(page.content)
        columns = ViewColumns(views)
        cells = {column.name: self._cells(columns, column) for column in self.schema.columns}
        if not self.mixins:
            return TablePage(len(views), cells, documents=pack)
        found, texts = found_fields(columns((MIXINS,)))
        for name, values in texts.items():
            cells[name] = pa.array(values, pa.large_string())
        return TablePage(len(views), cells, found, pack)

    def _cells(self, columns: ViewColumns, column: Column) -> pa.Array:
        arrow_type = ARROW_TYPES[column.dtype]
        if column.name in self.constants:
            rows = len(columns(()))
            return pa.array([self.constants[column.name]] * rows, arrow_type)
        return arrow_cells(columns(column.path), arrow_type)


class ViewColumns:
    """Values at paths in each of a page's views (``None`` where a step is missing),
    each path's prefix read once for all columns under it (``primaryAddress``). Every
    step is a field (or property) of the view's type: a path it lacks is an error."""

    def __init__(self, views: Sequence[msgspec.Struct]) -> None:
        self._read: dict[tuple[str, ...], list[Any]] = {(): list(views)}

    def __call__(self, path: tuple[str, ...]) -> list[Any]:
        values = self._read.get(path)
        if values is None:
            get = attrgetter(path[-1])
            values = [None if value is None else get(value) for value in self(path[:-1])]
            self._read[path] = values
        return values


@cache
def _decoder(view: type[msgspec.Struct]) -> msgspec.json.Decoder[list[Any]]:
    """One decoder per view (readers differing only in ``constants`` share it).
    strict=False: "true" and "12" are read as a boolean and a number, as pydantic did."""
    return msgspec.json.Decoder(list[view], strict=False)  # type: ignore[valid-type]


def arrow_cells(values: list[Any], arrow_type: pa.DataType) -> pa.Array:
    """Cell values as an Arrow array; text columns take any value as its text."""
    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if arrow_type != pa.large_string():
            raise
        return pa.array([None if value is None else str(value) for value in values], arrow_type)


def schema_of_pages(base: FrameSchema, pages: Iterable[TablePage]) -> FrameSchema:
    """``base`` with a column for each field found in the pages (mixin fields)."""
    return base.with_columns(FoundFields.merged(page.found for page in pages).columns())


def take_frame(schema: FrameSchema, pages: Sequence[TablePage]) -> pd.DataFrame:
    """The pages' rows as a frame of ``schema`` (dtypes exactly as ``to_frame`` gives
    them); a column a page lacks is blank there. Each page's cells are taken out of it
    as its column is built: they become its chunks, not held twice."""
    if not sum(len(page) for page in pages):
        return schema.empty_frame()
    data = {}
    for column in schema.columns:
        found = is_mixin(column.name)
        cell_type = pa.large_string() if found else ARROW_TYPES[column.dtype]
        chunks = [_taken(page, column.name, cell_type) for page in pages]
        cells = pa.chunked_array(chunks, cell_type)
        data[column.name] = typed_cells(from_text(cells, column.dtype) if found else cells, column)
    return pd.DataFrame(data)


def _taken(page: TablePage, name: str, cell_type: pa.DataType) -> pa.Array:
    cells = page.cells.pop(name, None)
    return pa.nulls(len(page), cell_type) if cells is None else cells


def from_text(cells: Cells, dtype: Dtype) -> Cells:
    """A found field's text cells (``str`` of each value) as the column's type."""
    if dtype == "boolean":
        return pc.equal(cells, "True")
    if dtype in ("Int64", "Float64"):
        return pc.cast(cells, ARROW_TYPES[dtype])
    return cells


def typed_cells(cells: Cells, column: Column) -> pd.Series:
    """Arrow cells as a series of the column's dtype."""
    if column.dtype.startswith("datetime"):
        return to_utc_datetimes(pd.Series(_PANDAS_TYPES["string"].__from_arrow__(cells)))
    return pd.Series(_PANDAS_TYPES[column.dtype].__from_arrow__(cells))


_PANDAS_TYPES: dict[str, Any] = {
    "string": pd.StringDtype("pyarrow"),
    "boolean": pd.BooleanDtype(),
    "Int64": pd.Int64Dtype(),
    "Float64": pd.Float64Dtype(),
}

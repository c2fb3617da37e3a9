"""A table exported a page at a time: a million customers never held at once.

A table's columns are known only when every page is read (one per mixin field found
in any document), so each page's cells are spooled to a temporary Arrow file as they
arrive, and written to the export once the columns are known: one page in memory at a
time (plus the pages fetched ahead, see ``iter_pages``, and the part being written),
and the same file as the export of the loaded table (``write_frame``), typed and
formatted alike.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from emporix_data.client import EmporixClient
from emporix_data.export import ExportFormat, csv_text, json_text
from emporix_data.frames import FrameSchema
from emporix_data.pagination import ProgressCallback
from emporix_data.resources.mixins import FoundFields
from emporix_data.table_pages import TablePage, take_frame
from emporix_data.tables import TABLES

# Rows written at a time: few enough to stay small (~3 MB of cells at 10,000
# customers), many enough that building and writing a part costs little per row.
PART_ROWS = 10_000
# Formats a table can be written to a page at a time (``FrameFileWriter``).
STREAMED_FORMATS: tuple[ExportFormat, ...] = ("csv", "parquet", "json")


class FrameFileWriter:
    """A CSV, JSON or Parquet file written a part of a frame at a time (one page of a
    table that is never held whole), the same file ``write_frame`` writes of the whole
    frame. Every part has the same columns; the first one (which may be empty) gives the
    header or the Parquet schema. Use it as a context manager: the file is in place
    when the block ends without an error."""

    def __init__(self, path: Path, fmt: ExportFormat) -> None:
        if fmt not in STREAMED_FORMATS:
            raise ValueError(f"{fmt} files are written whole, not in parts")
        self.path = path
        self.fmt = fmt
        # Written aside and moved into place when complete: an export that fails half
        # way leaves no half file (and keeps an earlier one).
        self._part = path.with_name(path.name + ".part")
        self._text: io.TextIOWrapper | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._json_rows = 0

    def write(self, part: pd.DataFrame) -> None:
        if self.fmt in ("csv", "json"):
            first = self._text is None
            if self._text is None:
                self._text = self._part.open("w", encoding="utf-8", newline="")
            if self.fmt == "csv":
                self._text.write(csv_text(part, header=first))
            else:
                self._write_json(part, first)
            return
        if self._parquet is None:
            table = pa.Table.from_pandas(part, preserve_index=False)
            self._parquet = pq.ParquetWriter(self._part, table.schema)
        else:
            table = pa.Table.from_pandas(part, schema=self._parquet.schema, preserve_index=False)
        self._parquet.write_table(table)

    def _write_json(self, part: pd.DataFrame, first: bool) -> None:
        """The part's objects, after the bracket the first part opens the array with (the
        end of the block closes it) and after a comma where objects came before."""
        assert self._text is not None
        if first:
            self._text.write("[\n")
        if len(part):
            self._text.write(",\n" if self._json_rows else "")
            self._text.write(json_text(part)[2:-2])
            self._json_rows += len(part)

    def __enter__(self) -> FrameFileWriter:
        return self

    def __exit__(self, failure: type[BaseException] | None, *_: object) -> None:
        if self._text is not None:
            if failure is None and self.fmt == "json":
                self._text.write("\n]")
            self._text.close()
        if self._parquet is not None:
            self._parquet.close()
        if failure is None:
            self._part.replace(self.path)
        else:
            self._part.unlink(missing_ok=True)


def streams(fmt: ExportFormat) -> bool:
    """Whether a table is exported to ``fmt`` a page at a time (XLSX is written whole)."""
    return fmt in STREAMED_FORMATS


def export_table(
    client: EmporixClient,
    resource: str,
    path: Path,
    fmt: ExportFormat,
    progress: ProgressCallback | None = None,
) -> int:
    """Write every row of ``resource`` to ``path`` as ``fmt`` (see ``streams``), a page
    at a time; the number of rows written."""
    table = TABLES[resource]
    if not streams(fmt):
        raise ValueError(f"{fmt} files are not written a page at a time")
    return write_pages(table.load_pages(client, progress, False), table.schema, path, fmt)


def write_pages(
    pages: Iterable[TablePage], base: FrameSchema, path: Path, fmt: ExportFormat
) -> int:
    """The pages' rows written to ``path`` with ``base``'s columns and those found in
    them; the number of rows written."""
    with tempfile.TemporaryDirectory(prefix="emporix-export-") as spool:
        spooled = _Spool(Path(spool))
        for page in pages:
            spooled.add(page)
        schema = base.with_columns(FoundFields.merged(spooled.found).columns())
        with FrameFileWriter(path, fmt) as out:
            if not spooled.rows:
                out.write(schema.empty_frame())
            for pages_read in spooled.parts():
                out.write(take_frame(schema, pages_read))
        return spooled.rows


class _Spool:
    """Pages' cells in Arrow files, one per page, read back in order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.found: list[FoundFields] = []
        self.sizes: list[int] = []

    @property
    def rows(self) -> int:
        return sum(self.sizes)

    def add(self, page: TablePage) -> None:
        if not len(page):
            return
        with pa.OSFile(str(self._file(len(self.sizes))), "wb") as sink:
            batch = pa.record_batch(list(page.cells.values()), names=list(page.cells))
            with pa.ipc.new_file(sink, batch.schema) as writer:
                writer.write_batch(batch)
        self.found.append(page.found)
        self.sizes.append(len(page))

    def parts(self) -> Iterator[list[TablePage]]:
        """The pages read back in order, about ``PART_ROWS`` rows at a time."""
        part: list[TablePage] = []
        for number, size in enumerate(self.sizes):
            part.append(self._read(number, size))
            if sum(len(page) for page in part) >= PART_ROWS:
                yield part
                part = []
        if part:
            yield part

    def _read(self, number: int, size: int) -> TablePage:
        path = self._file(number)
        with pa.OSFile(str(path)) as source:
            batch = pa.ipc.open_file(source).get_batch(0)
            cells = {name: batch.column(name) for name in batch.schema.names}
        path.unlink()
        return TablePage(size, cells)

    def _file(self, number: int) -> Path:
        return self.directory / f"{number}.arrow"

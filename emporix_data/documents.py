"""API documents kept as the JSON the API sent, compressed a page at a time.

A write, an undo or a live comparison needs the whole document of a few rows, with
every field the API sent, known to us or not; the table itself needs none of them.
So each list page's documents are kept as one zlib block of their JSON (a 650 kB page
of customers is ~115 kB), and a document is decoded only when asked for. 100,000
customers cost ~12 MB so, where parsed models cost ~450 MB.
"""

from __future__ import annotations

import threading
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

import msgspec

from emporix_data.keys import Key

_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_DOCUMENT = msgspec.json.Decoder(dict[str, Any])
# Quick to pack (~7 ms a page) and still ~5x smaller than the JSON.
_LEVEL = 1


class ListPage:
    """A list page as fetched: its body (a JSON array), one ``Raw`` slice of it per
    document (no copy) and, where asked (``packed``), its documents packed already."""

    __slots__ = ("content", "pack", "raws")

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.raws = _RAW_LIST.decode(content)
        self.pack: DocumentPack | None = None

    @classmethod
    def packed(cls, content: bytes) -> ListPage:
        """The page with its documents packed: done on the thread that fetched it, where
        compressing (which releases the GIL) runs beside the reading of other pages."""
        page = cls(content)
        page.pack = DocumentPack(page.raws)
        return page

    def __len__(self) -> int:
        return len(self.raws)


class DocumentPack:
    """One page's documents: their JSON one after another, compressed, and where each
    ends."""

    __slots__ = ("_block", "_ends")

    def __init__(self, raws: Sequence[msgspec.Raw | bytes]) -> None:
        ends, position = array("L"), 0
        for raw in raws:
            position += memoryview(raw).nbytes
            ends.append(position)
        self._ends = ends
        self._block = zlib.compress(b"".join(raws), _LEVEL)

    def __len__(self) -> int:
        return len(self._ends)

    def unpacked(self) -> bytes:
        return zlib.decompress(self._block)

    def json_at(self, unpacked: bytes, position: int) -> memoryview:
        """Document ``position``'s JSON within this pack's ``unpacked`` bytes."""
        start = self._ends[position - 1] if position else 0
        return memoryview(unpacked)[start : self._ends[position]]


class RawDocuments(Mapping[Key, dict[str, Any]]):
    """The documents behind a table's rows, by key, in row order, from their packs;
    each decoded when asked for (a fresh dict every time: callers may change it).

    ``keys`` gives each row's key; it is asked once, when a document is first looked
    up. The last pack unpacked is kept, so reading rows in order unpacks each pack once.
    """

    def __init__(self, packs: Sequence[DocumentPack], keys: Callable[[], Sequence[Key]]) -> None:
        self._packs = list(packs)
        self._starts = [0]
        for pack in self._packs:
            self._starts.append(self._starts[-1] + len(pack))
        self._keys = keys
        self._lock = threading.Lock()
        self._unpacked: tuple[int, bytes] | None = None

    @cached_property
    def _index(self) -> dict[Key, int]:
        keys = self._keys()
        if len(keys) != self._starts[-1]:
            raise ValueError(f"{len(keys)} keys for {self._starts[-1]} documents")
        return {key: row for row, key in enumerate(keys)}

    def __getitem__(self, key: Key) -> dict[str, Any]:
        row = self._index[key]
        number = bisect_right(self._starts, row) - 1
        pack = self._packs[number]
        with self._lock:
            if self._unpacked is None or self._unpacked[0] != number:
                self._unpacked = (number, pack.unpacked())
            unpacked = self._unpacked[1]
        return _DOCUMENT.decode(pack.json_at(unpacked, row - self._starts[number]))

    def __iter__(self) -> Iterator[Key]:
        return iter(self._index)

    def __len__(self) -> int:
        return self._starts[-1]

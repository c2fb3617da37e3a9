"""Every item of a paged list endpoint, pages fetched concurrently, in API order.

Where the API tells the total (``X-Total-Count``), the pages after the first are
fetched concurrently; where it does not (customers), a window of ``concurrency``
speculative pages runs ahead, and the first short or empty page ends the list.

The specs document no maximum ``pageSize``, but a server may cap it (asked for 1,000,
it answers 100): read naively, its short first page would end the list. A short first
page therefore ends the list only where that is certain: the total says so, the query
cannot match more (``at_most``, e.g. a list of keys), or this path has served a full
page of that size before. Otherwise a second page of the size
served is asked for: a non-empty one (like a total beyond the first page) means a cap,
and paging goes on at the size the server honours, which the client remembers for the
path (``PageSizes``). Where a total is known, the items returned are counted against
it, and a difference is logged as a warning (``recorded_warnings`` collects them for a
command or a page to show).
"""

from __future__ import annotations

import gc
import itertools
import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from emporix_data.client import EmporixClient, QueryParams

T = TypeVar("T")
ProgressCallback = Callable[[int, int | None], None]
TOTAL_HEADER = "X-Total-Count"
log = logging.getLogger(__name__)


class Page(NamedTuple, Generic[T]):
    items: Sequence[T]
    total: int | None


# A page by its number and size.
PageFetcher = Callable[[int, int], Page[T]]


class PageSizes:
    """What a client learned of each list path: the largest page the server served in
    full (it honours that size), and the cap it turned out to have. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._full: dict[str, int] = {}
        self._caps: dict[str, int] = {}

    def size_for(self, path: str, asked: int) -> int:
        """The page size to ask for: ``asked``, or the path's cap if it is smaller."""
        with self._lock:
            return min(asked, self._caps.get(path, asked))

    def honours(self, path: str, size: int) -> bool:
        """True if ``path`` served a full page of ``size`` or more before."""
        with self._lock:
            return self._full.get(path, 0) >= size

    def served(self, path: str, size: int) -> None:
        with self._lock:
            self._full[path] = max(size, self._full.get(path, 0))

    def capped(self, path: str, size: int) -> None:
        with self._lock:
            self._caps[path] = size
            self._full[path] = max(size, self._full.get(path, 0))


def fetch_all(
    client: EmporixClient,
    path: str,
    parse: Callable[[bytes], Sequence[T]],
    *,
    params: QueryParams | None = None,
    page_size: int | None = None,
    total_header: bool = False,
    at_most: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[T]:
    """Every item of ``path``, pages of ``page_size`` (default: the configured size) or
    of the smaller size the server serves.

    With ``total_header`` the first page asks for ``X-Total-Count``; ``at_most`` says the
    query matches no more items than that (a first page that holds them ends the list);
    ``progress`` gets (items so far, total or None) after every page.
    """
    base = dict(params or {})

    def fetch(number: int, size: int) -> Page[T]:
        asks_total = total_header and number == 1
        response = client.request(
            "GET",
            path,
            params={**base, "pageNumber": number, "pageSize": size},
            headers={TOTAL_HEADER: "true"} if asks_total else None,
        )
        total = _int_or_none(response.headers.get(TOTAL_HEADER)) if asks_total else None
        return Page(parse(response.content), total)

    pager = _Pager(fetch, path, client.page_sizes, client.settings.concurrency, progress, at_most)
    with collector_paused():
        items, total = pager.all_items(page_size or client.settings.page_size)
    if total is not None and len(items) != total:
        log.warning(
            "%s: the API counted %d items but returned %d; the list may be incomplete "
            "(or changed while it was read): load it again to check",
            path,
            total,
            len(items),
        )
    return items


class _Pager(Generic[T]):
    """One listing: its pages by number, the size they are asked in, progress."""

    def __init__(
        self,
        fetch: PageFetcher[T],
        path: str,
        sizes: PageSizes,
        concurrency: int,
        progress: ProgressCallback | None,
        at_most: int | None,
    ) -> None:
        self.fetch = fetch
        self.path = path
        self.sizes = sizes
        self.concurrency = concurrency
        self.progress = progress
        self.pages: dict[int, Sequence[T]] = {}
        self.total: int | None = None
        self.at_most = at_most  # the most items the query can match, where known

    def got(self, number: int, page: Page[T], size: int) -> None:
        self.pages[number] = page.items
        if len(page.items) >= size:
            self.sizes.served(self.path, size)
        if self.progress:
            self.progress(sum(len(items) for items in self.pages.values()), self.total)

    def all_items(self, asked: int) -> tuple[list[T], int | None]:
        """The items of every page, and the total the API gave (or None)."""
        size = self.sizes.size_for(self.path, asked)
        first = self.fetch(1, size)
        self.total = first.total
        self.got(1, first, size)
        served = len(first.items)
        if served < size:
            if not self._capped_at(served, size):
                return self._items(max(self.pages)), self.total
            size = served
        return self._rest(size), self.total

    def _capped_at(self, served: int, size: int) -> bool:
        """Whether a first page of ``served`` < ``size`` items is a cap, not the end; a
        second page of ``served`` items is fetched where only it can tell."""
        total = self.total if self.total is not None else self.at_most
        if not served or (total is not None and total <= served):
            return False
        if self.total is None:
            if self.sizes.honours(self.path, size):
                return False
            second = self.fetch(2, served)
            if not second.items:
                return False
            self.got(2, second, served)
        self.sizes.capped(self.path, served)
        log.info(
            "%s: the API serves at most %d items per page; paging with that", self.path, served
        )
        return True

    def _rest(self, size: int) -> list[T]:
        """The pages after those fetched, concurrently, until the total or a short page."""
        pages = self.pages
        total = self.total
        if len(pages[max(pages)]) < size:
            return self._items(max(pages))
        last = max(1, math.ceil(total / size)) if total is not None else None
        numbers = itertools.count(max(pages) + 1)
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            running: dict[Future[Page[T]], int] = {}

            def submit_next() -> None:
                number = next(numbers)
                if last is None or number <= last:
                    running[pool.submit(self.fetch, number, size)] = number

            for _ in range(self.concurrency):
                submit_next()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    number = running.pop(future)
                    page = future.result()
                    self.got(number, page, size)
                    if len(page.items) < size and (last is None or number < last):
                        last = number
                    submit_next()
        return self._items(last if last is not None else max(pages))

    def _items(self, last: int) -> list[T]:
        return [item for number in range(1, last + 1) for item in self.pages.get(number, ())]


@contextmanager
def recorded_warnings() -> Iterator[list[str]]:
    """The pager's warnings (lists whose count differs from the API's total) logged while
    in the block, as messages for a command or a page to show."""
    messages: list[str] = []
    handler = _Collector(messages)
    log.addHandler(handler)
    try:
        yield messages
    finally:
        log.removeHandler(handler)


class _Collector(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are made.

    Parsed pages are hundreds of thousands of objects that all survive, and every full
    collection on the way walks all of them again: 100k customers parse in 0.7 s with
    the collector paused, 3.7 s without. Models hold no reference cycles, so pausing it
    frees nothing later than it should. Afterwards the new objects go straight to the
    oldest generation (freeze + unfreeze, unless something else froze objects): left
    young, they would be walked twice more on their way there. The collector is
    restored as found, so nested or concurrent pauses never leave it off.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

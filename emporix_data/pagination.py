"""Every item of a paged list endpoint, pages fetched concurrently, in API order.

Where the API tells the total (``X-Total-Count``), the pages after the first are
fetched concurrently; where it does not (customers), a window of ``concurrency``
speculative pages runs ahead, and the first short or empty page ends the list.

The specs document no maximum ``pageSize``, but a server may cap it (asked for 1,000,
it answers 100): read naively, its short first page would end the list. A short first
page therefore ends the list only where that is certain: the total says so, the query
cannot match more (``at_most``, e.g. a list of keys), or this path has served a full
page of that size before. Otherwise a second page of the size served is asked for: a
non-empty one (like a total beyond the first page) means a cap, and paging goes on at
the size the server honours, which the client remembers for the path (``PageSizes``).
Where a total is known, the items returned are counted against it, and a difference is
logged as a warning (``recorded_warnings`` collects them for a command or a page to show).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence, Sized
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from emporix_data.collector import collector_paused

if TYPE_CHECKING:
    from emporix_data.client import EmporixClient, QueryParams

T = TypeVar("T")
P = TypeVar("P", bound=Sized)
ProgressCallback = Callable[[int, int | None], None]
TOTAL_HEADER = "X-Total-Count"
log = logging.getLogger(__name__)


class Page(NamedTuple, Generic[P]):
    items: P
    total: int | None


# A page by its number and size.
PageFetcher = Callable[[int, int], Page[P]]


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
    """Every item of ``path`` (see ``iter_pages``), in API order."""
    pages = iter_pages(
        client,
        path,
        parse,
        params=params,
        page_size=page_size,
        total_header=total_header,
        at_most=at_most,
        progress=progress,
    )
    with collector_paused():
        return [item for page in pages for item in page]


def iter_pages(
    client: EmporixClient,
    path: str,
    parse: Callable[[bytes], P],
    *,
    params: QueryParams | None = None,
    page_size: int | None = None,
    total_header: bool = False,
    at_most: int | None = None,
    progress: ProgressCallback | None = None,
    lookahead: int | None = None,
) -> Iterator[P]:
    """Every page of ``path``, each read by ``parse`` (on the thread that fetched it), in
    API order as they arrive: pages of ``page_size`` (default: the configured size) or of
    the smaller size the server serves.

    At most ``concurrency`` requests are in flight, and at most ``lookahead`` pages
    (default: ``concurrency``) are fetched ahead of the one the caller is at: a slow
    caller slows the fetching down instead of piling pages up. With ``total_header`` the
    first page asks for ``X-Total-Count``; ``at_most`` says the query matches no more
    items than that (a first page that holds them ends the list); ``progress`` gets
    (items so far, total or None) after every page.
    """
    base = dict(params or {})

    def fetch(number: int, size: int) -> Page[P]:
        asks_total = total_header and number == 1
        response = client.request(
            "GET",
            path,
            params={**base, "pageNumber": number, "pageSize": size},
            headers={TOTAL_HEADER: "true"} if asks_total else None,
        )
        total = _int_or_none(response.headers.get(TOTAL_HEADER)) if asks_total else None
        return Page(parse(response.content), total)

    concurrency = client.settings.concurrency
    window = max(concurrency, lookahead or concurrency)
    pager = _Pager(fetch, path, client.page_sizes, concurrency, window, progress, at_most)
    yield from pager.pages(page_size or client.settings.page_size)
    if pager.total is not None and pager.count != pager.total:
        log.warning(
            "%s: the API counted %d items but returned %d; the list may be incomplete "
            "(or changed while it was read): load it again to check",
            path,
            pager.total,
            pager.count,
        )


class _Pager(Generic[P]):
    """One listing: the size its pages are asked in, the items so far, progress."""

    def __init__(
        self,
        fetch: PageFetcher[P],
        path: str,
        sizes: PageSizes,
        concurrency: int,
        window: int,
        progress: ProgressCallback | None,
        at_most: int | None,
    ) -> None:
        self.fetch = fetch
        self.path = path
        self.sizes = sizes
        self.concurrency = concurrency
        self.window = window  # pages fetched or fetching ahead of the caller, at most
        self.progress = progress
        self.count = 0  # items in the pages fetched so far
        self.total: int | None = None
        self.at_most = at_most  # the most items the query can match, where known

    def got(self, page: Page[P], size: int) -> None:
        self.count += len(page.items)
        if len(page.items) >= size:
            self.sizes.served(self.path, size)
        if self.progress:
            self.progress(self.count, self.total)

    def pages(self, asked: int) -> Iterator[P]:
        """Every page's items, in order."""
        size = self.sizes.size_for(self.path, asked)
        first = self.fetch(1, size)
        self.total = first.total
        self.got(first, size)
        served = len(first.items)
        yield first.items
        probe = None
        if served < size:
            capped, probe = self._capped_at(served, size)
            if not capped:
                return
            size = served
            if probe is not None:
                yield probe.items
                if len(probe.items) < size:
                    return
        yield from self._rest(2 if probe is None else 3, size)

    def _capped_at(self, served: int, size: int) -> tuple[bool, Page[P] | None]:
        """Whether a first page of ``served`` < ``size`` items is a cap, not the end, and
        the second page at the size served where only it could tell."""
        total = self.total if self.total is not None else self.at_most
        if not served or (total is not None and total <= served):
            return False, None
        probe = None
        if self.total is None:
            if self.sizes.honours(self.path, size):
                return False, None
            probe = self.fetch(2, served)
            if not probe.items:
                return False, None
            self.got(probe, served)
        self.sizes.capped(self.path, served)
        log.info(
            "%s: the API serves at most %d items per page; paging with that", self.path, served
        )
        return True, probe

    def _rest(self, start: int, size: int) -> Iterator[P]:
        """Pages ``start`` and on, concurrently, in order, until the total or a short page."""
        last = max(1, math.ceil(self.total / size)) if self.total is not None else None
        done: dict[int, Page[P]] = {}
        running: dict[Future[Page[P]], int] = {}
        following = ahead = start  # the next page to hand on; the next to ask for
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            try:
                while last is None or following <= last:
                    while (
                        len(running) < self.concurrency
                        and ahead < following + self.window
                        and (last is None or ahead <= last)
                    ):
                        running[pool.submit(self.fetch, ahead, size)] = ahead
                        ahead += 1
                    if following not in done:
                        finished, _ = wait(running, return_when=FIRST_COMPLETED)
                        for future in finished:
                            done[running.pop(future)] = future.result()
                        continue
                    page = done.pop(following)
                    self.got(page, size)
                    yield page.items
                    if len(page.items) < size:  # a short page ends the list
                        return
                    following += 1
            finally:
                for future in running:
                    future.cancel()


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


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

"""Everything a table page keeps between runs, as one object per table, tenant and site.

The page stores one ``TableState`` per table in its session and asks it; keys of widgets
that belong to a table (its grid, its selection grid, its filters) come from it too, so
that two sites of one table never share a widget.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import numpy as np
import pandas as pd

from emporix_data.filters import TableFilter, filter_mask, search_text
from emporix_data.keys import Key
from emporix_data.mapping import Directory
from emporix_data.push import PushReport
from emporix_data.tables import LoadedTable
from emporix_data.workspace.editor import EditorState
from emporix_data.workspace.uploads import UploadedFile
from emporix_data.workspace.views import FilterChoice
from emporix_data.workspace.working_copy import Workspace

LAST_PUSH = "Last push"
Changed = TypeVar("Changed")


@dataclass(frozen=True)
class Selection:
    """Rows chosen for the page's actions, by key: reloads and pushes keep them.
    ``round`` counts replacements; the selection grid starts afresh on each."""

    keys: tuple[Key, ...] = ()
    round: int = 0

    def replaced(self, keys: Iterable[Key]) -> Selection:
        return Selection(tuple(dict.fromkeys(keys)), self.round + 1)

    def ticked(self, shown: Sequence[Key], ticked: Collection[Key]) -> Selection:
        """The ticks on the rows shown decide those rows; rows not shown stay as they were."""
        visible = set(shown)
        chosen = set(self.keys)
        kept = [key for key in self.keys if key not in visible or key in ticked]
        added = [key for key in shown if key in ticked and key not in chosen]
        return Selection((*kept, *added), self.round)


# Builds search texts beside the page that shows the table (its Arrow work frees the GIL).
_SEARCHES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-text")


@dataclass(frozen=True, eq=False)
class SearchText:
    """``search_text`` of one working copy (~0.4 s at 100,000 rows), kept while it is it;
    built in the background from when the copy starts, so that neither the first view
    of the table nor its first search waits for all of it."""

    frame: pd.DataFrame
    text: Future[pd.Series]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> SearchText:
        return cls(frame, _SEARCHES.submit(search_text, frame))


@dataclass
class SiteChoice:
    """Which site a per-site table shows (the configured one unless chosen), and the
    sites opened so far in this session."""

    configured: str
    chosen: str = ""
    known: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chosen = self.chosen or self.configured
        self.known = self.known or [self.configured]

    def choose(self, site: str | None) -> str:
        """Show ``site`` from now on (blank: the configured one)."""
        self.chosen = (site or "").strip() or self.configured
        return self.chosen

    def remember(self, site: str | None) -> None:
        typed = (site or "").strip()
        if typed and typed not in self.known:
            self.known.append(typed)


@dataclass(eq=False)
class TableState:
    """One table of one tenant (and site): as loaded and when, its workspace, the last
    push's report (and what to say with it), the selection, the filters, the uploaded
    file, and what is kept to make reruns quick."""

    name: str
    tenant: str
    site: str | None = None
    workspace: Workspace | None = None
    loaded_at: datetime | None = None
    report: PushReport | None = None
    report_heading: str = LAST_PUSH
    report_notes: tuple[str, ...] = ()
    stale: bool = False
    selection: Selection = Selection()
    directory: Directory | None = None  # what rows may refer to and files may name
    upload: UploadedFile | None = None
    # Counts files pushed: the uploader is shown under a new key after each (detached).
    upload_round: int = 0
    filters: FilterChoice = field(default_factory=FilterChoice)
    # Counts filters set at once (a saved view): their widgets start afresh after each.
    filter_round: int = 0
    # Counts changes of the working copy: the grid is shown under a new key after each.
    generation: int = 0
    search: SearchText | None = None

    @property
    def scope(self) -> str:
        return f"{self.tenant}:{self.site}" if self.site else self.tenant

    @property
    def work(self) -> Workspace:
        if self.workspace is None:
            raise LookupError(f"{self.name} is not loaded")
        return self.workspace

    @property
    def loaded(self) -> LoadedTable:
        return self.work.loaded

    def widget_key(self, part: str) -> str:
        """A widget's key: per site on per-site tables, so that sites never share one."""
        return f"{self.name}:{part}:{self.site}" if self.site else f"{self.name}:{part}"

    @property
    def upload_key(self) -> str:
        """The uploader's key: a new one after each pushed file, which detaches it."""
        return self.widget_key(f"upload:{self.upload_round}" if self.upload_round else "upload")

    def filter_key(self, part: str) -> str:
        """A filter widget's key: a new one after each choice of filters set at once."""
        return self.widget_key(f"{part}:{self.filter_round}" if self.filter_round else part)

    def choose_filters(self, choice: FilterChoice) -> None:
        """Filter by ``choice`` from now on, its widgets starting afresh from it."""
        self.filters = choice
        self.filter_round += 1

    def editor_key(self, spec: TableFilter) -> str:
        """The grid's key: a new one whenever its rows or columns change."""
        hidden = f"{zlib.crc32(repr(self.filters.hidden).encode()):08x}"
        return f"editor:{self.name}:{self.scope}:{self.generation}:{_signature(spec)}:{hidden}"

    def selection_key(self, spec: TableFilter) -> str:
        return (
            f"select:{self.name}:{self.scope}:{self.generation}:{self.selection.round}:"
            f"{_signature(spec)}"
        )

    def start(self, loaded: LoadedTable, when: datetime) -> None:
        """Begin again from ``loaded``: pending edits go, and the table is current."""
        self.workspace = Workspace(loaded)
        self.loaded_at = when
        self.stale = False
        self.search = SearchText.of(self.work.frame)
        self.generation += 1

    def pushed(self, report: PushReport, reloaded: LoadedTable, when: datetime) -> None:
        """After a push of the plan planned last: the table as reloaded, with the rows that
        did not apply pending, and the grid's invalid rows (never sent) too. A pushed file
        is detached: its rows are applied, or pending now, or were invalid (said so)."""
        plan = self.work.plans.kept
        errors = len({error.row for error in plan.errors}) if plan else 0
        invalid = None
        if self.upload is not None:
            self.upload = None
            self.upload_round += 1
            notes = [f"{_rows(errors, 'invalid row')} of the file not pushed: fix, upload again."]
        else:
            invalid = self.work.invalid_rows(plan) if plan and errors else None
            verb = "was" if errors == 1 else "were"
            still = "is" if errors == 1 else "are"
            notes = [f"{_rows(errors, 'invalid row')} {verb} not pushed and {still} still pending."]
        self.report, self.report_heading = report, LAST_PUSH
        self.report_notes = tuple(notes) if errors else ()
        self.start(reloaded, when)
        self.work.keep_pending(report.problems, invalid)

    def forget(self, report: PushReport | None = None, heading: str = LAST_PUSH) -> None:
        """After a push made elsewhere (``report``, told under ``heading``): load again on
        the next visit, or, where edits are pending, mark the table stale instead of
        dropping them."""
        if report is not None:
            self.report, self.report_heading, self.report_notes = report, heading, ()
        if self.workspace is None:
            return
        if self.workspace.has_pending():
            self.stale = True
        else:
            self.workspace = None

    def dismiss_report(self) -> None:
        self.report, self.report_notes = None, ()

    def fold(self, live: EditorState | None = None) -> None:
        """Keep the grid's edits in the working copy (see ``Workspace.fold``)."""
        if self.work.fold(live):
            self.generation += 1

    def add_rows(self, rows: pd.DataFrame) -> None:
        self.work.add_rows(rows)
        self.generation += 1

    def edit(self, change: Callable[[Workspace], Changed]) -> Changed:
        """Change the working copy as a whole (revert, discard, a bulk edit) and return
        what ``change`` does; the grid then shows it under a new key."""
        result = change(self.work)
        self.generation += 1
        return result

    def remove_rows(self, keys: Iterable[Key]) -> int:
        removed = self.work.remove_rows(keys)
        self.generation += 1
        return removed

    def select(self, keys: Iterable[Key]) -> None:
        self.selection = self.selection.replaced(keys)

    def selected_rows(self) -> pd.DataFrame:
        """The working copy's selected rows."""
        return self.work.rows_with_keys(self.selection.keys)

    def search_text(self) -> pd.Series:
        """The working copy's ``search_text``, built once per working copy."""
        frame = self.work.frame
        if self.search is None or self.search.frame is not frame:
            self.search = SearchText.of(frame)
        return self.search.text.result()

    def kept_search_text(self, frame: pd.DataFrame) -> pd.Series | None:
        """The search text kept for ``frame``, if it is the working copy it was built for."""
        return self.search.text.result() if self.search and self.search.frame is frame else None

    def mask(self, frame: pd.DataFrame, spec: TableFilter) -> np.ndarray:
        """``filter_mask``, with the kept search text where ``frame`` is the working copy."""
        search = None
        if spec.text.strip() and frame is self.work.frame:
            search = self.search_text()
        return filter_mask(frame, spec, search)


def _rows(count: int, noun: str) -> str:
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def _signature(spec: TableFilter) -> str:
    return f"{zlib.crc32(spec.signature().encode()):08x}"

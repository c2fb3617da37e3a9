"""What the Reports page keeps between runs, as one object per tenant.

The engine is kept while the frames it reads are the same objects (the tables as the
table pages loaded them), so ``customer_360`` is built once and every later query over
it is a scan; a table loaded again, or one loaded for the first time, makes a new one.
Legal entities and segments are loaded once per session and kept here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from emporix_data.reports.charts import ChartSpec
from emporix_data.reports.engine import ReportEngine, ReportResult


@dataclass(frozen=True)
class ReportRun:
    """A query the page ran and what came of it: a result, or a one-line error.
    ``report`` names the saved report it came from, if any."""

    title: str
    sql: str
    params: Mapping[str, object] = field(default_factory=dict)
    declared: ChartSpec | None = None
    report: str | None = None
    result: ReportResult | None = None
    error: str | None = None


@dataclass(eq=False)
class ReportSession:
    """The last run, legal entities and segments, and the engine over the loaded tables."""

    tenant: str
    references: dict[str, pd.DataFrame] = field(default_factory=dict)
    last: ReportRun | None = None
    _engine: ReportEngine | None = None
    _sources: dict[str, pd.DataFrame] = field(default_factory=dict)

    def engine_for(self, frames: Mapping[str, pd.DataFrame]) -> ReportEngine:
        """An engine over ``frames``: the kept one while they are the very same frames."""
        same = frames.keys() == self._sources.keys() and all(
            frames[name] is self._sources[name] for name in frames
        )
        if self._engine is None or not same:
            self.close()
            self._engine = ReportEngine(frames)
            self._sources = dict(frames)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = None
        self._sources = {}

    def forget_tables(self) -> None:
        """Load legal entities and segments again, and build a new engine, on the next run."""
        self.references.clear()
        self.close()

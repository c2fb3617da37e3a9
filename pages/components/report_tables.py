"""The tables a report reads, loaded once: the table pages' loads are reused (and a
table loaded here is there when its page opens); legal entities and segments are
loaded once per session. Missing tables load together, with a bar per table."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillLoading
from dataclasses import replace
from datetime import datetime

import pandas as pd
import streamlit as st

from emporix_data.reports import ReportError
from emporix_data.reports.catalog import TABLE_SCHEMAS, tables_needed
from emporix_data.reports.charts import segment_labels
from emporix_data.reports.loading import (
    RESOURCE_TABLES,
    ReportSource,
    load_report_sources,
    source_frame,
)
from emporix_data.reports.running import check_query
from emporix_data.reports.session import ReportRun
from emporix_data.tables import LoadedTable
from emporix_data.workspace import TableState
from pages.common import get_client
from pages.components.loading import FAILURES
from pages.components.state import report_session, report_table_state

POLL_S = 0.2


def _state(name: str) -> TableState:
    return report_table_state(RESOURCE_TABLES[name])


def _is_loaded(name: str) -> bool:
    if name in RESOURCE_TABLES:
        return _state(name).workspace is not None
    return name in report_session().references


def report_frames(names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Every report table loaded in this session, ``names`` among them (loaded now where
    they are not). Reports read the tables as loaded from the API, not pending edits."""
    missing = [name for name in TABLE_SCHEMAS if name in set(names) and not _is_loaded(name)]
    if missing:
        _keep(_load(missing))
    frames = {
        name: _state(name).loaded.frame
        for name in TABLE_SCHEMAS
        if name in RESOURCE_TABLES and _is_loaded(name)
    }
    frames.update(report_session().references)
    return {name: frames[name] for name in TABLE_SCHEMAS if name in frames}


def run_report(run: ReportRun) -> ReportRun:
    """``run`` with its result or its one-line error. The query is checked on empty tables
    first, so that a mistake is reported before anything is loaded."""
    try:
        check_query(run.sql, run.params)
        frames = report_frames(tables_needed(run.sql))
        result = report_session().engine_for(frames).run(run.sql, run.params)
    except ReportError as exc:
        return replace(run, error=str(exc))
    return replace(run, result=result)


def segment_names() -> dict[str, str]:
    """Segment id -> name, for charts (segments loaded once per session)."""
    return segment_labels(report_frames(["segments"])["segments"])


def _keep(sources: dict[str, ReportSource]) -> None:
    now = datetime.now()
    for name, source in sources.items():
        if isinstance(source, LoadedTable):
            _state(name).start(source, now)
        else:
            report_session().references[name] = source_frame(source)


def _load(names: list[str]) -> dict[str, ReportSource]:
    """Load ``names`` in a worker thread; this (the script's) thread draws the bars."""
    seen: dict[str, tuple[int, int | None]] = {}
    bars = {name: st.progress(0.0, text=f"Loading {_title(name)}…") for name in names}

    def record(name: str, done: int, total: int | None) -> None:
        seen[name] = (done, total)

    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(load_report_sources, get_client(), names, record)
        while True:
            try:
                sources = loading.result(timeout=POLL_S)
                break
            except StillLoading:
                for name, (done, total) in dict(seen).items():
                    share = min(done / total, 1.0) if total else 0.5
                    of = f"{total:,}" if total else "?"
                    bars[name].progress(share, text=f"Loading {_title(name)}… {done:,} of {of}")
            except FAILURES as exc:
                for bar in bars.values():
                    bar.empty()
                st.error(f"Loading the tables failed: {exc}")
                st.stop()
    for bar in bars.values():
        bar.empty()
    return sources


def _title(name: str) -> str:
    return name.replace("_", " ")

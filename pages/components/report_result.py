"""A report's result: the grid (capped; the whole result downloads), its chart, the
downloads in every format, and "save as report"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from emporix_data.export import FORMATS, MEDIA_TYPES, ExportFormat
from emporix_data.reports import ChartSpec, ReportError, save_report
from emporix_data.reports.files import result_bytes
from emporix_data.reports.session import ReportRun
from pages.common import count_of
from pages.components.report_chart import result_chart

KEY = "reports:result"


def result_section(run: ReportRun, reports_dir: Path) -> None:
    """The last run's result, or its error."""
    st.subheader(run.title)
    if run.error is not None:
        st.error(run.error, icon=":material/error:")
        return
    result = run.result
    if result is None:
        return
    frame = result.frame
    size = f"{count_of(len(frame), 'row')} in {result.elapsed_s:.2f} s"
    if result.capped:
        size += f"; the first {result.display_rows:,} are shown, downloads hold all"
    st.caption(size + ".")
    st.dataframe(result.shown, hide_index=True, key=f"{KEY}:grid")
    chart = result_chart(result.shown, run.declared, key=f"{KEY}:chart")
    _downloads(frame, run.report or "report")
    _save_form(run, chart, reports_dir)


def _downloads(frame: pd.DataFrame, name: str) -> None:
    slots = st.columns(len(FORMATS) + 2)
    slots[0].markdown("**Download**")
    for slot, fmt in zip(slots[1:], FORMATS, strict=False):
        slot.download_button(
            fmt.upper(),
            data=_file(frame, fmt),
            file_name=f"{name}.{fmt}",
            mime=MEDIA_TYPES[fmt],
            key=f"{KEY}:download:{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )


def _file(frame: pd.DataFrame, fmt: ExportFormat) -> Callable[[], bytes]:
    """The file of the whole result, built only when its download is clicked."""
    return lambda: result_bytes(frame, fmt)


def _chart_line(chart: ChartSpec) -> str:
    if chart.kind == "none" or chart.problem:
        return ""
    named = (("x", chart.x), ("y", chart.y), ("color", chart.color))
    return " ".join([chart.kind, *(f"{key}={value}" for key, value in named if value)])


def _save_form(run: ReportRun, chart: ChartSpec, reports_dir: Path) -> None:
    with (
        st.expander("Save as report", icon=":material/save:"),
        st.form(f"{KEY}:save", border=False),
    ):
        name = st.text_input(
            "Name (the file name: letters, digits, _ and -)", value=run.report or ""
        )
        title = st.text_input("Title", value=run.title if run.report else "")
        description = st.text_input("Description")
        chart_line = st.text_input(
            "Chart",
            value=_chart_line(chart),
            help="bar, line, pie or heatmap, then x=..., y=..., color=... (empty: none)",
        )
        overwrite = st.checkbox("Replace a report of this name in your folder")
        st.caption(f"Saved as a .sql file in {reports_dir}.")
        if not st.form_submit_button("Save", icon=":material/save:"):
            return
    try:
        saved = save_report(
            reports_dir,
            name.strip(),
            run.sql,
            title=title,
            description=description,
            chart=chart_line.strip() or None,
            overwrite=overwrite,
        )
    except (ReportError, OSError) as exc:
        st.error(f"Not saved: {exc}")
        return
    st.success(f"Saved as {saved.path}: pick it under Saved report.", icon=":material/check:")

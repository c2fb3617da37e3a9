"""A result's chart: the plotly figure a ``ChartSpec`` describes, axis titles in words,
segments by name."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from emporix_data.reports.charts import ChartSpec, chart_for, with_segment_names, words
from pages.components.report_tables import segment_names

# Bars, slices and cells beyond this many rows are no longer readable (nor quick to draw).
MAX_CATEGORY_ROWS = 1_000
CATEGORY_CHARTS = ("bar", "pie", "heatmap")


def figure(frame: pd.DataFrame, spec: ChartSpec, title: str = "") -> go.Figure | None:
    """The figure of ``spec`` (None for ``none``); every axis and legend titled in words."""
    labels = {str(name): words(str(name)) for name in frame.columns}
    if spec.kind == "bar":
        return px.bar(
            frame, x=spec.x, y=spec.y, color=spec.color, barmode="group", labels=labels, title=title
        )
    if spec.kind == "line":
        return px.line(
            frame, x=spec.x, y=spec.y, color=spec.color, markers=True, labels=labels, title=title
        )
    if spec.kind == "pie":
        return px.pie(frame, names=spec.x, values=spec.y, labels=labels, title=title)
    if spec.kind == "heatmap" and spec.x and spec.y and spec.color:
        matrix = frame.pivot_table(index=spec.y, columns=spec.x, values=spec.color, aggfunc="sum")
        return px.imshow(
            matrix,
            text_auto=True,
            aspect="auto",
            labels={"x": spec.x_title, "y": spec.y_title, "color": spec.color_title},
            title=title,
        )
    return None


def chart_spec(
    frame: pd.DataFrame, declared: ChartSpec | None, names: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, ChartSpec]:
    """The chart ``frame`` gets, and the frame to draw it from (segment ids as names)."""
    spec = chart_for(frame, declared)
    if names is None and any(column in spec.columns for column in ("segmentId", "segment_id")):
        names = segment_names()
    return with_segment_names(frame, spec, names or {})


def result_chart(frame: pd.DataFrame, declared: ChartSpec | None, key: str) -> ChartSpec:
    """Draw the result's chart (or say why there is none); returns the chart drawn."""
    drawn, spec = chart_spec(frame, declared)
    if spec.kind in CATEGORY_CHARTS and len(drawn) > MAX_CATEGORY_ROWS:
        st.caption(
            f"No chart: {len(drawn):,} rows are too many for a {spec.kind} chart "
            f"(at most {MAX_CATEGORY_ROWS:,}); group them further."
        )
        return spec
    shown = figure(drawn, spec)
    if spec.problem:
        st.caption(spec.problem)
    elif shown is not None:
        st.plotly_chart(shown, key=key)
    elif declared is None:
        st.caption("No chart: a chart needs one or two text columns or a date, and a number.")
    return spec

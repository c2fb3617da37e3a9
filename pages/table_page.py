"""The page every resource shares: load, filter, edit, review, push, round-trip files.

Pending edits live in our own session state (a working copy of the whole table), not in
the grid widget: the grid shows a snapshot of the working copy for the current filter,
and its edits are folded back into the working copy on every run, so that changing a
filter or a page never throws edits away (streamlit#7749).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from emporix_data.changes import ChangePlan, build_plan
from emporix_data.errors import EmporixError
from emporix_data.export import FORMATS, MEDIA_TYPES, frame_bytes, read_table_file
from emporix_data.filters import TableFilter, date_columns, filter_mask, picker_columns
from emporix_data.frames import FrameSchema
from emporix_data.push import PushReport, push_plan
from emporix_data.tables import TABLES, LoadedTable, ResourceTable, load_references, load_table
from pages.common import get_client, get_connection

DELETE_CONFIRMATION_THRESHOLD = 20
GRID_ROW_LIMIT = 5_000


def _state_key(name: str, part: str) -> str:
    return f"{name}:{part}:{get_connection().settings.tenant}"


def loaded_table(name: str, *, reload: bool = False) -> LoadedTable:
    """The table as loaded from the API (once per session, or again on Reload)."""
    key = _state_key(name, "loaded")
    if reload or key not in st.session_state:
        bar = st.progress(0.0, text=f"Loading {TABLES[name].title.lower()}…")

        def progress(done: int, total: int | None) -> None:
            share = done / total if total else 0.5
            bar.progress(min(share, 1.0), text=f"Loading… {done:,} of {total or '?'}")

        try:
            loaded = load_table(get_client(), name, progress)
        except EmporixError as exc:
            bar.empty()
            st.error(f"Loading failed: {exc}")
            st.stop()
        bar.empty()
        st.session_state[key] = (loaded, datetime.now())
        st.session_state[_state_key(name, "work")] = loaded.frame.copy()
        st.session_state.pop(_state_key(name, "view"), None)
    return st.session_state[key][0]


def working_frame(name: str) -> pd.DataFrame:
    return st.session_state[_state_key(name, "work")]


def column_config(schema: FrameSchema) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for column in schema.columns:
        common = {"help": column.description or None, "disabled": not column.editable}
        if column.options:
            config[column.name] = st.column_config.SelectboxColumn(
                column.name, options=list(column.options), **common
            )
        elif column.dtype == "boolean":
            config[column.name] = st.column_config.CheckboxColumn(column.name, **common)
        elif column.dtype.startswith("datetime"):
            config[column.name] = st.column_config.DatetimeColumn(column.name, **common)
        elif column.dtype in ("Int64", "Float64"):
            config[column.name] = st.column_config.NumberColumn(column.name, **common)
        else:
            config[column.name] = st.column_config.TextColumn(column.name, **common)
    return config


def filter_controls(name: str, schema: FrameSchema, frame: pd.DataFrame) -> TableFilter:
    with st.expander("Filters", expanded=False, icon=":material/filter_list:"):
        text = st.text_input("Search all columns", key=f"{name}:search")
        picks: dict[str, list[object]] = {}
        pickers = picker_columns(schema)
        for index, column in enumerate(pickers):
            if index % 4 == 0:
                slots = st.columns(4)
            values = sorted({v for v in frame[column].dropna().unique().tolist()}, key=str)
            if len(values) > 200:
                continue
            picks[column] = slots[index % 4].multiselect(
                column, values, key=f"{name}:pick:{column}"
            )
        dates: dict[str, tuple[Any, Any]] = {}
        for column in date_columns(schema):
            chosen = st.date_input(
                f"{column} between", value=(), key=f"{name}:dates:{column}", format="YYYY-MM-DD"
            )
            if isinstance(chosen, tuple) and len(chosen) == 2:
                dates[column] = (chosen[0], chosen[1])
    return TableFilter(text=text, picks=picks, dates=dates)


def apply_editor_state(snapshot: pd.DataFrame, state: dict[str, Any]) -> pd.DataFrame:
    """The snapshot with the grid's edits, additions and deletions applied."""
    edited = snapshot.copy()
    for position, changes in (state.get("edited_rows") or {}).items():
        label = snapshot.index[int(position)]
        for column, value in changes.items():
            edited.loc[label, column] = value
    deleted = [snapshot.index[int(p)] for p in state.get("deleted_rows") or []]
    edited = edited.drop(index=deleted)
    added = state.get("added_rows") or []
    if added:
        start = int(st.session_state.get("next_label", 10**9))
        labels = range(start, start + len(added))
        st.session_state["next_label"] = start + len(added)
        rows = pd.DataFrame(list(added), index=list(labels), columns=snapshot.columns)
        edited = pd.concat([edited, rows.astype(snapshot.dtypes.to_dict())])
    return edited


def fold_edits(name: str, view_key: str) -> None:
    """Move the grid's pending edits of the current view into the working copy."""
    view = st.session_state.get(_state_key(name, "view"))
    if not view:
        return
    old_key, snapshot = view
    state = st.session_state.get(old_key)
    if not state:
        return
    work = working_frame(name)
    edited = apply_editor_state(snapshot, state)
    kept = work.drop(index=snapshot.index)
    st.session_state[_state_key(name, "work")] = pd.concat([kept, edited]).sort_index()
    st.session_state.pop(old_key, None)


def add_pending_rows(name: str, rows: pd.DataFrame) -> None:
    """Append new rows to the working copy (after keeping the grid's pending edits)."""
    view = st.session_state.get(_state_key(name, "view"))
    if view:
        fold_edits(name, view[0])
    work = working_frame(name)
    start = int(work.index.max()) + 1 if len(work) else 0
    added = rows.reindex(columns=work.columns).astype(work.dtypes.to_dict())
    added.index = pd.RangeIndex(start, start + len(added))
    st.session_state[_state_key(name, "work")] = pd.concat([work, added])
    st.session_state.pop(_state_key(name, "view"), None)
    st.session_state[_state_key(name, "generation")] = (
        st.session_state.get(_state_key(name, "generation"), 0) + 1
    )


def grid(name: str, table: ResourceTable, spec: TableFilter) -> pd.DataFrame:
    """Show the editor for the filtered working copy; return the whole edited table."""
    generation = st.session_state.get(_state_key(name, "generation"), 0)
    view_key = f"editor:{name}:{generation}:{zlib.crc32(spec.signature().encode()):08x}"
    view = st.session_state.get(_state_key(name, "view"))
    if not view or view[0] != view_key:
        fold_edits(name, view_key)
        work = working_frame(name)
        snapshot = work[filter_mask(work, spec)]
        if len(snapshot) > GRID_ROW_LIMIT:
            snapshot = snapshot.iloc[:GRID_ROW_LIMIT]
        st.session_state[_state_key(name, "view")] = (view_key, snapshot)
    snapshot = st.session_state[_state_key(name, "view")][1]
    work = working_frame(name)
    st.caption(
        f"{len(snapshot):,} of {len(work):,} rows shown"
        + (
            f" (first {GRID_ROW_LIMIT:,}: filter to see others)"
            if len(snapshot) == GRID_ROW_LIMIT
            else ""
        )
    )
    st.data_editor(
        snapshot,
        key=view_key,
        column_config=column_config(table.schema),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
    )
    edited_view = apply_editor_state(snapshot, st.session_state.get(view_key) or {})
    return pd.concat([work.drop(index=snapshot.index), edited_view]).sort_index()


def references_for(table: ResourceTable):
    key = _state_key(table.name, "references")
    if key not in st.session_state:
        st.session_state[key] = load_references(get_client(), table.references)
    return st.session_state[key]


def review(table: ResourceTable, plan: ChangePlan) -> None:
    counts = plan.counts()
    cols = st.columns(4)
    for slot, (label, value) in zip(
        cols,
        [
            ("Creates", counts["create"]),
            ("Updates", counts["update"]),
            ("Deletes", counts["delete"]),
            ("Invalid rows", counts["invalid"]),
        ],
        strict=True,
    ):
        slot.metric(label, value)
    if plan.changes:
        st.dataframe(plan.changes_frame(), hide_index=True, width="stretch")
    for notice in plan.notices:
        st.caption(notice)
    if plan.errors:
        st.warning("These rows are invalid and will not be pushed:")
        st.dataframe(plan.errors_frame(), hide_index=True, width="stretch")


def push_section(name: str, table: ResourceTable, plan: ChangePlan, loaded: LoadedTable) -> None:
    if not plan.changes:
        return
    deletes = len(plan.deletes)
    confirmed = True
    if deletes > DELETE_CONFIRMATION_THRESHOLD:
        typed = st.text_input(f"Type DELETE {deletes} to confirm deleting {deletes} rows")
        confirmed = typed.strip() == f"DELETE {deletes}"
    if st.button(
        f"Push {len(plan.changes)} changes",
        type="primary",
        disabled=not confirmed,
        key=f"{name}:push",
    ):
        bar = st.progress(0.0, text="Pushing…")

        def progress(update: Any) -> None:
            eta = f", about {update.eta_s:.0f} s left" if update.eta_s is not None else ""
            bar.progress(
                update.done / update.total,
                text=f"{update.done} of {update.total} ({update.failed} failed{eta})",
            )

        report = push_plan(get_client(), table, plan, loaded.documents, progress=progress)
        bar.empty()
        after_push(name, report)
        st.rerun()


def after_push(name: str, report: PushReport) -> None:
    """Reload; keep every failed or conflicting row as a pending edit."""
    st.session_state[_state_key(name, "report")] = report
    problems = report.problems
    loaded = loaded_table(name, reload=True)
    work = loaded.frame.copy()
    key_columns = list(loaded.table.schema.key)
    for result in problems:
        change = result.change
        match = (
            (
                work[key_columns].astype("string")
                == ["" if v is None else str(v) for v in change.key]
            )
            .fillna(False)
            .all(axis=1)
            if None not in change.key
            else None
        )
        if change.kind == "delete" and match is not None:
            work = work[~match.to_numpy()]
        elif change.kind == "update" and match is not None:
            for column, value in change.values.items():
                work.loc[match.to_numpy(), column] = value
        elif change.kind == "create":
            row = pd.DataFrame([change.values], columns=work.columns).astype(work.dtypes.to_dict())
            work = pd.concat([work, row.set_axis([work.index.max() + 1 if len(work) else 0])])
    st.session_state[_state_key(name, "work")] = work
    st.session_state[_state_key(name, "generation")] = (
        st.session_state.get(_state_key(name, "generation"), 0) + 1
    )


def last_report(name: str, table: ResourceTable) -> None:
    report: PushReport | None = st.session_state.get(_state_key(name, "report"))
    if report is None:
        return
    counts = report.counts()
    message = (
        f"Last push: {counts['applied']} applied, {counts['failed']} failed, "
        f"{counts['conflict']} conflicts."
    )
    (st.warning if report.problems else st.success)(message)
    if report.problems:
        st.dataframe(report.frame().query("outcome != 'applied'"), hide_index=True)
        st.download_button(
            "Download failed rows (fix and upload again)",
            data=frame_bytes(report.error_file_frame(table), "csv"),
            file_name=f"{name}-failed.csv",
            mime="text/csv",
        )


def files_section(name: str, table: ResourceTable, view: pd.DataFrame) -> pd.DataFrame | None:
    """Downloads of the filtered table; an uploaded edited file, read as a frame."""
    with st.expander("Files: export, or edit in a spreadsheet", icon=":material/download:"):
        slots = st.columns(len(FORMATS))
        for slot, fmt in zip(slots, FORMATS, strict=True):
            slot.download_button(
                f"{fmt.upper()}",
                data=lambda fmt=fmt: frame_bytes(view, fmt),
                file_name=f"{name}.{fmt}",
                mime=MEDIA_TYPES[fmt],
                key=f"{name}:download:{fmt}",
            )
        upload = st.file_uploader(
            "Upload an edited CSV or XLSX (optional `_action` column: upsert, update, "
            "create, delete, ignore)",
            type=["csv", "xlsx"],
            key=f"{name}:upload",
        )
    if upload is None:
        return None
    try:
        return read_table_file(upload.getvalue(), "xlsx" if upload.name.endswith("xlsx") else "csv")
    except Exception as exc:  # a damaged file: say so, lose nothing
        st.error(f"Cannot read {upload.name}: {exc}")
        return None


def render_table_page(name: str, before_grid: Callable[[], None] | None = None) -> None:
    table = TABLES[name]
    st.title(table.title)
    loaded = loaded_table(name)
    when = st.session_state[_state_key(name, "loaded")][1]
    top = st.columns([4, 1])
    top[0].caption(f"Loaded {len(loaded.frame):,} rows at {when:%H:%M}")
    if top[1].button("Reload", icon=":material/refresh:", key=f"{name}:reload"):
        loaded_table(name, reload=True)
        st.session_state[_state_key(name, "generation")] = (
            st.session_state.get(_state_key(name, "generation"), 0) + 1
        )
        st.rerun()
    last_report(name, table)
    if before_grid:
        before_grid()
    spec = filter_controls(name, table.schema, working_frame(name))
    edited = grid(name, table, spec)
    view = edited[filter_mask(edited, spec)]
    uploaded = files_section(name, table, view)

    references = references_for(table)
    source = "file" if uploaded is not None else "grid"
    plan = build_plan(
        table.schema,
        loaded.frame,
        uploaded if uploaded is not None else edited,
        source=source,
        references=references,
        generated_keys=table.generated_keys,
        checks=table.checks,
    )
    st.subheader("Review changes" + (" from the uploaded file" if uploaded is not None else ""))
    if plan.is_empty:
        st.caption("No pending changes.")
        return
    review(table, plan)
    push_section(name, table, plan, loaded)

"""Files: the filtered table as CSV, XLSX, Parquet or JSON, and an edited file (or one
from another system) uploaded to be planned instead of the grid, through the mapping
step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from emporix_data.export import (
    FORMATS,
    MEDIA_TYPES,
    ExportFormat,
    export_file_name,
    frame_bytes,
    read_table_file,
)
from emporix_data.mapping import MappedFile
from emporix_data.workspace import TableState, UploadedFile
from pages.components.mapping import mapped_upload


def files_section(
    state: TableState, view: Callable[[], pd.DataFrame], hint: str = ""
) -> MappedFile | None:
    """Downloads of the filtered table (``view`` gives it, only when one is clicked;
    ``hint`` names the filter in the file names); the rows of an uploaded file as mapped,
    for the site shown, read once per file."""
    with st.expander("Files: export, or edit in a spreadsheet", icon=":material/download:"):
        slots = st.columns(len(FORMATS))
        for slot, fmt in zip(slots, FORMATS, strict=True):
            slot.download_button(
                f"{fmt.upper()}",
                data=_exported(view, fmt, state.name),
                file_name=export_file_name(state.name, fmt, date.today(), hint),
                mime=MEDIA_TYPES[fmt],
                key=state.widget_key(f"download:{fmt}"),
                on_click="ignore",  # a rerun could drop the file before it is fetched
            )
        upload = st.file_uploader(
            "Upload an edited CSV or XLSX, or one from another system: its columns are "
            "mapped next (optional `_action` column: upsert, update, create, delete, ignore)",
            type=["csv", "xlsx"],
            key=state.upload_key,
        )
    if upload is None:
        state.upload = None
        return None
    if state.upload is None or state.upload.file_id != upload.file_id:
        try:
            fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
            frame = read_table_file(upload.getvalue(), fmt)
        except Exception as exc:  # a damaged file: say so, lose nothing
            state.upload = None
            st.error(f"Cannot read {upload.name}: {exc}")
            return None
        state.upload = UploadedFile.read(upload.file_id, upload.name, frame, state.loaded.schema)
    return mapped_upload(state, state.upload)


def _exported(
    view: Callable[[], pd.DataFrame], fmt: ExportFormat, sheet: str
) -> Callable[[], bytes]:
    """The file of ``view``'s rows, built only when its download is clicked."""
    return lambda: frame_bytes(view(), fmt, sheet)

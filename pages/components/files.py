"""Files: the filtered table as CSV, XLSX, Parquet or JSON, and an edited file uploaded
to be planned instead of the grid."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from emporix_data.export import FORMATS, MEDIA_TYPES, ExportFormat, frame_bytes, read_table_file
from emporix_data.workspace import TableState, UploadedRows


def files_section(state: TableState, view: Callable[[], pd.DataFrame]) -> pd.DataFrame | None:
    """Downloads of the filtered table (``view`` gives it, only when one is clicked); the
    rows of an uploaded edited file for the site shown, read once per file."""
    with st.expander("Files: export, or edit in a spreadsheet", icon=":material/download:"):
        slots = st.columns(len(FORMATS))
        for slot, fmt in zip(slots, FORMATS, strict=True):
            slot.download_button(
                f"{fmt.upper()}",
                data=_exported(view, fmt),
                file_name=f"{state.name}.{fmt}",
                mime=MEDIA_TYPES[fmt],
                key=state.widget_key(f"download:{fmt}"),
            )
        upload = st.file_uploader(
            "Upload an edited CSV or XLSX (optional `_action` column: upsert, update, "
            "create, delete, ignore)",
            type=["csv", "xlsx"],
            key=state.upload_key,
        )
    if upload is None:
        state.upload = None
        return None
    if state.upload is None or state.upload.file_id != upload.file_id:
        try:
            fmt = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
            uploaded = read_table_file(upload.getvalue(), fmt)
        except Exception as exc:  # a damaged file: say so, lose nothing
            st.error(f"Cannot read {upload.name}: {exc}")
            return None
        state.upload = UploadedRows.for_site(upload.file_id, uploaded, state.site)
    if state.upload.left_out:
        st.warning(state.upload.left_out)
    return state.upload.rows


def _exported(view: Callable[[], pd.DataFrame], fmt: ExportFormat) -> Callable[[], bytes]:
    """The file of ``view``'s rows, built only when its download is clicked."""
    return lambda: frame_bytes(view(), fmt)

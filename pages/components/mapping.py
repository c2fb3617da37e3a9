"""The mapping step of an upload: the column each header of the file fills (pre-filled
with the automatic choice, or "ignore"), a live report of the mapping, saved mappings to
apply or save, and the ids looked up for what the file names by e-mail or name."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from emporix_data.mapping import (
    MappedFile,
    MappingError,
    MappingReport,
    MissingKey,
    load_mapping,
    map_headers,
    mapping_path,
    mapping_targets,
    mappings_dir,
    saved_mappings,
    write_mapping,
)
from emporix_data.tables import TABLES
from emporix_data.workspace import TableState, UploadedFile
from pages.components.loading import directory_for
from pages.components.state import set_widget_value, widget_value

IGNORED = ""  # the choice that ignores a header
MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def mapped_upload(state: TableState, upload: UploadedFile) -> MappedFile | None:
    """The mapping step; the file's rows as mapped, or None (and why) when they cannot
    be planned yet."""
    folder = mappings_dir()
    with st.container(border=True, key=state.widget_key("mapping")):
        st.markdown(f"**Columns of {_plain(upload.name)}**")
        st.caption(
            "The column each header of the file fills, chosen where the header matches a "
            "column's name or label; change any, or ignore a header."
        )
        _apply_saved(state, upload, folder)
        report = _choices(state, upload)
        if report is None:
            return None
        _save(state, report, folder)
        try:
            mapped = upload.rows(lambda: directory_for(state, TABLES[state.name]), state.site)
        except MissingKey as exc:
            st.error(
                f"{exc}. Choose the header that holds it above: nothing is planned until then."
            )
            return None
        except MappingError as exc:
            st.error(str(exc))
            return None
        _found(mapped)
    if mapped.left_out:
        st.warning(mapped.left_out)
    return mapped


def header_key(state: TableState, upload: UploadedFile, position: int) -> str:
    """The key of the dropdown of the file's ``position``-th header."""
    return state.widget_key(f"map:{upload.file_id}:{position}")


def _choices(state: TableState, upload: UploadedFile) -> MappingReport | None:
    """A dropdown per header; the mapping they make, or None (and why) if it cannot be."""
    targets = mapping_targets(upload.schema)
    options = [IGNORED, *targets]
    slots = st.columns(3)
    choices = {}
    for position, header in enumerate(upload.headers):
        key = header_key(state, upload, position)
        if widget_value(key) not in options:
            set_widget_value(key, upload.choices.get(header, IGNORED))
        choices[header] = slots[position % 3].selectbox(
            _plain(header),
            options,
            key=key,
            format_func=lambda name: targets[name].title if name else "(ignore)",
        )
    upload.choose(choices)
    try:
        report = upload.report()
    except MappingError as exc:
        st.error(str(exc))
        return None
    st.dataframe(report.frame(), hide_index=True)
    ignored = [f"'{c.header}' ({c.how})" for c in report.ignored]
    st.caption("Ignored: " + ", ".join(ignored) if ignored else "No header is ignored.")
    return report


def _apply_saved(state: TableState, upload: UploadedFile, folder: Path) -> None:
    """A saved mapping of this table, applied to the dropdowns on request."""
    names = saved_mappings(folder, state.name)
    if not names:
        return
    pick, apply = st.columns([3, 1], vertical_alignment="bottom")
    name = pick.selectbox("Saved mapping", names, key=state.widget_key("mapping:saved"))
    if not apply.button("Apply", key=state.widget_key("mapping:apply")):
        return
    try:
        saved = load_mapping(mapping_path(folder, name), state.name)
        report = map_headers(upload.headers, upload.schema, saved)
    except MappingError as exc:
        st.error(f"Cannot apply {name}: {exc}")
        return
    for position, header in enumerate(upload.headers):
        set_widget_value(header_key(state, upload, position), report.mapped.get(header, IGNORED))


def _save(state: TableState, report: MappingReport, folder: Path) -> None:
    """Save the mapping shown under a name, to apply to the next file."""
    name_slot, save = st.columns([3, 1], vertical_alignment="bottom")
    name = name_slot.text_input(
        "Save this mapping as", key=state.widget_key("mapping:name"), placeholder="crm-export"
    )
    if save.button("Save mapping", key=state.widget_key("mapping:save"), disabled=not name):
        try:
            path = write_mapping(report.chosen(), mapping_path(folder, name))
        except (MappingError, OSError) as exc:
            st.error(f"Cannot save the mapping: {exc}")
            return
        st.success(f"Saved the mapping as {path.stem}.")


def _found(mapped: MappedFile) -> None:
    """What was filled in, and the ids found beside the file's values."""
    for note in mapped.notes:
        st.caption(note)
    if not mapped.found.empty:
        st.markdown("Looked up: the file's values beside the ids found")
        st.dataframe(mapped.found_by_row(), hide_index=True)


def _plain(text: str) -> str:
    """``text`` shown as it is, not read as Markdown."""
    return MARKDOWN.sub(r"\\\1", text)

"""Changing many rows at once: a value set in a column, or text found and replaced, in
the rows the filters keep (or those selected). The changes are pending edits, reviewed
and pushed like any typed into the grid."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from emporix_data.filters import TableFilter
from emporix_data.frames import Column
from emporix_data.tables import ResourceTable
from emporix_data.workspace import TableState, Workspace
from pages.common import count_of
from pages.components.filters import filtered_labels
from pages.components.grid import fold_grid
from pages.components.state import kept_expander

BLANK = "(blank)"


def bulk_edit(state: TableState, table: ResourceTable, spec: TableFilter) -> None:
    """The "Change many rows" panel under the grid."""
    schema = state.loaded.schema
    editable = [c for c in schema.columns if c.editable and c.name not in schema.key]
    if not editable:
        return
    filtered = len(filtered_labels(state, spec))
    selected = len(state.selection.keys)
    with kept_expander("Change many rows", state.widget_key("bulk-open"), ":material/edit_note:"):
        targets = {f"the {count_of(filtered, 'filtered row')}": "filtered"}
        if selected:
            targets[f"the {count_of(selected, 'selected row')}"] = "selected"
        target = st.radio(
            "Change", list(targets), horizontal=True, key=state.widget_key("bulk-target")
        )
        chosen = targets.get(target or "", "filtered")
        count = filtered if chosen == "filtered" else selected
        where = f"the {count_of(count, chosen + ' row')}"
        set_tab, replace_tab = st.tabs(["Set a value", "Find and replace"])
        with set_tab:
            _set_value(state, spec, chosen, editable, where)
        with replace_tab:
            texts = [c for c in editable if c.dtype == "string"]
            _find_replace(state, spec, chosen, texts, where)


def _set_value(
    state: TableState, spec: TableFilter, target: str, columns: list[Column], where: str
) -> None:
    names = {c.name: c for c in columns}
    name = st.selectbox("Column to set", list(names), key=state.widget_key("bulk-column"))
    column = names[name or next(iter(names))]
    value_key = state.widget_key(f"bulk-value:{column.name}")
    if column.options or column.dtype == "boolean":
        options = [BLANK, *(column.options or ("true", "false"))]
        picked = st.selectbox("New value", options, key=value_key)
        text = "" if picked in (None, BLANK) else str(picked)
    else:
        text = st.text_input("New value", key=value_key, help="Leave empty to blank the cells.")
    if st.button(f"Set for {where}", key=state.widget_key("bulk-set"), type="primary"):
        _apply(state, spec, target, lambda work, labels: work.set_value(labels, column, text))


def _find_replace(
    state: TableState, spec: TableFilter, target: str, columns: list[Column], where: str
) -> None:
    names = {c.name: c for c in columns}
    name = st.selectbox("Column to search", list(names), key=state.widget_key("bulk-search"))
    column = names[name or next(iter(names))]
    find = st.text_input("Find", key=state.widget_key("bulk-find"))
    replace = st.text_input("Replace with", key=state.widget_key("bulk-replace"))
    slots = st.columns(2)
    case = slots[0].checkbox("Match case", key=state.widget_key("bulk-case"))
    whole = slots[1].checkbox("Whole cell only", key=state.widget_key("bulk-whole"))
    if st.button(f"Replace in {where}", key=state.widget_key("bulk-go"), disabled=not find):
        _apply(
            state,
            spec,
            target,
            lambda work, labels: work.find_replace(
                labels, column, find, replace, match_case=case, whole_cell=whole
            ),
        )


def _apply(
    state: TableState,
    spec: TableFilter,
    target: str,
    change: Callable[[Workspace, list[int]], int],
) -> None:
    """Fold the grid's edits, change the target rows, say how many changed."""
    fold_grid(state)
    if target == "selected":
        labels = state.selected_rows().index.tolist()
    else:
        labels = filtered_labels(state, spec)
    try:
        changed = state.edit(lambda work: change(work, labels))
    except ValueError as exc:
        st.error(str(exc))
        return
    st.toast(f"{count_of(changed, 'row')} changed: review and push below")
    st.rerun()

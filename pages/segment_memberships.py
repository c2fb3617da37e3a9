"""Segment memberships: pick segments; add many customers to one at once (pasted numbers
or the selection made on the Customers page); choose the legal entity of B2B customers
in several; remove selected ones. Pushed in bulk."""

import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import streamlit as st

from emporix_data.keys import Key, joined_keys, key_tuples
from emporix_data.plan import EntityRef, References
from emporix_data.resources.segments import list_segments
from emporix_data.tables import TABLES
from pages.common import count_of, get_client, require_app_navigation
from pages.components.grid import add_pending_rows, fold_grid, remove_pending_rows
from pages.components.loading import FAILURES, loaded_state, references_for
from pages.components.state import table_state, widget_value
from pages.components.table import render_table_page

require_app_navigation("pages/segment_memberships.py")

NAME = "segment-memberships"
SEGMENTS_KEY = "memberships:segments"
KEY_COLUMNS = ["segmentId", "customerId", "legalEntityId"]
PICKERS_SHOWN = 30  # memberships offered a legal-entity choice at once


@st.cache_data(ttl=300, show_spinner="Loading segments…")
def segment_names(tenant: str) -> dict[str, str]:
    return {s.id: s.display_name for s in list_segments(get_client()) if s.id}


def segments() -> dict[str, str]:
    """Segment names by id, or a message (and none) if they cannot be loaded."""
    try:
        return segment_names(get_client().tenant)
    except FAILURES as exc:
        st.error(f"Cannot load the segments: {exc}")
        return {}


def segment_label(names: dict[str, str]) -> Callable[[str], str]:
    return lambda segment: f"{segment} · {names.get(segment, 'unknown segment')}"


def segment_picker() -> dict[str, Sequence[object]]:
    """The segments to work on; the grid shows only their memberships (none: all)."""
    names = segments()
    chosen = st.multiselect(
        "Segments",
        list(names),
        format_func=segment_label(names),
        key=SEGMENTS_KEY,
        placeholder="All segments",
        persist_state="session",
    )
    return {"segmentId": chosen} if chosen else {}


def references() -> References:
    """The ids memberships may refer to, each B2B customer's legal entities among them."""
    return references_for(table_state(NAME), TABLES[NAME])


def only_legal_entity(number: str) -> str | None:
    """A B2B customer's membership names a legal entity: its only one, or none yet where
    it has several (the user chooses below)."""
    entities = (references().legal_entities_of or {}).get(number, ())
    return entities[0].id if len(entities) == 1 else None


def add_members(segment: str, numbers: Iterable[str]) -> None:
    """Add the customers to the segment as pending creates, skipping existing members."""
    rows = [
        {"segmentId": segment, "customerId": number, "legalEntityId": only_legal_entity(number)}
        for number in dict.fromkeys(numbers)
    ]
    candidates = pd.DataFrame(rows, columns=KEY_COLUMNS)
    state = table_state(NAME)
    fold_grid(state)
    new = state.work.rows_not_present(candidates)
    skipped = len(candidates) - len(new)
    if len(new):
        add_pending_rows(state, new)
    st.toast(
        f"{count_of(len(new), 'membership')} added to the pending changes"
        + (f"; {count_of(skipped, 'customer')} already in the segment" if skipped else "")
    )


def add_customers_form() -> None:
    customers = loaded_state("customers")
    names = segments()
    picked = [s for s in widget_value(SEGMENTS_KEY) or [] if s in names]
    selected = customers.selected_rows()["customerNumber"].dropna().tolist()
    with st.expander(
        "Add customers to a segment", icon=":material/group_add:", expanded=bool(selected)
    ):
        segment = st.selectbox(
            "Segment",
            picked or list(names),
            format_func=segment_label(names),
            key="memberships:add:segment",
        )
        from_selection, from_list = st.columns(2)
        with from_selection:
            st.caption(
                f"{count_of(len(selected), 'customer')} selected on the Customers page."
                if selected
                else "No customers are selected: tick them on the Customers page (Select)."
            )
            if st.button(
                f"Add {count_of(len(selected), 'selected customer')}",
                key="memberships:add:selected",
                disabled=not (selected and segment),
                type="primary",
            ):
                add_members(segment, selected)
            st.page_link(
                "pages/customers.py", label="Select customers", icon=":material/check_box:"
            )
        with from_list:
            pasted = st.text_area(
                "Customer numbers (one per line, or separated by commas or spaces)",
                key="memberships:add:numbers",
            )
            if st.button("Add to pending changes", key="memberships:add:go", disabled=not segment):
                numbers = [n for n in re.split(r"[\s,;]+", pasted) if n]
                add_members(segment, numbers)


def awaiting_a_legal_entity(entities: dict[str, tuple[EntityRef, ...]]) -> pd.DataFrame:
    """Pending new memberships naming no legal entity of customers in several."""
    state = table_state(NAME)
    work = state.work.edited()
    several = [number for number, options in entities.items() if len(options) > 1]
    waiting = work[(work["legalEntityId"].isna() & work["customerId"].isin(several)).to_numpy()]
    loaded = joined_keys(state.loaded.frame, KEY_COLUMNS)
    return waiting[~joined_keys(waiting, KEY_COLUMNS).isin(loaded).to_numpy(dtype=bool)]


def choose_legal_entities(chosen: dict[tuple[str, str], str | None]) -> None:
    """Replace the pending memberships by ones for the chosen legal entities."""
    picked = {key: entity for key, entity in chosen.items() if entity}
    state = table_state(NAME)
    remove_pending_rows(state, [(segment, customer, None) for segment, customer in picked])
    rows = [[segment, customer, entity] for (segment, customer), entity in picked.items()]
    add_pending_rows(state, pd.DataFrame(rows, columns=KEY_COLUMNS))
    st.toast(f"Legal entities chosen for {count_of(len(picked), 'membership')}")


def legal_entity_picker() -> None:
    """A choice of legal entity for each pending membership of a B2B customer in several
    (pushing one without is refused, naming them)."""
    entities = dict(references().legal_entities_of or {})
    waiting = awaiting_a_legal_entity(entities)
    if waiting.empty:
        return
    with st.expander(
        f"Choose legal entities ({count_of(len(waiting), 'membership')})",
        icon=":material/domain:",
        expanded=True,
    ):
        st.caption(
            "These customers are contacts of several legal entities; "
            "a B2B membership is for one of them."
        )
        chosen: dict[tuple[str, str], str | None] = {}
        shown = waiting.head(PICKERS_SHOWN)
        for segment, customer in zip(shown["segmentId"], shown["customerId"], strict=True):
            texts = {option.id: option.text() for option in entities[customer]}
            chosen[(segment, customer)] = st.selectbox(
                f"{customer} in {segment}",
                list(texts),
                index=None,
                format_func=texts.__getitem__,
                placeholder="Choose a legal entity",
                key=f"memberships:entity:{segment}:{customer}",
            )
        if len(waiting) > PICKERS_SHOWN:
            st.caption(f"The first {PICKERS_SHOWN} are shown; the others after these.")
        st.button(
            "Use the chosen legal entities",
            key="memberships:entity:apply",
            disabled=not any(chosen.values()),
            on_click=choose_legal_entities,
            args=(chosen,),
        )


def before_grid() -> None:
    add_customers_form()
    legal_entity_picker()


def remove_selected(keys: list[Key]) -> None:
    state = table_state(NAME)
    removed = remove_pending_rows(state, keys)
    state.select([])
    st.toast(f"{count_of(removed, 'membership')} marked for removal: review and push below")


def removal_actions(selected: pd.DataFrame) -> None:
    """Selected memberships become pending deletes, reviewed and pushed like any."""
    if selected.empty:
        st.caption("Select rows to remove those memberships.")
        return
    st.button(
        f"Remove {count_of(len(selected), 'selected membership')}",
        key="memberships:remove",
        icon=":material/group_remove:",
        on_click=remove_selected,
        args=(key_tuples(selected, KEY_COLUMNS),),
    )


render_table_page(NAME, top=segment_picker, before_grid=before_grid, on_selection=removal_actions)

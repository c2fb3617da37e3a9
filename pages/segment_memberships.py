"""Segment memberships: add many customers to a segment at once; pushed in bulk."""

import re

import pandas as pd
import streamlit as st

from emporix_data.frames import read_path
from emporix_data.resources.segments import list_segments
from pages.common import get_client, require_app_navigation
from pages.table_page import add_pending_rows, loaded_table, render_table_page

require_app_navigation("pages/segment_memberships.py")


@st.cache_data(ttl=300, show_spinner=False)
def segment_names(tenant: str) -> dict[str, str]:
    return {s.id: s.display_name for s in list_segments(get_client()) if s.id}


def add_customers_form() -> None:
    customers = loaded_table("customers")
    segments = segment_names(get_client().tenant)
    with st.expander("Add customers to a segment", icon=":material/group_add:"):
        segment = st.selectbox(
            "Segment",
            list(segments),
            format_func=lambda s: f"{s} · {segments[s]}",
            key="memberships:add:segment",
        )
        pasted = st.text_area(
            "Customer numbers (one per line, or separated by commas or spaces)",
            key="memberships:add:numbers",
        )
        if st.button("Add to pending changes", key="memberships:add:go"):
            numbers = [n for n in re.split(r"[\s,;]+", pasted) if n]
            rows = []
            for number in dict.fromkeys(numbers):
                document = customers.documents.get((number,))
                entities = read_path(document, ("b2b", "legalEntities")) or []
                entity = entities[0].get("id") if entities else None
                rows.append({"segmentId": segment, "customerId": number, "legalEntityId": entity})
            add_pending_rows("segment-memberships", pd.DataFrame(rows))
            st.toast(f"{len(rows)} memberships added to the pending changes")


render_table_page("segment-memberships", before_grid=add_customers_form)

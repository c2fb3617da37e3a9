"""Customers: load, filter, edit, review and push; select customers for a segment."""

import pandas as pd
import streamlit as st

from pages.common import count_of, require_app_navigation
from pages.components.table import render_table_page

require_app_navigation("pages/customers.py")


def segment_actions(selected: pd.DataFrame) -> None:
    """Selected customers are added to a segment on the Segment memberships page."""
    numbered = int(selected["customerNumber"].notna().sum())
    if not len(selected):
        st.caption("Tick rows (or select all shown) to add those customers to a segment.")
        return
    st.page_link(
        "pages/segment_memberships.py",
        label=f"Add the {count_of(numbered, 'selected customer')} to a segment",
        icon=":material/group_add:",
        disabled=not numbered,
    )
    if numbered < len(selected):
        st.caption(
            f"{count_of(len(selected) - numbered, 'selected row')} without a customer "
            "number (new customers): push them first to add them to a segment."
        )


render_table_page("customers", on_selection=segment_actions)

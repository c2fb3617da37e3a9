"""Shipping customer-group relations, which Emporix keeps per site: pick the site."""

from collections.abc import Sequence

import streamlit as st

from pages.common import get_connection, require_app_navigation
from pages.components.state import site_choice
from pages.components.table import render_table_page

require_app_navigation("pages/customer_groups.py")

NAME = "customer-groups"
PICKER = f"{NAME}:site-picker"


def site_picker() -> dict[str, Sequence[object]]:
    """The site whose relations are loaded and pushed; each site keeps its own edits."""
    settings = get_connection().settings
    sites = site_choice(NAME)
    sites.remember(st.session_state.get(PICKER))
    chosen = st.selectbox(
        "Site",
        sites.known,
        key=PICKER,
        accept_new_options=True,
        persist_state="session",
        help=(
            f"Relations are stored per site; `{settings.site}` is the configured one. "
            "Type another site code to open it."
        ),
    )
    return {"site": [sites.choose(chosen)]}


render_table_page(NAME, top=site_picker)

"""Shipping customer-group relations, which Emporix keeps per site: pick the site."""

from collections.abc import Sequence

import streamlit as st

from pages.common import get_connection, require_app_navigation
from pages.table_page import render_table_page, use_site

require_app_navigation("pages/customer_groups.py")

NAME = "customer-groups"
PICKER = f"{NAME}:site-picker"


def site_picker() -> dict[str, Sequence[object]]:
    """The site whose relations are loaded and pushed; each site keeps its own edits."""
    settings = get_connection().settings
    known: list[str] = st.session_state.setdefault(
        f"{NAME}:sites:{settings.tenant}", [settings.site]
    )
    typed = (st.session_state.get(PICKER) or "").strip()
    if typed and typed not in known:
        known.append(typed)
    chosen = st.selectbox(
        "Site",
        known,
        key=PICKER,
        accept_new_options=True,
        persist_state="session",
        help=(
            f"Relations are stored per site; `{settings.site}` is the configured one. "
            "Type another site code to open it."
        ),
    )
    return {"site": [use_site(NAME, chosen)]}


render_table_page(NAME, top=site_picker)

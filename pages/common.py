"""What every page shares: the connection (one per server process) and the sidebar."""

from __future__ import annotations

from typing import Any

import streamlit as st

from emporix_data.client import EmporixClient
from emporix_data.connection import Connection, connect
from emporix_data.errors import EmporixError
from emporix_data.settings import SettingsError

NAVIGATION_READY = "app:navigation-ready"
DEEP_LINK = "app:deep-link"


def require_app_navigation(page_path: str) -> None:
    """Send a page opened before the app's navigation existed through ``app.py``.

    Until a server process first runs ``st.navigation``, Streamlit treats ``pages/`` as
    the legacy page folder and runs a deep-linked page on its own, without the app's
    sidebar and connection. Such a run goes to the app, which comes back to the page.
    """
    if not st.session_state.get(NAVIGATION_READY):
        st.session_state[DEEP_LINK] = page_path
        st.switch_page("app.py")


def _secrets_section() -> dict[str, Any]:
    try:
        return dict(st.secrets.get("emporix", {}))
    except FileNotFoundError:
        return {}


@st.cache_resource(show_spinner="Connecting…")
def _connection() -> Connection:
    return connect(_secrets_section())


@st.cache_resource
def _client(_connection: Connection) -> EmporixClient:
    return EmporixClient(_connection.settings)


def get_connection() -> Connection:
    """The connection, or a clear message (and a stop) instead of a traceback."""
    try:
        return _connection()
    except (SettingsError, EmporixError, OSError) as exc:
        st.error(f"Cannot connect to Emporix: {exc}")
        st.stop()


def get_client() -> EmporixClient:
    return _client(get_connection())


def connection_sidebar() -> None:
    connection = get_connection()
    with st.sidebar:
        if connection.is_sandbox:
            st.info(
                f"**Sandbox** · tenant `{connection.settings.tenant}`", icon=":material/science:"
            )
            st.caption("Synthetic data served on this machine; no credentials needed.")
        else:
            st.success(f"Tenant `{connection.settings.tenant}`", icon=":material/cloud:")
            st.caption(connection.settings.base_url)

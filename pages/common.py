"""What every page shares: the connection (one per server process) and the sidebar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from emporix_data.client import EmporixClient
from emporix_data.connection import Connection, connect
from emporix_data.errors import EmporixError
from emporix_data.journal import Journal, Origin, journal_path, open_journal, os_user
from emporix_data.settings import SettingsError

NAVIGATION_READY = "app:navigation-ready"
DEEP_LINK = "app:deep-link"


def require_app_navigation(page_path: str) -> None:
    """Send a page opened before the app's navigation existed through ``app.py``.

    Until a server process first runs ``st.navigation``, Streamlit treats ``pages/`` as
    the legacy page folder and runs a deep-linked page on its own, without the app's
    sidebar and connection. Such a run goes to the app, which comes back to the page
    with the link's query parameters (``reports?report=NAME``).
    """
    if not st.session_state.get(NAVIGATION_READY):
        st.session_state[DEEP_LINK] = (page_path, st.query_params.to_dict())
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


@st.cache_resource
def _site_client(_connection: Connection, base_url: str, tenant: str, site: str) -> EmporixClient:
    """A client whose site-scoped paths address ``site``; one per site, shared."""
    return EmporixClient(_connection.settings.model_copy(update={"site": site}))


@st.cache_resource
def _journal(path: str) -> Journal:
    return open_journal(Path(path))


def get_journal() -> Journal:
    """The push journal at the configured path (one per path and server process)."""
    return _journal(str(journal_path()))


def push_origin(source: str) -> Origin:
    """Who pushes, for the journal: the logged-in user where ``st.login`` is on, else the
    user the server runs as."""
    user = (st.user.get("email") or st.user.get("name")) if st.user.get("is_logged_in") else None
    return Origin(str(user) if user else os_user(), source)


def count_of(number: int, noun: str) -> str:
    """``1 row``, ``3 rows``: counts read naturally in labels."""
    return f"{number:,} {noun if number == 1 else noun + 's'}"


def get_connection() -> Connection:
    """The connection, or a clear message (and a stop) instead of a traceback."""
    try:
        return _connection()
    except (SettingsError, EmporixError, OSError) as exc:
        st.error(f"Cannot connect to Emporix: {exc}")
        st.stop()


def get_client(site: str | None = None) -> EmporixClient:
    """The API client; with ``site``, one for that site (the configured site's is shared)."""
    connection = get_connection()
    settings = connection.settings
    if site is None or site == settings.site:
        return _client(connection)
    return _site_client(connection, settings.base_url, settings.tenant, site)


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

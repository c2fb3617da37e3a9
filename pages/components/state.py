"""The one place page state lives in ``st.session_state``: one ``TableState`` per table,
tenant and site, the site a per-site table shows, and the state of Push history, Data
quality and the Reports page. Pages ask these functions and never build session-state
keys themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import streamlit as st

from emporix_data.audit import AuditData, CheckResult, FixPlan
from emporix_data.client import EmporixClient
from emporix_data.push import PushReport
from emporix_data.reports.session import ReportSession
from emporix_data.tables import TABLES
from emporix_data.undo import UndoPlan
from emporix_data.workspace import EditorState, SiteChoice, TableState
from pages.common import get_client, get_connection

Kept = TypeVar("Kept")


@dataclass
class HistoryState:
    """Push history's undo being reviewed, and the report of its last push or resume."""

    undo: UndoPlan | None = None
    report: PushReport | None = None


@dataclass
class AuditState:
    """Data quality: the data audited and when, each check's result, the fix under
    review, and the push of the last fix (with the check it fixed)."""

    data: AuditData | None = None
    results: list[CheckResult] = field(default_factory=list)
    audited_at: datetime | None = None
    fix: FixPlan | None = None
    report: PushReport | None = None
    fixed: str = ""


def _kept(key: str, fresh: Kept) -> Kept:
    """The object kept under ``key``, or else ``fresh``, kept there from now on."""
    kept = st.session_state.get(key)
    if isinstance(kept, type(fresh)):
        return kept
    st.session_state[key] = fresh
    return fresh


def widget_value(key: str, default: Any = None) -> Any:
    """The value of the widget ``key`` names (``default`` before it is first drawn)."""
    return st.session_state.get(key, default)


def set_widget_value(key: str, value: Any) -> None:
    """Give the widget ``key`` names this value the next time it is drawn."""
    st.session_state[key] = value


def default_widget_value(key: str, value: Any) -> None:
    """The value the widget ``key`` names starts with (kept once it has one)."""
    st.session_state.setdefault(key, value)


def is_per_site(name: str) -> bool:
    return "site" in TABLES[name].schema.key


def state_key(name: str, tenant: str, site: str | None) -> str:
    return f"table:{name}:{tenant}:{site or ''}"


def site_choice(name: str) -> SiteChoice:
    """The site a per-site table shows in this session, and the sites opened so far."""
    settings = get_connection().settings
    key = f"sites:{name}:{settings.tenant}"
    return _kept(key, SiteChoice(settings.site))


def table_site(name: str) -> str | None:
    """The site a per-site table is shown for; None for tables that are not per site."""
    return site_choice(name).chosen if is_per_site(name) else None


def table_state(name: str) -> TableState:
    """The state of ``name`` for the connected tenant and the site shown."""
    tenant = get_connection().settings.tenant
    site = table_site(name)
    return _kept(state_key(name, tenant, site), TableState(name, tenant, site))


def report_table_state(name: str) -> TableState:
    """The state whose rows reports read: a per-site table's of the configured site."""
    settings = get_connection().settings
    site = settings.site if is_per_site(name) else None
    return _kept(state_key(name, settings.tenant, site), TableState(name, settings.tenant, site))


def table_states(name: str | None = None) -> list[TableState]:
    """Every kept state of ``name`` (default: of every table) for the connected tenant,
    one per site."""
    tenant = get_connection().settings.tenant
    return [
        value
        for value in st.session_state.values()
        if isinstance(value, TableState)
        and value.tenant == tenant
        and (name is None or value.name == name)
    ]


def table_client(state: TableState) -> EmporixClient:
    """A client for the table's site (the configured client for other tables)."""
    return get_client(state.site)


def editor_state(key: str) -> EditorState | None:
    """The grid editor's own state, while Streamlit keeps it (the last run showed it)."""
    state = st.session_state.get(key)
    return None if state is None else EditorState.of(state)


def history_state() -> HistoryState:
    return _kept("history:state", HistoryState())


def audit_state() -> AuditState:
    """Data quality's state for the connected tenant."""
    return _kept(f"audit:state:{get_connection().settings.tenant}", AuditState())


def report_session() -> ReportSession:
    """The Reports page's state for the connected tenant."""
    tenant = get_connection().settings.tenant
    return _kept(f"reports:session:{tenant}", ReportSession(tenant))


def kept_expander(label: str, key: str, icon: str | None = None) -> Any:
    """An expander that stays as the user left it (open or closed) across reruns, even
    when its label changes (which makes it a new element): its state is tracked, and
    handed to the new one as ``expanded``. Only then: a changed ``expanded`` makes a new
    element too, which would redraw what is being typed into it."""
    drawn: dict[str, tuple[str, bool]] = _kept("expanders:drawn", {})
    now = st.session_state.get(key)  # None: first shown, or not shown in the last run
    last = drawn.get(key)
    if now is None:
        expanded = False
    elif last is not None and last[0] == label:
        expanded = last[1]
    else:
        expanded = bool(now)
    drawn[key] = (label, expanded)
    return st.expander(label, expanded=expanded, key=key, on_change="rerun", icon=icon)

"""Fixtures of the page tests: the app on a freshly reset sandbox, a journal per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.resources.customer_groups import list_customer_groups
from tests.support import APP


@pytest.fixture(autouse=True)
def main_module_kept() -> Iterator[None]:
    """AppTest runs a page as ``__main__`` and may leave it there; a later test that
    spawns a process (the benchmark's sandbox) would then run that page in the child."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def journal_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "journal.db"
    monkeypatch.setenv("EMPORIX_JOURNAL_DB", str(path))
    return path


@pytest.fixture
def sandbox_secrets(sandbox) -> Iterator[dict[str, str]]:
    """The ``[emporix]`` secrets of the test sandbox, with no connection cached before
    or after the test."""
    st.cache_resource.clear()
    yield {
        "api_url": sandbox.url,
        "tenant": "demo",
        "client_id": "demo-client",
        "client_secret": "demo-secret",
    }
    st.cache_resource.clear()


@pytest.fixture
def app(sandbox_secrets, admin, journal_db) -> AppTest:
    """The app connected (through secrets) to the test sandbox, freshly reset."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["emporix"] = sandbox_secrets
    return at.run()


@pytest.fixture
def two_sites(admin, make_settings) -> None:
    """Enough customer-group relations that both seeded sites have some."""
    admin.reset(customer_groups=80)
    with EmporixClient(make_settings()) as client:
        assert list_customer_groups(client, site="outlet")
        assert list_customer_groups(client, site="main")

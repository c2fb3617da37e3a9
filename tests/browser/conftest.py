"""Fixtures of the browser tests: one dashboard per module, a fresh browser context per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from emporix_data.dashboard_process import CHROMIUM_FLAGS, chromium_executable, streamlit_app
from tests.support import tenant_env


@pytest.fixture(scope="module")
def journal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The push journal the dashboards of this module write."""
    return tmp_path_factory.mktemp("journal") / "journal.db"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the dashboards of this module keep their files in (saved views)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def dashboard_url(
    tmp_path_factory: pytest.TempPathFactory, journal_db: Path, data_dir: Path
) -> Iterator[str]:
    """The dashboard as `make run` starts it: no credentials, embedded sandbox."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")}
    env["EMPORIX_SANDBOX_DB"] = str(tmp_path_factory.mktemp("dash") / "demo.db")
    env["EMPORIX_JOURNAL_DB"] = str(journal_db)
    env["EMPORIX_DATA_DIR"] = str(data_dir)
    env["EMPORIX_SHARED_TABLE_S"] = "0"  # each test's session loads what it shows
    with streamlit_app(env) as url:
        yield url


@pytest.fixture(scope="module")
def tenant_dashboard_url(sandbox, journal_db: Path, data_dir: Path) -> Iterator[str]:
    """The dashboard configured (EMPORIX_* variables) for the test sandbox as its tenant."""
    env = tenant_env(
        sandbox,
        EMPORIX_JOURNAL_DB=str(journal_db),
        EMPORIX_DATA_DIR=str(data_dir),
        # The tenant is reset between tests: each test's session loads what it shows.
        EMPORIX_SHARED_TABLE_S="0",
    )
    with streamlit_app(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (a new Streamlit session) per test, in Berlin's time zone."""
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000},
        accept_downloads=True,
        timezone_id="Europe/Berlin",
    )
    yield context.new_page()
    context.close()

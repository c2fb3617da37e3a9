"""The dashboard in headless Chromium against a real `streamlit run app.py`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"streamlit exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling interval of a readiness probe, not synchronisation
    raise AssertionError("streamlit never became healthy")


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")}
    env["EMPORIX_SANDBOX_DB"] = str(tmp_path_factory.mktemp("dash") / "demo.db")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def page(dashboard_url: str) -> Iterator[Page]:
    executable = str(SYSTEM_CHROMIUM) if SYSTEM_CHROMIUM.exists() else None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        yield page
        browser.close()


def _settled(page: Page) -> None:
    expect(
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    ).to_be_attached(timeout=60_000)


def test_overview_names_the_sandbox_tenant_and_counts_its_customers(page: Page, dashboard_url):
    page.goto(dashboard_url)
    _settled(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Sandbox")
    expect(sidebar).to_contain_text("demo")
    expect(page.get_by_test_id("stMetric")).to_contain_text("300")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "overview.png", full_page=True)

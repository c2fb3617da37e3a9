"""The dashboard's first loads: from opening a page in a fresh ``streamlit run app.py``
to the page usable, in headless Chromium, against the bench's sandbox tenant. The server
has run one script before (a page that loads no table), so that the time is the tables'
first load, not Python importing the app.

Usable means: the script has finished its run (``data-test-script-state`` is
``notRunning``), no spinner and no progress bar is on the page, and what the page is
for is drawn: the grid's canvas on the Customers page; the four KPI tiles and the
charts on the Overview.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from emporix_data.bench.meter import api_requests, in_limits
from emporix_data.bench.report import Row
from emporix_data.sandbox.admin_client import SandboxAdmin

if TYPE_CHECKING:
    from playwright.sync_api import Page

USABLE_S = {"customers": 5.0, "overview": 8.0}
NAMES = {"customers": "the Customers page", "overview": "the Overview"}
# The drawn parts each page needs before it counts as usable.
DRAWN = {
    "customers": {'[data-testid="stDataFrame"] canvas': 1},
    "overview": {'[data-testid="stMetric"]': 4, ".js-plotly-plot": 3},
}
USABLE = """(drawn) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stSpinner"], [data-testid="stProgress"]') === null
    && Object.entries(drawn).every(([part, n]) => document.querySelectorAll(part).length >= n);
}"""
TIMEOUT_MS = 600_000


def first_load(
    page: Page,
    url: str,
    which: str,
    admin: SandboxAdmin,
    customers: int,
    warm_up_s: float,
    concurrency: int,
) -> Row:
    """Open ``which`` (``customers`` or ``overview``) in a new session and time it until
    usable; ``warm_up_s`` is what the server's first script run took before it, and
    ``concurrency`` the dashboard's setting, which its requests in flight stay within."""
    admin.reset_stats()
    started = time.perf_counter()
    page.goto(f"{url}/{'customers' if which == 'customers' else ''}")
    page.wait_for_function(USABLE, arg=DRAWN[which], timeout=TIMEOUT_MS, polling="raf")
    seconds = time.perf_counter() - started
    stats = admin.stats()
    _check_counts(page, which, customers)
    limits_ok, limits = in_limits(stats, concurrency)
    return Row(
        f"dashboard: first load of {NAMES[which]}",
        seconds,
        ours_requests=api_requests(stats),
        target=f"≤ {USABLE_S[which]:g} s, ≤ {concurrency} in flight, no 429 storm",
        met=seconds <= USABLE_S[which] and limits_ok,
        note=f"a fresh `streamlit run app.py`, in Chromium, the tables not loaded yet: from "
        f"opening the page to the script finished, no spinner or progress bar, "
        f"{_drawn_text(which)} drawn; before it, the server's first script run (Push "
        f"history, no table: module imports) took {warm_up_s:.1f} s, not counted; {limits}",
    )


def _drawn_text(which: str) -> str:
    return "the grid" if which == "customers" else "the KPI tiles and charts"


def _check_counts(page: Page, which: str, customers: int) -> None:
    """The page shows the whole tenant (a first load must not stop short)."""
    from playwright.sync_api import expect

    if which == "customers":
        expect(page.get_by_text(f"Loaded {customers:,} rows")).to_be_visible()
    else:
        expect(page.get_by_test_id("stMetric").first).to_contain_text(f"{customers:,}")

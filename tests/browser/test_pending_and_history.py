"""Pending edits are never lost without a word, and pushes are told plainly: the reload
asks, the sidebar counts, the banner follows the latest push, history shows old -> new in
local time (issue 16, items 6 and 7)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from tests.browser.ui import edit_cell, open_table, push_button, settled
from tests.support import ROOT, TenantApi

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser


def _first_name(make_settings, number: str) -> str:
    with EmporixClient(make_settings()) as client:
        return str(TenantApi(client).customer(number)["firstName"])


def test_reload_asks_first_and_the_sidebar_counts_pending_edits_on_every_page(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    current = _first_name(make_settings, "00000001")
    open_table(page, tenant_dashboard_url, "customers", 120)
    edit_cell(page, "customers", 0, "firstName", "Unsaved", current)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Unsaved changes")
    expect(sidebar).to_contain_text("1 pending row")
    page.get_by_test_id("stSidebarNav").get_by_text("Contact assignments").click()
    expect(page.get_by_role("heading", name="Contact assignments")).to_be_visible(timeout=60_000)
    settled(page)
    expect(sidebar).to_contain_text("1 pending row")
    page.get_by_test_id("stSidebarNav").get_by_text("Customers", exact=True).click()
    expect(push_button(page, 1)).to_be_visible(timeout=60_000)

    page.get_by_role("button", name="Reload", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("pending changes of 1 row")
    page.screenshot(path=OUTPUT / "reload-asks.png")
    dialog.get_by_role("button", name="Keep my changes").click()
    settled(page)
    expect(push_button(page, 1)).to_be_visible()
    page.get_by_role("button", name="Reload", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Discard and reload").click()
    expect(page.get_by_text("No pending changes.")).to_be_visible(timeout=60_000)
    expect(sidebar).not_to_contain_text("Unsaved changes")


def test_invalid_rows_stay_pending_after_a_push_and_the_banner_says_so(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    current = _first_name(make_settings, "00000001")
    open_table(page, tenant_dashboard_url, "customers", 120)
    edit_cell(page, "customers", 0, "firstName", "Valid-Edit", current)
    edit_cell(page, "customers", 1, "contactEmail", "not-an-email", "customer00000002@example.com")
    push = push_button(page, 1)
    expect(push).to_be_visible(timeout=30_000)
    # The review has the invalid row (the last edit's rerun is over) before the push.
    # In a canvas table: the review's, and the pending list's where that draws it too.
    invalid = page.get_by_text("is not a valid e-mail address").first
    expect(invalid).to_be_attached(timeout=30_000)
    settled(page)
    push.click()
    expect(
        page.get_by_text("Last push: 1 applied, 0 failed, 0 conflicts, 1 invalid.")
    ).to_be_visible(timeout=60_000)
    expect(page.get_by_text("1 invalid row was not pushed and is still pending")).to_be_visible()
    expect(invalid).to_be_attached()
    page.screenshot(path=OUTPUT / "invalid-kept.png")
    assert _first_name(make_settings, "00000001") == "Valid-Edit"


def test_history_shows_local_times_and_old_to_new_and_the_banner_follows_the_undo(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    current = _first_name(make_settings, "00000001")
    open_table(page, tenant_dashboard_url, "customers", 120)
    edit_cell(page, "customers", 0, "firstName", "Told-Plainly", current)
    push_button(page, 1).click()
    expect(page.get_by_text("Last push: 1 applied")).to_be_visible(timeout=60_000)

    page.get_by_test_id("stSidebarNav").get_by_text("Push history").click()
    expect(page.get_by_role("heading", name="Push history")).to_be_visible(timeout=60_000)
    settled(page)
    tables = page.get_by_test_id("stDataFrame")
    expect(tables.first).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CES?T"))
    expect(tables.nth(1)).to_contain_text(f"firstName: {current} → Told-Plainly")
    page.screenshot(path=OUTPUT / "history-readable.png")
    page.get_by_role("button", name="Plan the undo of this push").click()
    undo = page.get_by_role("button", name="Push the undo (1 change)")
    expect(undo).to_be_visible(timeout=60_000)
    undo.click()
    expect(page.get_by_text(re.compile(r"^Push \w+: 1 applied"))).to_be_visible(timeout=60_000)

    page.get_by_test_id("stSidebarNav").get_by_text("Customers", exact=True).click()
    expect(page.get_by_text(re.compile(r"Last push \(undo of push .*\): 1 applied"))).to_be_visible(
        timeout=60_000
    )
    page.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Last push")).to_have_count(0, timeout=30_000)
    assert _first_name(make_settings, "00000001") == current

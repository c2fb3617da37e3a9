"""Filters outlive a trip to another page, say so when collapsed, and can be saved as a
named view that drives the grid and the exports (issue 16, item 4 and saved views)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.ui import close_list, filters, open_table, pick, search, settled
from tests.support import ROOT

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser


def _go(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=60_000)
    settled(page)


def test_a_search_survives_a_page_switch_and_shows_on_the_collapsed_filters(
    page: Page, tenant_dashboard_url, admin
):
    open_table(page, tenant_dashboard_url, "customers", 120)
    search(page, "customer0000000")
    expect(page.get_by_text("9 of 120 rows shown")).to_be_visible(timeout=30_000)
    _go(page, "Contact assignments")
    _go(page, "Customers")
    expect(page.get_by_text("9 of 120 rows shown")).to_be_visible(timeout=30_000)
    expect(filters(page).locator("summary")).to_contain_text("1 active")
    expect(page.get_by_label("Search all columns")).to_be_hidden()
    page.screenshot(path=OUTPUT / "filters-kept.png")


def test_a_saved_view_comes_back_in_a_new_session_and_exports_its_columns(
    page: Page, browser, tenant_dashboard_url, admin, data_dir: Path
):
    open_table(page, tenant_dashboard_url, "customers", 120)
    search(page, "customer0000000")
    hidden = page.get_by_role("combobox", name="Hide columns")
    for name in ("title", "middleName", "contactPhone"):
        pick(page, hidden, name)
        close_list(page)  # a multiselect stays open for more
        settled(page)
    settled(page)
    page.get_by_role("button", name="Save view").click()
    page.get_by_label("View name").fill("First nine")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("combobox", name="View")).to_be_enabled(timeout=30_000)
    assert "First nine" in (data_dir / "views.json").read_text(encoding="utf-8")

    fresh = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    other = fresh.new_page()
    try:
        open_table(other, tenant_dashboard_url, "customers", 120)
        pick(other, other.get_by_role("combobox", name="View"), "First nine")
        settled(other)
        expect(other.get_by_text("9 of 120 rows shown")).to_be_visible(timeout=30_000)
        other.get_by_text("Files: export, or edit in a spreadsheet").click()
        with other.expect_download() as download_info:
            other.get_by_role("button", name="CSV", exact=True).click()
        lines = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
        other.screenshot(path=OUTPUT / "saved-view.png")
    finally:
        fresh.close()
    header = lines[0].split(",")
    assert header[0] == "customerNumber"
    assert "firstName" in header
    assert not {"title", "middleName", "contactPhone"} & set(header)
    assert len(lines) == 10

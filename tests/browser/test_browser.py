"""The dashboard in headless Chromium against a real `streamlit run app.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.journal import open_journal
from emporix_data.resources.customer_groups import list_customer_groups
from emporix_data.resources.customers import list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships
from tests.browser.ui import edit_cell, push_button, settled
from tests.support import ROOT, TenantApi

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser
OUTPUT.mkdir(exist_ok=True)


def test_overview_names_the_sandbox_tenant_and_counts_its_customers(page: Page, dashboard_url):
    page.goto(dashboard_url)
    settled(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Sandbox")
    expect(sidebar).to_contain_text("demo")
    expect(page.get_by_test_id("stMetric").first).to_contain_text("300")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "overview.png")


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("customers", "Customers"),
        ("contact_assignments", "Contact assignments"),
        ("segment_memberships", "Segment memberships"),
        ("customer_groups", "Customer groups"),
    ],
)
def test_each_page_opens_by_its_url_with_the_app_sidebar(page: Page, dashboard_url, path, title):
    page.goto(f"{dashboard_url}/{path}")
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Loaded ")).to_be_visible(timeout=60_000)
    settled(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Sandbox")
    expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("table page")
    expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible()
    page.screenshot(path=OUTPUT / f"{path}.png")


def _edit_first_customers_first_name(page: Page, value: str, current: str):
    """Type ``value`` into the first grid row's firstName (``current`` now); returns the
    push button."""
    edit_cell(page, "customers", 0, "firstName", value, current)
    push = push_button(page, 1)
    expect(push).to_be_visible(timeout=30_000)
    return push


def test_grid_edit_is_reviewed_pushed_and_stored(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        current = TenantApi(client).customer("00000001")["firstName"]
    page.goto(f"{tenant_dashboard_url}/customers")
    expect(page.get_by_text("Loaded 120 rows")).to_be_visible(timeout=60_000)
    push = _edit_first_customers_first_name(page, "Browser-Edited", current)
    page.screenshot(path=OUTPUT / "customers-review.png")
    push.click()
    expect(page.get_by_text("Last push: 1 applied, 0 failed, 0 conflicts.")).to_be_visible(
        timeout=60_000
    )
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).customer("00000001")["firstName"] == "Browser-Edited"


def test_table_downloads_as_csv(page: Page, tenant_dashboard_url, admin, make_settings):
    page.goto(f"{tenant_dashboard_url}/customer_groups")
    expect(page.get_by_text("Loaded ")).to_be_visible(timeout=60_000)
    settled(page)
    page.get_by_text("Files: export, or edit in a spreadsheet").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV", exact=True).click()
    download = download_info.value
    assert re.fullmatch(
        r"customer-groups-\d{4}-\d{2}-\d{2}-site-main\.csv", download.suggested_filename
    )
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "site,customerId,groupId"
    with EmporixClient(make_settings()) as client:
        relations = list_customer_groups(client)
    assert sorted(lines[1:]) == sorted(f"main,{r.customerId},{r.groupId}" for r in relations)


def test_a_download_after_a_search_holds_the_rows_shown(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        relations = list_customer_groups(client)
    wanted = relations[0].customerId
    kept = [r for r in relations if wanted.lower() in f"{r.customerId} {r.groupId}".lower()]
    assert 0 < len(kept) < len(relations)
    page.goto(f"{tenant_dashboard_url}/customer_groups")
    expect(page.get_by_text("Loaded ")).to_be_visible(timeout=60_000)
    settled(page)
    page.get_by_test_id("stExpander").filter(has_text="Filters").locator("summary").click()
    search = page.get_by_label("Search all columns")
    search.fill(wanted)
    search.press("Enter")
    expect(page.get_by_text(f"{len(kept)} of {len(relations)} rows shown")).to_be_visible(
        timeout=30_000
    )
    settled(page)
    page.get_by_text("Files: export, or edit in a spreadsheet").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV", exact=True).click()
    lines = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "site,customerId,groupId"
    assert sorted(lines[1:]) == sorted(f"main,{r.customerId},{r.groupId}" for r in kept)


def test_customers_ticked_on_the_customers_page_join_a_segment_and_edits_stay_pending(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        first = list_customers(client)[0]
        second_name = TenantApi(client).customer("00000002")["firstName"]
        for membership in list_segment_memberships(client, "SEG001"):
            if membership.customer.id == first.key:
                entity = membership.legalEntity.id if membership.legalEntity else None
                TenantApi(client).delete_membership("SEG001", first.key, entity)
    entity = first.b2b.legalEntities[0].id if first.b2b and first.b2b.legalEntities else None
    page.goto(f"{tenant_dashboard_url}/customers")
    expect(page.get_by_text("Loaded 120 rows")).to_be_visible(timeout=60_000)
    # An edit in the grid first (firstName of the second row): it must outlive the trip
    # to the selection grid and to another page.
    edit_cell(page, "customers", 1, "firstName", "Kept-While-Away", second_name)
    expect(push_button(page, 1)).to_be_visible(timeout=30_000)

    page.locator(".st-key-customers-mode").get_by_text("Select", exact=True).click()
    expect(page.get_by_text("0 rows selected")).to_be_visible(timeout=30_000)
    settled(page)
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("canvas").first).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    # The first column holds the row checkboxes; tick the first data row.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    expect(page.get_by_text("1 row selected")).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "customers-selected.png")
    page.get_by_text("Add the 1 selected customer to a segment").click()

    expect(page.get_by_role("heading", name="Segment memberships")).to_be_visible(timeout=60_000)
    add = page.get_by_role("button", name="Add 1 selected customer")
    expect(add).to_be_visible(timeout=60_000)
    settled(page)
    add.click()
    push = push_button(page, 1)
    expect(push).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "memberships-add-selected.png")
    push.click()
    expect(page.get_by_text("Last push: 1 applied, 0 failed, 0 conflicts.")).to_be_visible(
        timeout=60_000
    )
    with EmporixClient(make_settings()) as client:
        members = {
            m.customer.id: m.legalEntity.id if m.legalEntity else None
            for m in list_segment_memberships(client, "SEG001")
        }
    assert members.get(first.key, "absent") == entity

    page.get_by_test_id("stSidebarNav").get_by_text("Customers").click()
    expect(push_button(page, 1)).to_be_visible(timeout=60_000)
    # The canvas grid mirrors its cells into an accessible (hidden) table.
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.get_by_text("Kept-While-Away", exact=True)).to_be_attached()
    page.screenshot(path=OUTPUT / "customers-edit-kept.png")


def test_push_history_lists_a_dashboard_push_and_offers_its_undo(
    page: Page, tenant_dashboard_url, admin, make_settings, journal_db
):
    with EmporixClient(make_settings()) as client:
        current = TenantApi(client).customer("00000001")["firstName"]
    page.goto(f"{tenant_dashboard_url}/customers")
    expect(page.get_by_text("Loaded ")).to_be_visible(timeout=60_000)
    _edit_first_customers_first_name(page, "History-Edit", current).click()
    expect(page.get_by_text("Last push: 1 applied")).to_be_visible(timeout=60_000)

    with open_journal(journal_db) as journal:
        push_id = journal.history().loc[0, "id"]
    page.goto(f"{tenant_dashboard_url}/push_history")
    expect(page.get_by_role("heading", name="Push history")).to_be_visible(timeout=60_000)
    settled(page)
    chosen = page.get_by_role("combobox", name="Push")
    expect(chosen).to_have_value(re.compile(rf"^{push_id} · .* · customers · finished · "))
    expect(page.get_by_role("button", name="Plan the undo of this push")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").nth(1).locator("canvas").first).to_be_visible()
    page.screenshot(path=OUTPUT / "push_history.png")

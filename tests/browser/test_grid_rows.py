"""The grid as a new user meets it: rows added under a filter, what the review shows of
creates and deletes, and one value set for many filtered rows (issue 16, items 1 and 3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import list_customers
from tests.browser.ui import (
    add_row,
    edit_cell,
    enter_text,
    grid,
    open_table,
    pick,
    push_button,
    review_table,
    search,
    settled,
)
from tests.support import ROOT, TenantApi

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser


def _customers_with(make_settings, email: str) -> list[str]:
    with EmporixClient(make_settings()) as client:
        return [c.key or "" for c in list_customers(client) if c.contactEmail == email]


def test_a_row_added_under_a_non_contiguous_filter_is_reviewed_and_pushed(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    # Labels 2, 6 and 11: no even steps either (pandas keeps an evenly stepped slice of
    # a RangeIndex a RangeIndex, which the editor handles).
    with EmporixClient(make_settings()) as client:
        for number in ("00000003", "00000007", "00000012"):
            TenantApi(client).patch_customer(number, {"lastName": "Nonadjacent"})
    open_table(page, tenant_dashboard_url, "customers", 120)
    search(page, "Nonadjacent")
    expect(page.get_by_text("3 of 120 rows shown")).to_be_visible(timeout=30_000)
    add_row(page)
    edit_cell(page, "customers", 3, "contactEmail", "added.under.filter@example.com")
    push = push_button(page, 1)
    expect(push).to_be_visible(timeout=30_000)
    expect(review_table(page)).to_contain_text("added.under.filter@example.com")
    review_table(page).scroll_into_view_if_needed()
    page.screenshot(path=OUTPUT / "grid-add-filtered.png")
    push.click()
    expect(page.get_by_text("Last push: 1 applied, 0 failed, 0 conflicts.")).to_be_visible(
        timeout=60_000
    )
    assert len(_customers_with(make_settings, "added.under.filter@example.com")) == 1


def test_the_review_shows_what_a_create_and_a_delete_do(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        for number in ("00000003", "00000004", "00000005", "00000006"):
            TenantApi(client).patch_customer(number, {"lastName": "Reviewable"})
        doomed = TenantApi(client).customer("00000005")
    open_table(page, tenant_dashboard_url, "customers", 120)
    search(page, "Reviewable")
    expect(page.get_by_text("4 of 120 rows shown")).to_be_visible(timeout=30_000)
    add_row(page)
    edit_cell(page, "customers", 4, "contactEmail", "reviewed.create@example.com")
    edit_cell(page, "customers", 4, "firstName", "Reviewa")
    expect(push_button(page, 1)).to_be_visible(timeout=30_000)
    # Delete the third shown row (customer 00000005): tick its row marker, press Delete.
    box = grid(page).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + 35 * 3 + 17)
    page.keyboard.press("Delete")
    settled(page)
    expect(push_button(page, 2)).to_be_visible(timeout=30_000)
    changes = review_table(page)
    expect(changes).to_contain_text("reviewed.create@example.com")
    expect(changes).to_contain_text("Reviewa")
    expect(changes).to_contain_text(doomed["contactEmail"])
    expect(changes).to_contain_text(doomed["lastName"])
    expect(changes).not_to_contain_text("00000005 / ")
    changes.scroll_into_view_if_needed()
    page.screenshot(path=OUTPUT / "review-create-delete.png")
    # Reruns keep the new row's label.
    label = changes.get_by_text("row 120", exact=True).first
    expect(label).to_be_attached()
    search(page, "")
    search(page, "Reviewable")
    expect(review_table(page).get_by_text("row 120", exact=True).first).to_be_attached()


def test_a_value_set_for_50_filtered_rows_is_pushed(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    numbers = [f"{n:08d}" for n in range(11, 61)]
    with EmporixClient(make_settings()) as client:
        for number in numbers:
            TenantApi(client).patch_customer(number, {"company": "Bulk Fifty GmbH"})
    open_table(page, tenant_dashboard_url, "customers", 120)
    search(page, "Bulk Fifty")
    expect(page.get_by_text("50 of 120 rows shown")).to_be_visible(timeout=30_000)
    page.get_by_text("Change many rows").click()
    panel = page.get_by_test_id("stExpander").filter(has_text="Change many rows")
    pick(page, panel.get_by_role("combobox", name="Column to set"), "preferredLanguage")
    settled(page)
    expect(panel.get_by_role("combobox", name="Column to set")).to_have_value("preferredLanguage")
    # The value's input is keyed by the column: wait for the one of preferredLanguage (the
    # rerun that draws it may start only after the choice shows in the box).
    value = panel.locator(".st-key-customers-bulk-value-preferredLanguage").get_by_role("textbox")
    enter_text(page, value, "fr_CA")
    panel.get_by_role("button", name="Set for the 50 filtered rows").click()
    push = push_button(page, 50)
    expect(push).to_be_visible(timeout=30_000)
    expect(review_table(page)).to_contain_text("fr_CA")
    page.screenshot(path=OUTPUT / "set-value-50.png")
    push.click()
    expect(page.get_by_text("Last push: 50 applied, 0 failed, 0 conflicts.")).to_be_visible(
        timeout=120_000
    )
    with EmporixClient(make_settings()) as client:
        by_number = {c.key: c for c in list_customers(client)}
    assert {by_number[n].preferredLanguage for n in numbers} == {"fr_CA"}
    assert by_number["00000061"].preferredLanguage != "fr_CA"

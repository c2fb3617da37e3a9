"""Data quality in headless Chromium: the cards' counts after someone damaged the data,
and a fix going through review and push."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.journal import open_journal
from emporix_data.tables import load_table
from tests.browser.ui import settled
from tests.support import ROOT, TenantApi

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser
OUTPUT.mkdir(exist_ok=True)


def card_count(page: Page, check: str):
    return page.locator(f".st-key-audit-card-{check}").get_by_test_id("stMetricValue")


def test_the_page_counts_findings_and_a_fix_goes_through_review_and_push(
    page: Page, tenant_dashboard_url, admin, make_settings, journal_db
):
    with EmporixClient(make_settings()) as client:
        tenant = TenantApi(client)
        memberships = load_table(client, "segment-memberships").frame
        customers = load_table(client, "customers").frame
        gone = memberships.loc[memberships["legalEntityId"].isna(), "customerId"].iloc[0]
        orphans = int((memberships["customerId"] == gone).sum())
        first, second = customers["customerNumber"].iloc[[1, 2]]
        email = customers.loc[customers["customerNumber"] == first, "contactEmail"].iloc[0]
        assert tenant.delete_customer(gone) in (202, 204)
        assert tenant.patch_customer(second, {"contactEmail": email.upper()}) == 200

    page.goto(f"{tenant_dashboard_url}/data_quality")
    expect(page.get_by_role("heading", name="Data quality")).to_be_visible(timeout=60_000)
    expect(card_count(page, "orphan-memberships")).to_have_text(str(orphans), timeout=60_000)
    expect(card_count(page, "duplicate-emails")).to_have_text("1")
    expect(card_count(page, "orphan-contact-assignments")).to_have_text("0")
    settled(page)
    page.screenshot(path=OUTPUT / "data_quality.png", full_page=True)

    card = page.locator(".st-key-audit-card-orphan-memberships")
    card.get_by_role("button", name="Review fix").click()
    expect(card.get_by_text("Fix of orphan-memberships")).to_be_visible(timeout=30_000)
    deletes = card.get_by_test_id("stMetric").filter(has_text="Deletes")
    expect(deletes.get_by_test_id("stMetricValue")).to_have_text(str(orphans))
    settled(page)
    page.screenshot(path=OUTPUT / "data_quality-review.png", full_page=True)

    card.get_by_role("button", name="Push the fix").click()
    expect(page.get_by_text("Fix of orphan-memberships (push")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"{orphans} applied, 0 failed, 0 conflicts")).to_be_visible()
    expect(card_count(page, "orphan-memberships")).to_have_text("0", timeout=60_000)
    expect(card_count(page, "duplicate-emails")).to_have_text("1")
    settled(page)
    page.screenshot(path=OUTPUT / "data_quality-fixed.png", full_page=True)
    with open_journal(journal_db) as journal:
        history = journal.history()
    assert history.loc[0, "source"] == "page Data quality (audit orphan-memberships)"
    with EmporixClient(make_settings()) as client:
        assert gone not in set(load_table(client, "segment-memberships").frame["customerId"])

"""Customer groups as a new user meets them: names beside ids, a form to add customers to
a group, and a word instead of a bare grid on a site without any (issue 16, item 5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.resources.customer_groups import list_customer_groups
from emporix_data.resources.customers import list_customers
from tests.browser.ui import close_list, grid, open_table, pick, push_button, settled
from tests.support import ROOT

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser


def test_a_customer_added_to_a_group_from_the_page_is_pushed(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        grouped = {r.customerId for r in list_customer_groups(client)}
        everyone = list_customers(client)
    named = {c.key: c for c in everyone}
    member = next(iter(sorted(grouped)))
    newcomer = next(c for c in everyone if c.key not in grouped)
    open_table(page, tenant_dashboard_url, "customer_groups")
    expect(grid(page)).to_contain_text(str(named[member].lastName))

    form = page.get_by_test_id("stExpander").filter(has_text="Add customers to a group")
    form.locator("summary").click()
    customers = form.get_by_role("combobox", name="Customers")
    pick(page, customers, str(newcomer.key), exact=False)
    close_list(page)  # a multiselect stays open for more
    settled(page)
    expect(customers.locator("xpath=ancestor::div[@data-testid='stMultiSelect']")).to_contain_text(
        str(newcomer.key)
    )
    group = form.get_by_role("combobox", name="Group")
    group.click()
    group.fill("browser-vip")
    page.keyboard.press("Enter")
    expect(group).to_have_value("browser-vip")
    settled(page)
    add = form.get_by_role("button", name="Add to pending changes")
    expect(add).to_be_enabled()
    add.click()
    push = push_button(page, 1)
    expect(push).to_be_visible(timeout=30_000)
    page.screenshot(path=OUTPUT / "customer-groups-add.png")
    push.click()
    expect(page.get_by_text("Last push: 1 applied, 0 failed, 0 conflicts.")).to_be_visible(
        timeout=60_000
    )
    with EmporixClient(make_settings()) as client:
        groups = {r.customerId: r.groupId for r in list_customer_groups(client)}
    assert groups[newcomer.key] == "browser-vip"


def test_a_site_without_relations_says_so(page: Page, tenant_dashboard_url, admin):
    open_table(page, tenant_dashboard_url, "customer_groups")
    site = page.get_by_role("combobox", name="Site")
    site.click()
    site.fill("nowhere")
    page.keyboard.press("Enter")
    expect(page.get_by_text("No customer-group relations on site nowhere yet")).to_be_visible(
        timeout=60_000
    )
    page.screenshot(path=OUTPUT / "customer-groups-empty-site.png")

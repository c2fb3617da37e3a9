"""Reports in headless Chromium against a real `streamlit run app.py` on the test sandbox:
a built-in report, a group-by built without SQL, its chart and its XLSX; the Overview's
links and labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import list_customers
from emporix_data.resources.segments import list_segments
from tests.browser.ui import close_list, pick, settled
from tests.support import ROOT

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser
OUTPUT.mkdir(exist_ok=True)


def choose(page: Page, box: str, option: str) -> None:
    """Pick ``option`` in the select box or multiselect whose widget class is ``box``."""
    pick(page, page.locator(box).locator("input"), option)
    close_list(page)  # a multiselect stays open for more
    widget = page.locator(box)
    chosen = widget.locator("input").and_(page.locator(f"[value={json.dumps(option)}]"))
    tag = widget.get_by_text(option, exact=True)  # a multiselect shows it as a tag
    expect(chosen.or_(tag)).to_be_visible(timeout=30_000)
    settled(page)


def test_a_builtin_report_and_a_group_by_built_without_sql(
    page: Page, tenant_dashboard_url, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        customers = list_customers(client)
        segments = {segment.display_name for segment in list_segments(client)}
    page.goto(f"{tenant_dashboard_url}/reports")
    expect(page.get_by_role("heading", name="Reports")).to_be_visible(timeout=60_000)
    settled(page)
    choose(page, ".st-key-reports-saved", "Segment sizes (segment_sizes)")
    page.locator(".st-key-reports-saved-run").get_by_role("button").click()
    expect(page.get_by_role("heading", name="Segment sizes")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("3 rows in")).to_be_visible(timeout=60_000)
    expect(page.locator(".js-plotly-plot")).to_be_visible(timeout=30_000)
    bars = page.locator(".js-plotly-plot .xtick text").all_text_contents()
    assert set(bars) == segments and not any(re.fullmatch(r"SEG\d+", bar) for bar in bars)
    page.screenshot(path=OUTPUT / "reports-builtin.png", full_page=True)

    page.locator(".st-key-reports-mode").get_by_text("Builder", exact=True).click()
    settled(page)
    choose(page, ".st-key-reports-builder-table", "customers")
    choose(page, ".st-key-reports-builder-customers-group", "Business model")
    expect(page.get_by_text('SELECT "businessModel", count(*) AS "count"')).to_be_visible(
        timeout=30_000
    )
    page.locator(".st-key-reports-builder-run").get_by_role("button").click()
    expected = pd.Series([c.businessModel for c in customers]).value_counts()
    expect(page.get_by_text(f"{len(expected)} rows in")).to_be_visible(timeout=60_000)
    settled(page)  # the run's end removes the chart of the report run before
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    expect(page.locator(".js-plotly-plot .xtitle")).to_have_text("Business model", timeout=30_000)
    page.screenshot(path=OUTPUT / "reports-builder.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "report.xlsx"
    frame = pd.read_excel(Path(download.path()))
    assert dict(zip(frame["businessModel"], frame["count"], strict=True)) == expected.to_dict()


def test_an_overview_tile_opens_its_report_and_no_label_is_clipped(
    page: Page, tenant_dashboard_url
):
    page.goto(tenant_dashboard_url)
    settled(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetricLabel"] *')]
            .filter(e => e.children.length === 0 && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent)"""
    )
    assert clipped == []
    page.screenshot(path=OUTPUT / "overview-tiles.png", full_page=True)
    tile = page.locator(".st-key-tile-B2B-customers-without-a-contact-assignment")
    count = tile.get_by_test_id("stMetricValue").inner_text()
    tile.get_by_role("link", name="Show the rows").click()
    expect(
        page.get_by_role("heading", name="B2B customers without a contact assignment")
    ).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"{count} rows in")).to_be_visible(timeout=60_000)
    settled(page)
    page.screenshot(path=OUTPUT / "reports-linked.png", full_page=True)

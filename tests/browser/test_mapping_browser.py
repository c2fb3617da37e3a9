"""Files from other systems through the dashboard's upload, in headless Chromium: the
mapping step, lookups, a key chosen in a dropdown, pushes; and an XLSX download opened
with openpyxl."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import CUSTOMER_SCHEMA, list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships
from emporix_data.resources.segments import list_segments
from tests.browser.ui import pick, settled
from tests.support import ROOT, TenantApi

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser
SEGMENT = "SEG002"


def open_table(page: Page, url: str, path: str, *, files: bool = True) -> None:
    page.goto(f"{url}/{path}")
    expect(page.get_by_text("Loaded ")).to_be_visible(timeout=60_000)
    settled(page)
    if files:
        page.get_by_text("Files: export, or edit in a spreadsheet").click()


def upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    expect(page.get_by_text(f"Columns of {path.name}")).to_be_visible(timeout=60_000)
    settled(page)


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label)


def choose(page: Page, header: str, option: str) -> None:
    """Pick ``option`` in the mapping dropdown of ``header``."""
    box = page.get_by_role("combobox", name=header)
    pick(page, box, option, typed=option.split(" ")[0], exact=False)
    expect(box).to_have_value(option)
    settled(page)


def test_members_by_segment_name_and_e_mail_are_mapped_looked_up_and_pushed(
    page: Page, tenant_dashboard_url, admin, make_settings, tmp_path
):
    with EmporixClient(make_settings()) as client:
        members = {m.customer.id for m in list_segment_memberships(client, SEGMENT)}
        outside = [c for c in list_customers(client) if c.customerNumber not in members][:10]
        name = next(s.display_name for s in list_segments(client) if s.id == SEGMENT)
    lines = ["Segment name,Customer E-Mail,Notes"]
    lines += [f"{name},{c.contactEmail.upper()},note" for c in outside]
    lines.append(f"{name},NOBODY@EXAMPLE.COM,who?")
    path = tmp_path / "members.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    open_table(page, tenant_dashboard_url, "segment_memberships")
    upload(page, path)
    expect(page.get_by_role("combobox", name="Segment name")).to_have_value(
        "segmentName · Segment name"
    )
    expect(page.get_by_role("combobox", name="Notes")).to_have_value("(ignore)")
    expect(page.get_by_text("Ignored: 'Notes' (matches no column)")).to_be_visible()
    expect(metric(page, "Creates")).to_contain_text("10")
    expect(metric(page, "Invalid rows")).to_contain_text("1")
    # The canvas tables mirror their cells into accessible (hidden) tables.
    expect(page.get_by_text("NOBODY@EXAMPLE.COM", exact=True).first).to_be_attached()
    page.screenshot(path=OUTPUT / "mapping-memberships.png", full_page=True)
    page.get_by_role("button", name="Push 10 changes").click()
    expect(
        page.get_by_text("Last push: 10 applied, 0 failed, 0 conflicts, 1 invalid.")
    ).to_be_visible(timeout=60_000)
    with EmporixClient(make_settings()) as client:
        now = {m.customer.id for m in list_segment_memberships(client, SEGMENT)}
    assert {c.customerNumber for c in outside} <= now


def test_customer_number_and_last_name_update_last_names(
    page: Page, tenant_dashboard_url, admin, make_settings, tmp_path
):
    path = tmp_path / "names.csv"
    path.write_text("Customer Number,Last Name\n00000008,Browser-Eight\n", encoding="utf-8")
    open_table(page, tenant_dashboard_url, "customers")
    upload(page, path)
    expect(page.get_by_text("No header is ignored.")).to_be_visible()
    expect(metric(page, "Updates")).to_contain_text("1")
    page.get_by_role("button", name="Push 1 change").click()
    expect(page.get_by_text("Last push: 1 applied")).to_be_visible(timeout=60_000)
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).customer("00000008")["lastName"] == "Browser-Eight"


def test_a_file_without_its_key_is_stopped_until_its_headers_are_chosen(
    page: Page, tenant_dashboard_url, admin, make_settings, tmp_path
):
    path = tmp_path / "kunden.csv"
    path.write_text("Kundennummer,Nachname\n00000009,Browser-Neun\n", encoding="utf-8")
    open_table(page, tenant_dashboard_url, "customers")
    upload(page, path)
    expect(page.get_by_text("the file has no column for customerNumber")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Push "))).to_have_count(0)
    choose(page, "Kundennummer", "customerNumber · Customer number")
    choose(page, "Nachname", "lastName · Last name")
    expect(metric(page, "Updates")).to_contain_text("1")
    page.screenshot(path=OUTPUT / "mapping-chosen.png", full_page=True)
    page.get_by_role("button", name="Push 1 change").click()
    expect(page.get_by_text("Last push: 1 applied")).to_be_visible(timeout=60_000)
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).customer("00000009")["lastName"] == "Browser-Neun"


def test_an_xlsx_export_opens_with_typed_dates_a_styled_header_and_no_stray_apostrophes(
    page: Page, tenant_dashboard_url, admin
):
    open_table(page, tenant_dashboard_url, "customers")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="XLSX", exact=True).click()
    download = download_info.value
    assert re.fullmatch(r"customers-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet.title == "customers"
    assert sheet.freeze_panes == "A2"
    header = {cell.value: cell for cell in sheet[1]}
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}121"
    assert list(header)[: len(CUSTOMER_SCHEMA.names)] == CUSTOMER_SCHEMA.names
    assert all(cell.font.b for cell in header.values())
    created = sheet.cell(2, header["createdAt"].column)
    assert created.is_date and created.value is not None
    phones = [sheet.cell(row, header["contactPhone"].column) for row in range(2, 122)]
    texts = [cell.value for cell in phones if cell.value]
    assert texts and all(cell.data_type == "s" for cell in phones if cell.value)
    assert not [text for text in texts if text.startswith("'")]
    assert any(text.startswith("+") for text in texts)


def test_a_filtered_download_is_named_after_its_filter(page: Page, tenant_dashboard_url, admin):
    open_table(page, tenant_dashboard_url, "customers", files=False)
    page.get_by_test_id("stExpander").filter(has_text="Filters").locator("summary").click()
    search = page.get_by_label("Search all columns")
    search.fill("0000001")
    search.press("Enter")
    expect(page.get_by_text("of 120 rows shown")).to_be_visible(timeout=30_000)
    settled(page)
    page.get_by_text("Files: export, or edit in a spreadsheet").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV", exact=True).click()
    name = download_info.value.suggested_filename
    assert re.fullmatch(r"customers-\d{4}-\d{2}-\d{2}-search-0000001\.csv", name)

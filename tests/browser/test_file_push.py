"""An edited file pushed from the page, and an old export uploaded again (issue 16, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from tests.browser.ui import open_table, push_button, settled
from tests.support import ROOT, TenantApi, exported

OUTPUT = ROOT / "test-output"
pytestmark = pytest.mark.browser


def _upload(page: Page, path: Path) -> None:
    files = page.get_by_test_id("stExpander").filter(has_text="Files: export")
    if not files.get_by_test_id("stFileUploaderDropzoneInput").is_visible():
        files.locator("summary").click()
    files.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    settled(page)


def test_after_a_file_push_the_file_is_detached_and_nothing_is_pending(
    page: Page, tenant_dashboard_url, admin, make_settings, tmp_path: Path
):
    with EmporixClient(make_settings()) as client:
        rows = exported(client, "customers").iloc[:3].copy()
    rows["firstName"] = ["Filed-One", "Filed-Two", rows["firstName"].iloc[2]]
    rows["_action"] = ["update", "upsert", "delete"]
    path = tmp_path / "customers-edited.csv"
    path.write_bytes(frame_bytes(rows, "csv"))

    open_table(page, tenant_dashboard_url, "customers", 120)
    _upload(page, path)
    expect(page.get_by_role("heading", name="Review changes from the uploaded file")).to_be_visible(
        timeout=30_000
    )
    push = push_button(page, 3)
    expect(push).to_be_visible(timeout=30_000)
    push.click()
    expect(page.get_by_text("Last push: 3 applied, 0 failed, 0 conflicts.")).to_be_visible(
        timeout=60_000
    )
    settled(page)
    expect(page.get_by_text("No pending changes.")).to_be_visible()
    expect(page.get_by_text("customers-edited.csv")).to_have_count(0)
    expect(page.get_by_text("is read-only and cannot be changed")).to_have_count(0)
    expect(page.get_by_text("does not exist")).to_have_count(0)
    page.screenshot(path=OUTPUT / "file-push-clean.png")
    with EmporixClient(make_settings()) as client:
        api = TenantApi(client)
        assert api.customer(rows["customerNumber"].iloc[0])["firstName"] == "Filed-One"
        assert api.customer(rows["customerNumber"].iloc[1])["firstName"] == "Filed-Two"


def test_an_old_export_uploaded_again_meets_a_conflict_not_a_version_error(
    page: Page, tenant_dashboard_url, admin, make_settings, tmp_path: Path
):
    with EmporixClient(make_settings()) as client:
        old = exported(client, "customers").iloc[:5].copy()
        TenantApi(client).patch_customer(old["customerNumber"].iloc[1], {"firstName": "Later"})
    path = tmp_path / "customers-old.csv"
    path.write_bytes(frame_bytes(old, "csv"))

    open_table(page, tenant_dashboard_url, "customers", 120)
    _upload(page, path)
    # The errors table is a canvas: its cells are mirrored into a hidden table.
    expect(page.get_by_text("changed since the file was exported")).to_be_attached(timeout=30_000)
    expect(page.get_by_text("is read-only and cannot be changed")).to_have_count(0)
    expect(page.get_by_role("button", name="Push", exact=False)).to_have_count(0)
    page.screenshot(path=OUTPUT / "file-old-export.png")

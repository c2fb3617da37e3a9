"""Files, run as a page of its own (no API): downloads per site, an uploaded file read
once, only the site shown's rows planned, a damaged file named. The mapping step has
tests of its own (``test_mapping_component``)."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from emporix_data.export import frame_bytes
from tests.dashboard.synthetic import groups_table, started


def files_page(state) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    import streamlit as st

    from pages.components.files import files_section

    mapped = files_section(state, lambda: state.work.frame.iloc[:2])
    st.caption("no file" if mapped is None else f"{len(mapped.frame)} rows from the file")


def files_of(state) -> AppTest:
    at = AppTest.from_function(files_page, args=(state,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def two_sites_file() -> bytes:
    rows = pd.DataFrame(
        {
            "site": ["main", "main", "outlet"],
            "customerId": ["C1", "C2", "C3"],
            "groupId": ["a", "b", "c"],
        }
    )
    return frame_bytes(rows, "csv")


def test_downloads_are_offered_in_every_format_per_site():
    at = files_of(started(groups_table("outlet", ["C1"]), "outlet"))
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["CSV", "XLSX", "PARQUET", "JSON"]
    assert "customer-groups:download:csv:outlet" in at.session_state


def test_an_upload_plans_only_the_rows_of_the_site_shown_and_is_read_once():
    state = started(groups_table("main", ["C1", "C2"]), "main")
    at = files_of(state)
    assert "no file" in captions(at)
    upload = at.file_uploader(key="customer-groups:upload:main")
    upload.set_value(("groups.csv", two_sites_file(), "text/csv")).run()
    assert [w.value for w in at.warning] == [
        "1 rows of the file are for other sites and are left out: "
        "switch the site to `outlet` to push them."
    ]
    assert "2 rows from the file" in captions(at)
    kept = state.upload
    at.run()
    assert state.upload is kept

    at.file_uploader(key="customer-groups:upload:main").set_value(None).run()
    assert "no file" in captions(at)
    assert state.upload is None


def test_a_damaged_file_is_named_and_nothing_is_planned_from_it():
    at = files_of(started(groups_table("main", ["C1"]), "main"))
    upload = at.file_uploader(key="customer-groups:upload:main")
    upload.set_value(("broken.xlsx", b"not a workbook", "application/octet-stream")).run()
    assert any(e.value.startswith("Cannot read broken.xlsx: ") for e in at.error)
    assert "no file" in captions(at)

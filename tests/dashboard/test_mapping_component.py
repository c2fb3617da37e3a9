"""The mapping step of an upload, run as a page of its own (no API): dropdowns pre-filled
with the automatic choice, a live report, a missing key named, choices changed, saved
and applied, and values looked up in the records a table's rows refer to."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from emporix_data.mapping import directory_of
from emporix_data.resources.customers import Customer
from emporix_data.resources.segments import Segment
from pages.components.mapping import header_key
from tests.dashboard.synthetic import customers_table, memberships_table, started


def upload_page(state) -> None:
    # Run as a script of its own: no annotations that name what it imports.
    import streamlit as st

    from emporix_data.plan import References
    from pages.components.files import files_section

    mapped = files_section(state, lambda: state.work.frame)
    if mapped is None:
        st.caption("nothing to plan")
    else:
        references = state.directory.references if state.directory else References()
        plan = state.work.plan(references, mapped)
        st.caption(f"plan: {plan.counts()}")
        st.caption("errors: " + " | ".join(e.message for e in plan.errors))


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saved mappings go to a folder of this test's own."""
    monkeypatch.setenv("EMPORIX_DATA_DIR", str(tmp_path))
    return tmp_path


def uploaded(state, name: str, text: str) -> AppTest:
    at = AppTest.from_function(upload_page, args=(state,), default_timeout=30).run()
    upload = at.file_uploader(key=f"{state.name}:upload")
    upload.set_value((name, text.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def dropdowns(at: AppTest, state) -> list[str]:
    return [
        at.selectbox(key=header_key(state, state.upload, position)).value
        for position in range(len(state.upload.headers))
    ]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_headers_are_pre_filled_and_the_report_names_the_ignored_ones():
    state = started(customers_table(4))
    at = uploaded(state, "c.csv", "Customer Number,Last Name,Notes\n00000001,Neu,call back\n")
    assert dropdowns(at, state) == ["customerNumber", "lastName", ""]
    report = at.dataframe[0].value
    assert report.values.tolist() == [
        ["Customer Number", "customerNumber", "name"],
        ["Last Name", "lastName", "name"],
        ["Notes", "(ignored)", "matches no column"],
    ]
    assert "Ignored: 'Notes' (matches no column)" in captions(at)
    assert "plan: {'create': 0, 'update': 1, 'delete': 0, 'invalid': 0}" in captions(at)


def test_a_file_without_its_key_is_planned_once_the_user_maps_the_headers():
    state = started(customers_table(4))
    at = uploaded(state, "k.csv", "Kundennummer,Nachname\n00000002,Neu\n")
    assert dropdowns(at, state) == ["", ""]
    (error,) = at.error
    assert "the file has no column for customerNumber" in error.value
    assert "'Customer number'" in error.value
    assert "nothing to plan" in captions(at)

    at.selectbox(key=header_key(state, state.upload, 0)).set_value("customerNumber").run()
    at.selectbox(key=header_key(state, state.upload, 1)).set_value("lastName").run()
    assert not at.error
    assert "plan: {'create': 0, 'update': 1, 'delete': 0, 'invalid': 0}" in captions(at)
    assert at.dataframe[0].value["how"].tolist() == [
        "chosen",
        "chosen",
    ]
    (update,) = state.work.plans.kept.updates
    assert [(c.column, c.new) for c in update.changes] == [("lastName", "Neu")]


def test_two_headers_for_one_column_are_refused():
    state = started(customers_table(2))
    at = uploaded(state, "d.csv", "Customer Number,Nr\n00000001,00000001\n")
    at.selectbox(key=header_key(state, state.upload, 1)).set_value("customerNumber").run()
    assert "'Customer Number' and 'Nr' are both mapped to customerNumber" in at.error[0].value
    assert "nothing to plan" in captions(at)


def test_a_saved_mapping_is_kept_as_toml_and_applied_to_the_next_file(data_dir: Path):
    state = started(customers_table(4))
    at = uploaded(state, "k.csv", "Kundennummer,Nachname,Notiz\n00000002,Neu,x\n")
    at.selectbox(key=header_key(state, state.upload, 0)).set_value("customerNumber").run()
    at.selectbox(key=header_key(state, state.upload, 1)).set_value("lastName").run()
    at.text_input(key="customers:mapping:name").input("crm export").run()
    at.button(key="customers:mapping:save").click().run()
    assert "Saved the mapping as crm export." in [s.value for s in at.success]
    saved = (data_dir / "mappings" / "crm export.toml").read_text(encoding="utf-8")
    assert '"Kundennummer" = "customerNumber"' in saved
    assert '"Notiz" = ""' in saved

    fresh = started(customers_table(4))
    at = uploaded(fresh, "next.csv", "Nachname,Kundennummer\nAnders,00000003\n")
    assert dropdowns(at, fresh) == ["", ""]
    assert at.selectbox(key="customers:mapping:saved").options == ["crm export"]
    at.button(key="customers:mapping:apply").click().run()
    assert dropdowns(at, fresh) == ["lastName", "customerNumber"]
    assert "plan: {'create': 0, 'update': 1, 'delete': 0, 'invalid': 0}" in captions(at)


def test_a_mapping_name_that_is_not_a_plain_file_name_is_refused(data_dir: Path):
    state = started(customers_table(2))
    at = uploaded(state, "c.csv", "customerNumber,lastName\n00000001,Neu\n")
    at.text_input(key="customers:mapping:name").input("../elsewhere").run()
    at.button(key="customers:mapping:save").click().run()
    assert at.error[0].value.startswith("Cannot save the mapping: a mapping name is")
    assert not list(data_dir.rglob("*.toml"))


def test_segment_names_and_e_mails_are_looked_up_beside_the_file_values():
    state = started(memberships_table([("SEG1", "C1", None)]))
    state.directory = directory_of(
        ("customers", "legal_entities", "segments", "b2b_customers"),
        customers=[
            Customer(customerNumber="C1", id="C1", contactEmail="one@example.com"),
            Customer(customerNumber="C2", id="C2", contactEmail="two@example.com"),
        ],
        segments=[Segment(id="SEG1", name={"en": "VIP"})],
    )
    text = "Segment name,Customer E-Mail,Notes\nvip,TWO@example.com,a\nVIP,nobody@x.org,b\n"
    at = uploaded(state, "m.csv", text)
    assert dropdowns(at, state) == ["segmentName", "customerEmail", ""]
    found = at.dataframe[1].value
    assert found.values.tolist() == [
        ["row 2", "vip", "SEG1", "TWO@example.com", "C2"],
        ["row 3", "VIP", "SEG1", "nobody@x.org", "(no match)"],
    ]
    assert "segmentId: looked up by segmentName in 2 rows" in captions(at)
    assert "plan: {'create': 1, 'update': 0, 'delete': 0, 'invalid': 1}" in captions(at)
    assert (
        "errors: 'nobody@x.org' matches no customer (by customer number, id or e-mail)"
        in captions(at)
    )

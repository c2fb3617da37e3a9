"""Customers loaded as packed JSON and typed views give the frame and the documents
that parsed models gave, oddities included; exports written a page at a time are the
whole-table exports."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pandas as pd
import pytest

from emporix_data import tables
from emporix_data.client import EmporixClient
from emporix_data.export import write_frame
from emporix_data.resources import contact_assignments, customers
from emporix_data.resources import segment_memberships as memberships
from emporix_data.resources.segments import list_segments
from emporix_data.table_export import export_table, streams, write_pages
from emporix_data.table_pages import TablePage
from emporix_data.tables import load_table

ODD = {
    "firstName": "Odd",
    "lastName": "Ones",
    "contactEmail": "odd@example.com",
    "active": "true",  # a boolean sent as text: read as one, kept as sent
    "unknownField": {"nested": [1, {"x": None}]},
    "mixins": {"loyalty": {"tier": 3, "member": True}, "notes": {"text": "=1+1"}},
}


@pytest.fixture
def paged_client(make_settings, admin):
    """A client reading pages of 7 customers: many pages, some with mixin fields that
    others lack."""
    with EmporixClient(make_settings(page_size=7)) as client:
        yield client


def parsed_load(client: EmporixClient, name: str) -> SimpleNamespace:
    """The table as it was loaded before: whole pydantic models."""
    table = tables.TABLES[name]
    if name == "customers":
        records = customers.list_customers(client, expand=customers.EXPAND_ALL)
    elif name == "contact-assignments":
        records = contact_assignments.list_contact_assignments(client)
    else:
        records = [
            member
            for segment in list_segments(client)
            for member in memberships.list_segment_memberships(client, segment.id or "")
        ]
    schema = table.schema_of(records)
    documents = {table.key_of(record): record.document() for record in records}
    return SimpleNamespace(schema=schema, frame=schema.to_frame(records), documents=documents)


def test_memberships_are_those_of_parsed_models(client, tenant):
    tenant.put_membership("SEG001", "00000001", body={"assignmentType": "MANUAL", "extra": 1})
    packed = load_table(client, "segment-memberships")
    parsed = parsed_load(client, "segment-memberships")
    assert packed.schema == parsed.schema
    pd.testing.assert_frame_equal(packed.frame, parsed.frame)
    assert packed.frame["segmentId"].nunique() > 1
    assert list(packed.documents) == list(parsed.documents)
    assert all(packed.documents[key] == parsed.documents[key] for key in packed.documents)


def test_contact_assignments_are_those_of_parsed_models(paged_client):
    packed = load_table(paged_client, "contact-assignments")
    parsed = parsed_load(paged_client, "contact-assignments")
    assert packed.schema == parsed.schema
    pd.testing.assert_frame_equal(packed.frame, parsed.frame)
    assert len(packed.frame) > 7 and packed.frame["legalEntityName"].notna().all()
    assert packed.frame["createdAt"].notna().all() and packed.frame["version"].notna().all()
    assert list(packed.documents) == list(parsed.documents)
    assert all(packed.documents[key] == parsed.documents[key] for key in packed.documents)


def test_the_frame_and_documents_are_those_of_parsed_models(client, tenant):
    tenant.create_customer(ODD)
    packed = load_table(client, "customers")
    parsed = parsed_load(client, "customers")
    assert packed.schema == parsed.schema
    pd.testing.assert_frame_equal(packed.frame, parsed.frame)
    assert list(packed.documents) == list(parsed.documents)
    odd = packed.frame.index[packed.frame["lastName"] == "Ones"][0]
    assert packed.frame.loc[odd, "active"]
    key = list(packed.documents)[odd]
    assert packed.documents[key]["unknownField"] == ODD["unknownField"]
    for key in packed.documents:
        document = packed.documents[key]
        if key == list(packed.documents)[odd]:
            assert document["active"] == "true" and parsed.documents[key]["active"] is True
            continue
        assert document == parsed.documents[key]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_an_export_written_a_page_at_a_time_is_the_whole_table_export(
    paged_client, tenant, tmp_path, fmt
):
    client = paged_client
    tenant.create_customer(ODD)
    assert streams(fmt) and not streams("xlsx")
    paged, whole = tmp_path / f"paged.{fmt}", tmp_path / f"whole.{fmt}"
    rows = export_table(client, "customers", paged, fmt)
    frame = load_table(client, "customers").frame
    write_frame(frame, whole, fmt)
    assert rows == len(frame)
    if fmt != "parquet":
        assert paged.read_bytes() == whole.read_bytes()
    else:
        pd.testing.assert_frame_equal(pd.read_parquet(paged), pd.read_parquet(whole))


def test_pages_are_spooled_as_they_arrive_and_a_failed_export_leaves_the_old_file(
    paged_client, tmp_path
):
    out = tmp_path / "customers.csv"
    out.write_text("an earlier export")
    pages = tables.TABLES["customers"].load_pages(paged_client, None, False)
    handed: list[TablePage] = []

    def failing() -> Iterator[TablePage]:
        for page in pages:
            handed.append(page)
            if len(handed) == 3:
                raise ConnectionError("the network went away")
            yield page

    with pytest.raises(ConnectionError):
        write_pages(failing(), tables.TABLES["customers"].schema, out, "csv")
    assert len(handed) == 3, "pages are read one by one, not all first"
    assert out.read_text() == "an earlier export"
    assert list(tmp_path.iterdir()) == [out], "no half-written file left behind"

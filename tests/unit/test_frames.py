"""Frames: fixed schema and dtypes; request bodies change only edited fields."""

import numpy as np
import pandas as pd

from emporix_data.frames import to_json_value
from emporix_data.resources.contact_assignments import CONTACT_ASSIGNMENT_SCHEMA, upsert_body
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA, SegmentMembership

DOC = {
    "customerNumber": "00000042",
    "id": "00000042",
    "firstName": "Zoë",
    "lastName": "Müller",
    "active": True,
    "onHold": False,
    "businessModel": "B2B",
    "b2b": {"companyRegistrationId": "R-1", "legalEntities": [{"id": "LE1", "name": "Acme"}]},
    "metadata": {"version": 3, "mixins": {"loyalty": "https://schema"}},
    "mixins": {"loyalty": {"tier": "gold"}},
    "metadataCreatedAt": "2024-02-29T10:15:00.123Z",
    "customField": {"kept": [1, 2]},
}


def test_frame_has_exactly_the_schema_columns_and_dtypes_even_when_fields_are_missing():
    frame = CUSTOMER_SCHEMA.to_frame([Customer.model_validate(DOC), Customer()])
    assert list(frame.columns) == CUSTOMER_SCHEMA.names
    assert frame.dtypes.to_dict() == CUSTOMER_SCHEMA.empty_frame().dtypes.to_dict()
    assert str(frame["customerNumber"].dtype) == "string"
    assert str(frame["active"].dtype) == "boolean"
    assert str(frame["version"].dtype) == "Int64"
    assert isinstance(frame["createdAt"].dtype, pd.DatetimeTZDtype)
    first = frame.iloc[0]
    assert first["customerNumber"] == "00000042"
    assert first["companyRegistrationId"] == "R-1"
    assert first["version"] == 3
    assert first["createdAt"] == pd.Timestamp("2024-02-29T10:15:00.123Z")
    assert frame["active"].isna().iloc[1]
    assert frame["firstName"].isna().iloc[1]


def test_empty_list_gives_an_empty_frame_with_the_schema():
    frame = MEMBERSHIP_SCHEMA.to_frame([])
    assert list(frame.columns) == MEMBERSHIP_SCHEMA.names
    assert len(frame) == 0
    assert str(frame["version"].dtype) == "Int64"


def test_body_keeps_every_unedited_field_including_unknown_ones():
    original = Customer.model_validate(DOC).document()
    assert original == DOC
    body = CUSTOMER_SCHEMA.apply(original, {"lastName": "Meyer", "companyRegistrationId": "R-2"})
    expected = {**DOC, "lastName": "Meyer", "b2b": {**DOC["b2b"], "companyRegistrationId": "R-2"}}
    assert body == expected
    assert original == DOC, "the original document must not be modified"


def test_clearing_a_cell_removes_the_field_and_pandas_scalars_become_json():
    body = CUSTOMER_SCHEMA.apply(DOC, {"firstName": pd.NA, "active": pd.array([False])[0]})
    assert "firstName" not in body
    assert body["active"] is False
    assert to_json_value(pd.Timestamp("2024-01-02T03:04:05.678Z")) == "2024-01-02T03:04:05.678Z"


def test_json_values_are_plain_python_with_every_missing_as_none():
    assert [to_json_value(v) for v in (pd.NA, pd.NaT, float("nan"), None)] == [None] * 4
    assert type(to_json_value(np.int64(7))) is int
    assert to_json_value(np.bool_(False)) is False
    moment = pd.Timestamp("2024-01-02T04:04:05.678+01:00")
    assert to_json_value(moment) == "2024-01-02T03:04:05.678Z"


def test_contact_assignment_body_sends_only_ids_of_embedded_documents():
    doc = {
        "id": "CA1",
        "legalEntity": {"id": "LE1", "name": "Acme", "type": "COMPANY"},
        "customer": {"id": "00000042", "name": "Zoë", "email": "z@example.com"},
        "type": "BILLING",
        "primary": True,
        "metadata": {"version": 2},
        "note": "unknown fields stay",
    }
    body = upsert_body(CONTACT_ASSIGNMENT_SCHEMA.apply(doc, {"type": "LOGISTICS"}))
    assert body == {
        "id": "CA1",
        "legalEntity": {"id": "LE1"},
        "customer": {"id": "00000042"},
        "type": "LOGISTICS",
        "primary": True,
        "metadata": {"version": 2},
        "note": "unknown fields stay",
    }


def test_membership_segment_id_is_a_column_but_never_part_of_the_document():
    membership = SegmentMembership.model_validate({"customer": {"id": "C1"}})
    membership.segmentId = "SEG1"
    frame = MEMBERSHIP_SCHEMA.to_frame([membership])
    assert frame.loc[0, "segmentId"] == "SEG1"
    assert "segmentId" not in membership.document()


def test_dates_a_frame_cannot_hold_load_as_missing_instead_of_failing_the_load():
    records = [
        Customer(customerNumber="1", metadataCreatedAt="9999-12-31T23:59:59.999Z"),
        Customer(customerNumber="2", metadataCreatedAt="0001-01-01T00:00:00Z"),
        Customer(customerNumber="3", metadataCreatedAt="2024-02-29T10:15:00.123Z"),
    ]
    frame = CUSTOMER_SCHEMA.to_frame(records)
    assert frame["createdAt"].isna().tolist() == [True, True, False]
    assert frame.loc[2, "createdAt"] == pd.Timestamp("2024-02-29T10:15:00.123Z")

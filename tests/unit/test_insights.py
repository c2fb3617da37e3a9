"""Overview figures follow the data."""

import pandas as pd

from emporix_data import insights
from emporix_data.resources.contact_assignments import CONTACT_ASSIGNMENT_SCHEMA
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA


def data():
    customers = CUSTOMER_SCHEMA.to_frame(
        [
            Customer.model_validate(d)
            for d in [
                {
                    "customerNumber": "1",
                    "businessModel": "B2B",
                    "active": True,
                    "metadataCreatedAt": "2024-01-05T00:00:00Z",
                },
                {
                    "customerNumber": "2",
                    "businessModel": "B2B",
                    "active": True,
                    "onHold": True,
                    "metadataCreatedAt": "2024-01-20T00:00:00Z",
                },
                {
                    "customerNumber": "3",
                    "businessModel": "B2C",
                    "active": False,
                    "metadataCreatedAt": "2024-03-01T00:00:00Z",
                },
            ]
        ]
    )
    assignments = (
        pd.DataFrame(
            {
                "customerId": ["1"],
                "legalEntityId": ["LE1"],
                "legalEntityName": ["Acme"],
                "type": ["BILLING"],
            }
        )
        .astype("string")
        .reindex(columns=CONTACT_ASSIGNMENT_SCHEMA.names)
    )
    memberships = pd.DataFrame(
        {"segmentId": ["S1", "S1", "S2"], "customerId": ["1", "3", "3"]}, dtype="string"
    ).reindex(columns=MEMBERSHIP_SCHEMA.names)
    return customers, assignments, memberships


def test_kpis_count_what_they_name():
    k = insights.kpis(*data())
    assert (k.customers, k.b2b, k.active, k.on_hold) == (3, 2, 2, 1)
    assert (k.contact_assignments, k.memberships) == (1, 3)
    assert k.b2b_without_contact == 1
    assert k.without_segment == 1


def test_status_breakdown_signups_sizes_and_overlaps():
    customers, assignments, memberships = data()
    status = insights.customers_by_model_and_status(customers)
    assert set(map(tuple, status.values.tolist())) == {
        ("B2B", "active", 1),
        ("B2B", "on hold", 1),
        ("B2C", "inactive", 1),
    }
    assert insights.signups_by_month(customers)["customers"].tolist() == [2, 1]
    names = {"S1": "VIP"}
    assert insights.segment_sizes(memberships, names).values.tolist() == [["VIP", 2], ["S2", 1]]
    overlaps = insights.segment_overlaps(memberships, names)
    assert list(overlaps.index) == list(overlaps.columns) == ["VIP", "S2"]
    assert overlaps.loc["VIP", "S2"] == overlaps.loc["S2", "VIP"] == 1
    assert overlaps.loc["VIP", "VIP"] != overlaps.loc["VIP", "VIP"]  # the diagonal is empty
    by_type = insights.assignments_by_type(assignments)
    assert by_type.values.tolist() == [["Acme", "BILLING", 1]]

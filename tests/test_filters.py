"""Table filters: text search across columns, pickers (with blanks), date ranges."""

from datetime import date

import pandas as pd

from emporix_data.filters import TableFilter, filter_mask, picker_columns
from emporix_data.resources.customers import CUSTOMER_SCHEMA, Customer


def frame() -> pd.DataFrame:
    docs = [
        {
            "customerNumber": "001",
            "lastName": "Łukasz",
            "businessModel": "B2B",
            "active": True,
            "metadataCreatedAt": "2024-03-01T10:00:00Z",
        },
        {
            "customerNumber": "002",
            "lastName": "Smith",
            "businessModel": "B2C",
            "active": False,
            "metadataCreatedAt": "2025-01-15T10:00:00Z",
        },
        {
            "customerNumber": "003",
            "lastName": "Tanaka 田中",
            "businessModel": "B2C",
            "metadataCreatedAt": "2023-06-30T23:59:59Z",
        },
    ]
    return CUSTOMER_SCHEMA.to_frame([Customer.model_validate(d) for d in docs])


def test_text_search_matches_any_column_case_insensitively():
    assert filter_mask(frame(), TableFilter(text="łUKASZ")).tolist() == [True, False, False]
    assert filter_mask(frame(), TableFilter(text="田中")).tolist() == [False, False, True]
    assert filter_mask(frame(), TableFilter(text="b2c")).tolist() == [False, True, True]


def test_pickers_combine_and_can_pick_blanks():
    spec = TableFilter(picks={"businessModel": ["B2C"], "active": [None]})
    assert filter_mask(frame(), spec).tolist() == [False, False, True]


def test_date_range_includes_both_end_days():
    spec = TableFilter(dates={"createdAt": (date(2023, 6, 30), date(2024, 3, 1))})
    assert filter_mask(frame(), spec).tolist() == [True, False, True]


def test_customer_pickers_are_the_categorical_columns():
    assert {"businessModel", "active", "onHold", "preferredCurrency"} <= set(
        picker_columns(CUSTOMER_SCHEMA)
    )
    assert "lastName" not in picker_columns(CUSTOMER_SCHEMA)

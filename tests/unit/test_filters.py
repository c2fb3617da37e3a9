"""Table filters: text search across columns, pickers (with blanks), date ranges."""

from datetime import date

import pandas as pd
import pytest

from emporix_data.filters import (
    SEARCH_SEPARATOR,
    TableFilter,
    filter_mask,
    picker_columns,
    search_text,
)
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


def test_search_text_is_each_rows_cells_lowercased_and_joined():
    table = pd.DataFrame(
        {
            "name": pd.array(["Łukasz", None], dtype="string"),
            "active": pd.array([True, None], dtype="boolean"),
            "version": pd.array([3, 4], dtype="Int64"),
        },
        index=[7, 9],
    )
    assert search_text(table).tolist() == ["łukasz\x00true\x003", "\x00\x004"]
    assert search_text(table).index.tolist() == [7, 9]


@pytest.mark.parametrize(
    "text",
    ["łUKASZ", "田中", "b2c", "true", "2024-03", "+00:00", "0", "02", "smithb2c", "absent"],
)
def test_a_search_through_the_search_text_keeps_the_same_rows(text):
    rows = frame()
    spec = TableFilter(text=text)
    assert filter_mask(rows, spec, search_text(rows)).tolist() == filter_mask(rows, spec).tolist()


def test_a_search_never_matches_across_two_cells():
    rows = frame()
    assert not filter_mask(rows, TableFilter(text="smithb2c"), search_text(rows)).any()


def test_a_search_for_the_separator_itself_looks_at_each_column():
    rows = frame()
    spec = TableFilter(text=f"smith{SEARCH_SEPARATOR}b2c")
    assert not filter_mask(rows, spec, search_text(rows)).any()


def test_a_search_text_of_other_rows_is_refused():
    rows = frame()
    with pytest.raises(ValueError, match="rows differ"):
        filter_mask(rows.iloc[1:], TableFilter(text="smith"), search_text(rows))

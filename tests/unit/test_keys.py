"""Row keys: tuples of plain values, collision-free joined strings, and the text users read."""

import numpy as np
import pandas as pd
import pytest

from emporix_data.keys import KEY_SEPARATOR, joined_key, joined_keys, key_text, key_tuples


def memberships(*rows: tuple[object, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["segmentId", "customerId", "legalEntityId"])
    return frame.astype("string")


def test_key_tuples_hold_plain_values_with_blanks_as_none():
    frame = pd.DataFrame(
        {
            "id": pd.array(["a", pd.NA], dtype="string"),
            "n": pd.array([7, pd.NA], dtype="Int64"),
            "x": [np.float64("nan"), 1.5],
        }
    )
    keys = key_tuples(frame, ["id", "n", "x"])
    assert keys == [("a", 7, None), (None, None, 1.5)]
    assert type(keys[0][1]) is int


def test_key_tuples_of_no_columns_are_one_empty_tuple_per_row():
    assert key_tuples(pd.DataFrame(index=range(3)), []) == [(), (), ()]


def test_ids_holding_the_separator_never_join_to_another_rows_key():
    sep = KEY_SEPARATOR
    frame = memberships((f"S{sep}1", "C", "L"), ("S", f"1{sep}C", "L"))
    joined = joined_keys(frame, ["segmentId", "customerId", "legalEntityId"])
    assert joined.iloc[0] != joined.iloc[1]


def test_a_blank_part_joins_as_empty_and_differs_from_every_id():
    frame = memberships(("S", "C", None), ("S", "C", ""), ("S", "C", "0:"))
    joined = joined_keys(frame, ["segmentId", "customerId", "legalEntityId"]).tolist()
    assert joined[0] == joined[1]
    assert joined[0] != joined[2]


def test_joined_key_of_a_tuple_matches_joined_keys_of_its_row():
    frame = memberships(("S", "C", None), ("a/b", "%2F", "L" + KEY_SEPARATOR))
    columns = ["segmentId", "customerId", "legalEntityId"]
    assert joined_keys(frame, columns).tolist() == [
        joined_key(key) for key in key_tuples(frame, columns)
    ]


def test_joined_keys_need_a_column():
    with pytest.raises(ValueError, match="at least one column"):
        joined_keys(memberships(("S", "C", "L")), [])


def test_key_text_joins_parts_with_slashes_and_leaves_blank_parts_out():
    assert key_text(("S1", "C2", None)) == "S1 / C2"
    assert key_text(("S1", "", "L3")) == "S1 / L3"
    assert key_text(("00000042",)) == "00000042"
    assert key_text(None) == ""
    assert key_text(()) == ""

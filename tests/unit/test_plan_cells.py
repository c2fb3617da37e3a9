"""Edited cells -> schema dtypes: what converts, what becomes NA, and what the message says."""

import pandas as pd

from emporix_data.frames import Column
from emporix_data.plan.cells import bad_value_message, blank, convert, without_broken_text

ACTIVE = Column("active", ("active",), dtype="boolean")
VERSION = Column("version", ("metadata", "version"), dtype="Int64")
NAME = Column("firstName", ("firstName",))


def text(*values: object) -> pd.Series:
    return pd.Series(values, dtype="string")


def test_boolean_words_in_any_case_and_spacing_convert_and_others_do_not():
    converted = convert(text("Yes", " WAHR ", "x", "1", "falsch", "N", "0", "maybe", pd.NA), ACTIVE)
    assert converted.tolist() == [True, True, True, True, False, False, False, pd.NA, pd.NA]


def test_whole_numbers_fit_in_64_bits_or_are_na():
    converted = convert(text("7", " 12 ", "1.5", "9223372036854775808", "seven"), VERSION)
    assert converted.tolist() == [7, 12, pd.NA, pd.NA, pd.NA]
    assert str(converted.dtype) == "Int64"


def test_whitespace_only_text_is_blank():
    raw = pd.Series(["  ", "", "\t", "a ", None], dtype=object)
    assert blank(raw).tolist() == [True, True, True, False, True]
    assert convert(raw, NAME).isna().tolist() == [True, True, True, False, True]


def test_lone_surrogates_are_replaced_and_their_cells_named():
    edited = pd.DataFrame({"firstName": ["ok", "half \ud83d"]}, dtype=object, index=[4, 5])
    cleaned, broken = without_broken_text(edited)
    assert cleaned["firstName"].tolist() == ["ok", "half ?"]
    assert [(cell.label, cell.column) for cell in broken] == [(5, "firstName")]


def test_messages_say_what_was_expected_and_cut_long_values():
    assert bad_value_message(ACTIVE, "maybe") == "'maybe' is not true or false"
    assert bad_value_message(VERSION, "1.5") == "'1.5' is not a whole number"
    long = bad_value_message(VERSION, "9" * 100)
    assert long == f"'{'9' * 39}…' is not a whole number"

"""Missing values and plain cells: every pandas and numpy spelling of "missing" is one."""

import numpy as np
import pandas as pd
import pytest

from emporix_data.values import is_missing, plain


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan")])
def test_every_spelling_of_missing_is_missing(value):
    assert is_missing(value)
    assert plain(value) is None


@pytest.mark.parametrize("value", [0, 0.0, "", " ", "nan", "None", False, np.int64(0)])
def test_falsy_and_missing_looking_values_are_present(value):
    assert not is_missing(value)
    assert plain(value) is not None


def test_numpy_scalars_become_python_values():
    assert type(plain(np.int64(3))) is int
    assert type(plain(np.float64(1.5))) is float
    assert plain(np.bool_(True)) is True
    assert plain(pd.array([4], dtype="Int64")[0]) == 4


def test_timestamps_and_python_values_stay_as_they_are():
    moment = pd.Timestamp("2024-02-29T10:15:00Z")
    assert plain(moment) is moment
    assert plain("Zoë") == "Zoë"
    assert plain(12) == 12

"""Cells as plain values: the one place that says what "missing" is.

pandas and numpy spell a missing cell as ``None``, ``pd.NA``, ``pd.NaT`` or a float NaN,
and a present one as a numpy scalar; plans, request bodies, journal entries and paths
want plain Python values with every kind of missing as ``None``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: object) -> bool:
    """True for ``None``, ``pd.NA``, ``pd.NaT`` and NaN (Python or numpy floats)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and value != value


def plain(value: Any) -> Any:
    """A cell as a plain Python value: missing -> ``None``, numpy scalars unwrapped.

    Timestamps stay timestamps (``to_json_value`` writes them as ISO text).
    """
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value

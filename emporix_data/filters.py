"""Row filters for resource tables: free text, value pickers, date ranges (vectorised)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from emporix_data.frames import FrameSchema

# Columns worth a picker even though they have no fixed options.
PICKER_COLUMNS = frozenset(
    {
        "segmentId",
        "legalEntityId",
        "legalEntityName",
        "site",
        "groupId",
        "preferredSite",
        "preferredLanguage",
        "preferredCurrency",
    }
)


@dataclass(frozen=True)
class TableFilter:
    text: str = ""
    picks: Mapping[str, Sequence[object]] = field(default_factory=dict)
    dates: Mapping[str, tuple[date | None, date | None]] = field(default_factory=dict)

    def signature(self) -> str:
        """A stable text naming this filter (used to key widgets)."""
        picks = sorted((k, tuple(map(str, v))) for k, v in self.picks.items() if v)
        dates = sorted((k, tuple(map(str, v))) for k, v in self.dates.items())
        return repr((self.text.strip().lower(), picks, dates))


def picker_columns(schema: FrameSchema) -> list[str]:
    """Categorical columns: fixed options, booleans, and known low-cardinality ids."""
    return [
        c.name
        for c in schema.columns
        if c.options or c.dtype == "boolean" or c.name in PICKER_COLUMNS
    ]


def date_columns(schema: FrameSchema) -> list[str]:
    return [c.name for c in schema.columns if c.dtype.startswith("datetime")]


def filter_mask(frame: pd.DataFrame, spec: TableFilter) -> np.ndarray:
    """True for the rows ``spec`` keeps."""
    keep = np.ones(len(frame), dtype=bool)
    text = spec.text.strip().lower()
    if text:
        hit = np.zeros(len(frame), dtype=bool)
        for name in frame.columns:
            values = frame[name].astype("string").str.lower()
            hit |= values.str.contains(text, regex=False).fillna(False).to_numpy(dtype=bool)
        keep &= hit
    for name, chosen in spec.picks.items():
        if chosen:
            column = frame[name]
            wanted = [v for v in chosen if v is not None]
            mask = column.isin(wanted).fillna(False).to_numpy(dtype=bool)
            if None in chosen:
                mask |= column.isna().to_numpy(dtype=bool)
            keep &= mask
    for name, (start, end) in spec.dates.items():
        column = frame[name]
        if start is not None:
            keep &= (column >= pd.Timestamp(start, tz="UTC")).fillna(False).to_numpy(dtype=bool)
        if end is not None:
            limit = pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1)
            keep &= (column < limit).fillna(False).to_numpy(dtype=bool)
    return keep

"""The rows as loaded that a plan may address: each by its key, each key once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from emporix_data.frames import FrameSchema
from emporix_data.keys import joined_keys
from emporix_data.plan.cells import Mask, blank


@dataclass(frozen=True)
class LoadedRows:
    """The original rows a plan may address, and what the user should know about them."""

    frame: pd.DataFrame  # as loaded, without rows that repeat an earlier row's key
    keys: pd.Series  # joined keys of ``frame``
    addressable: Mask  # rows of ``frame`` with a complete key
    by_key: pd.DataFrame  # ``frame`` indexed by joined key
    notices: list[str]

    def rows_of(self, keys: pd.Series) -> pd.DataFrame:
        """The loaded rows with these joined keys, in their order."""
        return self.by_key.loc[keys.to_numpy()]


def loaded_rows(schema: FrameSchema, original: pd.DataFrame) -> LoadedRows:
    """The loaded rows that can be addressed, each key once.

    Loaded rows without a complete key cannot be addressed: never matched or deleted.
    Of a key loaded twice (rows shifting between pages while the table was loading),
    the first row is the one compared with.
    """
    notices: list[str] = []
    keys = joined_keys(original, schema.key)
    addressable = _complete_keys(original, schema)
    if not addressable.all():
        notices.append(
            f"{int((~addressable).sum())} loaded rows have no complete key "
            f"({', '.join(schema.key)}): they cannot be updated or deleted"
        )
    repeated: Mask = keys.duplicated().to_numpy(dtype=bool) & addressable
    if repeated.any():
        notices.append(
            f"{int(repeated.sum())} loaded rows repeat the key of another loaded row "
            "(the data changed while it was loading?): reload the table"
        )
        original, keys, addressable = original[~repeated], keys[~repeated], addressable[~repeated]
    by_key = original.set_index(pd.Index(keys.to_numpy()))
    return LoadedRows(original, keys, addressable, by_key, notices)


def _complete_keys(frame: pd.DataFrame, schema: FrameSchema) -> Mask:
    """Which rows have every key part that a row needs to be addressed."""
    complete: Mask = np.ones(len(frame), dtype=bool)
    for name in schema.key:
        if schema.by_name[name].required or len(schema.key) == 1:
            complete &= ~blank(frame[name])
    return complete

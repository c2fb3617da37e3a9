"""Lookups the checks share over the loaded frames: their names, filled cells, ids among
other ids, and which legal entities a customer belongs to."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from emporix_data.audit.model import LEGAL_ENTITIES, Finding, Frames
from emporix_data.keys import Key, key_tuples
from emporix_data.plan.cells import Mask, blank

CUSTOMERS = "customers"
CONTACT_ASSIGNMENTS = "contact-assignments"
MEMBERSHIPS = "segment-memberships"
__all__ = ["CONTACT_ASSIGNMENTS", "CUSTOMERS", "LEGAL_ENTITIES", "MEMBERSHIPS"]


def present(values: pd.Series) -> Mask:
    """Which cells hold something (not missing, not only whitespace)."""
    filled: Mask = ~blank(values)
    return filled


def among(values: pd.Series, known: pd.Series) -> Mask:
    """Which ``values`` are among ``known``; a missing value never is. Arrow's hash
    lookup: on Arrow-backed text about 20 times as fast as pandas' ``isin``."""
    value_set = pa.array(known.astype("string").dropna().drop_duplicates())
    found = pc.is_in(pa.array(values.astype("string")), value_set=value_set)
    flags: Mask = found.to_numpy(zero_copy_only=False)
    return flags


def is_b2b(customers: pd.DataFrame) -> Mask:
    model = customers["businessModel"].astype("string").str.strip().str.upper()
    b2b: Mask = (model == "B2B").fillna(False).to_numpy(dtype=bool)
    return b2b


def b2b_numbers(customers: pd.DataFrame) -> pd.Series:
    """The customer numbers of the B2B customers."""
    numbers = customers["customerNumber"][is_b2b(customers)]
    return numbers[present(numbers)]


def entity_links(frames: Frames) -> pd.DataFrame:
    """Distinct (customerId, legalEntityId) pairs of the contact assignments, only those
    naming a legal entity that exists (where the legal entities were loaded)."""
    pairs = frames[CONTACT_ASSIGNMENTS][["customerId", "legalEntityId"]]
    pairs = pairs[present(pairs["customerId"]) & present(pairs["legalEntityId"])]
    if LEGAL_ENTITIES in frames:
        pairs = pairs[among(pairs["legalEntityId"], frames[LEGAL_ENTITIES]["id"])]
    return pairs.drop_duplicates()


def entities_of(frames: Frames, customers: Iterable[object]) -> dict[str, list[str]]:
    """The legal entities (existing, through contact assignments) of these customers,
    sorted; customers linked to none are left out."""
    links = entity_links(frames)
    wanted = pd.Series(list(customers), dtype="string")
    links = links[among(links["customerId"], wanted)]
    found: dict[str, list[str]] = {}
    for customer, entity in zip(
        links["customerId"].tolist(), links["legalEntityId"].tolist(), strict=True
    ):
        found.setdefault(str(customer), []).append(str(entity))
    for entities in found.values():
        entities.sort()
    return found


def row_keys(frame: pd.DataFrame, columns: tuple[str, ...], mask: Mask) -> list[Key]:
    """The keys of the rows ``mask`` picks, in frame order."""
    return key_tuples(frame[mask], columns)


def single_row_findings(
    check: str, resource: str, keys: list[Key], reasons: list[str], *, fixable: bool
) -> list[Finding]:
    """One finding per row: its key and reason."""
    return [
        Finding(check, resource, (key,), reason, fixable)
        for key, reason in zip(keys, reasons, strict=True)
    ]

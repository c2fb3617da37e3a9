"""Figures a customer-data owner looks at, computed from the loaded tables (pure pandas)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Kpis:
    customers: int
    b2b: int
    active: int
    on_hold: int
    contact_assignments: int
    memberships: int
    b2b_without_contact: int
    without_segment: int


def kpis(customers: pd.DataFrame, assignments: pd.DataFrame, memberships: pd.DataFrame) -> Kpis:
    b2b = customers["businessModel"] == "B2B"
    with_contact = customers["customerNumber"].isin(assignments["customerId"])
    in_segment = customers["customerNumber"].isin(memberships["customerId"])
    return Kpis(
        customers=len(customers),
        b2b=int(b2b.sum()),
        active=int(customers["active"].fillna(False).sum()),
        on_hold=int(customers["onHold"].fillna(False).sum()),
        contact_assignments=len(assignments),
        memberships=len(memberships),
        b2b_without_contact=int((b2b & ~with_contact).sum()),
        without_segment=int((~in_segment).sum()),
    )


def customers_by_model_and_status(customers: pd.DataFrame) -> pd.DataFrame:
    """Counts per business model and status (active / inactive / on hold)."""
    status = pd.Series("inactive", index=customers.index)
    status[customers["active"].fillna(False).to_numpy(dtype=bool)] = "active"
    status[customers["onHold"].fillna(False).to_numpy(dtype=bool)] = "on hold"
    frame = pd.DataFrame(
        {"businessModel": customers["businessModel"].fillna("unknown"), "status": status}
    )
    return frame.value_counts().rename("customers").reset_index()


def signups_by_month(customers: pd.DataFrame) -> pd.DataFrame:
    created = customers["createdAt"].dropna()
    months = created.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    counts = months.value_counts().sort_index()
    return pd.DataFrame({"month": counts.index, "customers": counts.to_numpy()})


def segment_sizes(memberships: pd.DataFrame) -> pd.DataFrame:
    sizes = memberships.groupby("segmentId", observed=True)["customerId"].nunique()
    return sizes.rename("customers").reset_index().sort_values("customers", ascending=False)


def segment_overlaps(memberships: pd.DataFrame) -> pd.DataFrame:
    """Customers shared by each pair of segments (a square frame; diagonal = size)."""
    pairs = memberships[["segmentId", "customerId"]].drop_duplicates()
    matrix = pd.crosstab(pairs["customerId"], pairs["segmentId"])
    return matrix.T.dot(matrix)


def assignments_by_type(assignments: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Contact assignments per legal entity and type, for the ``top`` largest entities."""
    names = assignments["legalEntityName"].fillna(assignments["legalEntityId"])
    frame = pd.DataFrame({"legalEntity": names, "type": assignments["type"].fillna("unknown")})
    largest = frame["legalEntity"].value_counts().index[:top]
    counts = frame[frame["legalEntity"].isin(largest)].value_counts()
    return counts.rename("assignments").reset_index()

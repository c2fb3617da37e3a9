"""The resource tables users work with: name, schema, how to load, check and write each."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from emporix_data.changes import References, RowChange, RowCheck
from emporix_data.client import EmporixClient, ProgressCallback
from emporix_data.frames import FrameSchema
from emporix_data.models import ApiModel
from emporix_data.operations import Operation
from emporix_data.resources import contact_assignments, customer_groups, customers
from emporix_data.resources import segment_memberships as memberships
from emporix_data.resources.legal_entities import list_legal_entities
from emporix_data.resources.segments import list_segments

Loader = Callable[[EmporixClient, ProgressCallback | None], Sequence[Any]]
Writer = Callable[
    [EmporixClient, Sequence[RowChange], Mapping[tuple[Any, ...], Mapping[str, Any]]],
    list[Operation],
]


@dataclass(frozen=True)
class ResourceTable:
    name: str
    title: str
    schema: FrameSchema
    load: Loader
    write: Writer
    references: tuple[str, ...] = ()
    generated_keys: bool = False
    checks: tuple[RowCheck, ...] = ()


TABLES: dict[str, ResourceTable] = {
    table.name: table
    for table in (
        ResourceTable(
            "customers",
            "Customers",
            customers.CUSTOMER_SCHEMA,
            lambda client, progress: customers.list_customers(client, progress=progress),
            customers.write_operations,
            generated_keys=True,
        ),
        ResourceTable(
            "contact-assignments",
            "Contact assignments",
            contact_assignments.CONTACT_ASSIGNMENT_SCHEMA,
            lambda client, progress: contact_assignments.list_contact_assignments(
                client, progress=progress
            ),
            contact_assignments.write_operations,
            references=("customers", "legal_entities"),
            generated_keys=True,
        ),
        ResourceTable(
            "segment-memberships",
            "Segment memberships",
            memberships.MEMBERSHIP_SCHEMA,
            lambda client, progress: memberships.list_all_memberships(client, progress=progress),
            memberships.write_operations,
            references=("customers", "legal_entities", "segments", "b2b_customers"),
            checks=(memberships.b2b_members_need_a_legal_entity,),
        ),
        ResourceTable(
            "customer-groups",
            "Customer groups",
            customer_groups.CUSTOMER_GROUP_SCHEMA,
            lambda client, _progress: customer_groups.list_customer_groups(client),
            customer_groups.write_operations,
            references=("customers",),
        ),
    )
}


class Documents(Mapping[tuple[Any, ...], dict[str, Any]]):
    """The full API documents behind a table, by key; each built only when asked for."""

    def __init__(self, records: Mapping[tuple[Any, ...], ApiModel]) -> None:
        self._records = records

    def __getitem__(self, key: tuple[Any, ...]) -> dict[str, Any]:
        return self._records[key].document()

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


@dataclass(frozen=True)
class LoadedTable:
    """A table as loaded: its frame and the full documents behind it, by key."""

    table: ResourceTable
    frame: pd.DataFrame
    documents: Documents


def load_table(
    client: EmporixClient, name: str, progress: ProgressCallback | None = None
) -> LoadedTable:
    table = TABLES[name]
    records = table.load(client, progress)
    frame = table.schema.to_frame(records)
    keys = frame[list(table.schema.key)].astype(object).where(frame[list(table.schema.key)].notna())
    by_key = {
        tuple(None if pd.isna(part) else part for part in key): record
        for key, record in zip(keys.itertuples(index=False, name=None), records, strict=True)
    }
    return LoadedTable(table, frame, Documents(by_key))


def load_references(client: EmporixClient, kinds: Sequence[str]) -> References:
    """The ids a table's rows may refer to, loaded from the API."""
    found: dict[str, frozenset[str]] = {}
    if "customers" in kinds or "b2b_customers" in kinds:
        loaded = customers.list_customers(client)
        found["customers"] = frozenset(c.key for c in loaded if c.key)
        found["b2b_customers"] = frozenset(
            c.key for c in loaded if c.key and c.businessModel == "B2B"
        )
    if "legal_entities" in kinds:
        found["legal_entities"] = frozenset(e.id for e in list_legal_entities(client) if e.id)
    if "segments" in kinds:
        found["segments"] = frozenset(s.id for s in list_segments(client) if s.id)
    return References(**{kind: found[kind] for kind in kinds})

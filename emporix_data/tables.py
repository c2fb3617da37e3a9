"""The resource tables users work with: name, schema, how to load, check and write each."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from emporix_data.client import EmporixClient
from emporix_data.documents import RawDocuments
from emporix_data.frames import Column, FrameSchema, read_path
from emporix_data.keys import Key, key_tuples
from emporix_data.mapping.lookups import load_directory
from emporix_data.models import ApiModel
from emporix_data.operations import KeyedDocuments, Operation
from emporix_data.pagination import ProgressCallback
from emporix_data.plan import (
    ChangePlan,
    References,
    RowChange,
    RowCheck,
    RowFill,
    Source,
    build_plan,
)
from emporix_data.resources import contact_assignments, customer_groups, customers, membership_rules
from emporix_data.resources import segment_memberships as memberships
from emporix_data.resources.contact_assignment_pages import contact_assignment_pages
from emporix_data.resources.customer_group_pages import customer_group_pages
from emporix_data.resources.customer_pages import customer_pages
from emporix_data.resources.membership_pages import membership_pages
from emporix_data.table_pages import TablePage, schema_of_pages, take_frame

# Every page of a table, read into cells and (unless told not to) its documents' JSON.
PageLoader = Callable[[EmporixClient, ProgressCallback | None, bool], Iterable[TablePage]]
# The requests that make ``changes`` happen, built from the loaded documents.
Writer = Callable[[EmporixClient, Sequence[RowChange], KeyedDocuments], list[Operation]]
# The live records of these keys (absent ones are missing from the result).
LiveReader = Callable[[EmporixClient, Sequence[Key]], Sequence[ApiModel]]
# The table's columns for these records (models or documents), where they depend on data.
SchemaOf = Callable[[Sequence[Any]], FrameSchema]


@dataclass(frozen=True)
class ResourceTable:
    """A resource as a table: how to load it, write it, and re-read rows before a write.

    ``new_key`` chooses the key of a new row left blank, before anything is sent, so a
    resumed or retried create addresses the same resource. ``reread`` names the kinds of
    change whose rows are read again just before writing, because the API does not check
    ``metadata.version`` for them: a row changed by someone else since it was loaded is
    then reported as a conflict instead of being overwritten.

    ``schema`` is the fixed part of the table; where ``schema_for`` is given, the columns
    of loaded data depend on it (customers: one per mixin field). ``fills`` complete cells
    of edited rows from the references before the rows are matched (``build_plan``).
    A table is loaded page by page (``load_pages``: typed views into cells, the documents
    kept as the JSON the API sent).
    """

    name: str
    title: str
    schema: FrameSchema
    load_pages: PageLoader
    write: Writer
    read_live: LiveReader
    reread: frozenset[str] = frozenset()
    references: tuple[str, ...] = ()
    new_key: Callable[[], str] | None = None
    checks: tuple[RowCheck, ...] = ()
    fills: tuple[RowFill, ...] = ()
    schema_for: SchemaOf | None = None

    @property
    def generated_keys(self) -> bool:
        return self.new_key is not None

    def schema_of(self, records: Sequence[Any]) -> FrameSchema:
        """The table's columns for these records (models or documents)."""
        return self.schema_for(records) if self.schema_for else self.schema

    def key_of(self, record: ApiModel) -> Key:
        """A record's key in this table (missing key parts as ``None``)."""
        return tuple(read_path(record, column.path) for column in self.key_columns)

    @property
    def key_columns(self) -> list[Column]:
        return [self.schema.by_name[name] for name in self.schema.key]


TABLES: dict[str, ResourceTable] = {
    table.name: table
    for table in (
        ResourceTable(
            "customers",
            "Customers",
            customers.CUSTOMER_SCHEMA,
            customer_pages,
            customers.write_operations,
            lambda client, keys: customers.read_customers(client, [key[0] for key in keys]),
            # PATCH and DELETE carry no version the spec says is checked.
            reread=frozenset({"update", "delete"}),
            new_key=customers.new_customer_number,
            schema_for=customers.customer_schema,
        ),
        ResourceTable(
            "contact-assignments",
            "Contact assignments",
            contact_assignments.CONTACT_ASSIGNMENT_SCHEMA,
            contact_assignment_pages,
            contact_assignments.write_operations,
            lambda client, keys: contact_assignments.read_contact_assignments(
                client, [key[0] for key in keys]
            ),
            # Updates PUT with metadata.version (409 when stale); DELETE has no version.
            reread=frozenset({"delete"}),
            references=("customers", "legal_entities"),
            new_key=contact_assignments.new_assignment_id,
        ),
        ResourceTable(
            "segment-memberships",
            "Segment memberships",
            memberships.MEMBERSHIP_SCHEMA,
            membership_pages,
            memberships.write_operations,
            memberships.read_memberships,
            references=("customers", "legal_entities", "segments", "b2b_customers"),
            checks=(membership_rules.b2b_members_need_a_legal_entity,),
            fills=(membership_rules.fill_the_only_legal_entity,),
        ),
        ResourceTable(
            "customer-groups",
            "Customer groups",
            customer_groups.CUSTOMER_GROUP_SCHEMA,
            customer_group_pages,
            customer_groups.write_operations,
            customer_groups.read_customer_groups,
            reread=frozenset({"update", "delete"}),
            references=("customers",),
        ),
    )
}


@dataclass(frozen=True)
class LoadedTable:
    """A table as loaded: its columns (``schema``: the table's, with those its data
    brought), its frame and the full documents behind it, by key. Everything that reads
    or plans the frame goes by ``schema``."""

    table: ResourceTable
    schema: FrameSchema
    frame: pd.DataFrame
    documents: Mapping[Key, dict[str, Any]]

    def plan(
        self, edited: pd.DataFrame, source: Source, references: References | None = None
    ) -> ChangePlan:
        """The one way to plan: ``edited`` (the grid, a file, an inverse) against this table,
        with the resource's key rules and checks."""
        return build_plan(
            self.schema,
            self.frame,
            edited,
            source=source,
            references=references,
            generated_keys=self.table.generated_keys,
            checks=self.table.checks,
            fills=self.table.fills,
        )


def load_table(
    client: EmporixClient, name: str, progress: ProgressCallback | None = None
) -> LoadedTable:
    """The table from its pages: the frame built from their cells, the documents kept as
    the JSON they came in. The collector runs: what survives holds few objects, and
    what a page's request leaves behind (cycles) is freed as the load goes."""
    table = TABLES[name]
    pages = list(table.load_pages(client, progress, True))
    schema = schema_of_pages(table.schema, pages)
    frame = take_frame(schema, pages)
    packs = [page.documents for page in pages if page.documents is not None]
    return LoadedTable(
        table, schema, frame, RawDocuments(packs, lambda: key_tuples(frame, schema.key))
    )


def load_references(client: EmporixClient, kinds: Sequence[str]) -> References:
    """The ids a table's rows may refer to, loaded from the API."""
    return load_directory(client, kinds).references

"""Contact assignments as loaded for the table: a small typed view of each document
builds the frame, the document itself is kept as the JSON the API sent."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from emporix_data.client import EmporixClient
from emporix_data.documents import ListPage
from emporix_data.pagination import ProgressCallback, iter_pages
from emporix_data.resources.contact_assignments import (
    CONTACT_ASSIGNMENT_SCHEMA,
    CONTACT_ASSIGNMENTS,
)
from emporix_data.table_pages import PageReader, RefView, TablePage


class ContactView(msgspec.Struct, gc=False):
    id: str | None = None
    name: str | None = None
    surname: str | None = None
    email: str | None = None


class MetadataView(msgspec.Struct, gc=False):
    version: int | None = None
    createdAt: str | None = None
    modifiedAt: str | None = None


class AssignmentView(msgspec.Struct, gc=False):
    """What the table's columns read of a contact assignment."""

    id: str | None = None
    legalEntity: RefView | None = None
    customer: ContactView | None = None
    type: str | None = None
    primary: bool | None = None
    metadata: MetadataView | None = None


ASSIGNMENT_PAGES = PageReader(CONTACT_ASSIGNMENT_SCHEMA, AssignmentView)


def contact_assignment_pages(
    client: EmporixClient, progress: ProgressCallback | None = None, documents: bool = True
) -> Iterator[TablePage]:
    """Every contact assignment, page by page as they arrive (the total is known: pages
    in parallel), with the documents unless ``documents`` is false."""
    pages = iter_pages(
        client,
        client.path(CONTACT_ASSIGNMENTS),
        ListPage.packed if documents else ListPage,
        total_header=True,
        progress=progress,
    )
    for page in pages:
        yield ASSIGNMENT_PAGES(page, documents)

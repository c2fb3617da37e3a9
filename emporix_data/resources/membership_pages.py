"""Segment memberships as loaded for the table: a small typed view of each document
builds the frame, the document itself is kept as the JSON the API sent."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import msgspec

from emporix_data.client import EmporixClient
from emporix_data.documents import ListPage
from emporix_data.pagination import ProgressCallback, iter_pages
from emporix_data.resources.segment_memberships import MEMBERSHIP_SCHEMA, SEGMENT_CUSTOMERS
from emporix_data.resources.segments import list_segments
from emporix_data.table_pages import PageReader, RefView, TablePage


class MemberView(msgspec.Struct, gc=False):
    id: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None


class MetadataView(msgspec.Struct, gc=False):
    version: int | None = None
    createdAt: str | None = None


class MembershipView(msgspec.Struct, gc=False):
    """What the table's columns read of a membership (its segment is the list's)."""

    customer: MemberView | None = None
    legalEntity: RefView | None = None
    assignmentType: str | None = None
    metadata: MetadataView | None = None


MEMBERSHIP_PAGES = PageReader(MEMBERSHIP_SCHEMA, MembershipView)


def membership_pages(
    client: EmporixClient, progress: ProgressCallback | None = None, documents: bool = True
) -> Iterator[TablePage]:
    """The memberships of every segment, segment by segment in segment order (segments
    read concurrently); ``progress`` gets (segments done, segments in all)."""
    ids = [segment.id for segment in list_segments(client) if segment.id]

    def read(segment_id: str) -> list[TablePage]:
        reader = dataclasses.replace(MEMBERSHIP_PAGES, constants={"segmentId": segment_id})
        path = client.path(SEGMENT_CUSTOMERS, segmentId=segment_id)
        parse = ListPage.packed if documents else ListPage
        pages = iter_pages(client, path, parse, total_header=True)
        return [reader(page, documents) for page in pages]

    with ThreadPoolExecutor(max_workers=max(1, min(client.settings.concurrency, len(ids)))) as pool:
        for done, segment in enumerate(pool.map(read, ids), start=1):
            yield from segment
            if progress:
                progress(done, len(ids))

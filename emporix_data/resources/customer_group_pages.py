"""Customer-group relations as loaded for the table: a small typed view of each
document builds the frame, the document itself is kept as the JSON the API sent."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import msgspec

from emporix_data.client import EmporixClient
from emporix_data.documents import ListPage
from emporix_data.pagination import ProgressCallback
from emporix_data.resources.customer_groups import CG_RELATIONS, CUSTOMER_GROUP_SCHEMA
from emporix_data.table_pages import PageReader, TablePage


class RelationView(msgspec.Struct, gc=False):
    customerId: str | None = None
    groupId: str | None = None


RELATION_PAGES = PageReader(CUSTOMER_GROUP_SCHEMA, RelationView)


def customer_group_pages(
    client: EmporixClient, progress: ProgressCallback | None = None, documents: bool = True
) -> Iterator[TablePage]:
    """The relations of the client's site: one list (the API does not page them), its
    site a column of every row."""
    site = client.settings.site
    response = client.request("GET", client.path(CG_RELATIONS, site=site))
    page = (ListPage.packed if documents else ListPage)(response.content)
    if progress:
        progress(len(page), len(page))
    yield dataclasses.replace(RELATION_PAGES, constants={"site": site})(page, documents)

"""Shipping customer-group relations of a site (``shipping.yml``): one group per customer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import Field, TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.frames import Column, FrameSchema, Lookup
from emporix_data.keys import Key
from emporix_data.models import ApiModel
from emporix_data.operations import KeyedDocuments, Operation

if TYPE_CHECKING:
    from emporix_data.plan import RowChange

CG_RELATIONS = "/shipping/{tenant}/{site}/cgrelations"
CG_RELATION = "/shipping/{tenant}/{site}/cgrelations/{customerId}"


class CustomerGroupRelation(ApiModel):
    customerId: str | None = None
    groupId: str | None = None
    # Not part of the API document: the site the relation was read from. Never sent.
    site: str | None = Field(default=None, exclude=True)


_relation_list = TypeAdapter(list[CustomerGroupRelation])

CUSTOMER_GROUP_SCHEMA = FrameSchema(
    resource="customer-groups",
    key=("site", "customerId"),
    identifying=("groupId",),
    columns=(
        Column("site", ("site",), editable=False, required=True, label="Site"),
        Column(
            "customerId",
            ("customerId",),
            editable=False,
            required=True,
            references="customers",
            label="Customer id",
        ),
        Column(
            "groupId",
            ("groupId",),
            required=True,
            label="Group id",
            synonyms=("Group", "Customer group"),
        ),
    ),
    # Files from elsewhere name the customer by number or e-mail.
    lookups=(
        Lookup(
            "customerId",
            "customerNumber",
            "customer",
            label="Customer number",
            synonyms=("Customer no", "Customer"),
        ),
        Lookup(
            "customerId",
            "customerEmail",
            "customer",
            label="Customer e-mail",
            synonyms=("E-mail", "E-mail address", "Contact e-mail"),
        ),
    ),
)


def list_customer_groups(
    client: EmporixClient, site: str | None = None
) -> list[CustomerGroupRelation]:
    """All relations of ``site`` (default: the configured site). The API does not page."""
    site = site or client.settings.site
    response = client.request("GET", client.path(CG_RELATIONS, site=site))
    relations = _relation_list.validate_json(response.content)
    for relation in relations:
        relation.site = site
    return relations


def read_customer_groups(client: EmporixClient, keys: Sequence[Key]) -> list[CustomerGroupRelation]:
    """The live relations of the sites these keys name (one list each)."""
    sites = sorted({str(key[0]) for key in keys})
    found = client.map_concurrently(lambda site: list_customer_groups(client, site), sites)
    return [relation for relations in found for relation in relations]


def write_operations(
    client: EmporixClient,
    changes: Sequence[RowChange],
    documents: KeyedDocuments,
) -> list[Operation]:
    """Creates POST, group changes PUT, deletes DELETE, each on the row's own site."""
    operations = []
    for row, change in enumerate(changes):
        site, customer_id = change.key
        if change.kind == "create":
            body = {"customerId": customer_id, "groupId": change.values.get("groupId")}
            operations.append(Operation("POST", client.path(CG_RELATIONS, site=site), (row,), body))
            continue
        path = client.path(CG_RELATION, site=site, customerId=customer_id)
        if change.kind == "delete":
            operations.append(Operation("DELETE", path, (row,)))
        else:
            body = {"customerId": customer_id, "groupId": change.values.get("groupId")}
            operations.append(Operation("PUT", path, (row,), body))
    return operations

"""Segment memberships: customer assignments of customer segments (``customer-segments.yml``).

A membership is keyed by segment, customer and (for B2B) legal entity. Writes of many
memberships go through the bulk endpoints, 200 items per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field, TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.frames import Column, FrameSchema, Lookup
from emporix_data.keys import Key
from emporix_data.models import ApiModel, IdRef, Metadata
from emporix_data.operations import KeyedDocuments, Operation, bulk_operations
from emporix_data.pagination import ProgressCallback

if TYPE_CHECKING:
    from emporix_data.plan import RowChange

SEGMENT_CUSTOMERS = "/customer-segment/{tenant}/segments/{segmentId}/customers"
B2C_MEMBERSHIP = "/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}"
B2B_MEMBERSHIP = (
    "/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}"
)
BULK = "/customer-segment/{tenant}/segments/{segmentId}/customers/bulk"
ASSIGNMENT_TYPES = ("MANUAL", "AUTOMATIC")


class MemberCustomer(ApiModel):
    id: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None


class SegmentMembership(ApiModel):
    customer: MemberCustomer | None = None
    legalEntity: IdRef | None = None
    assignmentType: str | None = None
    metadata: Metadata | None = None
    # Not part of the API document: which segment it was read from. Never sent.
    segmentId: str | None = Field(default=None, exclude=True)


_membership_list = TypeAdapter(list[SegmentMembership])

MEMBERSHIP_SCHEMA = FrameSchema(
    resource="segment-memberships",
    key=("segmentId", "customerId", "legalEntityId"),
    identifying=("customerFirstName", "customerLastName", "customerEmail", "legalEntityName"),
    columns=(
        Column(
            "segmentId",
            ("segmentId",),
            editable=False,
            required=True,
            references="segments",
            label="Segment id",
        ),
        Column(
            "customerId",
            ("customer", "id"),
            editable=False,
            required=True,
            references="customers",
            label="Customer id",
        ),
        Column(
            "legalEntityId",
            ("legalEntity", "id"),
            editable=False,
            description="Empty for B2C memberships; required for B2B customers.",
            references="legal_entities",
            label="Legal entity id",
            synonyms=("Company id",),
        ),
        Column(
            "customerFirstName",
            ("customer", "firstName"),
            editable=False,
            label="Customer first name",
            synonyms=("First name",),
        ),
        Column(
            "customerLastName",
            ("customer", "lastName"),
            editable=False,
            label="Customer last name",
            synonyms=("Last name", "Surname"),
        ),
        Column(
            "customerEmail",
            ("customer", "email"),
            editable=False,
            label="Customer e-mail",
            synonyms=("E-mail", "E-mail address", "Contact e-mail"),
        ),
        Column(
            "legalEntityName",
            ("legalEntity", "name"),
            editable=False,
            label="Legal entity name",
            synonyms=("Legal entity", "Company", "Company name"),
        ),
        Column(
            "assignmentType",
            ("assignmentType",),
            editable=False,
            options=ASSIGNMENT_TYPES,
            label="Assignment type",
        ),
        Column(
            "createdAt",
            ("metadata", "createdAt"),
            "datetime64[ns, UTC]",
            editable=False,
            label="Created at",
        ),
        Column("version", ("metadata", "version"), "Int64", editable=False, label="Version"),
    ),
    # Files from elsewhere name the segment by name, the customer by number or e-mail and
    # the company by name; a B2B customer with one legal entity needs none named.
    lookups=(
        Lookup("segmentId", "segmentName", "segment", label="Segment name", synonyms=("Segment",)),
        Lookup(
            "customerId",
            "customerNumber",
            "customer",
            label="Customer number",
            synonyms=("Customer no", "Customer"),
        ),
        Lookup("customerId", "customerEmail", "customer"),
        Lookup("legalEntityId", "legalEntityName", "legal_entity"),
    ),
)


def list_segment_memberships(
    client: EmporixClient,
    segment_id: str,
    *,
    q: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[SegmentMembership]:
    memberships = client.fetch_all(
        client.path(SEGMENT_CUSTOMERS, segmentId=segment_id),
        _membership_list.validate_json,
        params={"q": q} if q else None,
        total_header=True,
        progress=progress,
    )
    for membership in memberships:
        membership.segmentId = segment_id
    return memberships


def read_memberships(client: EmporixClient, keys: Sequence[Key]) -> list[SegmentMembership]:
    """The live memberships of the segments these keys name (one paged list each)."""
    segment_ids = sorted({str(key[0]) for key in keys})
    found = client.map_concurrently(
        lambda segment_id: list_segment_memberships(client, segment_id), segment_ids
    )
    return [membership for memberships in found for membership in memberships]


def membership_path(
    client: EmporixClient, segment_id: str, customer_id: str, legal_entity_id: str | None = None
) -> str:
    """The B2B path when a legal entity is given, else the B2C path.

    On the B2C path a customer id ``bulk`` would address the bulk endpoint instead.
    """
    if legal_entity_id:
        return client.path(
            B2B_MEMBERSHIP,
            segmentId=segment_id,
            customerId=customer_id,
            legalEntityId=legal_entity_id,
        )
    if customer_id == "bulk":
        raise ValueError("the customer id 'bulk' cannot be addressed on its own: use bulk calls")
    return client.path(B2C_MEMBERSHIP, segmentId=segment_id, customerId=customer_id)


def bulk_item(customer_id: str, legal_entity_id: str | None = None) -> dict[str, str]:
    """One item of a bulk request: ``customerId``, and ``legalEntityId`` for B2B."""
    item = {"customerId": customer_id}
    if legal_entity_id:
        item["legalEntityId"] = legal_entity_id
    return item


def write_operations(
    client: EmporixClient,
    changes: Sequence[RowChange],
    documents: KeyedDocuments,
) -> list[Operation]:
    """Bulk PUT for new memberships and bulk DELETE for removed ones, per segment,
    200 items per request. Memberships have no editable fields, so no updates."""
    grouped: dict[tuple[str, str], tuple[list[dict[str, Any]], list[int]]] = {}
    for row, change in enumerate(changes):
        segment_id, customer_id, legal_entity_id = change.key
        method = "DELETE" if change.kind == "delete" else "PUT"
        items, rows = grouped.setdefault((method, segment_id), ([], []))
        items.append(bulk_item(customer_id, legal_entity_id))
        rows.append(row)
    operations = []
    for (method, segment_id), (items, rows) in grouped.items():
        path = client.path(BULK, segmentId=segment_id)
        operations += bulk_operations(method, path, items, rows)
    return operations

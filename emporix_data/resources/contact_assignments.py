"""B2B contact assignments: which customer is whose contact (``customer-management.yml``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.errors import ApiError
from emporix_data.frames import Column, FrameSchema, Lookup
from emporix_data.models import ApiModel, IdRef, Metadata, recreatable
from emporix_data.operations import KeyedDocuments, Operation
from emporix_data.pagination import ProgressCallback
from emporix_data.resources.customers import NEW_ID_PATTERN

if TYPE_CHECKING:
    from emporix_data.plan import RowChange

CONTACT_ASSIGNMENTS = "/customer-management/{tenant}/contact-assignments"
CONTACT_ASSIGNMENT = "/customer-management/{tenant}/contact-assignments/{contactAssignmentId}"
CONTACT_TYPES = ("PRIMARY", "BILLING", "LOGISTICS", "CONTACT")


class ContactCustomer(ApiModel):
    id: str | None = None
    name: str | None = None
    surname: str | None = None
    email: str | None = None


class ContactAssignment(ApiModel):
    id: str | None = None
    legalEntity: IdRef | None = None
    customer: ContactCustomer | None = None
    type: str | None = None
    primary: bool | None = None
    metadata: Metadata | None = None


_assignment_list = TypeAdapter(list[ContactAssignment])

CONTACT_ASSIGNMENT_SCHEMA = FrameSchema(
    resource="contact-assignments",
    key=("id",),
    identifying=("customerName", "customerSurname", "customerEmail", "legalEntityName", "type"),
    columns=(
        Column(
            "id",
            ("id",),
            editable=False,
            description="Assignment id: the key. Blank on a new row: one is generated.",
            pattern=NEW_ID_PATTERN,
            pattern_message="is not a valid id (letters, digits, _ and -, at most 66)",
            label="Assignment id",
            synonyms=("Contact assignment id",),
        ),
        Column(
            "legalEntityId",
            ("legalEntity", "id"),
            required=True,
            references="legal_entities",
            label="Legal entity id",
            synonyms=("Company id",),
        ),
        Column(
            "legalEntityName",
            ("legalEntity", "name"),
            editable=False,
            label="Legal entity name",
            synonyms=("Legal entity", "Company", "Company name"),
        ),
        Column(
            "customerId",
            ("customer", "id"),
            required=True,
            references="customers",
            label="Customer id",
        ),
        Column(
            "customerName",
            ("customer", "name"),
            editable=False,
            label="Customer first name",
            synonyms=("First name",),
        ),
        Column(
            "customerSurname",
            ("customer", "surname"),
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
            "type",
            ("type",),
            options=CONTACT_TYPES,
            required=True,
            label="Type",
            synonyms=("Contact type",),
        ),
        Column("primary", ("primary",), "boolean", label="Primary", synonyms=("Primary contact",)),
        Column(
            "createdAt",
            ("metadata", "createdAt"),
            "datetime64[ns, UTC]",
            editable=False,
            label="Created at",
        ),
        Column(
            "modifiedAt",
            ("metadata", "modifiedAt"),
            "datetime64[ns, UTC]",
            editable=False,
            label="Modified at",
        ),
        Column("version", ("metadata", "version"), "Int64", editable=False, label="Version"),
    ),
    # Files from elsewhere name the customer by number or e-mail, the company by name.
    lookups=(
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


def list_contact_assignments(
    client: EmporixClient,
    *,
    legal_entity_id: str | None = None,
    customer_id: str | None = None,
    type: str | None = None,
    primary: bool | None = None,
    q: str | None = None,
    sort: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[ContactAssignment]:
    """All contact assignments matching the spec's filters (total known: pages in parallel)."""
    filters: dict[str, str | None] = {
        "legalEntity.id": legal_entity_id,
        "customer.id": customer_id,
        "type": type,
        "primary": None if primary is None else str(primary).lower(),
        "q": q,
        "sort": sort,
    }
    return client.fetch_all(
        client.path(CONTACT_ASSIGNMENTS),
        _assignment_list.validate_json,
        params={name: value for name, value in filters.items() if value is not None},
        total_header=True,
        progress=progress,
    )


def read_contact_assignments(
    client: EmporixClient, assignment_ids: Sequence[str]
) -> list[ContactAssignment]:
    """The live documents of these assignments (absent ones are missing from the result)."""

    def read(assignment_id: str) -> ContactAssignment | None:
        try:
            return get_contact_assignment(client, assignment_id)
        except ApiError as exc:
            if exc.is_not_found:
                return None
            raise

    found = client.map_concurrently(read, sorted(set(assignment_ids)))
    return [assignment for assignment in found if assignment is not None]


def get_contact_assignment(client: EmporixClient, assignment_id: str) -> ContactAssignment:
    path = client.path(CONTACT_ASSIGNMENT, contactAssignmentId=assignment_id)
    return ContactAssignment.model_validate_json(client.request("GET", path).content)


def upsert_body(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document as a write body: embedded customer and legal entity reduced to their ids.

    The API embeds the referenced documents when reading; writing takes only the ids.
    Every other field, unknown ones included, is kept.
    """
    body = dict(document)
    for ref in ("legalEntity", "customer"):
        value = body.get(ref)
        if isinstance(value, Mapping):
            body[ref] = {"id": value.get("id")}
    return body


def write_operations(
    client: EmporixClient,
    changes: Sequence[RowChange],
    documents: KeyedDocuments,
) -> list[Operation]:
    """Creates and updates PUT (creates under an id chosen before sending, so a retried
    create can never duplicate; updates from the full loaded document with its
    ``metadata.version``); deletes DELETE."""
    operations = []
    for row, change in enumerate(changes):
        assignment_id = change.key[0]
        path = client.path(CONTACT_ASSIGNMENT, contactAssignmentId=assignment_id)
        if change.kind == "delete":
            operations.append(Operation("DELETE", path, (row,)))
            continue
        if change.kind == "update":
            edited = {c.column: c.new for c in change.changes}
            document = CONTACT_ASSIGNMENT_SCHEMA.apply(documents.get(change.key), edited)
        else:
            original = recreatable(documents.get(change.key))
            document = CONTACT_ASSIGNMENT_SCHEMA.apply(original, change.values)
        body = upsert_body(document)
        body.pop("id", None)
        operations.append(Operation("PUT", path, (row,), body))
    return operations


def new_assignment_id() -> str:
    return f"ca-{uuid.uuid4().hex}"

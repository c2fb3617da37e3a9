"""Customers of the tenant-managed Customer Service (``customer-service.yml``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.frames import Column, FrameSchema, read_path
from emporix_data.models import ApiModel, IdRef, Metadata, recreatable
from emporix_data.operations import KeyedDocuments, Operation
from emporix_data.pagination import ProgressCallback

if TYPE_CHECKING:
    from emporix_data.plan import RowChange

CUSTOMERS = "/customer/{tenant}/customers"
CUSTOMER = "/customer/{tenant}/customers/{customerNumber}"
# Creating a customer otherwise mails them a password-reset link: a data tool must not.
NO_NOTIFICATIONS = {"sendPasswordResetNotifications": "false"}
BUSINESS_MODELS = ("B2C", "B2B")
# The spec's pattern for ids chosen by the caller (customer numbers, contact assignment ids).
NEW_ID_PATTERN = r"[A-Za-z0-9_-]{1,66}"
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[^@\s]+"
# Customer numbers per q list when re-reading rows before a write (keeps URLs short).
LIVE_BATCH = 40


class B2bLegalEntity(IdRef):
    contactAssignmentId: str | None = None


class B2bInfo(ApiModel):
    companyRegistrationId: str | None = None
    legalEntities: list[B2bLegalEntity] | None = None


class Customer(ApiModel):
    customerNumber: str | None = None
    id: str | None = None
    title: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    lastName: str | None = None
    contactEmail: str | None = None
    contactPhone: str | None = None
    company: str | None = None
    preferredLanguage: str | None = None
    preferredCurrency: str | None = None
    preferredSite: str | None = None
    active: bool | None = None
    onHold: bool | None = None
    businessModel: str | None = None
    b2b: B2bInfo | None = None
    metadata: Metadata | None = None
    mixins: dict[str, Any] | None = None
    metadataCreatedAt: str | None = None

    @property
    def key(self) -> str | None:
        return self.customerNumber or self.id


_customer_list = TypeAdapter(list[Customer])

CUSTOMER_SCHEMA = FrameSchema(
    resource="customers",
    key=("customerNumber",),
    identifying=("firstName", "lastName", "contactEmail"),
    columns=(
        Column(
            "customerNumber",
            ("customerNumber",),
            editable=False,
            description="Customer number: the key. Blank on a new row: the API assigns one.",
            pattern=NEW_ID_PATTERN,
            pattern_message="is not a valid id (letters, digits, _ and -, at most 66)",
        ),
        Column("title", ("title",)),
        Column("firstName", ("firstName",)),
        Column("middleName", ("middleName",)),
        Column("lastName", ("lastName",)),
        Column(
            "contactEmail",
            ("contactEmail",),
            description="Login and contact e-mail.",
            required=True,
            pattern=EMAIL_PATTERN,
            pattern_message="is not a valid e-mail address",
        ),
        Column("contactPhone", ("contactPhone",)),
        Column("company", ("company",)),
        Column("businessModel", ("businessModel",), editable=False, options=BUSINESS_MODELS),
        Column("active", ("active",), "boolean"),
        Column("onHold", ("onHold",), "boolean"),
        Column("preferredLanguage", ("preferredLanguage",)),
        Column(
            "preferredCurrency",
            ("preferredCurrency",),
            pattern=r"[A-Z]{3}",
            pattern_message="is not a three-letter currency code",
        ),
        Column("preferredSite", ("preferredSite",)),
        Column("companyRegistrationId", ("b2b", "companyRegistrationId")),
        Column("createdAt", ("metadataCreatedAt",), "datetime64[ns, UTC]", editable=False),
        Column(
            "version",
            ("metadata", "version"),
            "Int64",
            editable=False,
            description="Optimistic-locking version of the loaded document.",
        ),
    ),
)


def list_customers(
    client: EmporixClient,
    *,
    q: str | None = None,
    sort: str | None = None,
    expand: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[Customer]:
    """All customers matching ``q`` (the API gives no total: pages are fetched speculatively)."""
    params = {
        name: value for name, value in (("q", q), ("sort", sort), ("expand", expand)) if value
    }
    return client.fetch_all(
        client.path(CUSTOMERS), _customer_list.validate_json, params=params, progress=progress
    )


def read_customers(client: EmporixClient, numbers: Sequence[str]) -> list[Customer]:
    """The live documents of these customers (absent ones are missing from the result).

    Read in batches with a ``customerNumber:("a","b")`` list, concurrently, so that
    re-reading 2,000 rows before a push costs 50 requests, not 2,000.
    """
    unique = sorted(set(numbers))
    batches = [unique[start : start + LIVE_BATCH] for start in range(0, len(unique), LIVE_BATCH)]

    def read(batch: list[str]) -> list[Customer]:
        listed = ",".join(json.dumps(number, ensure_ascii=False) for number in batch)
        return list_customers(client, q=f"customerNumber:({listed})")

    return [customer for found in client.map_concurrently(read, batches) for customer in found]


def new_customer_number() -> str:
    """A customer number chosen before sending, so a retried create cannot duplicate."""
    return f"C{uuid.uuid4().hex[:20].upper()}"


def write_operations(
    client: EmporixClient,
    changes: Sequence[RowChange],
    documents: KeyedDocuments,
) -> list[Operation]:
    """Creates POST with the chosen number as ``id`` (409 if it exists: never overwrites;
    a create of a known document, e.g. an undone delete, starts from it), updates PATCH
    only the changed fields plus the loaded ``metadata.version``, deletes DELETE."""
    operations = []
    for row, change in enumerate(changes):
        number = change.key[0]
        if change.kind == "create":
            body = CUSTOMER_SCHEMA.apply(recreatable(documents.get(change.key)), change.values)
            body.pop("customerNumber", None)
            if number:
                body["id"] = number
            operations.append(
                Operation("POST", client.path(CUSTOMERS), (row,), body, NO_NOTIFICATIONS)
            )
            continue
        path = client.path(CUSTOMER, customerNumber=number)
        if change.kind == "delete":
            operations.append(Operation("DELETE", path, (row,)))
            continue
        patch = CUSTOMER_SCHEMA.merge_patch({c.column: c.new for c in change.changes})
        version = read_path(documents.get(change.key), ("metadata", "version"))
        if version is not None:
            patch.setdefault("metadata", {})["version"] = version
        operations.append(Operation("PATCH", path, (row,), patch))
    return operations

"""Customers of the tenant-managed Customer Service (``customer-service.yml``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.frames import Column, FrameSchema, read_path
from emporix_data.models import ApiModel, IdRef, Metadata, recreatable
from emporix_data.operations import KeyedDocuments, Operation
from emporix_data.pagination import ProgressCallback
from emporix_data.resources.addresses import (
    ADDRESS_COLUMNS,
    Address,
    primary_address,
    recreate_addresses,
)
from emporix_data.resources.mixins import mixin_columns, named_mixin_columns

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
# What the service leaves out unless asked: a customer is loaded whole, so that reports
# can use its addresses and mixins and its before-image in the journal is complete.
EXPAND_ALL = "addresses,mixin:*"
# Sub-resources in a customer's document, written through their own endpoints.
SUB_RESOURCES = ("addresses", "defaultAddress")


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
    addresses: list[Address] | None = None
    defaultAddress: Address | None = None

    @property
    def key(self) -> str | None:
        return self.customerNumber or self.id

    @cached_property
    def primaryAddress(self) -> Address | None:
        """The address the table shows: the default one, else the first."""
        return primary_address(self.addresses, self.defaultAddress)


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
            label="Customer number",
            synonyms=("Customer no", "Customer #", "Customer nr"),
        ),
        Column("title", ("title",), label="Title", synonyms=("Salutation",)),
        Column(
            "firstName", ("firstName",), label="First name", synonyms=("Given name", "Forename")
        ),
        Column("middleName", ("middleName",), label="Middle name"),
        Column("lastName", ("lastName",), label="Last name", synonyms=("Surname", "Family name")),
        Column(
            "contactEmail",
            ("contactEmail",),
            description="Login and contact e-mail.",
            required=True,
            pattern=EMAIL_PATTERN,
            pattern_message="is not a valid e-mail address",
            label="E-mail",
            synonyms=(
                "E-mail address",
                "Contact e-mail",
                "Customer e-mail",
                "Mail",
            ),
        ),
        Column(
            "contactPhone",
            ("contactPhone",),
            label="Phone",
            synonyms=("Phone number", "Telephone", "Tel", "Contact phone", "Mobile"),
        ),
        Column(
            "company",
            ("company",),
            label="Company",
            synonyms=("Company name", "Organisation", "Organization"),
        ),
        Column(
            "businessModel",
            ("businessModel",),
            editable=False,
            options=BUSINESS_MODELS,
            label="Business model",
        ),
        Column("active", ("active",), "boolean", label="Active"),
        Column("onHold", ("onHold",), "boolean", label="On hold"),
        Column("preferredLanguage", ("preferredLanguage",), label="Language", synonyms=("Locale",)),
        Column(
            "preferredCurrency",
            ("preferredCurrency",),
            pattern=r"[A-Z]{3}",
            pattern_message="is not a three-letter currency code",
            label="Currency",
            normalise="upper",
        ),
        Column("preferredSite", ("preferredSite",), label="Site"),
        Column(
            "companyRegistrationId",
            ("b2b", "companyRegistrationId"),
            label="Company registration id",
            synonyms=("Registration number", "Company registration number"),
        ),
        Column(
            "createdAt",
            ("metadataCreatedAt",),
            "datetime64[ns, UTC]",
            editable=False,
            label="Created at",
            synonyms=("Created",),
        ),
        Column(
            "version",
            ("metadata", "version"),
            "Int64",
            editable=False,
            description="Optimistic-locking version of the loaded document.",
            label="Version",
        ),
        *ADDRESS_COLUMNS,
    ),
)


def customer_schema(records: Iterable[Any]) -> FrameSchema:
    """The customers table for these records: the fixed columns, then one per scalar
    mixin field they hold."""
    return CUSTOMER_SCHEMA.with_columns(mixin_columns(records))


def writable_schema(names: Iterable[str]) -> FrameSchema:
    """The fixed columns and the mixin columns among ``names``: what writes need."""
    return CUSTOMER_SCHEMA.with_columns(named_mixin_columns(names))


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
    """The live documents of these customers, whole (absent ones are missing from the
    result).

    Read in batches with a ``customerNumber:("a","b")`` list, concurrently, so that
    re-reading 2,000 rows before a push costs 50 requests, not 2,000.
    """
    unique = sorted(set(numbers))
    batches = [unique[start : start + LIVE_BATCH] for start in range(0, len(unique), LIVE_BATCH)]

    def read(batch: list[str]) -> list[Customer]:
        listed = ",".join(json.dumps(number, ensure_ascii=False) for number in batch)
        return client.fetch_all(
            client.path(CUSTOMERS),
            _customer_list.validate_json,
            params={"q": f"customerNumber:({listed})", "expand": EXPAND_ALL},
            at_most=len(batch),
        )

    return [customer for found in client.map_concurrently(read, batches) for customer in found]


def new_customer_number() -> str:
    """A customer number chosen before sending, so a retried create cannot duplicate."""
    return f"C{uuid.uuid4().hex[:20].upper()}"


def write_operations(
    client: EmporixClient,
    changes: Sequence[RowChange],
    documents: KeyedDocuments,
) -> list[Operation]:
    """Creates POST with the chosen number as ``id`` (409 if it exists: never overwrites);
    a create of a known document (an undone delete) starts from it, mixins included, and
    is followed by one create per address of it. Updates PATCH only the changed fields
    (a merge patch: a mixin's other fields are kept) plus the loaded
    ``metadata.version``; deletes DELETE."""
    schema = writable_schema(
        {
            name
            for change in changes
            for name in [*change.values, *(c.column for c in change.changes)]
        }
    )
    operations = []
    for row, change in enumerate(changes):
        number = change.key[0]
        if change.kind == "create":
            source = documents.get(change.key)
            body = schema.apply(recreatable(source), change.values)
            for name in ("customerNumber", *SUB_RESOURCES):
                body.pop(name, None)
            if number:
                body["id"] = number
            addresses = recreate_addresses(client, number, source, row) if number else ()
            operations.append(
                Operation(
                    "POST",
                    client.path(CUSTOMERS),
                    (row,),
                    body,
                    NO_NOTIFICATIONS,
                    followups=addresses,
                )
            )
            continue
        path = client.path(CUSTOMER, customerNumber=number)
        if change.kind == "delete":
            operations.append(Operation("DELETE", path, (row,)))
            continue
        patch = schema.merge_patch({c.column: c.new for c in change.changes})
        version = read_path(documents.get(change.key), ("metadata", "version"))
        if version is not None:
            patch.setdefault("metadata", {})["version"] = version
        operations.append(Operation("PATCH", path, (row,), patch))
    return operations

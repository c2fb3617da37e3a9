"""Customer addresses (``customer-service.yml``): a sub-resource of each customer.

They come with the customer only when asked for (``expand=addresses``) and are written
through their own endpoints, never in the customer's body. The customers table shows
the default (or else the first) address as read-only columns for reporting; the whole
list stays in the customer's document, so a deleted customer's addresses can be
recreated from its before-image.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from emporix_data.client import EmporixClient
from emporix_data.frames import Column
from emporix_data.models import ApiModel, recreatable
from emporix_data.operations import Operation

ADDRESSES = "/customer/{tenant}/customers/{customerNumber}/addresses"
ADDRESS = "/customer/{tenant}/customers/{customerNumber}/addresses/{addressId}"
_READ_ONLY = "of the default (or else the first) address; addresses are edited in Emporix"


class Address(ApiModel):
    id: str | None = None
    contactName: str | None = None
    companyName: str | None = None
    street: str | None = None
    streetNumber: str | None = None
    zipCode: str | None = None
    city: str | None = None
    country: str | None = None
    state: str | None = None
    isDefault: bool | None = None
    tags: list[str] | None = None


# Named so that reports find them ("country", "city" in the name: ``customer_360``).
ADDRESS_COLUMNS = (
    Column(
        "addressCountry",
        ("primaryAddress", "country"),
        editable=False,
        description="Country " + _READ_ONLY,
    ),
    Column(
        "addressCity", ("primaryAddress", "city"), editable=False, description="City " + _READ_ONLY
    ),
    Column(
        "addressZipCode",
        ("primaryAddress", "zipCode"),
        editable=False,
        description="Zip code " + _READ_ONLY,
    ),
)


class HasDefault(Protocol):
    isDefault: bool | None


A = TypeVar("A", bound=HasDefault)


def primary_address(addresses: Sequence[A] | None, default: A | None = None) -> A | None:
    """The default address, else the first; ``default`` (``defaultAddress``) where the
    list was not sent."""
    if not addresses:
        return default
    return next((a for a in addresses if a.isDefault), addresses[0])


def recreate_addresses(
    client: EmporixClient, customer_number: str, document: Mapping[str, Any] | None, row: int
) -> tuple[Operation, ...]:
    """One create per address of ``document`` (a customer's before-image), each under
    its old id: requests that follow the customer's create, for the same row."""
    addresses = (document or {}).get("addresses") or []
    path = client.path(ADDRESSES, customerNumber=customer_number)
    return tuple(
        Operation("POST", path, (row,), recreatable(address))
        for address in addresses
        if isinstance(address, Mapping)
    )

"""Customer addresses as the customer service keeps them: a list in the customer's stored
document (``addresses``), written only through the addresses endpoints and answered
with the customer only on ``expand=addresses``."""

from __future__ import annotations

import secrets
from typing import Any

from emporix_data.sandbox.documents import merge_patch
from emporix_data.sandbox.errors import ApiProblem, invalid

# What an address body may not set: the service's own bookkeeping.
OWNED = ("id", "metadata")


def address_not_found(address_id: str, number: str) -> ApiProblem:
    return ApiProblem(
        404, "resource_not_found", f"Address {address_id} of customer {number} not found."
    )


def addresses_of(customer: dict[str, Any]) -> list[dict[str, Any]]:
    found = customer.get("addresses")
    return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []


def find_address(customer: dict[str, Any], address_id: str, number: str) -> dict[str, Any]:
    """The customer's address with this id, or a 404 naming it."""
    for address in addresses_of(customer):
        if address.get("id") == address_id:
            return address
    raise address_not_found(address_id, number)


def checked_address(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The address fields of ``body``; 400 where the spec's rules are broken."""
    if creating and not isinstance(body.get("contactName"), str):
        raise invalid("contactName", "is required")
    country = body.get("country")
    if country is not None and (not isinstance(country, str) or len(country) != 2):
        raise invalid("country", "must be a two-letter country code")
    if "isDefault" in body and not isinstance(body["isDefault"], bool):
        raise invalid("isDefault", "must be true or false")
    address = {k: v for k, v in body.items() if k not in OWNED and v is not None}
    links = (
        (body.get("metadata") or {}).get("mixins")
        if isinstance(body.get("metadata"), dict)
        else None
    )
    if links:
        address["metadata"] = {"mixins": links}
    return address


def new_address_id(customer: dict[str, Any]) -> str:
    taken = {address.get("id") for address in addresses_of(customer)}
    while (candidate := secrets.token_hex(5)) in taken:
        continue
    return candidate


def with_address(
    customer: dict[str, Any], address_id: str, address: dict[str, Any]
) -> dict[str, Any]:
    """The customer with ``address`` stored under ``address_id`` (replacing one with that
    id, else appended); a new default address makes the others not default."""
    stored = {**address, "id": address_id}
    stored.setdefault("isDefault", False)
    kept = [a for a in addresses_of(customer) if a.get("id") != address_id]
    if stored["isDefault"]:
        kept = [{**a, "isDefault": False} for a in kept]
    position = next(
        (i for i, a in enumerate(addresses_of(customer)) if a.get("id") == address_id),
        len(kept),
    )
    kept.insert(min(position, len(kept)), stored)
    return {**customer, "addresses": kept}


def patched_address(existing: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """``existing`` with ``body`` merged in (a JSON merge patch of the address fields)."""
    patch = {k: v for k, v in body.items() if k not in OWNED}
    merged: dict[str, Any] = merge_patch(existing, patch)
    return merged


def without_address(customer: dict[str, Any], address_id: str) -> dict[str, Any]:
    kept = [a for a in addresses_of(customer) if a.get("id") != address_id]
    return {**customer, "addresses": kept}

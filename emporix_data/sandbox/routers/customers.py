"""The customer service: /customer/{tenant}/customers and each customer's addresses.

Documents are answered through ``customer_view`` (mixins and addresses on ``expand``
only; B2B legal entities from the contact assignments). Addresses are kept in the
customer's stored document and written only through their own endpoints.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.addresses import (
    addresses_of,
    checked_address,
    find_address,
    new_address_id,
    patched_address,
    with_address,
    without_address,
)
from emporix_data.sandbox.customer_view import customer_view, parse_expand
from emporix_data.sandbox.documents import (
    check_version,
    delete_or_404,
    merge_patch,
    now_iso,
    store_document_or_404,
)
from emporix_data.sandbox.errors import ApiProblem, not_found
from emporix_data.sandbox.paging import paged_list
from emporix_data.sandbox.responses import json_response, list_response, read_object
from emporix_data.sandbox.state import Sandbox
from emporix_data.sandbox.store import Store

CUSTOMERS = "customers"
# Fields the service keeps itself: a PUT cannot change them.
OWNED_FIELDS = ("customerNumber", "id", "metadataCreatedAt", "businessModel")
# Fields a customer body cannot set: answered from elsewhere (addresses, assignments).
DERIVED_FIELDS = ("password", "addresses", "defaultAddress", "accounts")
ADDRESS = "/customers/{customerNumber}/addresses/{addressId}"

router = APIRouter(prefix="/customer/{tenant}")


def email_conflict() -> ApiProblem:
    return ApiProblem(409, "conflict", "A customer with this contactEmail already exists")


def email_taken(store: Store, email: Any, other_than: str | None = None) -> bool:
    if not email:
        return False
    rows = store.page(
        CUSTOMERS, where="json_extract(doc, '$.\"contactEmail\"') = ?", params=[email]
    )
    return any(json.loads(text).get("customerNumber") != other_than for text in rows)


def next_customer_number(store: Store) -> str:
    row = store.db.execute(
        "SELECT MAX(CAST(key AS INTEGER)) FROM docs WHERE collection = 'customers' "
        "AND key GLOB '[0-9]*'"
    ).fetchone()
    highest: int | None = row[0]
    return f"{(highest or 0) + 1:08d}"


def customer_body(body: dict[str, Any]) -> dict[str, Any]:
    """What a customer body may set: not its addresses (their own endpoints), nor its
    legal entities (its contact assignments)."""
    document = {k: v for k, v in body.items() if k not in DERIVED_FIELDS}
    b2b = document.get("b2b")
    if isinstance(b2b, dict) and "legalEntities" in b2b:
        document["b2b"] = {k: v for k, v in b2b.items() if k != "legalEntities"}
    return document


def new_customer(number: str, body: dict[str, Any]) -> dict[str, Any]:
    document = {k: v for k, v in customer_body(body).items() if k != "id"}
    metadata = dict(document.get("metadata") or {})
    metadata.pop("version", None)
    document.update(
        customerNumber=number,
        id=number,
        businessModel="B2B" if body.get("b2b") else "B2C",
        metadata={"mixins": {}, **metadata, "version": 1},
        metadataCreatedAt=now_iso(),
    )
    document.setdefault("active", True)
    document.setdefault("onHold", False)
    return document


def replaced_customer(
    body: dict[str, Any], existing: dict[str, Any], version: int
) -> dict[str, Any]:
    """What a PUT stores over ``existing``: the body, but the service's own fields and
    the customer's addresses kept, and no nulls."""
    document = customer_body(body)
    for owned in (*OWNED_FIELDS, "addresses"):
        document[owned] = existing.get(owned)
    document["metadata"] = {**(body.get("metadata") or {}), "version": version}
    return {k: v for k, v in document.items() if v is not None}


def answered(store: Store, number: str, request: Request | None = None) -> Response:
    """The stored customer as the service answers it (``expand`` from the request)."""
    expand = parse_expand(request.query_params.get("expand") if request else None)
    texts = store.page(CUSTOMERS, where="key = ?", params=[number], select=customer_view(expand))
    if not texts:
        raise not_found(f"Customer {number}")
    return list_response(texts, single=True)


def customer_or_404(sandbox: Sandbox, number: str) -> dict[str, Any]:
    return store_document_or_404(sandbox.store, CUSTOMERS, number, f"Customer {number}")


@router.get("/customers")
async def list_customers(request: Request, sandbox: Sandbox) -> Response:
    select = customer_view(parse_expand(request.query_params.get("expand")))
    return paged_list(request, sandbox, CUSTOMERS, 60, select=select, count_header="Count")


@router.post("/customers")
async def create_customer(request: Request, sandbox: Sandbox) -> Response:
    store = sandbox.store
    body = await read_object(request)
    number = str(body.get("id") or next_customer_number(store))
    if store.exists(CUSTOMERS, number):
        raise ApiProblem(409, "conflict", f"Customer {number} already exists")
    if email_taken(store, body.get("contactEmail")):
        raise email_conflict()
    store.put(CUSTOMERS, number, new_customer(number, body))
    return json_response({"id": number}, 201)


@router.get("/customers/{customerNumber}")
async def get_customer(customerNumber: str, request: Request, sandbox: Sandbox) -> Response:
    return answered(sandbox.store, unquote(customerNumber), request)


@router.put("/customers/{customerNumber}")
async def upsert_customer(customerNumber: str, request: Request, sandbox: Sandbox) -> Response:
    store, number = sandbox.store, unquote(customerNumber)
    body = await read_object(request)
    existing = store.get(CUSTOMERS, number)
    if email_taken(store, body.get("contactEmail"), other_than=number):
        raise email_conflict()
    if existing is None:
        store.put(CUSTOMERS, number, new_customer(number, body))
        return json_response({"id": number}, 201)
    version = check_version(body, existing)
    store.put(CUSTOMERS, number, replaced_customer(body, existing, version))
    return Response(status_code=204)


@router.patch("/customers/{customerNumber}")
async def patch_customer(customerNumber: str, request: Request, sandbox: Sandbox) -> Response:
    store, number = sandbox.store, unquote(customerNumber)
    body = await read_object(request)
    existing = store_document_or_404(store, CUSTOMERS, number, f"Customer {number}")
    version = check_version(body, existing)
    if email_taken(store, body.get("contactEmail"), other_than=number):
        raise email_conflict()
    patch = {
        k: v
        for k, v in customer_body(body).items()
        if k not in ("customerNumber", "id", "metadata")
    }
    document = merge_patch(existing, patch)
    document["metadata"] = {**(existing.get("metadata") or {}), "version": version}
    store.put(CUSTOMERS, number, document)
    return answered(store, number)


@router.delete("/customers/{customerNumber}")
async def delete_customer(customerNumber: str, sandbox: Sandbox) -> Response:
    number = unquote(customerNumber)
    delete_or_404(sandbox.store, CUSTOMERS, number, f"Customer {number}")
    return Response(status_code=202)


@router.get("/customers/{customerNumber}/addresses")
async def list_addresses(customerNumber: str, sandbox: Sandbox) -> Response:
    return json_response(addresses_of(customer_or_404(sandbox, unquote(customerNumber))))


@router.post("/customers/{customerNumber}/addresses")
async def create_address(customerNumber: str, request: Request, sandbox: Sandbox) -> Response:
    number = unquote(customerNumber)
    customer = customer_or_404(sandbox, number)
    body = await read_object(request)
    address = checked_address(body, creating=True)
    address_id = body.get("id") or new_address_id(customer)
    if not isinstance(address_id, str):
        raise ApiProblem(400, "bad_request", "id must be a string")
    if any(a.get("id") == address_id for a in addresses_of(customer)):
        raise ApiProblem(409, "conflict_resource", f"Address {address_id} already exists")
    sandbox.store.put(CUSTOMERS, number, with_address(customer, address_id, address))
    return json_response({"id": address_id}, 201)


@router.get(ADDRESS)
async def get_address(customerNumber: str, addressId: str, sandbox: Sandbox) -> Response:
    number, address_id = unquote(customerNumber), unquote(addressId)
    return json_response(find_address(customer_or_404(sandbox, number), address_id, number))


@router.put(ADDRESS)
async def upsert_address(
    customerNumber: str, addressId: str, request: Request, sandbox: Sandbox
) -> Response:
    number, address_id = unquote(customerNumber), unquote(addressId)
    customer = customer_or_404(sandbox, number)
    exists = any(a.get("id") == address_id for a in addresses_of(customer))
    address = checked_address(await read_object(request), creating=not exists)
    sandbox.store.put(CUSTOMERS, number, with_address(customer, address_id, address))
    return json_response({"id": address_id}, 201) if not exists else Response(status_code=204)


@router.patch(ADDRESS)
async def patch_address(
    customerNumber: str, addressId: str, request: Request, sandbox: Sandbox
) -> Response:
    number, address_id = unquote(customerNumber), unquote(addressId)
    customer = customer_or_404(sandbox, number)
    existing = find_address(customer, address_id, number)
    body = await read_object(request)
    checked_address(body, creating=False)
    address = patched_address(existing, body)
    sandbox.store.put(CUSTOMERS, number, with_address(customer, address_id, address))
    return Response(status_code=200)


@router.delete(ADDRESS)
async def delete_address(customerNumber: str, addressId: str, sandbox: Sandbox) -> Response:
    number, address_id = unquote(customerNumber), unquote(addressId)
    customer = customer_or_404(sandbox, number)
    find_address(customer, address_id, number)
    sandbox.store.put(CUSTOMERS, number, without_address(customer, address_id))
    return Response(status_code=204)

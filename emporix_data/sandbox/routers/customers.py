"""The customer service: /customer/{tenant}/customers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.documents import (
    check_version,
    delete_or_404,
    merge_patch,
    now_iso,
    store_document_or_404,
)
from emporix_data.sandbox.errors import ApiProblem
from emporix_data.sandbox.paging import paged_list
from emporix_data.sandbox.responses import json_response, read_object
from emporix_data.sandbox.state import Sandbox
from emporix_data.sandbox.store import Store

CUSTOMERS = "customers"
# Fields the service keeps itself: a PUT cannot change them.
OWNED_FIELDS = ("customerNumber", "id", "metadataCreatedAt", "businessModel")

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


def new_customer(number: str, body: dict[str, Any]) -> dict[str, Any]:
    document = {k: v for k, v in body.items() if k not in ("password", "id")}
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
    the customer's legal entities kept, and no nulls."""
    document = {k: v for k, v in body.items() if k not in ("password",)}
    for owned in OWNED_FIELDS:
        document[owned] = existing.get(owned)
    if (existing.get("b2b") or {}).get("legalEntities"):
        document["b2b"] = {
            **(document.get("b2b") or {}),
            "legalEntities": existing["b2b"]["legalEntities"],
        }
    document["metadata"] = {**(body.get("metadata") or {}), "version": version}
    return {k: v for k, v in document.items() if v is not None}


@router.get("/customers")
async def list_customers(request: Request, sandbox: Sandbox) -> Response:
    return paged_list(request, sandbox, CUSTOMERS, 60, count_header="Count")


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
async def get_customer(customerNumber: str, sandbox: Sandbox) -> Response:
    number = unquote(customerNumber)
    document = store_document_or_404(sandbox.store, CUSTOMERS, number, f"Customer {number}")
    return json_response(document)


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
    patch = {k: v for k, v in body.items() if k not in ("customerNumber", "id", "metadata")}
    document = merge_patch(existing, patch)
    document["metadata"] = {**(existing.get("metadata") or {}), "version": version}
    store.put(CUSTOMERS, number, document)
    return json_response(document)


@router.delete("/customers/{customerNumber}")
async def delete_customer(customerNumber: str, sandbox: Sandbox) -> Response:
    number = unquote(customerNumber)
    delete_or_404(sandbox.store, CUSTOMERS, number, f"Customer {number}")
    return Response(status_code=202)

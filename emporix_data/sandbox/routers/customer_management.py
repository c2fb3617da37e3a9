"""The customer-management service: legal entities and contact assignments."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.documents import (
    check_version,
    delete_or_404,
    now_iso,
    store_text_or_404,
)
from emporix_data.sandbox.errors import ApiProblem, invalid
from emporix_data.sandbox.paging import paged_list
from emporix_data.sandbox.references import ASSIGNMENT_REFERENCES
from emporix_data.sandbox.responses import json_response, list_response, read_object
from emporix_data.sandbox.seed import CONTACT_TYPES
from emporix_data.sandbox.state import Sandbox
from emporix_data.sandbox.store import Store

ASSIGNMENTS = "contact_assignments"
LEGAL_ENTITY_FILTERS = {"name": "name", "type": "type"}
ASSIGNMENT_FILTERS = {
    "legalEntity.id": "legalEntity.id",
    "customer.id": "customer.id",
    "type": "type",
    "primary": "primary",
}

router = APIRouter(prefix="/customer-management/{tenant}")


def assignment_from(store: Store, body: dict[str, Any], key: str) -> dict[str, Any]:
    """The assignment to store from a request body; 400 if it is incomplete or names a
    legal entity or customer that does not exist."""
    legal_entity_id = (body.get("legalEntity") or {}).get("id")
    customer_id = (body.get("customer") or {}).get("id")
    if not legal_entity_id:
        raise invalid("legalEntity.id", "is required")
    if not customer_id:
        raise invalid("customer.id", "is required")
    if body.get("type") not in CONTACT_TYPES:
        raise invalid("type", f"must be one of {', '.join(CONTACT_TYPES)}")
    if not store.exists("legal_entities", legal_entity_id):
        raise invalid("legalEntity.id", f"legal entity {legal_entity_id} does not exist")
    if not store.exists("customers", customer_id):
        raise invalid("customer.id", f"customer {customer_id} does not exist")
    document = {k: v for k, v in body.items() if k not in ("legalEntity", "customer", "id")}
    document.update(
        id=key,
        legalEntity={"id": legal_entity_id},
        customer={"id": customer_id},
        primary=bool(body.get("primary", False)),
    )
    return document


@router.get("/legal-entities")
async def list_legal_entities(request: Request, sandbox: Sandbox) -> Response:
    return paged_list(request, sandbox, "legal_entities", 16, filters=LEGAL_ENTITY_FILTERS)


@router.get("/contact-assignments")
async def list_assignments(request: Request, sandbox: Sandbox) -> Response:
    return paged_list(
        request, sandbox, ASSIGNMENTS, 16, filters=ASSIGNMENT_FILTERS, enrich=ASSIGNMENT_REFERENCES
    )


@router.post("/contact-assignments")
async def create_assignment(request: Request, sandbox: Sandbox) -> Response:
    store = sandbox.store
    body = await read_object(request)
    key = str(body.get("id") or uuid.uuid4().hex)
    if store.exists(ASSIGNMENTS, key):
        raise ApiProblem(409, "conflict", f"Contact assignment {key} already exists")
    document = assignment_from(store, body, key)
    stamp = now_iso()
    document["metadata"] = {"version": 1, "createdAt": stamp, "modifiedAt": stamp}
    store.put(ASSIGNMENTS, key, document)
    return json_response({"id": key}, 201)


@router.get("/contact-assignments/{contactAssignmentId}")
async def get_assignment(contactAssignmentId: str, sandbox: Sandbox) -> Response:
    store, key = sandbox.store, unquote(contactAssignmentId)
    text = store_text_or_404(store, ASSIGNMENTS, key, f"Contact assignment {key}")
    return list_response(store.transform(ASSIGNMENT_REFERENCES, [text]), single=True)


@router.put("/contact-assignments/{contactAssignmentId}")
async def upsert_assignment(
    contactAssignmentId: str, request: Request, sandbox: Sandbox
) -> Response:
    store, key = sandbox.store, unquote(contactAssignmentId)
    body = await read_object(request)
    existing = store.get(ASSIGNMENTS, key)
    document = assignment_from(store, body, key)
    stamp = now_iso()
    if existing is None:
        document["metadata"] = {"version": 1, "createdAt": stamp, "modifiedAt": stamp}
        store.put(ASSIGNMENTS, key, document)
        return json_response({"id": key}, 201)
    version = check_version(body, existing)
    created = (existing.get("metadata") or {}).get("createdAt", stamp)
    document["metadata"] = {"version": version, "createdAt": created, "modifiedAt": stamp}
    store.put(ASSIGNMENTS, key, document)
    return Response(status_code=204)


@router.delete("/contact-assignments/{contactAssignmentId}")
async def delete_assignment(contactAssignmentId: str, sandbox: Sandbox) -> Response:
    key = unquote(contactAssignmentId)
    delete_or_404(sandbox.store, ASSIGNMENTS, key, f"Contact assignment {key}")
    return Response(status_code=204)

"""The shipping service's customer-group relations: /shipping/{tenant}/{site}/cgrelations."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.documents import delete_or_404, store_document_or_404
from emporix_data.sandbox.errors import ApiProblem, invalid, not_found
from emporix_data.sandbox.responses import json_response, list_response, read_object
from emporix_data.sandbox.state import Sandbox

router = APIRouter(prefix="/shipping/{tenant}/{site}")


def relations(site: str) -> str:
    """The collection of a site's relations."""
    return f"cgrelations:{unquote(site)}"


def relation_of(customer_id: str) -> str:
    """What a missing relation is called in its 404."""
    return f"Customer-group relation of {customer_id}"


class Relation(NamedTuple):
    customer_id: str
    group_id: str


def relation_from(body: dict[str, Any]) -> Relation:
    """The relation a body names; 400 unless it names a customer and a group."""
    customer_id, group_id = body.get("customerId"), body.get("groupId")
    if not customer_id or not isinstance(customer_id, str):
        raise invalid("customerId", "is required")
    if not group_id or not isinstance(group_id, str):
        raise invalid("groupId", "is required")
    return Relation(customer_id, group_id)


@router.get("/cgrelations")
async def list_relations(site: str, sandbox: Sandbox) -> Response:
    return list_response(sandbox.store.page(relations(site)))


@router.post("/cgrelations")
async def create_relation(site: str, request: Request, sandbox: Sandbox) -> Response:
    relation = relation_from(await read_object(request))
    collection, key = relations(site), relation.customer_id
    if sandbox.store.exists(collection, key):
        raise ApiProblem(409, "conflict", f"Customer {key} already has a group")
    sandbox.store.put(collection, key, {"customerId": key, "groupId": relation.group_id})
    return json_response({"id": key}, 201)


@router.get("/cgrelations/{customerId}")
async def get_relation(site: str, customerId: str, sandbox: Sandbox) -> Response:
    key = unquote(customerId)
    document = store_document_or_404(sandbox.store, relations(site), key, relation_of(key))
    return json_response(document)


@router.put("/cgrelations/{customerId}")
async def update_relation(
    site: str, customerId: str, request: Request, sandbox: Sandbox
) -> Response:
    key, collection = unquote(customerId), relations(site)
    body = await read_object(request)
    group_id = relation_from({"customerId": key, **body}).group_id
    if not sandbox.store.exists(collection, key):
        raise not_found(relation_of(key))
    sandbox.store.put(collection, key, {"customerId": key, "groupId": group_id})
    return json_response({"customerId": key, "groupId": group_id})


@router.delete("/cgrelations/{customerId}")
async def delete_relation(site: str, customerId: str, sandbox: Sandbox) -> Response:
    key = unquote(customerId)
    delete_or_404(sandbox.store, relations(site), key, relation_of(key))
    return Response(status_code=204)

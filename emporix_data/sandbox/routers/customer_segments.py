"""The customer-segment service: segments and their memberships (one by one and bulk)."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.documents import check_version, now_iso, store_text_or_404
from emporix_data.sandbox.errors import ApiProblem, not_found
from emporix_data.sandbox.faults import multi_status_entries
from emporix_data.sandbox.paging import paged_list
from emporix_data.sandbox.references import MEMBERSHIP_REFERENCES
from emporix_data.sandbox.responses import json_response, list_response, read_array, read_object
from emporix_data.sandbox.seed import membership_key
from emporix_data.sandbox.state import Sandbox
from emporix_data.sandbox.store import Store

BULK_LIMIT = 200
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "OK",
    400: "Bad Request",
    404: "Not Found",
    409: "Conflict",
}
B2C_PATH = "/segments/{segmentId}/customers/{customerId}"
B2B_PATH = "/segments/{segmentId}/customers/{customerId}/{legalEntityId}"

router = APIRouter(prefix="/customer-segment/{tenant}")


class Outcome(NamedTuple):
    """How one membership write ended: an HTTP code and, for failures, why."""

    code: int
    message: str | None = None


def members_or_404(store: Store, segment_id: str) -> str:
    """The collection of the segment's memberships; 404 if there is no such segment."""
    if not store.exists("segments", segment_id):
        raise not_found(f"Segment {segment_id}")
    return f"memberships:{segment_id}"


def upsert_membership(
    store: Store, collection: str, customer_id: Any, legal_entity_id: Any, body: dict[str, Any]
) -> Outcome:
    """Assign a customer (of a legal entity, for B2B) to the segment; 201 or 204.

    The customer is not looked up: the segment service does not check the customer
    service (the spec's upserts answer no 404), so a membership can name a customer
    that is gone, as one left behind by a deleted customer does, and an undone audit
    fix can put such a membership back. An unknown legal entity is refused.
    """
    if not customer_id or not isinstance(customer_id, str):
        return Outcome(400, "customerId is required")
    if legal_entity_id and not store.exists("legal_entities", legal_entity_id):
        return Outcome(404, f"Legal entity {legal_entity_id} not found")
    key = membership_key(customer_id, legal_entity_id)
    existing = store.get(collection, key)
    stamp = now_iso()
    document: dict[str, Any] = {"customer": {"id": customer_id}, "assignmentType": "MANUAL"}
    if legal_entity_id:
        document["legalEntity"] = {"id": legal_entity_id}
    if body.get("mixins") is not None:
        document["mixins"] = body["mixins"]
    if existing is None:
        document["metadata"] = {"version": 1, "createdAt": stamp, "modifiedAt": stamp}
        store.put(collection, key, document)
        return Outcome(201)
    try:
        version = check_version(body, existing)
    except ApiProblem as problem:
        return Outcome(409, problem.message)
    created = existing["metadata"].get("createdAt", stamp)
    document["metadata"] = {"version": version, "createdAt": created, "modifiedAt": stamp}
    store.put(collection, key, document)
    return Outcome(204)


def outcome_response(outcome: Outcome) -> Response:
    """A single write's outcome as its answer: empty on success, else an error body."""
    if outcome.code in (201, 204):
        return Response(status_code=outcome.code)
    kind = {400: "bad_request", 404: "not_found"}.get(outcome.code, "conflict")
    raise ApiProblem(outcome.code, kind, outcome.message or "")


def bulk_entry(index: int, outcome: Outcome) -> dict[str, Any]:
    """One item of a 207 answer."""
    entry: dict[str, Any] = {
        "index": index,
        "code": outcome.code,
        "status": STATUS_TEXT[outcome.code],
    }
    if outcome.message:
        entry["message"] = outcome.message
    return entry


async def bulk_items(request: Request) -> list[Any]:
    items = await read_array(request)
    if len(items) > BULK_LIMIT:
        raise ApiProblem(
            400, "bad_request", f"at most {BULK_LIMIT} items per request, got {len(items)}"
        )
    return items


def membership_response(
    store: Store, segment_id: str, customer_id: str, legal_entity_id: str | None
) -> Response:
    collection = members_or_404(store, segment_id)
    key = membership_key(customer_id, legal_entity_id)
    text = store_text_or_404(store, collection, key, "Customer assignment")
    return list_response(store.transform(MEMBERSHIP_REFERENCES, [text]), single=True)


async def put_membership(
    request: Request, store: Store, segment_id: str, customer_id: str, legal_entity_id: str | None
) -> Response:
    collection = members_or_404(store, segment_id)
    body = await read_object(request, empty_ok=True)
    return outcome_response(
        upsert_membership(store, collection, customer_id, legal_entity_id, body)
    )


def delete_membership(
    store: Store, segment_id: str, customer_id: str, legal_entity_id: str | None
) -> Response:
    collection = members_or_404(store, segment_id)
    store.delete(collection, membership_key(customer_id, legal_entity_id))
    return Response(status_code=204)


@router.get("/segments")
async def list_segments(request: Request, sandbox: Sandbox) -> Response:
    return paged_list(request, sandbox, "segments", 16)


@router.get("/segments/{segmentId}/customers")
async def list_memberships(segmentId: str, request: Request, sandbox: Sandbox) -> Response:
    collection = members_or_404(sandbox.store, unquote(segmentId))
    return paged_list(request, sandbox, collection, 16, enrich=MEMBERSHIP_REFERENCES)


@router.put("/segments/{segmentId}/customers/bulk")
async def bulk_upsert(segmentId: str, request: Request, sandbox: Sandbox) -> Response:
    store = sandbox.store
    collection = members_or_404(store, unquote(segmentId))
    results = []
    for index, item in enumerate(await bulk_items(request)):
        outcome = (
            upsert_membership(
                store, collection, item.get("customerId"), item.get("legalEntityId"), item
            )
            if isinstance(item, dict)
            else Outcome(400, "item must be an object")
        )
        results.append(bulk_entry(index, outcome))
    return json_response(multi_status_entries(results, sandbox.faults.settings.multi_status), 207)


@router.delete("/segments/{segmentId}/customers/bulk")
async def bulk_delete(segmentId: str, request: Request, sandbox: Sandbox) -> Response:
    store = sandbox.store
    collection = members_or_404(store, unquote(segmentId))
    results = []
    for index, item in enumerate(await bulk_items(request)):
        if not isinstance(item, dict) or not item.get("customerId"):
            results.append(bulk_entry(index, Outcome(400, "customerId is required")))
            continue
        store.delete(collection, membership_key(item["customerId"], item.get("legalEntityId")))
        results.append(bulk_entry(index, Outcome(204)))
    return json_response(multi_status_entries(results, sandbox.faults.settings.multi_status), 207)


@router.get(B2C_PATH)
async def get_b2c(segmentId: str, customerId: str, sandbox: Sandbox) -> Response:
    return membership_response(sandbox.store, unquote(segmentId), unquote(customerId), None)


@router.put(B2C_PATH)
async def put_b2c(segmentId: str, customerId: str, request: Request, sandbox: Sandbox) -> Response:
    return await put_membership(
        request, sandbox.store, unquote(segmentId), unquote(customerId), None
    )


@router.delete(B2C_PATH)
async def delete_b2c(segmentId: str, customerId: str, sandbox: Sandbox) -> Response:
    return delete_membership(sandbox.store, unquote(segmentId), unquote(customerId), None)


@router.get(B2B_PATH)
async def get_b2b(
    segmentId: str, customerId: str, legalEntityId: str, sandbox: Sandbox
) -> Response:
    return membership_response(
        sandbox.store, unquote(segmentId), unquote(customerId), unquote(legalEntityId)
    )


@router.put(B2B_PATH)
async def put_b2b(
    segmentId: str, customerId: str, legalEntityId: str, request: Request, sandbox: Sandbox
) -> Response:
    return await put_membership(
        request, sandbox.store, unquote(segmentId), unquote(customerId), unquote(legalEntityId)
    )


@router.delete(B2B_PATH)
async def delete_b2b(
    segmentId: str, customerId: str, legalEntityId: str, sandbox: Sandbox
) -> Response:
    return delete_membership(
        sandbox.store, unquote(segmentId), unquote(customerId), unquote(legalEntityId)
    )

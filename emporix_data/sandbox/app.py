"""The sandbox's HTTP API: the Emporix endpoints the dashboard uses, plus test admin routes.

Follows the vendor specs in ``shared/emporix-api``: paths, status codes (upsert 201/204,
optimistic locking 409, bulk 207 and 400 above 200 items), X-Total-Count where the
spec has it, and error bodies ``{status, type, message, details}``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from emporix_data.sandbox.faults import FaultInjector, FaultSettings
from emporix_data.sandbox.query import QueryError, to_order, to_sql
from emporix_data.sandbox.seed import CONTACT_TYPES, membership_key
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
UNAUTHORIZED = {
    "fault": {
        "faultstring": "Invalid Access Token",
        "detail": {"errorcode": "keymanagement.service.invalid_access_token"},
    }
}


class ApiProblem(Exception):
    """An error answer in the Emporix error-body form."""

    def __init__(
        self, status: int, type_: str, message: str, details: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.type, self.message, self.details = status, type_, message, details

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "type": self.type, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def not_found(what: str) -> ApiProblem:
    return ApiProblem(404, "not_found", f"{what} not found")


def invalid(field_name: str, message: str) -> ApiProblem:
    return ApiProblem(
        400,
        "validation_error",
        f"Validation problem with request body: {field_name} {message}",
        [{"field": field_name, "type": "invalid_field", "message": message}],
    )


def now_iso() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Stats:
    """What clients did: requests by route, answers by status, and the most requests
    in flight at once (how hard a client drives the API: its concurrency, seen here)."""

    total: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    raw_paths: deque[str] = field(default_factory=lambda: deque(maxlen=10_000))
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, raw_path: str) -> None:
        with self.lock:
            self.total += 1
            self.by_route[route] += 1
            self.raw_paths.append(raw_path)

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def answered(self, status: int) -> None:
        with self.lock:
            self.by_status[status] += 1

    def reset(self) -> None:
        with self.lock:
            self.total = 0
            self.by_route.clear()
            self.by_status.clear()
            self.raw_paths.clear()
            self.peak_in_flight = self.in_flight

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "total": self.total,
                "by_route": dict(self.by_route),
                "by_status": {str(status): count for status, count in self.by_status.items()},
                "in_flight": self.in_flight,
                "peak_in_flight": self.peak_in_flight,
                "raw_paths": list(self.raw_paths),
            }


@dataclass
class SandboxState:
    store: Store
    tenant: str
    client_id: str
    client_secret: str
    token_ttl_s: int
    max_page_size: int
    faults: FaultInjector
    reseed: Callable[[dict[str, Any]], None]
    stats: Stats = field(default_factory=Stats)
    tokens: dict[str, float] = field(default_factory=dict)

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = time.monotonic() + self.token_ttl_s
        return token

    def token_valid(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        expiry = self.tokens.get(header.removeprefix("Bearer ").strip())
        return expiry is not None and time.monotonic() < expiry


# --------------------------------------------------------------------------- helpers


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return Response(content, status_code=status, media_type="application/json", headers=headers)


def list_response(
    texts: list[str], headers: dict[str, str] | None = None, *, single: bool = False
) -> Response:
    """Stored JSON texts as an array (or, ``single``, the one document) without parsing."""
    content = (texts[0] if single else "[" + ",".join(texts) + "]").encode("utf-8")
    return Response(content, media_type="application/json", headers=headers)


def references_sql(*references: tuple[str, str, dict[str, str]]) -> str:
    """SQL replacing references (``{"id": ...}`` at a field) in a page of documents by
    summaries of the documents they name, e.g. a membership's customer by its name and
    e-mail. The page is bound as one JSON array; the join and the JSON are done inside
    SQLite, which keeps a page of 1,000 well under a millisecond per 100 documents.

    Each reference is (field, collection of the named document, summary field -> path
    in that document); a reference to nothing is left as it is.
    """
    expression, joins = "page.value", []
    for number, (name, collection, summary) in enumerate(references):
        alias = f"ref{number}"
        joins.append(
            f"LEFT JOIN docs {alias} ON {alias}.collection = '{collection}' "
            f"AND {alias}.key = json_extract(page.value, '$.{name}.id')"
        )
        pairs = ", ".join(
            f"'{field}', json_extract({alias}.doc, '$.{path}')" for field, path in summary.items()
        )
        expression = (
            f"CASE WHEN {alias}.doc IS NULL THEN {expression} "
            f"ELSE json_set({expression}, '$.{name}', json_object({pairs})) END"
        )
    return f"SELECT {expression} FROM json_each(?) AS page {' '.join(joins)} ORDER BY page.key"


MEMBERSHIP_REFERENCES = references_sql(
    (
        "customer",
        "customers",
        {
            "id": "customerNumber",
            "firstName": "firstName",
            "lastName": "lastName",
            "email": "contactEmail",
        },
    ),
    ("legalEntity", "legal_entities", {"id": "id", "name": "name"}),
)
ASSIGNMENT_REFERENCES = references_sql(
    ("legalEntity", "legal_entities", {"id": "id", "name": "name", "type": "type"}),
    (
        "customer",
        "customers",
        {
            "id": "customerNumber",
            "name": "firstName",
            "surname": "lastName",
            "email": "contactEmail",
        },
    ),
)


async def read_json(request: Request, expected: type = dict) -> Any:
    raw = await request.body()
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        raise invalid("body", "is not valid JSON") from None
    if not isinstance(value, expected):
        raise invalid("body", f"must be a JSON {'object' if expected is dict else 'array'}")
    return value


def paging(request: Request, default_size: int, max_size: int) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name)
        try:
            value = default if raw in (None, "") else int(raw)
        except ValueError:
            raise ApiProblem(400, "bad_request", f"{name} must be a number") from None
        if value < 1:
            raise ApiProblem(400, "bad_request", f"{name} must be at least 1")
        return value

    size = number("pageSize", default_size)
    if size > max_size:
        raise ApiProblem(400, "bad_request", f"pageSize must be at most {max_size}")
    return number("pageNumber", 1), size


def query_clause(
    request: Request, filters: dict[str, str] | None = None
) -> tuple[str, list[Any], str]:
    """WHERE clause, parameters and ORDER BY from q, sort and simple field filters."""
    clauses, params = [], []
    try:
        q = request.query_params.get("q")
        if q:
            where, q_params = to_sql(q)
            clauses.append(where)
            params += q_params
        for name, path in (filters or {}).items():
            value = request.query_params.get(name)
            if value is not None:
                literal: Any = value
                if value in ("true", "false"):
                    literal = 1 if value == "true" else 0
                clauses.append(f"json_extract(doc, '$.{path}') = ?")
                params.append(literal)
        order = to_order(request.query_params.get("sort"))
    except QueryError as exc:
        raise ApiProblem(400, "bad_request", str(exc)) from None
    return " AND ".join(f"({c})" for c in clauses), params, order


def wants_total(request: Request) -> bool:
    return request.headers.get("X-Total-Count", "").lower() == "true"


def check_version(body: dict[str, Any], existing: dict[str, Any]) -> int:
    """The next version; 409 if the body names a version other than the stored one."""
    current = int((existing.get("metadata") or {}).get("version") or 1)
    sent = (body.get("metadata") or {}).get("version")
    if sent is not None and sent != current:
        raise ApiProblem(
            409,
            "optimistic_lock_failure",
            f"version {sent} is stale: the stored version is {current}",
        )
    return current + 1


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# --------------------------------------------------------------------------- the app


def create_app(state: SandboxState) -> FastAPI:
    app = FastAPI(title="Emporix sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    store = state.store

    @app.exception_handler(ApiProblem)
    async def _problem(_request: Request, exc: ApiProblem) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(map(str, e["loc"])), "type": "invalid_field", "message": e["msg"]}
            for e in exc.errors()
        ]
        return ApiProblem(400, "bad_request", "Invalid request", details).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "not_found" if exc.status_code == 404 else "bad_request"
        return ApiProblem(exc.status_code, kind, str(exc.detail)).response()

    def paged_list(
        request: Request,
        collection: str,
        default_size: int,
        filters: dict[str, str] | None = None,
        enrich: str | None = None,
        count_header: str | None = None,
    ) -> Response:
        """One page of a collection. ``X-Total-Count`` when asked for (the specs that
        have it); ``count_header`` names a header carrying this page's item count;
        ``enrich`` is a ``references_sql`` query embedding referenced documents."""
        page, size = paging(request, default_size, state.max_page_size)
        where, params, order = query_clause(request, filters)
        texts = store.page(
            collection,
            where=where,
            params=params,
            order=order,
            limit=size,
            offset=(page - 1) * size,
        )
        headers = {}
        if count_header:
            headers[count_header] = str(len(texts))
        elif wants_total(request):
            headers["X-Total-Count"] = str(store.count(collection, where, params))
        if enrich is not None:
            texts = store.transform(enrich, texts)
        return list_response(texts, headers)

    # ----------------------------------------------------------------- oauth
    @app.post("/oauth/token")
    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return json_response(
                {"error": "unsupported_grant_type", "error_description": "use client_credentials"},
                400,
            )
        if (form.get("client_id"), form.get("client_secret")) != (
            state.client_id,
            state.client_secret,
        ):
            return json_response(
                {
                    "fault": {
                        "faultstring": "Invalid client credentials",
                        "detail": {"errorcode": "oauth.v2.InvalidClientIdentifier"},
                    }
                },
                401,
            )
        return json_response(
            {
                "access_token": state.issue_token(),
                "token_type": "Bearer",
                "expires_in": state.token_ttl_s,
                "scope": "customer.customer_manage customermanagement.contact_manage "
                "customersegment.segment_manage shipping.shipping_manage",
            }
        )

    # ----------------------------------------------------------------- customers
    def customer_or_404(number: str) -> dict[str, Any]:
        document = store.get("customers", number)
        if document is None:
            raise not_found(f"Customer {number}")
        return document

    def email_taken(email: Any, other_than: str | None = None) -> bool:
        if not email:
            return False
        rows = store.page(
            "customers", where="json_extract(doc, '$.\"contactEmail\"') = ?", params=[email]
        )
        return any(json.loads(text).get("customerNumber") != other_than for text in rows)

    def next_customer_number() -> str:
        row = store.db.execute(
            "SELECT MAX(CAST(key AS INTEGER)) FROM docs WHERE collection = 'customers' "
            "AND key GLOB '[0-9]*'"
        ).fetchone()
        return f"{(row[0] or 0) + 1:08d}"

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

    @app.get("/customer/{tenant}/customers")
    async def list_customers(request: Request) -> Response:
        return paged_list(request, "customers", 60, count_header="Count")

    @app.post("/customer/{tenant}/customers")
    async def create_customer(request: Request) -> Response:
        body = await read_json(request)
        number = str(body.get("id") or next_customer_number())
        if store.exists("customers", number):
            raise ApiProblem(409, "conflict", f"Customer {number} already exists")
        if email_taken(body.get("contactEmail")):
            raise ApiProblem(409, "conflict", "A customer with this contactEmail already exists")
        store.put("customers", number, new_customer(number, body))
        return json_response({"id": number}, 201)

    @app.get("/customer/{tenant}/customers/{customerNumber}")
    async def get_customer(customerNumber: str) -> Response:
        return json_response(customer_or_404(unquote(customerNumber)))

    @app.put("/customer/{tenant}/customers/{customerNumber}")
    async def upsert_customer(customerNumber: str, request: Request) -> Response:
        number = unquote(customerNumber)
        body = await read_json(request)
        existing = store.get("customers", number)
        if email_taken(body.get("contactEmail"), other_than=number):
            raise ApiProblem(409, "conflict", "A customer with this contactEmail already exists")
        if existing is None:
            store.put("customers", number, new_customer(number, body))
            return json_response({"id": number}, 201)
        version = check_version(body, existing)
        document = {k: v for k, v in body.items() if k not in ("password",)}
        for owned in ("customerNumber", "id", "metadataCreatedAt", "businessModel"):
            document[owned] = existing.get(owned)
        if (existing.get("b2b") or {}).get("legalEntities"):
            document["b2b"] = {
                **(document.get("b2b") or {}),
                "legalEntities": existing["b2b"]["legalEntities"],
            }
        document["metadata"] = {**(body.get("metadata") or {}), "version": version}
        store.put("customers", number, {k: v for k, v in document.items() if v is not None})
        return Response(status_code=204)

    @app.patch("/customer/{tenant}/customers/{customerNumber}")
    async def patch_customer(customerNumber: str, request: Request) -> Response:
        number = unquote(customerNumber)
        body = await read_json(request)
        existing = customer_or_404(number)
        version = check_version(body, existing)
        if email_taken(body.get("contactEmail"), other_than=number):
            raise ApiProblem(409, "conflict", "A customer with this contactEmail already exists")
        patch = {k: v for k, v in body.items() if k not in ("customerNumber", "id", "metadata")}
        document = merge_patch(existing, patch)
        document["metadata"] = {**(existing.get("metadata") or {}), "version": version}
        store.put("customers", number, document)
        return json_response(document)

    @app.delete("/customer/{tenant}/customers/{customerNumber}")
    async def delete_customer(customerNumber: str) -> Response:
        if not store.delete("customers", unquote(customerNumber)):
            raise not_found(f"Customer {unquote(customerNumber)}")
        return Response(status_code=202)

    # ----------------------------------------------------- legal entities, contacts
    @app.get("/customer-management/{tenant}/legal-entities")
    async def list_legal_entities(request: Request) -> Response:
        return paged_list(request, "legal_entities", 16, filters={"name": "name", "type": "type"})

    @app.get("/customer-management/{tenant}/contact-assignments")
    async def list_assignments(request: Request) -> Response:
        filters = {
            "legalEntity.id": "legalEntity.id",
            "customer.id": "customer.id",
            "type": "type",
            "primary": "primary",
        }
        return paged_list(
            request, "contact_assignments", 16, filters=filters, enrich=ASSIGNMENT_REFERENCES
        )

    def assignment_from(body: dict[str, Any], contactAssignmentId: str) -> dict[str, Any]:
        legalEntityId = (body.get("legalEntity") or {}).get("id")
        customerId = (body.get("customer") or {}).get("id")
        if not legalEntityId:
            raise invalid("legalEntity.id", "is required")
        if not customerId:
            raise invalid("customer.id", "is required")
        if body.get("type") not in CONTACT_TYPES:
            raise invalid("type", f"must be one of {', '.join(CONTACT_TYPES)}")
        if not store.exists("legal_entities", legalEntityId):
            raise invalid("legalEntity.id", f"legal entity {legalEntityId} does not exist")
        if not store.exists("customers", customerId):
            raise invalid("customer.id", f"customer {customerId} does not exist")
        document = {k: v for k, v in body.items() if k not in ("legalEntity", "customer", "id")}
        document.update(
            id=contactAssignmentId,
            legalEntity={"id": legalEntityId},
            customer={"id": customerId},
            primary=bool(body.get("primary", False)),
        )
        return document

    @app.post("/customer-management/{tenant}/contact-assignments")
    async def create_assignment(request: Request) -> Response:
        body = await read_json(request)
        contactAssignmentId = str(body.get("id") or uuid.uuid4().hex)
        if store.exists("contact_assignments", contactAssignmentId):
            raise ApiProblem(
                409, "conflict", f"Contact assignment {contactAssignmentId} already exists"
            )
        document = assignment_from(body, contactAssignmentId)
        stamp = now_iso()
        document["metadata"] = {"version": 1, "createdAt": stamp, "modifiedAt": stamp}
        store.put("contact_assignments", contactAssignmentId, document)
        return json_response({"id": contactAssignmentId}, 201)

    @app.get("/customer-management/{tenant}/contact-assignments/{contactAssignmentId}")
    async def get_assignment(contactAssignmentId: str) -> Response:
        text = store.get_text("contact_assignments", unquote(contactAssignmentId))
        if text is None:
            raise not_found(f"Contact assignment {unquote(contactAssignmentId)}")
        return list_response(store.transform(ASSIGNMENT_REFERENCES, [text]), single=True)

    @app.put("/customer-management/{tenant}/contact-assignments/{contactAssignmentId}")
    async def upsert_assignment(contactAssignmentId: str, request: Request) -> Response:
        key = unquote(contactAssignmentId)
        body = await read_json(request)
        existing = store.get("contact_assignments", key)
        document = assignment_from(body, key)
        stamp = now_iso()
        if existing is None:
            document["metadata"] = {"version": 1, "createdAt": stamp, "modifiedAt": stamp}
            store.put("contact_assignments", key, document)
            return json_response({"id": key}, 201)
        version = check_version(body, existing)
        created = (existing.get("metadata") or {}).get("createdAt", stamp)
        document["metadata"] = {"version": version, "createdAt": created, "modifiedAt": stamp}
        store.put("contact_assignments", key, document)
        return Response(status_code=204)

    @app.delete("/customer-management/{tenant}/contact-assignments/{contactAssignmentId}")
    async def delete_assignment(contactAssignmentId: str) -> Response:
        if not store.delete("contact_assignments", unquote(contactAssignmentId)):
            raise not_found(f"Contact assignment {unquote(contactAssignmentId)}")
        return Response(status_code=204)

    # ----------------------------------------------------- segments, memberships
    @app.get("/customer-segment/{tenant}/segments")
    async def list_segments(request: Request) -> Response:
        return paged_list(request, "segments", 16)

    def segment_or_404(segmentId: str) -> str:
        if not store.exists("segments", segmentId):
            raise not_found(f"Segment {segmentId}")
        return f"memberships:{segmentId}"

    @app.get("/customer-segment/{tenant}/segments/{segmentId}/customers")
    async def list_memberships(segmentId: str, request: Request) -> Response:
        collection = segment_or_404(unquote(segmentId))
        return paged_list(request, collection, 16, enrich=MEMBERSHIP_REFERENCES)

    def upsert_membership(
        collection: str, customerId: Any, legalEntityId: Any, body: dict[str, Any]
    ) -> tuple[int, str | None]:
        if not customerId or not isinstance(customerId, str):
            return 400, "customerId is required"
        if not store.exists("customers", customerId):
            return 404, f"Customer {customerId} not found"
        if legalEntityId and not store.exists("legal_entities", legalEntityId):
            return 404, f"Legal entity {legalEntityId} not found"
        key = membership_key(customerId, legalEntityId)
        existing = store.get(collection, key)
        stamp = now_iso()
        document: dict[str, Any] = {"customer": {"id": customerId}, "assignmentType": "MANUAL"}
        if legalEntityId:
            document["legalEntity"] = {"id": legalEntityId}
        if body.get("mixins") is not None:
            document["mixins"] = body["mixins"]
        if existing is None:
            document["metadata"] = {"version": 1, "createdAt": stamp, "modifiedAt": stamp}
            store.put(collection, key, document)
            return 201, None
        try:
            version = check_version(body, existing)
        except ApiProblem as problem:
            return 409, problem.message
        created = existing["metadata"].get("createdAt", stamp)
        document["metadata"] = {"version": version, "createdAt": created, "modifiedAt": stamp}
        store.put(collection, key, document)
        return 204, None

    def membership_answer(code: int, message: str | None) -> Response:
        if code in (201, 204):
            return Response(status_code=code)
        raise ApiProblem(
            code, {400: "bad_request", 404: "not_found"}.get(code, "conflict"), message or ""
        )

    def get_membership(segmentId: str, customerId: str, legalEntityId: str | None) -> Response:
        collection = segment_or_404(unquote(segmentId))
        text = store.get_text(collection, membership_key(unquote(customerId), legalEntityId))
        if text is None:
            raise not_found("Customer assignment")
        return list_response(store.transform(MEMBERSHIP_REFERENCES, [text]), single=True)

    @app.put("/customer-segment/{tenant}/segments/{segmentId}/customers/bulk")
    async def bulk_upsert(segmentId: str, request: Request) -> Response:
        collection = segment_or_404(unquote(segmentId))
        items = await bulk_items(request)
        results = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                code, message = 400, "item must be an object"
            else:
                code, message = upsert_membership(
                    collection, item.get("customerId"), item.get("legalEntityId"), item
                )
            results.append(bulk_entry(index, code, message))
        return json_response(results, 207)

    @app.delete("/customer-segment/{tenant}/segments/{segmentId}/customers/bulk")
    async def bulk_delete(segmentId: str, request: Request) -> Response:
        collection = segment_or_404(unquote(segmentId))
        items = await bulk_items(request)
        results = []
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not item.get("customerId"):
                results.append(bulk_entry(index, 400, "customerId is required"))
                continue
            store.delete(collection, membership_key(item["customerId"], item.get("legalEntityId")))
            results.append(bulk_entry(index, 204, None))
        return json_response(results, 207)

    async def bulk_items(request: Request) -> list[Any]:
        items = await read_json(request, list)
        if len(items) > BULK_LIMIT:
            raise ApiProblem(
                400, "bad_request", f"at most {BULK_LIMIT} items per request, got {len(items)}"
            )
        return items

    def bulk_entry(index: int, code: int, message: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"index": index, "code": code, "status": STATUS_TEXT[code]}
        if message:
            entry["message"] = message
        return entry

    @app.get("/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}")
    async def get_b2c(segmentId: str, customerId: str) -> Response:
        return get_membership(segmentId, customerId, None)

    @app.put("/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}")
    async def put_b2c(segmentId: str, customerId: str, request: Request) -> Response:
        collection = segment_or_404(unquote(segmentId))
        body = await read_json(request) if await request.body() else {}
        return membership_answer(*upsert_membership(collection, unquote(customerId), None, body))

    @app.delete("/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}")
    async def delete_b2c(segmentId: str, customerId: str) -> Response:
        collection = segment_or_404(unquote(segmentId))
        store.delete(collection, membership_key(unquote(customerId), None))
        return Response(status_code=204)

    b2b_path = (
        "/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}"
    )

    @app.get(b2b_path)
    async def get_b2b(segmentId: str, customerId: str, legalEntityId: str) -> Response:
        return get_membership(segmentId, customerId, unquote(legalEntityId))

    @app.put(b2b_path)
    async def put_b2b(
        segmentId: str, customerId: str, legalEntityId: str, request: Request
    ) -> Response:
        collection = segment_or_404(unquote(segmentId))
        body = await read_json(request) if await request.body() else {}
        return membership_answer(
            *upsert_membership(collection, unquote(customerId), unquote(legalEntityId), body)
        )

    @app.delete(b2b_path)
    async def delete_b2b(segmentId: str, customerId: str, legalEntityId: str) -> Response:
        collection = segment_or_404(unquote(segmentId))
        store.delete(collection, membership_key(unquote(customerId), unquote(legalEntityId)))
        return Response(status_code=204)

    # ----------------------------------------------------- customer-group relations
    def relation_body(body: dict[str, Any]) -> tuple[str, str]:
        customerId, group_id = body.get("customerId"), body.get("groupId")
        if not customerId or not isinstance(customerId, str):
            raise invalid("customerId", "is required")
        if not group_id or not isinstance(group_id, str):
            raise invalid("groupId", "is required")
        return customerId, group_id

    @app.get("/shipping/{tenant}/{site}/cgrelations")
    async def list_relations(site: str) -> Response:
        return list_response(store.page(f"cgrelations:{unquote(site)}"))

    @app.post("/shipping/{tenant}/{site}/cgrelations")
    async def create_relation(site: str, request: Request) -> Response:
        customerId, group_id = relation_body(await read_json(request))
        collection = f"cgrelations:{unquote(site)}"
        if store.exists(collection, customerId):
            raise ApiProblem(409, "conflict", f"Customer {customerId} already has a group")
        store.put(collection, customerId, {"customerId": customerId, "groupId": group_id})
        return json_response({"id": customerId}, 201)

    @app.get("/shipping/{tenant}/{site}/cgrelations/{customerId}")
    async def get_relation(site: str, customerId: str) -> Response:
        document = store.get(f"cgrelations:{unquote(site)}", unquote(customerId))
        if document is None:
            raise not_found(f"Customer-group relation of {unquote(customerId)}")
        return json_response(document)

    @app.put("/shipping/{tenant}/{site}/cgrelations/{customerId}")
    async def update_relation(site: str, customerId: str, request: Request) -> Response:
        key, collection = unquote(customerId), f"cgrelations:{unquote(site)}"
        body = await read_json(request)
        _, group_id = relation_body({"customerId": key, **body})
        if not store.exists(collection, key):
            raise not_found(f"Customer-group relation of {key}")
        store.put(collection, key, {"customerId": key, "groupId": group_id})
        return json_response({"customerId": key, "groupId": group_id})

    @app.delete("/shipping/{tenant}/{site}/cgrelations/{customerId}")
    async def delete_relation(site: str, customerId: str) -> Response:
        if not store.delete(f"cgrelations:{unquote(site)}", unquote(customerId)):
            raise not_found(f"Customer-group relation of {unquote(customerId)}")
        return Response(status_code=204)

    # ----------------------------------------------------- admin (tests only)
    @app.get("/_sandbox/stats")
    async def stats() -> Response:
        return json_response(state.stats.as_dict())

    @app.post("/_sandbox/stats/reset")
    async def reset_stats() -> Response:
        state.stats.reset()
        return Response(status_code=204)

    @app.get("/_sandbox/faults")
    async def get_faults() -> Response:
        return json_response(state.faults.settings.as_dict())

    @app.put("/_sandbox/faults")
    async def put_faults(request: Request) -> Response:
        try:
            settings = FaultSettings.from_dict(await read_json(request))
        except (TypeError, ValueError) as exc:
            raise ApiProblem(400, "bad_request", str(exc)) from None
        state.faults.configure(settings)
        return json_response(settings.as_dict())

    @app.post("/_sandbox/reset")
    async def reset(request: Request) -> Response:
        sizes = await read_json(request) if await request.body() else {}
        state.reseed(sizes)
        state.faults.configure(FaultSettings())
        state.stats.reset()
        return Response(status_code=204)

    @app.post("/_sandbox/tokens/expire")
    async def expire_tokens() -> Response:
        state.tokens.clear()
        return Response(status_code=204)

    return app


class SandboxMiddleware:
    """Routes on the raw (still percent-encoded) path, counts requests, injects latency
    and faults, and checks the bearer token and tenant of every Emporix path."""

    def __init__(self, app: FastAPI, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        scope = {**scope, "path": raw_path}
        if raw_path.startswith("/_sandbox/"):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        stats = self.state.stats
        stats.record(f"{method} {self._template(scope) or raw_path}", raw_path)

        async def counted(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                stats.answered(message["status"])
            await send(message)

        stats.enter()
        try:
            await self._handle(scope, receive, counted, method, raw_path)
        finally:
            stats.leave()

    async def _handle(
        self, scope: dict[str, Any], receive: Any, send: Any, method: str, raw_path: str
    ) -> None:
        if raw_path == "/oauth/token":
            await self.app(scope, receive, send)
            return
        settings = self.state.faults.settings
        if settings.latency_ms:
            await asyncio.sleep(settings.latency_ms / 1000)
        fault = self.state.faults.decide(method, raw_path)
        if fault is not None and fault.kind == "drop":
            _drop(receive)
            return
        if fault is not None and fault.kind not in ("drop_after", "slow"):
            status = int(fault.kind)
            problem = ApiProblem(status, "injected_fault", f"Injected fault {status}")
            headers = {"Retry-After": f"{fault.retry_after:g}"} if status == 429 else {}
            await json_response(problem.body(), status, headers)(scope, receive, send)
            return
        if not self.state.token_valid(_header(scope, b"authorization")):
            await json_response(UNAUTHORIZED, 401)(scope, receive, send)
            return
        segments = raw_path.split("/")
        if len(segments) > 2 and unquote(segments[2]) != self.state.tenant:
            problem = ApiProblem(403, "forbidden", "Access to this tenant is forbidden")
            await problem.response()(scope, receive, send)
            return
        if fault is not None and fault.kind == "drop_after":  # process, then lose the answer

            async def discard(_message: Any) -> None:
                return None

            await self.app(scope, receive, discard)
            _drop(receive)
            return
        if fault is not None and fault.kind == "slow":  # process now, answer much later
            await self.app(scope, receive, _delayed(send, settings.slow_ms / 1000))
            return
        await self.app(scope, receive, send)

    def _template(self, scope: dict[str, Any]) -> str | None:
        partial = None
        for route in self.app.router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return getattr(route, "path", None)
            if match == Match.PARTIAL and partial is None:
                partial = getattr(route, "path", None)
        return partial


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _delayed(send: Any, seconds: float) -> Any:
    """``send`` holding the answer back for ``seconds`` (ignored if the client left)."""

    async def delayed(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            await asyncio.sleep(seconds)
        await send(message)

    return delayed


def _drop(receive: Any) -> None:
    """Close the client's TCP connection without an HTTP answer (uvicorn's transport)."""
    owner = getattr(receive, "__self__", None)
    transport = getattr(owner, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: the server's transport is not reachable")
    transport.close()

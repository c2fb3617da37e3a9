"""List endpoints: pageNumber/pageSize, q, sort and field filters, count headers."""

from __future__ import annotations

from typing import Any, NamedTuple

from fastapi import Request, Response

from emporix_data.sandbox.errors import ApiProblem
from emporix_data.sandbox.query import QueryError, to_order, to_sql
from emporix_data.sandbox.responses import list_response
from emporix_data.sandbox.state import SandboxState


class Page(NamedTuple):
    number: int
    size: int


class Clause(NamedTuple):
    """A WHERE fragment over column ``doc``, its parameters and an ORDER BY."""

    where: str
    params: list[Any]
    order: str


def paging(request: Request, default_size: int, max_size: int | None) -> Page:
    """The page asked for; above ``max_size`` (a server's cap) the page is served at that
    size, and pages are counted in it, as a capping server does."""

    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name)
        try:
            value = int(raw) if raw else default
        except ValueError:
            raise ApiProblem(400, "bad_request", f"{name} must be a number") from None
        if value < 1:
            raise ApiProblem(400, "bad_request", f"{name} must be at least 1")
        return value

    size = number("pageSize", default_size)
    if max_size is not None:
        size = min(size, max_size)
    return Page(number("pageNumber", 1), size)


def query_clause(request: Request, filters: dict[str, str] | None = None) -> Clause:
    """The clause of q, sort and simple field filters (query parameter -> JSON path)."""
    clauses: list[str] = []
    params: list[Any] = []
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
    return Clause(" AND ".join(f"({c})" for c in clauses), params, order)


def wants_total(request: Request) -> bool:
    return request.headers.get("X-Total-Count", "").lower() == "true"


def paged_list(
    request: Request,
    state: SandboxState,
    collection: str,
    default_size: int,
    filters: dict[str, str] | None = None,
    enrich: str | None = None,
    count_header: str | None = None,
    select: str = "doc",
) -> Response:
    """One page of a collection. ``X-Total-Count`` when asked for (the specs that
    have it); ``count_header`` names a header carrying this page's item count;
    ``enrich`` is a ``references_sql`` query embedding referenced documents; ``select``
    an expression answering each stored row (``Store.page``)."""
    store = state.store
    page = paging(request, default_size, state.faults.settings.max_page_size)
    clause = query_clause(request, filters)
    texts = store.page(
        collection,
        where=clause.where,
        params=clause.params,
        order=clause.order,
        limit=page.size,
        offset=(page.number - 1) * page.size,
        select=select,
    )
    headers = {}
    if count_header:
        headers[count_header] = str(len(texts))
    elif wants_total(request):
        headers["X-Total-Count"] = str(store.count(collection, clause.where, clause.params))
    if enrich is not None:
        texts = store.transform(enrich, texts)
    return list_response(texts, headers)

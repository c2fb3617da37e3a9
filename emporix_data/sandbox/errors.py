"""Error answers, each in the form of the service it comes from.

The services' specs differ: the customer service and shipping answer
``{status: 404, type, message, details: [{field, type, message}]}``; customer management
``{code: 404, status: "Not Found", message, details: ["..."]}``; the customer-segment
service ``{code: 404, status: "Not Found", message, details: {field, type, message}}``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

# Services whose error body is ``{code, status: "<reason>", message, details}``.
CODE_FORM = ("customer-management", "customer-segment")


class ApiProblem(Exception):
    """An error answer; ``body``/``response`` put it in the form of the service that
    ``path`` (the request's) belongs to."""

    def __init__(
        self, status: int, type_: str, message: str, details: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.type, self.message, self.details = status, type_, message, details

    def body(self, path: str) -> dict[str, Any]:
        service = path.split("/")[1] if path.startswith("/") else ""
        if service not in CODE_FORM:
            body: dict[str, Any] = {
                "status": self.status,
                "type": self.type,
                "message": self.message,
            }
            if self.details:
                body["details"] = self.details
            return body
        body = {"code": self.status, "status": _reason(self.status), "message": self.message}
        if self.details and service == "customer-management":
            body["details"] = [f"{d.get('field')}: {d.get('message')}" for d in self.details]
        elif self.details:
            body["details"] = self.details[0]  # one details object in this spec
        return body

    def response(self, path: str) -> JSONResponse:
        return JSONResponse(self.body(path), status_code=self.status)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def not_found(what: str) -> ApiProblem:
    return ApiProblem(404, "not_found", f"{what} not found")


def invalid(field_name: str, message: str) -> ApiProblem:
    return ApiProblem(
        400,
        "validation_error",
        f"Validation problem with request body: {field_name} {message}",
        [{"field": field_name, "type": "invalid_field", "message": message}],
    )


async def problem_answer(request: Request, exc: ApiProblem) -> Response:
    return exc.response(request.url.path)


async def validation_answer(request: Request, exc: RequestValidationError) -> Response:
    details = [
        {"field": ".".join(map(str, e["loc"])), "type": "invalid_field", "message": e["msg"]}
        for e in exc.errors()
    ]
    return ApiProblem(400, "bad_request", "Invalid request", details).response(request.url.path)


async def http_answer(request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's own answers (no such route, method not allowed) in the service's form."""
    kind = "not_found" if exc.status_code == 404 else "bad_request"
    return ApiProblem(exc.status_code, kind, str(exc.detail)).response(request.url.path)


ExceptionHandler = Callable[[Request, Any], Coroutine[Any, Any, Response]]

EXCEPTION_HANDLERS: dict[int | type[Exception], ExceptionHandler] = {
    ApiProblem: problem_answer,
    RequestValidationError: validation_answer,
    StarletteHTTPException: http_answer,
}

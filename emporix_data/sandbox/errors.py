"""Error answers in the Emporix form ``{status, type, message, details}``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


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


async def problem_answer(_request: Request, exc: ApiProblem) -> Response:
    return exc.response()


async def validation_answer(_request: Request, exc: RequestValidationError) -> Response:
    details = [
        {"field": ".".join(map(str, e["loc"])), "type": "invalid_field", "message": e["msg"]}
        for e in exc.errors()
    ]
    return ApiProblem(400, "bad_request", "Invalid request", details).response()


async def http_answer(_request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's own answers (no such route, method not allowed) in the Emporix form."""
    kind = "not_found" if exc.status_code == 404 else "bad_request"
    return ApiProblem(exc.status_code, kind, str(exc.detail)).response()


ExceptionHandler = Callable[[Request, Any], Coroutine[Any, Any, Response]]

EXCEPTION_HANDLERS: dict[int | type[Exception], ExceptionHandler] = {
    ApiProblem: problem_answer,
    RequestValidationError: validation_answer,
    StarletteHTTPException: http_answer,
}

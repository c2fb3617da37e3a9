"""Typed errors for everything that can go wrong talking to the API.

Messages carry the method, the path and the API's own words, and never a token or
a secret: they are shown to users, logged and written to error files.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorDetail:
    field: str | None
    type: str | None
    message: str | None


@dataclass
class EmporixError(Exception):
    """Base class: an API call that did not succeed."""

    message: str
    method: str = ""
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.method} {self.path}: " if self.method else ""
        return f"{where}{self.message}"


@dataclass
class ApiError(EmporixError):
    """The API answered with an error status and (usually) an error body."""

    status: int = 0
    type: str | None = None
    details: list[ErrorDetail] = field(default_factory=list)
    retry_after: float | None = None

    def __str__(self) -> str:
        text = f"{self.method} {self.path}: HTTP {self.status}"
        if self.type:
            text += f" {self.type}"
        text += f": {self.message}"
        for detail in self.details:
            text += f"\n  - {detail.field or '?'}: {detail.message or detail.type or ''}"
        return text

    @property
    def is_not_found(self) -> bool:
        return self.status == 404


class AuthError(ApiError):
    """401/403: bad credentials, an expired token that could not be renewed, no rights."""


class ApiConnectionError(EmporixError):
    """The API could not be reached, or the connection broke before an answer."""


class UnsentConnectionError(ApiConnectionError):
    """The connection could not be opened: the request was never sent (safe to retry)."""


def api_error_from_body(status: int, body: object, method: str, path: str) -> ApiError:
    """Map an error response body (Emporix or gateway ``fault`` form) to an ``ApiError``."""
    kind: type[ApiError] = AuthError if status in (401, 403) else ApiError
    message = f"HTTP {status}"
    err_type: str | None = None
    details: list[ErrorDetail] = []
    if isinstance(body, dict):
        fault = body.get("fault")
        if isinstance(fault, dict):
            message = str(fault.get("faultstring") or message)
            detail = fault.get("detail")
            if isinstance(detail, dict) and detail.get("errorcode"):
                err_type = str(detail["errorcode"])
        else:
            message = str(body.get("message") or body.get("error_description") or message)
            raw_type = body.get("type") or body.get("error")
            err_type = str(raw_type) if raw_type else None
            details = _details(body.get("details"))
    elif isinstance(body, str) and body.strip():
        message = body.strip()[:500]
    return kind(
        message=message, method=method, path=path, status=status, type=err_type, details=details
    )


def _details(raw: object) -> list[ErrorDetail]:
    """``details`` as the services send them: a list of objects (customer service,
    shipping), a list of texts (customer management) or one object (customer segments)."""
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    details = []
    for item in items:
        if isinstance(item, dict):
            details.append(
                ErrorDetail(
                    field=_opt_str(item.get("field")),
                    type=_opt_str(item.get("type")),
                    message=_opt_str(item.get("message")),
                )
            )
        elif isinstance(item, str) and item:
            details.append(ErrorDetail(field=None, type=None, message=item))
    return details


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)

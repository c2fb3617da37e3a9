"""JSON answers and request bodies. Lists are joined from stored JSON texts unparsed."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request, Response

from emporix_data.sandbox.errors import invalid


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return Response(content, status_code=status, media_type="application/json", headers=headers)


def list_response(
    texts: list[str], headers: dict[str, str] | None = None, *, single: bool = False
) -> Response:
    """Stored JSON texts as an array (or, ``single``, the one document) without parsing."""
    content = (texts[0] if single else "[" + ",".join(texts) + "]").encode("utf-8")
    return Response(content, media_type="application/json", headers=headers)


async def _read_json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise invalid("body", "is not valid JSON") from None


async def read_object(request: Request, *, empty_ok: bool = False) -> dict[str, Any]:
    """The body as a JSON object; with ``empty_ok``, no body at all reads as ``{}``."""
    if empty_ok and not await request.body():
        return {}
    value = await _read_json(request)
    if not isinstance(value, dict):
        raise invalid("body", "must be a JSON object")
    return value


async def read_array(request: Request) -> list[Any]:
    value = await _read_json(request)
    if not isinstance(value, list):
        raise invalid("body", "must be a JSON array")
    return value

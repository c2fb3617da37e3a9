"""Stored documents as the write endpoints treat them: look-ups that answer 404,
optimistic locking, merge patches and the API's timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emporix_data.sandbox.errors import ApiProblem, not_found
from emporix_data.sandbox.store import Store


def store_document_or_404(store: Store, collection: str, key: str, what: str) -> dict[str, Any]:
    """The stored document, or a 404 "``what`` not found"."""
    document = store.get(collection, key)
    if document is None:
        raise not_found(what)
    return document


def store_text_or_404(store: Store, collection: str, key: str, what: str) -> str:
    """The stored JSON text, unparsed, or a 404 "``what`` not found"."""
    text = store.get_text(collection, key)
    if text is None:
        raise not_found(what)
    return text


def delete_or_404(store: Store, collection: str, key: str, what: str) -> None:
    """Delete the document, or answer 404 "``what`` not found" if there is none."""
    if not store.delete(collection, key):
        raise not_found(what)


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


def now_iso() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

"""Base model for API documents: tolerant when reading, lossless when writing back.

A PUT replaces the whole document, so every field the API sent, known to us or not,
must survive a read -> edit -> write round trip.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """Missing fields are ``None``; unknown fields are kept (``extra="allow"``)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def document(self) -> dict[str, Any]:
        """The document as the API sent it: only fields that were present, unknown ones too."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Metadata(ApiModel):
    version: int | None = None
    createdAt: str | None = None
    modifiedAt: str | None = None
    mixins: dict[str, Any] | None = None


class IdRef(ApiModel):
    """A reference to another resource as embedded in a document (``{"id": ..., "name": ...}``)."""

    id: str | None = None
    name: str | None = None


def recreatable(document: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A before-image to create a deleted row again from, without the server's
    bookkeeping (``metadata`` but its links to mixin schemas, which the mixins need):
    unknown fields the dashboard does not show come back too."""
    if document is None:
        return None
    body = {name: value for name, value in document.items() if name != "metadata"}
    metadata = document.get("metadata")
    if isinstance(metadata, Mapping) and metadata.get("mixins"):
        body["metadata"] = {"mixins": metadata["mixins"]}
    return body

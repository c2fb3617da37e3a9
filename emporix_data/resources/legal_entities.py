"""B2B legal entities (``customer-management.yml``), read for their names."""

from __future__ import annotations

from pydantic import TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.frames import Column, FrameSchema
from emporix_data.models import ApiModel, Metadata
from emporix_data.pagination import ProgressCallback

LEGAL_ENTITIES = "/customer-management/{tenant}/legal-entities"
LEGAL_ENTITY_TYPES = ("COMPANY", "SUBSIDIARY")


class LegalEntity(ApiModel):
    id: str | None = None
    name: str | None = None
    type: str | None = None
    parentId: str | None = None
    metadata: Metadata | None = None


_legal_entity_list = TypeAdapter(list[LegalEntity])

LEGAL_ENTITY_SCHEMA = FrameSchema(
    resource="legal-entities",
    key=("id",),
    columns=(
        Column("id", ("id",), editable=False),
        Column("name", ("name",), editable=False),
        Column("type", ("type",), editable=False, options=LEGAL_ENTITY_TYPES),
        Column("parentId", ("parentId",), editable=False),
    ),
)


def list_legal_entities(
    client: EmporixClient, *, q: str | None = None, progress: ProgressCallback | None = None
) -> list[LegalEntity]:
    return client.fetch_all(
        client.path(LEGAL_ENTITIES),
        _legal_entity_list.validate_json,
        params={"q": q} if q else None,
        total_header=True,
        progress=progress,
    )

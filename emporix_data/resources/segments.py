"""Customer segments (``customer-segments.yml``), read for ids and names."""

from __future__ import annotations

from pydantic import TypeAdapter

from emporix_data.client import EmporixClient
from emporix_data.frames import Column, FrameSchema
from emporix_data.models import ApiModel, Metadata
from emporix_data.pagination import ProgressCallback

SEGMENTS = "/customer-segment/{tenant}/segments"


class Segment(ApiModel):
    id: str | None = None
    name: dict[str, str] | str | None = None
    description: dict[str, str] | str | None = None
    status: str | None = None
    siteCode: str | None = None
    metadata: Metadata | None = None

    @property
    def display_name(self) -> str:
        """The English name where the API gives a map of translations."""
        return _localized(self.name) or self.id or ""


def _localized(value: dict[str, str] | str | None) -> str | None:
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()), None)
    return value


_segment_list = TypeAdapter(list[Segment])

SEGMENT_SCHEMA = FrameSchema(
    resource="segments",
    key=("id",),
    columns=(
        Column("id", ("id",), editable=False),
        Column("name", ("display_name",), editable=False),
        Column("status", ("status",), editable=False),
        Column("siteCode", ("siteCode",), editable=False),
    ),
)


def list_segments(
    client: EmporixClient, *, q: str | None = None, progress: ProgressCallback | None = None
) -> list[Segment]:
    return client.fetch_all(
        client.path(SEGMENTS),
        _segment_list.validate_json,
        params={"q": q} if q else None,
        total_header=True,
        progress=progress,
    )

"""Load the tables a report needs, through the same loaders as the dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from emporix_data.client import EmporixClient
from emporix_data.pagination import ProgressCallback
from emporix_data.reports.catalog import TABLE_SCHEMAS
from emporix_data.resources.legal_entities import LEGAL_ENTITY_SCHEMA, list_legal_entities
from emporix_data.resources.segments import SEGMENT_SCHEMA, list_segments
from emporix_data.tables import LoadedTable, load_table

# Report table -> the dashboard's resource table (``emporix_data.tables.TABLES``).
RESOURCE_TABLES = {
    "customers": "customers",
    "contact_assignments": "contact-assignments",
    "segment_memberships": "segment-memberships",
    "customer_groups": "customer-groups",
}
# (report table, done, total): a table's own progress, as its loader reports it.
TableProgress = Callable[[str, int, int | None], None]
# A resource table as the dashboard keeps it, or a frame (legal entities, segments).
ReportSource = LoadedTable | pd.DataFrame


def load_report_frames(
    client: EmporixClient, table_names: Iterable[str], progress: TableProgress | None = None
) -> dict[str, pd.DataFrame]:
    """The named report tables as frames (see ``load_report_sources``)."""
    sources = load_report_sources(client, table_names, progress)
    return {name: source_frame(source) for name, source in sources.items()}


def source_frame(source: ReportSource) -> pd.DataFrame:
    return source.frame if isinstance(source, LoadedTable) else source


def load_report_sources(
    client: EmporixClient, table_names: Iterable[str], progress: TableProgress | None = None
) -> dict[str, ReportSource]:
    """The named report tables, loaded concurrently (one thread per table; each loader
    pages concurrently on its own). Resource tables load with ``load_table`` and come
    back as the dashboard keeps them (a ``LoadedTable``, so that its pages can reuse
    them); legal entities and segments as frames of their schemas."""
    wanted = set(table_names)
    unknown = sorted(wanted - TABLE_SCHEMAS.keys())
    if unknown:
        raise ValueError(f"no report table named {', '.join(unknown)}")
    names = [name for name in TABLE_SCHEMAS if name in wanted]
    if not names:
        return {}

    def load(name: str) -> ReportSource:
        report = _reporter(name, progress)
        if name in RESOURCE_TABLES:
            return load_table(client, RESOURCE_TABLES[name], report)
        if name == "legal_entities":
            return LEGAL_ENTITY_SCHEMA.to_frame(list_legal_entities(client, progress=report))
        return SEGMENT_SCHEMA.to_frame(list_segments(client, progress=report))

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return dict(zip(names, pool.map(load, names), strict=True))


def _reporter(name: str, progress: TableProgress | None) -> ProgressCallback | None:
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)

"""Loading what the checks read, through the same loaders as the dashboard's tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from emporix_data.audit.model import LEGAL_ENTITIES, AuditData
from emporix_data.client import EmporixClient
from emporix_data.pagination import ProgressCallback
from emporix_data.resources.legal_entities import LEGAL_ENTITY_SCHEMA, list_legal_entities
from emporix_data.tables import TABLES, LoadedTable, load_table

# (frame name, done, total): one table's progress, as its loader reports it.
TableProgress = Callable[[str, int, int | None], None]
LOADABLE = (*TABLES, LEGAL_ENTITIES)


def load_audit_data(
    client: EmporixClient, names: Iterable[str], progress: TableProgress | None = None
) -> AuditData:
    """The named tables (``TABLES`` names and ``legal-entities``), loaded concurrently:
    one thread per table, each paging concurrently on its own."""
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in LOADABLE]
    if unknown:
        raise ValueError(f"the audit cannot load {unknown[0]!r}")

    def reporter(name: str) -> ProgressCallback | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    tables = [name for name in wanted if name != LEGAL_ENTITIES]
    with ThreadPoolExecutor(max_workers=max(1, len(wanted))) as pool:
        entities = (
            pool.submit(list_legal_entities, client, progress=reporter(LEGAL_ENTITIES))
            if LEGAL_ENTITIES in wanted
            else None
        )
        loaded = pool.map(lambda name: load_table(client, name, reporter(name)), tables)
        by_name: dict[str, LoadedTable] = dict(zip(tables, loaded, strict=True))
        legal_entities = (
            LEGAL_ENTITY_SCHEMA.to_frame(entities.result()) if entities is not None else None
        )
    return AuditData(by_name, legal_entities)

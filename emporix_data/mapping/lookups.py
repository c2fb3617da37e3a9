"""The records lookups search: customers by number, id or e-mail, segments and legal
entities by id or name; loaded once with the ids reference checks need.

A value is compared trimmed; names and e-mails ignoring case. A lookup answers every
record that matches: the caller refuses a value that matches none or several, and never
picks one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from emporix_data.client import EmporixClient
from emporix_data.frames import Finds
from emporix_data.plan import EntityRef, References
from emporix_data.resources.customer_pages import directory_customers
from emporix_data.resources.legal_entities import LegalEntity, list_legal_entities
from emporix_data.resources.segments import Segment, list_segments


class Finder:
    """Ids of the records a value names: by an exact id first, else by a name (any case)."""

    def __init__(
        self,
        noun: str,
        by_id: Iterable[tuple[str, str]],
        by_name: Iterable[tuple[str, str]],
        described: str,
    ) -> None:
        self.noun = noun
        self.described = described  # what a value may be: "number, id or e-mail"
        self._ids = _grouped((value.strip(), found) for value, found in by_id)
        self._names = _grouped((value.strip().casefold(), found) for value, found in by_name)

    def find(self, value: str) -> tuple[str, ...]:
        text = value.strip()
        return self._ids.get(text) or self._names.get(text.casefold(), ())


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, dict[str, None]] = {}
    for value, found in pairs:
        if value:
            grouped.setdefault(value, {})[found] = None
    return {value: tuple(ids) for value, ids in grouped.items()}


@dataclass(frozen=True, eq=False)
class Directory:
    """Reference ids for the plan's checks, and finders for the kinds loaded."""

    references: References = field(default_factory=References)
    finders: Mapping[str, Finder] = field(default_factory=dict)

    def finder(self, finds: Finds) -> Finder:
        try:
            return self.finders[finds]
        except KeyError:
            raise LookupError(f"no {finds.replace('_', ' ')} records were loaded") from None


class NamedRef(Protocol):
    @property
    def id(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...


class B2bPart(Protocol):
    @property
    def legalEntities(self) -> Sequence[NamedRef] | None: ...


class KnownCustomer(Protocol):
    """What the directory reads of a customer: a parsed model or the directory's view."""

    @property
    def key(self) -> str | None: ...
    @property
    def customerNumber(self) -> str | None: ...
    @property
    def id(self) -> str | None: ...
    @property
    def contactEmail(self) -> str | None: ...
    @property
    def businessModel(self) -> str | None: ...
    @property
    def b2b(self) -> B2bPart | None: ...


def directory_of(
    kinds: Sequence[str],
    customers: Sequence[KnownCustomer] = (),
    segments: Sequence[Segment] = (),
    legal_entities: Sequence[LegalEntity] = (),
) -> Directory:
    """The directory of these records; ``kinds`` are the reference kinds to check."""
    keyed = [(c.key, c) for c in customers if c.key]
    ids: dict[str, frozenset[str]] = {
        "customers": frozenset(key for key, _c in keyed),
        "b2b_customers": frozenset(key for key, c in keyed if c.businessModel == "B2B"),
        "legal_entities": frozenset(e.id for e in legal_entities if e.id),
        "segments": frozenset(s.id for s in segments if s.id),
    }
    finders = {
        "customer": Finder(
            "customer",
            [(v, key) for key, c in keyed for v in (c.customerNumber, c.id) if v],
            [(c.contactEmail, key) for key, c in keyed if c.contactEmail],
            "customer number, id or e-mail",
        ),
        "segment": Finder(
            "segment",
            [(s.id, s.id) for s in segments if s.id],
            [(name, s.id) for s in segments if s.id for name in _names(s.name)],
            "segment id or name",
        ),
        "legal_entity": Finder(
            "legal entity",
            [(e.id, e.id) for e in legal_entities if e.id],
            [(e.name, e.id) for e in legal_entities if e.id and e.name],
            "legal entity id or name",
        ),
    }
    loaded = {
        "customer": {"customers", "b2b_customers"},
        "segment": {"segments"},
        "legal_entity": {"legal_entities"},
    }
    entities = None
    if "b2b_customers" in kinds:
        entities = {key: found for key, c in keyed if (found := _entities(c))}
    return Directory(
        References(**{kind: ids[kind] for kind in kinds}, legal_entities_of=entities),
        {finds: finder for finds, finder in finders.items() if loaded[finds] & set(kinds)},
    )


def _entities(customer: KnownCustomer) -> tuple[EntityRef, ...]:
    """The legal entities a customer's document lists (``b2b.legalEntities``), each once."""
    listed = (customer.b2b.legalEntities if customer.b2b else None) or []
    unique = {entity.id: entity.name for entity in listed if entity.id}
    return tuple(EntityRef(entity_id, name) for entity_id, name in unique.items())


def load_directory(client: EmporixClient, kinds: Sequence[str]) -> Directory:
    """Load the records of these reference kinds (each list once) from the API."""
    wanted = set(kinds)
    return directory_of(
        kinds,
        directory_customers(client) if wanted & {"customers", "b2b_customers"} else (),
        list_segments(client) if "segments" in wanted else (),
        list_legal_entities(client) if "legal_entities" in wanted else (),
    )


def _names(name: Mapping[str, str] | str | None) -> list[str]:
    """Every translation of a segment's name."""
    if isinstance(name, Mapping):
        return [text for text in name.values() if text]
    return [name] if name else []

"""A deterministic synthetic tenant: same seed and sizes, same data.

Faker (several locales, for unicode names) fills pools of values once; documents are
then combined from the pools with a seeded RNG, which keeps 100k customers fast.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

LOCALES = ["en_US", "de_DE", "fr_FR", "pl_PL", "ja_JP", "es_ES", "sv_SE"]
CONTACT_TYPES = ["PRIMARY", "BILLING", "LOGISTICS", "CONTACT"]
GROUPS = ["retail", "wholesale", "vip", "staff"]
SITES = ["main", "outlet"]
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
# The shape of the generated documents: a stored tenant of another shape is seeded again.
# 2: addresses lists, mixins of several fields, legal entities from contact assignments.
SHAPE = 3
HALF_LINKED_EVERY = 10


@dataclass(frozen=True)
class SeedSizes:
    """How big the synthetic tenant is; ``None`` sizes are derived from ``customers``."""

    customers: int = 300
    legal_entities: int | None = None
    contact_assignments: int | None = None
    segments: int = 6
    memberships: int | None = None
    customer_groups: int | None = None

    def resolved(self) -> SeedSizes:
        n = self.customers
        return replace(
            self,
            legal_entities=max(3, n // 20) if self.legal_entities is None else self.legal_entities,
            contact_assignments=(
                n // 5 if self.contact_assignments is None else self.contact_assignments
            ),
            memberships=n if self.memberships is None else self.memberships,
            customer_groups=n // 10 if self.customer_groups is None else self.customer_groups,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.resolved())


@dataclass(frozen=True)
class Pools:
    """Values drawn from Faker once, combined per document with the seeded RNG."""

    first_names: list[str]
    last_names: list[str]
    phones: list[str]
    words: list[str]


def _customer(index: int, rng: random.Random, pools: Pools, company: str | None) -> dict[str, Any]:
    """A customer document as stored: B2B when it is a contact of ``company``."""
    number = _number(index)
    first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
    created = EPOCH + timedelta(seconds=rng.randrange(3 * 365 * 86400))
    customer: dict[str, Any] = {
        "customerNumber": number,
        "id": number,
        "title": rng.choice(["MR", "MS", "MRS", "DR"]),
        "firstName": first,
        "lastName": last,
        "contactEmail": f"customer{number}@example.com",
        "contactPhone": rng.choice(pools.phones),
        "preferredLanguage": rng.choice(["en_US", "de_DE", "fr_FR", "pl_PL", "ja_JP"]),
        "preferredCurrency": rng.choice(["EUR", "USD", "PLN", "JPY", "CHF"]),
        "preferredSite": "main",
        "active": rng.random() < 0.9,
        "onHold": rng.random() < 0.05,
        "businessModel": "B2B" if company else "B2C",
        "metadata": {"version": 1, "mixins": {}},
        "mixins": {},
        "metadataCreatedAt": _iso(created),
    }
    if rng.random() < 0.2:
        customer["middleName"] = rng.choice(pools.first_names)
    if rng.random() < 0.15:
        customer["mixins"] = _mixins(rng)
        customer["metadata"]["mixins"] = {
            name: f"https://example.com/mixins/{name}.json" for name in customer["mixins"]
        }
    if company:
        customer["company"] = company
        customer["b2b"] = {"companyRegistrationId": f"REG-{rng.randrange(10**6):06d}"}
    if rng.random() < 0.3:
        customer["addresses"] = _addresses(rng, pools, f"{first} {last}")
    return customer


def _mixins(rng: random.Random) -> dict[str, Any]:
    """A loyalty mixin of several fields, and sometimes a second mixin."""
    mixins: dict[str, Any] = {
        "loyalty": {
            "tier": rng.choice(["gold", "silver", "bronze"]),
            "points": rng.randrange(10_000),
            "member": rng.random() < 0.7,
        }
    }
    if rng.random() < 0.4:
        mixins["marketing"] = {
            "newsletter": rng.random() < 0.5,
            "channel": rng.choice(["email", "sms", "post"]),
        }
    return mixins


def _addresses(rng: random.Random, pools: Pools, contact: str) -> list[dict[str, Any]]:
    """One to three addresses, one of them the default."""
    count = rng.choice([1, 1, 2, 3])
    default = rng.randrange(count)
    return [
        {
            "id": f"{rng.getrandbits(40):010x}",
            "contactName": contact,
            "street": rng.choice(pools.words).title() + " Street",
            "streetNumber": str(rng.randrange(1, 200)),
            "zipCode": f"{rng.randrange(10000, 99999)}",
            "city": rng.choice(pools.words).title(),
            "country": rng.choice(["DE", "FR", "PL", "US", "JP"]),
            "tags": ["BILLING", "SHIPPING"] if position == default else ["SHIPPING"],
            "isDefault": position == default,
        }
        for position in range(count)
    ]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def generate(sizes: SeedSizes, seed: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(collection, key, document) for the whole tenant, one document at a time.

    Nothing is held but small lists of positions and names, so that a million customers
    stream into the store: a customer is yielded as soon as it is made, and what later
    documents need of it (its number, its legal entity) follows from its position.
    """
    sizes = sizes.resolved()
    assert sizes.legal_entities is not None and sizes.contact_assignments is not None
    assert sizes.memberships is not None and sizes.customer_groups is not None
    rng = random.Random(seed)
    fake = Faker(LOCALES)
    fake.seed_instance(seed)
    pools = Pools(
        first_names=[fake.first_name() for _ in range(400)],
        last_names=[fake.last_name() for _ in range(400)],
        phones=[fake.phone_number() for _ in range(200)],
        words=[fake.word() for _ in range(200)],
    )
    companies = [fake.company() for _ in range(max(50, min(sizes.legal_entities, 2000)))]
    words = pools.words

    entity_names: list[str] = []
    for index in range(sizes.legal_entities):
        entity = _legal_entity(index, rng, companies)
        entity_names.append(entity["name"])
        yield "legal_entities", entity["id"], entity

    # B2B customers are contacts of a legal entity; the last ones of two (what makes
    # them B2B is their contact assignments: they list their legal entities).
    entities = len(entity_names)
    b2b_count = min(sizes.customers, -(-4 * sizes.contact_assignments // 5)) if entities else 0
    b2b = B2bPositions(sorted(rng.sample(range(sizes.customers), b2b_count)), entities)
    for index in range(sizes.customers):
        of = b2b.entity_of(index)
        company = None if of is None else entity_names[of]
        customer = _customer(index, rng, pools, company)
        yield "customers", customer["customerNumber"], customer
    # Every 10th B2B customer is left half-linked, as tenants accumulate them: B2B, but
    # its contact assignment is gone (what the audit's b2b-without-contact-assignment finds).
    pairs = [
        (_number(position), ordinal % max(1, entities))
        for ordinal, position in enumerate(b2b.positions)
        if ordinal % HALF_LINKED_EVERY != HALF_LINKED_EVERY - 1
    ]
    second = min(sizes.contact_assignments - len(pairs), len(pairs)) if entities > 1 else 0
    for number, first in pairs[len(pairs) - second :] if second > 0 else []:
        pairs.append((number, (first + rng.randrange(1, entities)) % entities))
    for index, (number, entity_index) in enumerate(pairs):
        created = EPOCH + timedelta(days=rng.randrange(900))
        assignment_id = f"CA{index + 1:06d}"
        assignment = {
            "id": assignment_id,
            "legalEntity": {"id": _entity_id(entity_index)},
            "customer": {"id": number},
            "type": CONTACT_TYPES[index % len(CONTACT_TYPES)],
            "primary": index < b2b_count and index % 3 == 0,
            "metadata": {"version": 1, "createdAt": _iso(created), "modifiedAt": _iso(created)},
        }
        yield "contact_assignments", assignment_id, assignment

    segment_ids = [f"SEG{index + 1:03d}" for index in range(sizes.segments)]
    for index, segment_id in enumerate(segment_ids):
        created = EPOCH + timedelta(days=rng.randrange(900))
        yield (
            "segments",
            segment_id,
            {
                "id": segment_id,
                "name": {"en": f"{rng.choice(words).title()} {rng.choice(words)} segment"},
                "description": {"en": f"Synthetic segment {index + 1}"},
                "status": "ACTIVE" if index % 5 else "INACTIVE",
                "siteCode": "main",
                "metadata": {"version": 1, "createdAt": _iso(created), "modifiedAt": _iso(created)},
            },
        )

    if segment_ids and sizes.customers:
        per_segment = sizes.memberships // len(segment_ids)
        for index, segment_id in enumerate(segment_ids):
            count = per_segment + (1 if index < sizes.memberships % len(segment_ids) else 0)
            for position in rng.sample(range(sizes.customers), min(count, sizes.customers)):
                yield _membership(segment_id, position, rng, b2b.entity_of(position))

    picked = rng.sample(range(sizes.customers), min(sizes.customer_groups, sizes.customers))
    for position in picked:
        number = _number(position)
        site = "main" if rng.random() < 0.85 else "outlet"
        yield f"cgrelations:{site}", number, {"customerId": number, "groupId": rng.choice(GROUPS)}


class B2bPositions:
    """The positions of the B2B customers, in order; the n-th of them is a contact of
    legal entity n modulo their number (found by bisection, not kept per customer)."""

    def __init__(self, positions: list[int], entities: int) -> None:
        self.positions = positions
        self.entities = entities

    def entity_of(self, position: int) -> int | None:
        """The index of the legal entity ``position`` is a contact of, if it is B2B."""
        ordinal = bisect.bisect_left(self.positions, position)
        if ordinal < len(self.positions) and self.positions[ordinal] == position:
            return ordinal % self.entities
        return None


def _legal_entity(index: int, rng: random.Random, companies: list[str]) -> dict[str, Any]:
    created = EPOCH + timedelta(days=rng.randrange(900))
    entity: dict[str, Any] = {
        "id": _entity_id(index),
        "name": f"{companies[index % len(companies)]}"
        + ("" if index < len(companies) else f" {index // len(companies) + 1}"),
        "type": "COMPANY",
        "metadata": {"version": 1, "createdAt": _iso(created), "modifiedAt": _iso(created)},
    }
    if index >= 3 and rng.random() < 0.25:
        entity["type"] = "SUBSIDIARY"
        entity["parentId"] = _entity_id(rng.randrange(index))
    return entity


def _membership(
    segment_id: str, position: int, rng: random.Random, entity: int | None
) -> tuple[str, str, dict[str, Any]]:
    number = _number(position)
    created = EPOCH + timedelta(days=rng.randrange(900))
    doc: dict[str, Any] = {
        "customer": {"id": number},
        "assignmentType": "MANUAL",
        "metadata": {"version": 1, "createdAt": _iso(created), "modifiedAt": _iso(created)},
    }
    entity_id = ""
    if entity is not None:
        entity_id = _entity_id(entity)
        doc["legalEntity"] = {"id": entity_id}
    return f"memberships:{segment_id}", membership_key(number, entity_id), doc


def _number(position: int) -> str:
    """The customer number (and id) of the customer at ``position``."""
    return f"{position + 1:08d}"


def _entity_id(index: int) -> str:
    return f"LE{index + 1:05d}"


def membership_key(customer_id: str, legal_entity_id: str | None) -> str:
    return f"{customer_id}\x1f{legal_entity_id or ''}"

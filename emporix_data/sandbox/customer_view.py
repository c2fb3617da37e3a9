"""Customers as the customer service answers them: an SQL expression over a stored row
(``item.key``, ``item.doc``), evaluated by SQLite in the query that reads the page.

- ``mixins`` and ``addresses`` (with ``defaultAddress``) only when ``expand`` asks for
  them: ``addresses``, ``mixin:*`` for every mixin, ``mixin:<name>`` for named ones.
- ``b2b.legalEntities`` derived from the customer's contact assignments at read time,
  each legal entity once with its name and one ``contactAssignmentId``, as the real
  service shows them; a customer with any is ``B2B``. Nothing is copied into the
  customer's document, so deleting an assignment is seen at once, and deleting a
  customer leaves its assignments (and memberships) alone: separate services.

Each document is parsed once per JSON function; the assignments are found through the
``docs_referenced_customer`` index (``+item.key`` drops the column's affinity, which
would otherwise keep SQLite from using it). A page of 1,000 costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Expand:
    """What a request's ``expand`` asks for; ``mixins`` None: none, empty: all."""

    addresses: bool = False
    mixins: tuple[str, ...] | None = None


def parse_expand(text: str | None) -> Expand:
    """``expand`` as the spec lists it: comma-separated, in any order."""
    items = [item.strip() for item in (text or "").split(",") if item.strip()]
    names = [item.removeprefix("mixin:") for item in items if item.startswith("mixin")]
    every = any(name in ("*", "mixin", "") for name in names)
    mixins = () if every else tuple(sorted(set(names))) if names else None
    return Expand(addresses="addresses" in items, mixins=mixins)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# A mixin value from json_each, as JSON (json_each gives booleans as 1 and 0).
_MIXIN_VALUE = (
    "CASE m.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') "
    "WHEN 'null' THEN json('null') WHEN 'object' THEN json(m.value) "
    "WHEN 'array' THEN json(m.value) ELSE m.value END"
)


def _without(expand: Expand) -> str:
    """The stored document without the fields ``expand`` does not ask for (stored
    documents hold neither ``defaultAddress`` nor legal entities: both are derived)."""
    removed = [] if expand.addresses else ["$.addresses"]
    if expand.mixins is None:
        removed.append("$.mixins")
    if not removed:
        return "item.doc"
    return f"json_remove(item.doc, {', '.join(_literal(path) for path in removed)})"


def _expanded(expand: Expand) -> str:
    doc = _without(expand)
    if expand.mixins:
        wanted = ", ".join(_literal(name) for name in expand.mixins)
        chosen = (
            f"(SELECT json_group_object(m.key, {_MIXIN_VALUE}) "
            f"FROM json_each(item.doc, '$.mixins') m WHERE m.key IN ({wanted}))"
        )
        doc = (
            f"CASE WHEN json_type(item.doc, '$.mixins') IS NULL THEN {doc} "
            f"ELSE json_set({doc}, '$.mixins', json({chosen})) END"
        )
    if expand.addresses:
        doc = f"""(SELECT CASE WHEN chosen.address IS NULL THEN {doc}
            ELSE json_set({doc}, '$.defaultAddress', json(chosen.address)) END
        FROM (SELECT (SELECT a.value FROM json_each(item.doc, '$.addresses') a
                      WHERE json_extract(a.value, '$.isDefault') = 1 LIMIT 1) AS address) chosen)"""
    return doc


@lru_cache(maxsize=64)
def customer_view(expand: Expand) -> str:
    """The SQL expression answering the stored customer ``item`` as ``expand`` asks."""
    doc = _expanded(expand)
    return f"""(SELECT CASE WHEN found.count = 0 THEN {doc}
        ELSE json_set({doc}, '$.businessModel', 'B2B', '$.b2b.legalEntities', json(found.list))
        END
    FROM (
        SELECT count(*) AS count, json_group_array(json_object(
            'id', entity,
            'name', (SELECT json_extract(e.doc, '$.name') FROM docs e
                     WHERE e.collection = 'legal_entities' AND e.key = entity),
            'contactAssignmentId', assignment)) AS list
        FROM (
            SELECT json_extract(ca.doc, '$.legalEntity.id') AS entity, MIN(ca.key) AS assignment
            FROM docs ca
            WHERE ca.collection = 'contact_assignments'
                AND json_extract(ca.doc, '$.customer.id') = +item.key
            GROUP BY entity
            ORDER BY entity
        )
    ) found)"""

"""The legal-entity rules of segment memberships: a B2B customer's membership names one of
the customer's legal entities, filled in when the customer has only one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from emporix_data.plan import Filled, References
from emporix_data.plan.validation import row_name

ROWS_NAMED = 20  # rows a notice names one by one


def fill_the_only_legal_entity(rows: pd.DataFrame, references: References) -> Filled:
    """A B2B customer's membership with a blank legal entity is for the customer's one
    legal entity: filled in (and named in a notice). With several, the row is refused
    with a message listing them: the user chooses."""
    entities = references.legal_entities_of
    if entities is None or rows.empty:
        return Filled()
    blank = rows["legalEntityId"].isna() & rows["customerId"].isin(list(entities))
    candidates = rows[blank.fillna(False).to_numpy(dtype=bool)]
    chosen: dict[Any, str] = {}
    named: list[str] = []
    problems: list[tuple[Any, str, str]] = []
    for label, customer in zip(candidates.index, candidates["customerId"], strict=True):
        options = entities[customer]
        if not options:
            continue
        if len(options) == 1:
            chosen[label] = options[0].id
            named.append(f"{row_name(label)} ({customer}: {options[0].text()})")
        else:
            listed = ", ".join(option.text() for option in options)
            problems.append(
                (
                    label,
                    "legalEntityId",
                    f"customer {customer} belongs to {len(options)} legal entities "
                    f"({listed}): choose one",
                )
            )
    notices = []
    if named:
        more = f" and {len(named) - ROWS_NAMED} more" if len(named) > ROWS_NAMED else ""
        notices.append(
            "legalEntityId filled in with the customer's only legal entity: "
            + ", ".join(named[:ROWS_NAMED])
            + more
        )
    cells = {"legalEntityId": pd.Series(chosen, dtype="string")} if chosen else {}
    return Filled(cells, tuple(notices), tuple(problems))


def b2b_members_need_a_legal_entity(
    rows: pd.DataFrame, references: References
) -> Iterator[tuple[Any, str, str]]:
    """A B2B customer's membership names a legal entity, and one the customer belongs to.

    Blank ones of customers whose legal entities are known were filled in or refused by
    ``fill_the_only_legal_entity`` already.
    """
    if rows.empty:
        return
    entities = references.legal_entities_of or {}
    customer, entity = rows["customerId"], rows["legalEntityId"]
    known = customer.isin(list(entities)).fillna(False)
    if references.b2b_customers is not None:
        missing = customer.isin(references.b2b_customers).fillna(False) & entity.isna() & ~known
        for label in rows.index[missing.to_numpy(dtype=bool)]:
            yield label, "legalEntityId", "B2B customers need a legal entity in their membership"
    named = rows[(known & entity.notna()).to_numpy(dtype=bool)]
    for label, number, given in zip(
        named.index, named["customerId"], named["legalEntityId"], strict=True
    ):
        options = entities[number]
        if given not in {option.id for option in options}:
            listed = ", ".join(option.text() for option in options)
            yield (
                label,
                "legalEntityId",
                f"customer {number} is not in legal entity {given} (its legal entities: {listed})",
            )

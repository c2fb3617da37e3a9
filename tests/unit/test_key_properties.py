"""Property tests for keys: no two keys join alike, and an id, whatever it holds, only ever
fills its own path segment (the HTTP side: ``tests/http/test_push_properties.py``).

Example counts are shares of the active hypothesis profile (see ``tests/support.py``).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any
from urllib.parse import unquote

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emporix_data.client import EmporixClient, encode_segment
from emporix_data.frames import Column
from emporix_data.keys import joined_key, joined_keys
from emporix_data.operations import Operation
from emporix_data.push import with_chosen_keys
from emporix_data.settings import Settings
from emporix_data.tables import TABLES, LoadedTable, ResourceTable
from tests.support import property_settings, typed_frame

ODD_IDS = (
    *("a/b", "../x", "..", ".", "%2F", "%2e%2e%2f", "?q=1", "#top", "a b", "Zoë", "田中", "🙂"),
    *("bulk", "../../oauth/token", "a%", "a\\b", "a;b", "a&b=c", "~user", '"quoted"', "it's"),
    *("3:a", " padded ", "a\tb"),
)
# Loaded keys may hold anything at all; new ones are checked, so they hold valid text:
# no control characters but tab, line feed and carriage return.
LOADED_IDS = st.sampled_from([*ODD_IDS, "unit\x1fsep", "bell\x07", "nel\x85"]) | st.text()
NEW_IDS = st.sampled_from(ODD_IDS) | st.text(
    st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n\r")
)
# The separator, the length prefix's digits and colon: what a naive join would confuse.
KEY_TEXT = st.text(st.sampled_from("ab01:\x1f "), max_size=4)


@property_settings(0.5)
@given(st.integers(1, 3).flatmap(lambda n: st.lists(st.tuples(*[st.none() | KEY_TEXT] * n))))
def test_different_keys_never_join_to_the_same_string(keys: list[tuple[str | None, ...]]):
    columns = [f"part{i}" for i in range(len(keys[0]))] if keys else ["part0"]
    frame = pd.DataFrame(keys, columns=columns, dtype="string")
    joined = joined_keys(frame, columns).tolist()
    assert joined == [joined_key(key) for key in keys]
    blank_as_none = [tuple(part or None for part in key) for key in keys]  # "" is blank
    for (key, text), (other, other_text) in combinations(
        zip(blank_as_none, joined, strict=True), 2
    ):
        assert (text == other_text) == (key == other), (key, other)


def offline_client() -> EmporixClient:
    """A client that only builds paths: nothing here sends a request."""
    settings = Settings(
        api_url="http://127.0.0.1:9", tenant="demo", client_id="paths", client_secret="unused"
    )
    return EmporixClient(settings)


def id_parts(table: ResourceTable, ids: st.SearchStrategy[str]) -> list[st.SearchStrategy[Any]]:
    """Key parts: never blank; missing only where a longer key allows it."""
    ids = ids.filter(str.strip)
    lone = len(table.schema.key) == 1
    return [ids if c.required or lone else st.none() | ids for c in table.key_columns]


def filler(column: Column) -> str | None:
    """A cell value a new row is valid with (the property is about keys)."""
    if not column.required:
        return None
    return column.options[0] if column.options else "filled"


def changed(column: Column, old: Any) -> Any:
    """A valid value of ``column`` other than ``old``."""
    if column.dtype == "boolean":
        return not old
    if column.options:
        return next(option for option in column.options if option != old)
    return (old or "") + "!"


def swapped(value: Any, ids: dict[str, str]) -> Any:
    """``value`` (a request body) with every stand-in replaced by the id it stands for."""
    if isinstance(value, dict):
        return {k: swapped(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [swapped(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def requests(
    table: ResourceTable, keys: list[tuple[Any, ...]], fates: list[str]
) -> list[Operation]:
    """The requests of a grid edit that updates, deletes or creates each keyed row."""
    schema = table.schema
    rows = [
        dict(zip(schema.key, key, strict=True))
        | {c.name: filler(c) for c in schema.columns if c.name not in schema.key}
        for key in keys
    ]
    frame = typed_frame(schema, pd.DataFrame(rows, columns=schema.names, dtype=object))
    original = frame[[fate != "create" for fate in fates]]
    edited = frame.drop(index=[i for i, fate in enumerate(fates) if fate == "delete"])
    update = next((c for c in schema.columns if c.editable and c.name not in schema.key), None)
    for i, fate in enumerate(fates):
        if fate == "update" and update is not None:
            edited.loc[i, update.name] = changed(update, rows[i][update.name])
    plan = LoadedTable(table, table.schema, original, {}).plan(edited, "grid")
    assert plan.errors == [], plan.errors_frame().to_dict()
    assert len(plan.changes) == sum(fate != "update" or update is not None for fate in fates)
    changes = with_chosen_keys(table, plan.changes)
    with offline_client() as client:
        operations = table.write(client, changes, {})
    assert sorted(row for op in operations for row in op.rows) == list(range(len(changes)))
    return operations


@pytest.mark.parametrize("name", list(TABLES))
@property_settings(0.12)
@given(data=st.data())
def test_an_id_only_ever_fills_its_own_path_segment(name: str, data: st.DataObject):
    """Rows whose keys hold anything (``/``, ``..``, ``%2F``, ``?``, ``#``, controls,
    unicode) are updated, deleted and created exactly where, and with exactly the body,
    the same rows with plain ids would be: each id one percent-encoded segment."""
    table = TABLES[name]
    loaded_keys = data.draw(
        st.lists(st.tuples(*id_parts(table, LOADED_IDS)), min_size=1, max_size=4, unique=True)
    )
    new_keys = st.lists(st.tuples(*id_parts(table, NEW_IDS)), max_size=2, unique=True)
    # Where keys are generated, new ones must fit a pattern: no odd ids for new rows.
    added = [] if table.generated_keys else data.draw(new_keys)
    keys = loaded_keys + [key for key in added if key not in loaded_keys]
    updates_or_deletes = st.sampled_from(["update", "delete"])
    fates = data.draw(st.lists(updates_or_deletes, min_size=4, max_size=4))[: len(loaded_keys)]
    fates += ["create"] * (len(keys) - len(loaded_keys))
    # One plain stand-in per distinct id: rows sharing an id (a segment) still share it.
    distinct = dict.fromkeys(part for key in keys for part in key if part is not None)
    ids = {f"id-{n}": part for n, part in enumerate(distinct)}
    stand_in = {part: name for name, part in ids.items()}
    stand_ins = [tuple(stand_in.get(part) for part in key) for key in keys]

    odd_requests = requests(table, keys, fates)
    plain_requests = requests(table, stand_ins, fates)
    for odd, plain in zip(odd_requests, plain_requests, strict=True):
        assert (odd.method, odd.rows) == (plain.method, plain.rows)
        assert "?" not in odd.path and "#" not in odd.path
        for segment, plain_segment in zip(odd.path.split("/"), plain.path.split("/"), strict=True):
            if plain_segment in ids:
                assert segment == encode_segment(ids[plain_segment])
                assert unquote(segment) == ids[plain_segment]
            else:
                assert segment == plain_segment
        assert odd.body == swapped(plain.body, ids)

"""Odd ids through a push: ids with ``/``, ``..``, ``%``, ``?``, ``#`` and unicode reach the
sandbox as exactly one percent-encoded path segment each (its recorded raw paths are
checked), and only the addressed resource changes.

Each example resets the sandbox, so there are few of them: a share of the active
hypothesis profile's examples (see ``tests/support.py``), plus the explicit ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from emporix_data.client import EmporixClient, encode_segment
from emporix_data.keys import key_tuples
from emporix_data.plan import ChangePlan
from emporix_data.push import PushReport, push_plan
from emporix_data.resources import customer_groups
from emporix_data.tables import TABLES, LoadedTable, ResourceTable, load_table
from tests.support import TenantApi, property_settings

# The function-scoped ``client`` and ``admin`` fixtures are shared between examples on
# purpose: each example resets the sandbox itself.
HTTP_SETTINGS = property_settings(0.05, HealthCheck.function_scoped_fixture)
ODD_IDS = (
    *("a/b", "../x", "..", ".", "%2F", "%2e%2e%2f", "?q=1", "#top", "a b", "Zoë", "田中", "🙂"),
    *("bulk", "../../oauth/token", "a%", "a\\b", "a;b", "a&b=c", "~user", "..%2F..%2F"),
    *('"quoted"', "it's", 'a\\"b'),
)
HTTP_IDS = st.one_of(
    st.sampled_from(ODD_IDS),
    st.lists(
        st.sampled_from(
            ["/", "..", ".", "%2F", "%", "?", "#", "&", " ", "ü", "田", "🙂", "a", "+"]
        ),
        min_size=1,
        max_size=6,
    ).map("".join),
).filter(lambda text: text.strip() != "")


def path_of(*parts: str | tuple[str]) -> str:
    """A raw path: plain strings are literal segments, 1-tuples hold an id to encode."""
    return "/" + "/".join(p if isinstance(p, str) else encode_segment(p[0]) for p in parts)


def pushed(
    client: EmporixClient,
    admin: Any,
    table: ResourceTable,
    plan: ChangePlan,
    documents: Mapping[tuple[Any, ...], Mapping[str, Any]],
    *,
    writes: Sequence[str],
    reads: Sequence[str] = (),
) -> PushReport:
    """Push the plan and check the raw paths the sandbox received: exactly ``writes`` as
    the requests that change something, and nothing else but the ``reads`` (a push
    re-reads some rows just before writing them)."""
    admin.reset_stats()
    report = push_plan(client, table, plan, documents)
    stats = admin.stats()
    paths = [path for path in stats["raw_paths"] if path != "/oauth/token"]
    assert sorted(op.path for op in report.operations) == sorted(writes)
    assert set(writes) <= set(paths) <= set(writes) | set(reads), paths
    changing = {
        route: count
        for route, count in stats["by_route"].items()
        if route.split(" ")[0] in ("POST", "PUT", "PATCH", "DELETE")
    }
    assert sum(changing.values()) == len(writes), changing
    return report


def grid_plan(table: ResourceTable, original: pd.DataFrame, edited: pd.DataFrame) -> ChangePlan:
    plan = LoadedTable(table, table.schema, original, {}).plan(edited, "grid")
    assert plan.errors == [], plan.errors_frame().to_dict()
    return plan


def outcomes(report: PushReport) -> list[str]:
    return [result.outcome for result in report.results]


@HTTP_SETTINGS
@given(customer_id=HTTP_IDS, site=st.none() | HTTP_IDS)
@example(customer_id="..", site=None)
@example(customer_id="%2F", site="../x")
@example(customer_id="?q=1", site="#top")
def test_odd_customer_group_ids_reach_the_sandbox_encoded_and_touch_only_their_relation(
    client: EmporixClient, admin: Any, customer_id: str, site: str | None
) -> None:
    admin.reset()
    table = TABLES["customer-groups"]
    site = site or client.settings.site
    main_before = load_table(client, "customer-groups").frame
    collection = path_of("shipping", client.tenant, (site,), "cgrelations")
    own = path_of("shipping", client.tenant, (site,), "cgrelations", (customer_id,))

    def relations() -> pd.DataFrame:
        return table.schema.to_frame(customer_groups.list_customer_groups(client, site))

    before = relations()
    new = pd.DataFrame(
        {"site": [site], "customerId": [customer_id], "groupId": ["vip"]},
        index=[len(before)],
        dtype="string",
    )
    plan = grid_plan(table, before, pd.concat([before, new]))
    assert [c.kind for c in plan.changes] == ["create"]
    report = pushed(client, admin, table, plan, {}, writes=[collection])
    assert outcomes(report) == ["applied"]

    created = relations()
    (row,) = created.index[created["customerId"] == customer_id]
    changed = created.copy()
    changed.loc[row, "groupId"] = "staff"
    plan = grid_plan(table, created, changed)
    assert [(c.kind, c.key) for c in plan.changes] == [("update", (site, customer_id))]
    report = pushed(client, admin, table, plan, {}, writes=[own], reads=[collection])
    assert outcomes(report) == ["applied"]
    assert TenantApi(client).customer_group(customer_id, site)["groupId"] == "staff"

    updated = relations()
    plan = grid_plan(table, updated, updated.drop(index=row))
    report = pushed(client, admin, table, plan, {}, writes=[own], reads=[collection])
    assert outcomes(report) == ["applied"]
    pd.testing.assert_frame_equal(relations(), before)
    pd.testing.assert_frame_equal(load_table(client, "customer-groups").frame, main_before)


@HTTP_SETTINGS
@given(number=HTTP_IDS, assignment_id=HTTP_IDS)
@example(number="..", assignment_id=".")
@example(number='a\\"b', assignment_id="a/b")
@example(number="../../oauth/token", assignment_id="%2e%2e%2f")
def test_rows_with_odd_keys_from_the_server_are_updated_and_deleted_at_their_own_path(
    client: EmporixClient, admin: Any, number: str, assignment_id: str
) -> None:
    admin.reset()
    first = load_table(client, "contact-assignments").frame.iloc[0]
    TenantApi(client).put_customer(
        number, {"contactEmail": "odd-key@example.com", "firstName": "Odd"}
    )
    TenantApi(client).put_contact_assignment(
        assignment_id,
        {
            "legalEntity": {"id": first["legalEntityId"]},
            "customer": {"id": first["customerId"]},
            "type": "BILLING",
        },
    )
    customers_path = path_of("customer", client.tenant, "customers")
    assignments_path = path_of("customer-management", client.tenant, "contact-assignments")
    cases = [
        ("customers", number, "firstName", "Changed", customers_path, [customers_path]),
        ("contact-assignments", assignment_id, "type", "LOGISTICS", assignments_path, []),
    ]
    for name, key, column, value, collection, update_reads in cases:
        table = TABLES[name]
        key_column = table.schema.key[0]
        own = path_of(collection.lstrip("/"), (key,))
        loaded = load_table(client, name)
        (row,) = loaded.frame.index[loaded.frame[key_column] == key]
        edited = loaded.frame.copy()
        edited.loc[row, column] = value
        plan = loaded.plan(edited, "grid")
        assert plan.errors == [], plan.errors_frame().to_dict()
        assert [(c.kind, c.key) for c in plan.changes] == [("update", (key,))]
        report = pushed(
            client, admin, table, plan, loaded.documents, writes=[own], reads=update_reads
        )
        assert outcomes(report) == ["applied"], report.frame().to_dict()
        after = load_table(client, name).frame
        assert after.set_index(key_column).at[key, column] == value
        untouched = [c for c in loaded.frame.columns if c not in ("version", "modifiedAt")]
        others = after[after[key_column] != key].reset_index(drop=True)[untouched]
        expected = loaded.frame.drop(index=row).reset_index(drop=True)[untouched]
        pd.testing.assert_frame_equal(others, expected)

        reloaded = load_table(client, name)
        (row,) = reloaded.frame.index[reloaded.frame[key_column] == key]
        plan = reloaded.plan(reloaded.frame.drop(index=row), "grid")
        assert plan.errors == [], plan.errors_frame().to_dict()
        delete_reads = [collection] if name == "customers" else [own]
        report = pushed(
            client, admin, table, plan, reloaded.documents, writes=[own], reads=delete_reads
        )
        assert outcomes(report) == ["applied"], report.frame().to_dict()
        remaining = load_table(client, name).frame
        expected = reloaded.frame.drop(index=row).reset_index(drop=True)
        pd.testing.assert_frame_equal(remaining, expected)


@HTTP_SETTINGS
@given(customer_id=HTTP_IDS, segment_id=HTTP_IDS)
@example(customer_id='"quoted"', segment_id="..")
@example(customer_id="a/b", segment_id="bulk")
def test_membership_ids_go_in_bulk_bodies_and_odd_segments_stay_in_their_own_path(
    client: EmporixClient, admin: Any, customer_id: str, segment_id: str
) -> None:
    admin.reset()
    TenantApi(client).put_customer(customer_id, {"contactEmail": "member@example.com"})
    table = TABLES["segment-memberships"]
    loaded = load_table(client, "segment-memberships")
    real = loaded.frame["segmentId"].iloc[0]
    new = pd.DataFrame(
        {"segmentId": [real, segment_id], "customerId": [customer_id, customer_id]},
        index=[len(loaded.frame), len(loaded.frame) + 1],
        dtype="string",
    )
    plan = grid_plan(table, loaded.frame, pd.concat([loaded.frame, new]))
    assert [c.kind for c in plan.changes] == ["create", "create"]

    def bulk(segment: str) -> str:
        return path_of(
            "customer-segment", client.tenant, "segments", (segment,), "customers", "bulk"
        )

    report = pushed(client, admin, table, plan, {}, writes=[bulk(real), bulk(segment_id)])
    results = {r.change.key[0]: (r.outcome, r.status) for r in report.results}
    assert results == {real: ("applied", 201), segment_id: ("failed", 404)}
    after = load_table(client, "segment-memberships").frame
    assert membership_keys(after) == membership_keys(loaded.frame) | {(real, customer_id, None)}

    (row,) = after.index[(after["segmentId"] == real) & (after["customerId"] == customer_id)]
    plan = grid_plan(table, after, after.drop(index=row))
    report = pushed(client, admin, table, plan, {}, writes=[bulk(real)])
    assert outcomes(report) == ["applied"]
    final = load_table(client, "segment-memberships").frame
    assert membership_keys(final) == membership_keys(loaded.frame)


def membership_keys(frame: pd.DataFrame) -> set[tuple[Any, ...]]:
    return set(key_tuples(frame, TABLES["segment-memberships"].schema.key))

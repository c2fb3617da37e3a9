"""The sandbox as a server, spoken to with plain httpx: auth, paging, q, upserts, faults."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from emporix_data.client import EmporixClient
from emporix_data.errors import ApiConnectionError
from emporix_data.sandbox import RunningSandbox, SandboxConfig, SeedSizes, start_sandbox
from emporix_data.sandbox.query import QueryError, to_order, to_sql
from emporix_data.sandbox.seed import generate
from emporix_data.settings import Settings
from tests.support import TenantApi

CUSTOMERS = "/customer/demo/customers"
SEGMENT_BULK = "/customer-segment/demo/segments/SEG001/customers/bulk"


def test_no_or_bad_token_is_a_401_with_the_gateway_body(sandbox, admin):
    plain = httpx.get(f"{sandbox.url}{CUSTOMERS}")
    bad = httpx.get(f"{sandbox.url}{CUSTOMERS}", headers={"Authorization": "Bearer nope"})
    for response in (plain, bad):
        assert response.status_code == 401
        assert response.json()["fault"]["faultstring"]


def test_wrong_client_secret_gets_no_token(sandbox):
    response = httpx.post(
        f"{sandbox.url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "x"},
    )
    assert response.status_code == 401
    assert "access_token" not in response.json()


def test_another_tenant_is_forbidden(api):
    response = api.get("/customer/other/customers")
    assert response.status_code == 403
    assert response.json()["type"] == "forbidden"


def test_paging_count_headers_and_page_size_cap(api, admin):
    page = api.get(CUSTOMERS, params={"pageNumber": 2, "pageSize": 50})
    assert [c["customerNumber"] for c in page.json()][:2] == ["00000051", "00000052"]
    assert page.headers["Count"] == "50"
    assert "X-Total-Count" not in page.headers
    counted = api.get(
        "/customer-management/demo/contact-assignments",
        params={"pageSize": 5},
        headers={"X-Total-Count": "true"},
    )
    assert int(counted.headers["X-Total-Count"]) > 5
    assert len(counted.json()) == 5
    assert len(api.get(CUSTOMERS, params={"pageSize": 5000}).json()) == 120, "no cap by default"
    admin.behave(max_page_size=25)
    capped = [api.get(CUSTOMERS, params={"pageNumber": n, "pageSize": 1000}) for n in (1, 2)]
    assert [len(page.json()) for page in capped] == [25, 25]
    assert capped[1].json()[0]["customerNumber"] == "00000026", "pages counted in the cap"
    admin.reset()
    assert len(api.get(CUSTOMERS, params={"pageSize": 1000}).json()) == 120


@pytest.mark.parametrize(
    ("q", "check"),
    [
        ('customerNumber:"00000007"', lambda c: c["customerNumber"] == "00000007"),
        ("businessModel:B2B", lambda c: c["businessModel"] == "B2B"),
        ("active:false", lambda c: c["active"] is False),
        (
            "contactEmail:~customer0000001",
            lambda c: c["contactEmail"].startswith("customer0000001"),
        ),
        (
            'metadataCreatedAt:(>="2024-01-01T00:00:00.000Z" AND <"2025-01-01T00:00:00.000Z")',
            lambda c: c["metadataCreatedAt"].startswith("2024"),
        ),
        (
            'customerNumber:("00000001","00000003")',
            lambda c: c["customerNumber"] in {"00000001", "00000003"},
        ),
        ("middleName:exists", lambda c: "middleName" in c),
        (
            "middleName:missing businessModel:B2C",
            lambda c: "middleName" not in c and c["businessModel"] == "B2C",
        ),
    ],
)
def test_q_filters_select_exactly_the_matching_customers(api, q, check):
    everyone = api.get(CUSTOMERS, params={"pageSize": 1000}).json()
    matched = api.get(CUSTOMERS, params={"pageSize": 1000, "q": q}).json()
    assert matched
    assert all(check(c) for c in matched)
    assert len(matched) == sum(check(c) for c in everyone)


def test_sort_descending_by_a_field(api):
    names = [
        c["lastName"]
        for c in api.get(CUSTOMERS, params={"sort": "lastName:desc", "pageSize": 1000}).json()
    ]
    assert names == sorted(names, reverse=True)


def test_q_parser_rejects_what_it_cannot_read():
    with pytest.raises(QueryError):
        to_sql("firstName")
    with pytest.raises(QueryError):
        to_order("lastName:sideways")
    where, params = to_sql('a.b:>=3 c:"x \\" y"')
    assert params == [3, 'x " y']
    assert "json_extract" in where


def test_bad_q_is_a_400(api):
    assert api.get(CUSTOMERS, params={"q": "((("}).status_code == 400


def test_upsert_answers_201_then_204_and_locks_on_stale_version(api):
    assert api.put(f"{CUSTOMERS}/new-1", json={"firstName": "A"}).status_code == 201
    assert api.put(f"{CUSTOMERS}/new-1", json={"firstName": "B"}).status_code == 204
    stored = api.get(f"{CUSTOMERS}/new-1").json()
    assert stored["metadata"]["version"] == 2
    stale = api.put(f"{CUSTOMERS}/new-1", json={"firstName": "C", "metadata": {"version": 1}})
    assert stale.status_code == 409
    assert api.get(f"{CUSTOMERS}/new-1").json()["firstName"] == "B"


def test_put_keeps_unknown_fields_and_patch_merges(api):
    api.put(f"{CUSTOMERS}/00000001", json={"firstName": "X", "custom": {"a": 1, "b": 2}})
    merged = api.patch(f"{CUSTOMERS}/00000001", json={"custom": {"b": None, "c": 3}})
    assert merged.status_code == 200
    assert merged.json()["custom"] == {"a": 1, "c": 3}
    assert merged.json()["firstName"] == "X"


def test_encoded_ids_are_stored_and_seen_encoded(api, admin):
    admin.reset_stats()
    for raw, encoded in [("a/b", "a%2Fb"), ("../x", "..%2Fx"), ("?q", "%3Fq"), ("#h", "%23h")]:
        assert api.put(f"{CUSTOMERS}/{encoded}", json={"firstName": raw}).status_code == 201
        assert api.get(f"{CUSTOMERS}/{encoded}").json()["customerNumber"] == raw
        assert f"{CUSTOMERS}/{encoded}" in admin.stats()["raw_paths"]


def test_bulk_answers_207_per_item_and_refuses_more_than_200(api):
    items = [{"customerId": "00000002"}, {"customerId": "00000004", "legalEntityId": "ghost"}, {}]
    result = api.put(SEGMENT_BULK, json=items)
    assert result.status_code == 207
    assert [(e["index"], e["code"]) for e in result.json()] == [(0, 201), (1, 404), (2, 400)]
    too_many = api.put(SEGMENT_BULK, json=[{"customerId": "00000003"}] * 201)
    assert too_many.status_code == 400
    assert api.get("/customer-segment/demo/segments/SEG001/customers/00000003").status_code == 404
    removed = api.request("DELETE", SEGMENT_BULK, json=[{"customerId": "00000002"}])
    assert [e["code"] for e in removed.json()] == [204]
    assert api.get("/customer-segment/demo/segments/SEG001/customers/00000002").status_code == 404


def test_unknown_segment_is_a_404_with_an_error_body(api):
    response = api.get("/customer-segment/demo/segments/NOPE/customers")
    assert response.status_code == 404
    assert response.json() == {
        "code": 404,
        "status": "Not Found",
        "message": "Segment NOPE not found",
    }


def test_queued_429_carries_retry_after(api, admin):
    admin.queue({"kind": "429", "count": 1, "retry_after": 3})
    first = api.get(CUSTOMERS)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "3")
    assert api.get(CUSTOMERS).status_code == 200


def test_drop_closes_the_connection_without_an_answer(api, admin):
    admin.queue({"kind": "drop", "count": 1})
    with pytest.raises(httpx.TransportError):
        api.get(CUSTOMERS)


def test_drop_after_processes_the_request_but_loses_the_answer(api, admin):
    admin.queue({"kind": "drop_after", "method": "PUT", "count": 1})
    with pytest.raises(httpx.TransportError):
        api.put(f"{CUSTOMERS}/lost-answer", json={"firstName": "Stored anyway"})
    assert api.get(f"{CUSTOMERS}/lost-answer").json()["firstName"] == "Stored anyway"


def test_random_faults_follow_the_rate(api, admin):
    current = admin.http.get("/_sandbox/faults").json()
    admin.http.put(
        "/_sandbox/faults", json={**current, "fault_rate": 0.5, "fault_kinds": ["503"], "seed": 1}
    ).raise_for_status()
    codes = [api.get(CUSTOMERS, params={"pageSize": 1}).status_code for _ in range(60)]
    assert 15 <= codes.count(503) <= 45
    assert set(codes) == {200, 503}


def test_latency_is_added_to_api_requests(sandbox, api, admin):
    import time

    current = admin.http.get("/_sandbox/faults").json()
    admin.http.put("/_sandbox/faults", json={**current, "latency_ms": 150}).raise_for_status()
    started = time.perf_counter()
    api.get(CUSTOMERS, params={"pageSize": 1})
    assert time.perf_counter() - started >= 0.15


@pytest.fixture
def own(tmp_path, token_for) -> Iterator[tuple[RunningSandbox, httpx.Client, httpx.Client]]:
    """A sandbox of its own (and its admin and API clients): answers held back here
    cannot reach the shared sandbox's counters while other tests run."""
    config = SandboxConfig(db_path=tmp_path / "own.db", sizes=SeedSizes(customers=10))
    with start_sandbox(config) as running:
        headers = {"Authorization": f"Bearer {token_for(running.url)}"}
        with (
            httpx.Client(base_url=f"{running.url}/_sandbox", timeout=30) as admin,
            httpx.Client(base_url=running.url, headers=headers, timeout=30) as api,
        ):
            yield running, admin, api


def _set_faults(admin: httpx.Client, **changes: Any) -> None:
    current = admin.get("/faults").json()
    admin.put("/faults", json={**current, **changes}).raise_for_status()


def test_slow_answer_outlasts_a_short_read_timeout(own):
    running, admin, api = own
    _set_faults(admin, slow_ms=2000, queued=[{"kind": "slow", "method": "GET", "count": 1}])
    timeout = httpx.Timeout(10, read=0.2)
    with httpx.Client(base_url=running.url, headers=api.headers, timeout=timeout) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.get(f"{CUSTOMERS}/00000001")
        assert impatient.get(f"{CUSTOMERS}/00000001").json()["customerNumber"] == "00000001"


def test_slow_write_is_applied_but_answered_late(own):
    _running, admin, api = own
    _set_faults(admin, slow_ms=300, queued=[{"kind": "slow", "method": "PATCH", "count": 1}])
    late = api.patch(f"{CUSTOMERS}/00000002", json={"firstName": "Late"})
    assert (late.status_code, late.json()["firstName"]) == (200, "Late")


def test_client_does_not_resend_a_write_whose_answer_timed_out(own):
    running, admin, _api = own
    _set_faults(admin, slow_ms=2000, queued=[{"kind": "slow", "method": "PATCH", "count": 1}])
    settings = Settings(
        api_url=running.url,
        tenant=running.config.tenant,
        client_id=running.config.client_id,
        client_secret=running.config.client_secret,
        read_timeout_s=0.2,
        backoff_base_s=0,
    )
    with EmporixClient(settings) as client:
        admin.post("/stats/reset").raise_for_status()
        with pytest.raises(ApiConnectionError):
            TenantApi(client).patch_customer("00000003", {"firstName": "Once"})
    patches = admin.get("/stats").json()["by_route"]
    assert patches["PATCH /customer/{tenant}/customers/{customerNumber}"] == 1


def test_stats_count_answers_by_status_and_requests_in_flight(own):
    _running, admin, api = own
    _set_faults(admin, slow_ms=3000, queued=[{"kind": "429"}, {"kind": "slow", "count": 1}])
    admin.post("/stats/reset").raise_for_status()
    assert api.get(CUSTOMERS).status_code == 429
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(api.get, f"{CUSTOMERS}/00000001")
        while admin.get("/stats").json()["in_flight"] < 1:  # until its answer is held back
            assert not held.done()
        assert api.get(f"{CUSTOMERS}/00000001").status_code == 200
        assert held.result().status_code == 200
    stats = admin.get("/stats").json()
    assert stats["by_status"] == {"429": 1, "200": 2}
    assert (stats["in_flight"], stats["peak_in_flight"]) == (0, 2)


def test_deep_pages_and_key_lists_answer_like_the_plain_query(api):
    """The key-index shortcut for deep pages returns exactly the plain OFFSET page."""
    everyone = [c["customerNumber"] for c in api.get(CUSTOMERS, params={"pageSize": 1000}).json()]
    paged = [
        c["customerNumber"]
        for number in (1, 2, 3)
        for c in api.get(CUSTOMERS, params={"pageNumber": number, "pageSize": 50}).json()
    ]
    assert paged == everyone
    listed = api.get(CUSTOMERS, params={"q": 'customerNumber:("00000009","00000002")'}).json()
    assert [c["customerNumber"] for c in listed] == ["00000002", "00000009"]


def test_seeding_is_deterministic_and_sizes_are_honoured():
    first = list(generate(SeedSizes(customers=40, segments=2), seed=7))
    again = list(generate(SeedSizes(customers=40, segments=2), seed=7))
    other = list(generate(SeedSizes(customers=40, segments=2), seed=8))
    assert first == again
    assert first != other
    kinds = [collection.split(":")[0] for collection, _, _ in first]
    assert kinds.count("customers") == 40
    assert kinds.count("segments") == 2
    assert list(generate(SeedSizes(customers=0), seed=7)) != []


def _first_name(url: str, token: str, number: str, set_to: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    if set_to is not None:
        httpx.patch(f"{url}{CUSTOMERS}/{number}", json={"firstName": set_to}, headers=headers)
    return httpx.get(f"{url}{CUSTOMERS}/{number}", headers=headers).json()["firstName"]


def test_data_persists_across_restarts_and_reset_reseeds(tmp_path, token_for):
    config = SandboxConfig(db_path=tmp_path / "s.db", sizes=SeedSizes(customers=20))
    with start_sandbox(config) as first:
        assert not first.reused
        assert (
            _first_name(first.url, token_for(first.url), "00000001", set_to="Persisted")
            == "Persisted"
        )
    with start_sandbox(config) as second:
        assert second.reused
        assert second.counts()["customers"] == 20
        assert _first_name(second.url, token_for(second.url), "00000001") == "Persisted"
    config.reset = True
    with start_sandbox(config) as third:
        assert not third.reused
        assert _first_name(third.url, token_for(third.url), "00000001") != "Persisted"
    bigger = SandboxConfig(db_path=tmp_path / "s.db", sizes=SeedSizes(customers=30))
    with start_sandbox(bigger) as fourth:
        assert not fourth.reused
        assert fourth.counts()["customers"] == 30

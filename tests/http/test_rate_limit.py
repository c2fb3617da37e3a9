"""The sandbox's request-rate limit: a token bucket answering 429 with ``Retry-After``,
and our client waiting as told before it asks again."""

from __future__ import annotations

import time

import httpx
import pytest

from emporix_data.client import EmporixClient
from emporix_data.sandbox.admin_client import SandboxAdmin
from emporix_data.sandbox.ratelimit import TokenBucket
from tests.support import sandbox_settings

CUSTOMERS = "/customer/{tenant}/customers"


def limit(admin: SandboxAdmin, per_s: float | None, burst: int) -> None:
    faults = admin.faults()
    faults["rate_limit_per_s"] = per_s
    faults["rate_limit_burst"] = burst
    admin.set_faults(faults)
    admin.reset_stats()


def test_requests_past_the_burst_are_answered_429_with_retry_after(admin, api, sandbox):
    limit(admin, 0.5, 3)  # a token back every 2 s: the fourth request finds none
    path = CUSTOMERS.format(tenant=sandbox.config.tenant)
    answers = [api.get(path, params={"pageSize": 1}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "2"
    assert "at most 0.5 requests per second" in refused.json()["message"]
    assert admin.stats()["by_status"] == {"200": 3, "429": 1}


def test_no_limit_unless_configured(admin, api, sandbox):
    assert admin.faults()["rate_limit_per_s"] is None
    path = CUSTOMERS.format(tenant=sandbox.config.tenant)
    assert {api.get(path, params={"pageSize": 1}).status_code for _ in range(60)} == {200}


def test_a_bad_limit_is_refused(admin):
    faults = admin.faults()
    faults["rate_limit_per_s"] = 0
    with pytest.raises(httpx.HTTPStatusError):
        admin.set_faults(faults)


def test_our_client_waits_as_told_and_gets_its_page(admin, sandbox):
    limit(admin, 1, 2)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the client's own backoff, really waited
        waits.append(seconds)
        time.sleep(seconds)

    settings = sandbox_settings(sandbox, concurrency=1, max_retries=3)
    with EmporixClient(settings, sleep=sleep) as client:
        path = client.path(CUSTOMERS)
        pages = [client.request("GET", path, params={"pageSize": 2}).json() for _ in range(3)]
    assert [len(page) for page in pages] == [2, 2, 2]
    assert waits and waits[0] == pytest.approx(1.0)  # Retry-After: 1, not a backoff guess
    stats = admin.stats()
    assert stats["by_status"]["429"] == len(waits)  # the token's request may be one of them
    assert stats["by_route"][f"GET {CUSTOMERS}"] == 3 + stats["by_status"]["429"] - (
        stats["by_route"]["POST /oauth/token"] - 1
    )


def test_the_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(10, 2, clock=lambda: now[0])
    assert [bucket.take(), bucket.take()] == [0.0, 0.0]
    assert bucket.take() == pytest.approx(0.1)
    now[0] += 0.1
    assert bucket.take() == 0.0
    with pytest.raises(ValueError, match="positive rate"):
        TokenBucket(0, 1)

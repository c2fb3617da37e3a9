"""Shared fixtures: one real sandbox server on 127.0.0.1 for the session, reset per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from emporix_data.client import EmporixClient
from emporix_data.sandbox import RunningSandbox, SandboxConfig, SeedSizes, start_sandbox
from emporix_data.settings import Settings

SIZES = {"customers": 120, "segments": 3}


class Admin:
    """The sandbox's test-only admin endpoints."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)

    def reset(self, **sizes: int) -> None:
        self.http.post("/_sandbox/reset", json={**SIZES, **sizes}).raise_for_status()

    def stats(self) -> dict[str, Any]:
        return self.http.get("/_sandbox/stats").json()

    def count(self, route: str) -> int:
        return self.stats()["by_route"].get(route, 0)

    def reset_stats(self) -> None:
        self.http.post("/_sandbox/stats/reset").raise_for_status()

    def queue(self, *faults: dict[str, Any]) -> None:
        current = self.http.get("/_sandbox/faults").json()
        current["queued"] = list(faults)
        self.http.put("/_sandbox/faults", json=current).raise_for_status()

    def expire_tokens(self) -> None:
        self.http.post("/_sandbox/tokens/expire").raise_for_status()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    running = start_sandbox(SandboxConfig(db_path=db, sizes=SeedSizes(**SIZES)))
    yield running
    running.stop()


@pytest.fixture
def admin(sandbox: RunningSandbox) -> Iterator[Admin]:
    """Fresh data, no faults, zeroed counters."""
    admin = Admin(sandbox.url)
    admin.reset()
    yield admin
    admin.http.close()


def sandbox_settings(sandbox: RunningSandbox, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_url": sandbox.url,
        "tenant": sandbox.config.tenant,
        "client_id": sandbox.config.client_id,
        "client_secret": sandbox.config.client_secret,
        "page_size": 50,
        "concurrency": 4,
        "max_retries": 3,
        "backoff_base_s": 0.1,
        "backoff_max_s": 30,
        **overrides,
    }
    return Settings(**values)


def fetch_token(url: str) -> str:
    response = httpx.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.fixture
def token_for() -> Callable[[str], str]:
    """A bearer token from the sandbox at a URL (plain HTTP, as any client gets one)."""
    return fetch_token


@pytest.fixture
def api(sandbox: RunningSandbox, admin: Admin) -> Iterator[httpx.Client]:
    """A plain authorised HTTP client on freshly reset sandbox data."""
    headers = {"Authorization": f"Bearer {fetch_token(sandbox.url)}"}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=30) as http:
        yield http


@pytest.fixture
def make_settings(sandbox: RunningSandbox) -> Callable[..., Settings]:
    """Settings for the session's sandbox, with overrides (page size, secret, ...)."""
    return lambda **overrides: sandbox_settings(sandbox, **overrides)


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff waits the client asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def client(sandbox: RunningSandbox, admin: Admin, sleeps: list[float]) -> Iterator[EmporixClient]:
    with EmporixClient(sandbox_settings(sandbox), sleep=sleeps.append) as api:
        yield api

"""Shared fixtures: one real sandbox server on 127.0.0.1 for the session, reset per test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import settings

from emporix_data.client import EmporixClient
from emporix_data.sandbox import RunningSandbox, SandboxConfig, SeedSizes, start_sandbox
from emporix_data.sandbox.admin_client import SandboxAdmin
from emporix_data.settings import Settings
from tests.support import SIZES, TenantApi, fetch_token, sandbox_admin, sandbox_settings

# Speed is measured by the benchmark, not asserted in tests: no per-example deadline
# (a loaded 2-core machine makes hypothesis' default 200 ms flaky).
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(autouse=True)
def main_module_kept() -> Iterator[None]:
    """Streamlit's ``AppTest`` leaves its (deleted) script as ``__main__``; a later
    ``multiprocessing`` spawn (the benchmark's sandbox process) would run it again."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    running = start_sandbox(SandboxConfig(db_path=db, sizes=SeedSizes(**SIZES)))
    yield running
    running.stop()


@pytest.fixture
def admin(sandbox: RunningSandbox) -> Iterator[SandboxAdmin]:
    """Fresh data, no faults, zeroed counters."""
    with sandbox_admin(sandbox) as admin:
        admin.reset()
        yield admin


@pytest.fixture
def token_for() -> Callable[[str], str]:
    """A bearer token from the sandbox at a URL (plain HTTP, as any client gets one)."""
    return fetch_token


@pytest.fixture
def api(sandbox: RunningSandbox, admin: SandboxAdmin) -> Iterator[httpx.Client]:
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
def client(
    sandbox: RunningSandbox, admin: SandboxAdmin, sleeps: list[float]
) -> Iterator[EmporixClient]:
    with EmporixClient(sandbox_settings(sandbox), sleep=sleeps.append) as api:
        yield api


@pytest.fixture
def tenant(client: EmporixClient) -> TenantApi:
    """Someone else's single-document reads and writes, on the same fresh sandbox data."""
    return TenantApi(client)

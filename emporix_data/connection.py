"""Which API to talk to: a configured tenant, or else the embedded sandbox.

With credentials (``EMPORIX_*`` variables or a secrets mapping) the real API is used;
without them a sandbox server is started on 127.0.0.1 and used over HTTP through the
very same client code. The sandbox (FastAPI, uvicorn, Faker) is imported only then, so a
dashboard on a real tenant never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import HttpUrl, SecretStr

from emporix_data.settings import LocalSettings, Settings, has_credentials, load_settings

if TYPE_CHECKING:
    from emporix_data.sandbox import RunningSandbox


@dataclass(frozen=True)
class Connection:
    settings: Settings
    sandbox: RunningSandbox | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def label(self) -> str:
        """What the user is connected to, with no secret in it."""
        where = "embedded sandbox" if self.is_sandbox else self.settings.base_url
        return f"tenant {self.settings.tenant} on {where}"


def connect(values: Mapping[str, Any] | None = None) -> Connection:
    """Settings for the configured tenant, or a freshly started sandbox's settings.

    The sandbox keeps its data in ``EMPORIX_SANDBOX_DB`` (default ``.sandbox/demo.db``).
    """
    if has_credentials(values):
        return Connection(load_settings(values))
    from emporix_data.sandbox import SandboxConfig, start_sandbox

    sandbox_db = LocalSettings().sandbox_db
    sandbox_db.parent.mkdir(parents=True, exist_ok=True)
    running = start_sandbox(SandboxConfig(db_path=sandbox_db))
    config = running.config
    settings = Settings(
        api_url=HttpUrl(running.url),
        tenant=config.tenant,
        client_id=config.client_id,
        client_secret=SecretStr(config.client_secret),
    )
    return Connection(settings, running)

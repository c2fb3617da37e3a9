"""Which API to talk to: a configured tenant, or else the embedded sandbox.

With credentials (``EMPORIX_*`` variables or a secrets mapping) the real API is used;
without them a sandbox server is started on 127.0.0.1 and used over HTTP through the
very same client code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emporix_data.sandbox import RunningSandbox, SandboxConfig, start_sandbox
from emporix_data.settings import Settings, load_settings

DEFAULT_SANDBOX_DB = Path(".sandbox/demo.db")
SANDBOX_DB_VARIABLE = "EMPORIX_SANDBOX_DB"


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


def has_credentials(values: Mapping[str, Any] | None = None) -> bool:
    """True if a client id is configured in ``values`` or the environment."""
    keys = {key.lower().removeprefix("emporix_") for key in (values or {})}
    return "client_id" in keys or bool(os.environ.get("EMPORIX_CLIENT_ID"))


def connect(values: Mapping[str, Any] | None = None) -> Connection:
    """Settings for the configured tenant, or a freshly started sandbox's settings.

    The sandbox keeps its data in ``EMPORIX_SANDBOX_DB`` (default ``.sandbox/demo.db``).
    """
    if has_credentials(values):
        return Connection(load_settings(values))
    sandbox_db = Path(os.environ.get(SANDBOX_DB_VARIABLE) or DEFAULT_SANDBOX_DB)
    sandbox_db.parent.mkdir(parents=True, exist_ok=True)
    running = start_sandbox(SandboxConfig(db_path=sandbox_db))
    config = running.config
    settings = Settings(
        api_url=running.url,
        tenant=config.tenant,
        client_id=config.client_id,
        client_secret=config.client_secret,
    )
    return Connection(settings, running)

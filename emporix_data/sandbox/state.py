"""The sandbox's one mutable state, and the dependency that hands it to the routes."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from emporix_data.sandbox.faults import FaultInjector
from emporix_data.sandbox.stats import Stats
from emporix_data.sandbox.store import Store


@dataclass
class SandboxState:
    """The store, the tenant and its credentials, issued tokens, faults (and quirks) and
    stats."""

    store: Store
    tenant: str
    client_id: str
    client_secret: str
    token_ttl_s: int
    faults: FaultInjector
    reseed: Callable[[dict[str, Any]], None]
    stats: Stats = field(default_factory=Stats)
    tokens: dict[str, float] = field(default_factory=dict)

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = time.monotonic() + self.token_ttl_s
        return token

    def token_valid(self, header: str | None) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        expiry = self.tokens.get(header.removeprefix("Bearer ").strip())
        return expiry is not None and time.monotonic() < expiry


async def sandbox_state(request: Request) -> SandboxState:
    """The state ``create_app`` keeps on ``app.state`` (async: no thread-pool hop)."""
    state: SandboxState = request.app.state.sandbox
    return state


# A route parameter of this type receives the sandbox's state.
Sandbox = Annotated[SandboxState, Depends(sandbox_state)]

"""Starting the sandbox: open (or seed) its SQLite file and serve it with uvicorn."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import uvicorn

from emporix_data.sandbox.app import serving_app
from emporix_data.sandbox.faults import FaultInjector, FaultSettings
from emporix_data.sandbox.middleware import SandboxMiddleware
from emporix_data.sandbox.seed import SHAPE, SeedSizes, generate
from emporix_data.sandbox.state import SandboxState
from emporix_data.sandbox.store import Store

STARTUP_TIMEOUT_S = 60
# A tenant larger than this is not copied into memory for fast resets (a reset seeds it
# again): the copy of a million-customer tenant would take a gigabyte.
PRISTINE_MAX_BYTES = 256 * 2**20


@dataclass
class SandboxConfig:
    db_path: Path
    tenant: str = "demo"
    client_id: str = "demo-client"
    client_secret: str = field(default="demo-secret", repr=False)
    sizes: SeedSizes = field(default_factory=SeedSizes)
    seed: int = 42
    reset: bool = False
    latency_ms: int = 0
    fault_rate: float = 0.0
    token_ttl_s: int = 3600
    # None: pages as large as asked (the specs document no maximum); N: a server's cap.
    max_page_size: int | None = None
    # None: no rate limit (the specs document none); N: requests a second, in bursts.
    rate_limit_per_s: float | None = None
    rate_limit_burst: int = 40


class Pristine(NamedTuple):
    """The freshly seeded database, in memory, and the seed and sizes it was made from."""

    fingerprint: str
    copy: sqlite3.Connection


class Tenant:
    """The store plus what reseeding needs: a pristine copy for fast resets."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.store = Store(Path(config.db_path))
        self.reused = False
        self._pristine: Pristine | None = None
        fingerprint = self._fingerprint(config.sizes)
        if not config.reset and self.store.meta("fingerprint") == fingerprint:
            self.reused = True
        else:
            self.seed(config.sizes)
        # Before the first request: no page of the largest collection waits for a walk.
        self.store.anchors.warm("customers")

    def _fingerprint(self, sizes: SeedSizes) -> str:
        return json.dumps(
            {"seed": self.config.seed, "shape": SHAPE, **sizes.as_dict()}, sort_keys=True
        )

    def seed(self, sizes: SeedSizes) -> None:
        self.store.delete_all()
        self.store.put_many(generate(sizes, self.config.seed))
        fingerprint = self._fingerprint(sizes)
        self.store.set_meta("fingerprint", fingerprint)
        small = self.store.size_bytes() <= PRISTINE_MAX_BYTES
        self._pristine = Pristine(fingerprint, self.store.snapshot()) if small else None

    def reseed(self, overrides: dict[str, Any]) -> None:
        """Back to freshly seeded data (of other sizes if asked), as fast as possible."""
        sizes = replace(self.config.sizes, **overrides) if overrides else self.config.sizes
        fingerprint = self._fingerprint(sizes)
        if self._pristine and self._pristine.fingerprint == fingerprint:
            self.store.restore(self._pristine.copy)
        else:
            self.seed(sizes)

    def counts(self) -> dict[str, int]:
        rows = self.store.db.execute(
            "SELECT CASE WHEN instr(collection, ':') > 0 "
            "THEN substr(collection, 1, instr(collection, ':') - 1) ELSE collection END, COUNT(*) "
            "FROM docs GROUP BY 1"
        )
        return dict(rows.fetchall())


def build_app(config: SandboxConfig) -> tuple[SandboxMiddleware, Tenant]:
    tenant = Tenant(config)
    state = SandboxState(
        store=tenant.store,
        tenant=config.tenant,
        client_id=config.client_id,
        client_secret=config.client_secret,
        token_ttl_s=config.token_ttl_s,
        faults=FaultInjector(
            FaultSettings(
                latency_ms=config.latency_ms,
                fault_rate=config.fault_rate,
                max_page_size=config.max_page_size,
                rate_limit_per_s=config.rate_limit_per_s,
                rate_limit_burst=config.rate_limit_burst,
            )
        ),
        reseed=tenant.reseed,
    )
    return serving_app(state), tenant


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


class RunningSandbox:
    """A sandbox serving in a background thread; ``stop()`` shuts it down."""

    def __init__(
        self,
        config: SandboxConfig,
        url: str,
        server: _Server,
        thread: threading.Thread,
        tenant: Tenant,
    ) -> None:
        self.config = config
        self.url = url
        self.reused = tenant.reused
        self._server = server
        self._thread = thread
        self._tenant = tenant

    def counts(self) -> dict[str, int]:
        return self._tenant.counts()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._tenant.store.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox(config: SandboxConfig, host: str = "127.0.0.1", port: int = 0) -> RunningSandbox:
    """Seed or reopen the data, serve it in a daemon thread, return once it answers."""
    app, tenant = build_app(config)
    # IPPROTO_TCP named explicitly: asyncio disables Nagle's algorithm only on sockets
    # whose proto says TCP, and with Nagle every small answer on a kept-alive connection
    # waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = _Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="emporix-sandbox", daemon=True
    )
    thread.start()
    if not server.ready.wait(STARTUP_TIMEOUT_S):
        server.should_exit = True
        raise RuntimeError("the sandbox server did not start")
    bound_port = sock.getsockname()[1]
    return RunningSandbox(config, f"http://{host}:{bound_port}", server, thread, tenant)


def serve(config: SandboxConfig, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve in the foreground (the CLI), after printing where and with which credentials."""
    app, tenant = build_app(config)
    url = f"http://{host}:{port}"
    origin = "reused from" if tenant.reused else "freshly seeded in"
    counts = ", ".join(f"{name}: {count}" for name, count in sorted(tenant.counts().items()))
    print(f"Emporix sandbox for tenant {config.tenant!r} at {url}")
    print(f"Data {origin} {config.db_path} ({counts})")
    if config.max_page_size is not None:
        print(f"Pages capped at {config.max_page_size} items, whatever pageSize asks for")
    if config.rate_limit_per_s is not None:
        print(
            f"At most {config.rate_limit_per_s:g} requests a second (bursts of "
            f"{config.rate_limit_burst}); more are answered 429 with Retry-After"
        )
    print(f"export EMPORIX_API_URL={url}")
    print(f"export EMPORIX_TENANT={config.tenant}")
    print(f"export EMPORIX_CLIENT_ID={config.client_id}")
    print(f"export EMPORIX_CLIENT_SECRET={config.client_secret}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")

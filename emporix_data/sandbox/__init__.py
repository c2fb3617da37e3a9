"""A local Emporix-compatible API server (FastAPI + uvicorn + SQLite): the embedded default.

It serves the endpoints the dashboard uses, for one tenant, as the vendor specs describe
them, with a deterministic synthetic tenant, fault injection and test admin routes under
``/_sandbox/``.
"""

from emporix_data.sandbox.process import SandboxProcess, start_sandbox_process
from emporix_data.sandbox.seed import SeedSizes
from emporix_data.sandbox.server import RunningSandbox, SandboxConfig, serve, start_sandbox

__all__ = [
    "RunningSandbox",
    "SandboxConfig",
    "SandboxProcess",
    "SeedSizes",
    "serve",
    "start_sandbox",
    "start_sandbox_process",
]

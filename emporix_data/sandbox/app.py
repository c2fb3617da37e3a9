"""The sandbox's HTTP API: the Emporix endpoints the dashboard uses, plus test admin routes.

Follows the vendor specs in ``shared/emporix-api``: paths, status codes (upsert 201/204,
optimistic locking 409, bulk 207 and 400 above 200 items), X-Total-Count where the
spec has it, and error bodies ``{status, type, message, details}``. One router per
vendor service (``routers/``); this module only puts them together.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from emporix_data.sandbox.errors import EXCEPTION_HANDLERS
from emporix_data.sandbox.middleware import SandboxMiddleware
from emporix_data.sandbox.routers import (
    admin,
    customer_management,
    customer_segments,
    customers,
    oauth,
    shipping,
)
from emporix_data.sandbox.state import SandboxState

ROUTERS: tuple[APIRouter, ...] = (
    oauth.router,
    customers.router,
    customer_management.router,
    customer_segments.router,
    shipping.router,
    admin.router,
)


def create_app(state: SandboxState) -> FastAPI:
    """The routes, with ``state`` on ``app.state`` for the ``Sandbox`` dependency."""
    app = FastAPI(
        title="Emporix sandbox",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.sandbox = state
    for router in ROUTERS:
        app.include_router(router)
    return app


def serving_app(state: SandboxState) -> SandboxMiddleware:
    """What uvicorn serves: the routes behind the middleware (raw paths, faults, auth)."""
    return SandboxMiddleware(create_app(state), state)

"""What happens to every request before the routes see it: routing on the raw path,
stats, latency, the tenant's rate limit and faults, and the gateway's token and tenant
checks."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from fastapi import FastAPI
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

from emporix_data.sandbox.errors import ApiProblem
from emporix_data.sandbox.ratelimit import too_many_requests
from emporix_data.sandbox.responses import json_response
from emporix_data.sandbox.state import SandboxState

UNAUTHORIZED = {
    "fault": {
        "faultstring": "Invalid Access Token",
        "detail": {"errorcode": "keymanagement.service.invalid_access_token"},
    }
}


class SandboxMiddleware:
    """Routes on the raw (still percent-encoded) path, counts requests, injects latency,
    enforces the rate limit, injects faults, and checks the bearer token and tenant of
    every Emporix path."""

    def __init__(self, app: FastAPI, state: SandboxState) -> None:
        self.app = app
        self.state = state
        # Included routers are nodes of a tree in app.router.routes: flattened, once.
        self.routes: list[RouteContext] = list(iter_route_contexts(app.router.routes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        scope = {**scope, "path": raw_path}
        if raw_path.startswith("/_sandbox/"):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        stats = self.state.stats
        query = scope.get("query_string", b"").decode("latin-1")
        target = f"{method} {raw_path}" + (f"?{query}" if query else "")
        stats.record(f"{method} {self._template(scope) or raw_path}", raw_path, target)

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                stats.answered(message["status"])
            await send(message)

        stats.enter()
        try:
            await self._handle(scope, receive, counted, method, raw_path)
        finally:
            stats.leave()

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, method: str, raw_path: str
    ) -> None:
        if raw_path == "/oauth/token":
            await self.app(scope, receive, send)
            return
        settings = self.state.faults.settings
        if settings.latency_ms:
            await asyncio.sleep(settings.latency_ms / 1000)
        bucket = self.state.faults.bucket
        wait_s = bucket.take() if bucket is not None else 0.0
        if bucket is not None and wait_s:
            problem, headers = too_many_requests(wait_s, bucket)
            await json_response(problem.body(raw_path), 429, headers)(scope, receive, send)
            return
        fault = self.state.faults.decide(method, raw_path)
        if fault is not None and fault.kind == "drop":
            _drop(receive)
            return
        if fault is not None and fault.kind not in ("drop_after", "slow"):
            status = int(fault.kind)
            problem = ApiProblem(status, "injected_fault", f"Injected fault {status}")
            headers = {"Retry-After": f"{fault.retry_after:g}"} if status == 429 else {}
            await json_response(problem.body(raw_path), status, headers)(scope, receive, send)
            return
        if not self.state.token_valid(_header(scope, b"authorization")):
            await json_response(UNAUTHORIZED, 401)(scope, receive, send)
            return
        segments = raw_path.split("/")
        if len(segments) > 2 and unquote(segments[2]) != self.state.tenant:
            problem = ApiProblem(403, "forbidden", "Access to this tenant is forbidden")
            await problem.response(raw_path)(scope, receive, send)
            return
        if fault is not None and fault.kind == "drop_after":  # process, then lose the answer
            await self.app(scope, receive, _discard)
            _drop(receive)
            return
        if fault is not None and fault.kind == "slow":  # process now, answer much later
            await self.app(scope, receive, _delayed(send, settings.slow_ms / 1000))
            return
        await self.app(scope, receive, send)

    def _template(self, scope: Scope) -> str | None:
        """The path template of the route the request goes to (or, if only its method
        differs, of the first route with its path): the key of ``Stats.by_route``."""
        partial = None
        for route in self.routes:
            match: Match = route.matches(scope)[0]
            if match == Match.FULL:
                return route.path
            if match == Match.PARTIAL and partial is None:
                partial = route.path
        return partial


def _header(scope: Scope, name: bytes) -> str | None:
    key: bytes
    value: bytes
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _discard(_message: Message) -> None:
    return None


def _delayed(send: Send, seconds: float) -> Send:
    """``send`` holding the answer back for ``seconds`` (ignored if the client left)."""

    async def delayed(message: Message) -> None:
        if message["type"] == "http.response.start":
            await asyncio.sleep(seconds)
        await send(message)

    return delayed


def _drop(receive: Receive) -> None:
    """Close the client's TCP connection without an HTTP answer (uvicorn's transport)."""
    owner = getattr(receive, "__self__", None)
    transport = getattr(owner, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: the server's transport is not reachable")
    transport.close()

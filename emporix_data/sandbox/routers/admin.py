"""Test-only admin routes under /_sandbox: stats, faults, reseeding, token expiry.

The middleware lets these through without a token and leaves them out of the stats.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.errors import ApiProblem
from emporix_data.sandbox.faults import FaultSettings
from emporix_data.sandbox.responses import json_response, read_object
from emporix_data.sandbox.state import Sandbox

router = APIRouter(prefix="/_sandbox")


@router.get("/stats")
async def stats(sandbox: Sandbox) -> Response:
    return json_response(sandbox.stats.as_dict())


@router.post("/stats/reset")
async def reset_stats(sandbox: Sandbox) -> Response:
    sandbox.stats.reset()
    return Response(status_code=204)


@router.get("/faults")
async def get_faults(sandbox: Sandbox) -> Response:
    return json_response(sandbox.faults.settings.as_dict())


@router.put("/faults")
async def put_faults(request: Request, sandbox: Sandbox) -> Response:
    try:
        settings = FaultSettings.from_dict(await read_object(request))
    except (TypeError, ValueError) as exc:
        raise ApiProblem(400, "bad_request", str(exc)) from None
    sandbox.faults.configure(settings)
    return json_response(settings.as_dict())


@router.post("/reset")
async def reset(request: Request, sandbox: Sandbox) -> Response:
    """Reseed (with the body's sizes, if any), clear stats, and go back to the faults and
    quirks the server was started with."""
    sizes = await read_object(request, empty_ok=True)
    sandbox.reseed(sizes)
    sandbox.faults.restore()
    sandbox.stats.reset()
    return Response(status_code=204)


@router.post("/tokens/expire")
async def expire_tokens(sandbox: Sandbox) -> Response:
    sandbox.tokens.clear()
    return Response(status_code=204)

"""The OAuth service: client-credentials tokens for the sandbox's one client."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response

from emporix_data.sandbox.responses import json_response
from emporix_data.sandbox.state import Sandbox

SCOPES = (
    "customer.customer_manage customermanagement.contact_manage "
    "customersegment.segment_manage shipping.shipping_manage"
)

router = APIRouter()


@router.post("/oauth/token")
async def token(request: Request, sandbox: Sandbox) -> Response:
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    if form.get("grant_type") != "client_credentials":
        return json_response(
            {"error": "unsupported_grant_type", "error_description": "use client_credentials"},
            400,
        )
    if (form.get("client_id"), form.get("client_secret")) != (
        sandbox.client_id,
        sandbox.client_secret,
    ):
        return json_response(
            {
                "fault": {
                    "faultstring": "Invalid client credentials",
                    "detail": {"errorcode": "oauth.v2.InvalidClientIdentifier"},
                }
            },
            401,
        )
    return json_response(
        {
            "access_token": sandbox.issue_token(),
            "token_type": "Bearer",
            "expires_in": sandbox.token_ttl_s,
            "scope": SCOPES,
        }
    )

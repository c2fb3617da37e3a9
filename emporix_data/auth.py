"""OAuth2 client-credentials tokens, reused until shortly before they expire."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from emporix_data.errors import ApiConnectionError, api_error_from_body
from emporix_data.settings import Settings

TOKEN_PATH = "/oauth/token"
# Renew this long before expiry, so that a token never expires in flight.
EXPIRY_MARGIN_S = 60.0


class TokenProvider:
    """Hands out a bearer token; one fetch at a time, shared by all worker threads.

    Emporix issues no refresh tokens: a new token is requested when the old one is
    about to expire, or when the API rejected it (``invalidate``).
    """

    def __init__(
        self,
        settings: Settings,
        http: httpx.Client,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._http = http
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self, rejected: str) -> None:
        """Forget ``rejected`` (unless another thread already replaced it)."""
        with self._lock:
            if self._token == rejected:
                self._token = None

    def _fetch(self) -> None:
        data = {
            "grant_type": "client_credentials",
            "client_id": self._settings.client_id,
            "client_secret": self._settings.client_secret.get_secret_value(),
        }
        try:
            response = self._http.post(TOKEN_PATH, data=data)
        except httpx.TransportError as exc:
            raise ApiConnectionError(
                message=f"cannot reach {self._settings.base_url}: {type(exc).__name__}",
                method="POST",
                path=TOKEN_PATH,
            ) from None
        if response.status_code != 200:
            try:
                body = response.json()
            except ValueError:
                body = response.text
            raise api_error_from_body(response.status_code, body, "POST", TOKEN_PATH)
        payload = response.json()
        expires_in = float(payload.get("expires_in") or 0)
        self._token = str(payload["access_token"])
        self._expires_at = self._clock() + max(expires_in - EXPIRY_MARGIN_S, expires_in / 2)

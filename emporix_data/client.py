"""One HTTP client for every Emporix call: auth, retries, typed errors, paging.

Resource modules build paths with ``api_path`` (every parameter percent-encoded) and
call ``EmporixClient.request`` or ``EmporixClient.fetch_all``; nothing else in the
package talks HTTP. When to retry lives in ``emporix_data.retry``, the pager in
``emporix_data.pagination``.
"""

from __future__ import annotations

import string
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from urllib.parse import quote

import httpx

from emporix_data.auth import TokenProvider
from emporix_data.errors import (
    ApiConnectionError,
    ApiError,
    EmporixError,
    UnsentConnectionError,
    api_error_from_body,
)
from emporix_data.pagination import PageSizes, ProgressCallback, fetch_all
from emporix_data.retry import RetryPolicy, Sleep, parse_retry_after
from emporix_data.settings import Settings
from emporix_data.values import is_missing

T = TypeVar("T")
K = TypeVar("K")
QueryParams = Mapping[str, str | int]
Headers = Mapping[str, str]


def encode_segment(value: object) -> str:
    """Percent-encode one path segment so that no id can change which resource is addressed.

    ``/``, ``?``, ``#`` and ``%`` are encoded, and a segment of only dots is encoded too,
    because HTTP clients and servers remove ``.`` and ``..`` segments.
    """
    if is_missing(value):
        raise ValueError("a missing id cannot address a resource")
    text = str(value)
    if not text:
        raise ValueError("an empty id cannot address a resource")
    encoded = quote(text, safe="")
    if set(encoded) == {"."}:
        encoded = encoded.replace(".", "%2E")
    return encoded


def api_path(template: str, **params: object) -> str:
    """Fill a spec path template such as ``/customer/{tenant}/customers/{customerNumber}``."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = names - params.keys()
    if missing:
        raise ValueError(f"missing path parameters: {sorted(missing)}")
    return template.format(**{name: encode_segment(params[name]) for name in names})


class EmporixClient:
    """A thread-safe client for one tenant; share one instance across threads.

    At most ``settings.concurrency`` of its calls are in flight at once, however many
    threads share it: the Overview loads its tables together through one client, and
    the tenant sees no more requests at a time than the setting says.
    """

    def __init__(self, settings: Settings, *, sleep: Sleep = time.sleep) -> None:
        self.settings = settings
        self._http = httpx.Client(
            base_url=settings.base_url,
            timeout=httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s),
            limits=httpx.Limits(
                max_connections=settings.concurrency * 2,
                max_keepalive_connections=settings.concurrency * 2,
            ),
            headers={"Accept": "application/json", "User-Agent": "emporix-data-ops"},
            follow_redirects=False,
        )
        self._tokens = TokenProvider(settings, self._http)
        self._retry = RetryPolicy(settings, sleep)
        self._in_flight = threading.BoundedSemaphore(settings.concurrency)
        self.page_sizes = PageSizes()  # what each list path's server honours

    def __enter__(self) -> EmporixClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def tenant(self) -> str:
        return self.settings.tenant

    def path(self, template: str, **params: object) -> str:
        """``api_path`` with this client's tenant and site filled in."""
        params.setdefault("tenant", self.settings.tenant)
        if "{site}" in template:
            params.setdefault("site", self.settings.site)
        return api_path(template, **params)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: object = None,
        headers: Headers | None = None,
    ) -> httpx.Response:
        """Send one call, retrying what is safe to retry (``emporix_data.retry``); raise a
        typed error otherwise."""
        method = method.upper()
        self._retry.gate.wait()
        retrying = self._retry.retrying(method)
        return retrying(self._send_authorized, method, path, params, json, headers)

    def map_concurrently(self, function: Callable[[K], T], items: Sequence[K]) -> list[T]:
        """``function`` over ``items`` on at most ``concurrency`` threads, in input order."""
        if len(items) <= 1:
            return [function(item) for item in items]
        workers = min(self.settings.concurrency, len(items))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(function, items))

    def fetch_all(
        self,
        path: str,
        parse: Callable[[bytes], Sequence[T]],
        *,
        params: QueryParams | None = None,
        page_size: int | None = None,
        total_header: bool = False,
        at_most: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[T]:
        """Every item of a paged list endpoint, in API order (``emporix_data.pagination``)."""
        return fetch_all(
            self,
            path,
            parse,
            params=params,
            page_size=page_size,
            total_header=total_header,
            at_most=at_most,
            progress=progress,
        )

    def _send_authorized(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        json: object,
        headers: Headers | None,
    ) -> httpx.Response:
        """One attempt; a rejected token is renewed and the call repeated once."""
        for renewed in (False, True):
            token = self._tokens.token()
            all_headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
            try:
                with self._in_flight:
                    response = self._http.request(
                        method, path, params=params, json=json, headers=all_headers
                    )
            except httpx.TransportError as exc:
                raise _connection_error(exc, method, path) from None
            if response.status_code == 401 and not renewed:
                self._tokens.invalidate(token)
                continue
            if response.status_code >= 400:
                raise _error_from_response(response, method, path)
            return response
        raise AssertionError("unreachable")


def _connection_error(exc: httpx.TransportError, method: str, path: str) -> ApiConnectionError:
    kind = (
        UnsentConnectionError
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        else ApiConnectionError
    )
    return kind(message=f"connection failed: {type(exc).__name__}", method=method, path=path)


def _error_from_response(response: httpx.Response, method: str, path: str) -> ApiError:
    try:
        body: object = response.json()
    except ValueError:
        body = response.text
    error = api_error_from_body(response.status_code, body, method, path)
    error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return error


__all__ = ["EmporixClient", "EmporixError", "api_path", "encode_segment"]

"""When a call is tried again, and how long every call of a client waits first.

GET, PUT and DELETE are retried on 429, 502, 503, 504 and broken connections. Other
methods (POST, PATCH) are retried only when the request certainly was not processed: a
429, or a connection that could not be opened. Waits follow the server's
``Retry-After``, else exponential backoff with jitter; a 429 pauses every call of the
client (``RateGate``), so that all workers of a push back off together.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from emporix_data.errors import ApiConnectionError, ApiError, UnsentConnectionError
from emporix_data.settings import Settings

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
Sleep = Callable[[float], None]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def is_retryable(exc: BaseException, method: str) -> bool:
    """Whether a failed call of ``method`` may be sent again without doing it twice."""
    if isinstance(exc, UnsentConnectionError):
        return True
    if isinstance(exc, ApiError):
        return exc.status == 429 or (exc.status in RETRY_STATUSES and method in IDEMPOTENT_METHODS)
    return isinstance(exc, ApiConnectionError) and method in IDEMPOTENT_METHODS


class RateGate:
    """One pause shared by all threads of a client: set by a 429, honoured by every call."""

    def __init__(self, sleep: Sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._until = 0.0

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._until - self._clock())

    def wait(self) -> None:
        """Sleep until the pause is over (no sleep at all when there is none)."""
        remaining = self.remaining()
        if remaining > 0:
            self._sleep(remaining)


class RetryPolicy:
    """The retry budget and backoff of one client, with the pause all its calls share."""

    def __init__(self, settings: Settings, sleep: Sleep) -> None:
        self._settings = settings
        self._sleep = sleep
        self.gate = RateGate(sleep)

    def retrying(self, method: str) -> Retrying:
        """A tenacity ``Retrying`` for one call of ``method``."""
        return Retrying(
            stop=stop_after_attempt(self._settings.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(lambda exc: is_retryable(exc, method)),
            sleep=self._sleep,
            reraise=True,
        )

    def _wait(self, state: RetryCallState) -> float:
        """The server's ``Retry-After``, else exponential backoff with jitter.

        A 429 pauses every call of this client for as long, so that all workers of a
        push back off together instead of each finding the limit anew.
        """
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, ApiError) else None
        if retry_after is not None:
            delay = min(float(retry_after), self._settings.backoff_max_s)
        else:
            base = self._settings.backoff_base_s
            exponential = base * 2 ** (state.attempt_number - 1)
            delay = min(exponential + random.uniform(0, base), self._settings.backoff_max_s)
        if isinstance(exc, ApiError) and exc.status == 429:
            self.gate.pause(delay)
        return delay

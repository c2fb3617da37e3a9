"""A tenant's request-rate limit, as an API gateway enforces it: a token bucket.

The bucket holds ``burst`` requests and refills at ``per_s`` requests a second; a request
that finds it empty is answered 429 with ``Retry-After`` in whole seconds (the header's
delta-seconds form), the time until a token is back, rounded up. Emporix documents no
limits for these services, so the sandbox has none unless its options set one (the
benchmark does).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from emporix_data.sandbox.errors import ApiProblem


class TokenBucket:
    """``burst`` requests at once, ``per_s`` a second sustained. Thread-safe."""

    def __init__(
        self, per_s: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_s <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.per_s = per_s
        self.burst = burst
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def take(self) -> float:
        """0 if a request may pass now (it takes a token), else the seconds until one may."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.per_s)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.per_s


def too_many_requests(wait_s: float, bucket: TokenBucket) -> tuple[ApiProblem, dict[str, str]]:
    """The 429 answer to a request the bucket refused, and its ``Retry-After`` header."""
    problem = ApiProblem(
        429,
        "too_many_requests",
        f"Rate limit exceeded: at most {bucket.per_s:g} requests per second "
        f"(bursts of {bucket.burst}) for this tenant",
    )
    return problem, {"Retry-After": str(max(1, math.ceil(wait_s)))}

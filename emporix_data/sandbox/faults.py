"""Fault injection: added latency, a rate of random faults, and queued deterministic ones.

Kinds: an HTTP status (``429`` with ``Retry-After``, ``5xx``); ``drop`` (connection closed,
request not processed); ``drop_after`` (processed, answer lost); ``slow`` (processed, but
answered only after ``slow_ms``, longer than a client's read timeout, so the client
cannot tell whether it was applied).
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_KINDS = ("429", "500", "502", "503", "504", "drop", "drop_after", "slow")


@dataclass
class QueuedFault:
    kind: str
    count: int = 1
    method: str | None = None
    path_contains: str | None = None
    retry_after: float | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path_contains is None or self.path_contains in path
        )


@dataclass
class FaultSettings:
    latency_ms: int = 0
    fault_rate: float = 0.0
    fault_kinds: list[str] = field(default_factory=lambda: ["429", "500", "503", "drop"])
    retry_after_s: float = 1
    slow_ms: int = 10_000
    seed: int = 0
    queued: list[QueuedFault] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultSettings:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["queued"] = [QueuedFault(**item) for item in values.get("queued") or []]
        settings = cls(**values)
        for kind in [*settings.fault_kinds, *(q.kind for q in settings.queued)]:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        if not 0 <= settings.fault_rate <= 1:
            raise ValueError("fault_rate must be between 0 and 1")
        if settings.slow_ms < 0 or settings.latency_ms < 0:
            raise ValueError("slow_ms and latency_ms must not be negative")
        return settings


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: float


class FaultInjector:
    """Decides, per request, whether it fails and how. Thread-safe."""

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self.configure(settings)

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._rng = random.Random(settings.seed)

    def decide(self, method: str, path: str) -> Fault | None:
        with self._lock:
            settings = self.settings
            for queued in settings.queued:
                if queued.count > 0 and queued.matches(method, path):
                    queued.count -= 1
                    retry_after = queued.retry_after
                    return Fault(
                        queued.kind, settings.retry_after_s if retry_after is None else retry_after
                    )
            if settings.fault_rate and self._rng.random() < settings.fault_rate:
                return Fault(self._rng.choice(settings.fault_kinds), settings.retry_after_s)
        return None

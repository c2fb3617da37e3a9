"""Commands the benchmark runs as child processes: their wall time and peak memory.

Peak memory is the child's resident high-water mark (``VmHWM`` of its own address space),
read from ``/proc`` every 50 ms until it exits. Not ``wait4``'s ``ru_maxrss``: a child
started by ``vfork`` inherits the parent's high-water mark through ``exec``, and the
benchmark's own process is large by then. The same watcher stops a child whose resident
size passes a cap, so that a command which holds everything cannot take the machine
down with it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from emporix_data.settings import Settings

CLI = str(Path(sys.executable).parent / "emporix-data")
WATCH_INTERVAL_S = 0.05


@dataclass(frozen=True)
class ChildRun:
    """How a child ended: seconds, peak resident MB, exit code, whether the memory cap
    stopped it, and what it wrote to stderr."""

    seconds: float
    peak_mb: float
    returncode: int
    stopped: bool
    stderr: str


def tenant_env(settings: Settings) -> dict[str, str]:
    """This environment, with the ``EMPORIX_*`` settings of ``settings``' tenant only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")}
    env.update(
        EMPORIX_API_URL=settings.base_url,
        EMPORIX_TENANT=settings.tenant,
        EMPORIX_CLIENT_ID=settings.client_id,
        EMPORIX_CLIENT_SECRET=settings.client_secret.get_secret_value(),
        EMPORIX_CONCURRENCY=str(settings.concurrency),
    )
    return env


def run_child(command: Sequence[str], env: dict[str, str], cap_mb: float) -> ChildRun:
    """Run ``command`` to its end (or until it passes ``cap_mb`` resident)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        ended = threading.Event()
        stopped = threading.Event()
        peak_mb = [0.0]

        def watch() -> None:
            status = Path(f"/proc/{child.pid}/status")
            while not ended.wait(WATCH_INTERVAL_S):
                with contextlib.suppress(OSError, ValueError):
                    text = status.read_text()
                    peak_mb[0] = max(peak_mb[0], _status_mb(text, "VmHWM:"))
                    if _status_mb(text, "VmRSS:") > cap_mb and not ended.is_set():
                        stopped.set()
                        child.kill()
                        return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        child.wait()
        seconds = time.perf_counter() - started
        ended.set()
        watcher.join()
        errors.seek(0)
        text = errors.read().decode(errors="replace")
    return ChildRun(seconds, peak_mb[0], child.returncode, stopped.is_set(), text)


def _status_mb(status: str, field: str) -> float:
    for line in status.splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0

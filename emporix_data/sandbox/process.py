"""A sandbox served by a child process: its own interpreter and GIL, as a remote API would
be, so that measuring a client does not also measure the server's CPU time.

The child is a fresh interpreter calling ``serve_until_told`` (``python -c``), not a
multiprocessing spawn: spawn re-runs the parent's ``__main__`` in the child, and under
pytest that may be whatever script ran last (Streamlit's AppTest leaves its own there).
The configuration goes to the child as one JSON line on stdin, the child answers with one
JSON line on stdout once it serves, and it stops when stdin says ``stop`` or closes (the
parent died).
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from emporix_data.sandbox.seed import SeedSizes
from emporix_data.sandbox.server import SandboxConfig, start_sandbox

# Not ``-m`` this module: the package imports it first, and runpy warns of that.
CHILD = "from emporix_data.sandbox.process import serve_until_told; serve_until_told()"


class SandboxProcess:
    """A sandbox serving from a child process; ``stop()`` (or leaving ``with``) ends it."""

    def __init__(
        self, config: SandboxConfig, url: str, reused: bool, child: subprocess.Popen[str]
    ) -> None:
        self.config = config
        self.url = url
        self.reused = reused
        self._child = child

    def stop(self) -> None:
        if self._child.poll() is None and self._child.stdin is not None:
            try:
                self._child.stdin.write("stop\n")
                self._child.stdin.close()
            except OSError:
                pass
        try:
            self._child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait(timeout=10)
        if self._child.stdout is not None:
            self._child.stdout.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox_process(
    config: SandboxConfig, host: str = "127.0.0.1", timeout_s: float = 900
) -> SandboxProcess:
    """Seed or reopen the data and serve it from a child process; return once it answers."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(json.dumps({"config": config_to_json(config), "host": host}) + "\n")
    child.stdin.flush()
    try:
        answer = _read_line(child.stdout, timeout_s)
    except TimeoutError:
        child.kill()
        child.wait(timeout=10)
        raise RuntimeError(f"the sandbox process did not start within {timeout_s:g} s") from None
    if not answer:
        child.wait(timeout=10)
        raise RuntimeError(f"the sandbox process failed to start (exit code {child.returncode})")
    started = json.loads(answer)
    return SandboxProcess(config, started["url"], started["reused"], child)


def config_to_json(config: SandboxConfig) -> dict[str, Any]:
    return {**asdict(config), "db_path": str(config.db_path)}


def config_from_json(data: dict[str, Any]) -> SandboxConfig:
    return SandboxConfig(
        **{**data, "db_path": Path(data["db_path"]), "sizes": SeedSizes(**data["sizes"])}
    )


def _read_line(stream: IO[str], timeout_s: float) -> str:
    """One line from ``stream``, or ``TimeoutError`` after ``timeout_s`` (seeding a large
    tenant takes minutes; a child that hangs must not hang the caller for ever)."""
    ready, _, _ = select.select([stream], [], [], timeout_s)
    if not ready:
        raise TimeoutError
    return stream.readline()


def serve_until_told() -> None:
    """The child: serve the configured sandbox until stdin says stop or closes."""
    request = json.loads(sys.stdin.readline())
    running = start_sandbox(config_from_json(request["config"]), request["host"])
    print(json.dumps({"url": running.url, "reused": running.reused}), flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
    finally:
        running.stop()

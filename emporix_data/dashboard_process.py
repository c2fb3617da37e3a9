"""The dashboard as a child process, and the Chromium that looks at it.

The benchmark and the browser tests start ``streamlit run app.py`` the same way, through
:func:`streamlit_app`; it runs Streamlit as a subprocess, so nothing here imports it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def streamlit_app(env: dict[str, str], timeout_s: float = 120) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 with ``env``; yields its URL once healthy."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit never became healthy")
            time.sleep(0.2)  # readiness probe interval
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def chromium_executable() -> str | None:
    """Debian's Chromium where installed, else the one ``playwright install`` fetched."""
    return str(SYSTEM_CHROMIUM) if SYSTEM_CHROMIUM.exists() else None

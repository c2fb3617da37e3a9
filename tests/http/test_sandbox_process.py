"""The sandbox in a child process (the benchmark's server) starts, serves and stops."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import httpx
import pytest

from emporix_data.sandbox import SandboxConfig, SeedSizes, start_sandbox_process


def test_the_child_never_runs_the_parents_main_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "main.py"
    script.write_text("raise SystemExit('the parent main script ran in the sandbox child')\n")
    parent_main = types.ModuleType("__main__")
    parent_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", parent_main)
    config = SandboxConfig(db_path=tmp_path / "s.db", sizes=SeedSizes(customers=5, segments=1))

    with start_sandbox_process(config) as sandbox:
        stats = httpx.get(f"{sandbox.url}/_sandbox/stats", timeout=30)
        assert stats.status_code == 200
        assert stats.json()["total"] == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sandbox.url}/_sandbox/stats", timeout=5)

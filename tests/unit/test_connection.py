"""Connecting to a configured tenant loads no part of the embedded sandbox."""

import json
import os
import subprocess
import sys

from tests.support import ROOT

SANDBOX_ONLY = ("fastapi", "starlette", "uvicorn", "faker")
# What the dashboard and the CLI import from the library when they talk to a tenant.
PROGRAM = f"""
import json, sys
import emporix_data.cli, emporix_data.client, emporix_data.export, emporix_data.journal
import emporix_data.push, emporix_data.tables, emporix_data.undo
from emporix_data.connection import connect

connection = connect()
print(json.dumps({{
    "sandbox": connection.is_sandbox,
    "label": connection.label,
    "loaded": [name for name in {SANDBOX_ONLY!r} if name in sys.modules],
}}))
"""


def test_a_configured_tenant_never_loads_fastapi_uvicorn_or_faker():
    env = {name: value for name, value in os.environ.items() if not name.startswith("EMPORIX_")}
    env |= {
        "EMPORIX_TENANT": "shop1",
        "EMPORIX_CLIENT_ID": "client",
        "EMPORIX_CLIENT_SECRET": "secret",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout)
    assert found == {
        "sandbox": False,
        "label": "tenant shop1 on https://api.emporix.io",
        "loaded": [],
    }

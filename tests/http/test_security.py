"""Trust: no secret or token leaks anywhere, TLS is always verified, the sandbox locks out.

The leak tests run everything a user does (loads, exports in every format, a push with
a failing row, bad credentials, bad settings, the dashboard) against a sandbox with a
distinctive secret, then search every text the product produced for the secret and
for every bearer token it was handed.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
import streamlit as st
from click.testing import Result
from pydantic import SecretStr
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Node
from typer.testing import CliRunner

from emporix_data.auth import TokenProvider
from emporix_data.cli import app as cli_app
from emporix_data.client import EmporixClient
from emporix_data.errors import AuthError
from emporix_data.sandbox import RunningSandbox, SandboxConfig, SeedSizes, start_sandbox
from emporix_data.settings import Settings, SettingsError, load_settings
from emporix_data.tables import TABLES, load_references, load_table
from tests.support import APP

SECRET = "sk-live-" + "9f2c4e6a8b1d3f5a7c9e"
WRONG_SECRET = "sk-wrong-" + "0a1b2c3d4e5f6a7b8c9d"
NUMERIC_SECRET = 918273645546372819


@dataclass
class Evidence:
    """What the product said, wrote and raised during a test."""

    outputs: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def file_text(path: Path) -> str:
    """A file's content as searchable text, whatever its format (XLSX and Parquet compress)."""
    if path.suffix == ".db":
        with sqlite3.connect(path) as db:
            return "\n".join(db.iterdump())
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    if path.suffix == ".parquet":
        return pd.read_parquet(io.BytesIO(data)).to_csv() + data.decode("latin-1")
    return data.decode("utf-8")


def all_texts(evidence: Evidence, records: list[logging.LogRecord]) -> dict[str, str]:
    """Every place a secret could leak to, by source: logs, output, files, exceptions.

    Files include the push journal (a SQLite ``.db``, searched as a full SQL dump).
    This is the one list of sources: add new ones here and every leak test searches
    them too.
    """
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = {f"log {r.name} #{n}": formatter.format(r) for n, r in enumerate(records)}
    texts.update(evidence.outputs)
    texts.update({f"file {path.name}": file_text(path) for path in evidence.files})
    for n, exc in enumerate(evidence.errors):
        texts[f"error #{n} {type(exc).__name__}"] = "\n".join(
            [str(exc), repr(exc), *traceback.format_exception(exc)]
        )
    return texts


def fragments(secret: str, width: int = 8) -> set[str]:
    """Every ``width``-character slice of ``secret`` (a cut-off token leaks as much)."""
    return {secret[start : start + width] for start in range(max(1, len(secret) - width + 1))}


def assert_nothing_leaks(texts: dict[str, str], secrets: list[str]) -> None:
    """No secret, nor any 8 characters of one, in any text; the failure names the sources,
    never the secret."""
    assert secrets, "no secret or token captured: the test would prove nothing"
    pieces = {piece for secret in secrets for piece in fragments(secret)}
    leaks = {source for source, text in texts.items() if any(p in text for p in pieces)}
    assert not leaks, f"secret or token (or 8 characters of one) found in: {sorted(leaks)}"


@pytest.fixture(scope="module")
def secret_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """A sandbox of its own, accepting only ``SECRET``."""
    db = tmp_path_factory.mktemp("secret-sandbox") / "s.db"
    config = SandboxConfig(
        db_path=db, client_secret=SECRET, sizes=SeedSizes(customers=40, segments=2)
    )
    with start_sandbox(config) as running:
        yield running


@pytest.fixture
def issued_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every bearer token the product's clients were handed during the test."""
    tokens: list[str] = []
    original = TokenProvider.token

    def recording(self: TokenProvider) -> str:
        token = original(self)
        tokens.append(token)
        return token

    monkeypatch.setattr(TokenProvider, "token", recording)
    return tokens


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """All log records at DEBUG, httpx's and httpcore's included."""
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "emporix_data"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No EMPORIX_* variable of the machine running the tests gets mixed in."""
    for name in [name for name in os.environ if name.startswith("EMPORIX_")]:
        monkeypatch.delenv(name)


def sandbox_env(sandbox: RunningSandbox, **overrides: str) -> dict[str, str]:
    return {
        "EMPORIX_API_URL": sandbox.url,
        "EMPORIX_TENANT": sandbox.config.tenant,
        "EMPORIX_CLIENT_ID": sandbox.config.client_id,
        "EMPORIX_CLIENT_SECRET": SECRET,
        "EMPORIX_MAX_RETRIES": "0",
        **overrides,
    }


def run_cli(evidence: Evidence, name: str, args: list[str], env: dict[str, str]) -> Result:
    """The ``emporix-data`` command in this process, so that its logs are captured too."""
    result = CliRunner().invoke(cli_app, args, env=env)
    evidence.outputs[f"cli {name} stdout"] = result.stdout
    evidence.outputs[f"cli {name} stderr"] = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        evidence.errors.append(result.exception)
    return result


def queue_fault(sandbox: RunningSandbox, **fault: Any) -> None:
    with httpx.Client(base_url=sandbox.url) as admin:
        faults = admin.get("/_sandbox/faults").json()
        faults["queued"] = [fault]
        admin.put("/_sandbox/faults", json=faults).raise_for_status()


@pytest.mark.usefixtures("clean_environment")
def test_no_secret_or_token_in_logs_cli_output_exports_or_errors(
    secret_sandbox, tmp_path, logs, issued_tokens
):
    evidence = Evidence()
    journal = tmp_path / "journal.db"
    env = sandbox_env(secret_sandbox, EMPORIX_JOURNAL_DB=str(journal))

    settings = load_settings(env)
    evidence.outputs["settings repr"] = f"{settings!r} {settings} {settings.model_dump_json()}"
    with EmporixClient(settings) as client:
        for name, table in TABLES.items():
            assert len(load_table(client, name).frame) > 0
            load_references(client, table.references)

    for fmt in ("csv", "xlsx", "parquet", "json"):
        out = tmp_path / f"customers.{fmt}"
        result = run_cli(evidence, f"export {fmt}", ["export", "customers", "-o", str(out)], env)
        assert result.exit_code == 0, result.output
        evidence.files.append(out)

    edited_file = tmp_path / "edited.csv"
    edited = pd.read_csv(tmp_path / "customers.csv", dtype=str, keep_default_na=False)
    edited.loc[0, "firstName"] = "Fails at the API"
    edited.loc[1, "contactEmail"] = "not-an-email"
    edited.to_csv(edited_file, index=False)
    planned = run_cli(evidence, "plan", ["plan", "customers", str(edited_file)], env)
    assert planned.exit_code == 1 and "1 to update" in planned.stdout
    queue_fault(secret_sandbox, kind="500", method="PATCH")
    results, errors = tmp_path / "results.csv", tmp_path / "errors.csv"
    push_args = ["push", "customers", str(edited_file), "--yes", "--results", str(results)]
    pushed = run_cli(evidence, "push", [*push_args, "--errors", str(errors)], env)
    assert "0 applied, 1 failed" in pushed.stdout and "1 invalid rows" in pushed.stdout
    push_id = pushed.stdout.split("push ", 1)[1].split(":", 1)[0]
    resumed = run_cli(evidence, "resume", ["resume", push_id, "--retry-failed", "--yes"], env)
    assert resumed.exit_code == 0 and "1 applied, 0 failed" in resumed.stdout, resumed.output
    undone = run_cli(evidence, "undo", ["undo", push_id, "--yes"], env)
    assert undone.exit_code == 0 and "1 to update" in undone.stdout, undone.output
    listed = run_cli(evidence, "history", ["history"], env)
    assert push_id in listed.stdout and f"undo of {push_id}" in listed.stdout
    evidence.files += [results, errors, journal]

    bad = run_cli(
        evidence,
        "bad secret",
        ["export", "customers", "-o", str(tmp_path / "never.csv")],
        sandbox_env(secret_sandbox, EMPORIX_CLIENT_SECRET=WRONG_SECRET),
    )
    assert bad.exit_code == 1 and "401" in bad.stderr
    wrong = settings.model_copy(update={"client_secret": SecretStr(WRONG_SECRET)})
    with pytest.raises(AuthError) as rejected, EmporixClient(wrong) as client:
        load_table(client, "customers")
    evidence.errors.append(rejected.value)

    invalid = run_cli(
        evidence,
        "bad settings",
        ["export", "customers", "-o", str(tmp_path / "never.csv")],
        sandbox_env(secret_sandbox, EMPORIX_TENANT="Not A Tenant!", EMPORIX_API_URL="nope"),
    )
    assert invalid.exit_code == 1 and "EMPORIX_TENANT" in invalid.stderr
    for values in (
        {"tenant": "x", "client_id": "", "client_secret": SECRET, "api_url": "ftp:/x"},
        {"tenant": "demo", "client_id": "c", "client_secret": NUMERIC_SECRET},
    ):
        with pytest.raises(SettingsError) as refused:
            load_settings(values)
        evidence.errors.append(refused.value)

    records = logs.records
    assert any(r.name == "httpx" and "HTTP Request" in r.getMessage() for r in records)
    texts = all_texts(evidence, records)
    assert "Injected fault 500" in texts["file results.csv"]
    assert "Fails at the API" in texts["file journal.db"]
    assert sum(name.startswith("file ") for name in texts) == 7
    assert_nothing_leaks(texts, [SECRET, WRONG_SECRET, str(NUMERIC_SECRET), *set(issued_tokens)])


def app_text(at: AppTest) -> str:
    """Everything the dashboard rendered: every element's message and every table's cells."""
    parts: list[str] = []

    def walk(node: Node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if type(node).__name__ == "Dataframe":
            parts.append(node.value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


@pytest.mark.usefixtures("clean_environment")
def test_dashboard_never_shows_the_secret_or_token(secret_sandbox, logs, issued_tokens):
    evidence = Evidence()
    for label, secret in (("right secret", SECRET), ("wrong secret", WRONG_SECRET)):
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["emporix"] = {**sandbox_env(secret_sandbox), "EMPORIX_CLIENT_SECRET": secret}
        at.run()
        at.switch_page("pages/customers.py").run()
        assert not at.exception, at.exception
        evidence.outputs[f"dashboard with the {label}"] = app_text(at)
    st.cache_resource.clear()
    assert "Loaded 40 rows" in evidence.outputs["dashboard with the right secret"]
    assert "HTTP 401" in evidence.outputs["dashboard with the wrong secret"]
    assert_nothing_leaks(all_texts(evidence, logs.records), [SECRET, WRONG_SECRET, *issued_tokens])


def test_expired_token_is_refused_by_the_sandbox(sandbox, admin, token_for):
    token = token_for(sandbox.url)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{sandbox.url}/customer/demo/customers", headers=headers).status_code == 200
    admin.expire_tokens()
    refused = httpx.get(f"{sandbox.url}/customer/demo/customers", headers=headers)
    assert refused.status_code == 401


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_sandbox_refuses_writes_to_another_tenant(api, method):
    path = {
        "POST": "/customer/other/customers",
        "PUT": "/customer/other/customers/00000001",
        "PATCH": "/customer/other/customers/00000001",
        "DELETE": "/customer/other/customers/00000001",
    }[method]
    body = None if method == "DELETE" else {"firstName": "Intruder"}
    response = api.request(method, path, json=body)
    assert response.status_code == 403
    own = api.get("/customer/demo/customers/00000001")
    assert own.status_code == 200 and own.json()["firstName"] != "Intruder"


def test_settings_repr_and_errors_keep_the_secret_hidden():
    settings = Settings(tenant="demo", client_id="c", client_secret=SECRET)
    assert SECRET not in f"{settings!r} {settings} {settings.model_dump_json()}"
    with pytest.raises(SettingsError) as refused:
        load_settings({"tenant": "demo", "client_id": "c", "client_secret": NUMERIC_SECRET})
    assert "EMPORIX_CLIENT_SECRET" in str(refused.value)
    assert str(NUMERIC_SECRET) not in str(refused.value)

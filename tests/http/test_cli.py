"""The command line as a user runs it: start a sandbox, export from it."""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from emporix_data.resources.customers import CUSTOMER_SCHEMA

CLI = str(Path(sys.executable).parent / "emporix-data")


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> list[str]:
    """Lines printed by ``process`` up to the one containing ``marker``."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} never printed; got {seen}")


@contextlib.contextmanager
def sandbox_command(db: Path, *options: str) -> Iterator[tuple[dict[str, str], list[str]]]:
    """`emporix-data sandbox` with ``options`` in its own process, on a free port: the
    environment it printed (a journal next to ``db``) and the lines it printed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with subprocess.Popen(
        [CLI, "sandbox", "--port", str(port), "--db", str(db), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        try:
            lines = read_until(process, "EMPORIX_CLIENT_SECRET=", timeout=60)
            printed = dict(
                line.removeprefix("export ").split("=", 1) for line in lines if "=" in line
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")}
            env.update({k: v for k, v in printed.items() if k.startswith("EMPORIX_")})
            env["EMPORIX_JOURNAL_DB"] = str(db.parent / "journal.db")
            yield env, lines
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def cli_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`emporix-data sandbox` in its own process; yields the environment it printed."""
    db = tmp_path_factory.mktemp("cli") / "s.db"
    with sandbox_command(db, "--customers", "57") as (env, _lines):
        yield env


def test_a_sandbox_started_with_a_rate_limit_answers_429_past_its_burst(tmp_path):
    limit = ("--rate-limit", "0.01", "--rate-burst", "2", "--customers", "5")
    with sandbox_command(tmp_path / "s.db", *limit) as (env, lines):
        assert "At most 0.01 requests a second (bursts of 2)" in "\n".join(lines)
        url = env["EMPORIX_API_URL"]
        token = httpx.post(
            f"{url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": env["EMPORIX_CLIENT_ID"],
                "client_secret": env["EMPORIX_CLIENT_SECRET"],
            },
        ).json()["access_token"]
        path = f"{url}/customer/{env['EMPORIX_TENANT']}/customers"
        answers = [httpx.get(path, headers={"Authorization": f"Bearer {token}"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].headers["Retry-After"] == "100"


def test_sandbox_prints_credentials_that_work_for_export(cli_sandbox, tmp_path):
    assert cli_sandbox["EMPORIX_TENANT"] == "demo"
    assert cli_sandbox["EMPORIX_API_URL"].startswith("http://127.0.0.1:")
    out = tmp_path / "c.csv"
    result = run_cli("export", "customers", "-o", str(out), env=cli_sandbox)
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    fixed, found = (
        frame.columns[: len(CUSTOMER_SCHEMA.names)],
        frame.columns[len(CUSTOMER_SCHEMA.names) :],
    )
    assert list(fixed) == CUSTOMER_SCHEMA.names
    assert "mixins.loyalty.tier" in found and all(name.startswith("mixins.") for name in found)
    assert len(frame) == 57
    assert frame["customerNumber"].str.fullmatch(r"\d{8}").all()
    assert "Wrote 57 rows" in result.stderr


@pytest.mark.parametrize(
    ("resource", "suffix"),
    [
        ("contact-assignments", "xlsx"),
        ("segment-memberships", "parquet"),
        ("customer-groups", "json"),
    ],
)
def test_every_resource_exports_in_every_format(cli_sandbox, tmp_path, resource, suffix):
    out = tmp_path / f"out.{suffix}"
    result = run_cli("export", resource, "-o", str(out), env=cli_sandbox)
    assert result.returncode == 0, result.stderr
    reader = {"xlsx": pd.read_excel, "parquet": pd.read_parquet, "json": pd.read_json}[suffix]
    frame = reader(out)
    assert len(frame) > 0


def test_export_without_settings_explains_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")}
    result = run_cli("export", "customers", "-o", str(tmp_path / "x.csv"), env=env)
    assert result.returncode == 1
    assert "EMPORIX_TENANT" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_of_an_unknown_resource_is_refused(cli_sandbox, tmp_path):
    result = run_cli("export", "orders", "-o", str(tmp_path / "x.csv"), env=cli_sandbox)
    assert result.returncode == 1
    assert "unknown resource" in result.stderr


def test_export_edit_plan_push_round_trip_from_the_command_line(cli_sandbox, tmp_path):
    exported = tmp_path / "customers.csv"
    assert run_cli("export", "customers", "-o", str(exported), env=cli_sandbox).returncode == 0

    unchanged = run_cli("plan", "customers", str(exported), env=cli_sandbox)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "0 to create, 0 to update, 0 to delete, 0 invalid rows" in unchanged.stdout

    frame = pd.read_csv(exported, dtype=str, keep_default_na=False)
    frame.loc[0, "firstName"] = "Edited in a spreadsheet"
    frame.loc[1, "contactEmail"] = "not-an-email"
    frame.to_csv(exported, index=False)

    planned = run_cli("plan", "customers", str(exported), env=cli_sandbox)
    assert planned.returncode == 1
    assert "1 to update" in planned.stdout and "1 invalid rows" in planned.stdout
    assert "contactEmail" in planned.stdout

    results, errors = tmp_path / "results.csv", tmp_path / "errors.csv"
    pushed = run_cli(
        *("push", "customers", str(exported), "--yes"),
        *("--results", str(results), "--errors", str(errors)),
        env=cli_sandbox,
    )
    assert pushed.returncode == 1, "an invalid row makes the exit status non-zero"
    assert "1 applied, 0 failed, 0 conflicts, 1 invalid" in pushed.stdout
    lines = pd.read_csv(results, dtype=str)
    assert lines[["row", "outcome"]].values.tolist() == [["row 2", "applied"], ["row 3", "invalid"]]
    assert "contactEmail" in lines.loc[1, "message"]
    fix = pd.read_csv(errors, dtype=str, keep_default_na=False)
    assert fix["contactEmail"].tolist() == ["not-an-email"], "the row as it was uploaded"
    assert fix["customerNumber"].tolist() == [frame.loc[1, "customerNumber"]]
    assert fix["_error"].iloc[0].startswith("invalid: contactEmail")

    again = tmp_path / "again.csv"
    assert run_cli("export", "customers", "-o", str(again), env=cli_sandbox).returncode == 0
    reloaded = pd.read_csv(again, dtype=str, keep_default_na=False)
    assert reloaded.loc[0, "firstName"] == "Edited in a spreadsheet"
    assert reloaded.loc[1, "contactEmail"] != "not-an-email"

    # The pushed file, planned again: its versions are older now, its change is made.
    replanned = run_cli("plan", "customers", str(exported), env=cli_sandbox)
    assert "0 to update" in replanned.stdout and "read-only" not in replanned.stdout
    frame.loc[0, "firstName"] = "Edited on an old export"
    frame.to_csv(exported, index=False)
    stale = run_cli("plan", "customers", str(exported), env=cli_sandbox)
    assert stale.returncode == 1
    assert "changed since the file was exported" in " ".join(stale.stdout.split())


def test_push_without_yes_asks_and_sends_nothing_when_declined(cli_sandbox, tmp_path):
    exported = tmp_path / "groups.csv"
    assert (
        run_cli("export", "customer-groups", "-o", str(exported), env=cli_sandbox).returncode == 0
    )
    frame = pd.read_csv(exported, dtype=str, keep_default_na=False)
    frame.loc[0, "groupId"] = "declined"
    frame.to_csv(exported, index=False)
    declined = subprocess.run(
        [CLI, "push", "customer-groups", str(exported)],
        env=cli_sandbox,
        input="n\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert declined.returncode == 1
    assert "nothing was sent" in declined.stderr
    assert run_cli("plan", "customer-groups", str(exported), env=cli_sandbox).returncode == 0
    assert (
        "1 to update" in run_cli("plan", "customer-groups", str(exported), env=cli_sandbox).stdout
    )


def test_push_is_journaled_listed_in_history_and_undone_from_the_command_line(
    cli_sandbox, tmp_path
):
    exported = tmp_path / "groups.csv"
    assert (
        run_cli("export", "customer-groups", "-o", str(exported), env=cli_sandbox).returncode == 0
    )
    original = pd.read_csv(exported, dtype=str, keep_default_na=False)
    edited = original.copy()
    edited.loc[0, "groupId"] = "journaled"
    edited.to_csv(exported, index=False)
    pushed = run_cli("push", "customer-groups", str(exported), "--yes", env=cli_sandbox)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    push_id = pushed.stdout.split("push ", 1)[1].split(":", 1)[0]

    listed = run_cli("history", env=cli_sandbox)
    line = next(line for line in listed.stdout.splitlines() if push_id in line)
    assert "customer-groups" in line and "finished" in line and "groups.csv" in line

    undone = run_cli("undo", push_id, "--yes", env=cli_sandbox)
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert "1 to update" in undone.stdout
    after = tmp_path / "after.csv"
    assert run_cli("export", "customer-groups", "-o", str(after), env=cli_sandbox).returncode == 0
    restored = pd.read_csv(after, dtype=str, keep_default_na=False)
    assert restored.loc[0, "groupId"] == original.loc[0, "groupId"]
    assert f"undo of {push_id}" in run_cli("history", env=cli_sandbox).stdout


def test_resume_of_an_unknown_push_is_a_clear_error(cli_sandbox):
    result = run_cli("resume", "nosuchpush", "--yes", env=cli_sandbox)
    assert result.returncode == 1
    assert "no push 'nosuchpush'" in result.stderr
    assert "Traceback" not in result.stderr

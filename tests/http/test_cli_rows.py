"""Every row accounted for, from the command line: results and error files that name every
input row, exports that hold every row of a server capping its pages, and the journal's
pushes kept to the connection that made them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from emporix_data.cli import app as cli_app
from emporix_data.client import EmporixClient
from emporix_data.sandbox import RunningSandbox, SandboxConfig, SeedSizes, start_sandbox
from emporix_data.tables import TABLES, load_table
from tests.http.test_cli import run_cli, sandbox_command
from tests.support import fetch_token, sandbox_settings

CAP = 25
CUSTOMERS = 130


@pytest.fixture(scope="module")
def capped_cli_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`emporix-data sandbox --max-page-size 25` in its own process; its environment."""
    db = tmp_path_factory.mktemp("capped-cli") / "s.db"
    options = ("--customers", str(CUSTOMERS), "--max-page-size", str(CAP))
    with sandbox_command(db, *options) as (env, lines):
        assert f"Pages capped at {CAP} items" in "\n".join(lines)
        yield env


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_export_from_a_server_capping_its_pages_writes_every_customer(capped_cli_sandbox, tmp_path):
    out = tmp_path / "customers.csv"
    result = run_cli("export", "customers", "-o", str(out), env=capped_cli_sandbox)
    assert result.returncode == 0, result.stderr
    customers = read_csv(out)
    assert len(customers) == CUSTOMERS and customers["customerNumber"].is_unique
    assert f"Wrote {CUSTOMERS} rows" in result.stderr
    assert "warning" not in result.stderr


def test_a_file_with_an_unknown_customer_gets_every_row_in_results_and_it_in_errors(
    capped_cli_sandbox, tmp_path
):
    env = capped_cli_sandbox
    customers, members = tmp_path / "customers.csv", tmp_path / "members.csv"
    assert run_cli("export", "customers", "-o", str(customers), env=env).returncode == 0
    assert run_cli("export", "segment-memberships", "-o", str(members), env=env).returncode == 0
    people, memberships = read_csv(customers), read_csv(members)
    segment = memberships["segmentId"].iloc[0]
    taken = set(memberships.loc[memberships["segmentId"] == segment, "customerId"])
    b2c = people.loc[people["businessModel"] == "B2C", "customerNumber"]
    chosen = [number for number in b2c if number not in taken][:5]
    chosen.insert(3, "NO-SUCH-CUSTOMER")
    upload = tmp_path / "six.csv"
    pd.DataFrame({"segmentId": segment, "customerId": chosen, "legalEntityId": ""}).to_csv(
        upload, index=False
    )
    results, errors = tmp_path / "results.csv", tmp_path / "errors.csv"
    pushed = run_cli(
        *("push", "segment-memberships", str(upload), "--yes"),
        *("--results", str(results), "--errors", str(errors)),
        env=env,
    )
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr
    assert "5 applied, 0 failed, 0 conflicts, 1 invalid" in pushed.stdout
    lines = read_csv(results)
    assert lines["row"].tolist() == [f"row {line}" for line in range(2, 8)]
    assert lines["outcome"].tolist() == ["applied"] * 3 + ["invalid"] + ["applied"] * 2
    assert (
        lines.loc[3, "message"]
        == "customerId: 'NO-SUCH-CUSTOMER' refers to a customer that does not exist"
    )
    to_fix = read_csv(errors)
    assert to_fix[["segmentId", "customerId", "legalEntityId"]].values.tolist() == [
        [segment, "NO-SUCH-CUSTOMER", ""]
    ]
    assert to_fix["_error"].tolist() == [
        "invalid: customerId: 'NO-SUCH-CUSTOMER' refers to a customer that does not exist"
    ]


def test_history_resume_and_undo_keep_to_the_connection_in_use(capped_cli_sandbox, tmp_path):
    env = capped_cli_sandbox
    groups = tmp_path / "groups.csv"
    assert run_cli("export", "customer-groups", "-o", str(groups), env=env).returncode == 0
    edited = read_csv(groups)
    edited.loc[0, "groupId"] = "connection-test"
    edited.to_csv(groups, index=False)
    pushed = run_cli("push", "customer-groups", str(groups), "--yes", env=env)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    push_id = pushed.stdout.split("push ", 1)[1].split(":", 1)[0]
    assert push_id in run_cli("history", env=env).stdout

    url = env["EMPORIX_API_URL"]
    other = {**env, "EMPORIX_API_URL": url.replace("127.0.0.1", "localhost")}
    listed = run_cli("history", env=other)
    assert listed.returncode == 0 and push_id not in listed.stdout
    assert "No pushes journaled yet for tenant demo at http://localhost" in listed.stdout
    everything = run_cli("history", "--all", env=other).stdout
    line = next(line for line in everything.splitlines() if push_id in line)
    assert url in line
    for command in (["resume", push_id, "--retry-failed"], ["undo", push_id]):
        refused = run_cli(*command, "--yes", env=other)
        assert refused.returncode == 1
        assert f"made on tenant demo at {url}" in refused.stderr
        assert "Traceback" not in refused.stderr


@pytest.fixture(scope="module")
def capped_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    db = tmp_path_factory.mktemp("capped") / "s.db"
    config = SandboxConfig(db_path=db, sizes=SeedSizes(customers=150, segments=3), max_page_size=8)
    with start_sandbox(config) as running:
        yield running


def expected_rows(sandbox: RunningSandbox) -> dict[str, int]:
    """Each table's row count, from the store (customer groups: of the site ``main``)."""
    counts = sandbox.counts()
    token = fetch_token(sandbox.url)
    groups = httpx.get(
        f"{sandbox.url}/shipping/demo/main/cgrelations",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    return {
        "customers": counts["customers"],
        "contact-assignments": counts["contact_assignments"],
        "segment-memberships": counts["memberships"],
        "customer-groups": len(groups),
    }


READERS = {
    "csv": lambda path: pd.read_csv(path, dtype=str),
    "xlsx": lambda path: pd.read_excel(path, dtype=str),
    "parquet": pd.read_parquet,
    "json": lambda path: pd.read_json(path, orient="records", dtype=False),
}


@pytest.mark.parametrize("resource", list(TABLES))
def test_every_resource_exports_every_row_and_column_in_every_format(
    capped_sandbox, tmp_path, resource
):
    expected = expected_rows(capped_sandbox)[resource]
    assert expected > 8, "more rows than one capped page"
    with EmporixClient(sandbox_settings(capped_sandbox)) as client:
        columns = load_table(client, resource).schema.names  # customers: with mixin fields
    env = {
        "EMPORIX_API_URL": capped_sandbox.url,
        "EMPORIX_TENANT": "demo",
        "EMPORIX_CLIENT_ID": "demo-client",
        "EMPORIX_CLIENT_SECRET": "demo-secret",
    }
    for fmt, read in READERS.items():
        out = tmp_path / f"{resource}.{fmt}"
        result = CliRunner().invoke(cli_app, ["export", resource, "-o", str(out)], env=env)
        assert result.exit_code == 0, result.output
        frame = read(out)
        assert list(frame.columns) == columns, fmt
        assert len(frame) == expected, fmt

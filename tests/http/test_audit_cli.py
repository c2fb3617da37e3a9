"""`emporix-data audit` as a user runs it: the issue's verification scenario end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from emporix_data.tables import load_table
from tests.support import TenantApi, tenant_env

CLI = str(Path(sys.executable).parent / "emporix-data")


@pytest.fixture
def cli_env(sandbox, admin, tmp_path) -> dict[str, str]:
    """The command's environment: the test sandbox (freshly reset) and a journal."""
    return tenant_env(
        sandbox,
        EMPORIX_JOURNAL_DB=str(tmp_path / "journal.db"),
    )


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def counts(output: str) -> dict[str, str]:
    """check -> findings, from the printed table."""
    found = re.findall(r"^\s*([a-z0-9-]+)\s+(\d+)\s+(?:\d+|report only)\s*$", output, re.M)
    return dict(found)


def test_the_verification_scenario_from_the_command_line(client, cli_env, tmp_path):
    tenant = TenantApi(client)
    memberships = load_table(client, "segment-memberships").frame
    customers = load_table(client, "customers").frame.set_index("customerNumber")
    b2c = memberships[memberships["legalEntityId"].isna()]
    gone = b2c["customerId"].iloc[0]
    orphans = memberships[memberships["customerId"] == gone]
    first, second = [c for c in customers.index if c != gone][:2]
    b2b = next(c for c in customers.index if customers.at[c, "businessModel"] == "B2B")
    segment = memberships["segmentId"].iloc[0]
    # Someone deletes a customer in a segment, types a second customer's e-mail in
    # another case, and writes a B2B customer's membership through the B2C endpoint.
    assert tenant.delete_customer(gone) in (202, 204)
    email = customers.at[first, "contactEmail"]
    assert tenant.patch_customer(second, {"contactEmail": f" {email.upper()}"}) == 200
    assert tenant.put_membership(segment, b2b) == 201

    report = tmp_path / "f.csv"
    audited = run("audit", "-o", str(report), env=cli_env)
    assert audited.returncode == 0, audited.stderr
    assert counts(audited.stdout)["orphan-memberships"] == str(len(orphans))
    assert counts(audited.stdout)["duplicate-emails"] == "1"
    assert counts(audited.stdout)["b2b-membership-without-legal-entity"] == "1"
    findings = pd.read_csv(report, dtype=str, keep_default_na=False)
    by_check = findings.groupby("check")["keys"].apply(set).to_dict()
    assert by_check["orphan-memberships"] == {f"{s} / {gone}" for s in orphans["segmentId"]}
    assert by_check["duplicate-emails"] == {"; ".join(sorted([first, second]))}
    assert by_check["b2b-membership-without-legal-entity"] == {f"{segment} / {b2b}"}

    fixed = run("audit", "--fix", "orphan-memberships", "--yes", env=cli_env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert f"0 to create, 0 to update, {len(orphans)} to delete" in fixed.stdout
    assert f"{len(orphans)} applied, 0 failed, 0 conflicts" in fixed.stdout
    after = load_table(client, "segment-memberships").frame
    assert gone not in set(after["customerId"])
    assert len(after) == len(memberships) + 1 - len(orphans), "only the orphans went"

    history = run("history", env=cli_env)
    assert "audit orphan-memberships" in history.stdout
    push_id = history.stdout.splitlines()[1].split()[0]
    would = run("undo", push_id, "--dry-run", env=cli_env)
    assert would.returncode == 0, would.stdout + would.stderr
    assert f"{len(orphans)} to create, 0 to update, 0 to delete, 0 invalid" in would.stdout
    assert f"dry run: {len(orphans)} to send, 0 conflicts, 0 would fail" in would.stdout

    again = run("audit", "--check", "orphan-memberships", "--fail-on-findings", env=cli_env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(again.stdout) == {"orphan-memberships": "0"}
    monitored = run("audit", "-c", "duplicate-emails", "--fail-on-findings", env=cli_env)
    assert monitored.returncode == 1
    assert counts(monitored.stdout) == {"duplicate-emails": "1"}


def test_report_only_and_unknown_checks_are_refused_before_anything_loads(cli_env):
    refused = run("audit", "--fix", "duplicate-emails", "--yes", env=cli_env)
    assert refused.returncode == 1
    assert "duplicate-emails is report only: it has no safe fix" in refused.stderr
    assert "Loading" not in refused.stderr
    unknown = run("audit", "--check", "nope", env=cli_env)
    assert unknown.returncode == 1
    assert "unknown check 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr + refused.stderr

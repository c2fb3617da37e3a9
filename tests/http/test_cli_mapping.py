"""Files from other systems through the command line, against the sandbox: headers
mapped (automatically, with --map, with a saved mapping), customers found by e-mail and
segments by name, a file without its key stopped before anything is sent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import list_customers
from emporix_data.resources.segment_memberships import list_segment_memberships
from emporix_data.resources.segments import list_segments
from emporix_data.sandbox.admin_client import SandboxAdmin
from tests.support import TenantApi, tenant_env

CLI = str(Path(sys.executable).parent / "emporix-data")
SEGMENT = "SEG002"


@pytest.fixture
def env(sandbox, admin: SandboxAdmin, tmp_path: Path) -> dict[str, str]:
    """The variables that point the command at the freshly reset test sandbox."""
    return tenant_env(
        sandbox,
        EMPORIX_JOURNAL_DB=str(tmp_path / "journal.db"),
        COLUMNS="200",
    )


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def written(admin: SandboxAdmin) -> list[str]:
    """Routes of the requests that could have changed anything."""
    routes = admin.stats()["by_route"]
    return [route for route in routes if not route.startswith(("GET ", "POST /oauth"))]


def plan_of(out: str) -> str:
    """The plan a command printed, after the mapping."""
    return out.split("customers: ", 1)[1]


def members_file(client: EmporixClient, path: Path) -> tuple[list[str], str]:
    """Ten customers who are not in the segment, by upper-case e-mail, and one e-mail of
    nobody; the segment by name; a Notes column. Returns the ten numbers and the name."""
    members = {m.customer.id for m in list_segment_memberships(client, SEGMENT)}
    outside = [c for c in list_customers(client) if c.customerNumber not in members][:10]
    name = next(s.display_name for s in list_segments(client) if s.id == SEGMENT)
    lines = ["Segment name,Customer E-Mail,Notes"]
    lines += [f"{name},{c.contactEmail.upper()},note {i}" for i, c in enumerate(outside)]
    lines.append(f"{name},NOBODY@EXAMPLE.COM,who is this?")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [c.customerNumber for c in outside], name


def test_members_by_segment_name_and_upper_case_e_mail_are_planned_and_pushed(
    env, client, admin, tmp_path
):
    numbers, name = members_file(client, tmp_path / "members.csv")
    planned = run(env, "plan", "segment-memberships", str(tmp_path / "members.csv"))
    assert planned.returncode == 1, planned.stderr  # one invalid row
    out = planned.stdout
    assert out.startswith("Mapping of members.csv to segment-memberships:\n")
    assert "'Segment name' -> segmentName (name)" in out
    assert "'Customer E-Mail' -> customerEmail (name)" in out
    assert "'Notes' ignored (matches no column)" in out
    assert "segment-memberships: 10 to create, 0 to update, 0 to delete, 1 invalid rows" in out
    assert "'NOBODY@EXAMPLE.COM' matches no customer (by customer number, id or e-mail)" in out
    assert f"{name}    {SEGMENT}" in out, "the resolved ids beside what the file said"
    assert written(admin) == []

    pushed = run(env, "push", "segment-memberships", str(tmp_path / "members.csv"), "--yes")
    assert pushed.returncode == 1, pushed.stderr  # the invalid row is not pushed
    assert ": 10 applied, 0 failed, 0 conflicts" in pushed.stdout
    now = {m.customer.id for m in list_segment_memberships(client, SEGMENT)}
    assert set(numbers) <= now


def test_customer_number_and_last_name_update_last_names_only(env, client, tmp_path):
    api = TenantApi(client)
    before = {number: api.customer(number) for number in ("00000003", "00000004")}
    path = tmp_path / "names.csv"
    path.write_text(
        "Customer Number,Last Name\n00000003,Lastname-Three\n00000004,Lastname-Four\n",
        encoding="utf-8",
    )
    result = run(env, "push", "customers", str(path), "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "customers: 0 to create, 2 to update, 0 to delete, 0 invalid rows" in result.stdout
    for number, last in (("00000003", "Lastname-Three"), ("00000004", "Lastname-Four")):
        after = api.customer(number)
        assert after["lastName"] == last
        changed = {k for k in after if after[k] != before[number].get(k)}
        assert changed <= {"lastName", "metadata"}, changed


def test_a_file_without_the_key_fails_clearly_and_updates_with_map_options(
    env, client, admin, tmp_path
):
    path = tmp_path / "kunden.csv"
    path.write_text("Kundennummer,Nachname\n00000005,Nachname-Fünf\n", encoding="utf-8")
    failed = run(env, "push", "customers", str(path), "--yes")
    assert failed.returncode == 1
    assert "'Kundennummer' ignored (matches no column)" in failed.stdout
    message = " ".join(failed.stderr.split())
    assert "error: the file has no column for customerNumber, the key of customers" in message
    assert "expected a header 'customerNumber' or 'Customer number'" in message
    assert '--map "HEADER=customerNumber"' in message
    assert "Traceback" not in failed.stderr
    assert written(admin) == [], "nothing is sent"

    maps = ["--map", "Kundennummer=customerNumber", "--map", "Nachname=lastName"]
    pushed = run(env, "push", "customers", str(path), "--yes", *maps)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "'Kundennummer' -> customerNumber (chosen)" in pushed.stdout
    assert TenantApi(client).customer("00000005")["lastName"] == "Nachname-Fünf"


def test_a_saved_mapping_file_is_used_again(env, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("Kundennummer,Nachname,Notiz\n00000006,Neu,x\n", encoding="utf-8")
    saved = tmp_path / "kunden.toml"
    maps = ["--map", "kundennummer=customerNumber", "--map", "Nachname=last name"]
    first = run(env, "plan", "customers", str(path), *maps, "--save-mapping", str(saved))
    assert first.returncode == 0, first.stdout + first.stderr
    assert saved.read_text(encoding="utf-8").splitlines()[-3:] == [
        '"Kundennummer" = "customerNumber"',
        '"Nachname" = "lastName"',
        '"Notiz" = ""',
    ]
    again = run(env, "plan", "customers", str(path), "--mapping", str(saved))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "'Kundennummer' -> customerNumber (chosen)" in again.stdout
    assert "'Notiz' ignored (chosen: ignore)" in again.stdout
    assert plan_of(again.stdout) == plan_of(first.stdout)
    assert "row 2 update 00000006 lastName" in plan_of(again.stdout)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--map", "Kundenummer=customerNumber"], "the file has no header 'Kundenummer'"),
        (["--map", "Kundennummer"], '--map takes "Header=column"'),
        (["--map", "Kundennummer=kundennummer"], "'kundennummer' is not a column of customers"),
        (["--mapping", "absent.toml"], "cannot read the mapping absent.toml"),
    ],
)
def test_mapping_options_that_cannot_be_used_stop_with_a_message(env, tmp_path, options, message):
    path = tmp_path / "kunden.csv"
    path.write_text("Kundennummer,Nachname\n00000007,Neu\n", encoding="utf-8")
    result = subprocess.run(
        [CLI, "plan", "customers", str(path), *options],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr

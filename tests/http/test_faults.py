"""Nothing lost under faults and crashes, proven against a sandbox that injects them.

A 5,000-row mixed push runs while 10% of requests fail (429 with Retry-After, 500, 503,
dropped connections before and after the server acted, answers slower than the client's
timeout); "retry failed" then completes it. A push process killed with SIGKILL is
resumed from the journal. Both must end in exactly the intended server state: every row
applied once, none lost, none duplicated.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from emporix_data.client import EmporixClient
from emporix_data.export import frame_bytes
from emporix_data.journal import open_journal
from emporix_data.push import push_plan, resume_push
from emporix_data.sandbox import RunningSandbox, SandboxConfig, SeedSizes, start_sandbox
from emporix_data.settings import Settings
from emporix_data.tables import TABLES, load_table
from tests.support import sandbox_settings

CLI = str(Path(sys.executable).parent / "emporix-data")
FAULT_KINDS = ["429", "500", "503", "drop", "drop_after", "slow"]
READ_TIMEOUT_S = 1.0
RETRY_ROUNDS = 8


@pytest.fixture(scope="module")
def big_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    db = tmp_path_factory.mktemp("faults") / "sandbox.db"
    sizes = SeedSizes(customers=2_000, contact_assignments=500, segments=4, memberships=1_500)
    running = start_sandbox(SandboxConfig(db_path=db, sizes=sizes))
    yield running
    running.stop()


def settings_for(sandbox: RunningSandbox) -> Settings:
    """Pages of 500, eight workers, short backoffs and a read timeout the slow answers
    exceed."""
    return sandbox_settings(
        sandbox,
        page_size=500,
        concurrency=8,
        backoff_base_s=0.02,
        backoff_max_s=0.2,
        read_timeout_s=READ_TIMEOUT_S,
    )


def set_faults(sandbox: RunningSandbox, **faults: object) -> None:
    with httpx.Client(base_url=sandbox.url) as admin:
        current = admin.get("/_sandbox/faults").json()
        admin.put("/_sandbox/faults", json={**current, **faults}).raise_for_status()


def mixed_edits(client: EmporixClient) -> dict[str, pd.DataFrame]:
    """Over 5,000 edited rows across memberships, customers and contact assignments."""
    customers = load_table(client, "customers").frame
    b2c = customers.loc[customers["businessModel"] == "B2C", "customerNumber"].tolist()
    memberships = load_table(client, "segment-memberships").frame
    adds = []
    for segment in sorted(memberships["segmentId"].unique()):
        members = set(memberships.loc[memberships["segmentId"] == segment, "customerId"])
        adds += [(segment, number, None) for number in b2c if number not in members][:800]
    removed = memberships.iloc[:200].assign(_action="delete")
    added = pd.DataFrame(adds, columns=["segmentId", "customerId", "legalEntityId"])

    people = customers.iloc[:1_500].copy()
    people["lastName"] = [f"Fault-{i}" for i in range(len(people))]
    new_people = customers.iloc[:60].copy()
    new_people["customerNumber"] = None
    new_people["contactEmail"] = [f"new-{i}@faults.example" for i in range(len(new_people))]

    assignments = load_table(client, "contact-assignments").frame
    retyped = assignments.iloc[:400].copy()
    retyped["type"] = retyped["type"].map(lambda t: "CONTACT" if t != "CONTACT" else "BILLING")
    new_assignments = assignments.iloc[:100].copy()
    new_assignments["id"] = None
    new_assignments["primary"] = False
    return {
        "segment-memberships": pd.concat(
            [added, removed[["segmentId", "customerId", "legalEntityId", "_action"]]]
        ),
        "customers": pd.concat([people, new_people]),
        "contact-assignments": pd.concat([retyped, new_assignments]),
    }


def test_mixed_push_under_faults_loses_nothing_and_retry_failed_completes_it(big_sandbox, tmp_path):
    client = EmporixClient(settings_for(big_sandbox))
    edits = mixed_edits(client)
    assert sum(len(frame) for frame in edits.values()) >= 5_000
    before = {name: load_table(client, name) for name in edits}
    plans = {}
    for name, edited in edits.items():
        text = pd.read_csv(io.BytesIO(frame_bytes(edited, "csv")), dtype=str)
        text.index = pd.RangeIndex(2, len(text) + 2)
        plan = before[name].plan(text, "file")
        assert not plan.errors, plan.errors_frame().head().to_string()
        plans[name] = plan
    set_faults(
        big_sandbox,
        fault_rate=0.1,
        fault_kinds=FAULT_KINDS,
        retry_after_s=0.05,
        slow_ms=int(READ_TIMEOUT_S * 1500),
        seed=7,
    )

    with open_journal(tmp_path / "journal.db") as journal:
        reports = {
            name: push_plan(client, TABLES[name], plan, before[name].documents, journal=journal)
            for name, plan in plans.items()
        }
        for name, report in reports.items():
            assert len(report.results) == len(edits[name]), f"{name}: rows lost"
            for result in report.results:
                assert result.outcome == "applied" or result.message, result
        first_failures = sum(r.counts()["failed"] for r in reports.values())
        assert first_failures > 0, "the faults were injected: some rows must have failed"

        rounds = 0
        while any(journal.entry(r.push_id).pending(retry_failed=True) for r in reports.values()):
            rounds += 1
            assert rounds <= RETRY_ROUNDS, "retry failed did not converge"
            for report in reports.values():
                resume_push(client, journal, report.push_id, retry_failed=True)

        for report in reports.values():
            outcomes = {row.outcome for row in journal.entry(report.push_id).rows}
            assert outcomes == {"applied"}, f"{report.resource}: {outcomes}"
        created = {
            name: [
                r.change.key
                for r in journal.entry(report.push_id).rows
                if r.change.kind == "create"
            ]
            for name, report in reports.items()
        }

    set_faults(big_sandbox, fault_rate=0.0)
    after = {name: load_table(client, name).frame for name in edits}

    customers = after["customers"].set_index("customerNumber")
    assert len(customers) == len(before["customers"].frame) + 60, "no customer lost or duplicated"
    assert customers.index.is_unique
    assert (
        customers.loc[edits["customers"]["customerNumber"].dropna(), "lastName"]
        .str.startswith("Fault-")
        .all()
    )
    emails = customers["contactEmail"]
    assert emails[emails.str.endswith("@faults.example", na=False)].nunique() == 60
    assert len(emails[emails.str.endswith("@faults.example", na=False)]) == 60

    assignments = after["contact-assignments"].set_index("id")
    assert len(assignments) == len(before["contact-assignments"].frame) + 100
    assert assignments.index.is_unique
    assert set(created["contact-assignments"]) <= {(i,) for i in assignments.index}
    retyped = edits["contact-assignments"].dropna(subset=["id"]).set_index("id")["type"]
    assert (assignments.loc[retyped.index, "type"] == retyped).all()

    keys = ["segmentId", "customerId", "legalEntityId"]
    members = after["segment-memberships"][keys].astype(str)
    assert not members.duplicated().any(), "no membership duplicated"
    wanted = edits["segment-memberships"]
    added = wanted[wanted["_action"].isna()][keys].astype(str)
    removed = wanted[wanted["_action"] == "delete"][keys].astype(str)
    present = set(map(tuple, members.values))
    assert set(map(tuple, added.values)) <= present
    assert not set(map(tuple, removed.values)) & present
    assert len(members) == len(before["segment-memberships"].frame) + len(added) - len(removed)
    client.close()


def journal_results(path: Path) -> int:
    """Rows with a result so far (0 while the pushing process is still creating the file)."""
    with sqlite3.connect(path) as db:
        try:
            query = "SELECT COUNT(*) FROM push_rows WHERE outcome IS NOT NULL"
            return db.execute(query).fetchone()[0]
        except sqlite3.OperationalError:  # no tables yet
            return 0


def test_push_killed_midway_is_resumed_to_exactly_the_intended_state(big_sandbox, tmp_path):
    settings = settings_for(big_sandbox)
    client = EmporixClient(settings)
    set_faults(big_sandbox, fault_rate=0.0, latency_ms=40)
    frame = load_table(client, "customers").frame
    edited = frame.iloc[:300].copy()
    edited["firstName"] = [f"Killed-{i}" for i in range(len(edited))]
    upload = tmp_path / "customers.csv"
    upload.write_bytes(frame_bytes(edited, "csv"))
    journal = tmp_path / "journal.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")},
        "EMPORIX_API_URL": big_sandbox.url,
        "EMPORIX_TENANT": settings.tenant,
        "EMPORIX_CLIENT_ID": settings.client_id,
        "EMPORIX_CLIENT_SECRET": settings.client_secret.get_secret_value(),
        "EMPORIX_CONCURRENCY": "2",
        "EMPORIX_JOURNAL_DB": str(journal),
    }

    pusher = subprocess.Popen(
        [CLI, "push", "customers", str(upload), "--yes"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not (journal.exists() and journal_results(journal) >= 40):
        assert pusher.poll() is None, "the push ended before it could be killed"
        assert time.monotonic() < deadline, "the push never got going"
        time.sleep(0.05)
    pusher.send_signal(signal.SIGKILL)
    pusher.wait(timeout=30)
    set_faults(big_sandbox, latency_ms=0)

    with open_journal(journal) as book:
        push_id = book.history().loc[0, "id"]
        killed = book.entry(push_id)
        assert killed.status == "incomplete"
        assert 0 < len(killed.pending()) < 300

    resumed = subprocess.run(
        [CLI, "resume", push_id, "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr

    with open_journal(journal) as book:
        entry = book.entry(push_id)
        assert entry.status == "finished"
        assert {row.outcome for row in entry.rows} == {"applied"}
    after = load_table(client, "customers").frame.set_index("customerNumber")
    assert len(after) == len(frame)
    wanted = edited.set_index("customerNumber")["firstName"]
    assert (after.loc[wanted.index, "firstName"] == wanted).all()
    client.close()

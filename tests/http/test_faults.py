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
    wanted = edits["customers"].dropna(subset=["customerNumber"]).set_index("customerNumber")
    assert customers.loc[wanted.index, "lastName"].tolist() == wanted["lastName"].tolist()
    new_people = edits["customers"][edits["customers"]["customerNumber"].isna()]
    made = customers[customers["contactEmail"].isin(new_people["contactEmail"])]
    assert sorted(made["contactEmail"]) == sorted(new_people["contactEmail"]), "each once"
    by_email = made.set_index("contactEmail")
    assert by_email.loc[new_people["contactEmail"], "lastName"].tolist() == (
        new_people["lastName"].tolist()
    )

    assignments = after["contact-assignments"].set_index("id")
    assert len(assignments) == len(before["contact-assignments"].frame) + 100
    assert assignments.index.is_unique
    assert set(created["contact-assignments"]) <= {(i,) for i in assignments.index}
    retyped = edits["contact-assignments"].dropna(subset=["id"]).set_index("id")["type"]
    assert assignments.loc[retyped.index, "type"].tolist() == retyped.tolist()

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


ALREADY_WANTED = "already in the wanted state; nothing sent"
ALREADY_DELETED = "already deleted; nothing sent"
SLOW_MS = 40_000


def killed_edits(client: EmporixClient) -> dict[str, pd.DataFrame]:
    """A customers file that updates, creates and deletes, and a memberships file that
    adds and removes members of two segments (bulk requests)."""
    frame = load_table(client, "customers").frame
    updated = frame.iloc[:150].copy()
    updated["firstName"] = [f"Killed-{i}" for i in range(len(updated))]
    created = frame.iloc[:20].copy()
    created["customerNumber"] = None
    created["contactEmail"] = [f"killed-{i}@faults.example" for i in range(len(created))]
    deleted = frame.iloc[150:170].assign(_action="delete")

    b2c = set(frame.loc[frame["businessModel"] == "B2C", "customerNumber"])
    members = load_table(client, "segment-memberships").frame
    keys = ["segmentId", "customerId", "legalEntityId"]
    adds, removes = [], []
    for segment in sorted(members["segmentId"].unique())[:2]:
        in_segment = members[members["segmentId"] == segment]
        free = sorted(b2c - set(in_segment["customerId"]))[:120]
        adds.append(pd.DataFrame({"segmentId": segment, "customerId": free, "legalEntityId": None}))
        removes.append(in_segment.iloc[:30][keys].assign(_action="delete"))
    return {
        "customers": pd.concat([created, updated, deleted]),
        "segment-memberships": pd.concat([*adds, *removes]),
    }


def queued_left(sandbox: RunningSandbox) -> int:
    with httpx.Client(base_url=sandbox.url) as admin:
        return sum(fault["count"] for fault in admin.get("/_sandbox/faults").json()["queued"])


def test_pushes_killed_midway_are_resumed_to_exactly_the_intended_state(big_sandbox, tmp_path):
    """Requests the server processed but never answered (slow answers, then SIGKILL) have
    no result in the journal: the resume finds them applied by re-reading and sends
    only the rest, recording every result at its own row."""
    settings = settings_for(big_sandbox)
    client = EmporixClient(settings)
    edits = killed_edits(client)
    before = {name: load_table(client, name).frame for name in edits}
    customers = edits["customers"]
    slow_update = customers.loc[customers["firstName"] == "Killed-10", "customerNumber"].iloc[0]
    slow_delete = customers.loc[customers["_action"] == "delete", "customerNumber"].iloc[2]
    set_faults(
        big_sandbox,
        fault_rate=0.0,
        slow_ms=SLOW_MS,
        queued=[
            {"kind": "slow", "method": "POST", "path_contains": "/customers"},
            {"kind": "slow", "method": "PATCH", "path_contains": f"/customers/{slow_update}"},
            {"kind": "slow", "method": "DELETE", "path_contains": f"/customers/{slow_delete}"},
            {"kind": "slow", "method": "PUT", "path_contains": "/customers/bulk"},
            {"kind": "slow", "method": "DELETE", "path_contains": "/customers/bulk"},
        ],
    )
    journal = tmp_path / "journal.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EMPORIX_")},
        "EMPORIX_API_URL": big_sandbox.url,
        "EMPORIX_TENANT": settings.tenant,
        "EMPORIX_CLIENT_ID": settings.client_id,
        "EMPORIX_CLIENT_SECRET": settings.client_secret.get_secret_value(),
        "EMPORIX_READ_TIMEOUT_S": str(SLOW_MS * 3 / 1000),
        "EMPORIX_JOURNAL_DB": str(journal),
    }
    pushers = []
    for name, workers in (("customers", 3), ("segment-memberships", 2)):
        upload = tmp_path / f"{name}.csv"
        upload.write_bytes(frame_bytes(edits[name], "csv"))
        pushers.append(
            subprocess.Popen(
                [CLI, "push", name, str(upload), "--yes"],
                env={**env, "EMPORIX_CONCURRENCY": str(workers)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    # Once every slow fault is taken, every worker of both pushes waits on an answer.
    deadline = time.monotonic() + 120
    while queued_left(big_sandbox):
        assert all(p.poll() is None for p in pushers), "a push ended before it could be killed"
        assert time.monotonic() < deadline, "the pushes never got stuck"
        time.sleep(0.05)
    for pusher in pushers:
        pusher.send_signal(signal.SIGKILL)
        pusher.wait(timeout=30)
    set_faults(big_sandbox, queued=[])

    with open_journal(journal) as book:
        pushes = dict(zip(book.history()["resource"], book.history()["id"], strict=True))
        killed = {name: book.entry(pushes[name]) for name in edits}
    unanswered = {name: {row.position for row in entry.pending()} for name, entry in killed.items()}
    for name, entry in killed.items():
        assert entry.status == "incomplete", name
        assert 0 < len(unanswered[name]) < len(entry.rows), name

    for name in edits:
        resumed = subprocess.run(
            [CLI, "resume", pushes[name], "--yes"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr

    with open_journal(journal) as book:
        done = {name: book.entry(pushes[name]) for name in edits}
    for name, entry in done.items():
        assert entry.status == "finished", name
        assert {row.outcome for row in entry.rows} == {"applied"}, name
        assert [r.position for r in entry.rows] == [r.position for r in killed[name].rows]
        for row, was in zip(entry.rows, killed[name].rows, strict=True):
            assert row.change == was.change, "every result recorded at its own row"
            if was.outcome is not None:
                assert (row.status, row.message) == (was.status, was.message), "kept as it was"
    resumed_rows = {
        name: [row for row in entry.rows if row.position in unanswered[name]]
        for name, entry in done.items()
    }
    by_number = {row.change.key[0]: row for row in resumed_rows["customers"]}
    assert by_number[slow_update].message == ALREADY_WANTED
    assert by_number[slow_delete].message == ALREADY_DELETED
    creates = [row for row in resumed_rows["customers"] if row.change.kind == "create"]
    assert creates and {row.message for row in creates} == {ALREADY_WANTED}
    for row in resumed_rows["customers"]:
        if row.change.kind != "delete":
            assert row.message == ALREADY_WANTED, row
    bulk = resumed_rows["segment-memberships"]
    adds = [row for row in bulk if row.change.kind == "create"]
    assert len(adds) >= 120 and {row.message for row in adds} == {ALREADY_WANTED}
    assert ALREADY_DELETED in {row.message for row in bulk if row.change.kind == "delete"}
    assert any(row.message is None for row in bulk), "the unsent chunk was sent on resume"

    after = load_table(client, "customers").frame.set_index("customerNumber")
    assert len(after) == len(before["customers"])
    wanted = customers.dropna(subset=["customerNumber"])
    updates = wanted[wanted["_action"].isna()].set_index("customerNumber")["firstName"]
    assert after.loc[updates.index, "firstName"].tolist() == updates.tolist()
    assert not set(wanted.loc[wanted["_action"] == "delete", "customerNumber"]) & set(after.index)
    emails = after["contactEmail"][after["contactEmail"].str.startswith("killed-", na=False)]
    assert sorted(emails) == sorted(customers["contactEmail"].iloc[:20])

    keys = ["segmentId", "customerId"]
    members = load_table(client, "segment-memberships").frame
    present = set(map(tuple, members[keys].values))
    memberships = edits["segment-memberships"]
    added = set(map(tuple, memberships[memberships["_action"].isna()][keys].values))
    removed = set(map(tuple, memberships[memberships["_action"] == "delete"][keys].values))
    assert added <= present and not removed & present
    assert len(members) == len(before["segment-memberships"]) + len(added) - len(removed)
    client.close()

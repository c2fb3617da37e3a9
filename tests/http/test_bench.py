"""The benchmark's own machinery on a tiny tenant: what it counts, scales and reports.

Speeds are not asserted here (they live in the benchmark's table); request counts are,
because they follow from the client's design: bulk chunks, page sizes, batched re-reads.
"""

from __future__ import annotations

import gc
import math
import re

import pytest

from emporix_data.bench import run
from emporix_data.bench.options import Options, parse_args
from emporix_data.bench.report import COLUMNS, Row, table


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Row]:
    options = Options(
        customers=600,
        latency_ms=0,
        naive_sample=5,
        cache_dir=tmp_path_factory.mktemp("bench-cache"),
        browser=False,
        export_customers=1500,
        rate_limit_per_s=None,  # at no latency, sequential pages could pass any limit
    )
    return {row.operation: row for row in run(options)}


def test_every_operation_is_measured_against_the_naive_client(rows):
    assert list(rows) == [
        "sandbox: serve a page of 1,000 of 600 customers",
        "load 600 customers into a frame",
        "memory of the 600-customer frame",
        "memory: process growth after loading 600 customers",
        "load all 600 segment memberships",
        "report: customer_360 over 600 customers",
        "report: group-by over customer_360",
        "push 60 membership upserts",
        "push 12 customer field updates",
        "build a change plan for 600 rows, 1% edited",
        "audit: all checks over 600 customers",
        "sandbox: serve a page of 1,000 of 1,500 customers",
        "export 1,500 customers to Parquet",
        "export 1,500 customers to CSV",
    ]
    load = rows["load 600 customers into a frame"]
    assert load.ours_requests == 2  # one page of 1,000 holds them all; a second shows no cap
    # Counted by the server: 5 pages of 60 timed, scaled to 10 full pages and a short one.
    assert load.naive_requests == 11
    assert "5 timed, scaled to 11" in load.note
    memberships = rows["load all 600 segment memberships"]
    assert memberships.ours_requests == 1 + 50  # the segment list, then a page per segment
    assert memberships.naive_requests == 1 + 50 * 1  # 12 per segment: one short page each
    assert "5 timed (4 segments), scaled to 51" in memberships.note


def test_report_rows_time_customer_360_over_the_loaded_tenant(rows):
    built = rows["report: customer_360 over 600 customers"]
    assert built.ours_s is not None and built.target == "≤ 1 s"
    assert "over 600 customers, 600 segment memberships, 120 contact assignments" in built.note
    grouped = rows["report: group-by over customer_360"]
    assert grouped.ours_s is not None and grouped.target == "≤ 0.3 s"
    assert "median of 5 runs" in grouped.note


def test_pushes_use_bulk_chunks_and_batched_rereads(rows):
    upserts = rows["push 60 membership upserts"]
    assert (upserts.ours_requests, upserts.naive_requests) == (math.ceil(60 / 200), 60)
    assert upserts.met is not False
    updates = rows["push 12 customer field updates"]
    assert updates.ours_requests == 1 + 12  # one re-read of all 12 rows, then a PATCH each
    assert "0 answered 429" in updates.note


def test_the_audit_row_runs_every_check_on_frames_already_loaded(rows):
    audit = rows["audit: all checks over 600 customers"]
    assert audit.ours_requests == 0  # the frames are loaded before the clock starts
    assert "7 checks" in audit.note and "(customers 600, " in audit.note
    assert "b2b-without-contact-assignment " in audit.note
    assert audit.target == "≤ 2 s"


def test_the_table_has_a_line_per_operation_with_its_target(rows):
    text = table(list(rows.values()))
    lines = text.splitlines()
    assert lines[0] == "| " + " | ".join(COLUMNS) + " |"
    assert COLUMNS[1:9] == (
        "ours (s)",
        "floor (s)",
        "script (s)",
        "naive (s)",
        "ours / floor",
        "ours / script",
        "ours / naive",
        "requests ours / naive",
    )
    assert "peak memory" in COLUMNS and len(lines[1].split("|")) == len(COLUMNS) + 2
    assert len(lines) == 2 + len(rows)
    assert all(len(line.split("|")) == len(COLUMNS) + 2 for line in lines[2:])
    assert "| ≤ 3 s, exactly 1 request ✅ |" in text


def test_options_follow_the_command_line():
    options = parse_args(["--customers", "2000", "--latency-ms", "0", "--no-browser"])
    assert (options.customers, options.latency_ms, options.browser) == (2000, 0, False)
    assert (options.upserts, options.updates) == (200, 40)
    assert options.sizes.memberships == 2000
    assert options.export_customers == 1_000_000 and options.rate_limit_per_s == 300
    quick = parse_args(["--quick", "--rate-limit", "0"])
    assert (quick.export_customers, quick.rate_limit_per_s) == (0, None)


def test_the_pager_pauses_the_collector_and_restores_it_as_found(client):
    """The pager's speed-up must never leave garbage collection switched off."""
    path = client.path("/customer/{tenant}/customers")
    seen: list[bool] = []

    def parse(content: bytes) -> list[bytes]:
        seen.append(gc.isenabled())
        if len(seen) == 2:
            raise ValueError("a damaged page")
        return [content] * 50

    with pytest.raises(ValueError, match="damaged"):
        client.fetch_all(path, parse, page_size=50)
    assert seen[:2] == [False, False]
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(client.fetch_all(path, lambda content: [content], page_size=50)) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_floor_replays_the_loads_own_requests_and_the_script_reads_everything(rows):
    load = rows["load 600 customers into a frame"]
    assert load.floor_s is not None and load.script_s is not None
    assert "floor: the same 2 GETs, 16 at a time" in load.note
    assert "(600 items)" in load.note and "script: 1 pages of 1,000" in load.note
    memberships = rows["load all 600 segment memberships"]
    assert memberships.floor_s is not None and memberships.script_s is not None
    # The segment list and a page per segment again: 50 segments and 600 memberships.
    assert "floor: the same 51 GETs" in memberships.note and "(650 items)" in memberships.note
    assert "script: 51 pages" in memberships.note
    assert re.search(r"at most ([1-9]|1[0-6]) requests in flight, 0 answered 429", memberships.note)


def test_the_export_rows_run_the_command_and_read_its_file(rows):
    for label in ["Parquet", "CSV"]:
        export = rows[f"export 1,500 customers to {label}"]
        assert "1,500 rows written" in export.note, export.note
        assert export.ours_requests and export.ours_requests >= 2
        assert export.floor_s is not None and export.peak_mb is not None
        assert export.target == "≤ 400 MB peak growth, ≤ 1.5x floor, ≤ 16 in flight, no 429 storm"

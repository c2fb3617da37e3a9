"""The load rows: our load, then its floor, the script and the naive client, each
timed against the same sandbox in the same run, their requests counted by the server."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import httpx

from emporix_data.bench.meter import Measured, Meter, in_limits
from emporix_data.bench.naive import (
    CUSTOMERS_DEFAULT_PAGE,
    MEMBERSHIPS_DEFAULT_PAGE,
    naive_memberships,
    naive_pages,
)
from emporix_data.bench.peers import (
    Walk,
    fastest_parser,
    recorded_gets,
    replay,
    script_memberships,
    script_pages,
)
from emporix_data.bench.report import Row, notes
from emporix_data.client import EmporixClient
from emporix_data.resources import customers as customer_api
from emporix_data.resources import segment_memberships as membership_api
from emporix_data.resources import segments as segment_api
from emporix_data.tables import LoadedTable, load_table

FLOOR_RATIO = 1.5
NAIVE_RATIO = 0.1
LOAD_S = 6.0
GROWTH_MB = 150


@dataclass(frozen=True)
class Floor:
    """A load's floor: its seconds, the requests the server counted, and what it did."""

    seconds: float
    requests: int
    note: str


def floor_of(meter: Meter, http: httpx.Client, ours: Measured[Any], concurrency: int) -> Floor:
    """The floor of a measured load: the GETs the sandbox recorded for it, replayed."""
    targets = recorded_gets(ours.stats["requests"])
    parser, parse = fastest_parser(http.get(targets[0]).content)
    measured = meter.run(lambda: replay(http, targets, parse, concurrency))
    walk: Walk = measured.result
    return Floor(
        measured.seconds,
        measured.requests,
        f"floor: the same {len(targets):,} GETs, {concurrency} at a time, bodies parsed with "
        f"{parser} ({walk.items:,} items), nothing built",
    )


def load_customers(
    client: EmporixClient, meter: Meter, http: httpx.Client, customers: int, sample: int
) -> tuple[LoadedTable, list[Row]]:
    concurrency = client.settings.concurrency
    measured = meter.run(lambda: load_table(client, "customers"))
    loaded = measured.result
    assert len(loaded.frame) == customers, f"loaded {len(loaded.frame)}, not {customers}"
    floor = floor_of(meter, http, measured, concurrency)
    path = client.path(customer_api.CUSTOMERS)
    script = meter.run(lambda: script_pages(http, path, {"expand": customer_api.EXPAND_ALL}))
    assert script.result.items == customers, "the script did not read every customer"
    naive = meter.run(lambda: naive_pages(http, path, CUSTOMERS_DEFAULT_PAGE, sample))
    pages = naive.result
    # Scaled from the server's count: full pages at the rate measured, and the short
    # page that ends the walk.
    total = (
        naive.requests
        if pages.complete
        else math.floor(naive.requests * customers / len(pages.items)) + 1
    )
    naive_s = naive.seconds * total / naive.requests
    limits_ok, limits = in_limits(measured.stats, concurrency)
    row = Row(
        f"load {customers:,} customers into a frame",
        measured.seconds,
        naive_s,
        measured.requests,
        total,
        measured.peak_mb,
        f"≤ {LOAD_S:g} s, ≤ {FLOOR_RATIO:g}x floor, ≤ {NAIVE_RATIO:g}x naive, "
        f"≤ {concurrency} in flight, no 429 storm",
        False,
        notes(
            "frame + documents (with addresses and mixins), as the dashboard loads them",
            limits,
            floor.note,
            f"script: {script.requests:,} pages of 1,000 in turn, stdlib json",
            f"naive: pages of {CUSTOMERS_DEFAULT_PAGE} (customer-service.yml's default)",
            "" if pages.complete else f"{naive.requests:,} timed, scaled to {total:,}",
        ),
        floor_s=floor.seconds,
        script_s=script.seconds,
    )
    row.met = (
        measured.seconds <= LOAD_S
        and (row.ratio(row.floor_s) or 0) <= FLOOR_RATIO
        and (row.ratio(naive_s) or 0) <= NAIVE_RATIO
        and limits_ok
    )
    frame_mb = loaded.frame.memory_usage(deep=True).sum() / 2**20
    memory = [
        Row(
            f"memory of the {customers:,}-customer frame",
            None,
            peak_mb=frame_mb,
            target="≤ 300 MB",
            met=frame_mb <= 300,
            note="pandas deep memory_usage",
        ),
        Row(
            f"memory: process growth after loading {customers:,} customers",
            None,
            peak_mb=measured.retained_mb,
            target=f"≤ {GROWTH_MB} MB",
            met=measured.retained_mb <= GROWTH_MB,
            note=f"resident memory kept with the frame and the {customers:,} documents kept for "
            f"writing back (peak {measured.peak_mb:.0f} MB while loading)",
        ),
    ]
    return loaded, [row, *memory]


def load_memberships(
    client: EmporixClient, meter: Meter, http: httpx.Client, sample: int
) -> tuple[LoadedTable, Row]:
    concurrency = client.settings.concurrency
    measured = meter.run(lambda: load_table(client, "segment-memberships"))
    loaded = measured.result
    rows = len(loaded.frame)
    floor = floor_of(meter, http, measured, concurrency)
    segments_path = client.path(segment_api.SEGMENTS)

    def members_path(segment: str) -> str:
        return client.path(membership_api.SEGMENT_CUSTOMERS, segmentId=segment)

    script = meter.run(lambda: script_memberships(http, segments_path, members_path))
    assert script.result.items == rows, "the script did not read every membership"
    segments = sorted(str(s) for s in loaded.frame["segmentId"].unique())
    naive = meter.run(
        lambda: naive_memberships(http, segments_path, [members_path(s) for s in segments], sample)
    )
    walked = naive.result
    # Scaled from the server's count: the segment list, then the pages of the segments
    # walked, per segment, for every segment.
    factor = len(segments) / walked.segments if walked.segments else 1.0
    total = 1 + math.ceil((naive.requests - 1) * factor)
    naive_s = naive.seconds * total / naive.requests
    limits_ok, limits = in_limits(measured.stats, concurrency)
    row = Row(
        f"load all {rows:,} segment memberships",
        measured.seconds,
        naive_s,
        measured.requests,
        total,
        measured.peak_mb,
        f"≤ {LOAD_S:g} s, ≤ {FLOOR_RATIO:g}x floor, ≤ {concurrency} in flight, no 429 storm",
        None,
        notes(
            f"{len(segments)} segments, concurrently",
            limits,
            floor.note,
            f"script: {script.requests:,} pages of 1,000, one segment after another, stdlib json",
            f"naive: pages of {MEMBERSHIPS_DEFAULT_PAGE}, one segment after another (assumed: "
            "customer-segments.yml names no default page size; 16 is customer-management.yml's)",
            ""
            if walked.segments == len(segments)
            else f"{naive.requests:,} timed ({walked.segments} segments), scaled to {total:,}",
        ),
        floor_s=floor.seconds,
        script_s=script.seconds,
    )
    row.met = measured.seconds <= LOAD_S and (row.ratio(row.floor_s) or 0) <= FLOOR_RATIO
    row.met = row.met and limits_ok
    return loaded, row

"""The benchmark's peers against a real sandbox: the floor replays exactly the requests
a load made (and waits out 429s), the script pages through everything in turn."""

from __future__ import annotations

from emporix_data.bench.peers import (
    SCRIPT_PAGE,
    fastest_parser,
    parsers,
    recorded_gets,
    replay,
    script_memberships,
    script_pages,
)
from emporix_data.tables import load_table

CUSTOMERS = "GET /customer/{tenant}/customers"


def test_recorded_gets_are_the_distinct_gets_in_order():
    recorded = [
        "POST /oauth/token",
        "GET /a?pageNumber=1",
        "GET /a?pageNumber=2",
        "PUT /a/1",
        "GET /a?pageNumber=2",
        "GET /oauth/other",
    ]
    assert recorded_gets(recorded) == ["/a?pageNumber=1", "/a?pageNumber=2"]


def test_the_fastest_parser_reads_a_page_as_the_others_do():
    page = b'[{"id": "1", "name": "\\u00e9"}, {"id": "2", "mixins": {}}]'
    name, parse = fastest_parser(page)
    assert name in parsers()
    assert parse(page) == parsers()["json"](page)


def test_the_floor_sends_the_same_requests_as_the_load(client, admin, api):
    admin.reset_stats()
    loaded = load_table(client, "customers")
    stats = admin.stats()
    targets = recorded_gets(stats["requests"])
    assert len(targets) == stats["by_route"][CUSTOMERS]
    admin.reset_stats()
    walk = replay(api, targets, parsers()["json"], concurrency=4)
    replayed = admin.stats()
    assert walk.requests == len(targets) == replayed["by_route"][CUSTOMERS]
    assert sorted(recorded_gets(replayed["requests"])) == sorted(targets)
    assert walk.items == len(loaded.frame) and walk.throttled == 0


def test_the_floor_waits_out_a_rate_limit(client, admin, api):
    path = client.path("/customer/{tenant}/customers")
    targets = [f"{path}?pageNumber={n}&pageSize=10" for n in range(1, 6)]
    faults = admin.faults()
    faults["rate_limit_per_s"], faults["rate_limit_burst"] = 20, 2
    admin.set_faults(faults)
    walk = replay(api, targets, parsers()["json"], concurrency=5)
    assert walk.throttled > 0 and walk.requests == 5 + walk.throttled
    assert walk.items == 50


def test_the_script_reads_every_page_in_turn(client, admin, api):
    http = api
    admin.reset_stats()
    walk = script_pages(http, client.path("/customer/{tenant}/customers"))
    customers = len(load_table(client, "customers").frame)
    assert walk.items == customers
    assert walk.requests == customers // SCRIPT_PAGE + 1
    memberships = load_table(client, "segment-memberships").frame
    walk = script_memberships(
        http,
        client.path("/customer-segment/{tenant}/segments"),
        lambda segment: client.path(
            "/customer-segment/{tenant}/segments/{segmentId}/customers", segmentId=segment
        ),
    )
    assert walk.items == len(memberships)

"""Report tables loaded from the sandbox hold what the API holds, and only those asked for."""

from __future__ import annotations

import httpx
import pandas as pd

from emporix_data.client import EmporixClient
from emporix_data.reports.catalog import TABLE_SCHEMAS, tables_needed
from emporix_data.reports.engine import ReportEngine
from emporix_data.reports.loading import load_report_frames

TENANT = "demo"
LIST_CUSTOMERS = "GET /customer/{tenant}/customers"


def total(api: httpx.Client, path: str) -> int:
    """The API's own count of a paged list (``X-Total-Count``)."""
    response = api.get(path, params={"pageSize": 1}, headers={"X-Total-Count": "true"})
    response.raise_for_status()
    return int(response.headers["X-Total-Count"])


def every_customer(api: httpx.Client) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    page = 1
    while True:
        response = api.get(
            f"/customer/{TENANT}/customers", params={"pageNumber": page, "pageSize": 1000}
        )
        response.raise_for_status()
        found += response.json()
        if len(response.json()) < 1000:
            return found
        page += 1


def test_every_report_table_has_the_apis_rows(client: EmporixClient, api: httpx.Client):
    progress: list[tuple[str, int, int | None]] = []
    frames = load_report_frames(client, TABLE_SCHEMAS, lambda *step: progress.append(step))
    assert list(frames) == list(TABLE_SCHEMAS)
    for name, frame in frames.items():
        fixed = TABLE_SCHEMAS[name].names
        assert list(frame.columns[: len(fixed)]) == fixed, name
        # Mixin fields are columns of the customers loaded: each one's path.
        assert all(c.startswith("mixins.") for c in frame.columns[len(fixed) :]), name
    assert "mixins.loyalty.points" in frames["customers"].columns

    customers = every_customer(api)
    segments = api.get(f"/customer-segment/{TENANT}/segments").json()
    site = client.settings.site
    memberships = sum(
        total(api, f"/customer-segment/{TENANT}/segments/{s['id']}/customers") for s in segments
    )
    expected = {
        "customers": len(customers),
        "contact_assignments": total(api, f"/customer-management/{TENANT}/contact-assignments"),
        "segment_memberships": memberships,
        "customer_groups": len(api.get(f"/shipping/{TENANT}/{site}/cgrelations").json()),
        "legal_entities": total(api, f"/customer-management/{TENANT}/legal-entities"),
        "segments": total(api, f"/customer-segment/{TENANT}/segments"),
    }
    assert {name: len(frame) for name, frame in frames.items()} == expected
    assert all(count > 0 for count in expected.values())
    assert {"customers", "segment_memberships"} <= {name for name, _done, _total in progress}

    b2b = sum(1 for c in customers if c.get("businessModel") == "B2B")
    with ReportEngine(frames) as engine:
        counts = engine.run(
            "SELECT count(*) AS customers, count(*) FILTER (businessModel = 'B2B') AS b2b,"
            " sum(segmentCount) AS memberships FROM customer_360"
        ).frame
        named = engine.run(
            "SELECT count(*) AS n FROM customer_360 c, unnest(c.segmentIds) AS u(id)"
            " JOIN segments s ON s.id = u.id"
        ).frame
    assert counts.to_dict("records") == [
        {"customers": len(customers), "b2b": b2b, "memberships": _distinct_members(frames)}
    ]
    assert named["n"].tolist() == [_distinct_members(frames)]


def _distinct_members(frames: dict[str, pd.DataFrame]) -> int:
    members = frames["segment_memberships"][["segmentId", "customerId"]].drop_duplicates()
    return int(members["customerId"].isin(frames["customers"]["customerNumber"]).sum())


def test_only_the_tables_a_query_needs_are_loaded(client: EmporixClient, admin):
    admin.reset_stats()
    needed = tables_needed("SELECT name FROM segments ORDER BY name")
    frames = load_report_frames(client, needed)
    assert list(frames) == ["segments"] and len(frames["segments"]) == 3
    assert admin.count(LIST_CUSTOMERS) == 0
    assert admin.count("GET /customer-segment/{tenant}/segments") == 1
    assert load_report_frames(client, []) == {}

"""The sandbox's seed streams: a large tenant is made one document at a time, committed
in batches, and served in pages from key anchors, never held in memory whole."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter

import pytest

from emporix_data.sandbox import anchors, store
from emporix_data.sandbox.seed import SeedSizes, generate
from emporix_data.sandbox.store import Store

SMALL = SeedSizes(customers=300, contact_assignments=60, segments=4, memberships=300)


def test_the_generator_holds_no_customers_it_has_yielded():
    """Memory while making 20,000 customers stays far below what keeping them takes
    (about 30 MB of dicts): each is let go once yielded."""
    sizes = SeedSizes(customers=20_000, segments=0, memberships=0, customer_groups=0)
    tracemalloc.start()
    try:
        kinds = Counter(collection for collection, _, _ in generate(sizes, seed=1))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kinds["customers"] == 20_000
    assert peak < 12 * 2**20  # about 6 MB: the name pools and the B2B positions


def test_the_tenant_is_the_same_whatever_order_it_is_consumed_in(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "PUT_BATCH", 7)  # many small batches, through the same path
    batched = Store(tmp_path / "t.db")
    batched.put_many(generate(SMALL, seed=3))
    whole = list(generate(SMALL, seed=3))
    kinds = Counter(collection.split(":")[0] for collection, _, _ in whole)
    assert kinds["customers"] == 300 and kinds["contact_assignments"] == 60
    assert kinds["memberships"] == 300
    for collection, key, doc in whole[::17]:
        assert batched.get(collection, key) == doc
    b2b = {d["customerNumber"] for c, _, d in whole if c == "customers" and "company" in d}
    contacts = {d["customer"]["id"] for c, _, d in whole if c == "contact_assignments"}
    assert contacts <= b2b and len(b2b - contacts) > 0  # some left half-linked, as before
    batched.close()


@pytest.mark.parametrize("step", [7, 1000])
def test_deep_pages_from_anchors_match_plain_offsets(tmp_path, monkeypatch, step):
    monkeypatch.setattr(anchors, "STEP", step)
    db = Store(tmp_path / "t.db")
    db.put_many(generate(SMALL, seed=3))
    plain = [
        row[0]
        for row in db.db.execute("SELECT doc FROM docs WHERE collection = 'customers' ORDER BY key")
    ]
    for offset in [0, 1, 6, 7, 8, 50, 293, 299, 300, 400]:
        assert db.page("customers", limit=10, offset=offset) == plain[offset : offset + 10]
    db.put("customers", "00000000", {"customerNumber": "00000000"})  # shifts every position
    assert json.loads(db.page("customers", limit=1, offset=8)[0]) == json.loads(plain[7])
    db.close()

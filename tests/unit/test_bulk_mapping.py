"""207 multi-status entries map back to exactly the right input rows, or to none; bulk
requests carry exactly 200 items; a delete that finds nothing is done."""

from types import SimpleNamespace

import httpx
import pytest

from emporix_data.errors import ApiError
from emporix_data.operations import (
    BULK_LIMIT,
    Operation,
    bulk_operations,
    chunked,
    execute,
    map_multi_status,
)


def test_450_items_are_chunked_200_200_50_with_offsets():
    items = list(range(450))
    chunks = chunked(items)
    assert [(offset, len(chunk)) for offset, chunk in chunks] == [(0, 200), (200, 200), (400, 50)]
    assert [x for _, chunk in chunks for x in chunk] == items
    assert BULK_LIMIT == 200


def test_zero_based_entries_in_any_order_map_to_their_items():
    entries = [
        {"index": 2, "code": 404, "status": "Not Found", "message": "no such customer"},
        {"index": 0, "code": 201, "status": "Created"},
        {"index": 1, "code": 204, "status": "OK"},
    ]
    results = map_multi_status(entries, [200, 201, 202])
    assert [(r.row, r.status, r.ok) for r in results] == [
        (200, 201, True),
        (201, 204, True),
        (202, 404, False),
    ]
    assert results[2].message == "no such customer"


def test_one_based_complete_answer_is_read_as_counting_from_one():
    entries = [
        {"index": 1, "code": 204, "status": "OK"},
        {"index": 2, "code": 400, "status": "Bad Request", "message": "Validation problem"},
    ]
    results = map_multi_status(entries, [7, 8])
    assert [(r.row, r.status) for r in results] == [(7, 204), (8, 400)]


def test_item_without_an_entry_is_reported_failed_not_dropped():
    results = map_multi_status([{"index": 0, "code": 204, "status": "OK"}, "junk"], [0, 1])
    assert len(results) == 2
    assert results[1].ok is False
    assert results[1].message == "the API returned no result for this item"


def test_450_bulk_items_go_as_requests_of_exactly_200_200_and_50_rows():
    items = [{"customerId": f"C{i}"} for i in range(450)]
    operations = bulk_operations("PUT", "/bulk", items, list(range(1000, 1450)))
    assert [len(op.rows) for op in operations] == [200, 200, 50]
    assert [len(op.body) for op in operations] == [200, 200, 50]
    assert [row for op in operations for row in op.rows] == list(range(1000, 1450))
    assert [item for op in operations for item in op.body] == items


def test_an_incomplete_answer_numbered_from_one_is_not_guessed_every_row_fails():
    entries = [
        {"index": 1, "code": 204, "status": "OK"},
        {"index": 2, "code": 400, "status": "Bad Request", "message": "Validation problem"},
    ]
    results = map_multi_status(entries, [7, 8, 9])
    assert [(r.row, r.status, r.ok) for r in results] == [
        (7, 0, False),
        (8, 0, False),
        (9, 0, False),
    ]
    assert all(r.message.startswith("ambiguous 207 answer: 2 entries for 3 items") for r in results)


def test_an_incomplete_answer_that_says_how_it_counts_maps_what_it_has():
    from_zero = map_multi_status([{"index": 0, "code": 204}, {"index": 2, "code": 400}], [7, 8, 9])
    assert [(r.row, r.status) for r in from_zero] == [(7, 204), (8, 0), (9, 400)]
    assert from_zero[1].message == "the API returned no result for this item"
    from_one = map_multi_status([{"index": 3, "code": 201}, {"index": 1, "code": 204}], [7, 8, 9])
    assert [(r.row, r.status) for r in from_one] == [(7, 204), (8, 0), (9, 201)]


def test_an_answer_numbered_both_ways_at_once_is_ambiguous():
    results = map_multi_status([{"index": 0, "code": 204}, {"index": 2, "code": 204}], [7, 8])
    assert [r.ok for r in results] == [False, False]
    assert "ambiguous 207 answer" in results[0].message


class FakeApi(SimpleNamespace):
    """A client whose every request answers with ``response`` or raises ``error``."""

    def request(self, method, path, *, params=None, json=None):
        if self.error is not None:
            raise self.error
        return self.response


def test_a_delete_answered_404_is_applied_as_already_absent():
    gone = ApiError(message="Customer 7 not found", status=404, method="DELETE", path="/c/7")
    (single,) = execute(FakeApi(error=gone), Operation("DELETE", "/c/7", (3,)))
    assert (single.row, single.status, single.ok, single.message) == (
        3,
        404,
        True,
        "already absent",
    )
    entries = [{"index": 0, "code": 204}, {"index": 1, "code": 404, "message": "not found"}]
    answer = httpx.Response(207, json=entries)
    bulk = execute(
        FakeApi(error=None, response=answer), Operation("DELETE", "/b", (5, 6), [], bulk=True)
    )
    assert [(r.row, r.ok, r.message) for r in bulk] == [
        (5, True, None),
        (6, True, "already absent"),
    ]


def test_a_404_to_anything_but_a_delete_still_fails():
    missing = ApiError(message="Customer 7 not found", status=404, method="PATCH", path="/c/7")
    (patched,) = execute(FakeApi(error=missing), Operation("PATCH", "/c/7", (3,), {}))
    assert (patched.ok, patched.message) == (False, "Customer 7 not found")


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError):
        chunked([1], 0)

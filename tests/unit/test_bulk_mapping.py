"""207 multi-status entries map back to exactly the right input rows."""

import pytest

from emporix_data.operations import BULK_LIMIT, chunked, map_multi_status


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


def test_chunk_size_must_be_positive():
    with pytest.raises(ValueError):
        chunked([1], 0)

"""Documents kept packed: each comes back exactly as sent, fresh every time; pages are
fetched at most a window ahead of the one being read."""

from __future__ import annotations

import json

import msgspec
import pytest

from emporix_data.documents import DocumentPack, ListPage, RawDocuments
from emporix_data.pagination import iter_pages
from tests.unit.test_pagination import ListServer, client_for

SENT = [
    {"id": "a", "unknown": {"deep": [1, 2.5, None, "ü"]}, "mixins": {}},
    {"id": "b", "active": "true", "big": 2**60},
    {"id": "c"},
]


def packed(documents: list[dict], per_pack: int) -> RawDocuments:
    encoded = [msgspec.json.encode(document) for document in documents]
    packs = [
        DocumentPack(encoded[start : start + per_pack])
        for start in range(0, len(encoded), per_pack)
    ]
    keys = [(document["id"],) for document in documents]
    return RawDocuments(packs, lambda: keys)


@pytest.mark.parametrize("per_pack", [1, 2, 3])
def test_every_document_comes_back_as_sent_by_key_in_row_order(per_pack):
    documents = packed(SENT, per_pack)
    assert list(documents) == [("a",), ("b",), ("c",)]
    assert len(documents) == 3
    for document in reversed(SENT):  # out of order: packs unpacked again as needed
        assert documents[(document["id"],)] == document
    assert documents.get(("x",)) is None


def test_a_document_is_decoded_fresh_so_changing_one_changes_nothing_kept():
    documents = packed(SENT, 2)
    documents[("a",)]["unknown"]["deep"].append("changed")
    assert documents[("a",)] == SENT[0]


def test_keys_that_do_not_match_the_documents_are_refused():
    pack = DocumentPack([b'{"id": "a"}'])
    with pytest.raises(ValueError, match="2 keys for 1 documents"):
        RawDocuments([pack], lambda: [("a",), ("b",)]).get(("a",))


def test_a_list_page_is_sliced_into_its_documents_without_reading_them():
    page = ListPage(json.dumps(SENT).encode())
    assert len(page) == 3
    assert [json.loads(bytes(raw)) for raw in page.raws] == SENT


@pytest.mark.parametrize("total", [False, True])
def test_pages_are_fetched_at_most_a_window_ahead_of_the_one_being_read(total):
    server = ListServer(5_000, total=5_000 if total else None)
    client = client_for(server, page_size=100)  # concurrency 4: the window by default
    read = []
    for number, page in enumerate(
        iter_pages(client, "/things", json.loads, total_header=total), start=1
    ):
        read.extend(page)
        furthest = max(asked for asked, _ in server.asked)
        assert furthest < number + 4, f"page {furthest} asked while page {number} is read"
    assert read == list(range(5_000))

"""The journal file on its own: a push is finished only when every row has a result, and
pushes are told apart by their connection (API URL and tenant), not the tenant alone."""

from __future__ import annotations

import pytest

from emporix_data.journal import Connection, Journal, Origin, RowRecord
from emporix_data.plan import RowChange

HERE = Connection("http://127.0.0.1:8765", "demo")
THERE = Connection("https://api.emporix.io", "demo")


def start(journal: Journal, connection: Connection, rows: int = 2) -> str:
    changes = [
        RowChange("update", (f"0000000{i}",), f"row {i + 2}", {"firstName": "X"})
        for i in range(rows)
    ]
    return journal.start(
        resource="customers",
        tenant=connection.tenant,
        api_url=connection.api_url,
        origin=Origin("tester", "file c.csv"),
        changes=changes,
        before=[{}] * rows,
    )


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.db") as book:
        yield book


def test_a_push_with_a_row_without_result_is_not_finished(journal):
    push_id = start(journal, HERE)
    journal.record(push_id, [RowRecord(0, "applied", 204, None)])
    assert journal.finish(push_id) is False
    entry = journal.entry(push_id)
    assert (entry.status, entry.finished_at) == ("incomplete", None)
    assert [row.position for row in entry.pending()] == [1]

    journal.claim(push_id)
    journal.record(push_id, [RowRecord(1, "failed", 500, "Injected fault 500")])
    assert journal.finish(push_id) is True
    assert journal.entry(push_id).status == "finished"


def test_history_lists_only_the_pushes_of_the_connection_asked_for(journal):
    here = start(journal, HERE)
    there = start(journal, THERE)
    elsewhere = start(journal, Connection(HERE.api_url, "other"))
    assert journal.history(HERE)["id"].tolist() == [here]
    assert journal.history(THERE)["id"].tolist() == [there]
    assert set(journal.history()["id"]) == {here, there, elsewhere}
    assert journal.history(THERE).loc[0, ["api_url", "tenant"]].tolist() == list(THERE)


def test_a_push_refuses_to_be_acted_on_through_another_connection(journal):
    entry = journal.entry(start(journal, THERE))
    entry.check_connection(THERE)
    with pytest.raises(ValueError) as refused:
        entry.check_connection(HERE)
    assert "made on tenant demo at https://api.emporix.io" in str(refused.value)
    assert "not on tenant demo at http://127.0.0.1:8765" in str(refused.value)

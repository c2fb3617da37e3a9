"""Push history under AppTest: pages' pushes listed, resumed and undone."""

from __future__ import annotations

from emporix_data.client import EmporixClient
from emporix_data.journal import Origin, open_journal
from emporix_data.tables import load_table
from tests.dashboard.helpers import edit, metrics, open_page, push
from tests.support import TenantApi


def test_a_page_push_is_journaled_with_its_page_and_listed_in_push_history(app, journal_db):
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "Journaled"}})
    push(app, 1)
    with open_journal(journal_db) as journal:
        history = journal.history()
    assert history[["resource", "source", "status", "applied"]].values.tolist() == [
        ["customers", "page Customers", "finished", 1]
    ]
    with open_journal(journal_db) as journal:  # the same tenant name, served elsewhere
        journal.start(
            resource="customers",
            tenant="demo",
            api_url="https://api.emporix.io",
            origin=Origin("ana", "file elsewhere.csv"),
            changes=[],
            before=[],
        )

    open_page(app, "push_history")
    listed = app.dataframe[0].value
    assert listed["id"].tolist() == history["id"].tolist()
    assert app.selectbox(key="history:push").value == history.loc[0, "id"]


def test_an_incomplete_push_is_resumed_from_push_history(app, journal_db, make_settings):
    with EmporixClient(make_settings()) as client:
        loaded = load_table(client, "customers")
        edited = loaded.frame.copy()
        edited.loc[[0, 1], "lastName"] = "Resumed-Here"
        plan = loaded.plan(edited, "grid")
        with open_journal(journal_db) as journal:
            push_id = journal.start(
                resource="customers",
                tenant=client.tenant,
                api_url=client.settings.base_url,
                origin=Origin("ana", "page Customers"),
                changes=plan.changes,
                before=[loaded.documents[c.key] for c in plan.changes],
            )
            journal.release(push_id)

    open_page(app, "push_history")
    resume = app.button(key="history:resume")
    assert resume.label == "Resume: send the 2 rows without a result"
    resume.click().run()

    assert next(s.value for s in app.success).startswith(f"Push {push_id}: 2 applied")
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).customer("00000001")["lastName"] == "Resumed-Here"
        assert TenantApi(client).customer("00000002")["lastName"] == "Resumed-Here"


def test_a_push_is_undone_from_push_history_after_review(app, make_settings):
    with EmporixClient(make_settings()) as client:
        original = TenantApi(client).customer("00000001")["firstName"]
    open_page(app, "customers")
    edit(app, "customers", edited_rows={0: {"firstName": "To-Undo"}})
    push(app, 1)

    open_page(app, "push_history")
    app.button(key="history:plan").click().run()
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 0, "Invalid rows": 0}
    app.button(key="history:undo-push").click().run()

    assert not app.exception, app.exception
    with EmporixClient(make_settings()) as client:
        assert TenantApi(client).customer("00000001")["firstName"] == original
    assert len(app.dataframe[0].value) == 2, "the undo is journaled as a push of its own"

"""Data quality under AppTest: a card per check with its count, and a fix reviewed,
pushed, journaled, and followed by a fresh audit."""

from __future__ import annotations

from emporix_data.audit import CHECKS
from emporix_data.client import EmporixClient
from emporix_data.journal import open_journal
from emporix_data.tables import load_table
from tests.dashboard.helpers import metrics, open_page, table_state
from tests.support import TenantApi


def orphan_a_customer(make_settings) -> tuple[str, int]:
    """Delete a customer who is in segments (through the API); its id and memberships."""
    with EmporixClient(make_settings()) as client:
        memberships = load_table(client, "segment-memberships").frame
        customer = memberships.loc[memberships["legalEntityId"].isna(), "customerId"].iloc[0]
        assert TenantApi(client).delete_customer(customer) in (202, 204)
    return customer, int((memberships["customerId"] == customer).sum())


def test_every_check_has_a_card_with_its_count(app, make_settings):
    _customer, orphans = orphan_a_customer(make_settings)
    open_page(app, "data_quality")
    counts = metrics(app)
    assert list(counts) == list(CHECKS)
    assert counts["orphan-memberships"] == orphans
    assert counts["duplicate-emails"] == 0
    reviewable = {b.key for b in app.button if str(b.key).startswith("audit:review:")}
    assert reviewable == {"audit:review:orphan-memberships"}, "report-only checks have no fix"
    assert counts["b2b-without-contact-assignment"] > 0
    assert "None of these has a safe fix." not in [c.value for c in app.caption]
    assert [d.label for d in app.get("download_button")][:2] == [
        "Download all findings (CSV)",
        "Download the findings (CSV)",
    ]


def test_a_fix_is_reviewed_pushed_journaled_and_the_audit_reruns(app, make_settings, journal_db):
    open_page(app, "segment_memberships")
    assert table_state(app, "segment-memberships").workspace is not None
    customer, orphans = orphan_a_customer(make_settings)
    open_page(app, "data_quality")
    app.button(key="audit:review:orphan-memberships").click().run()
    assert not app.exception, app.exception
    review = {k: v for k, v in metrics(app).items() if k not in CHECKS}
    assert review == {"Creates": 0, "Updates": 0, "Deletes": orphans, "Invalid rows": 0}

    app.button(key="audit:push").click().run()
    assert not app.exception, app.exception
    assert next(s.value for s in app.success).startswith("Fix of orphan-memberships (push ")
    assert metrics(app)["orphan-memberships"] == 0, "the audit ran again on fresh data"
    assert table_state(app, "segment-memberships").workspace is None, "the page reloads it"
    with open_journal(journal_db) as journal:
        history = journal.history()
    assert history[["resource", "source", "applied"]].values.tolist() == [
        ["segment-memberships", "page Data quality (audit orphan-memberships)", orphans]
    ]
    with EmporixClient(make_settings()) as client:
        left = load_table(client, "segment-memberships").frame
    assert customer not in set(left["customerId"])


def test_a_fix_under_review_can_be_cancelled_and_nothing_is_sent(app, make_settings, journal_db):
    orphan_a_customer(make_settings)
    open_page(app, "data_quality")
    app.button(key="audit:review:orphan-memberships").click().run()
    app.button(key="audit:cancel").click().run()
    assert not [b for b in app.button if b.key == "audit:push"]
    with open_journal(journal_db) as journal:
        assert journal.history().empty

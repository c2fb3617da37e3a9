"""Sessions of one dashboard process share loaded tables: a second session starts at
once, without a request; its edits stay its own; Reload and pushes replace the shared
table, so the next session starts from the current data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.helpers import edit, open_page, push, table_state
from tests.support import APP

CUSTOMERS = "GET /customer/{tenant}/customers"
GROUPS = "GET /shipping/{tenant}/{site}/cgrelations"
OVERVIEW_ROUTES = (
    CUSTOMERS,
    "GET /customer-management/{tenant}/contact-assignments",
    "GET /customer-segment/{tenant}/segments/{segmentId}/customers",
)


@pytest.fixture
def session(sandbox_secrets, admin, journal_db):
    """A new browser session of the same server process (cached resources shared)."""

    def start() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["emporix"] = sandbox_secrets
        return at.run()

    return start


def first_name(at: AppTest, number: str) -> str:
    frame = table_state(at, "customers").loaded.frame
    return str(frame.loc[frame["customerNumber"] == number, "firstName"].iloc[0])


def test_a_second_session_starts_from_the_loaded_table_and_edits_its_own_copy(session, admin):
    first = open_page(session(), "customer_groups")  # a table the Overview does not load
    assert admin.count(GROUPS) > 0
    admin.reset_stats()
    second = open_page(session(), "customer_groups")
    assert admin.count(GROUPS) == 0, "the second session loaded nothing"
    groups = table_state(first, "customer-groups", "main").loaded
    assert table_state(second, "customer-groups", "main").loaded is groups
    admin.reset_stats()
    open_page(first, "customers")
    second = open_page(second, "customers")
    assert admin.count(CUSTOMERS) == 0
    assert table_state(second, "customers").loaded is table_state(first, "customers").loaded
    edit(second, "customers", edited_rows={0: {"firstName": "Only mine"}})
    assert "No pending changes." not in [c.value for c in second.caption]
    first.run()
    assert "No pending changes." in [c.value for c in first.caption]
    assert first_name(first, "00000001") != "Only mine"


def test_reload_and_push_replace_the_shared_table(session, admin, tenant):
    first = open_page(session(), "customers")
    tenant.patch_customer("00000002", {"firstName": "Changed elsewhere"})
    second = open_page(session(), "customers")
    assert first_name(second, "00000002") != "Changed elsewhere", "shared, as loaded"
    admin.reset_stats()
    next(b for b in second.button if b.label == "Reload").click().run()
    assert admin.count(CUSTOMERS) > 0
    assert first_name(second, "00000002") == "Changed elsewhere"
    admin.reset_stats()
    assert first_name(open_page(session(), "customers"), "00000002") == "Changed elsewhere"
    assert admin.count(CUSTOMERS) == 0, "the reloaded table is shared"

    edit(first, "customers", edited_rows={0: {"firstName": "Pushed"}})
    push(first, 1)
    admin.reset_stats()
    third = open_page(session(), "customers")
    assert admin.count(CUSTOMERS) == 0
    assert first_name(third, "00000001") == "Pushed", "the table reloaded after the push"
    assert first_name(third, "00000002") == "Changed elsewhere"


def test_the_overview_loads_its_tables_once_for_every_session(session, admin):
    admin.reset_stats()
    first = open_page(session(), "overview")
    assert all(admin.count(route) > 0 for route in OVERVIEW_ROUTES)
    figures = [(m.label, m.value) for m in first.metric]
    assert figures[0] == ("Customers", "120")
    admin.reset_stats()
    open_page(first, "customers")
    second = open_page(session(), "overview")
    assert [(m.label, m.value) for m in second.metric] == figures
    assert all(admin.count(route) == 0 for route in OVERVIEW_ROUTES)

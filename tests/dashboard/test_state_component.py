"""Where pages keep their state, run as pages of their own: one state per table, tenant
and site, and a push made elsewhere reloading or marking stale every site's table."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from emporix_data.client import EmporixClient
from emporix_data.resources.customer_groups import list_customer_groups
from emporix_data.workspace import TableState
from pages.components.state import state_key
from tests.dashboard.synthetic import groups_table, started


def state_page() -> None:
    import streamlit as st

    from pages.components.state import site_choice, table_state, table_states

    site_choice("customer-groups").choose(st.text_input("Site", key="site"))
    groups = table_state("customer-groups")
    st.caption(f"{groups.name} of {groups.tenant} on {groups.site}")
    st.caption(f"{len(table_states('customer-groups'))} sites kept")
    st.caption(f"customers on {table_state('customers').site}")


def forget_page() -> None:
    import streamlit as st

    from pages.components.push import forget_loaded

    if st.button("Forget", key="forget"):
        forget_loaded("customer-groups")


def connected(page, secrets: dict[str, str]) -> AppTest:
    at = AppTest.from_function(page, default_timeout=30)
    at.secrets["emporix"] = secrets
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_each_site_of_a_per_site_table_has_a_state_of_its_own(sandbox_secrets):
    at = connected(state_page, sandbox_secrets).run()
    assert not at.exception, at.exception
    assert captions(at) == [
        "customer-groups of demo on main",
        "1 sites kept",
        "customers on None",
    ]
    main = at.session_state[state_key("customer-groups", "demo", "main")]
    at.text_input(key="site").set_value("outlet").run()
    assert captions(at)[:2] == ["customer-groups of demo on outlet", "2 sites kept"]
    at.text_input(key="site").set_value("").run()
    assert captions(at)[0] == "customer-groups of demo on main"
    assert at.session_state[state_key("customer-groups", "demo", "main")] is main


def test_a_push_made_elsewhere_reloads_clean_tables_and_marks_edited_ones_stale(
    sandbox_secrets,
):
    clean = started(groups_table("main", ["C1", "C2"]), "main")
    edited = started(groups_table("outlet", ["C3"]), "outlet")
    edited.add_rows(pd.DataFrame({"site": ["outlet"], "customerId": ["C4"], "groupId": ["x"]}))
    elsewhere = TableState("customer-groups", "other-tenant", "main")
    elsewhere.start(groups_table("main", ["C5"]), clean.loaded_at)
    at = connected(forget_page, sandbox_secrets)
    for state in (clean, edited, elsewhere):
        at.session_state[state_key(state.name, state.tenant, state.site)] = state
    at.run()
    at.button(key="forget").click().run()
    assert not at.exception, at.exception
    assert clean.workspace is None and not clean.stale
    assert edited.workspace is not None and edited.stale
    assert elsewhere.workspace is not None and not elsewhere.stale


def loading_page() -> None:
    import streamlit as st

    from emporix_data.tables import TABLES
    from pages.components.loading import loaded_state, references_for

    state = loaded_state("customer-groups", reload=st.button("Reload", key="reload"))
    known = references_for(state, TABLES["customer-groups"]).customers or ()
    st.caption(f"{len(state.loaded.frame)} rows, generation {state.generation}")
    st.caption(f"{len(known)} customers known")


def test_a_table_loads_once_and_again_on_reload_or_says_why_it_cannot(
    sandbox_secrets, admin, make_settings
):
    with EmporixClient(make_settings()) as client:
        relations = len(list_customer_groups(client))
    at = connected(loading_page, sandbox_secrets).run()
    assert captions(at) == [f"{relations} rows, generation 1", "120 customers known"]
    at.run()
    assert captions(at)[0] == f"{relations} rows, generation 1"
    admin.reset_stats()
    at.button(key="reload").click().run()
    assert captions(at)[0] == f"{relations} rows, generation 2"
    assert admin.count("GET /customer/{tenant}/customers") == 0, "references are kept"

    admin.queue({"kind": "500", "method": "GET", "path_contains": "/cgrelations", "count": 1})
    at.button(key="reload").click().run()
    assert next(e.value for e in at.error).startswith(
        "Loading customer groups of site main failed: "
    )
    assert not captions(at)

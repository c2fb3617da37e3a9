"""The Customers page with the columns its data brings: mixin fields shown, filtered and
edited, the default address shown read-only."""

from __future__ import annotations

from emporix_data.client import EmporixClient
from emporix_data.resources.customers import EXPAND_ALL, list_customers
from tests.dashboard.helpers import edit, metrics, open_page, push


def test_mixin_and_address_columns_are_shown_and_a_mixin_value_filters_the_grid(app):
    open_page(app, "customers")
    shown = app.data_editor[0].value
    assert {"mixins.loyalty.tier", "mixins.loyalty.points", "addressCountry", "addressCity"} <= set(
        shown.columns
    )
    tiers = app.multiselect(key="customers:pick:mixins.loyalty.tier")
    assert set(tiers.options) <= {"gold", "silver", "bronze"} and tiers.options
    tiers.set_value(["gold"]).run()
    filtered = app.data_editor[0].value
    assert len(filtered) and set(filtered["mixins.loyalty.tier"]) == {"gold"}
    assert app.multiselect(key="customers:pick:addressCountry").options


def test_a_mixin_edit_in_the_grid_keeps_the_other_fields_and_addresses_are_read_only(
    app, make_settings
):
    open_page(app, "customers")
    shown = app.data_editor[0].value
    position = int((shown["mixins.loyalty.tier"].notna()).to_numpy().nonzero()[0][0])
    number = shown.iloc[position]["customerNumber"]
    edit(app, "customers", edited_rows={position: {"addressCity": "Elsewhere"}})
    assert metrics(app)["Invalid rows"] == 1
    assert app.dataframe[-1].value["column"].tolist() == ["addressCity"]

    edit(app, "customers", edited_rows={position: {"mixins.loyalty.tier": "diamond"}})
    assert metrics(app) == {"Creates": 0, "Updates": 1, "Deletes": 0, "Invalid rows": 0}
    with EmporixClient(make_settings()) as client:
        (before,) = list_customers(client, q=f'customerNumber:"{number}"', expand=EXPAND_ALL)
    push(app, 1)
    assert [s.value for s in app.success] == ["Last push: 1 applied, 0 failed, 0 conflicts."]
    with EmporixClient(make_settings()) as client:
        (after,) = list_customers(client, q=f'customerNumber:"{number}"', expand=EXPAND_ALL)
    assert before.mixins and after.mixins
    assert after.mixins == {
        **before.mixins,
        "loyalty": {**before.mixins["loyalty"], "tier": "diamond"},
    }
    assert after.addresses == before.addresses

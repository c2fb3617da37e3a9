"""Shipping customer-group relations, which Emporix keeps per site: pick the site; add
customers to a group (or move them to another); names and e-mails beside the ids."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from emporix_data.tables import TABLES
from pages.common import count_of, get_connection, require_app_navigation
from pages.components.grid import add_pending_rows, fold_grid
from pages.components.loading import loaded_state
from pages.components.state import kept_expander, site_choice, table_state, widget_value
from pages.components.table import render_table_page

require_app_navigation("pages/customer_groups.py")

NAME = "customer-groups"
PICKER = f"{NAME}:site-picker"


def site_picker() -> dict[str, Sequence[object]]:
    """The site whose relations are loaded and pushed; each site keeps its own edits."""
    settings = get_connection().settings
    sites = site_choice(NAME)
    sites.remember(widget_value(PICKER))
    chosen = st.selectbox(
        "Site",
        sites.known,
        key=PICKER,
        accept_new_options=True,
        persist_state="session",
        help=(
            f"Relations are stored per site; `{settings.site}` is the configured one. "
            "Type another site code to open it."
        ),
    )
    return {"site": [sites.choose(chosen)]}


def customer_labels() -> dict[str, str]:
    """Each customer's number with name and e-mail, for pickers and the grid."""
    frame = loaded_state("customers").work.frame
    names = (frame["firstName"].fillna("") + " " + frame["lastName"].fillna("")).str.strip()
    emails = frame["contactEmail"].fillna("")
    return {
        str(number): " · ".join(part for part in (str(number), name, email) if part)
        for number, name, email in zip(frame["customerNumber"], names, emails, strict=True)
        if pd.notna(number)
    }


def names_beside(snapshot: pd.DataFrame) -> dict[str, pd.Series]:
    """The customer's name and e-mail beside each relation's customer id."""
    customers = loaded_state("customers").work.frame.dropna(subset=["customerNumber"])
    by_number = customers.drop_duplicates("customerNumber").set_index("customerNumber")
    ids = snapshot["customerId"]
    first = ids.map(by_number["firstName"]).fillna("")
    last = ids.map(by_number["lastName"]).fillna("")
    return {
        "customerName": (first + " " + last).str.strip().astype("string"),
        "customerEmail": ids.map(by_number["contactEmail"]).astype("string"),
    }


def add_to_group_form() -> None:
    """Customers put into a group as pending changes: new relations, or a move for a
    customer already in another group of this site."""
    state = table_state(NAME)
    labels = customer_labels()
    typed = widget_value(state.widget_key("add:group"))
    groups = sorted(set(state.work.frame["groupId"].dropna()) | ({typed} if typed else set()))
    with kept_expander(
        "Add customers to a group", state.widget_key("add:open"), ":material/group_add:"
    ):
        customers = st.multiselect(
            "Customers",
            list(labels),
            format_func=labels.__getitem__,
            key=state.widget_key("add:customers"),
            placeholder="Type a number, name or e-mail",
        )
        group = st.selectbox(
            "Group",
            groups,
            index=None,
            accept_new_options=True,
            key=state.widget_key("add:group"),
            placeholder="Choose a group, or type a new one",
        )
        if st.button(
            "Add to pending changes",
            key=state.widget_key("add:go"),
            disabled=not (customers and group),
            type="primary",
        ):
            add_to_group(customers, str(group))


def add_to_group(customers: list[str], group: str) -> None:
    state = table_state(NAME)
    fold_grid(state)
    site = state.site or get_connection().settings.site
    rows = pd.DataFrame({"site": site, "customerId": customers, "groupId": group})
    new = state.work.rows_not_present(rows)
    if len(new):
        add_pending_rows(state, new)
    moved = state.work.rows_with_keys(
        [(site, c) for c in customers if c not in set(new["customerId"])]
    )
    column = TABLES[NAME].schema.by_name["groupId"]
    changed = state.edit(lambda work: work.set_value(moved.index.tolist(), column, group))
    st.toast(
        f"{count_of(len(new), 'customer')} added to {group}"
        + (f", {count_of(changed, 'customer')} moved to it" if changed else "")
        + ": review and push below"
    )


render_table_page(
    NAME,
    top=site_picker,
    before_grid=add_to_group_form,
    beside=names_beside,
    when_empty="No customer-group relations on site {site} yet: add customers to a group "
    "above, or upload a file.",
)

"""Overview: KPI tiles and charts of the tenant's customer data, from the loaded tables.
Every tile and chart links to the saved report that lists its rows."""

import plotly.express as px
import streamlit as st

from emporix_data import insights
from emporix_data.insights import OVERVIEW_REPORTS
from emporix_data.reports import ChartSpec
from pages.common import get_connection, require_app_navigation
from pages.components.loading import loaded_tables
from pages.components.report_chart import figure
from pages.components.report_links import report_link, tile
from pages.components.report_tables import segment_names

require_app_navigation("pages/overview.py")

st.title("Overview")
st.caption(f"Connected to {get_connection().label}.")

tables = loaded_tables(["customers", "contact-assignments", "segment-memberships"])
customers = tables["customers"].frame
assignments = tables["contact-assignments"].frame
memberships = tables["segment-memberships"].frame
names = segment_names()
figures = insights.kpis(customers, assignments, memberships)

first, second, third, fourth = st.columns(4)
with first:
    tile("Customers", figures.customers, OVERVIEW_REPORTS["customers"], f"{figures.b2b:,} B2B")
with second:
    tile("Active", figures.active, OVERVIEW_REPORTS["customers"], f"{figures.on_hold:,} on hold")
with third:
    tile(
        "Contact assignments",
        figures.contact_assignments,
        OVERVIEW_REPORTS["contact_assignments"],
    )
with fourth:
    tile("Segment memberships", figures.memberships, OVERVIEW_REPORTS["memberships"])
first, second = st.columns(2)
with first:
    tile(
        "B2B customers without a contact assignment",
        figures.b2b_without_contact,
        OVERVIEW_REPORTS["b2b_without_contact"],
    )
with second:
    tile("Customers in no segment", figures.without_segment, OVERVIEW_REPORTS["without_segment"])

left, right = st.columns(2)
with left:
    st.plotly_chart(
        figure(
            insights.customers_by_model_and_status(customers),
            ChartSpec("bar", "businessModel", "customers", "status"),
            "Customers by business model and status",
        ),
        key="status",
    )
    report_link(OVERVIEW_REPORTS["customers"])
with right:
    st.plotly_chart(
        figure(
            insights.signups_by_month(customers),
            ChartSpec("line", "month", "customers"),
            "Sign-ups per month",
        ),
        key="signups",
    )
    report_link(OVERVIEW_REPORTS["signups"])
left, right = st.columns(2)
with left:
    st.plotly_chart(
        figure(
            insights.segment_sizes(memberships, names),
            ChartSpec("bar", "segment", "customers"),
            "Segment sizes",
        ),
        key="sizes",
    )
    report_link(OVERVIEW_REPORTS["memberships"])
with right:
    st.plotly_chart(
        px.imshow(
            insights.segment_overlaps(memberships, names),
            text_auto=True,
            aspect="auto",
            labels={"x": "Segment", "y": "Other segment", "color": "Shared customers"},
            title="Customers shared by two segments",
        ),
        key="overlaps",
    )
    st.caption("A segment's own size is left out here: it is in Segment sizes.")
    report_link(OVERVIEW_REPORTS["overlaps"])
st.plotly_chart(
    figure(
        insights.assignments_by_type(assignments),
        ChartSpec("bar", "legalEntity", "assignments", "contactType"),
        "Contact assignments by type (largest legal entities)",
    ),
    key="assignments",
)
report_link(OVERVIEW_REPORTS["contact_assignments"])

"""Overview: KPI tiles and charts of the tenant's customer data, from the loaded tables."""

import plotly.express as px
import streamlit as st

from emporix_data import insights
from pages.common import get_connection, require_app_navigation
from pages.components.loading import loaded_table

require_app_navigation("pages/overview.py")

st.title("Overview")
st.caption(f"Connected to {get_connection().label}.")

customers = loaded_table("customers").frame
assignments = loaded_table("contact-assignments").frame
memberships = loaded_table("segment-memberships").frame
figures = insights.kpis(customers, assignments, memberships)

tiles = st.columns(4)
tiles[0].metric("Customers", f"{figures.customers:,}", f"{figures.b2b:,} B2B", delta_color="off")
tiles[1].metric("Active", f"{figures.active:,}", f"{figures.on_hold:,} on hold", delta_color="off")
tiles[2].metric("Contact assignments", f"{figures.contact_assignments:,}")
tiles[3].metric("Segment memberships", f"{figures.memberships:,}")
gaps = st.columns(4)
gaps[0].metric("B2B customers without a contact assignment", f"{figures.b2b_without_contact:,}")
gaps[1].metric("Customers in no segment", f"{figures.without_segment:,}")

left, right = st.columns(2)
left.plotly_chart(
    px.bar(
        insights.customers_by_model_and_status(customers),
        x="businessModel",
        y="customers",
        color="status",
        barmode="group",
        title="Customers by business model and status",
    ),
    key="status",
)
right.plotly_chart(
    px.line(
        insights.signups_by_month(customers), x="month", y="customers", title="Sign-ups per month"
    ),
    key="signups",
)
left, right = st.columns(2)
left.plotly_chart(
    px.bar(
        insights.segment_sizes(memberships), x="segmentId", y="customers", title="Segment sizes"
    ),
    key="sizes",
)
right.plotly_chart(
    px.imshow(
        insights.segment_overlaps(memberships), text_auto=True, title="Customers shared by segments"
    ),
    key="overlaps",
)
st.plotly_chart(
    px.bar(
        insights.assignments_by_type(assignments),
        x="legalEntity",
        y="assignments",
        color="type",
        title="Contact assignments by type (largest legal entities)",
    ),
    key="assignments",
)

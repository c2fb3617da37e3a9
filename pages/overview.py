"""Overview: what this session is connected to and how much data is there."""

import streamlit as st

from emporix_data.errors import EmporixError
from emporix_data.resources.customers import list_customers
from pages.common import get_client, get_connection, require_app_navigation

require_app_navigation("pages/overview.py")

st.title("Overview")
connection = get_connection()
st.write(f"Connected to {connection.label}.")

try:
    customers = list_customers(get_client())
except EmporixError as exc:
    st.error(f"Loading customers failed: {exc}")
    st.stop()
st.metric("Customers", f"{len(customers):,}")

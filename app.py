"""Entry point of the dashboard: navigation and the connection sidebar."""

import streamlit as st

from pages.common import DEEP_LINK, NAVIGATION_READY, connection_sidebar
from pages.components.pending import PendingSign

st.set_page_config(page_title="Emporix data ops", page_icon=":material/table:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/customers.py", title="Customers", icon=":material/person:"),
        st.Page(
            "pages/contact_assignments.py", title="Contact assignments", icon=":material/badge:"
        ),
        st.Page(
            "pages/segment_memberships.py", title="Segment memberships", icon=":material/group:"
        ),
        st.Page(
            "pages/customer_groups.py", title="Customer groups", icon=":material/local_shipping:"
        ),
        st.Page("pages/reports.py", title="Reports", icon=":material/query_stats:"),
        st.Page("pages/push_history.py", title="Push history", icon=":material/history:"),
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/rule:"),
    ]
)
st.session_state[NAVIGATION_READY] = True
deep_link = st.session_state.pop(DEEP_LINK, None)
if deep_link:
    page, query_params = deep_link
    st.switch_page(page, query_params=query_params)
connection_sidebar()
unsaved = PendingSign()
navigation.run()
unsaved.refresh()

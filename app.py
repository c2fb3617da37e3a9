"""Entry point of the dashboard: navigation and the connection sidebar."""

import streamlit as st

from pages.common import connection_sidebar

st.set_page_config(page_title="Emporix data ops", page_icon=":material/table:", layout="wide")

navigation = st.navigation(
    [st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True)]
)
connection_sidebar()
navigation.run()

"""Customers: load, filter, edit, review and push."""

from pages.common import require_app_navigation
from pages.table_page import render_table_page

require_app_navigation("pages/customers.py")

render_table_page("customers")

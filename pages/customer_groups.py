"""Shipping customer-group relations of the configured site."""

from pages.common import require_app_navigation
from pages.table_page import render_table_page

require_app_navigation("pages/customer_groups.py")

render_table_page("customer-groups")

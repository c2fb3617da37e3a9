"""Shipping customer-group relations of the configured site."""

from pages.table_page import render_table_page

render_table_page("customer-groups")

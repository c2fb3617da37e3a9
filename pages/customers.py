"""Customers: load, filter, edit, review and push."""

from pages.table_page import render_table_page

render_table_page("customers")

"""Segment memberships, pushed through the bulk endpoints."""

from pages.table_page import render_table_page

render_table_page("segment-memberships")

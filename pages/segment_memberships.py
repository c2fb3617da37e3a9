"""Segment memberships, pushed through the bulk endpoints."""

from pages.common import require_app_navigation
from pages.table_page import render_table_page

require_app_navigation("pages/segment_memberships.py")

render_table_page("segment-memberships")

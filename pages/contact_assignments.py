"""B2B contact assignments, with legal entity and customer names beside their ids."""

from pages.common import require_app_navigation
from pages.components.table import render_table_page

require_app_navigation("pages/contact_assignments.py")

render_table_page("contact-assignments")

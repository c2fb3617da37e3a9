"""B2B contact assignments, with legal entity and customer names beside their ids."""

from pages.table_page import render_table_page

render_table_page("contact-assignments")

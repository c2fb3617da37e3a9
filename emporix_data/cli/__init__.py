"""The ``emporix-data`` command: the whole edit loop without a browser.

Sandbox server, exports, plans and pushes of edited files, the push journal's
history, resume and undo, and reports (saved ones and any SQL query). Each module holds
a group of commands and adds them to the app with its ``register``; ``common`` holds
what they share. A new command module is one more entry in ``COMMAND_MODULES`` (whose
order is the order of ``--help``).
"""

import typer

from emporix_data.cli import audit, files, journal, reports, tools

COMMAND_MODULES = (tools, files, journal, reports, audit)

app = typer.Typer(
    help="Emporix data ops: sandbox, exports, plans, journaled pushes, resume, undo, "
    "reports and audit.",
    no_args_is_help=True,
)
for module in COMMAND_MODULES:
    module.register(app)

__all__ = ["app"]

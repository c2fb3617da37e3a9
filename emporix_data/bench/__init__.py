"""Benchmark: this client against its floor and its peers, on a 100k-customer sandbox
with 50 ms latency and a request-rate limit, and a million-customer export.

Run ``emporix-data bench`` (or ``python -m emporix_data.bench``; ``--help`` lists the
options; ``--quick`` skips the million). It seeds synthetic tenants once (cached between
runs), serves them from a child process on 127.0.0.1 with latency injected into every
request, measures each operation through the same code the dashboard and the CLI use,
and prints a Markdown table.

Peers are measured in the same run (``loads``, ``peers``, ``naive``): the floor (our
requests again, parsed with the fastest parser, nothing built), a script (pages of our
size in turn, stdlib json) and the naive client (pages of the API's default size in
turn, one request per row for writes; where that would take minutes it is timed on a
sample of at least 500 requests and scaled from the server's counts, and the notes say
so). The browser rows open the Overview and the Customers page in fresh dashboards and
time filter changes, in headless Chromium; the export rows run the CLI as a child.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from emporix_data.bench.audit import measure_audit
from emporix_data.bench.dashboard import measure_dashboard_filter, measure_first_overview
from emporix_data.bench.export import measure_exports
from emporix_data.bench.options import Options, parse_args
from emporix_data.bench.report import Row, describe, table
from emporix_data.bench.reports import measure_reports
from emporix_data.bench.scenarios import Bench
from emporix_data.bench.tenant import prepared_database, served_config
from emporix_data.sandbox import start_sandbox_process


def run(options: Options) -> list[Row]:
    """Every measurement, against a fresh copy of the tenant served from a child process."""
    with tempfile.TemporaryDirectory(prefix="emporix-bench-") as workdir:
        database = prepared_database(options, Path(workdir))
        with start_sandbox_process(served_config(database, options.sizes, options)) as sandbox:
            bench = Bench(options, sandbox)
            try:
                bench.sandbox_pages()
                _step("loading customers")
                customers = bench.load_customers()
                _step("loading memberships")
                memberships = bench.load_memberships()
                _step("building customer_360 and grouping it")
                bench.rows += measure_reports(bench.client, customers.frame, memberships.frame)
                _step("pushing membership upserts")
                bench.push_memberships(customers.frame, memberships)
                del memberships
                _step("pushing customer updates")
                current = bench.push_customer_updates(customers)
                _step("building a change plan")
                bench.change_plan(customers)
                del customers
                _step("auditing")
                bench.rows.append(measure_audit(bench.client, bench.meter, options.customers))
                if options.browser:
                    _step("opening the Overview in a fresh dashboard")
                    bench.rows.append(
                        measure_first_overview(bench.settings, bench.admin, options.customers)
                    )
                    _step("opening the Customers page in a fresh dashboard, filtering")
                    bench.rows += measure_dashboard_filter(bench.settings, current, bench.admin)
            finally:
                bench.close()
    if options.export_customers:
        bench.rows += measure_exports(options)
    return bench.rows


def _step(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    print(describe(options), file=sys.stderr)
    rows = run(options)
    print(f"{describe(options)}:\n")
    print(table(rows))
    return 0


__all__ = ["main", "run"]

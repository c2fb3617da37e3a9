"""The audit command: what is wrong across the resources, and the fix of a fixable check,
reviewed, pushed and journaled like any edit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from emporix_data.audit import (
    CHECKS,
    AuditData,
    Check,
    CheckResult,
    checks_named,
    findings_frame,
    fixable_check,
    load_audit_data,
    origin_source,
    plan_fix,
    run_checks,
    summary_frame,
    tables_needed,
)
from emporix_data.cli.common import (
    DryRunOption,
    JournalOption,
    YesOption,
    configured_client,
    confirm,
    fail,
    finish,
    print_dry_run,
    print_plan,
    progress_bar,
    push_journaled,
    stderr,
    stdout,
)
from emporix_data.client import EmporixClient
from emporix_data.errors import EmporixError
from emporix_data.export import FORMATS, format_for, write_frame
from emporix_data.journal import open_journal
from emporix_data.push import push_plan

SAMPLE = 3
CheckOption = Annotated[
    list[str] | None,
    typer.Option(
        "--check", "-c", help=f"Run only this check (repeatable). One of: {', '.join(CHECKS)}."
    ),
]


def audit(
    check: CheckOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write every finding to this file."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"{' | '.join(FORMATS)}; default: from the suffix."),
    ] = None,
    fail_on_findings: Annotated[
        bool, typer.Option(help="Exit 1 when anything is found (for monitoring from cron).")
    ] = False,
    fix: Annotated[
        str | None,
        typer.Option(help="Plan the fix of this check, show it, ask, and push it journaled."),
    ] = None,
    dry_run: DryRunOption = False,
    yes: YesOption = False,
    journal: JournalOption = None,
) -> None:
    """Find orphans, duplicates and half-linked B2B customers; with --fix, repair one check."""
    if fix is not None:
        if check or output or fmt or fail_on_findings:
            fail("--fix takes no --check, --output or --fail-on-findings: it fixes one check")
        try:
            fixing = fixable_check(fix)
        except ValueError as exc:
            fail(str(exc))
        fix_check(fixing, dry_run=dry_run, yes=yes, journal=journal)
        return
    if dry_run or yes:
        fail("--dry-run and --yes go with --fix")
    if fmt and not output:
        fail("--format goes with --output")
    checks = _named(check or [])
    try:
        file_format = format_for(output, fmt) if output else None
    except ValueError as exc:
        fail(str(exc))
    with configured_client() as client:
        data = _load(client, checks)
    results = run_checks(data.frames, [c.name for c in checks])
    _print_results(results)
    found = sum(len(result.findings) for result in results)
    if output and file_format:
        try:
            write_frame(findings_frame(results), output, file_format)
        except OSError as exc:
            fail(f"cannot write {output}: {exc}")
        stderr.print(f"Wrote {found} findings to {output} ({file_format}).")
    if fail_on_findings and found:
        raise typer.Exit(code=1)


def fix_check(check: Check, *, dry_run: bool, yes: bool, journal: Path | None) -> None:
    """Load what the check reads, plan its fix, show it, ask, push it journaled."""
    with configured_client() as client:
        fix_plan = plan_fix(_load(client, [check]), check.name)
        plan, loaded = fix_plan.plan, fix_plan.loaded
        stdout.print(
            f"fix {check.name}: resolves {fix_plan.findings} of "
            f"{fix_plan.findings + fix_plan.left} findings",
            highlight=False,
        )
        print_plan(plan)
        if not plan.changes:
            stdout.print("Nothing to fix.")
            raise typer.Exit(code=1 if plan.errors else 0)
        if dry_run:
            print_dry_run(push_plan(client, loaded.table, plan, loaded.documents, dry_run=True))
            raise typer.Exit(code=1 if plan.errors else 0)
        confirm(yes, f"Push the fix of {check.name} ({len(plan.changes)} changes)?")
        with open_journal(journal) as book:
            report = push_journaled(
                client,
                loaded.table,
                plan,
                loaded.documents,
                journal=book,
                source=origin_source(check.name),
            )
    finish(report, loaded.table)


def _named(names: Sequence[str]) -> list[Check]:
    try:
        return checks_named(list(names))
    except ValueError as exc:
        fail(str(exc))


def _load(client: EmporixClient, checks: list[Check]) -> AuditData:
    """The tables the checks read, with a progress bar per table."""
    names = tables_needed(checks)
    with progress_bar() as bar:
        tasks = {name: bar.add_task(f"Loading {name}", total=None) for name in names}
        try:
            return load_audit_data(
                client,
                names,
                lambda name, done, total: bar.update(tasks[name], completed=done, total=total),
            )
        except (EmporixError, ValueError) as exc:
            fail(str(exc))


def _print_results(results: list[CheckResult]) -> None:
    """The table of checks, then the first findings of each."""
    summary = summary_frame(results)
    shown = pd.DataFrame(
        {
            "check": summary["check"],
            "findings": summary["findings"],
            "fixable": [
                "report only" if pd.isna(count) else str(count) for count in summary["fixable"]
            ],
        }
    )
    stdout.print(shown.to_string(index=False), markup=False, highlight=False)
    for result in results:
        for finding in result.findings[:SAMPLE]:
            stdout.print(f"{result.check.name}: {finding.reason}", markup=False, highlight=False)
        if len(result.findings) > SAMPLE:
            stdout.print(
                f"{result.check.name}: … and {len(result.findings) - SAMPLE} more",
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    app.command()(audit)

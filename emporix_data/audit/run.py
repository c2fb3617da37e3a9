"""Running checks over loaded frames, the findings as frames (to show and to write), and
the fix plan of a fixable check."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pandas as pd

from emporix_data.audit.model import AuditData, Check, CheckResult, FixPlan, Frames
from emporix_data.audit.registry import CHECKS, checks_named
from emporix_data.keys import key_text
from emporix_data.resources.legal_entities import LEGAL_ENTITY_SCHEMA
from emporix_data.tables import TABLES

FINDING_COLUMNS = ["check", "resource", "key_columns", "keys", "reason", "fixable"]


class NotFixable(ValueError):
    """The check is report only: it has no safe fix."""


def run_checks(frames: Frames, names: Sequence[str] | None = None) -> list[CheckResult]:
    """The named checks (all where none are named) over ``frames``, each timed."""
    results = []
    for check in checks_named(list(names or ())):
        started = time.perf_counter()
        findings = check.find(frames)
        results.append(CheckResult(check, findings, time.perf_counter() - started))
    return results


def summary_frame(results: Sequence[CheckResult]) -> pd.DataFrame:
    """One line per check: its findings, and how many its fix resolves (NA: report only)."""
    return pd.DataFrame(
        {
            "check": [r.check.name for r in results],
            "findings": pd.Series([len(r.findings) for r in results], dtype="Int64"),
            "fixable": pd.Series(
                [r.fixable if r.check.fixable else None for r in results], dtype="Int64"
            ),
            "description": [r.check.description for r in results],
        }
    )


def findings_frame(results: Sequence[CheckResult]) -> pd.DataFrame:
    """Every finding as a line: check, resource, the key columns and the rows' keys
    (several rows separated by ``; ``), reason, and whether the check's fix resolves it."""
    lines = [
        (
            f.check,
            f.resource,
            " / ".join(_key_columns(f.resource)),
            "; ".join(key_text(key) for key in f.keys),
            f.reason,
            f.fixable,
        )
        for result in results
        for f in result.findings
    ]
    frame = pd.DataFrame(lines, columns=FINDING_COLUMNS)
    return frame.astype({name: "string" for name in FINDING_COLUMNS[:-1]} | {"fixable": "boolean"})


def _key_columns(resource: str) -> tuple[str, ...]:
    schema = TABLES[resource].schema if resource in TABLES else LEGAL_ENTITY_SCHEMA
    return schema.key


def fixable_check(name: str) -> Check:
    """The check ``name``; ``NotFixable`` if it is report only (``ValueError`` if unknown)."""
    check = checks_named([name])[0]
    if not check.fixable:
        fixable = ", ".join(n for n, c in CHECKS.items() if c.fixable)
        raise NotFixable(f"{name} is report only: it has no safe fix (fixable checks: {fixable})")
    return check


def plan_fix(data: AuditData, name: str) -> FixPlan:
    """The fix of check ``name`` as a change plan of the table its findings are rows of,
    found again on ``data`` and planned against that table as loaded."""
    check = fixable_check(name)
    assert check.fix is not None and check.fixes is not None
    frames = data.frames
    findings = check.find(frames)
    loaded = data.loaded(check.fixes)
    plan = check.fix(loaded, frames, findings)
    fixed = sum(1 for finding in findings if finding.fixable)
    left = len(findings) - fixed
    if left:
        plan.notices.append(f"findings of {name} with no safe fix, left as they are: {left}")
    return FixPlan(name, loaded, plan, fixed, left)


def origin_source(name: str) -> str:
    """What the journal says a fix's push came from."""
    return f"audit {name}"

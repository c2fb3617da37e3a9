"""Data-quality audit: what is wrong across the resources, and a fix plan where there is a
safe remedy.

The four resources live in separate services that neither cascade deletes nor check
each other, so a tenant gathers orphans, duplicates and half-linked B2B customers.
Checks are small functions over the loaded frames (``registry.CHECKS``: name,
description, the frames each reads, its fix); each returns ``Finding``s naming the
check, the rows' keys and a one-line reason. A fixable check's fix is a ``ChangePlan``
of the affected table, built through ``LoadedTable.plan`` in upload form (rows marked
``_action``), so it is reviewed, pushed, journaled and undone like any edit; its push
names the check as its origin (``origin_source``).

Modules: ``model`` (findings, checks, fix plans), ``lookups`` (what checks share),
``orphans``, ``b2b`` and ``emails`` (the checks and fixes), ``registry``, ``loading``
(the tables checks read) and ``run`` (running, findings as frames, planning a fix).
"""

from emporix_data.audit.loading import LOADABLE, load_audit_data
from emporix_data.audit.model import (
    LEGAL_ENTITIES,
    AuditData,
    Check,
    CheckResult,
    Finding,
    FixPlan,
    Frames,
)
from emporix_data.audit.registry import CHECKS, checks_named, tables_needed
from emporix_data.audit.run import (
    FINDING_COLUMNS,
    NotFixable,
    findings_frame,
    fixable_check,
    origin_source,
    plan_fix,
    run_checks,
    summary_frame,
)

__all__ = [
    "CHECKS",
    "FINDING_COLUMNS",
    "LEGAL_ENTITIES",
    "LOADABLE",
    "AuditData",
    "Check",
    "CheckResult",
    "Finding",
    "FixPlan",
    "Frames",
    "NotFixable",
    "checks_named",
    "findings_frame",
    "fixable_check",
    "load_audit_data",
    "origin_source",
    "plan_fix",
    "run_checks",
    "summary_frame",
    "tables_needed",
]

"""What an audit is made of: the loaded frames it reads, its checks, their findings, and
the fix plans of the checks that have a safe remedy."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from emporix_data.keys import Key
from emporix_data.plan import ChangePlan
from emporix_data.tables import LoadedTable

# The frames checks read, by name: the resource tables' names (``TABLES``) and
# ``legal-entities``.
LEGAL_ENTITIES = "legal-entities"
Frames = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Finding:
    """One thing wrong: which check found it, the rows it is about (keys of ``resource``),
    why, in one line, and whether the check's fix resolves it."""

    check: str
    resource: str
    keys: tuple[Key, ...]
    reason: str
    fixable: bool = False


@dataclass(frozen=True)
class AuditData:
    """The tables an audit read: resource tables as loaded (their documents are what a
    fix plan writes from), and the legal entities."""

    tables: Mapping[str, LoadedTable]
    legal_entities: pd.DataFrame | None = None

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {name: loaded.frame for name, loaded in self.tables.items()}
        if self.legal_entities is not None:
            frames[LEGAL_ENTITIES] = self.legal_entities
        return frames

    def loaded(self, name: str) -> LoadedTable:
        if name not in self.tables:
            raise LookupError(f"the audit did not load {name}")
        return self.tables[name]


@dataclass(frozen=True)
class FixPlan:
    """A fixable check's remedy: a change plan of one resource table, planned against that
    table as loaded, to review and push like any edit."""

    check: str
    loaded: LoadedTable
    plan: ChangePlan
    findings: int  # findings the plan resolves
    left: int  # findings it leaves (report only)


def fix_rows(lines: Sequence[Sequence[str | None]], columns: Sequence[str]) -> pd.DataFrame:
    """A fix's rows in the upload form, named "fix 1", "fix 2", ... in its plan (they are
    no file's lines)."""
    names = pd.Index([f"fix {number}" for number in range(1, len(lines) + 1)])
    return pd.DataFrame(list(lines), columns=list(columns), index=names, dtype="string")


Find = Callable[[Frames], list[Finding]]
Fix = Callable[[LoadedTable, Frames, list[Finding]], ChangePlan]


@dataclass(frozen=True)
class Check:
    """A named check: what it finds, which frames it reads, and its fix if it has one
    (``fix`` plans the fix of ``fixes``, the resource table its findings are rows of)."""

    name: str
    description: str
    needs: tuple[str, ...]
    find: Find
    fixes: str | None = None
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None


@dataclass(frozen=True)
class CheckResult:
    check: Check
    findings: list[Finding] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def fixable(self) -> int:
        return sum(1 for finding in self.findings if finding.fixable)

"""Customers' contact e-mails: shared by several customers, missing, or malformed.

Report only: which of two customers an e-mail belongs to, or what a broken one should
be, is for a person to decide.
"""

from __future__ import annotations

from emporix_data.audit.lookups import CUSTOMERS, present, single_row_findings
from emporix_data.audit.model import Finding, Frames
from emporix_data.plan.cells import short
from emporix_data.resources.customers import EMAIL_PATTERN

DUPLICATE_EMAILS = "duplicate-emails"
INVALID_EMAILS = "invalid-emails"


def find_duplicate_emails(frames: Frames) -> list[Finding]:
    """Customers sharing an e-mail, compared trimmed and ignoring case: one finding per
    e-mail, naming all its customers. Customers without an e-mail share nothing."""
    customers = frames[CUSTOMERS]
    raw = customers["contactEmail"].astype("string")
    same = raw.str.strip().str.casefold()
    shared = present(raw) & same.duplicated(keep=False).to_numpy(dtype=bool)
    rows = customers[shared].assign(_same=same[shared]).sort_values(["_same", "customerNumber"])
    groups: dict[str, tuple[list[str | None], list[str]]] = {}
    for email, number, written in zip(
        rows["_same"].tolist(),
        rows["customerNumber"].tolist(),
        rows["contactEmail"].tolist(),
        strict=True,
    ):
        numbers, spellings = groups.setdefault(email, ([], []))
        numbers.append(number if isinstance(number, str) else None)
        if written not in spellings:
            spellings.append(written)
    findings = []
    for email, (numbers, spellings) in groups.items():
        reason = f"{len(numbers)} customers share the e-mail {email}"
        if len(spellings) > 1:
            reason += " (written " + ", ".join(repr(s) for s in spellings) + ")"
        keys = tuple((number,) for number in numbers)
        findings.append(Finding(DUPLICATE_EMAILS, CUSTOMERS, keys, reason))
    return findings


def find_invalid_emails(frames: Frames) -> list[Finding]:
    """Customers whose contact e-mail is missing, or is not ``name@domain.tld`` (as the
    customer table's own rule, ``EMAIL_PATTERN``, says)."""
    customers = frames[CUSTOMERS]
    raw = customers["contactEmail"].astype("string")
    filled = present(raw)
    valid = raw.str.fullmatch(EMAIL_PATTERN).fillna(False).to_numpy(dtype=bool)
    trimmed_valid = raw.str.strip().str.fullmatch(EMAIL_PATTERN).fillna(False).to_numpy(dtype=bool)
    bad = ~valid  # missing and blank ones included
    numbers = customers["customerNumber"][bad].tolist()
    reasons = []
    for value, has, trims in zip(
        raw[bad].tolist(), filled[bad].tolist(), trimmed_valid[bad].tolist(), strict=True
    ):
        if not has:
            reasons.append("has no contact e-mail")
        elif trims:
            reasons.append(f"e-mail {short(value)!r} has blanks around it")
        else:
            reasons.append(f"{short(value)!r} is not a valid e-mail address")
    keys = [(number if isinstance(number, str) else None,) for number in numbers]
    return single_row_findings(INVALID_EMAILS, CUSTOMERS, keys, reasons, fixable=False)

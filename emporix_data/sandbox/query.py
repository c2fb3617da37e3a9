"""The Emporix ``q`` syntax, translated to SQL over the stored JSON documents.

``field:value``, ``field:~regex``, ``field:>n`` (``>=``, ``<``, ``<=``),
``field:(>=a AND <=b)``, ``field:exists|missing|null``, ``field:("a","b")``;
conditions separated by spaces are ANDed; values may be double-quoted.
"""

from __future__ import annotations

import re
from typing import Any

FIELD = r"[A-Za-z_][A-Za-z0-9_.]*"
VALUE = r'"(?:[^"\\]|\\.)*"|[^\s()"]+'
TOKEN = re.compile(
    rf"\s*({FIELD}):(\((?:[^()\"]|\"(?:[^\"\\]|\\.)*\")*\)|~(?:{VALUE})|(?:>=|<=|>|<)?(?:{VALUE}))"
)


class QueryError(ValueError):
    pass


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _literal(text: str) -> Any:
    """A typed SQL parameter: booleans and numbers as such unless quoted."""
    if text.startswith('"'):
        return _unquote(text)
    if text in ("true", "false"):
        return 1 if text == "true" else 0
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _json_path(field: str) -> str:
    return "$." + ".".join(f'"{part}"' for part in field.split("."))


def _comparison(column: str, expression: str, params: list[Any]) -> str:
    for operator in (">=", "<=", ">", "<"):
        if expression.startswith(operator):
            params.append(_literal(expression[len(operator) :]))
            return f"{column} {operator} ?"
    params.append(_literal(expression))
    return f"{column} = ?"


def to_sql(q: str) -> tuple[str, list[Any]]:
    """A WHERE fragment over column ``doc`` and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    position = 0
    text = q.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise QueryError(f"cannot parse q near {text[position : position + 30]!r}")
        position = match.end()
        field, expression = match.group(1), match.group(2)
        column = f"json_extract(doc, '{_json_path(field)}')"
        if expression in ("exists", "missing", "null"):
            typed = f"json_type(doc, '{_json_path(field)}')"
            clauses.append(
                {
                    "exists": f"{typed} IS NOT NULL",
                    "missing": f"{typed} IS NULL",
                    "null": f"{typed} = 'null'",
                }[expression]
            )
        elif expression.startswith("~"):
            params.append(_unquote(expression[1:]))
            clauses.append(f"regexp(?, {column})")
        elif expression.startswith("("):
            inner = expression[1:-1].strip()
            if " AND " in inner:
                parts = [part.strip() for part in inner.split(" AND ")]
                clauses.append(
                    "(" + " AND ".join(_comparison(column, p, params) for p in parts) + ")"
                )
            else:
                values = [v.strip() for v in re.findall(VALUE, inner)]
                if not values:
                    raise QueryError(f"empty list for {field}")
                params.extend(_literal(v) for v in values)
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        else:
            clauses.append(_comparison(column, expression, params))
    return " AND ".join(clauses), params


def to_order(sort: str | None) -> str:
    """``field:asc,other:desc`` as an ORDER BY clause (ties broken by key)."""
    if not sort:
        return "key"
    terms = []
    for part in sort.split(","):
        field, _, direction = part.strip().partition(":")
        if not re.fullmatch(FIELD, field):
            raise QueryError(f"cannot sort by {field!r}")
        direction = direction.lower() or "asc"
        if direction not in ("asc", "desc"):
            raise QueryError(f"sort direction must be asc or desc, not {direction!r}")
        terms.append(f"json_extract(doc, '{_json_path(field)}') {direction.upper()}")
    return ", ".join([*terms, "key"])

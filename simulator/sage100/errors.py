"""Refusals, each carrying its HTTP status and the record, field and rule it names.

Status codes follow one convention across the room:

- 400 the request itself is wrong (JSON, types, lengths, enums, unknown columns);
- 401 no usable credentials; 403 credentials that are not allowed in;
- 404 an unknown table, path or record;
- 405 a method the path does not take;
- 409 a well-formed request the company's books refuse (missing references,
  duplicates, Sage's rules, "Not allow" checks);
- 413 an oversized body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem(Exception):
    """One thing wrong with a record: which record, which field, which rule, and why.

    Raised by value checks and collected, or carried inside a ``Sage100Error``.
    """

    message: str
    table: str | None = None
    record: Any = None
    field: str | None = None
    rule: str | None = None

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "record": self.record, "field": self.field, "rule": self.rule,
                "message": self.message}


@dataclass
class Sage100Error(Exception):
    status: int
    code: str
    problem: Problem
    details: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.problem.message

    def to_json(self) -> dict[str, Any]:
        body = {"status": self.status, "code": self.code, **self.problem.to_json()}
        body["details"] = [p.to_json() for p in (self.details or [self.problem])]
        return {"error": body}


def bad_request(message: str, *, code: str = "InvalidRequest", table: str | None = None, record: Any = None,
                field: str | None = None, rule: str | None = None) -> Sage100Error:
    return Sage100Error(400, code, Problem(message, table, record, field, rule))


def invalid(problems: list[Problem]) -> Sage100Error:
    """Every field problem found in one record, reported together."""
    first = problems[0]
    return Sage100Error(400, "InvalidRecord", first, list(problems))


def refused(message: str, *, table: str, record: Any = None, field: str | None = None, rule: str,
            code: str = "RuleViolation") -> Sage100Error:
    return Sage100Error(409, code, Problem(message, table, record, field, rule))


def not_found(message: str, *, table: str | None = None, record: Any = None, code: str = "NotFound") -> Sage100Error:
    return Sage100Error(404, code, Problem(message, table, record, None, "exists"))


def unauthorized(message: str, *, rule: str = "authentication") -> Sage100Error:
    return Sage100Error(401, "Unauthorized", Problem(message, rule=rule),
                        headers={"WWW-Authenticate": 'Bearer realm="sage100"'})


def forbidden(message: str, *, rule: str, code: str = "Forbidden") -> Sage100Error:
    return Sage100Error(403, code, Problem(message, rule=rule))

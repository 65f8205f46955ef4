"""How a room names what a request asks of it, without the journal parsing every protocol.

A room hands the app a ``Wire`` per URL prefix it serves. Before the room runs,
the middleware calls ``describe`` with the buffered request; it answers which
tenant the request belongs to, the operations in the ERP's own terms and the
session it rides on (so a fault can expire it). After the room runs, anything
the room reported with ``near_miss`` lands in the journal entry.

This module imports nothing else of the simulator, so any room can use it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

_NOTES: ContextVar[dict[str, Any] | None] = ContextVar("erpsim_journal_notes", default=None)


@dataclass(frozen=True)
class Operation:
    """One thing asked of the ERP: Intacct ``create``/``APBILL``, Acumatica ``PUT``/``Bill``, Sage 100 ``insert``/``actpay``."""

    name: str
    object: str = ""
    controlid: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"name": self.name, "object": self.object}
        if self.controlid:
            out["controlid"] = self.controlid
        return out


@dataclass(frozen=True)
class Incoming:
    """The request as the middleware buffered it, plus what a room needs to find the tenant."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    state: Any
    """The app's state: ``store`` and ``tenants`` resolve a login's company or a session's tenant."""

    def cookie(self, name: str) -> str | None:
        for part in self.headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None

    def bearer(self) -> str | None:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token.strip() or None if scheme.casefold() == "bearer" else None


@dataclass(frozen=True)
class Exchange:
    """What ``describe`` found: the tenant (None when no company can be told), operations, session."""

    tenant: str | None
    operations: tuple[Operation, ...] = ()
    session: str | None = None
    """The session token the request carries, as the store keys it (the session-expiry fault deletes it)."""
    writes: bool = False
    """True when the request may change the books (drop-after-commit only makes sense there)."""


Describe = Callable[[Incoming], Exchange]


@dataclass(frozen=True)
class Answer:
    """A whole HTTP answer a fault sends instead of the room's."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


ErrorShape = Callable[[Incoming, Mapping[str, Any]], "Answer | None"]
"""(the request, the rule's parameters) -> the ERP's own answer for one of its transient errors, or None
when the error cannot happen to this request (a session failure on a sign-in): the room answers."""


@dataclass(frozen=True)
class Wire:
    """One URL prefix of one system, with how to name its requests and what to hide in the journal."""

    erp: str
    prefix: str
    describe: Describe
    secrets: frozenset[str] = field(default_factory=frozenset)
    """Element, JSON key and form field names whose values the journal masks (besides the shared ones)."""
    errors: Mapping[str, ErrorShape] = field(default_factory=dict)
    """The system's transient errors by name (``rate_limit``, ``record_lock``…), for the ``error`` fault."""
    needs_body: Callable[[str, str], bool] = lambda method, path: True
    """(method, path) -> whether ``describe`` reads the body. When it does not, the room gets the
    request as it streams in (a slow upload holds its place as it would on the real server) and
    ``describe`` sees an empty body."""

    def serves(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix.rstrip("/") + "/")


def closest(name: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """The valid names nearest to ``name``, best first (case-blind, kept in their own case)."""
    by_fold: dict[str, str] = {}
    for candidate in valid:
        by_fold.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(name.casefold(), list(by_fold), n=n, cutoff=0.6)
    return [by_fold[f] for f in found]


def near_miss(what: str, name: str, valid: Iterable[str]) -> list[str]:
    """Record that the ERP refused ``name`` as an unknown ``what`` (function, object, field…).

    Returns the closest valid names so the room can also put them in its error where the
    ERP's shape has room. Outside a journaled request this only computes them.
    """
    suggestions = closest(name, valid)
    current = _NOTES.get()
    if current is not None:
        current.setdefault("near_miss", []).append({"kind": what, "name": name, "closest": suggestions})
    return suggestions


def did_you_mean(suggestions: list[str]) -> str:
    """A short hint for an error message, or '' when nothing is close."""
    if not suggestions:
        return ""
    return "Did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"


def collect_notes() -> tuple[dict[str, Any], Any]:
    """Start collecting notes for the request now running; returns the dict and a reset token."""
    found: dict[str, Any] = {}
    return found, _NOTES.set(found)


def stop_notes(token: Any) -> None:
    _NOTES.reset(token)

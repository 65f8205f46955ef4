"""Exactly-once delivery to an ERP, shared by every connector.

An export must never create a second ERP record, even when:

- the ERP committed but the response was lost on the way back;
- the ERP answered 429 (throttled) or 5xx;
- the session expired between calls.

The rule that makes this hold is *look before you (re)create*: before every
create, ``ensure`` runs the connector's key lookup (Intacct ``readByName`` or
``query``, Acumatica GET by key, Sage 100 GET by record number). A record
found there is adopted instead of created again, provided this side has
already tried to create it (the attempt is written to the export ledger before
the request leaves). A record found *without* any earlier attempt was made in
the ERP by someone else: that is the "created in both systems" case and is
refused. Connectors add their ERP's own guards on top (Intacct ``uniqueid``
with a stable function ``controlid``, Acumatica ``If-None-Match: *``).

Transient failures are retried with exponential backoff; when the attempts run
out the caller gets ``GaveUp`` carrying the ERP's last message, which the
workflow turns into a *failed to export* state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

Sleep = Callable[[float], None]


class ConnectorError(Exception):
    """Base of what a connector raises; ``message`` is shown to the user as the ERP said it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransientError(ConnectorError):
    """Worth retrying: throttled, server error, expired session, or a lost response."""

    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    SESSION_EXPIRED = "session_expired"
    LOST_RESPONSE = "lost_response"

    def __init__(self, reason: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


class ErpRejected(ConnectorError):
    """The ERP refused the request for a business reason; retrying will not help."""


class AlreadyInErp(ConnectorError):
    """The record exists in the ERP but this side never created it."""


class GaveUp(ConnectorError):
    def __init__(self, what: str, attempts: int, last: TransientError) -> None:
        super().__init__(f"gave up on {what} after {attempts} attempts; last error from the ERP: {last.message}")
        self.attempts = attempts
        self.last = last


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        backoff = min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))
        if retry_after is not None:
            return min(self.max_delay, max(backoff, retry_after))
        return backoff


@dataclass
class Deliverer:
    """Runs ERP calls with retries; keeps a log of every retry for the audit trail."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = time.sleep
    log: list[str] = field(default_factory=list)
    attempts: int = 0

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Retry an idempotent call (a read, or a write that is safe to repeat)."""
        attempt = 0
        while True:
            attempt += 1
            self.attempts += 1
            try:
                return fn()
            except TransientError as exc:
                self._pause(what, attempt, exc)

    def ensure(
        self,
        what: str,
        find: Callable[[], T | None],
        create: Callable[[], T],
        *,
        may_adopt: bool,
        before_create: Callable[[], None] | None = None,
        look_first: bool = True,
    ) -> tuple[T, bool]:
        """The ERP record for ``what``: found (adopted) or created exactly once.

        Returns ``(key, adopted)``. ``may_adopt`` says whether an earlier
        attempt to create it is on record; without one, a record found by the
        lookup raises ``AlreadyInErp``. Retries always look first.
        """
        attempt = 0
        while True:
            attempt += 1
            self.attempts += 1
            try:
                # The first lookup may be skipped for a part of a record this export has just created.
                existing = find() if (look_first or attempt > 1) else None
                if existing is not None:
                    if not may_adopt:
                        raise AlreadyInErp(f"{what} already exists in the ERP")
                    self.log.append(f"{what}: found in the ERP on attempt {attempt}; adopted, not created again")
                    return existing, True
                if before_create is not None:
                    before_create()
                # From here on a lost response may mean the ERP did commit.
                may_adopt = True
                return create(), False
            except TransientError as exc:
                self._pause(what, attempt, exc)

    def _pause(self, what: str, attempt: int, exc: TransientError) -> None:
        if attempt >= self.policy.attempts:
            self.log.append(f"{what}: attempt {attempt} failed ({exc.reason}: {exc.message}); giving up")
            raise GaveUp(what, attempt, exc) from exc
        # An expired session is renewed by the connector on the next call; no need to wait.
        delay = 0.0 if exc.reason == TransientError.SESSION_EXPIRED else self.policy.delay(attempt, exc.retry_after)
        self.log.append(f"{what}: attempt {attempt} failed ({exc.reason}: {exc.message}); retrying in {delay:g}s")
        if delay > 0:
            self.sleep(delay)

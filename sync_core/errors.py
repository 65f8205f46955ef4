"""Refusals the sync core raises. Every one carries a sentence a person can act on."""

from __future__ import annotations

from collections.abc import Sequence


class SyncError(Exception):
    """Base of every refusal from the Procore side."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(SyncError):
    """An object that does not exist in this company."""


class ValidationFailed(SyncError):
    """Bad field values on create or update. ``problems`` lists each one."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class PermissionDenied(SyncError):
    """The acting user lacks the permission the action needs."""


class Locked(SyncError):
    """A field or line that the ERP Integrations workflow has locked."""


class InvalidTransition(SyncError):
    """The action is not available from the item's current ERP status."""

    def __init__(self, message: str, *, status: str, action: str) -> None:
        super().__init__(message)
        self.status = status
        self.action = action


class PreconditionFailed(SyncError):
    """An item may not be sent (or accepted) yet; ``problems`` says why, one line each."""

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{what} cannot be sent to ERP:\n{lines}")


class Refused(SyncError):
    """The connector's capability matrix or field rules refuse this, before any HTTP call.

    ``rule`` names the rule (a short stable identifier such as
    ``sage100.sub_jobs.import_only``) so callers and tests can tell refusals apart.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{message} [rule: {rule}]")
        self.rule = rule


class DuplicateOriginId(SyncError):
    """An origin id is already linked to another object of the same type in this company."""


class NotConnected(SyncError):
    """The company has no ERP connector attached."""

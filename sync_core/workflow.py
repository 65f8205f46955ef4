"""The ERP Integrations workflow as an explicit state machine.

An item's ``erp_status`` moves only along the arrows below; every move is
written to the audit trail with who did it, when, and why::

    not_in_erp --send--> ready_to_export --accept--> exporting --ok----> synced
        ^   ^                |    |                       \\--fail--> failed_to_export
        |   '---retrieve-----'    '--reject--> rejected                      |
        |                                         |                          |
        |            ready_to_export <--resend----+--------------------------'
        '---------unlink------ synced
    (absent) --import--> synced

A synced budget may be sent again to export lines added since
(``update``), which is how Procore exports a budget's later changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sync_core.errors import InvalidTransition


class ErpStatus(StrEnum):
    NOT_IN_ERP = "not_in_erp"
    READY_TO_EXPORT = "ready_to_export"
    EXPORTING = "exporting"
    SYNCED = "synced"
    FAILED_TO_EXPORT = "failed_to_export"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    ErpStatus.NOT_IN_ERP: "Not in ERP",
    ErpStatus.READY_TO_EXPORT: "Ready to Export",
    ErpStatus.EXPORTING: "Exporting",
    ErpStatus.SYNCED: "Synced",
    ErpStatus.FAILED_TO_EXPORT: "Failed to Export",
    ErpStatus.REJECTED: "Rejected",
}


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[ErpStatus]
    target: ErpStatus
    hint: str
    """What to do instead when the action is not available."""


S = ErpStatus
MOVES: dict[str, Move] = {
    m.action: m
    for m in (
        Move("send", frozenset({S.NOT_IN_ERP}), S.READY_TO_EXPORT,
             "Only items not yet in ERP can be sent; a rejected or failed item is re-sent with resend_to_erp()."),
        Move("update", frozenset({S.SYNCED}), S.READY_TO_EXPORT,
             "Only a synced item can be sent again with its changes."),
        Move("resend", frozenset({S.REJECTED, S.FAILED_TO_EXPORT}), S.READY_TO_EXPORT,
             "Only rejected items or items that failed to export can be re-sent."),
        Move("retrieve", frozenset({S.READY_TO_EXPORT}), S.NOT_IN_ERP,
             "An item can be retrieved only while it waits in Ready to Export, before the approver decides."),
        Move("accept", frozenset({S.READY_TO_EXPORT}), S.EXPORTING,
             "Only items in Ready to Export can be accepted."),
        Move("reject", frozenset({S.READY_TO_EXPORT}), S.REJECTED,
             "Only items in Ready to Export can be rejected."),
        Move("exported", frozenset({S.EXPORTING}), S.SYNCED, "Only an exporting item can finish exporting."),
        Move("export_failed", frozenset({S.EXPORTING}), S.FAILED_TO_EXPORT,
             "Only an exporting item can fail to export."),
        Move("unlink", frozenset({S.SYNCED}), S.NOT_IN_ERP, "Only synced items can be unlinked."),
        Move("import", frozenset({S.NOT_IN_ERP}), S.SYNCED, "Only items not yet linked can be imported."),
    )
}


def next_status(current: ErpStatus, action: str, what: str) -> ErpStatus:
    move = MOVES[action]
    if current not in move.sources:
        raise InvalidTransition(
            f"Cannot {action.replace('_', ' ')} {what}: it is {current.label}. {move.hint}",
            status=current.value,
            action=action,
        )
    return move.target


# While an item waits for (or undergoes) export, nothing on it may change.
PENDING = frozenset({ErpStatus.READY_TO_EXPORT, ErpStatus.EXPORTING})
# Rejected and failed items are editable again so they can be fixed and re-sent.
EDITABLE = frozenset({ErpStatus.NOT_IN_ERP, ErpStatus.REJECTED, ErpStatus.FAILED_TO_EXPORT})


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    object_type: str
    object_id: int
    from_status: str | None
    to_status: str | None
    detail: str

    def __str__(self) -> str:
        moved = f" {self.from_status} -> {self.to_status}" if self.from_status != self.to_status else ""
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.at} {self.actor} {self.action} {self.object_type} #{self.object_id}{moved}{tail}"

"""The Procore side of every lifecycle: the PM model, the ERP Integrations workflow, and connectors.

``Procore`` holds companies in SQLite; each company's ERP Integrations tool
moves items through send, accept or reject, and export, and imports from the ERP
on request or on a schedule. Connectors speak each ERP's own wire protocol over
HTTP only.
"""

from sync_core.capabilities import CapabilityMatrix, Direction
from sync_core.delivery import RetryPolicy
from sync_core.errors import (
    DuplicateOriginId,
    InvalidTransition,
    Locked,
    NotConnected,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    Refused,
    SyncError,
    ValidationFailed,
)
from sync_core.imports import ImportReport
from sync_core.procore import Company, Procore
from sync_core.tool import ExportOutcome, StillInErp
from sync_core.workflow import ErpStatus

__all__ = [
    "CapabilityMatrix", "Company", "Direction", "DuplicateOriginId", "ErpStatus", "ExportOutcome", "ImportReport",
    "InvalidTransition", "Locked", "NotConnected", "NotFound", "PermissionDenied", "PreconditionFailed", "Procore",
    "Refused", "RetryPolicy", "StillInErp", "SyncError", "ValidationFailed",
]

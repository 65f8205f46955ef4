"""Business rules per entity, and the operations the routes call: save, delete, invoke.

Each entity's ``Rules`` subclass owns its defaults, derivations, status flow and
actions; importing the modules below registers them.
"""

from __future__ import annotations

from simulator.acumatica.rules import changes, commitments, organization, payables, projects, setup  # noqa: F401
from simulator.acumatica.rules.base import (
    REGISTRY,
    Ctx,
    Outcome,
    Problems,
    Rejected,
    Rules,
    delete,
    invoke,
    rules_for,
    save,
)

__all__ = ["REGISTRY", "Ctx", "Outcome", "Problems", "Rejected", "Rules", "delete", "invoke", "rules_for", "save"]

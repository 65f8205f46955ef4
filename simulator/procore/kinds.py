"""Procore's names for the sync core's objects, as the REST API and the people's actions spell them."""

from __future__ import annotations

from sync_core import objects as o

ITEM_TYPES: dict[str, type[o.Entity]] = {
    "projects": o.Project,
    "vendors": o.Vendor,
    "sub_jobs": o.SubJob,
    "budgets": o.Budget,
    "budget_modifications": o.BudgetModification,
    "commitments": o.Commitment,
    "work_order_contracts": o.Commitment,
    "purchase_order_contracts": o.Commitment,
    "commitment_change_orders": o.ChangeOrder,
    "prime_contracts": o.PrimeContract,
    "prime_change_orders": o.Pcco,
    "requisitions": o.Invoice,
}


def item_type_of(item: o.Entity) -> str:
    """The REST collection an item belongs to (a commitment's depends on its type)."""
    if isinstance(item, o.Commitment):
        return "work_order_contracts" if item.data.get("type") == "subcontract" else "purchase_order_contracts"
    for name, cls in ITEM_TYPES.items():
        if type(item) is cls:
            return name
    return item.slug()


def project_id_of(item: o.Entity) -> int | None:
    """The project an item belongs to, walking up through its commitment or prime contract."""
    seen: o.Entity | None = item
    while seen is not None:
        if isinstance(seen, o.Project):
            return seen.id
        if isinstance(seen, o.Line):
            seen = seen.header
            continue
        project = getattr(seen, "project", None)
        if isinstance(project, o.Project):
            return project.id
        parent = getattr(seen, "commitment", None) or getattr(seen, "prime_contract", None)
        if isinstance(parent, o.Entity):
            seen = parent
            continue
        return seen.parent_id if type(seen) in (o.DirectCost, o.SubJob, o.ProjectCostCode) else None
    return None

"""Document lines that post to projects: amounts, project/task/cost code, expense account."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulator.acumatica.models import Stored
from simulator.acumatica.rules import refs
from simulator.acumatica.rules.base import Ctx, Problems, cannot_be_empty, dec, empty, money

UNIT = Decimal("0.000001")


def amounts(lf: dict[str, Any], old: dict[str, Any] | None, *, qty: str, unit: str, ext: str) -> None:
    """Ext. cost = qty x unit cost when the quantity or unit cost changed; unit cost = ext / qty when only the
    amount did (the formula on the real form works the same way)."""
    old = old or {}
    is_new = not old
    if lf.get(qty) is None:
        lf[qty] = 1.0
    q = dec(lf[qty])
    unit_changed = lf.get(unit) is not None and (is_new or lf.get(unit) != old.get(unit))
    qty_changed = not is_new and lf.get(qty) != old.get(qty)
    ext_changed = lf.get(ext) is not None and (is_new or lf.get(ext) != old.get(ext))
    if ext_changed and not unit_changed:
        total = dec(lf[ext])
        lf[ext] = money(total)
        lf[unit] = float((total / q).quantize(UNIT, rounding=ROUND_HALF_UP)) if q else float(total)
    elif unit_changed or qty_changed or lf.get(ext) is None:
        lf.setdefault(unit, 0.0)
        lf[ext] = money(q * dec(lf[unit]))


def project_refs(ctx: Ctx, lf: dict[str, Any], p: Problems, *, project_field: str, task_field: str,
                 module: str, posting: bool = True) -> Stored | None:
    """Check a line's project, task and cost code; returns the project unless it is the non-project code."""
    code = lf.get(project_field)
    if refs.non_project(ctx, code):
        lf[project_field] = ctx.setting("non_project_code", default="X")
        if not empty(lf.get("CostCode")):
            if refs.find(ctx, "CostCode", lf["CostCode"]) is None:
                p.field("CostCode", refs.not_found_in_system("Cost Code"))
        return None
    project = refs.project(ctx, code, p, project_field, posting=posting, module=module)
    if project is None:
        return None
    if project.node.get("sys", {}).get("commitments_locked") and module == "PO":
        p.field(project_field, f"The commitments of the {code} project are locked.")
    if empty(lf.get(task_field)):
        default = refs.default_task(ctx, project)
        if default:
            lf[task_field] = default
        else:
            p.field(task_field, cannot_be_empty("Project Task"))
    if not empty(lf.get(task_field)):
        refs.task(ctx, project, lf[task_field], p, task_field, posting=posting, module=module)
    refs.cost_code(ctx, lf.get("CostCode"), p, "CostCode")
    return project


def account_group(ctx: Ctx, lf: dict[str, Any], p: Problems, default_account: str | None, *,
                  project: Stored | None, field: str = "Account") -> str | None:
    """The line's expense account (defaulted) and the account group it maps to."""
    if empty(lf.get(field)) and default_account:
        lf[field] = default_account
    if empty(lf.get(field)):
        if project is not None:
            p.field(field, cannot_be_empty("Account"))
        return None
    account = refs.account(ctx, lf[field], p, field)
    if account is None:
        return None
    lf[field] = account["number"]
    group = account.get("account_group")
    if project is not None and not group:
        p.field(field, f"The {account['number']} account is not included in any account group.")
    return str(group) if group else None

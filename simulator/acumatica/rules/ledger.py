"""Project cost ledgers behind the budget roll-ups.

Releasing a project transaction (or a bill, which releases one) posts actuals;
an open subcontract or purchase order posts commitments. Both hang under the
project's row, so a project's budget reads its totals by index. Posting to a
task/account group/cost code with no budget line adds that line, as Acumatica
does when budget control does not forbid it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from simulator.acumatica.entities import PROJECT_BUDGET
from simulator.acumatica.models import ACTUALS, COMMITMENTS, Stored, copy
from simulator.acumatica.rules.base import Ctx, dec, find, money, new_node, write

NA = "<N/A>"
Key = tuple[str, str, str, str]

SUMS = ("ActualAmount", "ActualQty", "OriginalCommittedAmount", "OriginalCommittedQty", "CommittedCOAmount",
        "CommittedCOQty", "CommittedInvoicedAmount", "CommittedInvoicedQty", "CommittedOpenAmount",
        "CommittedOpenQty", "CommittedReceivedQty")


def key(task: Any, group: Any, code: Any, inventory: Any) -> Key:
    return (str(task or "").casefold(), str(group or "").casefold(), str(code or "").casefold(),
            str(inventory or NA).casefold())


def budget_key(fields: dict[str, Any]) -> Key:
    return key(fields.get("ProjectTaskID"), fields.get("AccountGroup"), fields.get("CostCode"),
               fields.get("InventoryID"))


def _cache(ctx: Ctx) -> dict[Any, Any]:
    cache: dict[Any, Any] = ctx.cache
    return cache


def project_row(ctx: Ctx, project_id: Any) -> Stored | None:
    cache = _cache(ctx)
    token = ("project", str(project_id).casefold())
    if token not in cache:
        cache[token] = find(ctx, "Project", project_id)
    found: Stored | None = cache[token]
    return found


def rollup(ctx: Ctx, project_rid: int) -> dict[Key, dict[str, Decimal]]:
    cache = _cache(ctx)
    token = ("rollup", project_rid)
    if token in cache:
        found: dict[Key, dict[str, Decimal]] = cache[token]
        return found
    sums: dict[Key, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for entry in ctx.book.ledger(ACTUALS, project_rid):
        k = key(entry["task"], entry["group"], entry["code"], entry.get("inventory"))
        sums[k]["ActualAmount"] += dec(entry.get("amount"))
        sums[k]["ActualQty"] += dec(entry.get("qty"))
    for entry in ctx.book.ledger(COMMITMENTS, project_rid):
        k = key(entry["task"], entry["group"], entry["code"], entry.get("inventory"))
        sums[k]["OriginalCommittedAmount"] += dec(entry.get("original"))
        sums[k]["OriginalCommittedQty"] += dec(entry.get("original_qty"))
        sums[k]["CommittedCOAmount"] += dec(entry.get("co"))
        sums[k]["CommittedCOQty"] += dec(entry.get("co_qty"))
        sums[k]["CommittedInvoicedAmount"] += dec(entry.get("invoiced"))
        sums[k]["CommittedInvoicedQty"] += dec(entry.get("invoiced_qty"))
        sums[k]["CommittedOpenAmount"] += dec(entry.get("open"))
        sums[k]["CommittedOpenQty"] += dec(entry.get("open_qty"))
    cache[token] = sums
    return sums


def invalidate(ctx: Ctx) -> None:
    for token in [t for t in _cache(ctx) if isinstance(t, tuple) and t and t[0] in ("rollup", "project")]:
        del _cache(ctx)[token]


def fill_budget(ctx: Ctx, node: dict[str, Any]) -> dict[str, Any]:
    """A budget line with its actual and committed totals filled in."""
    node = copy(node)
    f = node["fields"]
    proj = project_row(ctx, f.get("ProjectID"))
    sums = rollup(ctx, proj.rid).get(budget_key(f), {}) if proj is not None else {}
    for name in SUMS:
        f[name] = money(sums.get(name, 0))
    original, co = dec(f.get("OriginalBudgetedAmount")), dec(f.get("BudgetedCOAmount"))
    revised = original + co
    f["RevisedBudgetedAmount"] = money(revised)
    f["RevisedBudgetedQty"] = float(dec(f.get("OriginalBudgetedQty")) + dec(f.get("BudgetedCOQty")))
    f["RevisedCommittedAmount"] = money(dec(f["OriginalCommittedAmount"]) + dec(f["CommittedCOAmount"]))
    f["RevisedCommittedQty"] = float(dec(f["OriginalCommittedQty"]) + dec(f["CommittedCOQty"]))
    actual, open_ = dec(f["ActualAmount"]), dec(f["CommittedOpenAmount"])
    f["ActualPlusOpenCommittedAmount"] = money(actual + open_)
    f["VarianceAmount"] = money(revised - actual - open_)
    f["Performance"] = money(actual / revised * 100) if revised else 0.0
    f["PercentageOfCompletion"] = float(dec(f.get("Completed")))
    f.setdefault("CostToComplete", money(revised - actual))
    f.setdefault("CostAtCompletion", money(actual + dec(f.get("CostToComplete"))))
    f.setdefault("DraftInvoicesAmount", 0.0)
    f.setdefault("BudgetedCOAmount", 0.0)
    f.setdefault("BudgetedCOQty", 0.0)
    return node


BALANCE_SUMS = ("OriginalBudgetedAmount", "BudgetedCOAmount", "RevisedBudgetedAmount", "ActualAmount",
                "OriginalCommittedAmount", "CommittedCOAmount", "RevisedCommittedAmount", "CommittedInvoicedAmount",
                "CommittedOpenAmount")


def balances(ctx: Ctx, project: Stored) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    """Project balances per account group, and actual totals per account group type."""
    per_group: dict[str, dict[str, Decimal]] = {}
    descriptions: dict[str, str] = {}
    types: dict[str, str] = {}
    for line in ctx.book.children(PROJECT_BUDGET, project.rid):
        filled = fill_budget(ctx, line.node)["fields"]
        group = str(filled.get("AccountGroup") or "")
        acc = per_group.setdefault(group, defaultdict(Decimal))
        for name in BALANCE_SUMS:
            acc[name] += dec(filled.get(name))
        types[group] = str(filled.get("Type") or "")
    by_type: dict[str, Decimal] = defaultdict(Decimal)
    rows = []
    for group in sorted(per_group):
        acc = per_group[group]
        ag = find(ctx, "AccountGroup", group)
        descriptions[group] = str((ag.node["fields"].get("Description") if ag else "") or "")
        revised, actual, open_ = acc["RevisedBudgetedAmount"], acc["ActualAmount"], acc["CommittedOpenAmount"]
        row = new_node(_row_id(project.node["id"], group))
        row.pop("files")
        row.pop("sys")
        row["fields"] = {name: money(acc[name]) for name in BALANCE_SUMS}
        row["fields"].update({
            "AccountGroup": group, "Description": descriptions[group],
            "ActualOpenCommittedAmount": money(actual + open_),
            "VarianceAmount": money(revised - actual - open_),
            "Performance": money(actual / revised * 100) if revised else 0.0,
        })
        rows.append(row)
        by_type[types[group]] += actual
    return rows, by_type


def _row_id(parent: str, name: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.UUID(parent), "balance:" + name))


def ensure_budget_line(ctx: Ctx, project: Stored, task: Any, group: Any, code: Any, inventory: Any = None) -> None:
    f = project.node["fields"]
    values = [f["ProjectID"], task, group, code or ctx.setting("default_cost_code"), inventory or NA]
    if ctx.book.by_keys(PROJECT_BUDGET, values) is not None:
        return
    ag = find(ctx, "AccountGroup", group)
    cost_code = find(ctx, "CostCode", values[3])
    node = new_node()
    node["fields"] = {
        "ProjectID": values[0], "ProjectTaskID": str(task).upper(), "AccountGroup": str(group).upper(),
        "CostCode": str(values[3]).upper(), "InventoryID": str(values[4]).upper(),
        "Type": (ag.node["fields"].get("Type") if ag else None) or "Expense",
        "Description": (cost_code.node["fields"].get("Description") if cost_code else None) or "",
        "OriginalBudgetedAmount": 0.0, "OriginalBudgetedQty": 0.0, "UnitRate": 0.0, "Completed": 0.0,
        "PendingInvoiceAmount": 0.0, "Retainage": 0.0, "AutoCompleted": False, "UOM": "",
    }
    node["fields"] = {k: v for k, v in node["fields"].items() if v != ""}
    write(ctx, PROJECT_BUDGET, node, None)


def post_actuals(ctx: Ctx, doc: str, entries: list[tuple[Stored, str, dict[str, Any]]]) -> None:
    """Record released costs/revenue: (project, line id, entry) per line."""
    for project, line_id, entry in entries:
        ensure_budget_line(ctx, project, entry["task"], entry["group"], entry["code"], entry.get("inventory"))
        ctx.book.post(ACTUALS, project.rid, {**entry, "doc": doc}, key=f"{doc}|{line_id}")
    invalidate(ctx)


def repost_commitments(ctx: Ctx, doc: str, entries: list[tuple[Stored, str, dict[str, Any]]],
                       previous: list[int]) -> list[int]:
    """Replace a commitment document's lines in the ledgers; returns the projects it now posts to."""
    for project_rid in set(previous):
        ctx.book.unpost_prefix(COMMITMENTS, project_rid, f"{doc}|".casefold())
    for project, line_id, entry in entries:
        ensure_budget_line(ctx, project, entry["task"], entry["group"], entry["code"], entry.get("inventory"))
        ctx.book.post(COMMITMENTS, project.rid, {**entry, "doc": doc}, key=f"{doc}|{line_id}".casefold())
    invalidate(ctx)
    return sorted({project.rid for project, _, _ in entries})


def has_ledger(ctx: Ctx, project_rid: int, test: Any = None) -> bool:
    for kind in (ACTUALS, COMMITMENTS):
        for entry in ctx.book.ledger(kind, project_rid):
            if test is None or test(entry):
                return True
    return False

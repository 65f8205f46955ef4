"""Change orders (PM308000) and project transactions (PM304000)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import CHANGE_ORDER, PROJECT_BUDGET, PROJECT_TRANSACTION
from simulator.acumatica.models import Stored, copy
from simulator.acumatica.rules import ledger, lines, refs
from simulator.acumatica.rules.base import (
    Ctx,
    Problems,
    Rules,
    cannot_be_empty,
    dec,
    empty,
    find,
    money,
    new_node,
    register,
    to_date,
    write,
)
from simulator.acumatica.rules.commitments import commitment_for
from simulator.acumatica.wire import Patch

EDITABLE = ("On Hold", "Rejected")


class ChangeOrderRules(Rules):
    entity = CHANGE_ORDER
    number_field = "RefNbr"
    sequence = "ChangeOrder"
    always_editable = frozenset({"Hold"})
    locked_message = "The change order cannot be edited because it is not on hold."

    def locked(self, old: dict[str, Any]) -> bool:
        return old["fields"].get("Status") not in EDITABLE

    def open_status(self, ctx: Ctx) -> str:
        return "Pending Approval" if ctx.setting("approvals", "ChangeOrder", default=False) else "Open"

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({
            "Hold": bool(ctx.setting("hold_on_entry", "ChangeOrder", default=True)), "Status": "On Hold",
            "ChangeDate": ctx.today_stored(), "ContractTimeChangeDays": 0, "CostBudgetChangeTotal": 0.0,
            "RevenueBudgetChangeTotal": 0.0, "CommitmentsChangeTotal": 0.0, "GrossMarginAmount": 0.0,
            "GrossMargin": 0.0,
        })
        change_class = ctx.setting("change_order_class", default="")
        if change_class:
            node["fields"]["Class"] = change_class

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        if detail in ("CostBudget", "RevenueBudget"):
            row["fields"].update({"InventoryID": ledger.NA, "Qty": 0.0, "UnitRate": 0.0})
        else:
            row["fields"].update({"Qty": 0.0})

    def parent_of(self, ctx: Ctx, node: dict[str, Any]) -> int | None:
        project = find(ctx, "Project", node["fields"].get("ProjectID"))
        return None if project is None else project.rid

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        project = None
        if empty(f.get("ProjectID")):
            problems.field("ProjectID", cannot_be_empty("Project"))
        else:
            project = find(ctx, "Project", f["ProjectID"])
            if project is None:
                problems.field("ProjectID", f"Project '{f['ProjectID']}' cannot be found in the system.")
            else:
                pf = project.node["fields"]
                if pf.get("Status") in refs.INACTIVE_STATUSES:
                    problems.field("ProjectID", f"Project is {pf['Status']} and cannot be used for data entry.")
                props = project.node.get("links", {}).get("ProjectProperties", {}).get("fields", {})
                if not props.get("ChangeOrderWorkflow"):
                    problems.field("ProjectID", f"The change order workflow is not enabled for the "
                                                f"{pf['ProjectID']} project.")
                if pf.get("Customer"):
                    f["Customer"] = pf["Customer"]
        old_rows = {r["id"]: r["fields"] for d in ("CostBudget", "RevenueBudget", "Commitments")
                    for r in (old or {}).get("details", {}).get(d, [])}
        released = f.get("Status") == "Closed"
        cost = self._budget_lines(ctx, node, "CostBudget", project, ("Expense",), old_rows, problems, released)
        revenue = self._budget_lines(ctx, node, "RevenueBudget", project, ("Income",), old_rows, problems, released)
        committed = self._commitment_lines(ctx, node, project, old_rows, problems)
        f["CostBudgetChangeTotal"] = money(cost)
        f["RevenueBudgetChangeTotal"] = money(revenue)
        f["CommitmentsChangeTotal"] = money(committed)
        f["GrossMarginAmount"] = money(revenue - cost)
        f["GrossMargin"] = money((revenue - cost) / revenue * 100) if revenue else 0.0
        self._status(ctx, node, old, problems)

    def _budget_lines(self, ctx: Ctx, node: dict[str, Any], detail: str, project: Stored | None,
                      types: tuple[str, ...], old_rows: dict[str, dict[str, Any]], problems: Problems,
                      released: bool) -> Decimal:
        total = Decimal(0)
        for row in node.get("details", {}).get(detail, []):
            lf = row["fields"]
            p = problems.row(detail, row)
            if empty(lf.get("InventoryID")):
                lf["InventoryID"] = ledger.NA
            old = old_rows.get(row["id"])
            if dec(lf.get("UnitRate")) and (old is None or lf.get("UnitRate") != old.get("UnitRate")
                                            or lf.get("Qty") != old.get("Qty")):
                lf["Amount"] = money(dec(lf.get("Qty")) * dec(lf["UnitRate"]))
            lf["Amount"] = money(lf.get("Amount"))
            total += dec(lf["Amount"])
            if project is not None:
                if empty(lf.get("ProjectTaskID")):
                    default = refs.default_task(ctx, project)
                    if default:
                        lf["ProjectTaskID"] = default
                    else:
                        p.field("ProjectTaskID", cannot_be_empty("Project Task"))
                if not empty(lf.get("ProjectTaskID")):
                    refs.task(ctx, project, lf["ProjectTaskID"], p, "ProjectTaskID", posting=False)
            refs.account_group(ctx, lf.get("AccountGroup"), p, "AccountGroup", types=types)
            refs.cost_code(ctx, lf.get("CostCode"), p, "CostCode")
            if project is not None and not released:
                budget = ctx.book.by_keys(PROJECT_BUDGET, [project.node["fields"]["ProjectID"], lf.get("ProjectTaskID"),
                                                           lf.get("AccountGroup"), lf.get("CostCode"),
                                                           lf.get("InventoryID")])
                bf = ledger.fill_budget(ctx, budget.node)["fields"] if budget else {}
                previous = dec(bf.get("BudgetedCOAmount"))
                lf["PreviouslyApprovedCOAmount"] = money(previous)
                lf["PreviouslyApprovedCOQty"] = float(dec(bf.get("BudgetedCOQty")))
                original = dec(bf.get("OriginalBudgetedAmount"))
                lf["RevisedBudgetedAmount"] = money(original + previous + dec(lf["Amount"]))
                lf["RevisedBudgetedQty"] = float(dec(bf.get("OriginalBudgetedQty")) + dec(bf.get("BudgetedCOQty"))
                                                 + dec(lf.get("Qty")))
                lf["TotalPotentiallyRevisedAmount"] = lf["RevisedBudgetedAmount"]
                lf["OtherDraftCOAmount"] = 0.0
                if detail == "CostBudget":
                    for name in ("OriginalBudgetedAmount", "OriginalBudgetedQty", "ActualAmount", "ActualQty",
                                 "CommittedCOAmount", "CommittedCOQty", "CommittedInvoicedAmount",
                                 "CommittedInvoicedQty", "CommittedOpenAmount", "CommittedOpenQty",
                                 "CommittedReceivedQty", "RevisedCommittedAmount", "RevisedCommittedQty"):
                        lf[name] = float(dec(bf.get(name)))
                    lf["CurrentCommittedCOAmount"] = float(dec(bf.get("CommittedCOAmount")))
                    lf["CurrentCommittedCOQty"] = float(dec(bf.get("CommittedCOQty")))
        return total

    def _commitment_lines(self, ctx: Ctx, node: dict[str, Any], project: Stored | None,
                          old_rows: dict[str, dict[str, Any]], problems: Problems) -> Decimal:
        total = Decimal(0)
        for row in node.get("details", {}).get("Commitments", []):
            lf = row["fields"]
            p = problems.row("Commitments", row)
            old = old_rows.get(row["id"])
            if dec(lf.get("UnitCost")) and (old is None or lf.get("UnitCost") != old.get("UnitCost")
                                            or lf.get("Qty") != old.get("Qty")):
                lf["Amount"] = money(dec(lf.get("Qty")) * dec(lf["UnitCost"]))
            lf["Amount"] = money(lf.get("Amount"))
            total += dec(lf["Amount"])
            if empty(lf.get("POType")):
                lf["POType"] = "Normal"
            if empty(lf.get("PONbr")):
                p.field("PONbr", cannot_be_empty("PO Nbr."))
                continue
            found = commitment_for(ctx, lf["POType"], lf["PONbr"])
            if found is None:
                p.field("PONbr", refs.not_found_in_system("PO Nbr."))
                continue
            rules, _, doc = found
            df = doc.node["fields"]
            if df.get("Status") not in ("Open", "Completed", "Closed"):
                p.field("PONbr", f"The commitment {lf['PONbr']} has the {df.get('Status')} status and cannot be "
                                 f"changed by a change order.")
            lf["Status"] = df.get("Status")
            lf["Vendor"] = df.get(rules.vendor_field)
            lf["OrderDate"] = df.get("Date")
            lf["CurrencyID"] = df.get("CurrencyID")
            source = None
            if lf.get("POLineNbr"):
                source = next((r for r in doc.node.get("details", {}).get("Details", [])
                               if int(r["fields"].get("LineNbr") or 0) == int(lf["POLineNbr"])), None)
                if source is None:
                    p.field("POLineNbr", refs.not_found_in_system("PO Line Nbr."))
            if source is not None:
                sf = source["fields"]
                if not refs.non_project(ctx, sf.get(rules.project_line_field)) and project is not None and \
                        str(sf.get(rules.project_line_field)).casefold() != \
                        str(project.node["fields"]["ProjectID"]).casefold():
                    p.field("POLineNbr", "The commitment line belongs to another project.")
                for mine, theirs in (("ProjectTaskID", rules.task_field), ("CostCode", "CostCode"),
                                     ("Account", "Account"), ("InventoryID", "InventoryID"),
                                     ("UOM", "UOM"), ("Description", "LineDescription")):
                    if empty(lf.get(mine)) and not empty(sf.get(theirs)):
                        lf[mine] = sf[theirs]
                lf["LineAmount"] = float(dec(sf.get("ExtendedCost")))
                lf["OrderQty"] = float(dec(sf.get("OrderQty")))
                lf["OpenQty"] = float(dec(sf.get("OrderQty")))
            if project is not None:
                if empty(lf.get("ProjectTaskID")):
                    p.field("ProjectTaskID", cannot_be_empty("Project Task"))
                else:
                    refs.task(ctx, project, lf["ProjectTaskID"], p, "ProjectTaskID", posting=False)
            refs.cost_code(ctx, lf.get("CostCode"), p, "CostCode")
            default_account = (ctx.setting("default_accounts", default={}) or {}).get(rules.entity.name)
            lines.account_group(ctx, lf, p, default_account, project=project)
            lf["AmountinBaseCurrency"] = lf["Amount"]
            lf["PotentiallyRevisedAmount"] = money(dec(lf.get("LineAmount")) + dec(lf["Amount"]))
            lf["PotentiallyRevisedQty"] = float(dec(lf.get("OrderQty")) + dec(lf.get("Qty")))
        return total

    def _status(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        hold = bool(f.get("Hold"))
        if old is None:
            f["Status"] = "On Hold" if hold else self.open_status(ctx)
            return
        status = old["fields"].get("Status")
        if hold and not old["fields"].get("Hold"):
            if status in ("Open", "Pending Approval", "Rejected"):
                f["Status"] = "On Hold"
            else:
                problems.field("Hold", f"A change order with the {status} status cannot be put on hold.")
        elif not hold and old["fields"].get("Hold"):
            if status in EDITABLE:
                f["Status"] = self.open_status(ctx)

    # -- actions ------------------------------------------------------------------------------

    def act_RemoveChangeOrderFromHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems
                                      ) -> None:
        if node["fields"].get("Status") not in EDITABLE:
            raise errors.action_disabled("Remove Hold")
        old = copy(node)
        old["fields"]["Hold"] = True
        node["fields"]["Hold"] = False
        self.validate(ctx, node, old, p)

    def act_HoldChangeOrder(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("Open", "Pending Approval", "Rejected"):
            raise errors.action_disabled("Hold")
        node["fields"].update({"Hold": True, "Status": "On Hold"})

    def act_ApproveChangeOrder(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Pending Approval", "Open", "Approve")

    def act_RejectChangeOrder(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Pending Approval", "Rejected", "Reject")

    def act_ReleaseChangeOrder(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") != "Open":
            raise errors.action_disabled("Release")
        self.validate(ctx, node, copy(node), p)
        project = find(ctx, "Project", f["ProjectID"])
        if project is None or p.any():
            return
        if project.node["fields"].get("Status") != "Active":
            raise errors.server_error(f"Given Project/Contract '{f['ProjectID']}' is inactive")
        for detail in ("CostBudget", "RevenueBudget"):
            for row in node.get("details", {}).get(detail, []):
                lf = row["fields"]
                ledger.ensure_budget_line(ctx, project, lf["ProjectTaskID"], lf["AccountGroup"], lf.get("CostCode"),
                                          lf.get("InventoryID"))
                budget = ctx.book.by_keys(PROJECT_BUDGET, [f["ProjectID"], lf["ProjectTaskID"], lf["AccountGroup"],
                                                           lf.get("CostCode") or ctx.setting("default_cost_code"),
                                                           lf.get("InventoryID") or ledger.NA])
                assert budget is not None
                bf = budget.node["fields"]
                bf["BudgetedCOAmount"] = money(dec(bf.get("BudgetedCOAmount")) + dec(lf.get("Amount")))
                bf["BudgetedCOQty"] = float(dec(bf.get("BudgetedCOQty")) + dec(lf.get("Qty")))
                write(ctx, PROJECT_BUDGET, budget.node, budget)
        for row in node.get("details", {}).get("Commitments", []):
            lf = row["fields"]
            found = commitment_for(ctx, lf["POType"], lf["PONbr"])
            assert found is not None
            rules, _, doc = found
            template = {rules.project_line_field: f["ProjectID"], rules.task_field: lf.get("ProjectTaskID"),
                        "CostCode": lf.get("CostCode"), "Account": lf.get("Account"),
                        "InventoryID": None if lf.get("InventoryID") == ledger.NA else lf.get("InventoryID"),
                        "LineDescription": lf.get("Description") or f"Change order {f['RefNbr']}", "UOM": lf.get("UOM")}
            rules.change_line(ctx, doc, lf.get("POLineNbr"), dec(lf.get("Amount")), dec(lf.get("Qty")), template)
        f["Status"] = "Closed"
        ledger.invalidate(ctx)

    def act_ReverseChangeOrder(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") != "Closed" or f.get("ReverseStatus"):
            raise errors.action_disabled("Reverse")
        reversal = new_node()
        reversal["fields"] = {k: v for k, v in f.items()
                              if k in ("ProjectID", "Class", "Description", "DetailedDescription", "Customer")}
        reversal["fields"].update({"RefNbr": "<NEW>", "Hold": True, "Status": "On Hold",
                                   "ChangeDate": ctx.today_stored(),
                                   "OriginalCORefNbr": f["RefNbr"], "ReverseStatus": "Reversing",
                                   "ContractTimeChangeDays": -int(f.get("ContractTimeChangeDays") or 0)})
        for detail in ("CostBudget", "RevenueBudget", "Commitments"):
            rows = []
            for row in node.get("details", {}).get(detail, []):
                copied = {"id": new_node()["id"], "fields": dict(row["fields"]), "details": {}, "links": {},
                          "custom": {}, "note": ""}
                copied["fields"]["Amount"] = -float(dec(row["fields"].get("Amount")))
                copied["fields"]["Qty"] = -float(dec(row["fields"].get("Qty")))
                rows.append(copied)
            reversal["details"][detail] = rows
        check = Problems(CHANGE_ORDER, True)
        self.validate(ctx, reversal, None, check)
        reversal["fields"]["Status"] = "On Hold"
        if check.any():
            raise errors.server_error("The change order cannot be reversed because its lines are no longer valid.")
        write(ctx, CHANGE_ORDER, reversal, None)
        f["ReverseStatus"] = "Reversed"


class ProjectTransactionRules(Rules):
    entity = PROJECT_TRANSACTION
    number_field = "ReferenceNbr"
    sequence = "ProjectTransaction"
    locked_message = "The transaction is released and cannot be edited."

    def key_defaults(self, ctx: Ctx, patch: Patch) -> None:
        if empty(patch.fields.get("Module")):
            patch.fields["Module"] = "PM"

    def locked(self, old: dict[str, Any]) -> bool:
        return old["fields"].get("Status") == "Released"

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({"Module": "PM", "Status": "Balanced", "TotalAmount": 0.0, "TotalQty": 0.0,
                               "TotalBillableQty": 0.0})

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        row["fields"].update({"Date": ctx.today_stored(), "Billable": True, "Released": False, "Allocated": False,
                              "Billed": False, "UseBillableQtyInAmountFormula": False, "Multiplier": 1.0,
                              "Branch": ctx.branch or ctx.setting("default_branch", default="MAIN")})

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        if old is None and str(f.get("Module")) != "PM" and not node["sys"].get("system"):
            problems.field("Module", "Only transactions of the PM module can be entered on this form.")
        old_rows = {r["id"]: r["fields"] for r in (old or {}).get("details", {}).get("Details", [])}
        total = qty_total = billable_total = Decimal(0)
        for row in node.setdefault("details", {}).setdefault("Details", []):
            lf = row["fields"]
            p = problems.row("Details", row)
            if not lf.get("TransactionID"):
                lf["TransactionID"] = ctx.book.next_number("PMTran")
            old_line = old_rows.get(row["id"])
            if dec(lf.get("UnitRate")) and (old_line is None or lf.get("UnitRate") != old_line.get("UnitRate")
                                            or lf.get("Qty") != old_line.get("Qty")):
                lf["Amount"] = money(dec(lf.get("Qty")) * dec(lf["UnitRate"]))
            lf["Amount"] = money(lf.get("Amount"))
            lf.setdefault("Qty", 0.0)
            if lf.get("BillableQty") is None:
                lf["BillableQty"] = lf["Qty"]
            day = to_date(lf.get("Date"))
            if day is not None:
                lf["FinPeriod"] = f"{day.month:02d}{day.year}"
            if empty(lf.get("Project")) or refs.non_project(ctx, lf.get("Project")):
                p.field("Project", cannot_be_empty("Project"))
            else:
                lines.project_refs(ctx, lf, p, project_field="Project", task_field="ProjectTask", module="",
                                   posting=True)
            group = refs.account_group(ctx, lf.get("AccountGroup"), p, "AccountGroup")
            if group is not None:
                lf["AccountGroupDescription"] = group.node["fields"].get("Description")
            total += dec(lf["Amount"])
            qty_total += dec(lf["Qty"])
            billable_total += dec(lf["BillableQty"])
        f["TotalAmount"] = money(total)
        f["TotalQty"] = float(qty_total)
        f["TotalBillableQty"] = float(billable_total)

    def after_save(self, ctx: Ctx, rid: int, node: dict[str, Any], old: dict[str, Any] | None) -> None:
        was_released = old is not None and old["fields"].get("Status") == "Released"
        if node["fields"].get("Status") != "Released" or was_released:
            return
        f = node["fields"]
        doc = f"{f['Module']}|{f['ReferenceNbr']}"
        entries = []
        for row in node.get("details", {}).get("Details", []):
            lf = row["fields"]
            project = find(ctx, "Project", lf.get("Project"))
            if project is None:
                continue
            entries.append((project, row["id"], {
                "task": lf.get("ProjectTask"), "group": lf.get("AccountGroup"), "code": lf.get("CostCode"),
                "inventory": lf.get("InventoryID"), "amount": lf.get("Amount"), "qty": lf.get("Qty"),
            }))
        ledger.post_actuals(ctx, doc, entries)

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        if stored.node["fields"].get("Status") == "Released":
            raise errors.server_error("The transaction is released and cannot be deleted.")

    def act_ReleaseTransactions(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") != "Balanced":
            raise errors.action_disabled("Release")
        if not node.get("details", {}).get("Details"):
            raise errors.server_error("The transaction has no lines to release.")
        self.validate(ctx, node, copy(node), p)
        node["fields"]["Status"] = "Released"
        for row in node["details"]["Details"]:
            row["fields"]["Released"] = True


register(ChangeOrderRules())
register(ProjectTransactionRules())

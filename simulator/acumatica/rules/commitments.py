"""Commitments: subcontracts (SC301000) and purchase orders (PO301000).

An approved (Open) commitment posts its project lines to the commitment ledger;
bills linked to its lines move amounts from open to invoiced; change orders
revise it. A commitment that is not on hold cannot be edited.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from decimal import Decimal
from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import PURCHASE_ORDER, SUBCONTRACT, Entity
from simulator.acumatica.models import Stored
from simulator.acumatica.rules import ledger, lines, refs
from simulator.acumatica.rules.base import Ctx, Problems, Rules, dec, empty, find, money, register

POSTING_STATUSES = ("Open", "Completed", "Closed")
EDITABLE = ("On Hold", "Rejected")
VENDOR_BLOCKED = ("Inactive", "On Hold")


class CommitmentRules(Rules, metaclass=ABCMeta):
    task_field = "ProjectTask"
    hold_field: str | None = "Hold"
    retainage = False
    aliases = {"RemoveHold": "ReleaseFromHold"}
    locked_message = "The document cannot be edited because it is not on hold."

    # -- identity ----------------------------------------------------------------------

    @abstractmethod
    def doc(self, node: dict[str, Any]) -> str:
        ...

    @abstractmethod
    def order_type(self, ctx: Ctx, node: dict[str, Any]) -> str:
        ...

    def is_held(self, node: dict[str, Any]) -> bool:
        if self.hold_field:
            return bool(node["fields"].get(self.hold_field))
        return bool(node["sys"].get("hold"))

    def set_hold(self, node: dict[str, Any], hold: bool) -> None:
        if self.hold_field:
            node["fields"][self.hold_field] = hold
        else:
            node["sys"]["hold"] = hold

    def open_status(self, ctx: Ctx) -> str:
        return "Pending Approval" if ctx.setting("approvals", self.entity.name, default=False) else "Open"

    def locked(self, old: dict[str, Any]) -> bool:
        return old["fields"].get("Status") not in EDITABLE

    # -- defaults -----------------------------------------------------------------------

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        hold = bool(ctx.setting("hold_on_entry", self.entity.name, default=True))
        self.set_hold(node, hold)
        node["fields"].update({
            "Status": "On Hold", "Date": ctx.today_stored(),
            "CurrencyID": ctx.setting("base_currency", default="USD"),
            "BaseCurrencyID": ctx.setting("base_currency", default="USD"), "CurrencyRate": 1.0,
            "CurrencyReciprocalRate": 1.0, "LineTotal": 0.0, "TaxTotal": 0.0, "ControlTotal": 0.0,
        })
        node["sys"]["new_hold"] = hold

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        row["fields"].update({"Completed": False, "OrderQty": 1.0})
        row["fields"]["Cancelled" if self.entity is PURCHASE_ORDER else "Canceled"] = False

    # -- validation ------------------------------------------------------------------------

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        old_f = old["fields"] if old else {}
        vendor = refs.vendor(ctx, f.get(self.vendor_field), problems, self.vendor_field, blocked=VENDOR_BLOCKED)
        if vendor is not None:
            f.setdefault("Terms", vendor.node["fields"].get("Terms"))
        f.setdefault("Branch", ctx.branch or ctx.setting("default_branch", default="MAIN"))
        refs.listed(ctx, "terms", f.get("Terms"), problems, "Terms", "Terms")
        if self.retainage:
            if f.get("ApplyRetainage") and not ctx.setting("features", "retainage", default=True):
                problems.field("ApplyRetainage", RETAINAGE_DISABLED)
            if not 0 <= dec(f.get("RetainagePct")) <= 100:
                problems.field("RetainagePct", "The value must be between 0 and 100.")
        self.check_lines(ctx, node, old, problems)
        self.status(ctx, node, old, problems)

    vendor_field = "VendorID"

    def check_lines(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        rows = node.setdefault("details", {}).setdefault("Details", [])
        old_rows = {r["id"]: r["fields"] for r in (old or {}).get("details", {}).get("Details", [])}
        next_nbr = max([int(r["fields"].get("LineNbr") or 0) for r in rows] + [0]) + 1
        total = retained = Decimal(0)
        default_account = (ctx.setting("default_accounts", default={}) or {}).get(self.entity.name)
        for row in rows:
            lf = row["fields"]
            p = problems.row("Details", row)
            if not lf.get("LineNbr"):
                lf["LineNbr"] = next_nbr
                next_nbr += 1
            lf["OrderType"] = self.order_type(ctx, node)
            lf["OrderNbr"] = f.get(self.number_field)
            lines.amounts(lf, old_rows.get(row["id"]), qty="OrderQty", unit="UnitCost", ext="ExtendedCost")
            if dec(lf.get("OrderQty")) < 0:
                p.field("OrderQty", "The value must be greater than or equal to 0.")
            if lf.get(self.project_line_field) is None and self.header_project(f):
                lf[self.project_line_field] = self.header_project(f)
            project = lines.project_refs(ctx, lf, p, project_field=self.project_line_field,
                                         task_field=self.task_field, module="PO")
            group = lines.account_group(ctx, lf, p, default_account, project=project)
            row.setdefault("sys", {})["group"] = group
            total += dec(lf["ExtendedCost"])
            if self.retainage:
                if f.get("ApplyRetainage"):
                    if lf.get("RetainagePct") is None:
                        lf["RetainagePct"] = float(dec(f.get("RetainagePct")))
                    old_line = old_rows.get(row["id"]) or {}
                    amount_sent = lf.get("RetainageAmount") is not None and \
                        lf.get("RetainageAmount") != old_line.get("RetainageAmount") and \
                        lf.get("RetainagePct") == old_line.get("RetainagePct")
                    if not amount_sent:
                        lf["RetainageAmount"] = money(dec(lf["ExtendedCost"]) * dec(lf["RetainagePct"]) / 100)
                    if not 0 <= dec(lf["RetainagePct"]) <= 100:
                        p.field("RetainagePct", "The value must be between 0 and 100.")
                else:
                    lf["RetainagePct"] = 0.0
                    lf["RetainageAmount"] = 0.0
                retained += dec(lf.get("RetainageAmount"))
                lf["Amount"] = lf["ExtendedCost"]
        self.totals(f, total, retained)

    project_line_field = "Project"

    def header_project(self, f: dict[str, Any]) -> Any:
        return None

    def totals(self, f: dict[str, Any], total: Decimal, retained: Decimal) -> None:
        f["LineTotal"] = money(total)
        f["TaxTotal"] = 0.0

    def doc_total(self, f: dict[str, Any]) -> float:
        return float(f.get("LineTotal") or 0)

    def status(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        held = self.is_held(node)
        if old is None:
            f["Status"] = "On Hold" if held else self.open_status(ctx)
        else:
            was_held = self.is_held(old)
            status = old["fields"].get("Status")
            if held and not was_held:
                if status not in ("Open", "Pending Approval", "Rejected"):
                    problems.entity(f"A document with the {status} status cannot be put on hold.")
                elif self.billed(node):
                    problems.entity("The document cannot be put on hold because it has been billed.")
                else:
                    f["Status"] = "On Hold"
            elif was_held and not held:
                f["Status"] = self.open_status(ctx)
        if f["Status"] in ("Open", "Pending Approval") and (old is None or old["fields"].get("Status") in EDITABLE):
            self.check_release(ctx, node, problems)

    def check_release(self, ctx: Ctx, node: dict[str, Any], problems: Problems) -> None:
        f = node["fields"]
        if ctx.setting("validate_control_total", self.entity.name, default=False) and \
                money(f.get("ControlTotal")) != money(self.doc_total(f)):
            problems.field("ControlTotal", "The document is out of balance.")

    def billed(self, node: dict[str, Any]) -> bool:
        return any(dec(r.get("sys", {}).get("billed")) for r in node.get("details", {}).get("Details", []))

    # -- ledgers ---------------------------------------------------------------------------

    def numbered(self, ctx: Ctx, node: dict[str, Any]) -> None:
        for row in node.get("details", {}).get("Details", []):
            row["fields"]["OrderNbr"] = node["fields"][self.number_field]

    def after_save(self, ctx: Ctx, rid: int, node: dict[str, Any], old: dict[str, Any] | None) -> None:
        self.post(ctx, rid, node)

    def post(self, ctx: Ctx, rid: int, node: dict[str, Any]) -> None:
        status = node["fields"].get("Status")
        entries: list[tuple[Stored, str, dict[str, Any]]] = []
        if status in POSTING_STATUSES:
            for row in node.get("details", {}).get("Details", []):
                lf = row["fields"]
                if refs.non_project(ctx, lf.get(self.project_line_field)):
                    continue
                project = ledger.project_row(ctx, lf[self.project_line_field])
                group = row.get("sys", {}).get("group")
                if project is None or not group:
                    continue
                ext = dec(lf.get("ExtendedCost"))
                co = dec(row.get("sys", {}).get("co"))
                billed = dec(row.get("sys", {}).get("billed"))
                qty = dec(lf.get("OrderQty"))
                closed = status != "Open" or lf.get("Completed") or lf.get("Canceled") or lf.get("Cancelled")
                open_amount = Decimal(0) if closed else max(ext - billed, Decimal(0))
                entries.append((project, row["id"], {
                    "task": lf.get(self.task_field), "group": group, "code": lf.get("CostCode"),
                    "inventory": lf.get("InventoryID"), "original": money(ext - co), "co": money(co),
                    "invoiced": money(billed), "open": money(open_amount), "original_qty": float(qty),
                    "open_qty": 0.0 if closed else float(qty),
                }))
        previous = node["sys"].get("posted", [])
        now = ledger.repost_commitments(ctx, self.doc(node), entries, previous)
        if now != previous:
            node["sys"]["posted"] = now
            ctx.book.update(self.entity, rid, node)

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        if stored.node["fields"].get("Status") not in EDITABLE + ("Canceled",) or self.billed(stored.node):
            raise errors.server_error("The document cannot be deleted because it is not on hold.")

    def after_delete(self, ctx: Ctx, stored: Stored) -> None:
        ledger.repost_commitments(ctx, self.doc(stored.node), [], stored.node["sys"].get("posted", []))

    # -- actions ----------------------------------------------------------------------------

    def act_ReleaseFromHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in EDITABLE:
            raise errors.action_disabled("Remove Hold")
        old = _snapshot(node)
        self.set_hold(old, True)
        old["fields"]["Status"] = "On Hold"
        self.set_hold(node, False)
        self.validate(ctx, node, old, p)

    def act_PutOnHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("Open", "Pending Approval", "Rejected"):
            raise errors.action_disabled("Hold")
        if self.billed(node):
            raise errors.server_error("The document cannot be put on hold because it has been billed.")
        self.set_hold(node, True)
        node["fields"]["Status"] = "On Hold"

    def act_Approve(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Pending Approval", "Open", "Approve")

    def act_Reject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Pending Approval", "Rejected", "Reject")

    def act_Complete(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Open", "Completed", "Complete Order")
        for row in node.get("details", {}).get("Details", []):
            row["fields"]["Completed"] = True

    def act_Cancel(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("On Hold", "Open", "Pending Approval", "Rejected"):
            raise errors.action_disabled("Cancel Order")
        if self.billed(node):
            raise errors.server_error("The document cannot be canceled because it has been billed.")
        node["fields"]["Status"] = "Canceled"
        flag = "Cancelled" if self.entity is PURCHASE_ORDER else "Canceled"
        for row in node.get("details", {}).get("Details", []):
            row["fields"][flag] = True

    # -- used by bills and change orders -------------------------------------------------------

    def bill_line(self, ctx: Ctx, stored: Stored, line_nbr: int, amount: Decimal, qty: Decimal) -> None:
        """A released bill line moved ``amount`` from open to invoiced on one of this document's lines."""
        node = stored.node
        for row in node.get("details", {}).get("Details", []):
            if int(row["fields"].get("LineNbr") or 0) == line_nbr:
                sys = row.setdefault("sys", {})
                sys["billed"] = money(dec(sys.get("billed")) + amount)
                sys["billed_qty"] = float(dec(sys.get("billed_qty")) + qty)
        rows = node.get("details", {}).get("Details", [])
        if node["fields"].get("Status") in ("Open", "Completed") and rows and all(
                dec(r.get("sys", {}).get("billed")) >= dec(r["fields"].get("ExtendedCost")) for r in rows):
            node["fields"]["Status"] = "Closed"
        node["fields"]["LastModifiedDateTime"] = ctx.stamp()
        ctx.book.update(self.entity, stored.rid, node)
        self.post(ctx, stored.rid, node)

    def change_line(self, ctx: Ctx, stored: Stored, line_nbr: int | None, amount: Decimal, qty: Decimal,
                    template: dict[str, Any]) -> None:
        """A released change order revised this commitment: grow a line, or add one."""
        node = stored.node
        rows = node.setdefault("details", {}).setdefault("Details", [])
        target = None
        if line_nbr:
            target = next((r for r in rows if int(r["fields"].get("LineNbr") or 0) == line_nbr), None)
        if target is None:
            from simulator.acumatica.rules.base import new_node

            target = new_node()
            target.pop("files")
            self.row_defaults(ctx, "Details", target, node)
            target["fields"].update({k: v for k, v in template.items() if v is not None})
            target["fields"]["LineNbr"] = max([int(r["fields"].get("LineNbr") or 0) for r in rows] + [0]) + 1
            target["fields"]["ExtendedCost"] = 0.0
            target["fields"]["UnitCost"] = 0.0
            target["fields"]["OrderQty"] = 0.0
            target["fields"]["OrderType"] = self.order_type(ctx, node)
            target["fields"]["OrderNbr"] = node["fields"][self.number_field]
            account = refs.account(ctx, target["fields"].get("Account"), Problems(self.entity), "Account")
            target["sys"] = {"group": (account or {}).get("account_group")}
            rows.append(target)
        lf = target["fields"]
        lf["ExtendedCost"] = money(dec(lf.get("ExtendedCost")) + amount)
        lf["OrderQty"] = float(dec(lf.get("OrderQty")) + qty)
        if dec(lf["OrderQty"]):
            lf["UnitCost"] = float(dec(lf["ExtendedCost"]) / dec(lf["OrderQty"]))
        sys = target.setdefault("sys", {})
        sys["co"] = money(dec(sys.get("co")) + amount)
        if self.retainage and dec(lf.get("RetainagePct")):
            lf["RetainageAmount"] = money(dec(lf["ExtendedCost"]) * dec(lf["RetainagePct"]) / 100)
        total = sum((dec(r["fields"].get("ExtendedCost")) for r in rows), Decimal(0))
        retained = sum((dec(r["fields"].get("RetainageAmount")) for r in rows), Decimal(0))
        self.totals(node["fields"], total, retained)
        node["fields"]["LastModifiedDateTime"] = ctx.stamp()
        ctx.book.update(self.entity, stored.rid, node)
        self.post(ctx, stored.rid, node)


RETAINAGE_DISABLED = ("Retainage is not supported because the Retainage Support feature is disabled on the "
                      "Enable/Disable Features (CS100000) form.")


def _snapshot(node: dict[str, Any]) -> dict[str, Any]:
    from simulator.acumatica.models import copy

    return copy(node)


class SubcontractRules(CommitmentRules):
    entity = SUBCONTRACT
    number_field = "SubcontractNbr"
    sequence = "Subcontract"
    task_field = "Task"
    hold_field = None
    retainage = True

    def doc(self, node: dict[str, Any]) -> str:
        return f"Subcontract|{node['fields'].get('SubcontractNbr')}"

    def order_type(self, ctx: Ctx, node: dict[str, Any]) -> str:
        return str(ctx.setting("subcontract_order_type", default="Subcontract"))

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        super().defaults(ctx, node)
        node["fields"].update({"ApplyRetainage": False, "RetainagePct": 0.0, "RetainageTotal": 0.0,
                               "SubcontractTotal": 0.0, "DiscountTotal": 0.0, "DoNotEmail": False,
                               "DoNotPrint": False, "Emailed": False, "Printed": False,
                               "StartDate": ctx.today_stored()})

    def totals(self, f: dict[str, Any], total: Decimal, retained: Decimal) -> None:
        super().totals(f, total, retained)
        f["SubcontractTotal"] = money(total)
        f["RetainageTotal"] = money(retained)
        f["DiscountTotal"] = 0.0

    def doc_total(self, f: dict[str, Any]) -> float:
        return float(f.get("SubcontractTotal") or 0)


class PurchaseOrderRules(CommitmentRules):
    entity = PURCHASE_ORDER
    number_field = "OrderNbr"
    sequence = "PurchaseOrder"
    always_editable = frozenset({"Hold"})

    def doc(self, node: dict[str, Any]) -> str:
        return f"PurchaseOrder|{node['fields'].get('Type')}|{node['fields'].get('OrderNbr')}"

    def order_type(self, ctx: Ctx, node: dict[str, Any]) -> str:
        return str(node["fields"].get("Type") or "Normal")

    def key_defaults(self, ctx: Ctx, patch: Any) -> None:
        if empty(patch.fields.get("Type")):
            patch.fields["Type"] = "Normal"

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        super().defaults(ctx, node)
        node["fields"].update({"Type": "Normal", "OrderTotal": 0.0, "IsTaxValid": True})

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        super().row_defaults(ctx, detail, row, node)
        row["fields"]["LineType"] = "Service"

    def header_project(self, f: dict[str, Any]) -> Any:
        return f.get("Project")

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        if not empty(f.get("Project")) and not refs.non_project(ctx, f["Project"]):
            refs.project(ctx, f["Project"], problems, "Project", posting=True, module="PO")
        super().validate(ctx, node, old, problems)

    def totals(self, f: dict[str, Any], total: Decimal, retained: Decimal) -> None:
        super().totals(f, total, retained)
        f["OrderTotal"] = money(total)

    def doc_total(self, f: dict[str, Any]) -> float:
        return float(f.get("OrderTotal") or 0)


SUBCONTRACTS = register(SubcontractRules())
PURCHASE_ORDERS = register(PurchaseOrderRules())


def commitment_for(ctx: Ctx, order_type: Any, number: Any) -> tuple[CommitmentRules, Entity, Stored] | None:
    """The subcontract or purchase order a bill or change order line points at."""
    subcontract_type = str(ctx.setting("subcontract_order_type", default="Subcontract"))
    if str(order_type or "").casefold() == subcontract_type.casefold():
        found = find(ctx, "Subcontract", number)
        return None if found is None else (SUBCONTRACTS, SUBCONTRACT, found)  # type: ignore[return-value]
    found = find(ctx, "PurchaseOrder", order_type or "Normal", number)
    return None if found is None else (PURCHASE_ORDERS, PURCHASE_ORDER, found)  # type: ignore[return-value]

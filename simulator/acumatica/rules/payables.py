"""Accounts payable: bills and adjustments (AP301000), checks and payments (AP302000).

Bill retainage is not in the Default contract. It travels through ``custom``
(``Document.RetainageApply``, ``CurrentDocument.DefRetainagePct``, line
``Transactions.RetainagePct``/``CuryRetainageAmt``), an inference the reference
marks; the paths are tenant settings (``bill_retainage``) so they can follow a
real tenant's ``$adHocSchema``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import BILL, CHECK, PROJECT_TRANSACTION
from simulator.acumatica.models import Stored, copy
from simulator.acumatica.rules import lines, refs
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
from simulator.acumatica.wire import Patch, store_datetime

RELEASED = ("Open", "Closed", "Voided", "Reserved")
EDITABLE = ("On Hold", "Balanced", "Pending Approval", "Rejected")
RETAINAGE_DISABLED = ("Retainage is not supported because the Retainage Support feature is disabled on the "
                      "Enable/Disable Features (CS100000) form.")

DEFAULT_RETAINAGE_PATHS = {
    "apply": "Document.RetainageApply",
    "percent": "CurrentDocument.DefRetainagePct",
    "total": "CurrentDocument.CuryRetainageTotal",
    "unreleased": "CurrentDocument.CuryRetainageUnreleasedAmt",
    "line_percent": "Transactions.RetainagePct",
    "line_amount": "Transactions.CuryRetainageAmt",
}
RETAINAGE_TYPES = {"apply": "CustomBooleanField", "percent": "CustomDecimalField", "total": "CustomDecimalField",
                   "unreleased": "CustomDecimalField", "line_percent": "CustomDecimalField",
                   "line_amount": "CustomDecimalField"}


def retainage_paths(config: dict[str, Any]) -> dict[str, tuple[str, str]]:
    paths = dict(DEFAULT_RETAINAGE_PATHS)
    paths.update((config.get("bill_retainage") or {}).get("paths") or {})
    out = {}
    for role, path in paths.items():
        view, _, name = str(path).partition(".")
        out[role] = (view, name)
    return out


def retainage_catalog(config: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    """The custom fields a tenant's bills accept for retainage, per schema (Bill, BillDetail)."""
    if not (config.get("bill_retainage") or {}).get("via_custom", True):
        return {}
    catalog: dict[str, dict[str, dict[str, str]]] = {}
    for role, (view, name) in retainage_paths(config).items():
        schema_name = "BillDetail" if role.startswith("line_") else "Bill"
        catalog.setdefault(schema_name, {}).setdefault(view, {})[name] = RETAINAGE_TYPES[role]
    return catalog


def _get(node: dict[str, Any], path: tuple[str, str]) -> Any:
    return node.get("custom", {}).get(path[0], {}).get(path[1])


def _set(node: dict[str, Any], path: tuple[str, str], value: Any) -> None:
    node.setdefault("custom", {}).setdefault(path[0], {})[path[1]] = value


def _hold_status(ctx: Ctx, entity: str, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems,
                 open_status: str) -> bool:
    """Apply a Hold change; True when the document is leaving hold now."""
    f = node["fields"]
    hold = bool(f.get("Hold"))
    if old is None:
        f["Status"] = "On Hold" if hold else open_status
        return not hold
    status = old["fields"].get("Status")
    was_held = bool(old["fields"].get("Hold"))
    if hold and not was_held:
        if status in ("Balanced", "Pending Approval", "Rejected"):
            f["Status"] = "On Hold"
        else:
            problems.field("Hold", f"A document with the {status} status cannot be put on hold.")
    elif was_held and not hold and status in ("On Hold", "Rejected"):
        f["Status"] = open_status
        return True
    return False


class BillRules(Rules):
    entity = BILL
    number_field = "ReferenceNbr"
    sequence = "APBill"
    derived_on_read = True
    always_editable = frozenset({"ApprovedForPayment"})
    aliases = {"RemoveHold": "ReleaseFromHold"}
    locked_message = "The document has been released and cannot be edited."

    def key_defaults(self, ctx: Ctx, patch: Patch) -> None:
        if empty(patch.fields.get("Type")):
            patch.fields["Type"] = "Bill"

    def locked(self, old: dict[str, Any]) -> bool:
        return old["fields"].get("Status") in RELEASED

    def open_status(self, ctx: Ctx) -> str:
        return "Pending Approval" if ctx.setting("approvals", "Bill", default=False) else "Balanced"

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({
            "Type": "Bill", "Hold": bool(ctx.setting("hold_on_entry", "Bill", default=True)), "Status": "On Hold",
            "Date": ctx.today_stored(), "BranchID": ctx.branch or ctx.setting("default_branch", default="MAIN"),
            "CurrencyID": ctx.setting("base_currency", default="USD"), "ApprovedForPayment": False, "Amount": 0.0,
            "Balance": 0.0, "TaxTotal": 0.0, "IsTaxValid": True,
            "Project": ctx.setting("non_project_code", default="X"),
        })

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        row["fields"].update({"NonBillable": False, "CalculateDiscountsOnImport": False,
                              "Branch": node["fields"].get("BranchID")})

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        old_f = old["fields"] if old else {}
        vendor = refs.vendor(ctx, f.get("Vendor"), problems, "Vendor", blocked=("Inactive", "On Hold"))
        if vendor is not None and empty(f.get("Terms")):
            f["Terms"] = vendor.node["fields"].get("Terms")
        refs.listed(ctx, "terms", f.get("Terms"), problems, "Terms", "Terms")
        if empty(f.get("Date")):
            problems.field("Date", cannot_be_empty("Date"))
        else:
            self._dates(ctx, f, old_f, problems)
        header_project = f.get("Project")
        if not refs.non_project(ctx, header_project):
            refs.project(ctx, header_project, problems, "Project", posting=True, module="AP")
        else:
            f["Project"] = ctx.setting("non_project_code", default="X")
        self._lines(ctx, node, old, problems)
        _hold_status(ctx, "Bill", node, old, problems, self.open_status(ctx))
        if f.get("Status") not in ("On Hold",) + RELEASED:
            self._balanced(ctx, node, problems)
        if ctx.setting("duplicate_vendor_ref", default="warn") == "error" and not empty(f.get("VendorRef")):
            self._duplicate_ref(ctx, node, problems)

    def _dates(self, ctx: Ctx, f: dict[str, Any], old_f: dict[str, Any], problems: Problems) -> None:
        day = to_date(f["Date"])
        assert day is not None
        if empty(f.get("PostPeriod")) or (f.get("Date") != old_f.get("Date") and f.get("PostPeriod") == old_f.get(
                "PostPeriod")):
            f["PostPeriod"] = f"{day.month:02d}{day.year}"
        else:
            period = refs.post_period(f["PostPeriod"])
            if period is None:
                problems.field("PostPeriod", f"'{f['PostPeriod']}' is not a valid financial period.")
            else:
                f["PostPeriod"] = period
        due_sent = f.get("DueDate") is not None and f.get("DueDate") != old_f.get("DueDate")
        if not due_sent and (empty(f.get("DueDate")) or f.get("Date") != old_f.get("Date")
                             or f.get("Terms") != old_f.get("Terms")):
            f["DueDate"] = store_datetime(day + timedelta(days=refs.terms_days(ctx, f.get("Terms"))))

    def _lines(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        paths = retainage_paths(ctx.config)
        via_custom = (ctx.setting("bill_retainage", default={}) or {}).get("via_custom", True)
        apply = bool(_get(node, paths["apply"])) if via_custom else False
        default_pct = dec(_get(node, paths["percent"]))
        old_rows = {r["id"]: r for r in (old or {}).get("details", {}).get("Details", [])}
        default_account = (ctx.setting("default_accounts", default={}) or {}).get("Bill")
        total = retained = Decimal(0)
        for row in node.setdefault("details", {}).setdefault("Details", []):
            lf = row["fields"]
            p = problems.row("Details", row)
            old_row = old_rows.get(row["id"])
            old_lf = old_row["fields"] if old_row else None
            if lf.get("Amount") is not None and (old_lf is None or lf["Amount"] != old_lf.get("Amount")) and \
                    (lf.get("ExtendedCost") is None or (old_lf is not None and lf.get("ExtendedCost") ==
                                                        old_lf.get("ExtendedCost"))):
                lf["ExtendedCost"] = lf["Amount"]
            account_default = default_account
            source_pct = None
            if not empty(lf.get("POOrderNbr")):
                source = self._po_link(ctx, node, lf, p)
                if source is not None:
                    rules, sf = source
                    for mine, theirs in (("Project", rules.project_line_field), ("ProjectTask", rules.task_field),
                                         ("CostCode", "CostCode"), ("InventoryID", "InventoryID"), ("UOM", "UOM"),
                                         ("TransactionDescription", "LineDescription")):
                        if empty(lf.get(mine)) and not empty(sf.get(theirs)):
                            lf[mine] = sf[theirs]
                    account_default = sf.get("Account") or default_account
                    if dec(sf.get("RetainagePct")):
                        source_pct = dec(sf["RetainagePct"])
            lines.amounts(lf, old_lf, qty="Qty", unit="UnitCost", ext="ExtendedCost")
            lf["Amount"] = lf["ExtendedCost"]
            if f.get("Type") != "Prepayment" and empty(lf.get("Project")) and \
                    not refs.non_project(ctx, f.get("Project")):
                lf["Project"] = f["Project"]
            project = lines.project_refs(ctx, lf, p, project_field="Project", task_field="ProjectTask", module="AP")
            group = lines.account_group(ctx, lf, p, account_default, project=project)
            row.setdefault("sys", {})["group"] = group
            total += dec(lf["Amount"])
            if source_pct is not None and via_custom and _get(node, paths["apply"]) is None:
                apply = True
                _set(node, paths["apply"], True)
            if apply:
                old_custom = old_row or {"custom": {}}
                pct = _get(row, paths["line_percent"])
                if pct is None:
                    pct = float(source_pct if source_pct is not None else default_pct)
                    _set(row, paths["line_percent"], pct)
                if not 0 <= dec(pct) <= 100:
                    p.entity("The retainage percent must be between 0 and 100.")
                amount = _get(row, paths["line_amount"])
                amount_sent = amount is not None and amount != _get(old_custom, paths["line_amount"]) and \
                    pct == _get(old_custom, paths["line_percent"])
                if not amount_sent:
                    amount = money(dec(lf["Amount"]) * dec(pct) / 100)
                    _set(row, paths["line_amount"], amount)
                retained += dec(amount)
            else:
                for role in ("line_percent", "line_amount"):
                    view, name = paths[role]
                    row.get("custom", {}).get(view, {}).pop(name, None)
        if apply and not ctx.setting("features", "retainage", default=True):
            problems.entity(RETAINAGE_DISABLED)
        if apply:
            _set(node, paths["total"], money(retained))
            if f.get("Status") not in RELEASED:
                _set(node, paths["unreleased"], money(retained))
        f["TaxTotal"] = 0.0
        node["sys"]["line_total"] = money(total)
        if not ctx.setting("validate_document_totals", default=False):
            f["Amount"] = money(total)
        else:
            f["Amount"] = money(f.get("Amount"))
        if f.get("Status") not in RELEASED:
            f["Balance"] = money(dec(f["Amount"]) - retained)
        if total < 0:
            problems.field("Amount", "The document total cannot be negative. Enter the document as a debit "
                                     "adjustment.")

    def _po_link(self, ctx: Ctx, node: dict[str, Any], lf: dict[str, Any], p: Problems
                 ) -> tuple[Any, dict[str, Any]] | None:
        if empty(lf.get("POOrderType")):
            lf["POOrderType"] = "Normal"
        found = commitment_for(ctx, lf["POOrderType"], lf["POOrderNbr"])
        if found is None:
            p.field("POOrderNbr", refs.not_found_in_system("PO Number"))
            return None
        rules, _, doc = found
        df = doc.node["fields"]
        if str(df.get(rules.vendor_field) or "").casefold() != str(node["fields"].get("Vendor") or "").casefold():
            p.field("POOrderNbr", f"The {lf['POOrderNbr']} document belongs to another vendor.")
            return None
        if df.get("Status") not in ("Open", "Completed", "Closed"):
            p.field("POOrderNbr", f"The {lf['POOrderNbr']} document has the {df.get('Status')} status and cannot be "
                                  f"billed.")
            return None
        if not lf.get("POLine"):
            p.field("POLine", cannot_be_empty("PO Line"))
            return None
        for row in doc.node.get("details", {}).get("Details", []):
            if int(row["fields"].get("LineNbr") or 0) == int(lf["POLine"]):
                return rules, row["fields"]
        p.field("POLine", refs.not_found_in_system("PO Line"))
        return None

    def _balanced(self, ctx: Ctx, node: dict[str, Any], problems: Problems) -> None:
        f = node["fields"]
        if ctx.setting("validate_document_totals", default=False) and \
                money(f.get("Amount")) != money(node["sys"].get("line_total")):
            problems.field("Amount", "The document is out of balance.")

    def _duplicate_ref(self, ctx: Ctx, node: dict[str, Any], problems: Problems) -> None:
        f = node["fields"]
        for other in ctx.book.iter(BILL):
            of = other.node["fields"]
            if other.node["id"] != node["id"] and of.get("Status") != "Voided" and \
                    str(of.get("Vendor") or "").casefold() == str(f.get("Vendor") or "").casefold() and \
                    str(of.get("VendorRef") or "").casefold() == str(f["VendorRef"]).casefold():
                problems.field("VendorRef", f"The document with the {f['VendorRef']} vendor reference number already "
                                            f"exists for the {f['Vendor']} vendor.")
                return

    def view(self, ctx: Ctx, stored: Stored) -> dict[str, Any]:
        applications = stored.node.get("sys", {}).get("applications", [])
        raised = stored.node.get("sys", {}).get("retainage_documents", [])
        if not applications and not raised:
            return stored.node
        node = copy(stored.node)
        node.setdefault("details", {})["Applications"] = [
            {"id": str(uuid.uuid5(uuid.UUID(node["id"]), f"{a['DocType']}|{a['ReferenceNbr']}")),
             "fields": dict(a), "details": {}, "links": {}, "custom": {}, "note": ""}
            for a in applications
        ]
        # The retainage bills ReleaseRetainage raised, as 25.200.001's RetainageDocuments detail shows them.
        rows = []
        for doc_type, number in raised:
            found = ctx.book.by_keys(BILL, [doc_type, number])
            if found is None:
                continue
            f = found.node["fields"]
            rows.append({"id": str(uuid.uuid5(uuid.UUID(node["id"]), f"retainage|{doc_type}|{number}")),
                         "fields": {"DocType": doc_type, "ReferenceNbr": number, "Date": f.get("Date"),
                                    "PostPeriod": f.get("PostPeriod"), "Status": f.get("Status"),
                                    "Amount": f.get("Amount"), "Balance": f.get("Balance")},
                         "details": {}, "links": {}, "custom": {}, "note": ""})
        node["details"]["RetainageDocuments"] = rows
        return node

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        if stored.node["fields"].get("Status") in RELEASED:
            raise errors.server_error("The document cannot be deleted because it has been released.")

    # -- actions --------------------------------------------------------------------------------

    def act_PutOnHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("Balanced", "Pending Approval", "Rejected"):
            raise errors.action_disabled("Hold")
        node["fields"].update({"Hold": True, "Status": "On Hold"})

    def act_ReleaseFromHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("On Hold", "Rejected"):
            raise errors.action_disabled("Remove Hold")
        old = copy(node)
        old["fields"].update({"Hold": True})
        node["fields"]["Hold"] = False
        self.validate(ctx, node, old, p)

    def act_Approve(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Pending Approval", "Balanced", "Approve")

    def act_Reject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Pending Approval", "Rejected", "Reject")

    def act_ReleaseBill(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") != "Balanced":
            raise errors.action_disabled("Release")
        self.validate(ctx, node, copy(node), p)
        if p.any():
            return
        sign = Decimal(-1) if f.get("Type") == "Debit Adj." else Decimal(1)
        retainage_doc = bool(node["sys"].get("retainage_of"))
        if not retainage_doc:
            self._post_costs(ctx, node, sign)
            for row in node["details"].get("Details", []):
                lf = row["fields"]
                if empty(lf.get("POOrderNbr")):
                    continue
                found = commitment_for(ctx, lf["POOrderType"], lf["POOrderNbr"])
                if found is not None:
                    rules, _, doc = found
                    rules.bill_line(ctx, doc, int(lf["POLine"]), dec(lf["Amount"]) * sign, dec(lf.get("Qty")) * sign)
        f["Status"] = "Open" if dec(f.get("Balance")) else "Closed"
        paths = retainage_paths(ctx.config)
        if _get(node, paths["apply"]):
            _set(node, paths["unreleased"], _get(node, paths["total"]) or 0.0)

    def _post_costs(self, ctx: Ctx, node: dict[str, Any], sign: Decimal) -> None:
        f = node["fields"]
        tran = new_node()
        tran["sys"]["system"] = True
        tran["fields"] = {"Module": "AP", "Status": "Released", "OriginalDocType": f.get("Type"),
                          "OriginalDocNbr": f.get("ReferenceNbr"), "Description": f.get("Description") or "",
                          "TotalQty": 0.0, "TotalBillableQty": 0.0}
        rows = []
        total = qty_total = Decimal(0)
        for row in node["details"].get("Details", []):
            lf = row["fields"]
            if refs.non_project(ctx, lf.get("Project")):
                continue
            group = row.get("sys", {}).get("group")
            group_row = find(ctx, "AccountGroup", group)
            amount, qty = dec(lf["Amount"]) * sign, dec(lf.get("Qty")) * sign
            tran_row = new_node()
            tran_row.pop("files")
            tran_row.pop("sys")
            tran_row["fields"] = {
                "TransactionID": ctx.book.next_number("PMTran"), "Project": lf["Project"],
                "ProjectTask": lf.get("ProjectTask"), "CostCode": lf.get("CostCode"), "AccountGroup": group,
                "AccountGroupDescription": group_row.node["fields"].get("Description") if group_row else None,
                "Amount": money(amount), "Qty": float(qty), "BillableQty": float(qty), "Billable": not lf.get(
                    "NonBillable"), "Date": f.get("Date"), "FinPeriod": f.get("PostPeriod"),
                "Description": lf.get("TransactionDescription") or f.get("Description"),
                "DebitAccount": lf.get("Account"), "VendorOrCustomer": f.get("Vendor"), "Released": True,
                "Allocated": False, "Billed": False, "InventoryID": lf.get("InventoryID"),
                "Branch": f.get("BranchID"),
            }
            tran_row["fields"] = {k: v for k, v in tran_row["fields"].items() if v is not None}
            rows.append(tran_row)
            total += amount
            qty_total += qty
        if not rows:
            return
        tran["details"]["Details"] = rows
        tran["fields"].update({"TotalAmount": money(total), "TotalQty": float(qty_total),
                               "TotalBillableQty": float(qty_total)})
        write(ctx, PROJECT_TRANSACTION, tran, None)

    def act_ReleaseRetainage(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") not in ("Open", "Closed"):
            raise errors.action_disabled("Release Retainage")
        paths = retainage_paths(ctx.config)
        unreleased = dec(_get(node, paths["unreleased"]))
        if not _get(node, paths["apply"]) or unreleased <= 0:
            raise errors.server_error("The document has no unreleased retainage.")
        amount = dec(params["AmtToRelease"]) if params.get("AmtToRelease") is not None else unreleased
        if amount <= 0:
            raise errors.server_error("The amount to release must be greater than zero.")
        if amount > unreleased:
            raise errors.server_error(f"The amount to release cannot exceed the unreleased retainage amount "
                                      f"({money(unreleased):.2f}).")
        day = to_date(params.get("Date")) or ctx.today
        retainage_bill = new_node()
        retainage_bill["sys"]["retainage_of"] = f"{f['Type']}|{f['ReferenceNbr']}"
        retainage_bill["fields"] = {
            "Type": "Bill", "ReferenceNbr": "<NEW>", "Vendor": f.get("Vendor"), "Terms": f.get("Terms"),
            "Date": store_datetime(day), "Hold": False, "Status": "Balanced", "BranchID": f.get("BranchID"),
            "CurrencyID": f.get("CurrencyID"), "VendorRef": f.get("VendorRef"), "Project": f.get("Project"),
            "Description": f"Retainage release for {f['Type']} {f['ReferenceNbr']}", "ApprovedForPayment": False,
            "TaxTotal": 0.0, "IsTaxValid": True,
        }
        if params.get("PostPeriod"):
            period = refs.post_period(params["PostPeriod"])
            if period is None:
                raise errors.server_error(f"'{params['PostPeriod']}' is not a valid financial period.")
            retainage_bill["fields"]["PostPeriod"] = period
        retainage_bill["custom"] = {"Document": {"IsRetainageDocument": True, "OrigRefNbr": f["ReferenceNbr"]}}
        rows = []
        source_rows = [r for r in node["details"].get("Details", []) if dec(_get(r, paths["line_amount"]))]
        total_retained = sum((dec(_get(r, paths["line_amount"])) for r in source_rows), Decimal(0))
        remaining = amount
        for i, row in enumerate(source_rows):
            share = remaining if i == len(source_rows) - 1 else \
                Decimal(str(money(amount * dec(_get(row, paths["line_amount"])) / total_retained)))
            remaining -= share
            lf = row["fields"]
            new_row = new_node()
            new_row.pop("files")
            new_row["fields"] = {k: lf[k] for k in ("Project", "ProjectTask", "CostCode", "Account", "Branch",
                                                    "TransactionDescription") if lf.get(k) is not None}
            new_row["fields"].update({"Qty": 1.0, "UnitCost": money(share), "ExtendedCost": money(share),
                                      "Amount": money(share), "NonBillable": True})
            new_row["sys"] = {"group": row.get("sys", {}).get("group")}
            rows.append(new_row)
        retainage_bill["details"]["Details"] = rows
        retainage_bill["fields"]["Amount"] = money(amount)
        retainage_bill["fields"]["Balance"] = money(amount)
        check = Problems(BILL, True)
        self._dates(ctx, retainage_bill["fields"], {}, check)
        if (ctx.setting("bill_retainage", default={}) or {}).get("release_documents", False):
            retainage_bill["fields"]["Status"] = "Open"
        raised = write(ctx, BILL, retainage_bill, None).node["fields"]
        node.setdefault("sys", {}).setdefault("retainage_documents", []).append(
            [raised["Type"], raised["ReferenceNbr"]])
        _set(node, paths["unreleased"], money(unreleased - amount))

    def act_ReverseBill(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") not in ("Open", "Closed") or node["sys"].get("reversed_by"):
            raise errors.action_disabled("Reverse")
        reversal = copy(node)
        reversal["id"] = new_node()["id"]
        reversal["files"] = []
        reversal["sys"] = {"reverses": f"{f['Type']}|{f['ReferenceNbr']}"}
        for row in reversal["details"].get("Details", []):
            row["id"] = new_node()["id"]
        reversal["details"].pop("Applications", None)
        hold = bool(ctx.setting("hold_on_entry", "Bill", default=True))
        reversal["fields"].update({
            "Type": "Debit Adj." if f.get("Type") != "Debit Adj." else "Bill", "ReferenceNbr": "<NEW>",
            "Hold": hold, "Status": "On Hold" if hold else self.open_status(ctx), "Date": ctx.today_stored(),
            "Description": f"Reversal of {f['Type']} {f['ReferenceNbr']}",
        })
        paths = retainage_paths(ctx.config)
        if _get(reversal, paths["apply"]):
            _set(reversal, paths["unreleased"], _get(reversal, paths["total"]) or 0.0)
        reversal["fields"]["Balance"] = money(dec(reversal["fields"]["Amount"]) -
                                              dec(_get(reversal, paths["total"])))
        self._dates(ctx, reversal["fields"], {}, Problems(BILL, True))
        out = write(ctx, BILL, reversal, None)
        node["sys"]["reversed_by"] = f"{out.node['fields']['Type']}|{out.node['fields']['ReferenceNbr']}"


class CheckRules(Rules):
    entity = CHECK
    number_field = "ReferenceNbr"
    sequence = "APPayment"
    derived_on_read = True
    aliases = {"RemoveHold": "ReleaseFromHold"}
    locked_message = "The document has been released and cannot be edited."

    def key_defaults(self, ctx: Ctx, patch: Patch) -> None:
        if empty(patch.fields.get("Type")):
            patch.fields["Type"] = "Payment"

    def locked(self, old: dict[str, Any]) -> bool:
        return old["fields"].get("Status") in RELEASED

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({
            "Type": "Payment", "Hold": bool(ctx.setting("hold_on_entry", "Check", default=True)), "Status": "On Hold",
            "ApplicationDate": ctx.today_stored(), "CurrencyID": ctx.setting("base_currency", default="USD"),
            "UnappliedBalance": 0.0,
        })

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        row["fields"].update({"DocType": "Bill", "CashDiscountBalance": 0.0})

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        if old is None and f.get("Type") not in ("Payment", "Prepayment") and not node["sys"].get("system"):
            problems.field("Type", f"A document of the {f.get('Type')} type cannot be entered on this form.")
        vendor = refs.vendor(ctx, f.get("Vendor"), problems, "Vendor", blocked=("Inactive", "On Hold", "Hold Payments"))
        if vendor is not None:
            vf = vendor.node["fields"]
            if empty(f.get("PaymentMethod")):
                f["PaymentMethod"] = vf.get("PaymentMethod")
            if empty(f.get("CashAccount")):
                f["CashAccount"] = vf.get("CashAccount")
        for name, setting, label in (("PaymentMethod", "payment_methods", "Payment Method"),
                                     ("CashAccount", "cash_accounts", "Cash Account")):
            if empty(f.get(name)):
                problems.field(name, cannot_be_empty(label))
            else:
                refs.listed(ctx, setting, f[name], problems, name, label)
        applied = self._applications(ctx, node, problems)
        if f.get("PaymentAmount") is None:
            f["PaymentAmount"] = money(applied)
        f["PaymentAmount"] = money(f["PaymentAmount"])
        if dec(f["PaymentAmount"]) < 0:
            problems.field("PaymentAmount", "The payment amount cannot be negative.")
        elif applied > dec(f["PaymentAmount"]):
            problems.field("PaymentAmount", "The total amount applied exceeds the payment amount.")
        if f.get("Status") not in RELEASED:
            f["UnappliedBalance"] = money(dec(f["PaymentAmount"]) - applied)
        leaving = _hold_status(ctx, "Check", node, old, problems, "Balanced")
        if leaving and not dec(f["PaymentAmount"]):
            problems.field("PaymentAmount", "The payment amount must be greater than zero.")

    def _applications(self, ctx: Ctx, node: dict[str, Any], problems: Problems) -> Decimal:
        f = node["fields"]
        rows = node.setdefault("details", {}).setdefault("Details", [])
        if rows and f.get("Type") == "Prepayment":
            problems.entity("A prepayment cannot be applied to documents before it is released.")
        seen: set[tuple[str, str]] = set()
        applied = Decimal(0)
        for row in rows:
            lf = row["fields"]
            p = problems.row("Details", row)
            if empty(lf.get("DocType")):
                lf["DocType"] = "Bill"
            if empty(lf.get("ReferenceNbr")):
                p.field("ReferenceNbr", cannot_be_empty("Reference Nbr."))
                continue
            ident = (str(lf["DocType"]).casefold(), str(lf["ReferenceNbr"]).casefold())
            if ident in seen:
                p.field("ReferenceNbr", "The document is already applied in this payment.")
            seen.add(ident)
            doc = find(ctx, "Bill", lf["DocType"], lf["ReferenceNbr"])
            df = doc.node["fields"] if doc else {}
            if doc is None or df.get("Status") != "Open" or \
                    str(df.get("Vendor") or "").casefold() != str(f.get("Vendor") or "").casefold():
                if f.get("Status") not in RELEASED:
                    p.field("ReferenceNbr", refs.not_found_in_system("Reference Nbr."))
                    continue
            balance = dec(df.get("Balance"))
            if lf.get("AmountPaid") is None:
                lf["AmountPaid"] = money(balance)
            paid = dec(lf["AmountPaid"])
            lf["AmountPaid"] = money(paid)
            if paid < 0:
                p.field("AmountPaid", "The amount paid cannot be negative.")
            elif paid > balance and f.get("Status") not in RELEASED:
                p.field("AmountPaid", "The amount paid cannot be greater than the balance of the document.")
            if f.get("Status") not in RELEASED:
                lf["Balance"] = money(balance - paid)
            lf.setdefault("CashDiscountBalance", 0.0)
            applied += -paid if lf["DocType"] == "Debit Adj." else paid
        return applied

    def view(self, ctx: Ctx, stored: Stored) -> dict[str, Any]:
        history = stored.node.get("sys", {}).get("history", [])
        if not history:
            return stored.node
        node = copy(stored.node)
        node.setdefault("details", {})["History"] = [
            {"id": str(uuid.uuid5(uuid.UUID(node["id"]), f"h|{i}")), "fields": dict(h), "details": {}, "links": {},
             "custom": {}, "note": ""}
            for i, h in enumerate(history)
        ]
        return node

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        if stored.node["fields"].get("Status") in RELEASED:
            raise errors.server_error("The document cannot be deleted because it has been released.")

    def act_PutOnHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") != "Balanced":
            raise errors.action_disabled("Hold")
        node["fields"].update({"Hold": True, "Status": "On Hold"})

    def act_ReleaseFromHold(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") != "On Hold":
            raise errors.action_disabled("Remove Hold")
        old = copy(node)
        node["fields"]["Hold"] = False
        self.validate(ctx, node, old, p)

    def act_ReleaseCheck(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") != "Balanced":
            raise errors.action_disabled("Release")
        self.validate(ctx, node, copy(node), p)
        if p.any():
            return
        history = []
        for row in node["details"].get("Details", []):
            lf = row["fields"]
            doc = find(ctx, "Bill", lf["DocType"], lf["ReferenceNbr"])
            assert doc is not None
            paid = dec(lf["AmountPaid"])
            df = doc.node["fields"]
            df["Balance"] = money(dec(df["Balance"]) - paid)
            if not dec(df["Balance"]):
                df["Status"] = "Closed"
            doc.node.setdefault("sys", {}).setdefault("applications", []).append({
                "DocType": f["Type"], "ReferenceNbr": f["ReferenceNbr"], "AmountPaid": money(paid),
                "Balance": df["Balance"], "Status": "Closed" if f.get("Type") != "Prepayment" else "Open",
            })
            write(ctx, BILL, doc.node, doc)
            history.append({"DocType": lf["DocType"], "ReferenceNbr": lf["ReferenceNbr"], "AmountPaid": money(paid),
                            "Balance": df["Balance"], "CashDiscountBalance": 0.0, "CashDiscountTaken": 0.0,
                            "VendorRef": df.get("VendorRef")})
        node["sys"]["history"] = history
        f["Status"] = "Open" if dec(f.get("UnappliedBalance")) else "Closed"

    def act_VoidCheck(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        f = node["fields"]
        if f.get("Status") not in ("Open", "Closed") or f.get("Type") not in ("Payment", "Prepayment"):
            raise errors.action_disabled("Void")
        for entry in node["sys"].get("history", []):
            doc = find(ctx, "Bill", entry["DocType"], entry["ReferenceNbr"])
            if doc is None:
                continue
            df = doc.node["fields"]
            df["Balance"] = money(dec(df.get("Balance")) + dec(entry["AmountPaid"]))
            if df.get("Status") == "Closed" and dec(df["Balance"]):
                df["Status"] = "Open"
            doc.node.setdefault("sys", {}).setdefault("applications", []).append({
                "DocType": "Voided Payment", "ReferenceNbr": f["ReferenceNbr"],
                "AmountPaid": -float(dec(entry["AmountPaid"])), "Balance": df["Balance"], "Status": "Closed",
            })
            write(ctx, BILL, doc.node, doc)
        voided = new_node()
        voided["sys"] = {"system": True, "keep_number": True}
        voided["fields"] = {k: v for k, v in f.items() if k not in ("Status", "LastModifiedDateTime")}
        voided["fields"].update({"Type": "Voided Payment", "Status": "Closed", "Hold": False,
                                 "ApplicationDate": ctx.today_stored(), "UnappliedBalance": 0.0,
                                 "PaymentAmount": -float(dec(f.get("PaymentAmount")))})
        write(ctx, CHECK, voided, None)
        f["Status"] = "Voided"


register(BillRules())
register(CheckRules())

"""The JSON shape of each object as Procore's v1.0 API answers it (field names from the reference, Part B1.2).

Every object in the ERP Integrations workflow also carries its ``erp_status``.
"""

from __future__ import annotations

from typing import Any

from sync_core import objects as o
from sync_core.values import money


def _money(value: Any) -> str:
    return f"{money(value or 0):.2f}"


def origin(item: o.Entity) -> dict[str, Any]:
    body: dict[str, Any] = {"origin_id": item.origin_id, "origin_data": item.data.get("origin_data") or None,
                            "origin_code": item.data.get("origin_code")}
    if item.erp_object is not None:
        body["erp_status"] = item.erp_status.value
    return body


def company_ref(company_id: int, name: str) -> dict[str, Any]:
    return {"id": company_id, "name": name}


def project(p: o.Project, company_id: int) -> dict[str, Any]:
    d = p.data
    return {"id": p.id, "name": d["name"], "display_name": f"{d.get('project_number') or ''} - {d['name']}".strip(" -"),
            "project_number": d.get("project_number"), "address": d.get("address"), "city": d.get("city"),
            "state_code": d.get("state"), "zip": d.get("zip"), "country_code": "US",
            "start_date": d.get("start_date"), "completion_date": d.get("completion_date"),
            "description": d.get("description"), "active": bool(d.get("active", True)),
            "is_active": bool(d.get("active", True)), "status_name": "Active" if d.get("active", True) else "Inactive",
            "accounting_project_number": p.erp_job_id, "company": company_ref(company_id, p.company.name),
            **origin(p)}


def vendor(v: o.Vendor) -> dict[str, Any]:
    d = v.data
    return {"id": v.id, "name": d["name"], "abbreviated_name": d.get("abbreviated_name"), "address": d.get("address"),
            "city": d.get("city"), "state_code": d.get("state"), "zip": d.get("zip"), "country_code": "US",
            "business_phone": d.get("business_phone"), "fax_number": d.get("business_fax"),
            "email_address": d.get("email_address"), "website": d.get("website"),
            "is_active": bool(d.get("is_active", True)), "synced_to_erp": v.synced,
            "erp_vendor_id": v.erp_vendor_id, **origin(v)}


def line_item_type(t: o.CostType) -> dict[str, Any]:
    return {"id": t.id, "name": t.data["name"], "code": t.data["code"], "base_type": t.data.get("base_type"),
            "origin_id": t.origin_id, "origin_data": t.data.get("origin_data") or None}


def standard_cost_code(c: o.StandardCostCode, list_id: int) -> dict[str, Any]:
    code = c.data["code"]
    return {"id": c.id, "code": code, "name": c.data["description"], "full_code": code,
            "standard_cost_code_list_id": list_id, "division": c.division, "origin_id": c.origin_id,
            "line_item_types": list(c.data.get("cost_types") or [])}


def cost_code(c: o.ProjectCostCode) -> dict[str, Any]:
    sub = c.data.get("sub_job")
    return {"id": c.id, "code": c.code, "name": c.description, "full_code": c.code,
            "long_name": f"{c.code} - {c.description}", "position": c.id, "sub_job_id": sub,
            "line_item_types": c.cost_type_codes, "origin_id": c.origin_id,
            "origin_data": c.data.get("origin_data") or None, "project_id": c.parent_id}


def sub_job(s: o.SubJob) -> dict[str, Any]:
    return {"id": s.id, "code": s.code, "name": s.data["name"], "project_id": s.parent_id, **origin(s)}


def budget_line_item(line: o.BudgetLine, project_id: int) -> dict[str, Any]:
    d = line.data
    return {"id": line.id, "project_id": project_id, "cost_code": {"code": d["cost_code"]},
            "line_item_type": {"code": d["cost_type"]}, "sub_job_id": d.get("sub_job"),
            "wbs_code": {"flat_code": f"{d['cost_code']}.{d['cost_type']}"},
            "original_budget_amount": _money(line.amount), "approved_budget_changes": _money(line.approved_changes),
            "revised_budget": _money(line.revised_budget), "direct_costs": _money(line.direct_costs),
            "job_to_date_costs": _money(line.jtd_cost), "description": d.get("description") or "",
            "calculation_strategy": "automatic", "origin_id": line.origin_id, "in_erp": line.in_erp}


def commitment_line(line: o.CommitmentLine) -> dict[str, Any]:
    d = line.data
    return {"id": line.id, "contract_id": line.parent_id, "amount": _money(line.amount),
            "total_amount": _money(line.amount), "extended_amount": _money(line.amount),
            "cost_code": {"code": d["cost_code"]}, "line_item_type": {"code": d["cost_type"]},
            "wbs_code": {"flat_code": f"{d['cost_code']}.{d['cost_type']}"}, "sub_job_id": d.get("sub_job"),
            "description": d.get("description") or "", "quantity": None if d.get("quantity") is None
            else str(d["quantity"]), "unit_cost": None if d.get("unit_cost") is None else str(d["unit_cost"]),
            "uom": d.get("uom"), "position": line.id, "origin_id": line.origin_id,
            "origin_data": d.get("origin_data") or None}


def commitment(c: o.Commitment, *, lines: bool = True) -> dict[str, Any]:
    d = c.data
    v = c.vendor
    body = {"id": c.id, "project": {"id": c.parent_id}, "number": d["number"], "title": d.get("title"),
            "status": d.get("status"), "executed": d.get("status") in ("Approved", "Complete"),
            "vendor": None if v is None else {"id": v.id, "company": v.data["name"]},
            "retainage_percent": str(c.default_retainage or 0), "accounting_method": d.get("accounting_method"),
            "description": d.get("description"), "contract_date": d.get("contract_date"),
            "grand_total": _money(c.grand_total), "approved_change_orders": _money(c.approved_change_orders),
            "revised_contract": _money(c.revised_contract), "type": "WorkOrderContract"
            if d["type"] == "subcontract" else "PurchaseOrderContract", **origin(c)}
    if lines:
        body["line_items"] = [commitment_line(line) for line in c.lines]
    return body


def change_order(co: o.ChangeOrder) -> dict[str, Any]:
    d = co.data
    return {"id": co.id, "contract_id": co.parent_id, "number": d.get("number"), "title": d.get("title"),
            "description": d.get("description"), "status": d.get("status"), "grand_total": _money(co.total),
            "created_date": d.get("created_date"),
            "line_items": [{"id": ln.id, "amount": _money(ln.amount), "cost_code": {"code": ln.data.get("cost_code")},
                            "line_item_type": {"code": ln.data.get("cost_type")},
                            "description": ln.data.get("description") or "",
                            "commitment_line_item_id": ln.data.get("commitment_line")} for ln in co.lines],
            **origin(co)}


def prime_contract(pc: o.PrimeContract) -> dict[str, Any]:
    d = pc.data
    return {"id": pc.id, "project": {"id": pc.parent_id}, "number": d.get("number"), "title": d.get("title"),
            "description": d.get("description"), "status": d.get("status"),
            "retainage_percent": str(d.get("retainage_percent") or 0), "contract_date": d.get("contract_date"),
            "grand_total": _money(pc.total),
            "line_items": [{"id": ln.id, "description": ln.data.get("description"), "amount": _money(ln.amount),
                            "cost_code": {"code": ln.data.get("cost_code")},
                            "line_item_type": {"code": ln.data.get("cost_type")}, "origin_id": ln.origin_id}
                           for ln in pc.lines], **origin(pc)}


def pcco(co: o.Pcco) -> dict[str, Any]:
    d = co.data
    return {"id": co.id, "contract_id": co.parent_id, "number": d.get("number"), "title": d.get("title"),
            "description": d.get("description"), "status": d.get("status"), "grand_total": _money(co.total),
            "date": d.get("date"), **origin(co)}


def contract_item(line: o.InvoiceLine) -> dict[str, Any]:
    d = line.data
    return {"id": line.id, "requisition_id": line.parent_id, "commitment_line_item_id": d["commitment_line"],
            "description": d.get("description") or "",
            "work_completed_this_period": _money(line.work_completed_this_period),
            "materials_presently_stored": _money(line.materials_presently_stored),
            "work_completed_retainage_retained_this_period": _money(line.work_retainage_this_period),
            "materials_stored_retainage_currently_retained": _money(line.materials_retainage_this_period),
            "work_completed_retainage_released_this_period": _money(line.work_retainage_released),
            "materials_stored_retainage_released_this_period": _money(line.materials_retainage_released),
            "origin_id": line.origin_id}


def g702(inv: o.Invoice) -> dict[str, Any]:
    commitment = inv.commitment
    previous = sum((i.current_payment_due for i in inv._previous()), o.ZERO)
    earned = inv.total_completed_and_stored_to_date - inv.total_retainage
    return {"original_contract_sum": _money(commitment.grand_total),
            "net_change_by_change_orders": _money(commitment.approved_change_orders),
            "contract_sum_to_date": _money(commitment.revised_contract),
            "total_completed_and_stored_to_date": _money(inv.total_completed_and_stored_to_date),
            "total_retainage": _money(inv.total_retainage), "total_earned_less_retainage": _money(earned),
            "less_previous_certificates_for_payment": _money(previous),
            "current_payment_due": _money(inv.current_payment_due),
            "balance_to_finish_including_retainage": _money(commitment.revised_contract - earned)}


def requisition(inv: o.Invoice) -> dict[str, Any]:
    d = inv.data
    commitment = inv.commitment
    vendor = commitment.vendor
    return {"id": inv.id, "commitment_id": inv.parent_id, "project_id": commitment.parent_id,
            "invoice_number": d["invoice_number"], "number": inv.id, "billing_date": d.get("billing_date"),
            "period_start": d.get("period_start"), "period_end": d.get("period_end"), "status": d.get("status"),
            "commitment_type": "WorkOrderContract" if commitment.data["type"] == "subcontract"
            else "PurchaseOrderContract", "vendor_name": None if vendor is None else vendor.data["name"],
            "total_claimed_amount": _money(inv.amount_this_period), "summary": g702(inv), **origin(inv)}


def direct_cost(dc: o.DirectCost) -> dict[str, Any]:
    d = dc.data
    return {"id": dc.id, "project_id": dc.parent_id, "direct_cost_type": d["direct_cost_type"],
            "status": d.get("status"), "vendor_id": d.get("vendor"), "vendor_name": d.get("vendor_name"),
            "invoice_number": d.get("invoice_number"), "direct_cost_date": d.get("date"),
            "received_date": d.get("received_date"), "payment_date": d.get("payment_date"), "terms": d.get("terms"),
            "description": d.get("description"), "grand_total": _money(dc.grand_total),
            "line_items": dc.line_items, "attachments": list(d.get("attachments") or []), "origin_id": dc.origin_id,
            "origin_data": d.get("origin_data") or None}


def payment(pay: o.CommitmentPayment) -> dict[str, Any]:
    d = pay.data
    return {"id": pay.id, "contract_id": pay.parent_id, "requisition_id": d.get("invoice"),
            "invoice_number": d.get("invoice_number"), "check_number": d.get("check_number"),
            "payment_method": d.get("payment_method"), "amount": _money(pay.amount), "date": d.get("date"),
            "origin_id": pay.origin_id, "origin_data": d.get("origin_data") or None}

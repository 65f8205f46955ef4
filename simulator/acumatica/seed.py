"""Lay an ERP-neutral dataset into Acumatica records.

Everything goes through the same save pipeline a PUT uses, so seeded data
obeys the rules a client's data must. The mapping follows how Procore's
connector meets Acumatica: cost types are account groups, each project has a
default task ``0000`` that carries the cost budget (cost code x account group),
and the prime contract is one summarized revenue line.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from simulator.acumatica import rules
from simulator.acumatica.entities import ENTITIES, VERSIONS
from simulator.acumatica.models import Book
from simulator.acumatica.wire import Reader
from simulator.datasets import Dataset
from simulator.store import Records

DEFAULT_TASK = "0000"
REVENUE_GROUP = "REVENUE"


def _wrap(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, dict):
            out[key] = _wrap(value)
        elif isinstance(value, list):
            out[key] = [_wrap(v) for v in value]
        else:
            out[key] = {"value": value}
    return out


def seed(records: Records, dataset: Dataset, config: dict[str, Any]) -> None:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    version = VERSIONS[-1]
    ctx = rules.Ctx(book=Book(records), config=config, now=now, today=now.date(), version=version,
                    branch=str(config.get("default_branch", "MAIN")), user="admin")

    def put(entity: str, values: dict[str, Any]) -> None:
        ent = ENTITIES[entity]
        reader = Reader(version, strict=True)
        patch = reader.entity(ent, _wrap(values))
        reader.check()
        rule = rules.rules_for(entity)
        assert rule is not None
        rule.key_defaults(ctx, patch)
        keys = [patch.fields.get(k) for k in ent.keys]
        existing = ctx.book.by_keys(ent, keys) if all(k is not None for k in keys) else None
        try:
            rules.save(ctx, ent, patch, existing)
        except rules.Rejected as exc:
            raise ValueError(f"seed data for {entity} {keys} breaks a rule: {exc.problems.echo()}") from exc

    put("AccountGroup", {"AccountGroupID": REVENUE_GROUP, "Description": "Contract Revenue", "Type": "Income",
                         "SortOrder": 1})
    for i, cost_type in enumerate(dataset.cost_types):
        put("AccountGroup", {"AccountGroupID": _group(cost_type["id"]), "Description": cost_type["name"],
                             "Type": "Expense", "SortOrder": 10 + i})
    put("CostCode", {"CostCodeID": config.get("default_cost_code", "00-000"), "Description": "Default"})
    for code in dataset.cost_codes:
        put("CostCode", {"CostCodeID": code["code"], "Description": code["name"]})

    for v in dataset.vendors:
        put("Vendor", {
            "VendorID": v["id"], "VendorName": v["name"], "LegalName": v["name"],
            "Status": "Active" if v.get("active", True) else "Inactive",
            "TaxRegistrationID": v.get("tax_id"), "F1099Vendor": bool(v.get("tax_id")),
            "MainContact": {"DisplayName": v["name"], "CompanyName": v["name"], "Attention": v.get("contact"),
                            "Email": v.get("email"), "Phone1": v.get("phone"), "Phone1Type": "Business 1",
                            "Address": _address(v)},
        })
    for c in dataset.customers:
        put("Customer", {
            "CustomerID": c["id"], "CustomerName": c["name"], "Email": c.get("email"),
            "MainContact": {"DisplayName": c["name"], "CompanyName": c["name"], "Attention": c.get("contact"),
                            "Email": c.get("email"), "Phone1": c.get("phone"), "Phone1Type": "Business 1",
                            "Address": _address(c)},
        })

    tasks_by_project: dict[str, list[dict[str, Any]]] = {}
    for task in dataset.project_tasks:
        tasks_by_project.setdefault(task["project_id"], []).append(task)
    for p in dataset.projects:
        active = p.get("status", "active") == "active"
        put("Project", {
            "ProjectID": p["id"], "Description": p["name"], "Customer": p.get("customer_id"), "Hold": not active,
            "ProjectProperties": {"StartDate": p.get("start_date"), "EndDate": p.get("end_date"),
                                  "ChangeOrderWorkflow": True},
            "ProjectAddress": {"AddressLine1": p.get("address"), "City": p.get("city"), "State": p.get("state"),
                               "PostalCode": p.get("zip"), "Country": "US"},
        })
        put("ProjectTask", {"ProjectID": p["id"], "ProjectTaskID": DEFAULT_TASK, "Description": "General",
                            "Default": True})
        for task in tasks_by_project.get(p["id"], []):
            for cost_type in task.get("cost_types", []):
                put("ProjectBudget", {
                    "ProjectID": p["id"], "ProjectTaskID": DEFAULT_TASK, "AccountGroup": _group(cost_type),
                    "CostCode": task["cost_code"], "Description": f"{task['name']} - {cost_type}",
                    "OriginalBudgetedAmount": 0.0,
                })
        if p.get("contract_amount"):
            put("ProjectBudget", {
                "ProjectID": p["id"], "ProjectTaskID": DEFAULT_TASK, "AccountGroup": REVENUE_GROUP,
                "CostCode": config.get("default_cost_code", "00-000"), "Description": "Prime contract",
                "OriginalBudgetedAmount": float(p["contract_amount"]),
            })


def _group(cost_type: str) -> str:
    return str(cost_type).upper().replace(" ", "")


def _address(row: dict[str, Any]) -> dict[str, Any]:
    return {"AddressLine1": row.get("address"), "City": row.get("city"), "State": row.get("state"),
            "PostalCode": row.get("zip"), "Country": "US"}

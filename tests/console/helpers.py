"""Driving the console's forms from tests as a browser would: post, follow the redirect, read the message."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from starlette.testclient import TestClient


class Console:
    def __init__(self, client: TestClient, seat: str = "demo") -> None:
        self.client = client
        self.seat = f"/seats/{seat}"

    def post(self, path: str, data: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """(where the redirect goes, the message it left)."""
        url = path if path.startswith("/seats") else self.seat + path
        answer = self.client.post(url, data=data or {}, follow_redirects=False)
        assert answer.status_code == 303, f"{url} answered {answer.status_code}: {answer.text[:500]}"
        raw = self.client.cookies.get("erpsim_flash")
        self.client.cookies.delete("erpsim_flash")
        return answer.headers["location"], json.loads(unquote(raw)) if raw else {}

    def ok(self, path: str, data: dict[str, Any] | None = None) -> str:
        where, flash = self.post(path, data)
        assert flash.get("ok") and not flash.get("error"), flash
        return where

    def refused(self, path: str, data: dict[str, Any] | None = None) -> str:
        _, flash = self.post(path, data)
        assert flash.get("error"), flash
        return str(flash["error"])

    def get(self, path: str) -> str:
        url = path if path.startswith("/seats") else self.seat + path
        page = self.client.get(url)
        assert page.status_code == 200, f"{url} answered {page.status_code}"
        return page.text

    def accept_fields(self) -> list[tuple[str, str]]:
        return re.findall(r'name="field_([^"]*)" value="([^"]*)"', self.get("/erp-integrations"))

    def users(self) -> dict[str, str]:
        page = self.get("/erp-integrations")
        return {role: uid for uid, name, role in
                re.findall(r'<option value="(\d+)"[^>]*>([^<(]*) \((project manager|accounting approver)\)', page)}


def item_id(where: str) -> str:
    return where.rsplit("/", 1)[1]


def facts(page: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))


def lifecycle(console: Console, erp_ids: dict[str, str]) -> dict[str, str]:
    """The headline by clicking: project, budget, company, subcontract, change order, invoice with 10%
    retainage, all sent and accepted. Returns where each item's page is."""
    codes, ctype = erp_ids["codes"].split(","), erp_ids["type"]
    project = console.ok("/procore/new/project", {
        "name": "Riverside Library", "number": "2001", "start_date": "2026-04-01",
        "cost_codes": "\n".join(f"{c}: {ctype}" for c in codes)})
    console.ok(f"{project}/send")
    console.ok(f"/erp-integrations/projects/{item_id(project)}/accept", {"field_erp_job_id": "2001"})
    console.ok("/procore/new/budget_lines", {"parent": item_id(project), "back": project,
                                             "lines": f"{codes[0]} | {ctype} | 150000\n{codes[1]} | {ctype} | 40000"})
    budget = console.seat + re.search(r'href="/seats/[^/]+(/procore/budgets/\d+)"', console.get(project)).group(1)
    console.ok(f"{budget}/lock")
    console.ok(f"{budget}/send")
    console.ok(f"/erp-integrations/budgets/{item_id(budget)}/accept")
    vendor = console.ok("/procore/new/company", {"name": "Granite Subs Inc", "city": "Fargo"})
    console.ok(f"{vendor}/send")
    console.ok(f"/erp-integrations/vendors/{item_id(vendor)}/accept", {"field_erp_vendor_id": erp_ids["vendor"]})
    subcontract = console.ok("/procore/new/subcontract", {
        "parent": item_id(project), "company": item_id(vendor), "title": "Structural concrete", "retainage": "10",
        "lines": f"{codes[0]} | {ctype} | 120000 | Foundations\n{codes[1]} | {ctype} | 30000 | Drywall"})
    console.ok(f"{subcontract}/approve")
    console.ok(f"{subcontract}/send")
    console.ok(f"/erp-integrations/work_order_contracts/{item_id(subcontract)}/accept")
    cco = console.ok("/procore/new/change_order", {"parent": item_id(subcontract), "title": "Thicker slab",
                                                   "lines": "1 | 8000"})
    console.ok(f"{cco}/approve")
    console.ok(f"{cco}/send")
    console.ok(f"/erp-integrations/commitment_change_orders/{item_id(cco)}/accept")
    invoice = console.ok("/procore/new/invoice", {"parent": item_id(subcontract), "number": "G-1",
                                                  "billing_date": "2026-03-31", "work_completed_1": "50000",
                                                  "work_completed_2": "10000"})
    console.ok(f"{invoice}/approve")
    console.ok(f"{invoice}/send")
    console.ok(f"/erp-integrations/requisitions/{item_id(invoice)}/accept")
    return {"project": project, "budget": budget, "vendor": vendor, "subcontract": subcontract, "cco": cco,
            "invoice": invoice}


INTACCT = {"codes": "03-300,09-200", "type": "Subcontract", "vendor": "V500"}

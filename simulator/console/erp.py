"""The bookkeeper's side: each ERP's books, one record in full, and the back-office actions as forms.

The forms run the ERP room's own back-office actions (``simulator/*/backoffice.py``), the same
functions ``/_erpsim/tenants/{id}/backoffice/...`` runs, so the ERP's rules and refusals are its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.console import books
from simulator.console.web import SEAT_TABS, PageError, form_of, page, redirect, render, seat_of, tenants_of, text
from simulator.services import Backoffice, BackofficeError, Service
from simulator.store import Tenant


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, number, date or textarea
    required: bool = False
    only: tuple[str, ...] = ()
    hint: str | dict[str, str] = ""
    choices_from: str = ""
    """A book whose first column lists the values this field takes (offered as suggestions)."""

    def applies(self, erp: str) -> bool:
        return not self.only or erp in self.only

    def hint_for(self, erp: str) -> str:
        return self.hint.get(erp, "") if isinstance(self.hint, dict) else self.hint


JOBS = {"intacct": "projects", "sage100": "jobs", "acumatica": "projects"}
BILLS = {"intacct": "bills", "sage100": "invoices", "acumatica": "bills"}
TASKS_HINT = ("One cost code a line: code | name | cost types, comma separated (a cost type may carry a "
              "budget amount as TYPE=amount).")

ACTION_FORMS: dict[str, tuple[str, tuple[Field, ...]]] = {
    "create_job": ("Create a job", (
        Field("job_id", "Job ID", required=True, hint={"sage100": "a number, such as 2100"}),
        Field("name", "Name", required=True),
        Field("parent_id", "Parent job", hint="only for a sub job (a phase or task of that job)",
              choices_from="jobs"),
        Field("begin_date", "Begin date", "date", only=("intacct", "acumatica")),
        Field("tasks", "Cost codes", "textarea", hint={
            "intacct": "One task a line: code | name | cost types, comma separated (such as 03-300 | Concrete | "
                       "Subcontract, Material).",
            "sage100": "One cost code a line: code | name | cost types with amounts (such as 3.300 | Concrete | "
                       "4=150000).",
            "acumatica": "One cost code a line: code | name | account groups with amounts (such as 03-300 | "
                         "Concrete | SUBCONTRACT=150000)."}),
    )),
    "create_vendor": ("Create a vendor", (
        Field("vendor_id", "Vendor ID", required=True, hint={"sage100": "a number, such as 510"}),
        Field("name", "Name", required=True),
        Field("email", "Email"),
        Field("retainage_percent", "Retainage %", "number", only=("intacct",)),
        Field("due_terms", "Due terms", only=("sage100",), hint="such as 30DY"),
    )),
    "pay_bill": ("Pay a bill", (
        Field("bill", "Bill", required=True, choices_from="bills", hint={
            "intacct": "RECORDNO or bill number", "sage100": "invoice record number or invoice number",
            "acumatica": "Reference Nbr. or Vendor Ref."}),
        Field("amount", "Amount", "number", hint="leave empty to pay all that is due; retainage stays held"),
        Field("date", "Date", "date"),
        Field("check_number", "Check number", only=("sage100", "acumatica")),
    )),
    "release_retainage": ("Release retainage", (
        Field("bill", "Bill", required=True, choices_from="bills"),
        Field("amount", "Amount", "number", hint="leave empty to release all still held"),
        Field("date", "Date", "date", only=("acumatica",)),
    )),
    "post_job_cost": ("Post a job cost", (
        Field("job", "Job", required=True, choices_from="jobs"),
        Field("cost_code", "Cost code", required=True),
        Field("cost_type", "Cost type", required=True, hint={"acumatica": "an account group, such as MATERIAL"}),
        Field("amount", "Amount", "number", required=True),
        Field("date", "Date", "date"),
        Field("description", "Description"),
    )),
    "update_record": ("Change a record", (
        Field("object", "Object", required=True, hint={"sage100": "a table, such as actpay",
                                                       "acumatica": "an entity, such as Vendor"}),
        Field("key", "Key", required=True),
        Field("fields", "Fields", "textarea", required=True, hint="One field a line: name = value"),
    )),
    "delete_record": ("Delete a record", (
        Field("object", "Object", required=True, hint={"intacct": "an object, such as VENDOR",
                                                       "sage100": "a table, such as actpay",
                                                       "acumatica": "an entity, such as Vendor"}),
        Field("key", "Key", required=True),
    )),
}


def service_of(request: Request) -> Service:
    name = request.path_params["erp"]
    for svc in books.erps_of(tenants_of(request)):
        if svc.name == name:
            return svc
    raise PageError(f"This simulator has no ERP {name!r}.")


def forms_for(svc: Service) -> list[dict[str, Any]]:
    """The back-office forms this ERP offers, in a fixed order, with its own hints."""
    out = []
    for name, (title, fields) in ACTION_FORMS.items():
        if name in svc.backoffice:
            out.append({"name": name, "title": title,
                        "fields": [f for f in fields if f.applies(svc.name)]})
    return out


def suggestions(svc: Service, tenant: Tenant, request: Request) -> dict[str, list[str]]:
    """Values for the forms' suggestion lists: the ERP's own job and bill ids."""
    records = tenants_of(request).store.records(tenant.id)
    out: dict[str, list[str]] = {}
    for role, table in (("jobs", JOBS), ("bills", BILLS)):
        b = books.book(svc.name, table[svc.name])
        if b is not None:
            out[role] = [str(cells[0]) for _, cells in books.rows(b, records, limit=200) if cells[0] not in (None, "")]
    return out


def parse_tasks(raw: str) -> list[dict[str, Any]]:
    tasks = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            raise BackofficeError(f"cost code line {n} has no code")
        task: dict[str, Any] = {"task_id": parts[0], "name": parts[1] if len(parts) > 1 and parts[1] else parts[0]}
        types, amounts = [], {}
        for item in (parts[2] if len(parts) > 2 else "").split(","):
            if not item.strip():
                continue
            ctype, _, amount = item.partition("=")
            types.append(ctype.strip())
            if amount.strip():
                amounts[ctype.strip()] = amount.strip()
        task["cost_types"] = types
        if amounts:
            task["amounts"] = amounts
        tasks.append(task)
    return tasks


def parse_fields(raw: str) -> dict[str, str]:
    fields = {}
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        name, eq, value = line.partition("=")
        if not eq or not name.strip():
            raise BackofficeError(f"field line {n} is not 'name = value'")
        fields[name.strip()] = value.strip()
    return fields


def params_from(form: FormData, fields: list[Field]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for f in fields:
        value = text(form, f.name)
        if not value:
            if f.required:
                raise BackofficeError(f"{f.label} is required.")
            continue
        if f.name == "tasks":
            params["tasks"] = parse_tasks(value)
        elif f.name == "fields":
            params["fields"] = parse_fields(value)
        else:
            params[f.name] = value
    return params


def run_action(request: Request, tenant: Tenant, svc: Service, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run a back-office action as the admin API does: the room's own function, in one transaction."""
    store = tenants_of(request).store
    office = Backoffice(store.records(tenant.id), tenant.config.get(svc.name, {}), request.app.state.clock)
    with store.transaction():
        return svc.backoffice[action](office, params)


@page
async def erp_home(request: Request) -> Response:
    tenant = seat_of(request)
    svc = service_of(request)
    records = tenants_of(request).store.records(tenant.id)
    return render(request, "erp.html", seat=tenant, svc=svc, short=books.short_name(svc.name),
                  counts=books.book_counts(svc.name, records), erp=books.connected_erp(tenant),
                  forms=forms_for(svc), suggest=suggestions(svc, tenant, request))


@page
async def book_page(request: Request) -> Response:
    tenant = seat_of(request)
    svc = service_of(request)
    b = books.book(svc.name, request.path_params["book"])
    if b is None:
        raise PageError(f"{books.short_name(svc.name)} has no book {request.path_params['book']!r}.")
    records = tenants_of(request).store.records(tenant.id)
    return render(request, "book.html", seat=tenant, svc=svc, short=books.short_name(svc.name), book=b,
                  rows=books.rows(b, records), total=records.count(b.kind), erp=books.connected_erp(tenant))


@page
async def record_page(request: Request) -> Response:
    tenant = seat_of(request)
    svc = service_of(request)
    b = books.book(svc.name, request.path_params["book"])
    if b is None:
        raise PageError(f"{books.short_name(svc.name)} has no book {request.path_params['book']!r}.")
    records = tenants_of(request).store.records(tenant.id)
    rec = records.get(b.kind, request.path_params["record"])
    if rec is None:
        raise PageError(f"{b.title} has no record {request.path_params['record']}.")
    cells = [books.value_at(rec.data, c.path) for c in b.columns]
    return render(request, "record.html", seat=tenant, svc=svc, short=books.short_name(svc.name), book=b,
                  cells=cells, rec=rec, document=json.dumps(rec.data, indent=2, default=str, sort_keys=True),
                  erp=books.connected_erp(tenant))


@page
async def run_backoffice(request: Request) -> Response:
    tenant = seat_of(request)
    svc = service_of(request)
    back = f"/seats/{tenant.id}/erp/{svc.name}"
    name = request.path_params["action"]
    form_spec = ACTION_FORMS.get(name)
    if form_spec is None or name not in svc.backoffice:
        raise PageError(f"{books.short_name(svc.name)} has no back-office action {name!r}.")
    title, fields = form_spec
    form = await form_of(request)
    try:
        params = params_from(form, [f for f in fields if f.applies(svc.name)])
        result = run_action(request, tenant, svc, name, params)
    except BackofficeError as exc:
        return redirect(f"{back}#{name}", error=f"{title}: {books.short_name(svc.name)} refused: {exc}")
    return redirect(f"{back}#{name}", ok=f"{title}: done.", detail=result)


routes = [
    Route("/seats/{seat}/erp/{erp}", erp_home, methods=["GET"]),
    Route("/seats/{seat}/erp/{erp}/books/{book}", book_page, methods=["GET"]),
    Route("/seats/{seat}/erp/{erp}/books/{book}/{record:int}", record_page, methods=["GET"]),
    Route("/seats/{seat}/erp/{erp}/actions/{action}", run_backoffice, methods=["POST"]),
]


def _tabs(request: Request, seat: Tenant) -> list[tuple[str, str, bool]]:
    return [(f"/seats/{seat.id}/erp/{svc.name}", f"{books.short_name(svc.name)} books", False)
            for svc in books.erps_of(tenants_of(request))]


SEAT_TABS.append(_tabs)

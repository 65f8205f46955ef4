"""Procore, as the project manager: projects, the directory, budgets, commitments with their SOV, change
orders, invoices with retainage, direct costs, the prime contract and PCCOs; forms to make them and the
Send to ERP, Retrieve and Resend buttons.

Every form runs a scenario step (``desk``), so the rules and refusals are the sync core's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.console import desk, timeline
from simulator.console.web import SEAT_TABS, PageError, back_to, form_of, page, redirect, render, seat_of, text
from simulator.procore.kinds import ITEM_TYPES, item_type_of
from simulator.store import Tenant
from sync_core import objects as o
from sync_core.errors import SyncError
from sync_core.replay.steps import StepFailed
from sync_core.workflow import ErpStatus

TYPES: dict[str, type[o.Entity]] = {**ITEM_TYPES, "direct_costs": o.DirectCost}
APPROVABLE = (o.Commitment, o.ChangeOrder, o.PrimeContract, o.Pcco, o.Invoice)


@dataclass(frozen=True)
class Total:
    label: str
    attr: str


TOTALS: dict[type[o.Entity], tuple[Total, ...]] = {
    o.Commitment: (Total("Original contract", "grand_total"), Total("Approved change orders", "approved_change_orders"),
                   Total("Revised contract", "revised_contract")),
    o.Invoice: (Total("Work completed this period", "work_completed_this_period"),
                Total("Materials presently stored", "materials_presently_stored"),
                Total("Amount this period", "amount_this_period"),
                Total("Retainage this period", "retainage_this_period"),
                Total("Retainage released", "retainage_released"), Total("Total retainage", "total_retainage"),
                Total("Current payment due", "current_payment_due")),
    o.Budget: (Total("Original budget", "original_total"),),
}


def href(seat: Tenant, item: o.Entity) -> str:
    kind = "direct_costs" if isinstance(item, o.DirectCost) else item_type_of(item)
    return f"/seats/{seat.id}/procore/{kind}/{item.id}"


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, o.Entity):
        return value.describe()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return str(value)


def facts(item: o.Entity) -> list[tuple[str, str]]:
    """The item's fields as Procore labels them (its schema's own labels, else the field's name)."""
    out = []
    for name, spec in type(item).schema.items():
        value: Any = item.data.get(name)
        if value in (None, "", []):
            continue
        if getattr(spec, "type", "") == "ref" and isinstance(value, int):
            value = _ref(item, name)
        label = getattr(spec, "label", None) or name.replace("_", " ")
        out.append((label[:1].upper() + label[1:], shown(value)))
    for total in TOTALS.get(type(item), ()):
        out.append((total.label, shown(getattr(item, total.attr))))
    return out


def _ref(item: o.Entity, name: str) -> Any:
    """A reference field as the object it names, where the item offers it (a commitment's vendor)."""
    if isinstance(getattr(type(item), name, None), property):
        try:
            return getattr(item, name)
        except (AttributeError, SyncError):
            pass
    return item.data.get(name)


def lines_of(item: o.Entity) -> tuple[list[str], list[list[str]]]:
    lines = getattr(item, "lines", None) if not isinstance(item, o.DirectCost) else None
    if not isinstance(lines, list) or not lines:
        return [], []
    schema = type(lines[0]).schema
    names = [n for n in schema if n != "commitment_line"]
    head = ["#"] + [(getattr(schema[n], "label", None) or n).replace("_", " ").capitalize() for n in names]
    rows = []
    for n, line in enumerate(lines, 1):
        cells = [str(n)]
        for name in names:
            value = line.data.get(name)
            if getattr(schema[name], "type", "") == "money":
                value = getattr(line, name)
            cells.append(shown(value))
        rows.append(cells)
    return head, rows


def children(item: o.Entity) -> list[tuple[str, list[o.Entity]]]:
    if isinstance(item, o.Project):
        return [("Commitments", item.commitments.all()), ("Prime contracts", item.prime_contracts.all()),
                ("Budget modifications", item.budget_modifications.all()), ("Direct costs", item.direct_costs.all()),
                ("Sub jobs", item.sub_jobs.all())]
    if isinstance(item, o.Commitment):
        return [("Change orders", item.change_orders.all()), ("Invoices", item.invoices.all())]
    if isinstance(item, o.PrimeContract):
        return [("Prime contract change orders", item.change_orders.all())]
    return []


def workflow_buttons(item: o.Entity) -> list[tuple[str, str]]:
    """What the item's page offers: (action, label), by its ERP status as Procore does."""
    out: list[tuple[str, str]] = []
    if isinstance(item, APPROVABLE) and str(item.data.get("status", "")).lower() not in ("approved", "complete"):
        out.append(("approve", "Approve"))
    if isinstance(item, o.Budget) and not item.locked:
        out.append(("lock", "Lock the budget"))
    if type(item).erp_object is None:
        return out
    status = item.erp_status
    if status is ErpStatus.NOT_IN_ERP:
        out.append(("send", "Send to ERP"))
    elif status is ErpStatus.READY_TO_EXPORT:
        out.append(("retrieve", "Retrieve from ERP"))
    elif status in (ErpStatus.REJECTED, ErpStatus.FAILED_TO_EXPORT):
        out.append(("resend", "Resend to ERP"))
    return out


def item_of(company: Any, kind: str, item_id: Any) -> o.Entity:
    cls = TYPES.get(kind)
    if cls is None:
        raise PageError(f"Procore has no item type {kind!r} here.")
    try:
        return cls.load(company, int(item_id))
    except (SyncError, ValueError) as exc:
        raise PageError(f"There is no {cls.label.lower()} #{item_id} in this company.") from exc


# -- pages -------------------------------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    seat = seat_of(request)
    company = desk.company_of(request, seat)
    projects = company.projects.all()
    return render(request, "pm_home.html", seat=seat, company=company, projects=projects,
                  user=desk.acting_user(request, seat, company, "project_manager"), href=href,
                  users=desk.users_of(company), erp=desk.connected_erp(seat))


async def directory(request: Request) -> Response:
    seat = seat_of(request)
    company = desk.company_of(request, seat)
    return render(request, "pm_directory.html", seat=seat, company=company, vendors=company.directory.all(),
                  user=desk.acting_user(request, seat, company, "project_manager"), href=href,
                  users=desk.users_of(company), erp=desk.connected_erp(seat))


async def item_page(request: Request) -> Response:
    seat = seat_of(request)
    company = desk.company_of(request, seat)
    item = item_of(company, request.path_params["type"], request.path_params["id"])
    head, rows = lines_of(item)
    extra: dict[str, Any] = {}
    if isinstance(item, o.Project):
        extra["budget"] = item.budget
        extra["cost_codes"] = item.cost_codes.all()
        extra["vendors"] = company.directory.all()
    if isinstance(item, o.Commitment):
        extra["sov"] = item.lines
    return render(request, "pm_item.html", seat=seat, company=company, item=item, facts=facts(item),
                  head=head, rows=rows, children=children(item), buttons=workflow_buttons(item), href=href,
                  kind=request.path_params["type"], events=timeline.events(request, seat, item),
                  user=desk.acting_user(request, seat, company, "project_manager"), users=desk.users_of(company),
                  erp=desk.connected_erp(seat), **extra)


# -- actions -------------------------------------------------------------------------------------------------------------


class FormProblem(Exception):
    """The form itself is incomplete or malformed (said before any rule runs)."""


def _rows(raw: str, names: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """Lines of ``a | b | c`` as mappings of ``names``; blank lines are skipped."""
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > len(names) or not parts[0]:
            raise FormProblem(f"{what} line {n}: write {' | '.join(names)}")
        out.append({name: value for name, value in zip(names, parts) if value})
    return out


def _codes(raw: str) -> list[dict[str, Any]]:
    """``03-300: Subcontract, Material`` lines as the step's cost codes."""
    out = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        code, _, types = line.partition(":")
        entry: dict[str, Any] = {"code": code.strip()}
        if types.strip():
            entry["cost_types"] = [t.strip() for t in types.split(",") if t.strip()]
        out.append(entry)
    return out


def _need(form: FormData, *names: str) -> dict[str, str]:
    values = {n: text(form, n) for n in names}
    missing = [n.replace("_", " ") for n, v in values.items() if not v]
    if missing:
        raise FormProblem(f"Fill in: {', '.join(missing)}.")
    return values


def _optional(form: FormData, *names: str) -> dict[str, str]:
    return {n: text(form, n) for n in names if text(form, n)}


def _user(request: Request, seat: Tenant, company: Any, form: FormData) -> o.User:
    return desk.form_user(request, seat, company, text(form, "user"), "project_manager")


async def create(request: Request) -> Response:
    """Make something new in Procore from a form; where it lands is the page of what was made."""
    seat = seat_of(request)
    what = request.path_params["what"]
    form = await form_of(request)
    back = back_to(form, seat.id, f"/seats/{seat.id}/procore")
    try:
        await desk.ready(request, seat)
        company = desk.company_of(request, seat)
        made = _create(request, seat, company, what, form)
    except FormProblem as exc:
        return redirect(back, error=str(exc))
    except (SyncError, StepFailed) as exc:
        return redirect(back, error=f"Procore refused: {desk.describe_failure(exc)}")
    if isinstance(made, o.Entity):
        return redirect(href(seat, made), ok=f"{made.describe()} is made.")
    return redirect(back, ok="Done.")


def _create(request: Request, seat: Tenant, company: Any, what: str, form: FormData) -> Any:
    user = _user(request, seat, company, form)

    def parent(kind: str) -> Any:
        return item_of(company, kind, text(form, "parent"))

    if what == "project":
        values = _need(form, "name")
        params: dict[str, Any] = {"name": values["name"], **_optional(form, "number", "city", "state", "start_date",
                                                                      "completion_date", "description")}
        params["cost_codes"] = _codes(text(form, "cost_codes"))
        return desk.do(request, seat, "pm", "create project", user=user, company=company, params=params)
    if what == "company":
        values = _need(form, "name")
        return desk.do(request, seat, "pm", "create company", user=user, company=company, params=
                       {**values, **_optional(form, "address", "city", "state", "zip", "phone", "email")})
    if what == "cost_codes":
        return desk.do(request, seat, "pm", "add cost codes", user=user, company=company, params=
                       {"project": parent("projects"), "cost_codes": _codes(_need(form, "cost_codes")["cost_codes"])})
    if what == "budget_lines":
        lines = _rows(_need(form, "lines")["lines"], ("cost_code", "cost_type", "amount", "description"), "Budget")
        return desk.do(request, seat, "pm", "add budget lines", user=user, company=company, params={"project": parent("projects"), "lines": lines})
    if what == "budget_modification":
        values = _need(form, "from_cost_code", "from_cost_type", "to_cost_code", "to_cost_type", "amount")
        return desk.do(request, seat, "pm", "create budget modification", user=user, company=company, params={
            "project": parent("projects"), "amount": values["amount"],
            "from": {"cost_code": values["from_cost_code"], "cost_type": values["from_cost_type"]},
            "to": {"cost_code": values["to_cost_code"], "cost_type": values["to_cost_type"]},
            **_optional(form, "notes")})
    if what in ("subcontract", "purchase_order"):
        project = parent("projects")
        params = {"project": project, **_optional(form, "title", "number", "retainage", "description")}
        if text(form, "company"):
            params["company"] = item_of(company, "vendors", text(form, "company"))
        names = ("cost_code", "cost_type", "amount", "description") if what == "subcontract" else \
            ("cost_code", "cost_type", "quantity", "unit_cost", "uom", "description")
        params["lines"] = _rows(text(form, "lines"), names, "Schedule of values")
        return desk.do(request, seat, "pm", f"create {what.replace('_', ' ')}", params, user, company)
    if what == "change_order":
        lines = _rows(_need(form, "lines")["lines"], ("line", "amount", "description"), "Change order")
        return desk.do(request, seat, "pm", "create change order", user=user, company=company, params=
                       {"commitment": parent("commitments"), "lines": lines, **_optional(form, "title", "number")})
    if what == "invoice":
        commitment = parent("commitments")
        values = _need(form, "number", "billing_date")
        lines = []
        for n, _line in enumerate(commitment.lines, 1):
            entry = {"line": n, **{k: text(form, f"{k}_{n}") for k in ("work_completed", "retainage",
                                                                         "retainage_released")
                                   if text(form, f"{k}_{n}")}}
            if len(entry) > 1:
                lines.append(entry)
        if not lines:
            raise FormProblem("Bill at least one SOV line: enter work completed or retainage released.")
        return desk.do(request, seat, "pm", "create invoice", user=user, company=company, params=
                       {"commitment": commitment, **values, "lines": lines, **_optional(form, "description")})
    if what == "prime_contract":
        lines = _rows(_need(form, "lines")["lines"], ("description", "amount", "cost_code", "cost_type"),
                      "Prime contract")
        return desk.do(request, seat, "pm", "create prime contract", user=user, company=company, params=
                       {"project": parent("projects"), "lines": lines,
                        **_optional(form, "title", "number", "retainage", "customer")})
    if what == "pcco":
        lines = _rows(_need(form, "lines")["lines"], ("cost_code", "cost_type", "amount", "description"), "PCCO")
        return desk.do(request, seat, "pm", "create pcco", user=user, company=company, params=
                       {"prime_contract": parent("prime_contracts"), "lines": lines,
                        **_optional(form, "title", "number")})
    raise PageError(f"Procore makes no {what!r} here.")


async def act(request: Request) -> Response:
    """A button on an item: approve, lock the budget, Send to ERP, Retrieve, Resend."""
    seat = seat_of(request)
    kind, item_id, action = (request.path_params[k] for k in ("type", "id", "action"))
    company = desk.company_of(request, seat)
    item = item_of(company, kind, item_id)
    back = href(seat, item)
    form = await form_of(request)
    user = _user(request, seat, company, form)
    labels = {"approve": "approved", "lock": "locked", "send": "sent to ERP", "retrieve": "retrieved from ERP",
              "resend": "sent to ERP again"}
    if action not in labels:
        raise PageError(f"No action {action!r} on {item.describe()}.")
    try:
        if action == "approve":
            desk.do(request, seat, "pm", "approve", {"item": item}, user, company)
        elif action == "lock":
            desk.do(request, seat, "pm", "lock budget", {"project": item.project}, user, company)  # type: ignore[attr-defined]
        elif action == "retrieve":
            desk.do(request, seat, "pm", "retrieve", {"item": item, "by": user}, user, company)
        else:
            step = "send to erp" if action == "send" else "resend"
            await timeline.recorded(request, seat, item, desk.do_with_erp(
                request, seat, "pm", step,
                lambda c: {"item": item_of(c, kind, item_id), "by": o.User.load(c, user.id)}))
    except (SyncError, StepFailed) as exc:
        return redirect(back, error=f"Procore refused: {desk.describe_failure(exc)}")
    return redirect(back, ok=f"{item.describe()} is {labels[action]} (as {user.data['name']}).")


async def acting_as(request: Request) -> Response:
    """Choose whom this browser acts as on this seat (a cookie per seat)."""
    seat = seat_of(request)
    form = await form_of(request)
    back = back_to(form, seat.id, f"/seats/{seat.id}/procore")
    company = desk.company_of(request, seat)
    chosen = text(form, "user")
    user = next((u for u in desk.users_of(company) if str(u.id) == chosen), None)
    response = redirect(back, ok=f"You are now acting as {user.data['name']}." if user else
                        "You act as each page's own role again.")
    cookie = desk.ACTING.format(seat=seat.id)
    if user is None:
        response.delete_cookie(cookie, path="/")
    else:
        response.set_cookie(cookie, str(user.id), path="/", httponly=True, samesite="strict")
    return response


def _tabs(request: Request, seat: Tenant) -> list[tuple[str, str, bool]]:
    return [(f"/seats/{seat.id}/procore", "Procore", False)]


SEAT_TABS.insert(0, _tabs)

routes = [
    Route("/seats/{seat}/procore", page(home), methods=["GET"]),
    Route("/seats/{seat}/procore/directory", page(directory), methods=["GET"]),
    Route("/seats/{seat}/procore/new/{what}", page(create), methods=["POST"]),
    Route("/seats/{seat}/procore/{type}/{id:int}", page(item_page), methods=["GET"]),
    Route("/seats/{seat}/procore/{type}/{id:int}/{action}", page(act), methods=["POST"]),
    Route("/seats/{seat}/acting-as", page(acting_as), methods=["POST"]),
]

"""Procore's ERP Integrations tool, as the accounting approver: the queues per object type, Accept (with the
ERP ids prefilled as the tool prefills them) and Reject with a reason, Synced / Rejected / Failed to Export,
Ready to Import, the imports, unlink, and the ERP Job Costs report.

Acting as a user without the approver's privileges shows the refusal the tool gives: the actions run the
sync core's own workflow (``company.erp``) and imports, which check the acting user.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.console import desk, timeline
from simulator.console.pm import TYPES, href, item_of, shown
from simulator.console.web import SEAT_TABS, PageError, back_to, form_of, page, redirect, render, seat_of, text
from simulator.procore import people
from simulator.procore.kinds import item_type_of
from simulator.store import Tenant
from sync_core import objects as o
from sync_core.errors import SyncError
from sync_core.procore import Company
from sync_core.tool import StillInErp
from sync_core.workflow import ErpStatus

QUEUES = {"ready_to_export": "Ready to Export", "synced": "Synced", "rejected": "Rejected",
          "failed_to_export": "Failed to Export", "ready_to_import": "Ready to Import"}
FILTERS = {"": "All types", "projects": "Projects", "vendors": "Companies", "budgets": "Budgets",
           "budget_modifications": "Budget modifications", "commitments": "Commitments",
           "commitment_change_orders": "Commitment change orders", "requisitions": "Subcontractor invoices",
           "prime_contracts": "Prime contracts", "prime_change_orders": "Prime contract change orders",
           "sub_jobs": "Sub jobs"}
IMPORTS = {"jobs": "Jobs", "vendors": "Vendors", "budgets": "Budget (a project)", "job_costs": "Job costs",
           "direct_costs": "Direct costs (job cost transactions)", "payments": "Commitment payments",
           "sub_jobs": "Sub jobs (a project)", "cost_codes": "Refresh cost codes and cost types"}
PROJECT_IMPORTS = ("budgets", "sub_jobs")


def base(seat: Tenant) -> str:
    return f"/seats/{seat.id}/erp-integrations"


def matches(item: o.Entity, wanted: str) -> bool:
    if not wanted:
        return True
    if wanted == "commitments":
        return isinstance(item, o.Commitment)
    return item_type_of(item) == wanted


async def queue_page(request: Request) -> Response:
    seat = seat_of(request)
    company = desk.company_of(request, seat)
    name = request.path_params.get("queue", "ready_to_export")
    if name not in QUEUES:
        raise PageError(f"ERP Integrations has no queue {name!r}.")
    wanted = request.query_params.get("type", "")
    if wanted not in FILTERS:
        raise PageError(f"ERP Integrations lists no {wanted!r}.")
    user = desk.acting_user(request, seat, company, "accounting_approver")
    counts = {q: len(company.erp.items(ErpStatus(q))) for q in QUEUES if q != "ready_to_import"}
    items: list[dict[str, Any]] = []
    importable: list[dict[str, Any]] = []
    problem = None
    if name == "ready_to_import":
        kind = wanted if wanted in people.READY_TO_IMPORT else "projects"
        try:
            importable = await desk_run(request, seat, lambda c: people.ready_to_import(c, kind, None))
        except SyncError as exc:
            problem = desk.describe_failure(exc)
    else:
        found = [i for i in company.erp.items(ErpStatus(name)) if matches(i, wanted)]
        fields: dict[str, list[dict[str, Any]]] = {}
        if name == "ready_to_export" and found:
            try:
                fields = await desk_run(request, seat, lambda c: {key(i): accept_fields(c, i) for i in found})
            except SyncError as exc:
                problem = desk.describe_failure(exc)
        items = [{"item": i, "key": key(i), "fields": fields.get(key(i), []), "href": href(seat, i),
                  "type": FILTERS.get(item_type_of(i), FILTERS["commitments"] if isinstance(i, o.Commitment)
                                      else i.label)} for i in found]
    return render(request, "integrations.html", seat=seat, company=company, queue=name, queues=QUEUES,
                  counts=counts, filters=FILTERS, wanted=wanted, items=items, importable=importable,
                  problem=problem, user=user, users=desk.users_of(company), erp=desk.connected_erp(seat),
                  imports=IMPORTS, projects=[p for p in company.projects.all() if p.erp_job_id],
                  base=base(seat))


def key(item: o.Entity) -> str:
    kind = "direct_costs" if isinstance(item, o.DirectCost) else item_type_of(item)
    return f"{kind}/{item.id}"


def accept_fields(company: Company, item: o.Entity) -> list[dict[str, Any]]:
    """What accepting asks for, prefilled as the tool prefills it (the people's action's own reading)."""
    again = type(item).load(company, item.id)
    return [{"name": f.name, "label": f.label, "required": f.required,
             "prefill": shown(company.erp._prefill(again, f))} for f in company.erp.accept_fields(again)]


async def desk_run(request: Request, seat: Tenant, fn: Any) -> Any:
    from simulator.procore import side

    return await side.run(request, seat.id, fn)


async def job_costs(request: Request) -> Response:
    seat = seat_of(request)
    company = desk.company_of(request, seat)
    reports = []
    for project in company.projects.all():
        rows = project.job_costs.all()
        if rows or project.erp_job_id:
            reports.append((project, rows))
    return render(request, "job_costs.html", seat=seat, company=company, reports=reports, href=href,
                  user=desk.acting_user(request, seat, company, "accounting_approver"), users=desk.users_of(company),
                  erp=desk.connected_erp(seat), base=base(seat))


def _approver(request: Request, seat: Tenant, company: Company, form: Any) -> o.User:
    return desk.form_user(request, seat, company, text(form, "user"), "accounting_approver")


async def decide(request: Request) -> Response:
    """Accept (export now, with the ERP values entered), Reject with a reason, or Unlink."""
    seat = seat_of(request)
    kind, item_id, action = (request.path_params[k] for k in ("type", "id", "action"))
    if kind not in TYPES or action not in ("accept", "reject", "unlink"):
        raise PageError(f"ERP Integrations cannot {action} {kind}.")
    form = await form_of(request)
    back = back_to(form, seat.id, base(seat))
    company = desk.company_of(request, seat)
    item = item_of(company, kind, item_id)
    user = _approver(request, seat, company, form)
    fields = {name.removeprefix("field_"): value.strip() for name, value in form.items()
              if name.startswith("field_") and isinstance(value, str) and value.strip()}
    reason = text(form, "reason")

    def work(c: Company) -> str:
        again = item_of(c, kind, item_id)
        approver = o.User.load(c, user.id)
        if action == "accept":
            outcome = c.erp.accept(again, approver=approver, **fields)
            if not outcome.ok:
                raise FailedExport(f"{again.describe()} failed to export: {outcome.message}")
            return f"{again.describe()} is accepted and synced ({outcome.origin_id or 'exported'})."
        if action == "reject":
            c.erp.reject(again, approver=approver, reason=reason)
            return f"{again.describe()} is rejected: {reason}"
        again.unlink_from_erp(by=approver)
        return f"{again.describe()} is unlinked from the ERP."

    try:
        if action == "reject":
            message = work(company)
        else:
            message = await timeline.recorded(request, seat, item, desk_run(request, seat, work))
    except FailedExport as exc:
        return redirect(back, error=str(exc))
    except (SyncError, StillInErp) as exc:
        return redirect(back, error=f"Procore refused: {desk.describe_failure(exc)}")
    return redirect(back, ok=f"{message} (as {user.data['name']})")


class FailedExport(Exception):
    """The approver accepted and the ERP refused the export; the item is in Failed to Export."""


async def run_import(request: Request) -> Response:
    seat = seat_of(request)
    what = request.path_params["what"]
    if what not in IMPORTS:
        raise PageError(f"ERP Integrations has no import {what!r}.")
    form = await form_of(request)
    back = back_to(form, seat.id, base(seat))
    company = desk.company_of(request, seat)
    user = _approver(request, seat, company, form)
    project_id = text(form, "project")
    ids = [i.strip() for i in text(form, "ids").split(",") if i.strip()] or None

    def work(c: Company) -> str:
        acting = o.User.load(c, user.id)
        people.require_erp_admin(acting, f"import {IMPORTS[what].lower()}")
        project = item_of(c, "projects", project_id) if project_id else None
        if what in PROJECT_IMPORTS and not isinstance(project, o.Project):
            raise FormMissing(f"{IMPORTS[what]}: choose the project.")
        with c.acting(acting):
            imports = c.imports
            if what == "jobs":
                reports = [imports.jobs(ids)]
            elif what == "vendors":
                reports = [imports.vendors(ids)]
            elif what == "budgets":
                reports = [imports.budget(project)]  # type: ignore[arg-type]
            elif what == "sub_jobs":
                reports = [imports.sub_jobs(project)]  # type: ignore[arg-type]
            elif what == "job_costs":
                reports = [imports.job_costs(project)]  # type: ignore[arg-type]
            elif what == "direct_costs":
                reports = [imports.direct_costs(project)]  # type: ignore[arg-type]
            elif what == "payments":
                reports = [imports.payments()]
            else:
                reports = [imports.cost_types(), imports.cost_codes()]
        return " ".join(str(r).splitlines()[0] for r in reports)

    try:
        message = await desk_run(request, seat, work)
    except FormMissing as exc:
        return redirect(back, error=str(exc))
    except SyncError as exc:
        return redirect(back, error=f"Procore refused: {desk.describe_failure(exc)}")
    return redirect(back, ok=f"{message} (as {user.data['name']})")


class FormMissing(Exception):
    """The form lacks what the import needs."""


def _tabs(request: Request, seat: Tenant) -> list[tuple[str, str, bool]]:
    return [(base(seat), "ERP Integrations", False)]


SEAT_TABS.insert(1, _tabs)

routes = [
    Route("/seats/{seat}/erp-integrations", page(queue_page), methods=["GET"]),
    Route("/seats/{seat}/erp-integrations/queues/{queue}", page(queue_page), methods=["GET"]),
    Route("/seats/{seat}/erp-integrations/job-costs", page(job_costs), methods=["GET"]),
    Route("/seats/{seat}/erp-integrations/imports/{what}", page(run_import), methods=["POST"]),
    Route("/seats/{seat}/erp-integrations/{type}/{id:int}/{action}", page(decide), methods=["POST"]),
]

"""What people do with the mouse in Procore's ERP Integrations tool, under ``/_erpsim/tenants/{id}/procore/``.

Not part of Procore's public API, so it lives in the control plane beside the ERP back-office actions. Each
action names the acting user (``"user": login or id``) and runs the sync core's own rule for it, so a refusal
reads as the tool words it. Anything that reaches the ERP runs on a worker thread (``side.run``).

    GET  /                                   the company: its ERP, its people, how many items wait in each queue
    GET  /queues/{queue}?type=...            ready_to_export, synced, rejected, failed_to_export, ready_to_import
    GET  /items/{type}/{id}                  one item: status, ERP id, history, what accepting asks for
    POST /items/{type}/{id}/{action}         send, retrieve, resend, accept {fields}, reject {reason}, unlink;
                                             lock and unlock a budget
    POST /imports/{what}                     jobs, sub_jobs, vendors, budgets, commitments, job_costs,
                                             direct_costs, payments ({project_id}, {ids} where they apply)
    POST /refresh/{what}                     cost_codes (with cost types), companies
    POST /vendors/{id}/link                  link a company to an existing ERP vendor {erp_vendor_id}
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.admin import error, json_body
from simulator.procore import side
from simulator.procore.kinds import ITEM_TYPES, item_type_of, project_id_of
from simulator.tenants import TenantError
from sync_core import errors as e
from sync_core import objects as o
from sync_core.capabilities import Direction
from sync_core.imports import ImportReport
from sync_core.procore import Company
from sync_core.tool import ExportOutcome, StillInErp
from sync_core.workflow import ErpStatus

QUEUES = {
    "ready_to_export": ErpStatus.READY_TO_EXPORT,
    "synced": ErpStatus.SYNCED,
    "rejected": ErpStatus.REJECTED,
    "failed_to_export": ErpStatus.FAILED_TO_EXPORT,
}
IMPORTS = ("jobs", "sub_jobs", "vendors", "budgets", "commitments", "job_costs", "direct_costs", "payments")
READY_TO_IMPORT = ("projects", "vendors", "sub_jobs")


def sync_error(exc: e.SyncError) -> JSONResponse:
    """A refusal in the admin API's shape, with the sync core's words and, where it has them, the rule or
    the list of problems."""
    status = 422
    if isinstance(exc, e.PermissionDenied):
        status = 403
    elif isinstance(exc, e.NotFound):
        status = 404
    elif isinstance(exc, (e.InvalidTransition, e.Locked, e.NotConnected, StillInErp, e.DuplicateOriginId)):
        status = 409
    body: dict[str, Any] = {"status": status, "message": exc.message, "kind": type(exc).__name__}
    if isinstance(exc, e.Refused):
        body["rule"] = exc.rule
    if isinstance(exc, (e.PreconditionFailed, e.ValidationFailed)):
        body["problems"] = exc.problems
    return JSONResponse({"error": body}, status_code=status)


def handled(handler: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except e.SyncError as exc:
            return sync_error(exc)
        except TenantError as exc:
            return error(exc.status, str(exc))

    endpoint.__name__ = handler.__name__
    return endpoint


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, o.Entity):
        return item_json(value)
    return value


def item_json(item: o.Entity) -> dict[str, Any]:
    project = project_id_of(item)
    return {
        "id": item.id,
        "type": item_type_of(item),
        "name": item.describe(),
        "project_id": project,
        "erp_status": item.erp_status.value,
        "erp_status_label": item.erp_status.label,
        "origin_id": item.origin_id,
        "rejection_reason": item.rejection_reason,
        "erp_message": item.erp_message,
    }


def user_json(user: o.User) -> dict[str, Any]:
    return {"id": user.id, "name": user.data["name"], "login": user.data.get("email"),
            "erp_integrations": user.data.get("erp_integrations"),
            "can_push_to_accounting": bool(user.data.get("can_push_to_accounting")),
            "tool_permissions": list(user.data.get("tool_permissions") or [])}


def outcome_json(outcome: ExportOutcome) -> dict[str, Any]:
    return {"item": item_json(outcome.item), "status": outcome.status.value, "ok": outcome.ok,
            "origin_id": outcome.origin_id, "message": outcome.message, "attempts": outcome.attempts,
            "notes": outcome.notes, "summary": str(outcome)}


def report_json(report: ImportReport) -> dict[str, Any]:
    def names(items: list[Any]) -> list[Any]:
        return [item_json(i) if isinstance(i, o.Entity) else jsonable(i) for i in items]

    return {"object": report.object, "source": report.source, "created": names(report.created),
            "updated": names(report.updated), "unchanged": len(report.unchanged),
            "skipped": [{"what": what, "why": why} for what, why in report.skipped], "summary": str(report)}


def tenant_of(request: Request) -> str:
    tenant_id = str(request.path_params["tenant"])
    if request.app.state.store.get_tenant(tenant_id) is None:
        raise TenantError(f"no tenant {tenant_id!r}", status=404)
    return tenant_id


async def body_of(request: Request) -> dict[str, Any]:
    body = await json_body(request, required=False)
    if not isinstance(body, dict):
        raise TenantError("body must be a JSON object")
    return body


def acting(company: Company, body: dict[str, Any]) -> o.User:
    who = body.get("user")
    if who is None:
        raise TenantError("name the acting user: 'user' is a login (e-mail) or a user id")
    return side.user_of(company, who)


def require_erp_admin(user: o.User, what: str) -> None:
    if user.data.get("erp_integrations") != "admin":
        raise e.PermissionDenied(f"{user.data['name']} cannot {what}: it needs 'Admin' on the ERP Integrations "
                                 f"tool (they have '{user.data.get('erp_integrations')}')")


def item_of(company: Company, kind: str, item_id: Any) -> o.Entity:
    cls = ITEM_TYPES.get(kind)
    if cls is None:
        raise TenantError(f"unknown item type {kind!r}; known: {', '.join(ITEM_TYPES)}", status=404)
    try:
        number = int(item_id)
    except (TypeError, ValueError):
        raise TenantError(f"item id {item_id!r} is not a number", status=404) from None
    return cls.load(company, number)


# -- reads ------------------------------------------------------------------------------------------------------------


@handled
async def summary(request: Request) -> Response:
    tenant_id = tenant_of(request)
    company = side.company(request.app, tenant_id)
    config = side.settings(request.app, tenant_id)
    counts = {name: len(company.erp.items(status)) for name, status in QUEUES.items()}
    return JSONResponse({"tenant": tenant_id, "company_id": config.get("company_id"), "name": company.name,
                         "erp": config.get("erp"), "setup": side.setup_record(company), "queues": counts,
                         "users": [user_json(u) for u in company.users.all()]})


@handled
async def queue(request: Request) -> Response:
    tenant_id = tenant_of(request)
    name = request.path_params["queue"]
    wanted = request.query_params.get("type")
    if wanted is not None and wanted not in ITEM_TYPES:
        raise TenantError(f"unknown item type {wanted!r}; known: {', '.join(ITEM_TYPES)}")
    if name == "ready_to_import":
        kind = wanted or "projects"
        if kind not in READY_TO_IMPORT:
            raise TenantError(f"Ready to Import lists {', '.join(READY_TO_IMPORT)}")
        project_id = request.query_params.get("project_id")
        items = await side.run(request, tenant_id, lambda c: ready_to_import(c, kind, project_id))
        return JSONResponse({"queue": name, "type": kind, "items": items})
    status = QUEUES.get(name)
    if status is None:
        raise TenantError(f"no queue {name!r}; queues: {', '.join([*QUEUES, 'ready_to_import'])}", status=404)
    company = side.company(request.app, tenant_id)
    items = [item_json(i) for i in company.erp.items(status)
             if wanted is None or isinstance(i, ITEM_TYPES[wanted]) and item_type_of(i) in _aliases(wanted)]
    return JSONResponse({"queue": name, "type": wanted, "items": items})


def _aliases(kind: str) -> set[str]:
    if kind == "commitments":
        return {"work_order_contracts", "purchase_order_contracts"}
    return {kind}


def ready_to_import(company: Company, kind: str, project_id: str | None) -> list[dict[str, Any]]:
    """What the ERP has that Procore does not yet: jobs, vendors, or a synced project's sub jobs."""
    connector = company.require_connector()
    if kind == "projects":
        connector.matrix.require("projects", Direction.IMPORT)
        return [{"erp_id": j.job_id, "name": j.name} for j in connector.fetch_jobs()
                if company.projects.by_erp_job_id(j.job_id) is None]
    if kind == "vendors":
        connector.matrix.require("vendors", Direction.IMPORT)
        return [{"erp_id": v.vendor_id, "name": v.name} for v in connector.fetch_vendors()
                if company.directory.by_erp_vendor_id(v.vendor_id) is None]
    connector.matrix.require("sub_jobs", Direction.IMPORT)
    project = item_of(company, "projects", project_id)
    assert isinstance(project, o.Project)
    if not project.erp_job_id:
        raise e.PreconditionFailed(project.describe(), ["it is not synced with ERP, so it has no ERP sub jobs"])
    have = {s.code for s in project.sub_jobs.all()}
    return [{"erp_id": s.code, "name": s.name} for s in connector.fetch_sub_jobs(project.erp_job_id)
            if s.code not in have]


@handled
async def show_item(request: Request) -> Response:
    tenant_id = tenant_of(request)
    company = side.company(request.app, tenant_id)
    item = item_of(company, request.path_params["type"], request.path_params["id"])
    body = item_json(item)
    body["history"] = [jsonable(entry.__dict__) for entry in item.history()]
    if item.erp_status is ErpStatus.READY_TO_EXPORT:
        def fields(c: Company) -> list[dict[str, Any]]:
            again = item_of(c, request.path_params["type"], item.id)
            return [{"name": f.name, "label": f.label, "required": f.required,
                     "prefill": jsonable(c.erp._prefill(again, f))} for f in c.erp.accept_fields(again)]
        body["accept_fields"] = await side.run(request, tenant_id, fields)
    return JSONResponse(body)


# -- the workflow -----------------------------------------------------------------------------------------------------


@handled
async def act(request: Request) -> Response:
    tenant_id = tenant_of(request)
    kind, item_id, action = (request.path_params[k] for k in ("type", "id", "action"))
    body = await body_of(request)
    if action not in ("send", "retrieve", "resend", "accept", "reject", "unlink", "lock", "unlock"):
        raise TenantError(f"no action {action!r}; actions: send, retrieve, resend, accept, reject, unlink, and "
                          f"lock or unlock a budget", status=404)

    def work(company: Company) -> dict[str, Any]:
        user = acting(company, body)
        item = item_of(company, kind, item_id)
        if action == "accept":
            fields = body.get("fields") or {}
            if not isinstance(fields, dict):
                raise TenantError("'fields' must be an object of the ERP values the approver enters")
            return outcome_json(user.accept(item, **fields))
        if action in ("lock", "unlock"):
            if not isinstance(item, o.Budget):
                raise TenantError(f"only a budget can be {action}ed")
            level = user.level(item.tool)
            if level != "admin":
                raise e.PermissionDenied(f"{user.data['name']} cannot {action} {item.describe()}: it needs 'Admin' "
                                         f"on the budget tool (they have '{level}')")
            with company.acting(user):
                item.lock() if action == "lock" else item.unlock()
        elif action == "reject":
            user.reject(item, str(body.get("reason") or ""))
        elif action == "unlink":
            user.unlink(item)
        else:
            getattr(item, f"{action}_to_erp" if action != "retrieve" else "retrieve_from_erp")(by=user)
        return {"item": item_json(item.refresh())}

    if action in ("retrieve", "reject", "lock", "unlock"):  # no ERP call: answer on the loop
        return JSONResponse(work(side.company(request.app, tenant_id)))
    return JSONResponse(await side.run(request, tenant_id, work))


@handled
async def run_import(request: Request) -> Response:
    tenant_id = tenant_of(request)
    what = request.path_params["what"]
    body = await body_of(request)
    if what not in IMPORTS:
        raise TenantError(f"no import {what!r}; imports: {', '.join(IMPORTS)}", status=404)

    def work(company: Company) -> dict[str, Any]:
        user = acting(company, body)
        require_erp_admin(user, f"import {what.replace('_', ' ')}")
        imports = company.imports
        project = None
        if body.get("project_id") is not None:
            project = item_of(company, "projects", body["project_id"])
        ids = body.get("ids")
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, (str, int)) for i in ids)):
            raise TenantError("'ids' must be a list of ERP ids")
        ids = None if ids is None else [str(i) for i in ids]
        with company.acting(user):
            if what == "jobs":
                report = imports.jobs(ids)
            elif what == "vendors":
                report = imports.vendors(ids)
            elif what in ("sub_jobs", "budgets"):
                if not isinstance(project, o.Project):
                    raise TenantError(f"importing {what.replace('_', ' ')} needs 'project_id'")
                report = imports.sub_jobs(project) if what == "sub_jobs" else imports.budget(project)
            elif what == "commitments":
                connector = company.require_connector()
                connector.matrix.require("commitments", Direction.IMPORT)
                raise TenantError(f"{connector.title} allows it, but commitments are not imported here yet")
            elif what == "job_costs":
                report = imports.job_costs(project if isinstance(project, o.Project) else None)
            elif what == "direct_costs":
                report = imports.direct_costs(project if isinstance(project, o.Project) else None)
            else:
                report = imports.payments()
        return report_json(report)

    return JSONResponse(await side.run(request, tenant_id, work))


@handled
async def refresh(request: Request) -> Response:
    tenant_id = tenant_of(request)
    what = request.path_params["what"]
    body = await body_of(request)
    if what not in ("cost_codes", "companies"):
        raise TenantError(f"no refresh {what!r}; refresh: cost_codes, companies", status=404)

    def work(company: Company) -> dict[str, Any]:
        user = acting(company, body)
        require_erp_admin(user, f"refresh {what.replace('_', ' ')}")
        with company.acting(user):
            if what == "companies":
                return {"reports": [report_json(company.imports.vendors())]}
            return {"reports": [report_json(company.imports.cost_types()),
                                report_json(company.imports.cost_codes())]}

    return JSONResponse(await side.run(request, tenant_id, work))


@handled
async def link_vendor(request: Request) -> Response:
    tenant_id = tenant_of(request)
    body = await body_of(request)
    company = side.company(request.app, tenant_id)
    user = acting(company, body)
    require_erp_admin(user, "link companies")
    vendor = item_of(company, "vendors", request.path_params["id"])
    assert isinstance(vendor, o.Vendor)
    erp_vendor_id = body.get("erp_vendor_id")
    if not isinstance(erp_vendor_id, str) or not erp_vendor_id.strip():
        raise TenantError("'erp_vendor_id' names the ERP vendor to link to")
    company.directory.link(vendor, erp_vendor_id.strip())
    return JSONResponse({"item": item_json(vendor)})


routes = [
    Route("/", summary, methods=["GET"]),
    Route("/queues/{queue}", queue, methods=["GET"]),
    Route("/items/{type}/{id}", show_item, methods=["GET"]),
    Route("/items/{type}/{id}/{action}", act, methods=["POST"]),
    Route("/imports/{what}", run_import, methods=["POST"]),
    Route("/refresh/{what}", refresh, methods=["POST"]),
    Route("/vendors/{id}/link", link_vendor, methods=["POST"]),
]

"""The control plane under ``/_erpsim/``: health, tenants, seed, reset, snapshot, clock.

Kept apart from the faked ERP paths; answers plain JSON and, on refusal,
``{"error": {"status": N, "message": "..."}}``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from simulator import __version__, datasets
from simulator.http import BodyTooLarge, read_body
from simulator.services import Backoffice, BackofficeError, Service
from simulator.store import Tenant
from simulator.tenants import TenantError, Tenants

ADMIN_BODY_LIMIT = 64 * 1024 * 1024  # snapshots of large companies are big


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def tenant_json(tenant: Tenant) -> dict[str, Any]:
    return {"id": tenant.id, "name": tenant.name, "fixture": tenant.fixture, "config": tenant.config,
            "created_at": tenant.created_at}


async def json_body(request: Request, *, required: bool = True) -> Any:
    raw = await read_body(request, ADMIN_BODY_LIMIT)
    if not raw.strip():
        if required:
            raise TenantError("a JSON body is required")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TenantError(f"body is not valid JSON: {exc}") from exc


def tenants_of(request: Request) -> Tenants:
    tenants: Tenants = request.app.state.tenants
    return tenants


def guarded(handler: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except TenantError as exc:
            return error(exc.status, str(exc))
        except BodyTooLarge as exc:
            return error(413, str(exc))

    endpoint.__name__ = handler.__name__
    return endpoint


@guarded
async def health(request: Request) -> Response:
    return JSONResponse({
        "status": "ok",
        "version": __version__,
        "services": [svc.name for svc in tenants_of(request).services],
        "tenants": len(tenants_of(request).list()),
    })


@guarded
async def list_tenants(request: Request) -> Response:
    return JSONResponse({"tenants": [tenant_json(t) for t in tenants_of(request).list()]})


@guarded
async def create_tenant(request: Request) -> Response:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise TenantError("body must be a JSON object")
    for field in ("name", "fixture"):
        if body.get(field) is not None and not isinstance(body[field], str):
            raise TenantError(f"'{field}' must be a string")
    if body.get("config") is not None and not isinstance(body["config"], dict):
        raise TenantError("'config' must be an object")
    tenant = tenants_of(request).create(
        body.get("id"), body.get("name"), fixture=body.get("fixture"), config=body.get("config")
    )
    return JSONResponse(tenant_json(tenant), status_code=201)


@guarded
async def get_tenant(request: Request) -> Response:
    return JSONResponse(tenant_json(tenants_of(request).get(request.path_params["tenant"])))


@guarded
async def delete_tenant(request: Request) -> Response:
    tenants_of(request).delete(request.path_params["tenant"])
    return Response(status_code=204)


@guarded
async def configure_tenant(request: Request) -> Response:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise TenantError("body must be a JSON object of config sections")
    tenant = tenants_of(request).configure(request.path_params["tenant"], body)
    return JSONResponse(tenant_json(tenant))


@guarded
async def reset_tenant(request: Request) -> Response:
    tenant = tenants_of(request).reset(request.path_params["tenant"])
    return JSONResponse(tenant_json(tenant))


@guarded
async def seed_tenant(request: Request) -> Response:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise TenantError("body must be a JSON object")
    tenant_id = request.path_params["tenant"]
    if isinstance(body.get("fixture"), str):
        tenants_of(request).seed(tenant_id, body["fixture"])
    elif isinstance(body.get("generate"), dict):
        options = body["generate"]
        allowed = {"seed", "name", "vendors", "customers", "projects", "codes_per_project"}
        unknown = set(options) - allowed
        if unknown:
            raise TenantError(f"unknown generate options: {', '.join(sorted(unknown))}")
        for key, value in options.items():
            if key != "name" and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise TenantError(f"generate option {key!r} must be a non-negative integer")
        tenants_of(request).seed(tenant_id, datasets.generate(**options))
    else:
        raise TenantError("give either 'fixture' (a name) or 'generate' (options)")
    return JSONResponse(tenant_json(tenants_of(request).get(tenant_id)))


@guarded
async def snapshot_tenant(request: Request) -> Response:
    return JSONResponse(tenants_of(request).snapshot(request.path_params["tenant"]))


@guarded
async def restore_tenant(request: Request) -> Response:
    body = await json_body(request)
    tenant = tenants_of(request).restore(request.path_params["tenant"], body)
    return JSONResponse(tenant_json(tenant))


def service_of(request: Request) -> Service:
    name = request.path_params["erp"]
    for svc in tenants_of(request).services:
        if svc.name == name:
            return svc
    known = ", ".join(svc.name for svc in tenants_of(request).services)
    raise TenantError(f"no ERP {name!r}; this simulator serves: {known}", status=404)


@guarded
async def list_backoffice(request: Request) -> Response:
    tenants_of(request).get(request.path_params["tenant"])
    svc = service_of(request)
    actions = {name: (action.__doc__ or "").strip().splitlines()[0] if action.__doc__ else ""
               for name, action in svc.backoffice.items()}
    return JSONResponse({"erp": svc.name, "actions": actions})


@guarded
async def run_backoffice(request: Request) -> Response:
    tenant = tenants_of(request).get(request.path_params["tenant"])
    svc = service_of(request)
    action = svc.backoffice.get(request.path_params["action"])
    if action is None:
        known = ", ".join(sorted(svc.backoffice)) or "none"
        raise TenantError(f"no back-office action {request.path_params['action']!r} for {svc.name}; known: {known}",
                          status=404)
    params = await json_body(request, required=False)
    if not isinstance(params, dict):
        raise TenantError("body must be a JSON object of parameters")
    store = tenants_of(request).store
    office = Backoffice(store.records(tenant.id), tenant.config.get(svc.name, {}), request.app.state.clock)
    try:
        with store.transaction():
            result = action(office, params)
    except BackofficeError as exc:
        return JSONResponse({"error": {"status": 422, "erp": svc.name, "message": str(exc)}}, status_code=422)
    return JSONResponse(result)


@guarded
async def list_fixtures(request: Request) -> Response:
    return JSONResponse({"fixtures": datasets.available()})


@guarded
async def clock(request: Request) -> Response:
    clock = request.app.state.clock
    if request.method == "POST":
        body = await json_body(request)
        seconds = body.get("advance_seconds") if isinstance(body, dict) else None
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise TenantError("'advance_seconds' must be a non-negative number")
        clock.advance(float(seconds))
    return JSONResponse({"now": clock.now().isoformat(), "offset_seconds": clock.offset})


routes = [
    Route("/health", health, methods=["GET"]),
    Route("/fixtures", list_fixtures, methods=["GET"]),
    Route("/clock", clock, methods=["GET", "POST"]),
    Route("/tenants", list_tenants, methods=["GET"]),
    Route("/tenants", create_tenant, methods=["POST"]),
    Route("/tenants/{tenant}", get_tenant, methods=["GET"]),
    Route("/tenants/{tenant}", delete_tenant, methods=["DELETE"]),
    Route("/tenants/{tenant}/config", configure_tenant, methods=["PATCH"]),
    Route("/tenants/{tenant}/reset", reset_tenant, methods=["POST"]),
    Route("/tenants/{tenant}/seed", seed_tenant, methods=["POST"]),
    Route("/tenants/{tenant}/snapshot", snapshot_tenant, methods=["GET"]),
    Route("/tenants/{tenant}/restore", restore_tenant, methods=["POST"]),
    Route("/tenants/{tenant}/backoffice/{erp}", list_backoffice, methods=["GET"]),
    Route("/tenants/{tenant}/backoffice/{erp}/{action}", run_backoffice, methods=["POST"]),
]


async def not_found(scope: Any, receive: Any, send: Any) -> None:
    await error(404, f"no admin endpoint {scope.get('path')!r}")(scope, receive, send)


admin = Router(routes=routes, default=not_found)

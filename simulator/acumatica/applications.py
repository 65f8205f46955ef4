"""Connected applications (SM303010) in the control plane: what an administrator sets up for OAuth clients.

    GET    /_erpsim/tenants/{id}/acumatica/applications              every application, secrets included
    POST   /_erpsim/tenants/{id}/acumatica/applications              {name, flow?, redirect_uris?, user?}
    GET    /_erpsim/tenants/{id}/acumatica/applications/{client_id}
    PATCH  /_erpsim/tenants/{id}/acumatica/applications/{client_id}  {name?, active?, flow?, redirect_uris?,
                                                                     user?, allow_loopback?, new_secret?}
    DELETE /_erpsim/tenants/{id}/acumatica/applications/{client_id}  also revokes nothing already issued

Applications live in the tenant's Acumatica settings (``connected_apps``), so snapshots carry them.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulator.acumatica.oauth import ERP, FLOWS, applications, new_application
from simulator.admin import guarded, json_body, tenants_of
from simulator.store import Tenant
from simulator.tenants import TenantError

BASE = "/_erpsim/tenants/{tenant}/acumatica/applications"
EDITABLE = {"name": str, "active": bool, "flow": str, "redirect_uris": list, "user": (str, type(None)),
            "allow_loopback": bool}


def _json(client_id: str, app: dict[str, Any]) -> dict[str, Any]:
    return {"client_id": client_id, **app}


def _tenant(request: Request) -> Tenant:
    tenant = tenants_of(request).get(request.path_params["tenant"])
    if ERP not in tenant.config:
        raise TenantError(f"tenant {tenant.id!r} has no Acumatica books", status=404)
    return tenant


def _save(request: Request, tenant: Tenant, apps: dict[str, dict[str, Any]]) -> None:
    config = dict(tenant.config)
    config[ERP] = {**config[ERP], "connected_apps": apps}
    tenants_of(request).store.update_tenant(tenant.id, config=config)


def _check(changes: Any, *, creating: bool) -> dict[str, Any]:
    if not isinstance(changes, dict):
        raise TenantError("body must be a JSON object")
    allowed = set(EDITABLE) | ({"client_id"} if creating else {"new_secret"})
    unknown = set(changes) - allowed
    if unknown:
        raise TenantError(f"unknown fields: {', '.join(sorted(unknown))}; known: {', '.join(sorted(allowed))}")
    for name, kind in EDITABLE.items():
        if name in changes and (not isinstance(changes[name], kind) or
                                (kind is not bool and isinstance(changes[name], bool))):
            raise TenantError(f"'{name}' has the wrong type")
    if "flow" in changes and changes["flow"] not in FLOWS:
        raise TenantError(f"'flow' must be one of: {', '.join(FLOWS)}")
    if not all(isinstance(u, str) and u.strip() for u in changes.get("redirect_uris", [])):
        raise TenantError("'redirect_uris' must be a list of URLs")
    if creating and not str(changes.get("name") or "").strip():
        raise TenantError("'name' is required")
    return changes


@guarded
async def collection(request: Request) -> Response:
    tenant = _tenant(request)
    apps = applications(tenant.config[ERP])
    if request.method == "GET":
        return JSONResponse({"applications": [_json(cid, app) for cid, app in apps.items()]})
    body = _check(await json_body(request), creating=True)
    tenant_name = str(tenant.config[ERP].get("tenant_name") or tenant.id)
    wanted = body.get("client_id")
    if wanted is not None and (not isinstance(wanted, str) or not wanted.endswith(f"@{tenant_name}")):
        raise TenantError(f"'client_id' must end with '@{tenant_name}'")
    if wanted is not None and any(cid.casefold() == wanted.casefold() for cid in apps):
        raise TenantError(f"application {wanted!r} already exists", status=409)
    cid, app = new_application(tenant_name, body["name"].strip(), body.get("flow", "Resource Owner Password "
                                                                                   "Credentials"),
                               client_id=wanted, redirect_uris=body.get("redirect_uris"), user=body.get("user"))
    if "active" in body:
        app["active"] = body["active"]
    if "allow_loopback" in body:
        app["allow_loopback"] = body["allow_loopback"]
    _save(request, tenant, {**apps, cid: app})
    return JSONResponse(_json(cid, app), status_code=201)


@guarded
async def member(request: Request) -> Response:
    tenant = _tenant(request)
    apps = dict(applications(tenant.config[ERP]))
    wanted = request.path_params["client_id"]
    cid = next((c for c in apps if c.casefold() == wanted.casefold()), None)
    if cid is None:
        raise TenantError(f"no connected application {wanted!r}", status=404)
    if request.method == "GET":
        return JSONResponse(_json(cid, apps[cid]))
    if request.method == "DELETE":
        del apps[cid]
        _save(request, tenant, apps)
        return Response(status_code=204)
    body = _check(await json_body(request), creating=False)
    app = {**apps[cid], **{k: v for k, v in body.items() if k != "new_secret"}}
    if body.get("new_secret"):
        app["secret"] = secrets.token_urlsafe(18)
    apps[cid] = app
    _save(request, tenant, apps)
    return JSONResponse(_json(cid, app))


routes: list[BaseRoute] = [
    Route(BASE, collection, methods=["GET", "POST"]),
    Route(BASE + "/{client_id}", member, methods=["GET", "PATCH", "DELETE"]),
]

"""``/_erpsim/tenants/{id}/faults``: a tenant's fault rules, added, listed and removed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.admin import error, json_body, tenants_of
from simulator.faults.rules import RuleError, Rules, parse_rule
from simulator.journal.admin import refusing
from simulator.journal.middleware import wires_of

PREFIX = "/_erpsim/tenants/{tenant}/faults"


def known_errors(request: Request) -> dict[str, set[str]]:
    """Each served system's transient error names, for checking an ``error`` fault."""
    found: dict[str, set[str]] = {}
    for wire in wires_of(request.app.state):
        found.setdefault(wire.erp, set()).update(wire.errors)
    return found


refusals = refusing(RuleError)


def _rules(request: Request) -> tuple[Rules, str]:
    tenant = tenants_of(request).get(request.path_params["tenant"]).id
    return Rules(request.app.state.store), tenant


@refusals
async def list_rules(request: Request) -> Response:
    rules, tenant = _rules(request)
    return JSONResponse({"tenant": tenant, "rules": [r.to_json() for r in rules.list(tenant)]})


@refusals
async def add_rules(request: Request) -> Response:
    """One rule (an object) or several (a list, added in order, all or none)."""
    rules, tenant = _rules(request)
    body = await json_body(request)
    many = isinstance(body, list)
    raw = body if many else [body]
    if not raw:
        raise RuleError("give a rule object or a non-empty list of them")
    errors = known_errors(request)
    parsed = []
    for index, item in enumerate(raw):
        try:
            parsed.append(parse_rule(item, errors))
        except RuleError as exc:
            raise RuleError(f"rule {index}: {exc}" if many else str(exc)) from exc
    with rules.store.transaction():
        added = [rules.add(tenant, rule).to_json() for rule in parsed]
    return JSONResponse({"tenant": tenant, "rules": added} if many else added[0], status_code=201)


@refusals
async def get_rule(request: Request) -> Response:
    rules, tenant = _rules(request)
    rule = rules.get(tenant, request.path_params["rule"])
    if rule is None:
        return error(404, f"no fault rule {request.path_params['rule']} for tenant {tenant!r}")
    return JSONResponse(rule.to_json())


@refusals
async def delete_rule(request: Request) -> Response:
    rules, tenant = _rules(request)
    if not rules.delete(tenant, request.path_params["rule"]):
        return error(404, f"no fault rule {request.path_params['rule']} for tenant {tenant!r}")
    return Response(status_code=204)


@refusals
async def clear_rules(request: Request) -> Response:
    rules, tenant = _rules(request)
    return JSONResponse({"tenant": tenant, "deleted": rules.clear(tenant)})


routes = [
    Route(PREFIX, list_rules, methods=["GET"]),
    Route(PREFIX, add_rules, methods=["POST"]),
    Route(PREFIX, clear_rules, methods=["DELETE"]),
    Route(PREFIX + "/{rule:int}", get_rule, methods=["GET"]),
    Route(PREFIX + "/{rule:int}", delete_rule, methods=["DELETE"]),
]

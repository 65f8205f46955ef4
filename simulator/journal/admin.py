"""``/_erpsim/tenants/{id}/journal``: read, count and clear a tenant's exchanges; tune its journal."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.admin import error, guarded, json_body, tenants_of
from simulator.journal.log import Journal, JournalError, Matcher, Settings

PREFIX = "/_erpsim/tenants/{tenant}/journal"
MAX_PAGE = 10_000


def _journal(request: Request) -> tuple[Journal, str]:
    tenant = tenants_of(request).get(request.path_params["tenant"]).id
    return Journal(request.app.state.store), tenant


def refusing(*kinds: type[Exception]) -> Any:
    """The admin's own refusals, plus these exceptions answered as 400 with their message."""
    def wrap(handler: Any) -> Any:
        @guarded
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)  # type: ignore[no-any-return]
            except kinds as exc:
                return error(400, str(exc))

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


refusals = refusing(JournalError)


def _int(request: Request, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise JournalError(f"'{name}' must be a whole number from {low} to {high}")
    return int(raw)


@refusals
async def list_entries(request: Request) -> Response:
    journal, tenant = _journal(request)
    known = {"erp", "operation", "object", "status", "since", "until", "method", "path", "fault", "controlid",
             "limit", "before"}
    unknown = set(request.query_params) - known
    if unknown:
        raise JournalError(f"unknown journal filters: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    matcher = Matcher.parse({k: v for k, v in request.query_params.items() if k not in ("limit", "before")})
    limit = _int(request, "limit", 100, 1, MAX_PAGE)
    before = _int(request, "before", None, 1, 2**62)
    entries = journal.find(tenant, matcher, limit=limit or 100, before=before)
    return JSONResponse({"tenant": tenant, "size": journal.size(tenant), "entries": entries})


@refusals
async def get_entry(request: Request) -> Response:
    journal, tenant = _journal(request)
    entry = journal.get(tenant, request.path_params["entry"])
    if entry is None:
        return error(404, f"no journal entry {request.path_params['entry']} for tenant {tenant!r} (the ring keeps "
                          f"the newest {journal.settings(tenant).limit})")
    return JSONResponse(entry)


@refusals
async def clear(request: Request) -> Response:
    journal, tenant = _journal(request)
    return JSONResponse({"tenant": tenant, "cleared": journal.clear(tenant)})


@refusals
async def count(request: Request) -> Response:
    journal, tenant = _journal(request)
    matcher = Matcher.parse(await json_body(request, required=False))
    return JSONResponse({"tenant": tenant, "count": journal.count(tenant, matcher)})


@refusals
async def settings(request: Request) -> Response:
    journal, tenant = _journal(request)
    if request.method != "GET":
        journal.configure(tenant, Settings.parse(await json_body(request), journal.settings(tenant)))
    return JSONResponse({"tenant": tenant, **journal.settings(tenant).to_json(), "size": journal.size(tenant)})


routes = [
    Route(PREFIX, list_entries, methods=["GET"]),
    Route(PREFIX, clear, methods=["DELETE"]),
    Route(PREFIX + "/count", count, methods=["POST"]),
    Route(PREFIX + "/settings", settings, methods=["GET", "PUT", "PATCH"]),
    Route(PREFIX + "/{entry:int}", get_entry, methods=["GET"]),
]

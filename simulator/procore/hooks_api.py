"""The webhooks management API: hooks, their triggers and their deliveries (reference §2.10)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from simulator.procore.api import Call, Handler
from simulator.procore.webhooks import DELIVERY, EVENT_TYPES, HOOK, RESOURCES, TRIGGER, VERSIONS, payload
from simulator.procore.wire import ProcoreError, answer, body, filters, invalid, not_found, wrapped

NAMESPACE = re.compile(r"^[a-z0-9-]+$")


def hook_json(call: Call, row: Any) -> dict[str, Any]:
    d = row.data
    return {"id": row.id, "api_version": d["api_version"], "namespace": d["namespace"],
            "destination_url": d["destination_url"], "destination_headers": d.get("destination_headers") or {},
            "owned_by_company_id": d.get("owned_by_company_id"), "owned_by_project_id": d.get("owned_by_project_id"),
            "owned_by_user_id": d.get("owned_by_user_id")}


def _scope(call: Call, data: dict[str, Any]) -> tuple[int | None, int | None]:
    project_id = data.get("project_id") or call.param("project_id")
    company_id = data.get("company_id") or call.param("company_id")
    if project_id is None and company_id is None:
        raise ProcoreError(400, "param is missing or the value is empty: company_id or project_id")
    if project_id is not None:
        return None, call.project(project_id).id
    if str(company_id) != str(call.company_id):
        raise ProcoreError(403, "App is not connected to this company")
    return call.company_id, None


def _hook_values(attrs: dict[str, Any], version_default: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "namespace" in attrs:
        if not isinstance(attrs["namespace"], str) or not NAMESPACE.match(attrs["namespace"]):
            raise invalid("namespace", "may only contain lowercase letters, digits and '-'")
        values["namespace"] = attrs["namespace"]
    if "api_version" in attrs or "payload_version" in attrs:
        version = attrs.get("api_version") or attrs.get("payload_version")
        if version not in VERSIONS:
            raise invalid("api_version", f"must be one of {', '.join(VERSIONS)}")
        values["api_version"] = version
    if "destination_url" in attrs:
        url = attrs["destination_url"]
        if not isinstance(url, str) or not re.match(r"^https?://", url):
            raise invalid("destination_url", "must be an http(s) URL")
        values["destination_url"] = url
    if "destination_headers" in attrs:
        if not isinstance(attrs["destination_headers"], dict):
            raise invalid("destination_headers", "must be an object")
        values["destination_headers"] = {str(k): str(v) for k, v in attrs["destination_headers"].items()}
    if "api_version" not in values:
        values["api_version"] = version_default
    return values


def hook_of(call: Call) -> Any:
    records = call.request.app.state.store.records(call.tenant.id)
    try:
        row = records.get(HOOK, int(call.request.path_params["hook_id"]))
    except ValueError:
        row = None
    if row is None:
        raise not_found("Hook")
    return row


async def post_hook(call: Call) -> Response:
    data = await body(call.request)
    company_id, project_id = _scope(call, data)
    values = _hook_values(wrapped(data, "hook"), str(call.config.get("webhook_api_version", "v2.0")))
    for needed in ("namespace", "destination_url"):
        if needed not in values:
            raise invalid(needed, "can't be blank")
    values.update(owned_by_company_id=company_id, owned_by_project_id=project_id, owned_by_user_id=call.user_id)
    records = call.request.app.state.store.records(call.tenant.id)
    hook_id = records.insert(HOOK, values)
    return answer(hook_json(call, records.get(HOOK, hook_id)), 201)


async def list_hooks(call: Call) -> Response:
    records = call.request.app.state.store.records(call.tenant.id)
    rows = list(records.iter(HOOK))
    for name in ("namespace", "api_version"):
        wanted = call.param(name)
        if wanted is not None:
            rows = [row for row in rows if row.data.get(name) == wanted]
    if call.param("project_id") is not None:
        rows = [row for row in rows if str(row.data.get("owned_by_project_id")) == call.param("project_id")]
    return call.listing([hook_json(call, row) for row in rows])


async def show_hook(call: Call) -> Response:
    return answer(hook_json(call, hook_of(call)))


async def patch_hook(call: Call) -> Response:
    row = hook_of(call)
    data = await body(call.request)
    values = _hook_values(wrapped(data, "hook"), row.data["api_version"])
    records = call.request.app.state.store.records(call.tenant.id)
    records.update(HOOK, row.id, dict(row.data, **values))
    return answer(hook_json(call, records.get(HOOK, row.id)))


async def delete_hook(call: Call) -> Response:
    row = hook_of(call)
    records = call.request.app.state.store.records(call.tenant.id)
    with call.request.app.state.store.transaction():
        records.delete_children(TRIGGER, row.id)
        records.delete_children(DELIVERY, row.id)
        records.delete(HOOK, row.id)
    return answer(None, 204)


def trigger_json(call: Call, row: Any) -> dict[str, Any]:
    d = row.data
    return {"id": row.id, "webhook_hook_id": row.parent, "resource_name": d["resource_name"], "resource_id": None,
            "event_type": d["event_type"], "company_id": d.get("company_id"), "project_id": d.get("project_id"),
            "user_id": d.get("user_id")}


async def post_trigger(call: Call) -> Response:
    hook = hook_of(call)
    data = await body(call.request)
    attrs = wrapped(data, "trigger")
    resource, event_type = attrs.get("resource_name"), attrs.get("event_type")
    if resource not in RESOURCES.values():
        raise invalid("resource_name", f"is not a webhook resource; see {call.request.url.path.split('/hooks')[0]}"
                                       f"/resources")
    if event_type not in EVENT_TYPES:
        raise invalid("event_type", f"must be one of {', '.join(EVENT_TYPES)}")
    records = call.request.app.state.store.records(call.tenant.id)
    trigger_id = records.insert(TRIGGER, {"resource_name": resource, "event_type": event_type,
                                          "company_id": hook.data.get("owned_by_company_id"),
                                          "project_id": hook.data.get("owned_by_project_id"),
                                          "user_id": call.user_id}, parent=hook.id)
    return answer(trigger_json(call, records.get(TRIGGER, trigger_id)), 201)


async def list_triggers(call: Call) -> Response:
    hook = hook_of(call)
    records = call.request.app.state.store.records(call.tenant.id)
    return call.listing([trigger_json(call, row) for row in records.children(TRIGGER, hook.id)])


async def delete_trigger(call: Call) -> Response:
    hook = hook_of(call)
    records = call.request.app.state.store.records(call.tenant.id)
    try:
        row = records.get(TRIGGER, int(call.request.path_params["id"]))
    except ValueError:
        row = None
    if row is None or row.parent != hook.id:
        raise not_found("Trigger")
    records.delete(TRIGGER, row.id)
    return answer(None, 204)


OUTCOMES = {"ok": "ok", "discarded": "discarded", "retrying": "retried", "pending": "retried"}
STATUS_FILTER = {"successful": ("ok",), "discarded": ("discarded",), "failing": ("retrying", "pending"),
                 "any": ("ok", "discarded", "retrying", "pending")}


async def list_deliveries(call: Call) -> Response:
    hook = hook_of(call)
    records = call.request.app.state.store.records(call.tenant.id)
    wanted = (filters(call.request).get("status") or ["any"])[0]
    if wanted not in STATUS_FILTER:
        raise ProcoreError(400, f"filters[status] must be one of {', '.join(STATUS_FILTER)}")
    rows = []
    for row in records.children(DELIVERY, hook.id):
        d = row.data
        if d["status"] not in STATUS_FILTER[wanted]:
            continue
        last = (d.get("attempts") or [{}])[-1]
        rows.append({"id": row.id, "event_id": row.id, "event": payload(hook.data["api_version"], row.id,
                                                                          d["event"]),
                     "outcome": OUTCOMES[d["status"]] if d.get("attempts") else "retried",
                     "status": d["status"], "attempts": len(d.get("attempts") or []),
                     "response_status": last.get("response_status"),
                     "response_headers": last.get("response_headers"), "response_body": last.get("response_body"),
                     "response_error": last.get("response_error"),
                     "started_at": _stamp(last.get("started_at")), "completed_at": _stamp(last.get("completed_at"))})
    page_size = call.param("page_size")
    if page_size is not None:
        start = int(call.param("page_start") or 0)
        rows = rows[start:start + max(1, int(page_size))]
        return answer(rows)
    return call.listing(rows)


def _stamp(value: float | None) -> str | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).isoformat()


async def resources(call: Call) -> Response:
    return answer([{"name": name, "event_types": list(EVENT_TYPES)} for name in sorted(set(RESOURCES.values()))])


async def api_versions(call: Call) -> Response:
    return answer([{"api_version": v} for v in VERSIONS])


def routes(r: Callable[..., Any]) -> list[Any]:
    base = "/rest/v1.0/webhooks"
    handlers: list[tuple[str, Handler, str]] = [
        ("/hooks", list_hooks, "GET"), ("/hooks", post_hook, "POST"),
        ("/hooks/{hook_id:int}", show_hook, "GET"), ("/hooks/{hook_id:int}", patch_hook, "PATCH"),
        ("/hooks/{hook_id:int}", delete_hook, "DELETE"),
        ("/hooks/{hook_id:int}/triggers", list_triggers, "GET"), ("/hooks/{hook_id:int}/triggers", post_trigger, "POST"),
        ("/hooks/{hook_id:int}/triggers/{id:int}", delete_trigger, "DELETE"),
        ("/hooks/{hook_id:int}/deliveries", list_deliveries, "GET"),
        ("/resources", resources, "GET"), ("/resources/api_versions", api_versions, "GET"),
    ]
    return [r(f"{base}{path}", handler, method) for path, handler, method in handlers]



"""Acumatica's face to the journal and faults: the entity and action of a request, and its transient errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from simulator.acumatica import errors, oauth
from simulator.acumatica.config import MOUNT, default_config
from simulator.acumatica.sessions import AUTH_COOKIE
from simulator.acumatica.wire import loads
from simulator.journal.hook import Answer, Exchange, Incoming, Operation, Wire
from simulator.tenants import DEMO_TENANT

ERP = "acumatica"


def _operation(method: str, parts: list[str]) -> Operation:
    # entity/auth/login, entity/{endpoint}/{version}/{Entity}[/{id or Action}[/...]], identity/connect/token
    if parts[:2] == ["entity", "auth"] and len(parts) == 3:
        return Operation(parts[2], "auth")
    if parts[:1] == ["identity"]:
        return Operation(parts[-1], "identity")
    if parts[:1] == ["entity"] and len(parts) >= 4:
        entity = parts[3]
        if entity == "files":
            return Operation(method, "files")
        if len(parts) == 5 and method == "POST" and parts[4][:1].isalpha() and not parts[4].startswith("$"):
            return Operation(parts[4], entity)
        return Operation(method, entity)
    return Operation(method, "/".join(parts))


def _login_tenant(incoming: Incoming) -> str | None:
    content_type = incoming.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        creds = (dict(parse_qsl(incoming.body.decode("utf-8", "replace")))
                 if content_type == "application/x-www-form-urlencoded" else loads(incoming.body))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(creds, dict):
        return None
    client_id = creds.get("client_id")
    if isinstance(client_id, str) and "@" in client_id:  # OAuth: GUID@TenantLoginName
        creds = {"tenant": client_id.rpartition("@")[2]}
    name = creds.get("tenant") or creds.get("company") or ""
    if not isinstance(name, str):
        return None
    if not name.strip():
        # An empty tenant signs in to the instance's default one (see sessions).
        listed = incoming.state.tenants.list()
        ids = [t.id for t in listed]
        return DEMO_TENANT if DEMO_TENANT in ids else (ids[0] if ids else None)
    found = incoming.state.tenants.resolve(ERP, "tenant_name", name.strip())
    return found.id if found is not None else None


def describe(incoming: Incoming) -> Exchange:
    parts = [unquote(p) for p in incoming.path.removeprefix(MOUNT).strip("/").split("/") if p]
    op = _operation(incoming.method, parts)
    token = incoming.cookie(AUTH_COOKIE)
    tenant = None
    if (op.object, op.name) in (("auth", "login"), ("identity", "token")):
        tenant = _login_tenant(incoming)
    if tenant is None and token:
        row = incoming.state.store.get_session(token, ERP)
        tenant = row[0] if row is not None else None
    bearer = incoming.bearer()
    if tenant is None and bearer:
        row = incoming.state.store.get_session(bearer, oauth.ACCESS)
        if row is not None:
            tenant = row[0]
            linked = row[3].get("session")  # the server session the token rides on, which can expire
            token = str(linked) if linked else None
    writes = incoming.method in ("PUT", "POST", "DELETE", "PATCH") and op.object != "auth"
    return Exchange(tenant, (op,), token, writes=writes)


# -- transient errors, in the HttpError shape (reference acumatica.md 1.4) -----------------------------


def _answer(error: errors.AcumaticaError, params: Mapping[str, Any]) -> Answer:
    headers = {k.lower(): v for k, v in error.headers.items()}
    return Answer(int(params.get("status", error.status)), json.dumps(error.body()).encode(),
                  (("content-type", "application/json; charset=utf-8"), *headers.items()))


def api_login_limit(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """429 with "API Login Limit" in a PXException, the text clients match (wording UNVERIFIED)."""
    message = params.get("message", default_config("", "")["login_limit_message"])
    return _answer(errors.AcumaticaError(429, errors.GENERIC, exception_message=message,
                                         exception_type=errors.LICENSE), params)


def request_limit(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """429: the licence's per-minute or queued-request limit declined the request."""
    message = params.get("message", "The number of requests has exceeded the limit imposed by the license.")
    return _answer(errors.AcumaticaError(429, errors.GENERIC, exception_message=message,
                                         exception_type=errors.LICENSE), params)


def record_lock(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """500 PXException: another process changed the record under this one (wording UNVERIFIED)."""
    entity = describe(incoming).operations[0].object
    message = params.get("message", f"Another process has updated the '{entity}' record. Your changes will be lost.")
    return _answer(errors.server_error(message, errors.PX_EXCEPTION), params)


def session(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """401: the session is gone, as after the idle timeout."""
    return _answer(errors.AcumaticaError(401, params.get("message", "You are not logged in.")), params)


ERRORS = {"api_login_limit": api_login_limit, "request_limit": request_limit, "record_lock": record_lock,
          "session": session}
def needs_body(method: str, path: str) -> bool:
    """Only a login names its tenant in the body; everything else by its session cookie or bearer token."""
    path = path.rstrip("/")
    return path.endswith("/entity/auth/login") or path.endswith("/identity/connect/token")


WIRE = Wire(ERP, MOUNT, describe, frozenset({"password", AUTH_COOKIE, "ASP.NET_SessionId", "code", "id_token"}),
            ERRORS, needs_body)

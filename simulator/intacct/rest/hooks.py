"""The REST wire's face to the journal and faults: naming a request, and its transient errors.

A request is named by what it does to which object (``create``
``accounts-payable/vendor``, ``query`` ``projects/task``, ``token`` ``oauth2``);
a composite names each sub-request. The tenant is the one the bearer token was
issued for, or, on the token endpoint, the company whose client id is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from simulator.intacct.hooks import gateway  # the edge's HTML error page is the same on both wires
from simulator.intacct.rest.auth import ACCESS, token_invalid
from simulator.intacct.rest.config import settings
from simulator.intacct.rest.routes import PREFIX
from simulator.intacct.rest.wire import AuthError, RestError
from simulator.journal.hook import Answer, Exchange, Incoming, Operation, Wire

ERP = "intacct"
JSON = (("content-type", "application/json"),)
SECRETS = frozenset({"client_secret", "access_token", "refresh_token", "code", "code_verifier", "password",
                     "sessionId"})
READS = ("/services/core/query", "/services/core/model", "/services/core/session/id")


def _body(incoming: Incoming) -> Any:
    text = incoming.body.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return dict(parse_qsl(text)) if "=" in text else None


def _object(path: str) -> Operation:
    parts = [unquote(p) for p in path.strip("/").split("/")]
    return Operation("", "/".join(parts[1:3]))


def name(method: str, path: str, body: Any) -> tuple[Operation, ...]:
    """The operations of one REST call (``path`` without the ``/ia/api/v1`` prefix)."""
    path = path.split("?", 1)[0]
    if path.startswith("/objects/"):
        parts = [p for p in path.strip("/").split("/") if p]
        verb = {("GET", 3): "list", ("POST", 3): "create", ("GET", 4): "get", ("PATCH", 4): "update",
                ("DELETE", 4): "delete"}.get((method, len(parts)), method.lower())
        return (Operation(verb, unquote("/".join(parts[1:3]))),)
    if path.rstrip("/") == "/services/core/query":
        return (Operation("query", str(body.get("object", "")) if isinstance(body, dict) else ""),)
    if path.rstrip("/") == "/services/core/composite" and isinstance(body, list):
        return tuple(op for item in body if isinstance(item, dict) for op in name(
            str(item.get("method", "")), str(item.get("path", "")), item.get("body")))
    if path.startswith("/workflows/"):
        parts = path.strip("/").split("/")
        return (Operation(parts[-1], "/".join(parts[1:-1])),)
    if path.startswith("/oauth2/"):
        return (Operation(path.strip("/").split("/")[-1], "oauth2"),)
    return (Operation(method.lower(), path.strip("/")),)


def describe(incoming: Incoming) -> Exchange:
    path = incoming.path.removeprefix(PREFIX) or "/"
    body = _body(incoming)
    ops = name(incoming.method, path, body)
    state = incoming.state
    tenant = None
    token = incoming.bearer()
    if path.startswith("/oauth2/") and isinstance(body, dict):
        client_id = str(body.get("client_id", ""))
        found = next((t for t in state.tenants.list() if client_id and settings(t).get("client_id") == client_id),
                     None)
        tenant = found.id if found is not None else None
    elif token:
        row = state.store.get_session(token, ACCESS)
        tenant = row[0] if row is not None else None
    writes = incoming.method in ("POST", "PATCH", "DELETE") and not path.startswith(("/oauth2/", *READS))
    return Exchange(tenant, ops, None if path.startswith("/oauth2/") else token, writes=writes)


# -- transient errors, in the REST wire's shapes (reference intacct-rest.md §2.2, §2.5) ---------------


def _answer(error: RestError | AuthError, params: Mapping[str, Any], headers: tuple[tuple[str, str], ...] = ()
            ) -> Answer:
    status = int(params.get("status", error.status))
    return Answer(status, json.dumps(error.body()).encode(), (*JSON, *headers))


def rate_limit(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """429 with the retry hints clients read (header names from the reference; quotas UNVERIFIED)."""
    wait = str(params.get("retry_after", 60))
    error = RestError(429, params.get("message", "Too many requests. Please try again later."),
                      code="tooManyRequests", error_id="REST-1029", message_id="IA.TOO_MANY_REQUESTS")
    return _answer(error, params, (("retry-after", wait), ("x-ia-throttle-limit-retry-after", wait)))


def concurrency(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """Past the company's concurrent requests: the throttle's 429 (text UNVERIFIED)."""
    limit = params.get("limit", 2)
    error = RestError(429, params.get("message", f"At most {limit} requests may run at once for this company."),
                      code="tooManyRequests", error_id="REST-1029", message_id="IA.TOO_MANY_REQUESTS")
    return _answer(error, params, (("x-ia-tenant-throttle-limit-retry-after", str(params.get("retry_after", 1))),))


def session(incoming: Incoming, params: Mapping[str, Any]) -> Answer | None:
    """The token is no longer valid: REST-2102 in the top-level ``error`` shape (§1.5).

    A request without a bearer token (a grant at the token endpoint) has none to lose: the room answers.
    """
    if not incoming.bearer():
        return None
    row = incoming.state.store.get_session(incoming.bearer() or "", ACCESS)
    tenant = incoming.state.store.get_tenant(row[0]) if row is not None else None
    return _answer(token_invalid(tenant), params)


ERRORS = {"rate_limit": rate_limit, "concurrency": concurrency, "gateway": gateway, "session": session}
WIRE = Wire(ERP, PREFIX, describe, SECRETS, ERRORS)

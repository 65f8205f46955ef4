"""Procore's face to the journal and faults: the resource and verb of a request, and its transient errors.

The tenant is the one the bearer token was issued for, or, for a token request, the one whose OAuth
client is asking. Rate limiting (429) and heavy load (503) carry ``Retry-After`` [procore-api §2.7];
their body shape is UNVERIFIED, so they take the Rails-style ``{"errors": ...}`` the room uses.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from simulator.journal.hook import Answer, Exchange, Incoming, Operation, Wire
from simulator.procore import oauth

ERP = "procore"
MOUNT = "/procore"
VERBS = {"POST": "create", "PATCH": "update", "PUT": "update", "DELETE": "delete"}


def _operation(method: str, parts: list[str]) -> Operation:
    if parts[:1] == ["oauth"]:
        return Operation("/".join(parts[1:]) or "oauth", "oauth")
    if parts[:1] == ["rest"]:
        parts = parts[2:]  # rest/v1.0
    words = [p for p in parts if not p.isdigit()]
    if not words:
        return Operation(method.lower(), "")
    if words[-1] == "sync":
        return Operation("sync", words[-2] if len(words) > 1 else "")
    if method in ("GET", "HEAD"):
        return Operation("show" if parts and parts[-1].isdigit() else "list", words[-1])
    return Operation(VERBS.get(method, method.lower()), words[-1])


def _client_tenant(incoming: Incoming) -> str | None:
    header = incoming.headers.get("authorization", "")
    client_id = ""
    if header.lower().startswith("basic "):
        try:
            client_id = base64.b64decode(header[6:].strip()).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None
    else:
        form = dict(parse_qsl(incoming.body.decode("utf-8", "replace")))
        client_id = form.get("client_id", "")
    found = oauth.tenant_by_client(incoming.state.store, client_id) if client_id else None
    return found.id if found is not None else None


def describe(incoming: Incoming) -> Exchange:
    parts = [unquote(p) for p in incoming.path.removeprefix(MOUNT).strip("/").split("/") if p]
    op = _operation(incoming.method, parts)
    if op.object == "oauth" and op.name == "token":
        return Exchange(_client_tenant(incoming), (op,))
    token = incoming.bearer()
    row = incoming.state.store.get_session(token, oauth.ACCESS) if token else None
    writes = incoming.method in ("POST", "PATCH", "PUT", "DELETE") and op.object != "oauth"
    return Exchange(row[0] if row is not None else None, (op,), token, writes=writes)


def needs_body(method: str, path: str) -> bool:
    """Only a token request names its client in the body; every API call by its bearer token."""
    return path.rstrip("/") == f"{MOUNT}/oauth/token"


# -- transient errors -------------------------------------------------------------------------------------


def _errors(status: int, message: str, headers: dict[str, str]) -> Answer:
    body = json.dumps({"errors": message}).encode()
    return Answer(status, body, (("content-type", "application/json; charset=utf-8"),
                                 *((k.lower(), v) for k, v in headers.items())))


def rate_limit(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """429 with the rate-limit headers at zero and ``Retry-After`` until the window resets."""
    wait = int(params.get("retry_after", 10))
    reset = math.ceil(incoming.state.clock.time()) + wait
    return _errors(int(params.get("status", 429)), params.get("message", "Rate limit exceeded"), {
        "Retry-After": str(wait), "X-Rate-Limit-Limit": "3600", "X-Rate-Limit-Remaining": "0",
        "X-Rate-Limit-Reset": str(reset)})


def unavailable(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """503 under heavy load, with ``Retry-After``."""
    return _errors(int(params.get("status", 503)), params.get("message", "Service Unavailable"),
                   {"Retry-After": str(int(params.get("retry_after", 30)))})


def session(incoming: Incoming, params: Mapping[str, Any]) -> Answer | None:
    """401: the access token is no longer valid (the client refreshes it)."""
    if incoming.bearer() is None:
        return None
    return _errors(401, params.get("message", "The access token is invalid"),
                   {"WWW-Authenticate": 'Bearer realm="Procore", error="invalid_token"'})


ERRORS = {"rate_limit": rate_limit, "unavailable": unavailable, "session": session}
WIRE = Wire(ERP, MOUNT, describe, frozenset({"client_secret", "code", "code_verifier"}), ERRORS, needs_body)

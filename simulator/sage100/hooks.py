"""Sage 100 Contractor's face to the journal and faults: the table and operation, and its transient errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from simulator.journal.hook import Answer, Exchange, Incoming, Operation, Wire
from simulator.sage100.config import Settings
from simulator.sage100.errors import Problem, Sage100Error, forbidden, unauthorized

ERP = "sage100"
_ON_COLLECTION = {"GET": "list", "HEAD": "list", "POST": "insert"}
_ON_RECORD = {"GET": "retrieve", "HEAD": "retrieve", "PATCH": "modify", "DELETE": "delete"}
_ON_SESSION = {"POST": "login", "GET": "session", "DELETE": "logout"}


def _operation(method: str, parts: list[str]) -> Operation:
    if parts[:1] == ["session"]:
        return Operation(_ON_SESSION.get(method, method.lower()), "session")
    if parts[:1] == ["records"] and len(parts) >= 2:
        table = parts[1]
        if len(parts) == 2:
            return Operation(_ON_COLLECTION.get(method, method.lower()), table)
        if len(parts) == 3:
            return Operation(_ON_RECORD.get(method, method.lower()), table)
        return Operation(parts[3], table)
    return Operation(method.lower(), "/".join(parts))


def describe(incoming: Incoming) -> Exchange:
    op = describe_operation(incoming)
    token = incoming.bearer()
    tenant = None
    if op.name == "login":
        try:
            company = json.loads(incoming.body).get("company")
        except (ValueError, UnicodeDecodeError, AttributeError):
            company = None
        found = incoming.state.tenants.resolve(ERP, "company", company) if isinstance(company, str) else None
        tenant = found.id if found is not None else None
    elif token:
        row = incoming.state.store.get_session(token, ERP)
        tenant = row[0] if row is not None else None
    writes = incoming.method in ("POST", "PATCH", "DELETE") and op.object != "session"
    return Exchange(tenant, (op,), token, writes=writes)


# -- transient errors, in the room's JSON error shape --------------------------------------------------


def _answer(error: Sage100Error, params: Mapping[str, Any]) -> Answer:
    headers = dict(error.headers)
    body = json.dumps(error.to_json()).encode()
    return Answer(int(params.get("status", error.status)), body,
                  (("content-type", "application/json"), *((k.lower(), v) for k, v in headers.items())))


def _table(incoming: Incoming) -> str | None:
    op = describe_operation(incoming)
    return op.object if op.object != "session" else None


def record_in_use(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """Another user has the record open (UNVERIFIED wording: the desktop's lock, as the API reports it)."""
    table = _table(incoming)
    message = params.get("message", f"the {table or 'requested'} record is in use by another user; try again when "
                                    "they have closed it")
    return _answer(Sage100Error(409, "RecordInUse", Problem(message, table=table, rule="record_in_use")), params)


def licence_seats(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """Every licence seat is taken: the refusal a login past the limit gets."""
    tenant = describe(incoming).tenant
    found = incoming.state.store.get_tenant(tenant) if tenant else None
    settings = Settings.load(found.config.get(ERP, {})) if found is not None else None
    seats, company = (settings.licence_seats, settings.company) if settings else ("the", "this company")
    message = params.get("message", f"all {seats} licence seats of company {company!r} are in use; log out another "
                                    "API session or wait for one to time out")
    return _answer(forbidden(message, rule="licence_seats", code="LicenceLimit"), params)


def session(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """The session timed out, as the room answers a stale token."""
    return _answer(unauthorized(params.get("message", "the session has timed out; log in again"),
                                rule="session_timeout"), params)


def describe_operation(incoming: Incoming) -> Operation:
    parts = [unquote(p) for p in incoming.path.removeprefix("/sage100").strip("/").split("/") if p]
    return _operation(incoming.method, parts)


ERRORS = {"record_in_use": record_in_use, "licence_seats": licence_seats, "session": session}
def needs_body(method: str, path: str) -> bool:
    """Only a login names its company in the body; everything else by its bearer token."""
    return path.rstrip("/") == "/sage100/session"


WIRE = Wire(ERP, "/sage100", describe, frozenset({"password", "token"}), ERRORS, needs_body)

"""The XML gateway's face to the journal and faults: naming a request, and its transient errors.

A request is named by each function, its object and controlid. The tenant is
the company the first operation signs in to, or the one its session belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from simulator.intacct.errors import ControlFailure, ErrorDetail
from simulator.intacct.functions import WRITE_FUNCTIONS
from simulator.intacct.gateway import control_failure, parse_control
from simulator.intacct.wire import Control, child_text, control_block, errormessage, parse_request, serialize, sub, text
from simulator.journal.hook import Answer, Exchange, Incoming, Operation, Wire

ERP = "intacct"
# Functions that name their object in an <object> child rather than as a child element.
_BY_OBJECT_CHILD = {"read", "readByName", "readByQuery", "readMore", "query", "lookup", "inspect", "delete"}


def _operation(fn: etree._Element) -> Operation:
    inner = [c for c in fn if isinstance(c.tag, str)]
    controlid = fn.get("controlid", "")
    if len(inner) != 1:
        return Operation("", "", controlid)
    call = inner[0]
    name = str(call.tag)
    if name in _BY_OBJECT_CHILD:
        obj = child_text(call, "object") or ""
    elif name in ("create", "update"):
        objects = [str(c.tag) for c in call if isinstance(c.tag, str)]
        obj = objects[0] if objects else ""
    elif name.endswith("_potransaction"):
        obj = "PODOCUMENT"
    else:
        obj = call.get("object", "")
    return Operation(name, obj.strip().upper(), controlid)


def describe(incoming: Incoming) -> Exchange:
    try:
        root = parse_request(incoming.body)
    except ControlFailure:
        return Exchange(None)
    operations = root.findall("operation")
    ops = tuple(_operation(fn) for op in operations for content in op.findall("content")
                for fn in content if isinstance(fn.tag, str))
    tenant = session = None
    auth = operations[0].find("authentication") if operations else None
    if auth is not None and auth.find("login") is not None:
        company = child_text(auth.find("login"), "companyid") or ""  # type: ignore[arg-type]
        found = incoming.state.tenants.resolve(ERP, "company_id", company) if company else None
        tenant = found.id if found is not None else None
    elif auth is not None:
        session = text(auth.find("sessionid")) or None
        row = incoming.state.store.get_session(session, ERP) if session else None
        tenant = row[0] if row is not None else None
    return Exchange(tenant, ops, session, writes=any(op.name in WRITE_FUNCTIONS for op in ops))


# -- transient errors, in the gateway's shapes (reference intacct.md 1.4-1.6) -----------------------------

XML = (("content-type", "text/xml; charset=UTF-8"),)


def _control(incoming: Incoming) -> Control:
    try:
        return parse_control(parse_request(incoming.body))
    except ControlFailure:
        return Control()


def _gateway_failure(status: int, errorno: str, description: str) -> Answer:
    failure = ControlFailure(ErrorDetail(errorno, description=description), http_status=status, gateway=True)
    return Answer(status, serialize(control_failure(Control(), failure), True), XML)


def rate_limit(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """HTTP 429 with GW-0010; the SDK raises on the text "API rate limit exceeded"."""
    return _gateway_failure(int(params.get("status", 429)), "GW-0010",
                            params.get("message", "API rate limit exceeded. Please try again later."))


def concurrency(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """Past the company's concurrent requests (2 for most): the throttle's 429 (text UNVERIFIED)."""
    limit = params.get("limit", 2)
    return _gateway_failure(int(params.get("status", 429)), "GW-0010", params.get(
        "message", f"API rate limit exceeded: at most {limit} requests may run at once for this company."))


def gateway(incoming: Incoming, params: Mapping[str, Any]) -> Answer:
    """A mid-process failure: no XML, just the edge's HTTP error (500, 502, 503 or 524)."""
    status = int(params.get("status", 503))
    title = params.get("message", {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                                   524: "A timeout occurred"}.get(status, "Error"))
    html = f"<html><head><title>{status} {title}</title></head><body><h1>{status} {title}</h1></body></html>"
    return Answer(status, html.encode(), (("content-type", "text/html"),))


def session(incoming: Incoming, params: Mapping[str, Any]) -> Answer | None:
    """HTTP 200, the control block echoed, and the operation's authentication failed: "Invalid session".

    A request that signs in with a login has no session to lose: the gateway answers it.
    """
    if describe(incoming).session is None:
        return None
    control = _control(incoming)
    response = etree.Element("response")
    control_block(response, control, "success")
    op = sub(response, "operation")
    box = sub(op, "authentication")
    sub(box, "status", "failure")
    sub(box, "userid", "")
    sub(box, "companyid", "")
    try:
        sid = text(parse_request(incoming.body).find("operation/authentication/sessionid"))
    except ControlFailure:
        sid = ""
    errormessage(op, [ErrorDetail("XL03000006", description2=f"Invalid session {sid[:8]}....")])
    return Answer(200, serialize(response, control.includewhitespace), XML)


ERRORS = {"rate_limit": rate_limit, "concurrency": concurrency, "gateway": gateway, "session": session}
WIRE = Wire(ERP, "/ia/xml", describe, frozenset({"password", "sessionid"}), ERRORS)

"""One request through the gateway: control, then each operation's authentication and functions.

Failures surface at the level the real gateway reports them: control
(no operation runs), authentication (no function in that operation runs), or
function (the others still run, unless the operation is a transaction).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lxml import etree

from simulator.intacct import errors, legacy
from simulator.intacct.errors import AuthFailure, ControlFailure, ErrorDetail, FunctionFailure
from simulator.intacct.catalog import FUNCTIONS, LEGACY, WRITE_FUNCTIONS
from simulator.intacct.functions import Call, Result, ResultSet
from simulator.intacct.models import Ctx, kind
from simulator.intacct.wire import Control, child_text, control_block, errormessage, sub, text
from simulator.journal.hook import did_you_mean, near_miss
from simulator.store import Store, Tenant
from simulator.tenants import Tenants

ERP = "intacct"


class Rollback(Exception):
    """Unwinds a transaction operation after a function failed."""


@dataclass
class Auth:
    tenant: Tenant
    userid: str
    companyid: str
    locationid: str
    sessionid: str
    expires: float
    session: dict[str, Any]


def schema_error(message: str) -> ControlFailure:
    return errors.parse_error(f"Fatal Error 1871: {message}")


def parse_control(root: etree._Element) -> Control:
    if root.tag != "request":
        raise schema_error(f"Element '{root.tag}': No matching global declaration available for the validation root.")
    el = root.find("control")
    if el is None:
        raise schema_error("Element 'request': Missing child element(s). Expected is ( control ).")
    given = {child.tag: text(child) for child in el if isinstance(child.tag, str)}
    for tag in ("senderid", "controlid"):
        if tag not in given:
            raise schema_error(f"Element 'control': Missing child element(s). Expected is ( {tag} ).")
    control = Control(senderid=given["senderid"], password=given.get("password", ""),
                      controlid=given["controlid"], dtdversion=given.get("dtdversion") or "3.0",
                      policyid=given.get("policyid", ""))
    raw_unique = given.get("uniqueid", "")
    if raw_unique.lower() not in ("true", "false", ""):
        raise schema_error(f"Element 'uniqueid': '{raw_unique}' is not a valid value of the atomic type "
                           "'xs:boolean'.")
    control.uniqueid_raw = raw_unique or "true"
    control.uniqueid = control.uniqueid_raw.lower() == "true"
    control.includewhitespace = (given.get("includewhitespace") or "true").lower() != "false"
    if control.dtdversion not in ("2.1", "3.0"):
        raise schema_error(f"Element 'dtdversion': [facet 'enumeration'] The value '{control.dtdversion}' is not an "
                           "element of the set {'2.1', '3.0'}.")
    if not 1 <= len(control.controlid) <= 256:
        raise schema_error("Element 'controlid': the control id must be 1 to 256 characters.")
    return control


def check_function_controlids(operations: list[etree._Element]) -> None:
    """The XSD declares ``controlid`` required on every ``<function>``; the gateway validates before running any."""
    for op in operations:
        for fn in op.iterfind("content/function"):
            if fn.get("controlid") is None:
                raise errors.parse_error(f"Fatal Error 1868: Element 'function': The attribute 'controlid' is "
                                         f"required but missing. Line: {fn.sourceline or 1}, column: 0.")


def sender_valid(tenant: Tenant | None, control: Control) -> bool:
    senders = tenant.config.get(ERP, {}).get("senders", {}) if tenant is not None else {}
    return bool(control.password) and senders.get(control.senderid) == control.password


def check_sender(tenants: Tenants, control: Control, likely: Tenant | None) -> None:
    """Sender credentials are checked first against the company the request names, then anywhere."""
    if not sender_valid(likely, control) and not any(sender_valid(t, control) for t in tenants.list()):
        raise ControlFailure(ErrorDetail("XL03000006", description2="Incorrect Intacct XML Partner ID or password."))
    if control.policyid:
        raise ControlFailure(ErrorDetail("XL03000006", description2=f"{control.policyid} is not a valid transport "
                                                                     "policy."))


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Gateway:
    def __init__(self, store: Store, tenants: Tenants, clock: Any, results: dict[str, ResultSet],
                 endpoint: Callable[[], str]) -> None:
        self.store = store
        self.tenants = tenants
        self.clock = clock
        self.results = results
        self.endpoint = endpoint
        # Looked up once per request: the control check and authentication both need them.
        self._sessions: dict[str, tuple[str, str, float, dict[str, Any]] | None] = {}
        self._tenants: dict[str, Tenant | None] = {}
        self._stored_data: dict[str, dict[str, Any]] = {}

    def _session_row(self, token: str) -> tuple[str, str, float, dict[str, Any]] | None:
        if token not in self._sessions:
            found = self.store.get_session(token, ERP) if token else None
            self._sessions[token] = found
            if found is not None:
                self._stored_data[token] = json.loads(json.dumps(found[3]))
        return self._sessions[token]

    def _tenant(self, tenant_id: str) -> Tenant | None:
        if tenant_id not in self._tenants:
            self._tenants[tenant_id] = self.store.get_tenant(tenant_id)
        return self._tenants[tenant_id]

    def handle(self, root: etree._Element) -> tuple[int, etree._Element, bool]:
        """Run a parsed request; returns (HTTP status, response element, pretty-print)."""
        control = Control()
        try:
            control = parse_control(root)
            operations = root.findall("operation")
            check_sender(self.tenants, control, self._named_tenant(operations))
            if not operations:
                raise schema_error("Element 'request': Missing child element(s). Expected is ( operation ).")
            check_function_controlids(operations)
            legacy.check_request(operations)
            response = etree.Element("response")
            control_block(response, control, "success")
            for op in operations:
                response.append(self.operation(op, control))
            return 200, response, control.includewhitespace
        except ControlFailure as exc:
            return exc.http_status, control_failure(control, exc), control.includewhitespace

    # -- authentication ----------------------------------------------------------------

    def _named_tenant(self, operations: list[etree._Element]) -> Tenant | None:
        """The company the first operation signs in to, if it names one we know."""
        auth = operations[0].find("authentication") if operations else None
        if auth is None:
            return None
        if auth.find("login") is not None:
            company = child_text(auth.find("login"), "companyid") or ""  # type: ignore[arg-type]
            return self.tenants.resolve(ERP, "company_id", company) if company else None
        found = self._session_row(text(auth.find("sessionid")))
        return self._tenant(found[0]) if found is not None else None

    def authenticate(self, op: etree._Element, control: Control) -> Auth:
        auth = op.find("authentication")
        if auth is None:
            raise schema_error("Element 'operation': Missing child element(s). Expected is ( authentication ).")
        login, sessionid = auth.find("login"), auth.find("sessionid")
        now = self.clock.time()
        if login is not None:
            return self._login(login, control, now)
        if sessionid is not None:
            return self._session(text(sessionid), control, now)
        raise AuthFailure(ErrorDetail("XL03000006", description2="Provide <login> or <sessionid> in <authentication>."))

    def _login(self, login: etree._Element, control: Control, now: float) -> Auth:
        userid, companyid = child_text(login, "userid") or "", child_text(login, "companyid") or ""
        password, locationid = child_text(login, "password") or "", child_text(login, "locationid") or ""
        tenant = self.tenants.resolve(ERP, "company_id", companyid) if companyid else None
        if tenant is None:
            raise ControlFailure(ErrorDetail("invalidRequest", description="Invalid Request",
                                             description2=f"Invalid company ID '{companyid}'."),
                                 http_status=400, gateway=True)
        config = tenant.config.get(ERP, {})
        self._authorized(tenant, control, userid, companyid)
        if config.get("users", {}).get(userid) != password or not password:
            if config.get("bad_login", "http401") == "http401":
                raise ControlFailure(ErrorDetail(
                    "XMLGW_JPP0002", description="Sign-in information is incorrect. Please check your request."),
                    http_status=401, gateway=True)
            raise AuthFailure(ErrorDetail("XL03000006", description2="Sign-in information is incorrect"),
                              userid=userid, companyid=companyid)
        if locationid and locationid not in config.get("entities", []):
            raise AuthFailure(ErrorDetail("XL03000006", description2=f"Invalid location ID '{locationid}' for this "
                                                                     "company."),
                              userid=userid, companyid=companyid)
        token = secrets.token_urlsafe(24) + ".."
        expires = now + self._duration(tenant)
        return Auth(tenant, userid, config.get("company_id", companyid), locationid, token, expires,
                    {"sessionid": token, "locationid": locationid, "login": True})

    def _session(self, sessionid: str, control: Control, now: float) -> Auth:
        found = self._session_row(sessionid)
        if found is None or found[2] <= now:
            if found is not None:
                self.store.delete_session(sessionid)
            raise AuthFailure(ErrorDetail("XL03000006", description2=f"Invalid session {sessionid[:8]}...."))
        tenant_id, userid, _, data = found
        tenant = self._tenant(tenant_id)
        if tenant is None:
            raise AuthFailure(ErrorDetail("XL03000006", description2=f"Invalid session {sessionid[:8]}...."))
        self._authorized(tenant, control, userid, tenant.config.get(ERP, {}).get("company_id", ""))
        expires = now + self._duration(tenant)
        data["sessionid"] = sessionid
        return Auth(tenant, userid, tenant.config.get(ERP, {}).get("company_id", ""), data.get("locationid", ""),
                    sessionid, expires, data)

    def _authorized(self, tenant: Tenant, control: Control, userid: str, companyid: str) -> None:
        if control.senderid not in tenant.config.get(ERP, {}).get("authorized_senders", []):
            raise AuthFailure(ErrorDetail(
                "XL03000006", description="Invalid Web Services Authorization",
                description2=f"The sender ID '{control.senderid}' is not authorized to make Web Services requests to "
                             f"company ID '{companyid}'.",
                correction="Contact the company administrator to grant Web Services authorization to this sender ID."),
                userid=userid, companyid=companyid)

    @staticmethod
    def _duration(tenant: Tenant) -> float:
        return float(tenant.config.get(ERP, {}).get("session_minutes", 130)) * 60

    # -- operations ----------------------------------------------------------------------

    def operation(self, op: etree._Element, control: Control) -> etree._Element:
        out = etree.Element("operation")
        try:
            auth = self.authenticate(op, control)
        except AuthFailure as exc:
            box = sub(out, "authentication")
            sub(box, "status", "failure")
            sub(box, "userid", exc.userid)
            sub(box, "companyid", exc.companyid)
            errormessage(out, exc.details)
            return out
        box = sub(out, "authentication")
        sub(box, "status", "success")
        sub(box, "userid", auth.userid)
        sub(box, "companyid", auth.companyid)
        sub(box, "locationid", auth.locationid)
        sub(box, "sessiontimestamp", iso(self.clock.time()))
        sub(box, "sessiontimeout", iso(auth.expires))

        functions = [fn for content in op.findall("content") for fn in content if isinstance(fn.tag, str)]
        config = auth.tenant.config.get(ERP, {})
        limit = int(config.get("max_functions_per_request") or 0)
        if limit and len(functions) > limit:
            raise schema_error(f"Element 'content': at most {limit} functions are allowed per request; "
                               f"{len(functions)} were sent.")
        ctx = Ctx(records=self.store.records(auth.tenant.id), config=config, clock=self.clock, user=auth.userid)
        call = Call(ctx=ctx, tenant=auth.tenant.id, endpoint=self.endpoint, results=self.results,
                    session=auth.session)
        transaction = op.get("transaction", "false").lower() == "true"
        with self.store.transaction():  # one commit per operation; functions nest as savepoints
            outcomes = self._run_all(call, functions, control, transaction)
            self._keep_session(auth, functions, outcomes)
        for fn, result in zip(functions, outcomes):
            out.append(result_element(fn, result))
        return out

    def _keep_session(self, auth: Auth, functions: list[etree._Element], outcomes: list[Result]) -> None:
        """A login only becomes a stored session when getAPISession hands it out."""
        issued = any(self._name(fn) == "getAPISession" and r.status == "success" for fn, r in zip(functions, outcomes))
        data = {k: v for k, v in auth.session.items() if k not in ("sessionid", "login")}
        if issued or (not auth.session.get("login") and data != self._stored_data.get(auth.sessionid)):
            self.store.put_session(auth.sessionid, auth.tenant.id, ERP, auth.userid, auth.expires, data)
        elif not auth.session.get("login"):
            self.store.touch_session(auth.sessionid, auth.expires)  # only the timeout slides

    @staticmethod
    def _name(fn: etree._Element) -> str:
        inner = [c for c in fn if isinstance(c.tag, str)]
        return inner[0].tag if len(inner) == 1 else ""

    def _run_all(self, call: Call, functions: list[etree._Element], control: Control, transaction: bool) -> list[Result]:
        if not transaction:
            return [self._run_one(call, fn, control) for fn in functions]
        outcomes: list[Result] = []
        try:
            with self.store.transaction():
                for fn in functions:
                    result = self._run_one(call, fn, control)
                    outcomes.append(result)
                    if result.status != "success":
                        raise Rollback
        except Rollback:
            rolled_back = ErrorDetail("XL03000009", description2=errors.ROLLED_BACK)
            final = []
            for index in range(len(functions)):
                if index < len(outcomes) and outcomes[index].status == "failure":
                    failed = outcomes[index]
                    final.append(Result(status="failure", errors=[*failed.errors, rolled_back]))
                else:
                    final.append(Result(status="aborted", errors=[rolled_back]))
            return final
        return outcomes

    def _run_one(self, call: Call, fn: etree._Element, control: Control) -> Result:
        inner = [c for c in fn if isinstance(c.tag, str)]
        controlid = fn.get("controlid", "")
        try:
            if len(inner) != 1:
                raise errors.FunctionFailure(ErrorDetail(
                    "XL03000003", description2="XML Parse schema error: a <function> holds exactly one function "
                                               f"element; found {len(inner)}."))
            name = inner[0].tag
            handler = FUNCTIONS.get(name)
            if handler is None:
                hint = did_you_mean(near_miss("function", str(name), FUNCTIONS))
                raise errors.FunctionFailure(ErrorDetail(
                    "XL03000003", description2=f"XML Parse schema error: Element '{name}': This element is not "
                                               "expected; it is not a function of this gateway.",
                    correction=(hint + " " if hint else "") + f"Use one of: {', '.join(sorted(FUNCTIONS))}."))
            if control.dtdversion == "2.1" and name not in LEGACY:
                raise errors.FunctionFailure(ErrorDetail(
                    "XL03000003", description2=f"XML Parse schema error: Element '{name}' is not available with "
                                               "dtdversion 2.1; use dtdversion 3.0 for generic functions."))
            is_write = name in WRITE_FUNCTIONS
            records = call.ctx.records
            unique = is_write and bool(controlid) and control.uniqueid and call.ctx.config.get("enforce_uniqueid", True)
            if unique:
                if records.get_by_key(kind("_function"), controlid) is not None:
                    raise errors.FunctionFailure(ErrorDetail(
                        call.ctx.config.get("repeated_function_errorno", "BL01001973"),
                        description2=f"The function with control ID '{controlid}' was already executed and "
                                     "completed; with uniqueid=true it cannot be repeated.",
                        correction="Send a new controlid, or read back the record the first call created."))
            with self.store.transaction():
                result = handler(call, inner[0])
                # Remember completed writes so a uniqueid=true retry of the same controlid is refused.
                if unique and result.status == "success":
                    records.insert(kind("_function"), {"function": name, "at": call.ctx.now_stamp()}, key=controlid)
        except FunctionFailure as exc:
            result = Result(status="failure", errors=exc.details)
        return result


def result_element(fn: etree._Element, result: Result) -> etree._Element:
    el = etree.Element("result")
    sub(el, "status", result.status)
    inner = [c for c in fn if isinstance(c.tag, str)]
    sub(el, "function", inner[0].tag if len(inner) == 1 else "")
    sub(el, "controlid", fn.get("controlid", ""))
    if result.key is not None:
        sub(el, "key", result.key)
    if result.listtype is not None:
        sub(el, "listtype", result.listtype[0], **result.listtype[1])
    if result.data is not None:
        el.append(result.data)
    if result.errors:
        errormessage(el, result.errors)
    return el


def control_failure(control: Control, exc: ControlFailure) -> etree._Element:
    response = etree.Element("response")
    if exc.gateway:
        box = sub(response, "control")
        sub(box, "status", "failure")
    else:
        control_block(response, control, "failure")
    errormessage(response, exc.details, bare=exc.gateway and exc.details[0].errorno != "invalidRequest")
    return response

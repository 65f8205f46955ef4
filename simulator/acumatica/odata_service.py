"""The OData interfaces beside the contract-based API.

* ``/odata/{tenant}/{Inquiry}``: generic inquiries over OData v3 (Atom by default, JSON with
  ``$format=json`` or ``Accept: application/json``);
* ``/t/{tenant}/api/odata/gi/{Inquiry}``: the same inquiries over OData v4;
* ``/t/{tenant}/api/odata/dac/{DAC}`` (and the older ``/odatav4/{tenant}/{DAC}``): data access classes over
  OData v4, by full, OData or short name, with ``DAC(Key='x')`` reads.

Each takes ``$filter``, ``$select``, ``$top``, ``$skip``, ``$orderby`` and a count (``$count=true`` in v4,
``$inlinecount=allpages`` in v3), serves ``$metadata`` and a service document, and signs the caller in with
HTTP Basic (the tenant comes from the URL), an OAuth bearer token of that tenant, or a session cookie.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulator.acumatica import errors, oauth, rules
from simulator.acumatica.config import MOUNT
from simulator.acumatica.entities import VERSIONS, Entity
from simulator.acumatica.inquiries import View, dacs, find_dac, find_inquiry, inquiries
from simulator.acumatica.models import Book, Stored
from simulator.acumatica.odata import FilterError, compile_filter
from simulator.acumatica.sessions import authenticate, settings_of
from simulator.acumatica.wire import format_datetime, split_list
from simulator.store import Store, Tenant
from simulator.tenants import Tenants

VERSION = VERSIONS[-1]
EDM = {"String": "Edm.String", "Decimal": "Edm.Decimal", "Boolean": "Edm.Boolean", "DateTime": "Edm.DateTimeOffset",
       "Int": "Edm.Int32", "Short": "Edm.Int16", "Long": "Edm.Int64", "Guid": "Edm.Guid"}
ATOM = "http://www.w3.org/2005/Atom"
V3_DATA = "http://schemas.microsoft.com/ado/2007/08/dataservices"
V3_META = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"


class ODataError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# -- who is asking ------------------------------------------------------------------------------


def _tenant(request: Request, name: str) -> Tenant:
    tenants: Tenants = request.app.state.tenants
    found = tenants.resolve(oauth.ERP, "tenant_name", name)
    if found is None:
        raise ODataError(404, f"The tenant '{name}' is not found.")
    return found


def _sign_in(request: Request, tenant: Tenant) -> str:
    """The user the request runs as, after checking its credentials against the URL's tenant."""
    challenge = {"WWW-Authenticate": f'Basic realm="{request.url.hostname or "acumatica"}"'}
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    settings = settings_of(tenant)
    if scheme.casefold() == "basic":
        try:
            name, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ODataError(401, "The credentials are not valid Basic credentials.", challenge) from exc
        user, at, tenant_name = name.partition("@")
        if at and tenant_name.casefold() != str(settings.get("tenant_name", "")).casefold():
            raise ODataError(401, "Invalid credentials. Please try again.", challenge)
        for known, expected in (settings.get("users") or {}).items():
            if known.casefold() == user.casefold() and str(expected) == password:
                return str(known)
        raise ODataError(401, "Invalid credentials. Please try again.", challenge)
    if scheme.casefold() == "bearer":
        store: Store = request.app.state.store
        found = oauth.access_token(store, value.strip(), float(request.app.state.clock.time()))
        if found is None or found[0] != tenant.id or "api" not in found[2].get("scope", []):
            raise ODataError(401, "Authorization has been denied for this request.",
                             {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return found[1]
    if request.cookies.get(".ASPXAUTH"):
        try:
            session = authenticate(request)
        except errors.AcumaticaError as exc:
            raise ODataError(401, "You are not logged in.", challenge) from exc
        if session.tenant.id == tenant.id:
            return session.user
    raise ODataError(401, "Authorization has been denied for this request.", challenge)


# -- reading a view ---------------------------------------------------------------------------------


def _viewer(request: Request, tenant: Tenant) -> tuple[Book, Callable[[Entity, Stored], dict[str, Any]]]:
    store: Store = request.app.state.store
    book = Book(store.records(tenant.id))
    now = request.app.state.clock.now().replace(tzinfo=None)
    ctx = rules.Ctx(book=book, config=settings_of(tenant), now=now, today=now.date(), version=VERSION)

    def view_of(ent: Entity, stored: Stored) -> dict[str, Any]:
        rule = rules.rules_for(ent.name)
        return rule.view(ctx, stored) if rule is not None and rule.derived_on_read else stored.node

    return book, view_of


_ORDER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$", re.IGNORECASE)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float, Decimal)):
        return (2, Decimal(str(value)))
    return (3, str(value).casefold())


def _query(request: Request, view: View, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int, list[str]]:
    """Filter, order, count and page ``rows``; returns (page, total matched, selected field names)."""
    params = request.query_params
    shape = view.shape
    names = [f.name for f in shape.fields]
    selected = split_list(params.get("$select"))
    for name in selected:
        if name != "*" and shape.field(name) is None:
            raise ODataError(400, f"Could not find a property named '{name}' on type '{view.name}'.")
    if "*" in selected or not selected:
        selected = names
    text = params.get("$filter")
    if text and text.strip():
        try:
            predicate, _ = compile_filter(text, shape, VERSION, lambda view_name, field: None)
        except FilterError as exc:
            raise ODataError(400, str(exc)) from exc
        rows = [r for r in rows if predicate(r)]
    order = params.get("$orderby")
    if order and order.strip():
        terms = []
        for part in order.split(","):
            m = _ORDER.match(part)
            if m is None or shape.field(m.group(1)) is None:
                raise ODataError(400, f"The $orderby term '{part.strip()}' is not a property of '{view.name}'.")
            terms.append((m.group(1), (m.group(2) or "asc").lower() == "desc"))
        for name, descending in reversed(terms):
            rows.sort(key=lambda r, n=name: _sort_key(r["fields"].get(n)), reverse=descending)
    total = len(rows)
    paging = []
    for option in ("$skip", "$top"):
        raw = params.get(option)
        if raw is None or raw == "":
            paging.append(None)
        elif re.fullmatch(r"\d{1,9}", raw.strip()):
            paging.append(int(raw))
        else:
            raise ODataError(400, f"Invalid value '{raw}' for {option} query option found. The {option} query "
                                  f"option requires a non-negative integer value.")
    skip, top = paging[0] or 0, paging[1]
    rows = rows[skip:] if top is None else rows[skip:skip + top]
    return rows, total, selected


def _json_value(ftype: str, value: Any, v4: bool) -> Any:
    if value is None:
        return None
    if ftype == "DateTime":
        text = format_datetime(str(value))
        return text if v4 else text[: -len("+00:00")]
    return value


def _types(view: View) -> dict[str, str]:
    return {f.name: f.type for f in view.shape.fields}


def _json_rows(view: View, rows: list[dict[str, Any]], selected: list[str], v4: bool) -> list[dict[str, Any]]:
    types = _types(view)
    return [{name: _json_value(types[name], row["fields"].get(name), v4) for name in selected} for row in rows]


# -- metadata ----------------------------------------------------------------------------------------------


def _csdl_types(views: list[View], namespace: str, v4: bool) -> tuple[str, str]:
    out = []
    for view in views:
        keys = view.shape.keys or (view.shape.fields[0].name,)
        props = []
        for f in view.shape.fields:
            edm = EDM[f.type] if v4 or f.type != "DateTime" else "Edm.DateTime"
            nullable = "false" if f.name in keys else "true"
            props.append(f'<Property Name="{f.name}" Type="{edm}" Nullable="{nullable}"/>')
        key = "".join(f'<PropertyRef Name="{k}"/>' for k in keys)
        out.append(f'<EntityType Name="{view.name}"><Key>{key}</Key>{"".join(props)}</EntityType>')
    sets = "".join(f'<EntitySet Name="{escape(name)}" EntityType="{namespace}.{view.name}"/>'
                   for name, view in ((v.name, v) for v in views))
    return "".join(out), sets


def metadata_v4(views: list[View], namespace: str, set_names: list[str]) -> str:
    types, _ = _csdl_types(views, namespace, True)
    sets = "".join(f'<EntitySet Name="{escape(n)}" EntityType="{namespace}.{v.name}"/>'
                   for n, v in zip(set_names, views))
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">'
            f'<edmx:DataServices><Schema Namespace="{namespace}" xmlns="http://docs.oasis-open.org/odata/ns/edm">'
            f'{types}<EntityContainer Name="Default">{sets}</EntityContainer></Schema>'
            '</edmx:DataServices></edmx:Edmx>')


def metadata_v3(views: list[View], namespace: str) -> str:
    types, sets = _csdl_types(views, namespace, False)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">'
            '<edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" '
            f'xmlns:m="{V3_META}"><Schema Namespace="{namespace}" '
            'xmlns="http://schemas.microsoft.com/ado/2009/11/edm">'
            f'{types}<EntityContainer Name="Default" m:IsDefaultEntityContainer="true">{sets}</EntityContainer>'
            '</Schema></edmx:DataServices></edmx:Edmx>')


def _xml(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="application/xml")


# -- answers ------------------------------------------------------------------------------------------------


def _error(exc: ODataError, v4: bool, atom: bool) -> Response:
    if v4:
        return JSONResponse({"error": {"code": "", "message": exc.message}}, status_code=exc.status,
                            headers=exc.headers)
    if atom:
        body = (f'<?xml version="1.0" encoding="utf-8"?><m:error xmlns:m="{V3_META}"><m:code/>'
                f'<m:message xml:lang="en-US">{escape(exc.message)}</m:message></m:error>')
        return Response(body, status_code=exc.status, media_type="application/xml", headers=exc.headers)
    return JSONResponse({"odata.error": {"code": "", "message": {"lang": "en-US", "value": exc.message}}},
                        status_code=exc.status, headers=exc.headers)


def _wants_atom(request: Request) -> bool:
    fmt = (request.query_params.get("$format") or "").strip().lower()
    if fmt:
        return fmt not in ("json", "application/json", "verbosejson")
    return "json" not in request.headers.get("accept", "").lower()


def _atom_feed(request: Request, base: str, view: View, rows: list[dict[str, Any]], selected: list[str],
               total: int | None) -> Response:
    types = _types(view)
    updated = request.app.state.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = []
    for row in rows:
        props = []
        for name in selected:
            value = row["fields"].get(name)
            ftype = types[name]
            edm = EDM[ftype] if ftype != "DateTime" else "Edm.DateTime"
            if value is None:
                props.append(f'<d:{name} m:type="{edm}" m:null="true"/>')
            else:
                text = _json_value(ftype, value, False)
                text = str(text).lower() if isinstance(text, bool) else str(text)
                props.append(f'<d:{name} m:type="{edm}">{escape(text)}</d:{name}>')
        entries.append(f'<entry><id>{escape(base)}/{escape(view.name)}(guid\'{row["id"]}\')</id><title/>'
                       f'<updated>{updated}</updated><author><name/></author>'
                       f'<category term="Default.{view.name}" '
                       f'scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/>'
                       f'<content type="application/xml"><m:properties>{"".join(props)}</m:properties></content>'
                       f'</entry>')
    count = f"<m:count>{total}</m:count>" if total is not None else ""
    feed = (f'<?xml version="1.0" encoding="utf-8"?><feed xml:base={quoteattr(base + "/")} xmlns="{ATOM}" '
            f'xmlns:d="{V3_DATA}" xmlns:m="{V3_META}"><id>{escape(base)}/{escape(view.name)}</id>'
            f'<title type="text">{escape(view.name)}</title><updated>{updated}</updated>'
            f'<link rel="self" title="{escape(view.name)}" href="{escape(view.name)}"/>{count}{"".join(entries)}'
            f'</feed>')
    return Response(feed, media_type="application/atom+xml;type=feed;charset=utf-8")


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def inquiry_v3(request: Request) -> Response:
    atom = _wants_atom(request)
    try:
        if request.method not in ("GET", "HEAD"):
            raise ODataError(405, f"The HTTP verb {request.method} is not supported.", {"Allow": "GET"})
        tenant = _tenant(request, request.path_params["tenant"])
        _sign_in(request, tenant)
        base = f"{_origin(request)}{MOUNT}/odata/{request.path_params['tenant']}"
        name = request.path_params.get("name", "")
        views = list(inquiries().values())
        if name == "$metadata":
            return _xml(metadata_v3(views, "Default"))
        if not name:
            if atom:
                items = "".join(f'<collection href="{escape(v.name)}"><atom:title>{escape(v.name)}</atom:title>'
                                f'</collection>' for v in views)
                return _xml(f'<?xml version="1.0" encoding="utf-8"?><service xml:base={quoteattr(base + "/")} '
                            f'xmlns="http://www.w3.org/2007/app" xmlns:atom="{ATOM}"><workspace>'
                            f'<atom:title>Default</atom:title>{items}</workspace></service>')
            return JSONResponse({"odata.metadata": f"{base}/$metadata",
                                 "value": [{"name": v.name, "url": v.name} for v in views]})
        view = find_inquiry(name)
        if view is None:
            raise ODataError(404, f"Resource not found for the segment '{name}'.")
        book, view_of = _viewer(request, tenant)
        rows, total, selected = _query(request, view, list(view.rows(book, view_of)))
        counted = (request.query_params.get("$inlinecount") or "").lower() == "allpages"
        if atom:
            return _atom_feed(request, base, view, rows, selected, total if counted else None)
        body: dict[str, Any] = {"odata.metadata": f"{base}/$metadata#{view.name}"}
        if counted:
            body["odata.count"] = str(total)
        body["value"] = _json_rows(view, rows, selected, False)
        return JSONResponse(body)
    except ODataError as exc:
        return _error(exc, False, atom)


_KEYED = re.compile(r"^(?P<name>[^()]+)\((?P<keys>.*)\)$")
_KEY_TERM = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*)?(?P<value>'(?:[^']|'')*'|[^,']+)\s*(?:,|$)")


def _key_values(view: View, text: str) -> dict[str, str]:
    keys = view.shape.keys
    found: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        m = _KEY_TERM.match(text, pos)
        if m is None or m.end() == pos:
            raise ODataError(400, f"The key segment '({text})' is not valid.")
        raw = m.group("value").strip()
        value = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
        name = m.group("name") or (keys[0] if len(keys) == 1 and not found else None)
        if name is None or name not in keys:
            raise ODataError(400, f"The key segment '({text})' does not name the keys of '{view.name}'.")
        found[name] = value
        pos = m.end()
    if set(found) != set(keys):
        raise ODataError(400, f"The key segment '({text})' does not name the keys of '{view.name}'.")
    return found


async def v4(request: Request) -> Response:
    """``/t/{tenant}/api/odata/{gi|dac}/...`` and ``/odatav4/{tenant}/...`` (DACs)."""
    try:
        if request.method not in ("GET", "HEAD"):
            raise ODataError(405, f"The HTTP verb {request.method} is not supported.", {"Allow": "GET"})
        kind = request.path_params.get("kind", "dac")
        if kind not in ("gi", "dac"):
            raise ODataError(404, f"No OData service '{kind}'.")
        tenant = _tenant(request, request.path_params["tenant"])
        _sign_in(request, tenant)
        base = str(request.url).split("?", 1)[0]
        name = request.path_params.get("name", "")
        base = base[: len(base) - len(name)].rstrip("/")
        if kind == "gi":
            views = list(inquiries().values())
            set_names = [v.name for v in views]
            namespace = "Default"
        else:
            views = list(dacs().values())
            set_names = [full.replace(".", "_") for full in dacs()]
            namespace = "PX.Objects"
        if name == "$metadata":
            return _xml(metadata_v4(views, namespace, set_names))
        if not name:
            return JSONResponse({"@odata.context": f"{base}/$metadata",
                                 "value": [{"name": n, "kind": "EntitySet", "url": n} for n in set_names]})
        keyed = _KEYED.match(name)
        set_name = keyed.group("name") if keyed else name
        if kind == "gi":
            view = find_inquiry(set_name)
            context_name = view.name if view else ""
        else:
            dac = find_dac(set_name)
            view = dac[1] if dac else None
            context_name = dac[0].replace(".", "_") if dac else ""
        if view is None:
            raise ODataError(404, f"Resource not found for the segment '{set_name}'.")
        book, view_of = _viewer(request, tenant)
        rows = list(view.rows(book, view_of))
        if keyed:
            wanted = _key_values(view, keyed.group("keys"))
            rows = [r for r in rows if all(str(r["fields"].get(k) or "").casefold() == v.casefold()
                                           for k, v in wanted.items())]
            if not rows:
                raise ODataError(404, f"No entity of '{context_name}' has the keys ({keyed.group('keys')}).")
            _, _, selected = _query(request, view, rows[:1])
            one = _json_rows(view, rows[:1], selected, True)[0]
            return JSONResponse({"@odata.context": f"{base}/$metadata#{context_name}/$entity", **one})
        rows, total, selected = _query(request, view, rows)
        body: dict[str, Any] = {"@odata.context": f"{base}/$metadata#{context_name}"}
        if (request.query_params.get("$count") or "").lower() == "true":
            body["@odata.count"] = total
        body["value"] = _json_rows(view, rows, selected, True)
        return JSONResponse(body)
    except ODataError as exc:
        return _error(exc, True, False)


METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

routes: list[BaseRoute] = [
    Route(f"{MOUNT}/odata/{{tenant}}", inquiry_v3, methods=METHODS),
    Route(f"{MOUNT}/odata/{{tenant}}/", inquiry_v3, methods=METHODS),
    Route(f"{MOUNT}/odata/{{tenant}}/{{name}}", inquiry_v3, methods=METHODS),
    Route(f"{MOUNT}/t/{{tenant}}/api/odata/{{kind}}", v4, methods=METHODS),
    Route(f"{MOUNT}/t/{{tenant}}/api/odata/{{kind}}/", v4, methods=METHODS),
    Route(f"{MOUNT}/t/{{tenant}}/api/odata/{{kind}}/{{name}}", v4, methods=METHODS),
    Route(f"{MOUNT}/odatav4/{{tenant}}", v4, methods=METHODS),
    Route(f"{MOUNT}/odatav4/{{tenant}}/", v4, methods=METHODS),
    Route(f"{MOUNT}/odatav4/{{tenant}}/{{name}}", v4, methods=METHODS),
]

"""The contract-based REST endpoints under ``/acumatica``.

Each handler reads the request, resolves the session and the tenant's books,
calls the rules and renders the answer in the contract's shape. Every failure
leaves as an Acumatica-shaped body; writes run inside one store transaction so
a failed request changes nothing.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulator.acumatica import errors, identity, odata_service, rules, swagger
from simulator.acumatica.config import MOUNT
from simulator.acumatica.entities import (
    ENDPOINT,
    ENTITIES,
    PATCH_SINCE,
    VERSIONS,
    Entity,
    entity as entity_in,
    in_version,
    schema,
)
from simulator.acumatica.identity import IDENTITY
from simulator.acumatica.models import Book, Stored
from simulator.acumatica.odata import FilterError, compile_filter, index_hint, key_equalities, prefilter
from simulator.acumatica.rules.base import NEW, empty
from simulator.acumatica.rules.payables import retainage_catalog
from simulator.acumatica.sessions import Session, authenticate, enter, login, logout, set_cookies
from simulator.acumatica.wire import (
    Patch,
    Reader,
    Shape,
    Site,
    Unconvertible,
    coerce,
    custom_value_type,
    loads,
    parse_datetime,
    render,
    skeleton,
    split_list,
)
from simulator.http import BodyTooLarge, read_body
from simulator.tenants import Tenants
from simulator.journal.hook import did_you_mean, near_miss

log = logging.getLogger("erpsim.acumatica")

OPERATIONS = "acumatica.#op"
BUILD = "24.212.0012"


# -- plumbing ----------------------------------------------------------------------------------


def site_of(request: Request, version: str) -> Site:
    return Site(MOUNT, ENDPOINT, version)


def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Turn every failure into the ERP's own error shape; nothing escapes as a bare 500."""

    async def endpoint(request: Request) -> Response:
        try:
            response = await handler(request)
            opened = getattr(request.state, "acumatica_cookies", None)
            if opened is not None:
                set_cookies(response, *opened)
            return response
        except errors.AcumaticaError as exc:
            return exc.response()
        except errors.Invalid as exc:
            return exc.response()
        except BodyTooLarge as exc:
            return errors.AcumaticaError(413, "Maximum request length exceeded.",
                                         exception_message=str(exc), exception_type="System.Web.HttpException"
                                         ).response()
        except Exception as exc:  # a bug of ours: still answer in the server's shape, and say so in the log
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            return errors.server_error(f"{type(exc).__name__}: {exc}", "System.Exception").response()

    endpoint.__name__ = handler.__name__
    return endpoint


class Call:
    """One authenticated request against one endpoint version."""

    def __init__(self, request: Request, session: Session, version: str) -> None:
        self.request = request
        self.session = session
        self.version = version
        self.settings = session.settings
        self.site = site_of(request, version)
        store = request.app.state.store
        self.store = store
        clock = request.app.state.clock
        now = clock.now().replace(tzinfo=None)
        self.ctx = rules.Ctx(
            book=Book(store.records(session.tenant.id)), config=self.settings, now=now,
            today=self._business_date(now), version=version, branch=self._branch(), user=session.user,
        )

    def _business_date(self, now: datetime) -> Any:
        header = self.request.headers.get("PX-CbApiBusinessDate")
        if not header:
            return now.date()
        try:
            return parse_datetime(header).date()
        except Unconvertible as exc:
            raise errors.server_error(f"The business date '{header}' is not a valid date.") from exc

    def _branch(self) -> str:
        header = self.request.headers.get("PX-CbApiBranch")
        if not header:
            return self.session.branch
        for branch in self.settings.get("branches") or []:
            if str(branch).casefold() == header.strip().casefold():
                return str(branch)
        raise errors.server_error(f"The branch '{header}' cannot be found in the system.")

    def custom_fields(self) -> dict[str, Any]:
        if "custom_fields" not in self.ctx.cache:
            extra = dict(self.settings.get("custom_fields") or {})
            for schema_name, views in retainage_catalog(self.settings).items():
                merged = {view: dict(flds) for view, flds in (extra.get(schema_name) or {}).items()
                          if isinstance(flds, dict)}
                for view, flds in views.items():
                    merged.setdefault(view, {}).update(flds)
                extra[schema_name] = merged
            self.ctx.cache["custom_fields"] = extra
        found: dict[str, Any] = self.ctx.cache["custom_fields"]
        return found

    def bad_query(self, message: str) -> errors.AcumaticaError:
        status = int(self.settings.get("bad_query_status", 400))
        return errors.AcumaticaError(status, "The request is invalid." if status < 500 else errors.GENERIC,
                                     exception_message=message, exception_type=errors.ODATA)

    # -- query options --------------------------------------------------------------------------

    def shape(self, ent: Entity, *, implicit: set[str] | None = None) -> Shape:
        params = self.request.query_params
        select = split_list(params.get("$select"))
        expand = split_list(params.get("$expand"))
        custom = split_list(params.get("$custom"))
        for path in select:
            self._check_path(ent, path, expand_path=False)
        for path in expand:
            self._check_path(ent, path, expand_path=True)
        for ref in custom:
            target, _, field = ref.rpartition("/")
            if "." not in field:
                raise self.bad_query(f"The custom field '{ref}' must be written as 'View.Field'.")
            if target:
                self._check_path(ent, target, expand_path=True)
        return Shape(select=set(select) or None, expand=set(expand) | (implicit or set()), custom=custom)

    def _check_path(self, ent: Entity, path: str, *, expand_path: bool) -> None:
        current = ent
        parts = path.split("/")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if expand_path and last and part == "files":
                return
            det = current.detail(part)
            lnk = current.link(part)
            if det is not None and in_version(det.since, self.version):
                current = schema(det.entity)
                continue
            if lnk is not None and in_version(lnk.since, self.version):
                current = schema(lnk.entity)
                continue
            fld = current.field(part)
            if not expand_path and last and fld is not None and in_version(fld.since, self.version):
                return
            hint = did_you_mean(near_miss("field", part, [f.name for f in current.fields]))
            raise self.bad_query(f"The field '{path}' is not defined in the '{ent.name}' entity." +
                                 (f" {hint}" if hint else ""))

    def page(self) -> tuple[int, int | None]:
        params = self.request.query_params
        out: list[int | None] = []
        for name in ("$skip", "$top"):
            raw = params.get(name)
            if raw is None or raw == "":
                out.append(None)
                continue
            if not re.fullmatch(r"\d{1,9}", raw.strip()):
                raise self.bad_query(f"The value '{raw}' of the {name} parameter is not a non-negative integer.")
            out.append(int(raw))
        return out[0] or 0, out[1]

    def predicate(self, ent: Entity) -> tuple[Callable[[dict[str, Any]], bool] | None, Any]:
        text = self.request.query_params.get("$filter")
        if text is None or not text.strip():
            return None, None
        extra = self.custom_fields()
        # UNVERIFIED: the real answer to an unknown custom field; "ignore" keeps the old 200 [] behaviour.
        lenient = self.settings.get("unknown_custom_field") == "ignore"

        def custom_type(view: str, name: str) -> str | None:
            found = custom_value_type(ent, view, name, extra)
            return found or ("CustomStringField" if lenient else None)

        try:
            return compile_filter(text, ent, self.version, custom_type)
        except FilterError as exc:
            raise self.bad_query(str(exc)) from exc

    # -- rendering -----------------------------------------------------------------------------

    def view(self, ent: Entity, stored: Stored) -> dict[str, Any]:
        rule = rules.rules_for(ent.name)
        assert rule is not None
        return rule.view(self.ctx, stored)

    def render(self, ent: Entity, node: dict[str, Any], shape: Shape, row_number: int = 1,
               errors_at: dict[str, Any] | None = None) -> dict[str, Any]:
        return render(ent, node, shape, self.site, row_number=row_number, custom_fields=self.custom_fields(),
                      errors_at=errors_at)

    def rejected(self, exc: rules.Rejected, shape: Shape) -> errors.Invalid:
        shape.expand |= exc.sent
        return errors.Invalid(self.render(exc.ent, exc.node, shape, errors_at=exc.problems.echo()))

    # -- bodies ------------------------------------------------------------------------------------

    async def body(self) -> Any:
        raw = await read_body(self.request, int(self.settings.get("body_limit_bytes", 4 * 1024 * 1024)))
        if not raw.strip():
            raise errors.bad_request("The request body is empty. Path '', line 0, position 0.")
        try:
            return loads(raw)
        except UnicodeDecodeError as exc:
            raise errors.bad_request(f"The request body is not UTF-8 text: {exc.reason}.") from exc
        except ValueError as exc:
            message = exc.args[0] if exc.args else str(exc)
            raise errors.bad_request(f"Unexpected character encountered while parsing value: {message}") from exc

    def reader(self) -> Reader:
        return Reader(self.version, strict=self.settings.get("unknown_fields") == "reject",
                      custom_fields=self.custom_fields())

    # -- finding records ---------------------------------------------------------------------------

    def find_by_path(self, ent: Entity, segments: list[str]) -> Stored | None:
        rule = rules.rules_for(ent.name)
        if rule is not None and rule.from_settings:
            wanted = [s.casefold() for s in segments]
            for stored in rule.records(self.ctx):
                keys = [str(stored.node["fields"].get(k) or "").casefold() for k in ent.keys]
                if wanted in (keys, [stored.node["id"].casefold()]):
                    return stored
            return None
        book = self.ctx.book
        if len(segments) == 1 and _is_guid(segments[0]):
            found = book.by_id(ent, segments[0])
            if found is not None or len(ent.keys) != 1:
                return found
        if len(segments) != len(ent.keys):
            return None
        return book.by_keys(ent, segments)

    def locate(self, ent: Entity, patch: Patch, pred: Callable[[dict[str, Any]], bool] | None) -> Stored | None:
        book = self.ctx.book
        if patch.id is not None:
            found = book.by_id(ent, patch.id)
            if found is not None:
                return found
        rule = rules.rules_for(ent.name)
        assert rule is not None
        values = [patch.fields.get(k) for k in ent.keys]
        if all(not empty(v) for v in values) and not (rule.number_field and
                                                      patch.fields.get(rule.number_field) == NEW):
            found = book.by_keys(ent, [str(v).strip() for v in values])
            if found is not None:
                return found
            return None
        if pred is not None:
            for stored in book.iter(ent):
                node = self.view(ent, stored) if rule.derived_on_read else stored.node
                if pred(node):
                    return stored
        return None


def allow(request: Request, *methods: str) -> None:
    """Wrong methods get Web API's 405 (routes take every method so a catch-all cannot turn them into 404s)."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())
    if request.method not in allowed:
        exc = errors.method_not_allowed(request.method)
        exc.headers["Allow"] = ", ".join(sorted(allowed))
        raise exc


def _is_guid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) >= 32


def _version(request: Request) -> str:
    endpoint = request.path_params["endpoint"]
    version = request.path_params["version"]
    if endpoint.casefold() != ENDPOINT.casefold() or version not in VERSIONS:
        raise errors.not_found(f"The endpoint {endpoint}/{version} is not found.")
    return version


def _entity(request: Request, version: str) -> Entity:
    name = request.path_params["entity"]
    ent = entity_in(name, version)
    if ent is None:
        near_miss("entity", name, (e for e in ENTITIES if entity_in(e, version) is not None))
        raise errors.not_found(f"Entity {name} not found")
    return ent


def _segments(request: Request, entity_name: str) -> list[str]:
    """Path segments after the entity, split on the raw path so an encoded '/' stays inside its key."""
    raw = request.scope.get("raw_path")
    text = raw.decode("latin-1") if isinstance(raw, (bytes, bytearray)) else request.url.path
    text = text.split("?", 1)[0]
    marker = f"/{entity_name}/"
    at = text.find(marker)
    rest = text[at + len(marker):] if at >= 0 else request.path_params.get("rest", "")
    segments = [unquote(s) for s in rest.split("/")]
    merged: list[str] = []
    for seg in segments:
        # "<N/A>" (the empty inventory item) arrives unencoded as "<N" and "A>".
        if merged and merged[-1] == "<N" and seg == "A>":
            merged[-1] = "<N/A>"
        else:
            merged.append(seg)
    return merged


def _keys(segments: list[str]) -> list[str]:
    out: list[str] = []
    for seg in segments:
        out.extend(seg.split("|"))
    return out


async def _call(request: Request) -> tuple[Call, Callable[[], None]]:
    version = _version(request)
    session = authenticate(request)
    release = await enter(request, session)
    try:
        return Call(request, session, version), release
    except BaseException:
        release()
        raise


# -- root and schema -------------------------------------------------------------------------------


@guarded
async def endpoints(request: Request) -> Response:
    allow(request, "GET")
    return JSONResponse({
        "version": {"acumaticaBuildVersion": BUILD, "databaseVersion": BUILD},
        "endpoints": [{"name": ENDPOINT, "version": v, "href": f"{MOUNT}/entity/{ENDPOINT}/{v}/"} for v in VERSIONS],
    })


@guarded
async def instance_swagger(request: Request) -> Response:
    allow(request, "GET")
    return JSONResponse(swagger.instance_document(f"{str(request.base_url).rstrip('/')}{MOUNT}"))


@guarded
async def company_list(request: Request) -> Response:
    """The tenants' login names, what a sign-in screen offers (no session needed)."""
    allow(request, "GET")
    tenants: Tenants = request.app.state.tenants
    names = [str(t.config["acumatica"].get("tenant_name") or t.id) for t in tenants.list() if "acumatica" in t.config]
    return JSONResponse(sorted(names, key=str.casefold))


@guarded
async def swagger_json(request: Request) -> Response:
    allow(request, "GET")
    version = _version(request)
    server = f"{str(request.base_url).rstrip('/')}{MOUNT}/entity/{ENDPOINT}/{version}"
    return Response(_swagger_bytes(version, server), media_type="application/json")


_SWAGGER_CACHE: dict[tuple[str, str], bytes] = {}


def _swagger_bytes(version: str, server: str) -> bytes:
    key = (version, server)
    if key not in _SWAGGER_CACHE:
        if len(_SWAGGER_CACHE) > 32:
            _SWAGGER_CACHE.clear()
        _SWAGGER_CACHE[key] = json.dumps(swagger.document(version, server)).encode()
    return _SWAGGER_CACHE[key]


# -- entity collection -------------------------------------------------------------------------------


@guarded
async def collection(request: Request) -> Response:
    version = request.path_params.get("version", "")
    patchable = version in VERSIONS and in_version(PATCH_SINCE, version)
    allow(request, "GET", "PUT", *(["PATCH"] if patchable else []))
    call, release = await _call(request)
    try:
        ent = _entity(request, call.version)
        if request.method == "PUT":
            return await put_record(call, ent)
        if request.method == "PATCH":
            return await put_record(call, ent, patch_only=True)
        return list_records(call, ent)
    finally:
        release()


def list_records(call: Call, ent: Entity) -> Response:
    shape = call.shape(ent)
    skip, top = call.page()
    pred, tree = call.predicate(ent)
    rule = rules.rules_for(ent.name)
    assert rule is not None
    out: list[dict[str, Any]] = []
    if top == 0:
        return JSONResponse(out)
    candidates: Any
    pinned = key_equalities(tree) if tree is not None else {}
    if rule.from_settings:
        candidates = rule.records(call.ctx)
    elif ent.keys and all(k in pinned for k in ent.keys):
        # A filter that names every key reads one row instead of scanning the table.
        found = call.ctx.book.by_keys(ent, [pinned[k] for k in ent.keys])
        candidates = [found] if found is not None else []
    elif pred is None:
        # No filter: the page is the store's page, read in one statement.
        candidates = call.ctx.book.page(ent, skip, top)
        skip = 0
    else:
        narrowed = prefilter(tree, ent, call.version, rule.derived_fields) if tree is not None else None
        # Small batches when the page is small: a selective filter reads its index, an unselective one stops early.
        batch = 500 if top is None else min(500, max(50, skip + top))
        hint = index_hint(tree, ent, rule.derived_fields) if narrowed else None
        candidates = call.ctx.book.iter_where(ent, *(narrowed or (None, [])), batch=batch, index=hint)
    matched = 0
    for stored in candidates:
        node = call.view(ent, stored) if rule.derived_on_read else stored.node
        if pred is not None and not pred(node):
            continue
        matched += 1
        if matched <= skip:
            continue
        out.append(call.render(ent, node, shape, row_number=len(out) + 1))
        if top is not None and len(out) >= top:
            break
    return JSONResponse(out)


def writable(ent: Entity) -> None:
    """Setup records held in the tenant's settings (companies, branches) are maintained on their forms."""
    rule = rules.rules_for(ent.name)
    if rule is not None and rule.from_settings:
        raise errors.AcumaticaError(403, errors.GENERIC, exception_message=f"You have insufficient rights to "
                                    f"modify the object ({ent.name}).", exception_type="PX.Data.PXException")


async def put_record(call: Call, ent: Entity, *, patch_only: bool = False) -> Response:
    """PUT upserts; PATCH (25.200.001) writes the fields given to a record that must exist (404 otherwise)."""
    writable(ent)
    body = await call.body()
    shape = call.shape(ent)
    pred, _ = call.predicate(ent)
    reader = call.reader()
    patch = reader.entity(ent, body)
    reader.check()
    rule = rules.rules_for(ent.name)
    assert rule is not None
    headers = call.request.headers
    with call.store.transaction():
        rule.key_defaults(call.ctx, patch)
        existing = call.locate(ent, patch, pred)
        if headers.get("If-None-Match", "").strip() == "*" and existing is not None:
            raise errors.precondition("A record with the specified key values already exists.")
        if headers.get("If-Match", "").strip() == "*" and existing is None:
            raise errors.precondition("No entity satisfies the condition.")
        if patch_only and existing is None:
            raise errors.not_found("No entity satisfies the condition.")
        try:
            outcome = rules.save(call.ctx, ent, patch, existing)
        except rules.Rejected as exc:
            raise call.rejected(exc, shape) from exc
        shape.expand |= set(patch.details) | set(patch.links)
        node = call.view(ent, Stored(outcome.rid, outcome.node)) if rule.derived_on_read else outcome.node
        return JSONResponse(call.render(ent, node, shape))


# -- one record ------------------------------------------------------------------------------------------


@guarded
async def member(request: Request) -> Response:
    rest = request.path_params["rest"].split("/")
    if len(rest) >= 3 and rest[-2] == "files":
        allow(request, "PUT")
    elif len(rest) == 1:
        allow(request, "GET", "POST", "DELETE")
    else:
        allow(request, "GET", "DELETE")
    call, release = await _call(request)
    try:
        ent = _entity(request, call.version)
        segments = _segments(request, ent.name)
        method = request.method
        if method in ("GET", "HEAD"):
            if segments == ["$adHocSchema"]:
                return JSONResponse(skeleton(ent, call.site, call.custom_fields()))
            if len(segments) == 3 and segments[1] == "status":
                return action_status(call, ent, segments[0], segments[2])
            return get_record(call, ent, segments)
        if method == "DELETE":
            return delete_record(call, ent, segments)
        if method == "POST":
            if len(segments) != 1 or not segments[0]:
                raise errors.not_found(f"Action {'/'.join(segments)} not found for entity {ent.name}.")
            return await invoke_action(call, ent, segments[0])
        if method == "PUT":
            if len(segments) >= 3 and segments[-2] == "files":
                return await put_file(call, ent, _keys(segments[:-2]), segments[-1])
        raise errors.method_not_allowed(method)
    finally:
        release()


def get_record(call: Call, ent: Entity, segments: list[str]) -> Response:
    shape = call.shape(ent)
    pred, _ = call.predicate(ent)
    stored = call.find_by_path(ent, _keys(segments))
    if stored is None:
        raise errors.no_entity()
    rule = rules.rules_for(ent.name)
    assert rule is not None
    node = call.view(ent, stored) if rule.derived_on_read else stored.node
    if pred is not None and not pred(node):
        raise errors.no_entity()
    return JSONResponse(call.render(ent, node, shape))


def delete_record(call: Call, ent: Entity, segments: list[str]) -> Response:
    writable(ent)
    with call.store.transaction():
        stored = call.find_by_path(ent, _keys(segments))
        if stored is None:
            raise errors.no_entity()
        rules.delete(call.ctx, ent, stored)
    return Response(status_code=204)


async def invoke_action(call: Call, ent: Entity, action: str) -> Response:
    rule = rules.rules_for(ent.name)
    assert rule is not None
    if rule.action_handler(action) is None:
        raise errors.not_found(f"Action {action} not found for entity {ent.name}.")
    body = await call.body()
    if not isinstance(body, dict) or not isinstance(body.get("entity"), dict):
        raise errors.bad_request("The entity field is required.", "invocation.entity")
    reader = call.reader()
    reader.strict = False
    patch = reader.entity(ent, body["entity"])
    params = _parameters(call, ent, action, body.get("parameters"), reader)
    reader.check()
    shape = Shape()
    with call.store.transaction():
        rule.key_defaults(call.ctx, patch)
        stored = call.locate(ent, patch, None) if patch.id or all(not empty(patch.fields.get(k)) for k in ent.keys) \
            else None
        if stored is None:
            raise errors.no_entity()
        try:
            outcome = rules.invoke(call.ctx, ent, action, stored, params)
        except rules.Rejected as exc:
            raise call.rejected(exc, shape) from exc
        location = f"{call.site.entity_base}/{ent.name}/{outcome.node['id']}"
        async_actions = {str(a).casefold() for a in call.settings.get("async_actions") or []}
        # A graph action runs as long as the endpoint action mapped to it.
        if action.casefold() in async_actions or str(rule.action_name(action)).casefold() in async_actions:
            op_id = str(uuid.uuid4())
            call.ctx.book.records.insert(OPERATIONS, {"entity": ent.name, "action": action,
                                                      "polls": int(call.settings.get("async_polls", 1)),
                                                      "record": outcome.node["id"]}, key=op_id)
            status_url = f"{call.site.entity_base}/{ent.name}/{action}/status/{op_id}"
            return Response(status_code=202, headers={"Location": status_url})
    return Response(status_code=204, headers={"Location": location})


def _parameters(call: Call, ent: Entity, action: str, raw: Any, reader: Reader) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.fail("parameters", "Cannot deserialize the current JSON value into type 'Parameters'. "
                                  "Path 'parameters'.")
        return {}
    declared = ent.action(action)
    params: dict[str, Any] = {}
    for param in declared.parameters if declared else ():
        wrapped = raw.get(param.name)
        if wrapped is None:
            continue
        if not isinstance(wrapped, dict):
            reader.fail(f"parameters.{param.name}", f"Error converting value to type '{param.type}Value'. "
                                                    f"Path 'parameters.{param.name}'.")
            continue
        if "value" not in wrapped:
            continue
        try:
            params[param.name] = coerce(param.type, wrapped["value"])
        except Unconvertible:
            reader.fail(f"parameters.{param.name}.value", f"Error converting value {wrapped['value']!r} to type "
                                                          f"'{param.type}'. Path 'parameters.{param.name}.value'.")
    return params


def action_status(call: Call, ent: Entity, action: str, op_id: str) -> Response:
    records = call.ctx.book.records
    found = records.get_by_key(OPERATIONS, op_id)
    if found is None or found.data.get("entity") != ent.name or \
            str(found.data.get("action")).casefold() != action.casefold():
        raise errors.not_found("The long-running operation is not found. The process may have expired.")
    if int(found.data.get("polls", 0)) > 0:
        with call.store.transaction():
            records.update(OPERATIONS, found.id, {**found.data, "polls": int(found.data["polls"]) - 1})
        return Response(status_code=202, headers={"Location": str(call.request.url.path)})
    return Response(status_code=204,
                    headers={"Location": f"{call.site.entity_base}/{ent.name}/{found.data['record']}"})


async def put_file(call: Call, ent: Entity, keys: list[str], filename: str) -> Response:
    stored = call.find_by_path(ent, keys)
    if stored is None:
        raise errors.no_entity()
    return await _attach(call, ent, stored, filename)


async def _attach(call: Call, ent: Entity, stored: Stored, filename: str) -> Response:
    writable(ent)
    if not filename.strip():
        raise errors.bad_request("The file name is empty.", "filename")
    data = await read_body(call.request, int(call.settings.get("body_limit_bytes", 4 * 1024 * 1024)))
    if not data:
        raise errors.bad_request("The file is empty. Attach a file with content.", "file")
    comment = call.request.headers.get("PX-CbFileComment")
    if comment is not None and len(comment) > 500:
        raise errors.bad_request("The file comment cannot be longer than 500 characters.", "PX-CbFileComment")
    node = stored.node
    keys = ", ".join(str(node["fields"].get(k) or "") for k in ent.keys)
    title = ent.title or ent.name
    file_id = str(uuid.uuid4())
    entry = {"id": file_id, "filename": f"{title} ({keys})\\{filename}", "comment": comment}
    with call.store.transaction():
        call.ctx.book.put_file({**entry, "entity": ent.name, "record": node["id"],
                                "content": base64.b64encode(data).decode("ascii"), "size": len(data)})
        node.setdefault("files", []).append(entry)
        call.ctx.book.update(ent, stored.rid, node)
    location = f"{call.site.entity_base}/files/{file_id}"
    if call.settings.get("file_location", "absolute") == "absolute":
        # The schema declares the header a URI; a site-relative path is not one.
        location = f"{str(call.request.base_url).rstrip('/')}{location}"
    return Response(status_code=204, headers={"Location": location})


# -- files by template and by id ----------------------------------------------------------------------------


@guarded
async def files(request: Request) -> Response:
    allow(request, "GET", "PUT")
    call, release = await _call(request)
    try:
        parts = [unquote(p) for p in request.path_params["rest"].split("/")]
        if request.method == "GET" and len(parts) == 1:
            found = call.ctx.book.get_file(parts[0])
            if found is None:
                raise errors.no_entity()
            return Response(base64.b64decode(found["content"]), media_type="application/octet-stream")
        if request.method == "PUT" and len(parts) == 4:
            _graph, _view, record_id, filename = parts
            ref = call.ctx.book.records.get_by_key("acumatica.#id", record_id.lower()) if _is_guid(record_id) \
                else None
            if ref is None:
                raise errors.no_entity()
            ent = ENTITIES[ref.data["entity"]]
            stored = call.ctx.book.by_id(ent, record_id)
            if stored is None:
                raise errors.no_entity()
            return await _attach(call, ent, stored, filename)
        raise errors.not_found(f"No file resource at {request.url.path}.")
    finally:
        release()


@guarded
async def auth_login(request: Request) -> Response:
    allow(request, "POST")
    return await login(request)


@guarded
async def auth_logout(request: Request) -> Response:
    allow(request, "POST")
    return await logout(request)


@guarded
async def not_found(request: Request) -> Response:
    raise errors.not_found(f"No HTTP resource was found that matches the request URI '{request.url.path}'.")


METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"]

routes: list[BaseRoute] = [
    Route(f"{MOUNT}/entity/auth/login", auth_login, methods=METHODS),
    Route(f"{MOUNT}/entity/auth/logout", auth_logout, methods=METHODS),
    Route(f"{MOUNT}/entity/auth/companylist", company_list, methods=METHODS),
    Route(f"{MOUNT}/entity/swagger.json", instance_swagger, methods=METHODS),
    Route(f"{MOUNT}/entity", endpoints, methods=METHODS),
    Route(f"{MOUNT}/entity/", endpoints, methods=METHODS),
    Route(f"{MOUNT}/entity/{{endpoint}}/{{version}}/swagger.json", swagger_json, methods=METHODS),
    Route(f"{MOUNT}/entity/{{endpoint}}/{{version}}/files/{{rest:path}}", files, methods=METHODS),
    Route(f"{MOUNT}/entity/{{endpoint}}/{{version}}/{{entity}}", collection, methods=METHODS),
    Route(f"{MOUNT}/entity/{{endpoint}}/{{version}}/{{entity}}/{{rest:path}}", member, methods=METHODS),
    Route(f"{IDENTITY}/connect/token", identity.token, methods=METHODS),
    Route(f"{IDENTITY}/connect/authorize", identity.authorize, methods=METHODS),
    Route(f"{IDENTITY}/connect/revocation", identity.revocation, methods=METHODS),
    Route(f"{IDENTITY}/connect/userinfo", identity.userinfo, methods=["GET", "POST"]),
    Route(f"{IDENTITY}/.well-known/openid-configuration", identity.discovery, methods=["GET"]),
    Route(f"{IDENTITY}/.well-known/openid-configuration/jwks", identity.jwks, methods=["GET"]),
    *odata_service.routes,
    Route(f"{MOUNT}/{{rest:path}}", not_found, methods=METHODS),
    Route(MOUNT, not_found, methods=METHODS),
]

__all__ = ["routes"]

"""One signed-in REST call: find the object, run it against the books, shape the answer.

``Api.dispatch`` serves a method and path under ``/ia/api/v1`` and returns
(status, body). Routes call it once per request; composite requests call it
once per sub-request, inside one store transaction when atomic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from simulator.intacct import errors
from simulator.intacct.models import Ctx
from simulator.intacct.rest import company, documents, records
from simulator.intacct.rest.auth import Principal
from simulator.intacct.rest.config import settings
from simulator.intacct.rest.convert import from_failure
from simulator.intacct.rest.idempotency import Keys
from simulator.intacct.rest import resources
from simulator.intacct.rest.resources import RESOURCES, Resource
from simulator.intacct.rest.wire import RestError, page_meta, single_meta
from simulator.store import Store

ERP = "intacct"
WRITES = ("POST", "PATCH", "DELETE")
_OBJECT_PATH = re.compile(r"^/objects/([^/]+)/([^/]+)(?:/([^/]+))?/?$")


def unknown_path(method: str, path: str) -> RestError:
    return RestError(404, f"The resource {path} was not found", code="notFound", error_id="REST-1001",
                     message_id="IA.RESOURCE_NOT_FOUND", placeholders={"RESOURCE": path, "METHOD": method})


def resolve_object(name: str) -> Resource:
    """``app/object`` or ``purchasing/document::{Definition}`` -> the resource serving it."""
    found = resources.get(name) or company.resource(name)
    if found is None:
        raise RestError(404, f"Object {name} was not found", code="notFound", error_id="REST-1003",
                        message_id="IA.OBJECT_NOT_FOUND", placeholders={"OBJECT": name})
    return found


@dataclass
class Reply:
    status: int
    body: Any


class Api:
    def __init__(self, store: Store, principal: Principal, clock: Any, origin: str = "",
                 atomic: bool = False) -> None:
        self.store = store
        self.principal = principal
        self.clock = clock
        self.origin = origin
        self.atomic = atomic
        self.settings = settings(principal.tenant)
        config = principal.tenant.config.get(ERP, {})
        self.ctx = Ctx(records=store.records(principal.tenant.id), config=config, clock=clock, user=principal.user)

    def failure(self, exc: errors.IntacctError, res: Resource | None) -> RestError:
        status = int(self.settings.get("business_error_status", 400))
        return from_failure(exc, res or next(iter(RESOURCES.values())), status)

    def dispatch(self, method: str, path: str, params: dict[str, str], body: Any,
                 idempotency_key: str | None = None) -> Reply:
        keys = None
        if idempotency_key is not None and method in ("POST", "PATCH"):
            keys = Keys(self.ctx.records, self.settings, self.clock.time())
            stored = keys.lookup(idempotency_key, method, path, body)
            if stored is not None:
                return Reply(*stored)
        reply = self._route(method, path, params, body)
        if keys is not None and idempotency_key is not None:
            keys.remember(idempotency_key, method, path, body, reply.status, reply.body)
        return reply

    def _route(self, method: str, path: str, params: dict[str, str], body: Any) -> Reply:
        from simulator.intacct.rest import composite, model, query  # services import this module's helpers

        if path.rstrip("/") == "/services/core/composite":
            if method != "POST":
                raise unknown_path(method, path)
            return Reply(*composite.run(self, body, self.atomic))
        if path in ("/services/core/query", "/services/core/query/"):
            if method != "POST":
                raise unknown_path(method, path)
            rows, meta = query.run(self, body)
            return Reply(200, {"ia::result": rows, "ia::meta": meta})
        if path.rstrip("/") == "/services/core/model":
            if method != "GET":
                raise unknown_path(method, path)
            return Reply(200, model.describe(params))
        if path.rstrip("/") == "/services/core/session/id" and method == "GET":
            return Reply(200, {"ia::result": company.xml_session(self), "ia::meta": single_meta()})
        if path.rstrip("/") == "/services/company-config/dimensions/list" and method == "GET":
            return Reply(200, {"ia::result": company.dimensions(), "ia::meta": single_meta()})
        if path.startswith("/workflows/") and method == "POST":
            return Reply(200, {"ia::result": self._write(lambda: documents.workflow(self, path, body)),
                               "ia::meta": single_meta()})
        match = _OBJECT_PATH.match(path)
        if match is None:
            raise unknown_path(method, path)
        res = resolve_object(f"{unquote(match.group(1))}/{unquote(match.group(2))}")
        key = unquote(match.group(3)) if match.group(3) else None
        return self.objects(method, res, key, params, body)

    def _write(self, action: Any, res: Resource | None = None) -> Any:
        try:
            with self.store.transaction():
                return action()
        except errors.IntacctError as exc:
            raise self.failure(exc, res) from exc

    def objects(self, method: str, res: Resource, key: str | None, params: dict[str, str], body: Any) -> Reply:
        ctx = self.ctx
        handler = documents if res.xml == "PODOCUMENT" else company if company.serves(res) else records
        if key is None:
            if method == "GET":
                limit = int(self.settings.get("list_limit", 100))
                refs, total = handler.list_refs(ctx, res, limit)
                return Reply(200, {"ia::result": refs, "ia::meta": page_meta(total, 1, limit, len(refs))})
            if method == "POST":
                if isinstance(body, list):
                    raise RestError(400, "Send one record per POST, or use a composite request for several.",
                                    error_id="REST-1064", message_id="IA.PAYLOAD_CONTAINS_ERRORS")
                row = self._write(lambda: handler.create(ctx, res, body), res)
                return Reply(201, {"ia::result": records.reference(res, row), "ia::meta": single_meta()})
            raise records.method_not_allowed(res, method)
        if method == "GET":
            return Reply(200, {"ia::result": handler.get_record(ctx, res, key), "ia::meta": single_meta()})
        if method == "PATCH":
            row = self._write(lambda: handler.update(ctx, res, key, body), res)
            return Reply(200, {"ia::result": records.reference(res, row), "ia::meta": single_meta()})
        if method == "DELETE":
            self._write(lambda: handler.delete(ctx, res, key), res)
            return Reply(204, None)
        raise records.method_not_allowed(res, method)

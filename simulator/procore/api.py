"""What every REST call goes through: the bearer token, the company header policy, rate-limit headers, and the
translation of the sync core's refusals into Procore's statuses and error bodies.

A handler takes a ``Call`` and returns a ``Response`` (or raises ``ProcoreError``); ``endpoint`` wraps it.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

from simulator.procore import side
from simulator.procore.oauth import bearer
from simulator.procore.wire import ProcoreError, answer, error_body, page
from simulator.store import Tenant
from sync_core import errors as e
from sync_core import objects as o
from sync_core.connectors import sign_in
from sync_core.procore import Company

RATE = "procore.rate"
HOUR = 3600
SPIKE = 10
SYNCED_ERP = "not editable because it has been synced with ERP"

Handler = Callable[["Call"], Awaitable[Response]]


@dataclass
class Call:
    request: Request
    tenant: Tenant
    user_id: int
    headers: dict[str, str] = field(default_factory=dict)
    _company: Company | None = None
    _client: httpx.Client | None = None

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.tenant.config.get("procore") or {})

    @property
    def company_id(self) -> int:
        return int(self.config["company_id"])

    @property
    def company(self) -> Company:
        """The tenant's company; a write also gets its ERP connector attached for the connector's rules (the
        REST API itself makes no ERP calls)."""
        if self._company is None:
            company = side.company(self.request.app, self.tenant.id)
            erp = str(self.config.get("erp") or "intacct")
            if erp in self.tenant.config and self.request.method != "GET":
                self._client = httpx.Client(transport=side.AppTransport(self.request.app), base_url="http://127.0.0.1")
                company.procore._connectors.pop(company.id, None)
                company.procore._connectors[company.id] = sign_in(erp, self._client, self.tenant.config[erp],
                                                                   lambda _s: None)
            self._company = company
        return self._company

    @property
    def user(self) -> o.User:
        return o.User.load(self.company, self.user_id)

    def close(self) -> None:
        if self._company is not None:
            self._company.procore._connectors.pop(self._company.id, None)
        if self._client is not None:
            self._client.close()

    def param(self, name: str, *, required: bool = False) -> str | None:
        value = self.request.query_params.get(name)
        if required and not value:
            raise ProcoreError(400, f"param is missing or the value is empty: {name}")
        return value

    def listing(self, items: list[Any]) -> Response:
        chunk, headers = page(self.request, items, self.config)
        return answer(chunk, headers=headers)

    def project(self, project_id: Any) -> o.Project:
        try:
            number = int(project_id)
        except (TypeError, ValueError):
            raise ProcoreError(404, "Project not found") from None
        record = self.company.records.get(o.Project.kind, number)
        if record is None:
            raise ProcoreError(404, "Project not found")
        return o.Project(self.company, record.id, record.data, record.parent)

    def project_from_query(self) -> o.Project:
        return self.project(self.param("project_id", required=True))


def _rate_limit(call: Call) -> None:
    """Count the call in the tenant's hourly (and, when set, 10-second) window; 429 past the limit."""
    config = call.config
    now = call.request.app.state.clock.time()
    records = call.request.app.state.store.records(call.tenant.id)
    limits = [(HOUR, int(config.get("rate_limit_hourly", 3600))), (SPIKE, int(config.get("rate_limit_spike", 0)))]
    closest: tuple[int, int, int] | None = None
    for window, limit in limits:
        if limit <= 0:
            continue
        start = int(now // window * window)
        key = f"{window}:{start}"
        record = records.get_by_key(RATE, key)
        used = (record.data["count"] if record else 0) + 1
        if record is None:
            records.insert(RATE, {"count": used}, key=key)
        else:
            records.update(RATE, record.id, {"count": used}, key=key)
        remaining = limit - used
        if closest is None or remaining < closest[1]:
            closest = (limit, remaining, start + window)
    if closest is None:
        return
    limit, remaining, reset = closest
    call.headers.update({"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": str(max(0, remaining)),
                         "X-Rate-Limit-Reset": str(reset)})
    if remaining < 0:
        raise ProcoreError(429, "Rate limit exceeded", headers={"Retry-After": str(max(1, math.ceil(reset - now)))})


def _company_header(call: Call, path_company: str | None) -> None:
    config = call.config
    sent = call.request.headers.get("procore-company-id") or call.request.headers.get("company_id")
    named = sent or path_company or call.request.query_params.get("company_id")
    if named is not None and named.strip() != str(call.company_id):
        raise ProcoreError(403, "App is not connected to this company")
    if call.request.headers.get("procore-company-id") is None and config.get("company_header") == "strict":
        raise ProcoreError(int(config.get("company_header_status", 400)), "Missing Procore-Company-Id header!")


def sync_error(exc: e.SyncError, item_synced: bool = False) -> ProcoreError:
    """The sync core's refusal as Procore states it."""
    if isinstance(exc, e.NotFound):
        return ProcoreError(404, exc.message)
    if isinstance(exc, e.PermissionDenied):
        return ProcoreError(403, exc.message)
    if isinstance(exc, e.DuplicateOriginId):
        return ProcoreError(409, {"origin_id": [exc.message]})
    if isinstance(exc, e.Locked):
        message = exc.message
        if "synced with ERP" in message and SYNCED_ERP not in message:
            message = f"{message} ({SYNCED_ERP})"
        return ProcoreError(422, {"base": [message]})
    if isinstance(exc, (e.ValidationFailed, e.PreconditionFailed)):
        return ProcoreError(422, {"base": exc.problems})
    return ProcoreError(422, {"base": [exc.message]})


def endpoint(handler: Handler, *, company_header: bool = True) -> Callable[[Request], Awaitable[Response]]:
    async def respond(request: Request) -> Response:
        call: Call | None = None
        shape = "rails"
        try:
            tenant, user_id, _, _ = bearer(request)
            call = Call(request, tenant, user_id)
            shape = str(call.config.get("error_shape", "rails"))
            _rate_limit(call)
            if company_header:
                _company_header(call, request.path_params.get("company_id"))
            response = await handler(call)
        except ProcoreError as exc:
            response = answer(error_body(exc, shape), exc.status, headers=exc.headers)
        except e.SyncError as exc:
            mapped = sync_error(exc)
            response = answer(error_body(mapped, shape), mapped.status)
        finally:
            if call is not None:
                call.close()
        if call is not None:
            for key, value in call.headers.items():
                response.headers.setdefault(key, value)
        return response

    respond.__name__ = handler.__name__
    return respond

"""Each tenant's Procore company, kept in the tenant's own store records and connected to one of its ERPs.

The rest of the app (the people's actions, the REST API, the training console) gets a tenant's company here:

    from simulator.procore.side import company, connected, run

    company(app, "demo")                       # read and edit; no ERP calls
    with connected(app, "demo") as c:          # the same company with its ERP connector attached;
        c.imports.payments()                   # call it from a worker thread, never the event loop
    outcome = await run(request, "demo", lambda c: approver_of(c).accept(item_of(c), erp_job_id="2001"))

``run`` is what an async handler uses: it runs the function on a worker thread with the company connected.
The connector reaches the ERP rooms of this same app in process: each request is handed to the app on the
server's own event loop (which is free, because the handler that started the work is awaiting the worker),
so a sync action never blocks the loop that must answer its ERP calls. Outside a running server (startup,
scripts, tests) the requests run on a private loop in the calling thread.

The company's users come from ``config["procore"]["users"]`` plus a service account (the OAuth application's
user); the first time a company is connected its cost types and ERP Standard Cost Code list are imported from
its ERP, as an administrator does when turning ERP Integrations on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from simulator.procore import webhooks
from simulator.procore.config import ERPS
from simulator.store import Store
from sync_core import Procore, RetryPolicy
from sync_core import objects as o
from sync_core.connectors import sign_in
from sync_core.errors import NotConnected, NotFound, SyncError
from sync_core.procore import Company

T = TypeVar("T")

SETUP = "procore.company"
"""One record per tenant: which ERP the company is integrated with, and whether its first imports ran."""

# What each role may do; the service account is the OAuth application's own user.
ROLE_PERMISSIONS: dict[str, dict[str, Any]] = {
    "service_account": {"erp_integrations": "admin", "can_push_to_accounting": False},
    "project_manager": {"erp_integrations": "read_only", "can_push_to_accounting": False},
    "accounting_approver": {
        "erp_integrations": "admin", "can_push_to_accounting": True,
        # Approvers work in ERP Integrations; on the project tools they are Standard, so they cannot send.
        "tool_permissions": [f"{tool}:standard" for tool in ("projects", "budget", "commitments",
                                                             "prime_contracts", "invoicing", "directory")],
    },
}
SERVICE_LOGIN = "api"
EXPORT_TIMEOUT = 120.0


class AppTransport(httpx.BaseTransport):
    """httpx requests answered by the ASGI app itself, on ``loop`` when it runs, else on a private loop."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.inner = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50001))
        self.loop = loop
        self._own: asyncio.AbstractEventLoop | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body,
                                  extensions=request.extensions)

        async def send() -> tuple[int, httpx.Headers, bytes]:
            response = await self.inner.handle_async_request(forwarded)
            return response.status_code, response.headers, await response.aread()

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self.loop is not None and self.loop.is_running():
            if running is self.loop:
                raise RuntimeError("an ERP call from the event loop's own thread would deadlock; use run()")
            status, headers, content = asyncio.run_coroutine_threadsafe(send(), self.loop).result(EXPORT_TIMEOUT)
        elif running is not None:
            raise RuntimeError("ERP calls must be made from a worker thread; use simulator.procore.side.run()")
        else:
            if self._own is None:
                self._own = asyncio.new_event_loop()
            status, headers, content = self._own.run_until_complete(send())
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        if self._own is not None and not self._own.is_closed():
            self._own.close()


def procore_of(app: Any) -> Procore:
    """The Procore side of the app: companies in the tenants' own store records, on the simulator clock."""
    procore = getattr(app.state, "procore", None)
    if procore is None:
        procore = Procore(app.state.store, clock=app.state.clock, sleep=time.sleep,
                          policy=RetryPolicy(attempts=3, base_delay=0.2, max_delay=2.0), tenant_prefix="")
        webhooks.install(app, procore)
        app.state.procore = procore
    return procore


def settings(app: Any, tenant_id: str) -> dict[str, Any]:
    tenant = app.state.store.get_tenant(tenant_id)
    if tenant is None:
        raise NotFound(f"no tenant {tenant_id!r}")
    return dict(tenant.config.get("procore") or {})


def company(app: Any, tenant_id: str) -> Company:
    """A tenant's Procore company, for reading and editing (no ERP calls)."""
    found = procore_of(app).company(tenant_id)
    ensure_people(found, settings(app, tenant_id))
    return found


def ensure_people(company: Company, config: dict[str, Any]) -> None:
    """The service account and the configured people, as Procore users (created once)."""
    users = company.users.all()
    known = {str(u.data.get("email") or "") for u in users}
    wanted = {login: person for login, person in (config.get("users") or {}).items()
              if login not in known and isinstance(person, dict)}
    if users and not wanted:
        return  # every request asks; only a new tenant or a newly configured person writes
    store: Store = company.store
    with store.transaction():
        if not users:
            company.users.create(name=f"{company.name} API", email=SERVICE_LOGIN, **ROLE_PERMISSIONS["service_account"])
        for login, person in wanted.items():
            role = str(person.get("role") or "project_manager")
            company.users.create(name=str(person.get("name") or login), email=login,
                                 **ROLE_PERMISSIONS.get(role, ROLE_PERMISSIONS["project_manager"]))


def user_of(company: Company, who: Any) -> o.User:
    """A user by login (e-mail) or id."""
    for user in company.users.all():
        if who == user.id or (isinstance(who, str) and who and who.casefold() == str(user.data.get("email") or "")
                              .casefold()) or (isinstance(who, str) and who.isdigit() and int(who) == user.id):
            return user
    raise NotFound(f"no user {who!r} in {company.name}")


def setup_record(company: Company) -> dict[str, Any]:
    record = company.records.get_by_key(SETUP, "company")
    return dict(record.data) if record is not None else {}


def _write_setup(company: Company, changes: dict[str, Any]) -> None:
    record = company.records.get_by_key(SETUP, "company")
    if record is None:
        company.records.insert(SETUP, changes, key="company")
    else:
        company.records.update(SETUP, record.id, dict(record.data, **changes), key="company")


def seed(company: Company, config: dict[str, Any]) -> None:
    """A new tenant's company: its people, and the record that says it has not been connected yet."""
    ensure_people(company, config)
    if not setup_record(company):
        _write_setup(company, {"erp": config.get("erp", "intacct"), "imported": False})


@contextmanager
def connected(app: Any, tenant_id: str, *, loop: asyncio.AbstractEventLoop | None = None) -> Iterator[Company]:
    """The tenant's company with its ERP connector attached, signed in with the tenant's ERP logins.

    Call it from a worker thread (``run`` does); ``loop`` is the server's event loop when there is one.
    """
    found = company(app, tenant_id)
    tenant = app.state.store.get_tenant(tenant_id)
    config = dict(tenant.config.get("procore") or {})
    erp = str(config.get("erp") or "intacct")
    if erp not in ERPS or erp not in tenant.config:
        raise NotConnected(f"{found.name} is set to integrate with {erp!r}, which this simulator does not serve; "
                           f"choose one of: {', '.join(e for e in ERPS if e in tenant.config)}")
    setup = setup_record(found)
    if setup.get("erp") and setup["erp"] != erp and found.erp.synced():
        raise SyncError(f"{found.name} is integrated with {setup['erp']} and has synced items; it cannot switch to "
                        f"{erp}")
    transport = AppTransport(app, loop)
    client = httpx.Client(transport=transport, base_url="http://127.0.0.1", timeout=EXPORT_TIMEOUT)
    connector = None
    try:
        connector = sign_in(erp, client, tenant.config[erp], time.sleep)
        found.procore._connectors.pop(found.id, None)
        found.connect(connector)
        if setup.get("erp") != erp or not setup.get("imported"):
            # Turning ERP Integrations on: the cost types and the ERP Standard Cost Code list come from the ERP.
            found.imports.cost_types()
            found.imports.cost_codes()
            _write_setup(found, {"erp": erp, "imported": True})
        yield found
    finally:
        found.procore._connectors.pop(found.id, None)
        try:
            if connector is not None:
                connector.close()
        finally:
            client.close()
            transport.close()


def prepare(app: Any, tenant_id: str) -> None:
    """Connect once now (outside a running server), so the company's cost codes are there before anyone asks."""
    with connected(app, tenant_id):
        pass


async def run(where: Request | Any, tenant_id: str, fn: Callable[[Company], T]) -> T:
    """Run ``fn(company)`` on a worker thread with the tenant's company connected to its ERP."""
    app = where.app if isinstance(where, Request) else where
    loop = asyncio.get_running_loop()

    def work() -> T:
        with connected(app, tenant_id, loop=loop) as connected_company:
            return fn(connected_company)

    return await run_in_threadpool(work)

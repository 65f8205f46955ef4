"""How the console acts on a seat's Procore company: as which user, and through which functions.

Every Procore action runs a scenario step from the step registry (``sync_core.replay.steps.REGISTRY``:
"create subcontract", "send to erp", "accept"...) on a context bound to the seat's own company, so a
click, a scenario line and a lesson step are one function. Steps that reach the ERP run on a worker
thread with the company connected (``simulator.procore.side.run``); the bookkeeper's steps run the ERP
room's back-office action directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from starlette.requests import Request

from simulator.console.books import connected_erp
from simulator.procore import side
from simulator.services import Backoffice, BackofficeError
from simulator.store import Tenant
from sync_core import objects as o
from sync_core.errors import SyncError
from sync_core.procore import Company
from sync_core.replay import actions as _actions  # noqa: F401 - registers the built-in steps
from sync_core.replay.runner import Context
from sync_core.replay.steps import REGISTRY, Mismatch, StepFailed

T = TypeVar("T")
ACTING = "erpsim_acting_{seat}"


class BookkeeperRefused(SyncError):
    """The ERP refused a bookkeeper's step; the message is the ERP's own."""


class SeatContext(Context):
    """A step context on a seat's company: the same steps a scenario runs, without a scenario's own tenant."""

    def __init__(self, app: Any, tenant: Tenant, company: Company, *, reader: Any = None,
                 variables: dict[str, Any] | None = None) -> None:
        self.app = app
        self.tenant = tenant
        self.binding = self  # bookkeeper steps call ``ctx.binding.backoffice``
        self.scenario = None
        self.erp = connected_erp(tenant)
        self.company = company
        self.reader = reader
        self.clock = app.state.clock
        self.vars = {"erp": self.erp, "company": company, "tenant": tenant.id, **(variables or {})}
        self.notes: list[str] = []

    def backoffice(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        tenants = tenants_of_app(self.app)
        svc = next((s for s in tenants.services if s.name == self.erp), None)
        if svc is None or action not in svc.backoffice:
            raise StepFailed(f"{self.erp} has no back-office action {action!r}")
        tenant = tenants.get(self.tenant.id)
        office = Backoffice(tenants.store.records(tenant.id), tenant.config.get(self.erp, {}), self.clock)
        try:
            with tenants.store.transaction():
                return svc.backoffice[action](office, params)
        except BackofficeError as exc:
            raise BookkeeperRefused(str(exc)) from exc


def tenants_of_app(app: Any) -> Any:
    return app.state.tenants


__all__ = ["SeatContext", "connected_erp"]


def step(kind: str, action: str) -> Callable[[Context, dict[str, Any]], Any]:
    spec = REGISTRY.action(kind, action)
    if spec is None:
        raise LookupError(f"no {kind} step {action!r}")
    return spec.fn


def company_of(request: Request, tenant: Tenant) -> Company:
    return side.company(request.app, tenant.id)


def users_of(company: Company) -> list[o.User]:
    """The people who sign in (not the API's service account)."""
    return [u for u in company.users.all() if u.data.get("email") != side.SERVICE_LOGIN]


def role_user(company: Company, role: str) -> o.User | None:
    """The first user who can do a role's work: an approver can push to accounting, a PM cannot."""
    for user in users_of(company):
        approver = bool(user.data.get("can_push_to_accounting"))
        if approver == (role == "accounting_approver"):
            return user
    return None


def acting_user(request: Request, tenant: Tenant, company: Company, role: str) -> o.User:
    """Whom the person at the keyboard is acting as: their choice for this seat, else the page's role."""
    chosen = request.cookies.get(ACTING.format(seat=tenant.id))
    if chosen:
        for user in users_of(company):
            if str(user.id) == chosen:
                return user
    return role_user(company, role) or company.owner


async def ready(request: Request, tenant: Tenant) -> None:
    """Turn ERP Integrations on the first time it is needed: the company's cost types and ERP Standard Cost
    Code list come from its ERP (what connecting does once)."""
    company = company_of(request, tenant)
    setup = side.setup_record(company)
    if not setup.get("imported") or setup.get("erp") != connected_erp(tenant):
        await side.run(request, tenant.id, lambda c: None)


def form_user(request: Request, tenant: Tenant, company: Company, chosen: str, role: str) -> o.User:
    """The user a form names (its ``user`` field), else whom this browser acts as."""
    for user in users_of(company):
        if chosen and str(user.id) == chosen:
            return user
    return acting_user(request, tenant, company, role)


def do(request: Request, tenant: Tenant, kind: str, action: str, params: dict[str, Any],
       user: o.User | None = None, company: Company | None = None) -> Any:
    """Run a step that stays inside Procore (no ERP call), on the event loop, as ``user`` when given.

    ``company`` is the handle the parameters' items were loaded with, so the step acts as ``user`` on it.
    """
    company = company or company_of(request, tenant)
    ctx = SeatContext(request.app, tenant, company)
    if user is None:
        return step(kind, action)(ctx, params)
    with company.acting(o.User.load(company, user.id)):
        return step(kind, action)(ctx, params)


async def do_with_erp(request: Request, tenant: Tenant, kind: str, action: str,
                      params: Callable[[Company], dict[str, Any]]) -> Any:
    """Run a step that reaches the ERP, on a worker thread with the company connected.

    ``params`` builds the step's parameters from the connected company (items are loaded there).
    """
    app = request.app

    def work(company: Company) -> Any:
        ctx = SeatContext(app, tenant, company)
        return step(kind, action)(ctx, params(company))

    return await side.run(request, tenant.id, work)


def reader_for(app: Any, tenant: Tenant, loop: Any) -> tuple[Any, httpx.Client]:
    """An ERP reader (what ``expect: erp`` reads back) over the app's own ERP wire, for a worker thread."""
    from sync_core.replay.erp import READERS

    erp = connected_erp(tenant)
    transport = side.AppTransport(app, loop)
    client = httpx.Client(transport=transport, base_url="http://127.0.0.1", timeout=side.EXPORT_TIMEOUT)
    return READERS[erp](client, tenant.config.get(erp, {})), client


def describe_failure(exc: BaseException) -> str:
    if isinstance(exc, Mismatch):
        return "; ".join(f"{what}: expected {exp}, found {got}" for what, exp, got in exc.differences)
    message = getattr(exc, "message", None)
    return str(message or exc)


def now() -> float:
    return time.time()

"""The Procore side as a Python API that reads like the ERP Integrations tool.

    pm = Procore()
    company = pm.create_company("Demo Construction")
    company.connect(IntacctConnector(client, ...))
    approver = company.users.create(name="Ann", erp_integrations="admin", can_push_to_accounting=True)
    project = company.projects.create(name="Library", project_number="1001")
    project.send_to_erp()
    approver.accept(project, erp_job_id="1001")
    company.imports.payments()
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from simulator.store import Store
from sync_core import objects as o
from sync_core.connectors.base import Connector
from sync_core.context import ClockLike
from sync_core.delivery import RetryPolicy, Sleep
from sync_core.imports import Imports
from sync_core.errors import NotConnected, NotFound, SyncError, ValidationFailed
from sync_core.records import TENANT_PREFIX, CompanyRecords
from sync_core.tool import ErpIntegrations
from sync_core.workflow import AuditEntry

COMPANY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class SystemClock:
    def time(self) -> float:
        return time.time()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


class Procore:
    """The PM side: companies kept in SQLite, a clock, and the retry policy for ERP calls.

    ``sleep`` is what backoff waits with; tests pass the simulator clock's
    ``advance`` so retries take no real time.
    """

    def __init__(self, store: Store | None = None, *, clock: ClockLike | None = None, sleep: Sleep | None = None,
                 policy: RetryPolicy | None = None, tenant_prefix: str = TENANT_PREFIX) -> None:
        self.store = store or Store(":memory:")
        # Companies live in store tenants "procore:<id>" beside nothing else; the served simulator passes ""
        # so each tenant's Procore company shares its store tenant with that tenant's ERP books.
        self.tenant_prefix = tenant_prefix
        self.on_audit: Callable[[Company, AuditEntry, str], None] | None = None
        """Told of every audit entry of every company (who did what to which object), as it is written."""
        self.clock: ClockLike = clock or SystemClock()
        self.sleep: Sleep = sleep or time.sleep
        self.policy = policy or RetryPolicy()
        self._connectors: dict[str, Connector] = {}

    def create_company(self, name: str, *, company_id: str | None = None) -> Company:
        company_id = company_id or re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "company"
        if not COMPANY_ID.match(company_id):
            raise ValidationFailed(["company id must be 1-40 lowercase letters, digits, '-' or '_'"])
        if self.store.get_tenant(self.tenant_of(company_id)) is not None:
            raise ValidationFailed([f"a company with id {company_id!r} already exists"])
        self.store.create_tenant(self.tenant_of(company_id), name, {"procore": {"name": name}})
        company = Company(self, company_id)
        company.users.create(name=f"{name} administrator", erp_integrations="admin")
        return company

    def tenant_of(self, company_id: str) -> str:
        """The store tenant that holds a company's records."""
        return f"{self.tenant_prefix}{company_id}"

    def company(self, company_id: str) -> Company:
        if self.store.get_tenant(self.tenant_of(company_id)) is None:
            raise NotFound(f"no company {company_id!r}")
        return Company(self, company_id)

    def companies(self) -> list[Company]:
        return [Company(self, t.id.removeprefix(self.tenant_prefix)) for t in self.store.list_tenants()
                if t.id.startswith(self.tenant_prefix)]

    def tick(self) -> list[Any]:
        """Run every company's scheduled imports that are due by the clock."""
        reports: list[Any] = []
        for company in self.companies():
            reports.extend(company.tick())
        return reports


class Company:
    """One Procore company account and its ERP Integrations tool."""

    def __init__(self, procore: Procore, company_id: str) -> None:
        self.procore = procore
        self.id = company_id
        self.store = procore.store
        listener = procore.on_audit
        self.records = CompanyRecords(procore.store, company_id, tenant=procore.tenant_of(company_id),
                                      on_audit=None if listener is None else lambda entry, slug: listener(self, entry,
                                                                                                         slug))
        self.erp = ErpIntegrations(self)
        self.imports = Imports(self)
        self._actor: o.User | None = None

    def __repr__(self) -> str:
        return f"<Company {self.id} ({self.name})>"

    @property
    def name(self) -> str:
        tenant = self.store.get_tenant(self.procore.tenant_of(self.id))
        assert tenant is not None
        return tenant.name

    # -- time and actors -------------------------------------------------------

    @property
    def clock(self) -> ClockLike:
        return self.procore.clock

    @property
    def sleep(self) -> Sleep:
        return self.procore.sleep

    @property
    def policy(self) -> RetryPolicy:
        return self.procore.policy

    def now_text(self) -> str:
        return self.clock.now().astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def today(self) -> dt.date:
        return self.clock.now().date()

    @property
    def owner(self) -> o.User:
        users = self.users.all()
        if not users:
            raise SyncError("the company has no users")
        return users[0]

    def acting_name(self) -> str:
        return str((self._actor or self.owner).data["name"])

    @contextmanager
    def acting(self, user: o.User) -> Iterator[None]:
        previous, self._actor = self._actor, user
        try:
            yield
        finally:
            self._actor = previous

    # -- the ERP connection --------------------------------------------------------

    def connect(self, connector: Connector) -> Company:
        """Attach this company's ERP connector (it holds the HTTP client and credentials)."""
        if not isinstance(connector, Connector):
            raise SyncError("connect() needs an ERP connector")
        current = self.procore._connectors.get(self.id)
        if current is not None and current.erp != connector.erp and self.erp.synced():
            raise SyncError(f"{self.name} is integrated with {current.title} and has synced items; it cannot "
                            f"switch to {connector.title}")
        self.procore._connectors[self.id] = connector
        self.imports.schedule.install_default(connector)
        return self

    @property
    def connector(self) -> Connector | None:
        return self.procore._connectors.get(self.id)

    @property
    def connected(self) -> bool:
        return self.connector is not None

    def require_connector(self) -> Connector:
        connector = self.connector
        if connector is None:
            raise NotConnected(f"{self.name} is not integrated with an ERP; connect a connector first")
        return connector

    def tick(self) -> list[Any]:
        """Run scheduled imports that are due now."""
        return self.imports.schedule.run_due()

    # -- tools -------------------------------------------------------------------

    @property
    def users(self) -> o.Users:
        return o.Users(self, o.User)

    @property
    def directory(self) -> o.Directory:
        return o.Directory(self, o.Vendor)

    @property
    def cost_codes(self) -> o.StandardCostCodes:
        return o.StandardCostCodes(self, o.StandardCostCode)

    @property
    def cost_types(self) -> o.CostTypes:
        return o.CostTypes(self, o.CostType)

    @property
    def projects(self) -> o.Projects:
        return o.Projects(self, o.Project)

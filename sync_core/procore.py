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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from simulator.store import Store
from sync_core import objects as o
from sync_core.capabilities import Direction
from sync_core.connectors.base import Connector
from sync_core.delivery import RetryPolicy, Sleep
from sync_core.errors import NotConnected, NotFound, Refused, SyncError, ValidationFailed
from sync_core.records import TENANT_PREFIX, CompanyRecords, tenant_id

COMPANY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class ClockLike(Protocol):
    def time(self) -> float: ...

    def now(self) -> dt.datetime: ...


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
                 policy: RetryPolicy | None = None) -> None:
        self.store = store or Store(":memory:")
        self.clock: ClockLike = clock or SystemClock()
        self.sleep: Sleep = sleep or time.sleep
        self.policy = policy or RetryPolicy()
        self._connectors: dict[str, Connector] = {}

    def create_company(self, name: str, *, company_id: str | None = None) -> Company:
        company_id = company_id or re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "company"
        if not COMPANY_ID.match(company_id):
            raise ValidationFailed(["company id must be 1-40 lowercase letters, digits, '-' or '_'"])
        if self.store.get_tenant(tenant_id(company_id)) is not None:
            raise ValidationFailed([f"a company with id {company_id!r} already exists"])
        self.store.create_tenant(tenant_id(company_id), name, {"procore": {"name": name}})
        company = Company(self, company_id)
        company.users.create(name=f"{name} administrator", erp_integrations="admin")
        return company

    def company(self, company_id: str) -> Company:
        if self.store.get_tenant(tenant_id(company_id)) is None:
            raise NotFound(f"no company {company_id!r}")
        return Company(self, company_id)

    def companies(self) -> list[Company]:
        return [Company(self, t.id.removeprefix(TENANT_PREFIX)) for t in self.store.list_tenants()
                if t.id.startswith(TENANT_PREFIX)]

    def tick(self) -> list[Any]:
        """Run every company's scheduled imports that are due by the clock."""
        reports: list[Any] = []
        for company in self.companies():
            reports.extend(company.tick())
        return reports


class Company:
    """One Procore company account and its ERP Integrations tool."""

    def __init__(self, procore: Procore, company_id: str) -> None:
        from sync_core.imports import Imports
        from sync_core.tool import ErpIntegrations

        self.procore = procore
        self.id = company_id
        self.store = procore.store
        self.records = CompanyRecords(procore.store, company_id)
        self.erp = ErpIntegrations(self)
        self.imports = Imports(self)
        self._actor: o.User | None = None

    def __repr__(self) -> str:
        return f"<Company {self.id} ({self.name})>"

    @property
    def name(self) -> str:
        tenant = self.store.get_tenant(tenant_id(self.id))
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
    def users(self) -> Users:
        return Users(self, o.User)

    @property
    def directory(self) -> Directory:
        return Directory(self, o.Vendor)

    @property
    def cost_codes(self) -> StandardCostCodes:
        return StandardCostCodes(self, o.StandardCostCode)

    @property
    def cost_types(self) -> CostTypes:
        return CostTypes(self, o.CostType)

    @property
    def projects(self) -> Projects:
        return Projects(self, o.Project)


class Users(o.Collection[o.User]):
    def create(self, **values: Any) -> o.User:  # type: ignore[override]
        perms = values.get("tool_permissions")
        if isinstance(perms, dict):
            values["tool_permissions"] = [f"{k}:{v}" for k, v in perms.items()]
        user = super().create(**values)
        for entry in user.data.get("tool_permissions") or []:
            tool, _, level = entry.partition(":")
            if level not in o.PERMISSION_LEVELS:
                self.company.records.delete(user.kind, user.id)
                raise ValidationFailed([f"permission level for {tool} must be one of {', '.join(o.PERMISSION_LEVELS)}"])
        return user


class Directory(o.Collection[o.Vendor]):
    def create(self, **values: Any) -> o.Vendor:  # type: ignore[override]
        return super().create(**values)

    def by_erp_vendor_id(self, vendor_id: str) -> o.Vendor | None:
        found = self.company.records.by_origin("vendor", vendor_id)
        return None if found is None else o.Vendor.load(self.company, found[1])

    def link(self, vendor: o.Vendor, erp_vendor_id: str) -> None:
        """Refused: a vendor created in both systems cannot be linked afterwards."""
        raise Refused("workflow.create_in_one_system",
                      f"{vendor.describe()} and ERP vendor {erp_vendor_id} were created in both systems and cannot "
                      f"be linked. Create the vendor in one system, then export it to (or import it from) the other")


class StandardCostCodes(o.Collection[o.StandardCostCode]):
    """The company's ERP Standard Cost Code list."""

    def by_code(self, code: str) -> o.StandardCostCode | None:
        record = self.company.records.get_by_key(o.StandardCostCode.kind, code)
        return None if record is None else o.StandardCostCode(self.company, record.id, record.data, record.parent)

    def create(self, **values: Any) -> o.StandardCostCode:  # type: ignore[override]
        connector = self.company.connector
        if connector is not None and not connector.matrix.supports("standard_cost_codes", Direction.EXPORT):
            raise Refused(f"{connector.erp}.standard_cost_codes.import_only",
                          f"New cost codes must be created in {connector.title} and imported; they cannot be "
                          f"created in Procore")
        data = o.clean(o.StandardCostCode.schema, values, what="standard cost code")
        if self.by_code(data["code"]) is not None:
            raise ValidationFailed([f"cost code {data['code']} is already on the list"])
        self.company.cost_types.require(data["cost_types"])
        return self._insert(data, key=data["code"])


class CostTypes(o.Collection[o.CostType]):
    def by_code(self, code: str) -> o.CostType | None:
        record = self.company.records.get_by_key(o.CostType.kind, code)
        return None if record is None else o.CostType(self.company, record.id, record.data, record.parent)

    def require(self, codes: list[str]) -> None:
        missing = [c for c in codes if self.by_code(c) is None]
        if missing:
            known = ", ".join(c.data["code"] for c in self.all()) or "none yet"
            raise ValidationFailed([f"unknown cost type(s) {', '.join(missing)}; the company's cost types are: "
                                    f"{known}"])

    def create(self, **values: Any) -> o.CostType:  # type: ignore[override]
        connector = self.company.connector
        if connector is not None and not connector.matrix.supports("cost_types", Direction.EXPORT):
            raise Refused(f"{connector.erp}.cost_types.import_only",
                          f"Cost types come from {connector.title}; import them instead of creating them in Procore")
        data = o.clean(o.CostType.schema, values, what="cost type")
        if self.by_code(data["code"]) is not None:
            raise ValidationFailed([f"cost type {data['code']} already exists"])
        return self._insert(data, key=data["code"])


class Projects(o.Collection[o.Project]):
    def create(self, **values: Any) -> o.Project:  # type: ignore[override]
        number = values.get("project_number")
        if number and any(p.data.get("project_number") == str(number).strip() for p in self.all()):
            raise ValidationFailed([f"project number {number} is already used"])
        return super().create(**values)

    def by_number(self, number: str) -> o.Project | None:
        return self.first(project_number=number)

    def by_erp_job_id(self, job_id: str) -> o.Project | None:
        found = self.company.records.by_origin("project", job_id)
        return None if found is None else o.Project.load(self.company, found[1])

    def link(self, project: o.Project, erp_job_id: str) -> None:
        """Refused: a job created in both systems cannot be synced afterwards."""
        raise Refused("workflow.create_in_one_system",
                      f"You cannot create a job in both systems and then sync them: {project.describe()} and ERP job "
                      f"{erp_job_id} were both created. Add the job in one system and then export it to (or import "
                      f"it from) the other")

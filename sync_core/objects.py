"""Procore's financial objects, each backed by one ``pm.*`` record.

Objects are live handles: reading an attribute reads the record as last
loaded (``refresh()`` reloads), and every change goes through ``update()``,
which enforces the ERP workflow's locks. Each object that takes part in the ERP
Integrations workflow also knows its own send preconditions and how to turn
itself into an ERP-neutral export payload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sync_core import payloads as p
from sync_core.errors import Locked, NotFound, ValidationFailed
from sync_core.values import Field, Schema, clean, fmt_money, money
from sync_core.workflow import PENDING, AuditEntry, ErpStatus

if TYPE_CHECKING:
    from sync_core.procore import Company

ZERO = Decimal("0.00")

E = TypeVar("E", bound="Entity")


class Entity:
    kind: ClassVar[str]
    label: ClassVar[str]
    schema: ClassVar[Schema] = {}
    tool: ClassVar[str] = "directory"
    """The Procore tool the object lives in; sending needs 'Admin' on it."""
    erp_object: ClassVar[str | None] = None
    """The capability-matrix object name when the object takes part in the ERP workflow."""
    synced_locks: ClassVar[frozenset[str]] = frozenset()
    """Fields that stay locked once the object is synced ('*' for all)."""

    def __init__(self, company: Company, id: int, data: dict[str, Any], parent: int | None = None) -> None:
        self.company = company
        self.id = id
        self.data = data
        self.parent_id = parent

    # -- identity ------------------------------------------------------------

    @classmethod
    def slug(cls) -> str:
        return cls.kind.removeprefix("pm.")

    @property
    def object_type(self) -> str:
        """The origin-id namespace (Procore's item type)."""
        return self.slug()

    def describe(self) -> str:
        name = self.data.get("title") or self.data.get("name") or self.data.get("number") or self.data.get("code")
        return f"{self.label} #{self.id}" + (f" ({name})" if name else "")

    def __repr__(self) -> str:
        status = self.data.get("erp_status")
        return f"<{self.describe()}{' ' + status if status else ''}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entity) and other.kind == self.kind and other.id == self.id \
            and other.company.id == self.company.id

    def __hash__(self) -> int:
        return hash((self.kind, self.id))

    def __getattr__(self, name: str) -> Any:
        # Fields of the schema read as typed values (money as Decimal, dates as date).
        schema = type(self).schema
        if name in schema:
            return schema[name].load(self.data.get(name))
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    # -- storage -------------------------------------------------------------

    @classmethod
    def load(cls: type[E], company: Company, id: int) -> E:
        record = company.records.get(cls.kind, id)
        if record is None:
            raise NotFound(f"{cls.label} #{id} does not exist in {company.name}")
        return cls(company, record.id, record.data, record.parent)

    def refresh(self: E) -> E:
        record = self.company.records.get(self.kind, self.id)
        if record is None:
            raise NotFound(f"{self.describe()} no longer exists")
        self.data = record.data
        return self

    def _write(self, changes: Mapping[str, Any], *, key: str | None = None) -> None:
        self.refresh()
        data = dict(self.data, **changes)
        self.company.records.update(self.kind, self.id, data, key=key)
        self.data = data

    def _audit(self, action: str, detail: str = "", *, actor: str | None = None,
               from_status: str | None = None, to_status: str | None = None) -> None:
        status = self.data.get("erp_status")
        entry = AuditEntry(self.company.now_text(), actor or self.company.acting_name(), action, self.object_type,
                           self.id, from_status or status, to_status or status, detail)
        self.company.records.audit(entry, self.slug())

    def history(self) -> list[AuditEntry]:
        """The audit trail of this object, oldest first."""
        return self.company.records.history(self.slug(), self.id)

    # -- ERP state -----------------------------------------------------------

    @property
    def erp_status(self) -> ErpStatus:
        return ErpStatus(self.data.get("erp_status", ErpStatus.NOT_IN_ERP))

    @property
    def origin_id(self) -> str | None:
        return self.data.get("origin_id")

    @property
    def origin_data(self) -> dict[str, Any]:
        return dict(self.data.get("origin_data") or {})

    @property
    def synced(self) -> bool:
        return self.erp_status is ErpStatus.SYNCED

    @property
    def erp_message(self) -> str | None:
        """The ERP's own message from the last failed export."""
        return self.data.get("erp_message")

    @property
    def rejection_reason(self) -> str | None:
        return self.data.get("rejection_reason")

    # -- editing -------------------------------------------------------------

    def lock_reason(self, fields: set[str]) -> str | None:
        """Why ``fields`` cannot change now, or None."""
        status = self.erp_status
        if status in PENDING:
            return (f"{self.describe()} is {status.label} in ERP Integrations and is locked; "
                    f"retrieve it from ERP before editing")
        if status is ErpStatus.SYNCED and self.synced_locks:
            locked = fields if "*" in self.synced_locks else fields & self.synced_locks
            if locked:
                return (f"{', '.join(sorted(locked))} of {self.describe()} cannot change: "
                        f"it is synced with ERP and these fields are locked")
        return None

    def update(self: E, **values: Any) -> E:
        """Change fields; refused while the workflow locks them."""
        cleaned = clean(self.schema, values, partial=True, what=self.label)
        reason = self.lock_reason(set(cleaned))
        if reason:
            raise Locked(reason)
        self.validate(dict(self.data, **cleaned))
        self._write(cleaned)
        self._audit("edit", ", ".join(f"{k}={v}" for k, v in cleaned.items()))
        return self

    def validate(self, data: dict[str, Any]) -> None:
        """Cross-field checks on the would-be data; raise ValidationFailed."""

    def delete(self) -> None:
        reason = self.lock_reason({"*"})
        if self.erp_status is ErpStatus.SYNCED:
            reason = f"{self.describe()} is synced with ERP and cannot be deleted; unlink it first"
        if reason:
            raise Locked(reason)
        self._delete_children()
        self.company.records.delete(self.kind, self.id)

    def _delete_children(self) -> None:
        pass

    # -- the ERP Integrations workflow (see sync_core.tool) -------------------

    def send_to_erp(self: E, by: Any = None) -> E:
        """Send to ERP Integrations for accounting acceptance (Ready to Export)."""
        self.company.erp.send(self, by=by)
        return self.refresh()

    def resend_to_erp(self: E, by: Any = None) -> E:
        """Re-send a rejected (or failed) item after fixing it."""
        self.company.erp.resend(self, by=by)
        return self.refresh()

    def retrieve_from_erp(self: E, by: Any = None) -> E:
        """Take an item back from Ready to Export before the approver decides."""
        self.company.erp.retrieve(self, by=by)
        return self.refresh()

    def unlink_from_erp(self: E, by: Any = None) -> E:
        """Break the link to an ERP record that has been deleted in the ERP."""
        self.company.erp.unlink(self, by=by)
        return self.refresh()

    # hooks the ERP tool calls; overridden by workflow objects
    def send_problems(self) -> list[str]:
        return []

    def limit_values(self) -> dict[str, Any]:
        return {}

    def lines_for_lock(self) -> list[Entity]:
        return []


class Line(Entity):
    """A row of a header object (SOV line, budget line). Locked with its header."""

    header_cls: ClassVar[type[Entity]]
    line_locks_when_synced: ClassVar[bool] = True

    @property
    def header(self) -> Entity:
        assert self.parent_id is not None
        return self.header_cls.load(self.company, self.parent_id)

    def lock_reason(self, fields: set[str]) -> str | None:
        header = self.header
        if header.erp_status in PENDING:
            return header.lock_reason(fields)
        if self.line_locks_when_synced and (header.synced or self.origin_id):
            return f"{self.describe()} of {header.describe()} is synced with ERP and cannot change"
        return None


class Collection(Generic[E]):
    """Objects of one kind in a company, optionally under one parent."""

    def __init__(self, company: Company, cls: type[E], parent: Entity | None = None) -> None:
        self.company = company
        self.cls = cls
        self.parent = parent

    def get(self, id: int) -> E:
        obj = self.cls.load(self.company, id)
        if self.parent is not None and obj.parent_id != self.parent.id:
            raise NotFound(f"{self.cls.label} #{id} does not belong to {self.parent.describe()}")
        return obj

    def all(self) -> list[E]:
        if self.parent is not None:
            rows = self.company.records.children(self.cls.kind, self.parent.id)
        else:
            rows = list(self.company.records.iter(self.cls.kind))
        return [self.cls(self.company, r.id, r.data, r.parent) for r in rows]

    def where(self, **eq: Any) -> list[E]:
        return [o for o in self.all() if all(o.data.get(k) == v for k, v in eq.items())]

    def first(self, **eq: Any) -> E | None:
        found = self.where(**eq)
        return found[0] if found else None

    def __iter__(self) -> Iterator[E]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())

    def _insert(self, data: dict[str, Any], *, key: str | None = None) -> E:
        parent = None if self.parent is None else self.parent.id
        id = self.company.records.insert(self.cls.kind, data, key=key, parent=parent)
        obj = self.cls(self.company, id, data, parent)
        obj._audit("create", obj.describe())
        return obj

    def create(self, **values: Any) -> E:
        data = clean(self.cls.schema, values, what=self.cls.label)
        if self.cls.erp_object is not None:
            data["erp_status"] = ErpStatus.NOT_IN_ERP.value
        probe = self.cls(self.company, 0, data, None if self.parent is None else self.parent.id)
        probe.validate(data)
        return self._insert(data)


# -- users -----------------------------------------------------------------------

PERMISSION_LEVELS = ("none", "read_only", "standard", "admin")


class User(Entity):
    kind = "pm.user"
    label = "User"
    schema = {
        "name": Field(required=True),
        "email": Field(),
        "erp_integrations": Field("choice", choices=PERMISSION_LEVELS, default="none",
                                  label="ERP Integrations permission"),
        "can_push_to_accounting": Field("bool", default=False, label="Can Push to Accounting"),
        "tool_permissions": Field("list", default=[], label="tool permissions"),
    }

    def level(self, tool: str) -> str:
        """This user's level on a Procore tool. ``tool_permissions`` lists 'tool:level' pairs;
        a user is Admin on tools not listed (the company-admin default)."""
        for entry in self.data.get("tool_permissions") or []:
            name, _, level = entry.partition(":")
            if name == tool:
                return level
        return "admin"

    @property
    def is_accounting_approver(self) -> bool:
        return self.data.get("erp_integrations") == "admin" and bool(self.data.get("can_push_to_accounting"))

    # the approver's actions
    def accept(self, item: Entity, **erp_fields: Any) -> Any:
        """Accept an item in Ready to Export: export it now. Returns the ``ExportOutcome``."""
        return self.company.erp.accept(item, approver=self, **erp_fields)

    def reject(self, item: Entity, reason: str) -> Entity:
        self.company.erp.reject(item, approver=self, reason=reason)
        return item.refresh()

    def unlink(self, item: Entity) -> Entity:
        return item.unlink_from_erp(by=self)


# -- the company-level work breakdown structure -----------------------------------


class CostType(Entity):
    """A cost type (Procore line item type): Labor, Material, Subcontract..."""

    kind = "pm.cost_type"
    label = "Cost type"
    tool = "admin"
    schema = {
        "code": Field(required=True),
        "name": Field(required=True),
        "base_type": Field("choice", choices=("labor", "equipment", "materials", "commitment", "owner_cost",
                                              "professional_services", "other"), default="other"),
    }

    @property
    def object_type(self) -> str:
        return "line_item_type"


class StandardCostCode(Entity):
    """An entry of the company's ERP Standard Cost Code list."""

    kind = "pm.standard_cost_code"
    label = "Standard cost code"
    tool = "admin"
    schema = {
        "code": Field(required=True),
        "description": Field(required=True),
        "cost_types": Field("list", default=[], label="default cost types"),
    }

    @property
    def division(self) -> str:
        from sync_core.wbs import division_of
        return division_of(self.data["code"])


# -- the directory ----------------------------------------------------------------


class Vendor(Entity):
    """A company in the Directory: a subcontractor or supplier (an ERP vendor)."""

    kind = "pm.vendor"
    label = "Company"
    tool = "directory"
    erp_object = "vendors"
    schema = {
        "name": Field(required=True),
        "abbreviated_name": Field(),
        "address": Field(),
        "city": Field(),
        "state": Field(),
        "zip": Field(),
        "business_phone": Field(),
        "business_fax": Field(),
        "email_address": Field(),
        "website": Field(),
        "is_active": Field("bool", default=True),
    }

    @property
    def erp_vendor_id(self) -> str | None:
        return self.data.get("erp_vendor_id")

    def send_problems(self) -> list[str]:
        return [] if self.data.get("name") else ["the company needs a name"]

    def limit_values(self) -> dict[str, Any]:
        return {"name": self.data.get("name")}

    def export_payload(self, vendor_id: str) -> p.VendorExport:
        d = self.data
        return p.VendorExport(vendor_id, d["name"], d.get("address"), d.get("city"), d.get("state"), d.get("zip"),
                              d.get("business_phone"), d.get("business_fax"), d.get("email_address"),
                              d.get("website"))


# -- projects -------------------------------------------------------------------


class Project(Entity):
    kind = "pm.project"
    label = "Project"
    tool = "projects"
    erp_object = "projects"
    schema = {
        "name": Field(required=True),
        "project_number": Field(),
        "address": Field(),
        "city": Field(),
        "state": Field(),
        "zip": Field(),
        "start_date": Field("date"),
        "completion_date": Field("date"),
        "description": Field(),
        "active": Field("bool", default=True),
    }

    @property
    def erp_job_id(self) -> str | None:
        """The ERP job id the accounting approver entered (or the imported job's id)."""
        return self.data.get("erp_job_id")

    @property
    def cost_codes(self) -> ProjectCostCodes:
        return ProjectCostCodes(self.company, ProjectCostCode, self)

    @property
    def sub_jobs(self) -> Collection[SubJob]:
        return Collection(self.company, SubJob, self)

    @property
    def budget(self) -> Budget:
        return Budget.for_project(self)

    @property
    def budget_modifications(self) -> BudgetModifications:
        return BudgetModifications(self.company, BudgetModification, self)

    @property
    def commitments(self) -> Commitments:
        return Commitments(self.company, Commitment, self)

    @property
    def prime_contracts(self) -> PrimeContracts:
        return PrimeContracts(self.company, PrimeContract, self)

    @property
    def direct_costs(self) -> Collection[DirectCost]:
        return Collection(self.company, DirectCost, self)

    @property
    def job_costs(self) -> Collection[JobCost]:
        return Collection(self.company, JobCost, self)

    def validate(self, data: dict[str, Any]) -> None:
        start, end = data.get("start_date"), data.get("completion_date")
        if start and end and end < start:
            raise ValidationFailed([f"completion date {end} is before start date {start}"])

    def send_problems(self) -> list[str]:
        problems = []
        codes = self.cost_codes.all()
        for code in codes:
            if not code.cost_type_codes:
                problems.append(f"cost code {code.code} has no cost type; every cost code needs at least one "
                                f"cost type before export")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"name": self.data.get("name"), "city": self.data.get("city")}

    def cost_code_specs(self, only_unsynced: bool = False) -> tuple[p.CostCodeSpec, ...]:
        specs = []
        for code in self.cost_codes.all():
            if only_unsynced and code.origin_id:
                continue
            sub = code.sub_job
            if only_unsynced and sub is not None and not sub.synced:
                continue  # they go out with their sub job
            specs.append(p.CostCodeSpec(code.code, code.description, tuple(code.cost_type_codes),
                                        None if sub is None else sub.code))
        return tuple(specs)

    def export_payload(self, job_id: str) -> p.JobExport:
        d = self.data
        return p.JobExport(job_id, d["name"], d.get("project_number"), d.get("address"), d.get("city"),
                           d.get("state"), d.get("zip"), self.start_date, self.completion_date,
                           d.get("description"), self.cost_code_specs())

    def _delete_children(self) -> None:
        for kind in (ProjectCostCode, SubJob, BudgetModification, JobCost):
            for obj in Collection(self.company, kind, self).all():
                self.company.records.delete(obj.kind, obj.id)


class ProjectCostCode(Entity):
    """A cost code added to a project from the company's ERP Standard Cost Code list."""

    kind = "pm.project_cost_code"
    label = "Project cost code"
    tool = "admin"
    schema = {
        "code": Field(required=True),
        "description": Field(),
        "cost_types": Field("list", default=[]),
        "sub_job": Field("ref"),
    }

    @property
    def object_type(self) -> str:
        return "cost_code"

    @property
    def code(self) -> str:
        return str(self.data["code"])

    @property
    def description(self) -> str:
        return str(self.data.get("description") or "")

    @property
    def cost_type_codes(self) -> list[str]:
        return list(self.data.get("cost_types") or [])

    @property
    def sub_job(self) -> SubJob | None:
        ref = self.data.get("sub_job")
        return None if ref is None else SubJob.load(self.company, ref)


class ProjectCostCodes(Collection[ProjectCostCode]):
    def add(self, code: str, cost_types: list[str] | None = None, *, sub_job: SubJob | None = None) -> ProjectCostCode:
        """Add a code from the ERP Standard Cost Code list; new codes cannot be made up here."""
        assert self.parent is not None
        standard = self.company.cost_codes.by_code(code)
        if standard is None:
            raise ValidationFailed([
                f"cost code {code!r} is not on the company's ERP Standard Cost Code list; project cost codes must "
                f"be added from that list (new codes are created in the ERP and imported)"])
        types = list(cost_types) if cost_types is not None else list(standard.data.get("cost_types") or [])
        self.company.cost_types.require(types)
        existing = self.by_code(code, sub_job=sub_job)
        if existing is not None:
            merged = existing.cost_type_codes + [t for t in types if t not in existing.cost_type_codes]
            if merged != existing.cost_type_codes:
                existing._write({"cost_types": merged})
                existing._audit("edit", f"cost types {', '.join(merged)}")
            return existing
        data = {"code": standard.data["code"], "description": standard.data["description"], "cost_types": types,
                "sub_job": None if sub_job is None else sub_job.id}
        return self._insert(data)

    def by_code(self, code: str, *, sub_job: SubJob | None = None) -> ProjectCostCode | None:
        wanted = None if sub_job is None else sub_job.id
        for obj in self.all():
            if obj.data["code"] == code and obj.data.get("sub_job") == wanted:
                return obj
        return None

    def ensure(self, code: str, cost_type: str, sub_job: SubJob | None = None) -> ProjectCostCode:
        """The project cost code for a line, adding the code or the cost type if missing."""
        existing = self.by_code(code, sub_job=sub_job)
        if existing is not None and cost_type in existing.cost_type_codes:
            return existing
        return self.add(code, [cost_type], sub_job=sub_job)


class SubJob(Entity):
    kind = "pm.sub_job"
    label = "Sub job"
    tool = "admin"
    erp_object = "sub_jobs"
    schema = {"code": Field(required=True), "name": Field(required=True)}

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    @property
    def code(self) -> str:
        return str(self.data["code"])

    def send_problems(self) -> list[str]:
        project = self.project
        if not project.synced:
            return [f"its project {project.describe()} is not synced with ERP; a sub job's parent job must be synced"]
        return []

    def export_payload(self) -> p.SubJobExport:
        project = self.project
        codes = tuple(c for c in project.cost_code_specs() if c.sub_job == self.code)
        assert project.erp_job_id is not None
        return p.SubJobExport(project.erp_job_id, self.code, self.data["name"], codes)


# -- budgets ----------------------------------------------------------------------


class Budget(Entity):
    """A project's budget: one line per (sub job,) cost code × cost type; locked before export."""

    kind = "pm.budget"
    label = "Budget"
    tool = "budget"
    erp_object = "budgets"

    @classmethod
    def for_project(cls, project: Project) -> Budget:
        record = project.company.records.get_by_key(cls.kind, str(project.id))
        if record is None:
            data = {"locked": False, "erp_status": ErpStatus.NOT_IN_ERP.value, "name": project.data["name"]}
            id = project.company.records.insert(cls.kind, data, key=str(project.id), parent=project.id)
            return cls(project.company, id, data, project.id)
        return cls(project.company, record.id, record.data, record.parent)

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    @property
    def locked(self) -> bool:
        return bool(self.data.get("locked"))

    @property
    def lines(self) -> list[BudgetLine]:
        return Collection(self.company, BudgetLine, self).all()

    def line(self, cost_code: str, cost_type: str, sub_job: SubJob | None = None) -> BudgetLine | None:
        key = BudgetLine.line_key(self.id, cost_code, cost_type, sub_job)
        record = self.company.records.get_by_key(BudgetLine.kind, key)
        return None if record is None else BudgetLine(self.company, record.id, record.data, record.parent)

    def add_line(self, cost_code: str, cost_type: str, amount: Any, *, sub_job: SubJob | None = None,
                 description: str = "") -> BudgetLine:
        """Add a line per cost code × cost type. A locked budget takes only new lines (partial line items)."""
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        self.company.cost_types.require([cost_type])
        if self.line(cost_code, cost_type, sub_job) is not None:
            raise ValidationFailed([f"the budget already has a line for {cost_code} {cost_type}"
                                    + (f" on sub job {sub_job.code}" if sub_job else "")])
        self.project.cost_codes.ensure(cost_code, cost_type, sub_job)
        data = clean(BudgetLine.schema, {"cost_code": cost_code, "cost_type": cost_type, "amount": amount,
                                         "sub_job": sub_job, "description": description}, what="budget line")
        id = self.company.records.insert(BudgetLine.kind, data, key=BudgetLine.line_key(self.id, cost_code,
                                                                                          cost_type, sub_job),
                                         parent=self.id)
        line = BudgetLine(self.company, id, data, self.id)
        self._audit("edit", f"added line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return line

    def lock(self) -> Budget:
        if not self.lines:
            raise ValidationFailed(["an empty budget cannot be locked; add budget line items first"])
        if not self.locked:
            self._write({"locked": True})
            self._audit("lock", "original budget amounts are now fixed")
        return self

    def unlock(self) -> Budget:
        if self.erp_status in PENDING or self.synced:
            raise Locked(f"{self.describe()} is {self.erp_status.label} in ERP Integrations and cannot be unlocked")
        if self.locked:
            self._write({"locked": False})
            self._audit("unlock")
        return self

    @property
    def original_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def send_problems(self) -> list[str]:
        problems = []
        project = self.project
        if not project.synced:
            problems.append(f"its project {project.describe()} is not synced with ERP")
        if not self.locked:
            problems.append("the budget must be locked before it is sent to ERP")
        lines = self.lines
        if not lines:
            problems.append("the budget has no line items")
        elif self.synced and not [ln for ln in lines if not ln.in_erp]:
            problems.append("every budget line is already in the ERP; later changes go out as budget modifications")
        return problems

    def send_action(self) -> str:
        return "update" if self.synced else "send"

    def export_payload(self) -> p.BudgetExport:
        project = self.project
        assert project.erp_job_id is not None
        lines = tuple(ln.export_payload() for ln in self.lines if not ln.in_erp)
        return p.BudgetExport(project.erp_job_id, project.data["name"], self.id, lines, self.origin_id,
                              self.origin_data)

    def lock_reason(self, fields: set[str]) -> str | None:
        reason = super().lock_reason(fields)
        if reason:
            return reason
        return None

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class BudgetLine(Line):
    kind = "pm.budget_line"
    label = "Budget line"
    tool = "budget"
    header_cls = Budget
    schema = {
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "sub_job": Field("ref"),
        "amount": Field("money", required=True, label="original budget amount"),
        "description": Field(),
    }

    @staticmethod
    def line_key(budget_id: int, cost_code: str, cost_type: str, sub_job: SubJob | int | None) -> str:
        sub = sub_job.id if isinstance(sub_job, SubJob) else sub_job
        return f"{budget_id}:{sub or 0}:{cost_code}:{cost_type}"

    @property
    def object_type(self) -> str:
        return "budget_line_item"

    def describe(self) -> str:
        return f"budget line {self.data['cost_code']} {self.data['cost_type']}"

    def lock_reason(self, fields: set[str]) -> str | None:
        header = self.header
        assert isinstance(header, Budget)
        if header.erp_status in PENDING:
            return header.lock_reason(fields)
        if self.in_erp:
            return f"{self.describe()} has been exported; change it with a budget modification"
        if header.locked and "amount" in fields:
            return f"the budget is locked; the original amount of {self.describe()} cannot change"
        return None

    @property
    def in_erp(self) -> bool:
        """Exported (or deliberately left out of the export by the ERP's rules)."""
        return bool(self.origin_id or self.data.get("erp_omitted"))

    @property
    def sub_job_code(self) -> str | None:
        ref = self.data.get("sub_job")
        return None if ref is None else SubJob.load(self.company, ref).code

    @property
    def approved_changes(self) -> Decimal:
        """Net of synced budget modifications into and out of this line."""
        total = ZERO
        header = self.header
        assert header.parent_id is not None
        for mod in Collection(self.company, BudgetModification, Project.load(self.company, header.parent_id)).all():
            if mod.matches_to(self):
                total += mod.amount
            if mod.matches_from(self):
                total -= mod.amount
        return total

    @property
    def revised_budget(self) -> Decimal:
        return self.amount + self.approved_changes

    def job_cost(self) -> JobCost | None:
        header = self.header
        assert header.parent_id is not None
        key = JobCost.key_for(header.parent_id, self.data["cost_code"], self.data["cost_type"], self.sub_job_code)
        record = self.company.records.get_by_key(JobCost.kind, key)
        return None if record is None else JobCost(self.company, record.id, record.data, record.parent)

    @property
    def jtd_cost(self) -> Decimal:
        cost = self.job_cost()
        return ZERO if cost is None else cost.jtd_cost

    @property
    def direct_costs(self) -> Decimal:
        """JTD cost less commitment invoiced (the seed's calculated column)."""
        cost = self.job_cost()
        return ZERO if cost is None else cost.jtd_cost - cost.commitment_invoiced

    def export_payload(self) -> p.BudgetLineExport:
        return p.BudgetLineExport(self.id, self.data["cost_code"], self.data["cost_type"], self.sub_job_code,
                                  self.amount, self.data.get("description") or "")


class BudgetModification(Entity):
    """Moves money from one budget line to another (legacy Budget Modifications)."""

    kind = "pm.budget_modification"
    label = "Budget modification"
    tool = "budget"
    erp_object = "budget_modifications"
    synced_locks = frozenset({"*"})
    schema = {
        "from_cost_code": Field(required=True),
        "from_cost_type": Field(required=True),
        "from_sub_job": Field("ref"),
        "to_cost_code": Field(required=True),
        "to_cost_type": Field(required=True),
        "to_sub_job": Field("ref"),
        "amount": Field("money", required=True, label="transfer amount"),
        "notes": Field(),
        "date": Field("date"),
    }

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    def _side(self, side: str) -> tuple[str, str, int | None]:
        return self.data[f"{side}_cost_code"], self.data[f"{side}_cost_type"], self.data.get(f"{side}_sub_job")

    def matches_from(self, line: BudgetLine) -> bool:
        return self._side("from") == (line.data["cost_code"], line.data["cost_type"], line.data.get("sub_job"))

    def matches_to(self, line: BudgetLine) -> bool:
        return self._side("to") == (line.data["cost_code"], line.data["cost_type"], line.data.get("sub_job"))

    def validate(self, data: dict[str, Any]) -> None:
        problems = []
        if Decimal(data["amount"]) <= 0:
            problems.append("the transfer amount must be more than zero")
        budget = Budget.for_project(Project.load(self.company, self.parent_id or 0))
        for side in ("from", "to"):
            cc, ct, sub = data[f"{side}_cost_code"], data[f"{side}_cost_type"], data.get(f"{side}_sub_job")
            if budget.company.records.get_by_key(BudgetLine.kind, BudgetLine.line_key(budget.id, cc, ct, sub)) is None:
                problems.append(f"the budget has no line {cc} {ct} to move money {side}")
        if (data["from_cost_code"], data["from_cost_type"], data.get("from_sub_job")) == \
                (data["to_cost_code"], data["to_cost_type"], data.get("to_sub_job")):
            problems.append("from and to are the same budget line")
        if problems:
            raise ValidationFailed(problems)

    def send_problems(self) -> list[str]:
        budget = self.project.budget
        problems = []
        if not budget.synced:
            problems.append(f"the project's budget is {budget.erp_status.label}; a budget modification can be "
                            f"sent only after the budget is synced with ERP")
        for side in ("from", "to"):
            cc, ct, sub = self._side(side)
            line = budget.line(cc, ct, None if sub is None else SubJob.load(self.company, sub))
            if line is not None and not line.in_erp:
                problems.append(f"budget line {cc} {ct} is not in the ERP yet; send the budget first")
        return problems

    def export_payload(self, today: dt.date) -> p.BudgetModificationExport:
        project = self.project
        budget = project.budget
        assert project.erp_job_id is not None
        sub = {side: (None if self.data.get(f"{side}_sub_job") is None
                      else SubJob.load(self.company, self.data[f"{side}_sub_job"]).code) for side in ("from", "to")}
        return p.BudgetModificationExport(
            project.erp_job_id, project.data["name"], self.id, budget.origin_id, budget.origin_data,
            self.data["from_cost_code"], self.data["from_cost_type"], sub["from"],
            self.data["to_cost_code"], self.data["to_cost_type"], sub["to"], self.amount, self.data.get("notes"),
            self.date or today)


class BudgetModifications(Collection[BudgetModification]):
    def create(self, **values: Any) -> BudgetModification:  # type: ignore[override]
        for side in ("from_sub_job", "to_sub_job"):
            if isinstance(values.get(side), SubJob):
                values[side] = values[side].id
        return super().create(**values)


# -- commitments --------------------------------------------------------------------

SUBCONTRACT_STATUSES = ("Draft", "Out For Bid", "Out For Signature", "Approved", "Complete", "Terminated", "Void")
PO_STATUSES = ("Draft", "Processing", "Submitted", "Partially Received", "Received", "Approved", "Closed")


class Commitment(Entity):
    """A subcontract (work order contract) or a purchase order, with its schedule of values."""

    kind = "pm.commitment"
    label = "Commitment"
    tool = "commitments"
    erp_object = "commitments"
    # Send to ERP locks Contract Company, Title, Status and Default Retainage; they stay locked once synced.
    synced_locks = frozenset({"vendor", "title", "status", "default_retainage", "accounting_method", "number"})
    schema = {
        "type": Field("choice", choices=("subcontract", "purchase_order"), required=True),
        "number": Field(required=True),
        "title": Field(),
        "status": Field("choice", choices=tuple(dict.fromkeys(SUBCONTRACT_STATUSES + PO_STATUSES)), default="Draft"),
        "vendor": Field("ref", label="contract company"),
        "default_retainage": Field("percent", default="0"),
        "accounting_method": Field("choice", choices=("amount", "unit"), default="amount"),
        "description": Field(),
        "contract_date": Field("date"),
    }

    @property
    def object_type(self) -> str:
        return "work_order_contract" if self.data["type"] == "subcontract" else "purchase_order_contract"

    @property
    def label_for_type(self) -> str:
        return "Subcontract" if self.data["type"] == "subcontract" else "Purchase order"

    def describe(self) -> str:
        title = self.data.get("title")
        return f"{self.label_for_type} {self.data['number']}" + (f" ({title})" if title else "")

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    @property
    def vendor(self) -> Vendor | None:
        ref = self.data.get("vendor")
        return None if ref is None else Vendor.load(self.company, ref)

    @property
    def lines(self) -> list[CommitmentLine]:
        return Collection(self.company, CommitmentLine, self).all()

    @property
    def change_orders(self) -> ChangeOrders:
        return ChangeOrders(self.company, ChangeOrder, self)

    @property
    def invoices(self) -> Invoices:
        return Invoices(self.company, Invoice, self)

    @property
    def payments(self) -> Collection[CommitmentPayment]:
        return Collection(self.company, CommitmentPayment, self)

    def validate(self, data: dict[str, Any]) -> None:
        statuses = SUBCONTRACT_STATUSES if data["type"] == "subcontract" else PO_STATUSES
        problems = []
        if data.get("status") not in statuses:
            problems.append(f"status must be one of: {', '.join(statuses)} for a {data['type'].replace('_', ' ')}")
        if data.get("vendor") is not None:
            Vendor.load(self.company, data["vendor"])
        if problems:
            raise ValidationFailed(problems)

    def add_line(self, cost_code: str, cost_type: str, amount: Any = None, *, description: str = "",
                 quantity: Any = None, uom: str | None = None, unit_cost: Any = None,
                 sub_job: SubJob | None = None) -> CommitmentLine:
        """Add a schedule-of-values line. Unit/quantity commitments price lines as qty × unit cost."""
        reason = self.lock_reason({"lines"})
        if reason is None and self.data.get("status") in ("Approved", "Complete"):
            reason = f"{self.describe()} is {self.data['status']}; its schedule of values is locked"
        if reason:
            raise Locked(reason)
        values = _priced_line(self.data.get("accounting_method", "amount"), amount, quantity, unit_cost)
        self.company.cost_types.require([cost_type])
        self.project.cost_codes.ensure(cost_code, cost_type, sub_job)
        data = clean(CommitmentLine.schema, dict(values, cost_code=cost_code, cost_type=cost_type, uom=uom,
                                                 description=description, sub_job=sub_job), what="SOV line")
        id = self.company.records.insert(CommitmentLine.kind, data, parent=self.id)
        self._audit("edit", f"added SOV line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return CommitmentLine(self.company, id, data, self.id)

    @property
    def grand_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def approved_change_orders(self) -> Decimal:
        return sum((co.total for co in self.change_orders.all() if co.data.get("status") == "Approved"), ZERO)

    @property
    def revised_contract(self) -> Decimal:
        return self.grand_total + self.approved_change_orders

    def lock_reason(self, fields: set[str]) -> str | None:
        reason = super().lock_reason(fields)
        if reason is None and self.synced and "lines" in fields:
            return f"{self.describe()} is synced with ERP; its schedule of values changes through change orders"
        return reason

    def send_problems(self) -> list[str]:
        problems = []
        project = self.project
        if not project.synced:
            problems.append(f"its project {project.describe()} is not synced with ERP")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved commitments can be sent")
        vendor = self.vendor
        if vendor is None:
            problems.append("it has no contract company")
        elif not vendor.erp_vendor_id or not vendor.synced:
            problems.append(f"its contract company {vendor.data['name']} is not linked to an ERP vendor "
                            f"(no ERP Vendor ID)")
        lines = self.lines
        standard = self.company.cost_codes
        if not lines:
            problems.append("its schedule of values has no lines")
        elif not any(standard.by_code(line.data["cost_code"]) is not None for line in lines):
            problems.append("no schedule-of-values line uses a cost code from the ERP Standard Cost Code list")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"title": self.data.get("title") or "", "number": self.data["number"],
                "accounting_method": self.data.get("accounting_method"), "type": self.data["type"]}

    def export_payload(self, today: dt.date, exported: Mapping[str, Any]) -> p.CommitmentExport:
        project = self.project
        vendor = self.vendor
        assert project.erp_job_id is not None and vendor is not None and vendor.erp_vendor_id is not None
        lines = tuple(line.export_payload() for line in self.lines)
        return p.CommitmentExport(
            self.data["type"], project.erp_job_id, str(exported.get("number", self.data["number"])),
            str(exported.get("title", self.data.get("title") or "")), self.data.get("description"),
            vendor.erp_vendor_id, self.contract_date or today, self.default_retainage or ZERO,
            self.data.get("accounting_method", "amount"), lines)

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)

    def _delete_children(self) -> None:
        for line in self.lines:
            self.company.records.delete(line.kind, line.id)


def _priced_line(method: str, amount: Any, quantity: Any, unit_cost: Any) -> dict[str, Any]:
    if method == "unit" or (quantity is not None and unit_cost is not None):
        if quantity is None or unit_cost is None:
            raise ValidationFailed(["unit/quantity based lines need a quantity and a unit cost"])
        qty, cost = Decimal(str(quantity)), Decimal(str(unit_cost))
        total = money(qty * cost)
        if amount is not None and money(amount) != total:
            raise ValidationFailed([f"amount {fmt_money(amount)} does not equal quantity × unit cost "
                                    f"({fmt_money(total)})"])
        return {"quantity": qty, "unit_cost": cost, "amount": total}
    if amount is None:
        raise ValidationFailed(["an amount-based line needs an amount"])
    return {"amount": amount, "quantity": quantity, "unit_cost": unit_cost}


class CommitmentLine(Line):
    kind = "pm.commitment_line"
    label = "SOV line"
    tool = "commitments"
    header_cls = Commitment
    schema = {
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "sub_job": Field("ref"),
        "description": Field(),
        "amount": Field("money", required=True),
        "quantity": Field("decimal"),
        "uom": Field(),
        "unit_cost": Field("decimal"),
    }

    @property
    def object_type(self) -> str:
        return "line_item"

    def describe(self) -> str:
        return f"SOV line {self.data['cost_code']} {self.data['cost_type']}"

    @property
    def sub_job_code(self) -> str | None:
        ref = self.data.get("sub_job")
        return None if ref is None else SubJob.load(self.company, ref).code

    def export_payload(self) -> p.CommitmentLineExport:
        d = self.data
        return p.CommitmentLineExport(self.id, d["cost_code"], d["cost_type"], self.sub_job_code,
                                      d.get("description") or "", self.quantity, d.get("uom"), self.unit_cost,
                                      self.amount)

    @property
    def invoiced_to_date(self) -> Decimal:
        header = self.header
        assert isinstance(header, Commitment)
        total = ZERO
        for invoice in header.invoices.all():
            for line in invoice.lines:
                if line.data.get("commitment_line") == self.id:
                    total += line.work_completed_this_period + line.materials_presently_stored
        return total


class Commitments(Collection[Commitment]):
    def _next_number(self, prefix: str) -> str:
        return f"{prefix}-{len(self.all()) + 1:03d}"

    def create_subcontract(self, **values: Any) -> Commitment:
        values.setdefault("number", self._next_number("SC"))
        return self._create("subcontract", values)

    def create_purchase_order(self, **values: Any) -> Commitment:
        values.setdefault("number", self._next_number("PO"))
        return self._create("purchase_order", values)

    def _create(self, kind: str, values: dict[str, Any]) -> Commitment:
        values["type"] = kind
        if isinstance(values.get("vendor"), Vendor):
            values["vendor"] = values["vendor"].id
        if values.get("contract_date") is None:
            values["contract_date"] = self.company.today()
        number = str(values.get("number") or "")
        if any(c.data["number"] == number for c in self.all()):
            raise ValidationFailed([f"commitment number {number} is already used on this project"])
        return self.create(**values)

    def create(self, **values: Any) -> Commitment:  # type: ignore[override]
        if isinstance(values.get("vendor"), Vendor):
            values["vendor"] = values["vendor"].id
        return super().create(**values)


class ChangeOrder(Entity):
    """A commitment change order (CCO)."""

    kind = "pm.change_order"
    label = "Commitment change order"
    tool = "commitments"
    erp_object = "commitment_change_orders"
    synced_locks = frozenset({"*"})
    schema = {
        "number": Field(required=True),
        "title": Field(),
        "description": Field(),
        "status": Field("choice", choices=("Draft", "Pending", "Approved", "Rejected", "Void"), default="Draft"),
        "created_date": Field("date"),
    }

    def describe(self) -> str:
        title = self.data.get("title")
        return f"CCO {self.data['number']}" + (f" ({title})" if title else "")

    @property
    def object_type(self) -> str:
        return "change_order"

    @property
    def commitment(self) -> Commitment:
        assert self.parent_id is not None
        return Commitment.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[ChangeOrderLine]:
        return Collection(self.company, ChangeOrderLine, self).all()

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def add_line(self, amount: Any = None, *, line: CommitmentLine | None = None, cost_code: str | None = None,
                 cost_type: str | None = None, description: str = "", quantity: Any = None,
                 uom: str | None = None, unit_cost: Any = None, sub_job: SubJob | None = None) -> ChangeOrderLine:
        """Change an existing SOV line (``line=``) or add a new one (cost code and type)."""
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        commitment = self.commitment
        if line is not None:
            if line.parent_id != commitment.id:
                raise ValidationFailed([f"{line.describe()} is not on {commitment.describe()}"])
            cost_code, cost_type = line.data["cost_code"], line.data["cost_type"]
            sub_ref = line.data.get("sub_job")
        else:
            if not cost_code or not cost_type:
                raise ValidationFailed(["a new change order line needs a cost code and a cost type"])
            self.company.cost_types.require([cost_type])
            commitment.project.cost_codes.ensure(cost_code, cost_type, sub_job)
            sub_ref = None if sub_job is None else sub_job.id
        values = _priced_line("unit" if quantity is not None and unit_cost is not None else "amount",
                              amount, quantity, unit_cost)
        data = clean(ChangeOrderLine.schema, dict(values, commitment_line=None if line is None else line.id,
                                                  cost_code=cost_code, cost_type=cost_type, uom=uom,
                                                  description=description or (line.data.get("description")
                                                                              if line else ""),
                                                  sub_job=sub_ref), what="change order line")
        id = self.company.records.insert(ChangeOrderLine.kind, data, parent=self.id)
        self._audit("edit", f"added line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return ChangeOrderLine(self.company, id, data, self.id)

    def send_problems(self) -> list[str]:
        problems = []
        commitment = self.commitment
        if not commitment.synced:
            problems.append(f"{commitment.describe()} is {commitment.erp_status.label}; change orders can only be "
                            f"sent for synced commitments")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved change orders can be sent")
        vendor = commitment.vendor
        if vendor is None or not vendor.erp_vendor_id:
            problems.append("the commitment's contract company is not linked to an ERP vendor")
        if not self.lines:
            problems.append("it has no line items")
        for line in self.lines:
            ref = line.data.get("commitment_line")
            if ref is not None and not CommitmentLine.load(self.company, ref).origin_id:
                problems.append(f"{line.describe()} changes an SOV line that is not in the ERP")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"number": self.data["number"], "title": self.data.get("title") or "",
                "description": self.data.get("description") or ""}

    def export_payload(self, today: dt.date, exported: Mapping[str, Any]) -> p.ChangeOrderExport:
        commitment = self.commitment
        project = commitment.project
        vendor = commitment.vendor
        assert commitment.origin_id and project.erp_job_id and vendor and vendor.erp_vendor_id
        lines = []
        for line in self.lines:
            d = line.data
            origin = None if d.get("commitment_line") is None else \
                CommitmentLine.load(self.company, d["commitment_line"]).origin_id
            sub = None if d.get("sub_job") is None else SubJob.load(self.company, d["sub_job"]).code
            lines.append(p.ChangeOrderLineExport(line.id, origin, d["cost_code"], d["cost_type"], sub,
                                                 d.get("description") or "", line.quantity, d.get("uom"),
                                                 line.unit_cost, line.amount))
        return p.ChangeOrderExport(
            commitment.data["type"], commitment.origin_id, commitment.origin_data, commitment.data["number"],
            project.erp_job_id, vendor.erp_vendor_id, str(exported.get("number", self.data["number"])),
            str(exported.get("title", self.data.get("title") or "")), exported.get("description",
                                                                                   self.data.get("description")),
            self.created_date or today, today, tuple(lines))

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)

    def _delete_children(self) -> None:
        for line in self.lines:
            self.company.records.delete(line.kind, line.id)


class ChangeOrderLine(Line):
    kind = "pm.change_order_line"
    label = "Change order line"
    tool = "commitments"
    header_cls = ChangeOrder
    schema = {
        "commitment_line": Field("ref"),
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "sub_job": Field("ref"),
        "description": Field(),
        "amount": Field("money", required=True),
        "quantity": Field("decimal"),
        "uom": Field(),
        "unit_cost": Field("decimal"),
    }

    def describe(self) -> str:
        return f"change order line {self.data['cost_code']} {self.data['cost_type']}"

    @property
    def object_type(self) -> str:
        return "change_order_line_item"


class ChangeOrders(Collection[ChangeOrder]):
    def create(self, **values: Any) -> ChangeOrder:  # type: ignore[override]
        assert self.parent is not None
        values.setdefault("number", f"{len(self.all()) + 1:03d}")
        if values.get("created_date") is None:
            values["created_date"] = self.company.today()
        return super().create(**values)


# -- prime contracts --------------------------------------------------------------

PRIME_STATUSES = ("Draft", "Out For Signature", "Approved", "Complete", "Terminated")


class PrimeContract(Entity):
    kind = "pm.prime_contract"
    label = "Prime contract"
    tool = "prime_contracts"
    erp_object = "prime_contracts"
    synced_locks = frozenset({"number", "status", "retainage_percent"})
    schema = {
        "number": Field(required=True),
        "title": Field(),
        "description": Field(),
        "status": Field("choice", choices=PRIME_STATUSES, default="Draft"),
        "retainage_percent": Field("percent", default="0"),
        "customer_id": Field(label="owner (ERP customer id)"),
        "contract_date": Field("date"),
    }

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[PrimeContractLine]:
        return Collection(self.company, PrimeContractLine, self).all()

    @property
    def change_orders(self) -> Pccos:
        return Pccos(self.company, Pcco, self)

    def add_line(self, description: str, amount: Any, *, cost_code: str | None = None,
                 cost_type: str | None = None) -> PrimeContractLine:
        reason = self.lock_reason({"lines"})
        if reason is None and self.synced:
            reason = f"{self.describe()} is synced with ERP; its schedule of values changes through PCCOs"
        if reason:
            raise Locked(reason)
        if cost_type:
            self.company.cost_types.require([cost_type])
        if cost_code and cost_type:
            self.project.cost_codes.ensure(cost_code, cost_type)
        data = clean(PrimeContractLine.schema, {"description": description, "amount": amount,
                                                "cost_code": cost_code, "cost_type": cost_type},
                     what="prime contract line")
        id = self.company.records.insert(PrimeContractLine.kind, data, parent=self.id)
        self._audit("edit", f"added SOV line {description} {fmt_money(data['amount'])}")
        return PrimeContractLine(self.company, id, data, self.id)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def send_problems(self) -> list[str]:
        problems = []
        if not self.project.synced:
            problems.append(f"its project {self.project.describe()} is not synced with ERP")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved prime contracts can be sent")
        if not any(line.amount != 0 for line in self.lines):
            problems.append("its schedule of values needs at least one line with a non-zero amount")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"number": self.data["number"], "title": self.data.get("title") or ""}

    def export_payload(self, today: dt.date) -> p.PrimeContractExport:
        project = self.project
        assert project.erp_job_id is not None
        lines = tuple(p.PrimeContractLineExport(ln.id, ln.data["description"], ln.data.get("cost_code"),
                                                ln.data.get("cost_type"), ln.amount) for ln in self.lines)
        return p.PrimeContractExport(project.erp_job_id, self.data["number"], self.data.get("title") or "",
                                     self.data.get("description"), self.data["status"],
                                     self.retainage_percent or ZERO, self.data.get("customer_id"),
                                     self.contract_date or today, today, lines)

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class PrimeContractLine(Line):
    kind = "pm.prime_contract_line"
    label = "Prime contract line"
    tool = "prime_contracts"
    header_cls = PrimeContract
    schema = {
        "description": Field(required=True),
        "cost_code": Field(),
        "cost_type": Field(),
        "amount": Field("money", required=True),
    }


class PrimeContracts(Collection[PrimeContract]):
    def create(self, **values: Any) -> PrimeContract:  # type: ignore[override]
        values.setdefault("number", str(len(self.all()) + 1))
        if values.get("contract_date") is None:
            values["contract_date"] = self.company.today()
        return super().create(**values)


class Pcco(Entity):
    """A prime contract change order."""

    kind = "pm.pcco"
    label = "PCCO"
    tool = "prime_contracts"
    erp_object = "prime_contract_change_orders"
    synced_locks = frozenset({"*"})
    schema = {
        "number": Field(required=True),
        "title": Field(),
        "description": Field(),
        "status": Field("choice", choices=("Draft", "Pending", "Approved", "Rejected", "Void"), default="Draft"),
        "date": Field("date"),
    }

    def describe(self) -> str:
        return f"PCCO {self.data['number']}" + (f" ({self.data['title']})" if self.data.get("title") else "")

    @property
    def prime_contract(self) -> PrimeContract:
        assert self.parent_id is not None
        return PrimeContract.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[PccoLine]:
        return Collection(self.company, PccoLine, self).all()

    def add_line(self, cost_code: str, cost_type: str, amount: Any, *, description: str = "",
                 quantity: Any = None, uom: str | None = None, markup_amount: Any = "0",
                 contract_line: PrimeContractLine | None = None) -> PccoLine:
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        self.company.cost_types.require([cost_type])
        self.prime_contract.project.cost_codes.ensure(cost_code, cost_type)
        data = clean(PccoLine.schema, {"cost_code": cost_code, "cost_type": cost_type, "amount": amount,
                                       "description": description, "quantity": quantity, "uom": uom,
                                       "markup_amount": markup_amount, "contract_line": contract_line},
                     what="PCCO line")
        id = self.company.records.insert(PccoLine.kind, data, parent=self.id)
        self._audit("edit", f"added line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return PccoLine(self.company, id, data, self.id)

    @property
    def total(self) -> Decimal:
        return sum((line.amount + line.markup_amount for line in self.lines), ZERO)

    def send_problems(self) -> list[str]:
        problems = []
        contract = self.prime_contract
        if not contract.synced:
            problems.append(f"{contract.describe()} is {contract.erp_status.label}; PCCOs can only be sent for a "
                            f"synced prime contract")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved PCCOs can be sent")
        if not self.lines:
            problems.append("it has no line items")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"number": self.data["number"], "title": self.data.get("title") or ""}

    def export_payload(self, today: dt.date) -> p.PccoExport:
        contract = self.prime_contract
        project = contract.project
        assert contract.origin_id and project.erp_job_id
        lines = []
        for ln in self.lines:
            d = ln.data
            origin = None if d.get("contract_line") is None else \
                PrimeContractLine.load(self.company, d["contract_line"]).origin_id
            lines.append(p.PccoLineExport(ln.id, d.get("description") or "", d["cost_code"], d["cost_type"],
                                          ln.amount, ln.quantity, d.get("uom"), ln.markup_amount or ZERO, origin))
        return p.PccoExport(project.erp_job_id, contract.data["number"], contract.origin_id, contract.origin_data,
                            self.data["number"], self.data.get("title") or "", self.data.get("description"),
                            self.date or today, today, tuple(lines))

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class PccoLine(Line):
    kind = "pm.pcco_line"
    label = "PCCO line"
    tool = "prime_contracts"
    header_cls = Pcco
    schema = {
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "description": Field(),
        "amount": Field("money", required=True),
        "quantity": Field("decimal"),
        "uom": Field(),
        "markup_amount": Field("money", default="0", label="revenue markup amount"),
        "contract_line": Field("ref"),
    }


class Pccos(Collection[Pcco]):
    def create(self, **values: Any) -> Pcco:  # type: ignore[override]
        values.setdefault("number", f"{len(self.all()) + 1:03d}")
        if values.get("date") is None:
            values["date"] = self.company.today()
        return super().create(**values)


# -- subcontractor invoices -----------------------------------------------------------

INVOICE_STATUSES = ("draft", "under_review", "revise_and_resubmit", "approved", "approved_as_noted",
                    "pending_owner_approval")


class Invoice(Entity):
    """A subcontractor invoice (requisition) against a commitment."""

    kind = "pm.invoice"
    label = "Subcontractor invoice"
    tool = "invoicing"
    erp_object = "subcontractor_invoices"
    # Synced invoices are immutable ("not editable because it has been synced with ERP").
    synced_locks = frozenset({"*"})
    schema = {
        "invoice_number": Field(required=True),
        "billing_date": Field("date", required=True),
        "period_start": Field("date"),
        "period_end": Field("date"),
        "status": Field("choice", choices=INVOICE_STATUSES, default="draft"),
        "description": Field(),
    }

    def describe(self) -> str:
        return f"Subcontractor invoice {self.data['invoice_number']}"

    @property
    def object_type(self) -> str:
        return "requisition"

    @property
    def commitment(self) -> Commitment:
        assert self.parent_id is not None
        return Commitment.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[InvoiceLine]:
        return Collection(self.company, InvoiceLine, self).all()

    def add_line(self, line: CommitmentLine, *, work_completed: Any = "0", materials_stored: Any = "0",
                 work_retainage: Any = None, materials_retainage: Any = None,
                 work_retainage_released: Any = "0", materials_retainage_released: Any = "0",
                 description: str | None = None) -> InvoiceLine:
        """Bill against an SOV line. Retainage defaults to the commitment's default retainage percent."""
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        commitment = self.commitment
        if line.parent_id != commitment.id:
            raise ValidationFailed([f"{line.describe()} is not on {commitment.describe()}"])
        rate = (commitment.default_retainage or ZERO) / 100
        work, materials = money(work_completed), money(materials_stored)
        values = {
            "commitment_line": line.id,
            "description": description if description is not None else line.data.get("description") or "",
            "work_completed_this_period": work,
            "materials_presently_stored": materials,
            "work_retainage_this_period": money(work * rate) if work_retainage is None else work_retainage,
            "materials_retainage_this_period": money(materials * rate) if materials_retainage is None
            else materials_retainage,
            "work_retainage_released": work_retainage_released,
            "materials_retainage_released": materials_retainage_released,
        }
        data = clean(InvoiceLine.schema, values, what="invoice line")
        problems = []
        for name in ("work_completed_this_period", "materials_presently_stored", "work_retainage_this_period",
                     "materials_retainage_this_period", "work_retainage_released",
                     "materials_retainage_released"):
            if Decimal(data[name]) < 0 and name.endswith("released"):
                problems.append(f"{name.replace('_', ' ')} cannot be negative")
        held = self._retainage_held_before(line)
        released = Decimal(data["work_retainage_released"]) + Decimal(data["materials_retainage_released"])
        if released > held + Decimal(data["work_retainage_this_period"]) + \
                Decimal(data["materials_retainage_this_period"]):
            problems.append(f"cannot release {fmt_money(released)} of retainage on {line.describe()}: only "
                            f"{fmt_money(held)} is held")
        if problems:
            raise ValidationFailed(problems)
        id = self.company.records.insert(InvoiceLine.kind, data, parent=self.id)
        self._audit("edit", f"billed {fmt_money(work + materials)} on {line.describe()}")
        return InvoiceLine(self.company, id, data, self.id)

    def _previous(self) -> list[Invoice]:
        return [inv for inv in self.commitment.invoices.all() if inv.id < self.id]

    def _retainage_held_before(self, line: CommitmentLine) -> Decimal:
        held = ZERO
        for invoice in self._previous():
            for ln in invoice.lines:
                if ln.data["commitment_line"] == line.id:
                    held += ln.retainage_this_period - ln.retainage_released
        return held

    @property
    def work_completed_this_period(self) -> Decimal:
        return sum((ln.work_completed_this_period for ln in self.lines), ZERO)

    @property
    def materials_presently_stored(self) -> Decimal:
        return sum((ln.materials_presently_stored for ln in self.lines), ZERO)

    @property
    def amount_this_period(self) -> Decimal:
        return self.work_completed_this_period + self.materials_presently_stored

    @property
    def total_completed_and_stored_to_date(self) -> Decimal:
        return sum((inv.amount_this_period for inv in self._previous()), ZERO) + self.amount_this_period

    @property
    def retainage_this_period(self) -> Decimal:
        return sum((ln.retainage_this_period for ln in self.lines), ZERO)

    @property
    def retainage_released(self) -> Decimal:
        return sum((ln.retainage_released for ln in self.lines), ZERO)

    @property
    def total_retainage(self) -> Decimal:
        """Retainage held to date, after this invoice's holds and releases."""
        prior = sum((inv.retainage_this_period - inv.retainage_released for inv in self._previous()), ZERO)
        return prior + self.retainage_this_period - self.retainage_released

    @property
    def current_payment_due(self) -> Decimal:
        return self.amount_this_period - self.retainage_this_period + self.retainage_released

    def send_problems(self) -> list[str]:
        problems = []
        commitment = self.commitment
        if not commitment.synced:
            problems.append(f"{commitment.describe()} is {commitment.erp_status.label}; invoices can only be sent "
                            f"for synced commitments")
        if self.data.get("status") not in ("approved", "approved_as_noted"):
            problems.append(f"its status is {self.data.get('status')}; only approved invoices can be sent")
        if not self.lines:
            problems.append("it has no line items")
        for line in self.lines:
            if not CommitmentLine.load(self.company, line.data["commitment_line"]).origin_id:
                problems.append(f"{line.describe()} bills an SOV line that is not in the ERP")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"invoice_number": self.data["invoice_number"],
                "amount_this_period": self.amount_this_period,
                "retainage_released": self.retainage_released,
                "materials_presently_stored": self.materials_presently_stored}

    def export_payload(self, fields: Mapping[str, Any]) -> p.InvoiceExport:
        commitment = self.commitment
        project = commitment.project
        vendor = commitment.vendor
        assert commitment.origin_id and project.erp_job_id and vendor and vendor.erp_vendor_id
        lines = []
        for ln in self.lines:
            sov = CommitmentLine.load(self.company, ln.data["commitment_line"])
            lines.append(p.InvoiceLineExport(
                ln.id, sov.origin_id, sov.data["cost_code"], sov.data["cost_type"], sov.sub_job_code,
                ln.data.get("description") or "", ln.work_completed_this_period, ln.materials_presently_stored,
                ln.work_retainage_this_period, ln.materials_retainage_this_period, ln.work_retainage_released,
                ln.materials_retainage_released))
        return p.InvoiceExport(
            commitment.data["type"], commitment.origin_id, commitment.origin_data, commitment.data["number"],
            project.erp_job_id, vendor.erp_vendor_id, str(fields["erp_invoice_id"]), self.data["invoice_number"],
            fields.get("description"), self.billing_date, fields["accounting_date"], self.period_start,
            self.period_end, self.total_completed_and_stored_to_date, self.total_retainage, tuple(lines),
            synced_work_retainage_held=sum((ln.work_retainage_this_period - ln.work_retainage_released
                                            for inv in commitment.invoices.all() if inv.id != self.id
                                            and inv.synced for ln in inv.lines), ZERO))

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class InvoiceLine(Line):
    kind = "pm.invoice_line"
    label = "Invoice line"
    tool = "invoicing"
    header_cls = Invoice
    schema = {
        "commitment_line": Field("ref", required=True),
        "description": Field(),
        "work_completed_this_period": Field("money", default="0"),
        "materials_presently_stored": Field("money", default="0"),
        "work_retainage_this_period": Field("money", default="0"),
        "materials_retainage_this_period": Field("money", default="0"),
        "work_retainage_released": Field("money", default="0"),
        "materials_retainage_released": Field("money", default="0"),
    }

    @property
    def retainage_this_period(self) -> Decimal:
        return self.work_retainage_this_period + self.materials_retainage_this_period

    @property
    def retainage_released(self) -> Decimal:
        return self.work_retainage_released + self.materials_retainage_released

    @property
    def object_type(self) -> str:
        return "requisition_contract_item"


class Invoices(Collection[Invoice]):
    def create(self, **values: Any) -> Invoice:  # type: ignore[override]
        assert isinstance(self.parent, Commitment)
        if not self.parent.data.get("status") in ("Approved", "Complete"):
            raise ValidationFailed([f"{self.parent.describe()} is {self.parent.data.get('status')}; invoices are "
                                    f"created against approved commitments"])
        return super().create(**values)


# -- imported-only objects -----------------------------------------------------------


class DirectCost(Entity):
    """A direct cost imported from the ERP's job cost transactions."""

    kind = "pm.direct_cost"
    label = "Direct cost"
    tool = "direct_costs"
    synced_locks = frozenset({"*"})
    schema = {
        "direct_cost_type": Field("choice", choices=("invoice", "subcontractor_invoice", "payroll", "expense"),
                                  required=True),
        "status": Field("choice", choices=("draft", "pending", "revise_and_resubmit", "approved"),
                        default="approved"),
        "vendor": Field("ref"),
        "vendor_name": Field(),
        "invoice_number": Field(),
        "date": Field("date", required=True),
        "received_date": Field("date"),
        "terms": Field(),
        "description": Field(),
        "grand_total": Field("money", default="0"),
    }

    def describe(self) -> str:
        return f"Direct cost #{self.id} ({self.data['direct_cost_type']} {self.data.get('invoice_number') or ''})"

    @property
    def object_type(self) -> str:
        return "item"

    @property
    def line_items(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self.data.get("line_items") or []]


class CommitmentPayment(Entity):
    """A commitment payment issued, imported from an ERP bill payment."""

    kind = "pm.payment"
    label = "Commitment payment"
    tool = "commitments"
    synced_locks = frozenset({"*"})
    schema = {
        "invoice": Field("ref", required=True),
        "check_number": Field(),
        "invoice_number": Field(),
        "payment_method": Field(),
        "amount": Field("money", required=True),
        "date": Field("date", required=True),
    }

    def describe(self) -> str:
        return f"Payment #{self.id} ({fmt_money(self.data['amount'])})"

    @property
    def object_type(self) -> str:
        return "contract_payment"


class JobCost(Entity):
    """ERP job costs for one cost code × cost type of a synced project (budget and Job Costs report)."""

    kind = "pm.job_cost"
    label = "Job cost"
    tool = "budget"
    schema = {
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "sub_job": Field(),
        "jtd_cost": Field("money", default="0"),
        "mtd_cost": Field("money", default="0"),
        "commitment_invoiced": Field("money", default="0"),
        "jtd_paid": Field("money", default="0", label="job to date dollars paid"),
        "mtd_paid": Field("money", default="0", label="month to date dollars paid"),
        "as_of": Field(),
    }

    @staticmethod
    def key_for(project_id: int, cost_code: str, cost_type: str, sub_job: str | None) -> str:
        return f"{project_id}:{sub_job or ''}:{cost_code}:{cost_type}"

    @property
    def direct_costs(self) -> Decimal:
        return self.jtd_cost - self.commitment_invoiced

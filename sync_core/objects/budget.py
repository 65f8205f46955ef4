"""The Budget tool: the locked budget and its lines, budget modifications, and ERP job costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sync_core import payloads as p
from sync_core.errors import Locked, ValidationFailed
from sync_core.objects.base import ZERO, Collection, Entity, Line
from sync_core.objects.projects import Project, SubJob
from sync_core.values import Field, clean, fmt_money
from sync_core.workflow import PENDING, ErpStatus

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


BudgetModification.collection = BudgetModifications

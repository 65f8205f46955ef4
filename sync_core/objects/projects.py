"""Projects (ERP jobs), their cost codes from the standard list, and sub jobs."""

from __future__ import annotations

from typing import Any

from sync_core import payloads as p
from sync_core.errors import Refused, ValidationFailed
from sync_core.objects.base import KINDS, Collection, Entity
from sync_core.values import Field

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

    # The tools built on a project live in modules above this one; they are reached by record kind.
    @property
    def budget(self) -> Any:
        """The project's Budget (``sync_core.objects.budget.Budget``)."""
        return KINDS["pm.budget"].for_project(self)  # type: ignore[attr-defined]

    @property
    def budget_modifications(self) -> Any:
        return self.children("pm.budget_modification")

    @property
    def commitments(self) -> Any:
        return self.children("pm.commitment")

    @property
    def prime_contracts(self) -> Any:
        return self.children("pm.prime_contract")

    @property
    def direct_costs(self) -> Any:
        return self.children("pm.direct_cost")

    @property
    def job_costs(self) -> Any:
        return self.children("pm.job_cost")

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
        for kind in (ProjectCostCode.kind, SubJob.kind, "pm.budget_modification", "pm.job_cost"):
            for obj in self.children(kind).all():
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


class Projects(Collection[Project]):
    def create(self, **values: Any) -> Project:  # type: ignore[override]
        number = values.get("project_number")
        if number and any(p.data.get("project_number") == str(number).strip() for p in self.all()):
            raise ValidationFailed([f"project number {number} is already used"])
        return super().create(**values)

    def by_number(self, number: str) -> Project | None:
        return self.first(project_number=number)

    def by_erp_job_id(self, job_id: str) -> Project | None:
        found = self.company.records.by_origin("project", job_id)
        return None if found is None else Project.load(self.company, found[1])

    def link(self, project: Project, erp_job_id: str) -> None:
        """Refused: a job created in both systems cannot be synced afterwards."""
        raise Refused("workflow.create_in_one_system",
                      f"You cannot create a job in both systems and then sync them: {project.describe()} and ERP job "
                      f"{erp_job_id} were both created. Add the job in one system and then export it to (or import "
                      f"it from) the other")


ProjectCostCode.collection = ProjectCostCodes


Project.collection = Projects

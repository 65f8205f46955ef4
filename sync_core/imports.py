"""Imports from the ERP into Procore: on request, or on the company's schedule.

Each import reads through a *source* with the connector's ``fetch_*`` methods:
the live connector for on-request imports, or the hh2-style snapshot for Sage
100's scheduled cycle. Each returns an ``ImportReport`` naming what was created,
updated and skipped (with the reason for every skip).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from sync_core import objects as o
from sync_core import payloads as p
from sync_core import wbs
from sync_core.capabilities import Direction
from sync_core.context import CompanyContext as Company
from sync_core.delivery import Deliverer
from sync_core.errors import PreconditionFailed, Refused, SyncError
from sync_core.reports import SCHEDULABLE, ImportReport
from sync_core.schedule import Schedule
from sync_core.workflow import PENDING, ErpStatus

T = TypeVar("T")


class Imports:
    def __init__(self, company: Company) -> None:
        self.company = company
        self.schedule: Schedule = Schedule(company)

    # -- plumbing --------------------------------------------------------------

    def _source(self, source: Any) -> Any:
        return source if source is not None else self.company.require_connector()

    def _require(self, object_name: str) -> None:
        connector = self.company.require_connector()
        connector.matrix.require(object_name, Direction.IMPORT)

    def _fetch(self, what: str, fn: Callable[[], T]) -> T:
        deliverer = Deliverer(self.company.policy, self.company.sleep)
        return deliverer.call(f"read {what}", fn)

    def _actor(self) -> Any:
        return self.company.acting(self.company.owner) if self.company._actor is None else _Same()

    def _title(self, source: Any) -> str:
        return str(getattr(source, "source_title", None) or self.company.require_connector().title)

    # -- the company-level WBS ----------------------------------------------------

    def cost_codes(self, *, source: Any = None) -> ImportReport:
        """The ERP's standard cost codes into the company's ERP Standard Cost Code list."""
        self._require("standard_cost_codes")
        src = self._source(source)
        connector = self.company.require_connector()
        codes: list[p.ErpCostCode] = self._fetch("standard cost codes", src.fetch_cost_codes)
        standard = [c for c in codes if not c.project_specific]
        _, breaches = wbs.check([c.code for c in standard], allowed=connector.matrix.cost_code_delimiters,
                                erp=connector.title, rule_prefix=connector.erp)
        if breaches:
            raise Refused(breaches[0].rule, f"the {connector.title} cost code list cannot be used in Procore: "
                          + "; ".join(b.message for b in breaches))
        report = ImportReport("standard cost codes", source=self._title(src))
        types = {t.data["code"] for t in self.company.cost_types.all()}
        with self._actor(), self.company.store.transaction():
            for code in standard:
                assigned = [t for t in code.cost_types if t in types]
                existing = self.company.cost_codes.by_code(code.code)
                if existing is None:
                    data = {"code": code.code, "description": code.description, "cost_types": assigned,
                            "origin_id": code.code, "erp_status": ErpStatus.SYNCED.value}
                    obj = o.Collection(self.company, o.StandardCostCode)._insert(data, key=code.code)
                    self.company.records.link_origin(obj.object_type, code.code, obj.kind, obj.id)
                    report.created.append(obj)
                    continue
                changes = {}
                if existing.data.get("description") != code.description:
                    changes["description"] = code.description
                if assigned and assigned != existing.data.get("cost_types"):
                    changes["cost_types"] = assigned
                if not existing.origin_id:
                    self.company.records.link_origin(existing.object_type, code.code, existing.kind, existing.id)
                    changes["origin_id"] = code.code
                if changes:
                    existing._write(changes)
                    existing._audit("import", "updated from ERP")
                    report.updated.append(existing)
                else:
                    report.unchanged.append(existing)
        return report

    def cost_types(self, *, source: Any = None) -> ImportReport:
        self._require("cost_types")
        src = self._source(source)
        fetched: list[p.ErpCostType] = self._fetch("cost types", src.fetch_cost_types)
        report = ImportReport("cost types", source=self._title(src))
        with self._actor(), self.company.store.transaction():
            for ct in fetched:
                existing = self.company.cost_types.by_code(ct.code)
                if existing is None:
                    data = {"code": ct.code, "name": ct.name, "base_type": ct.base_type or "other",
                            "origin_id": ct.code}
                    obj = o.Collection(self.company, o.CostType)._insert(data, key=ct.code)
                    self.company.records.link_origin(obj.object_type, ct.code, obj.kind, obj.id)
                    report.created.append(obj)
                elif existing.data.get("name") != ct.name or not existing.origin_id:
                    if not existing.origin_id:
                        self.company.records.link_origin(existing.object_type, ct.code, existing.kind, existing.id)
                    existing._write({"name": ct.name, "origin_id": ct.code})
                    report.updated.append(existing)
                else:
                    report.unchanged.append(existing)
        return report

    # -- jobs and vendors ---------------------------------------------------------------

    def jobs(self, job_ids: list[str] | None = None, *, source: Any = None) -> ImportReport:
        """ERP jobs into Procore projects (the job id fills the project number)."""
        self._require("projects")
        src = self._source(source)
        fetched: list[p.ErpJob] = self._fetch("jobs", src.fetch_jobs)
        wanted = None if job_ids is None else {str(j) for j in job_ids}
        report = ImportReport("jobs", source=self._title(src))
        seen = set()
        for job in fetched:
            if job.parent_job_id:
                continue  # sub jobs arrive through sub_jobs()
            if wanted is not None and job.job_id not in wanted:
                continue
            seen.add(job.job_id)
            with self._actor(), self.company.store.transaction():
                self._import_job(job, report)
        for missing in sorted((wanted or set()) - seen):
            report.skipped.append((f"job {missing}", "no such job in the ERP"))
        return report

    def _import_job(self, job: p.ErpJob, report: ImportReport) -> None:
        projects = self.company.projects
        linked = projects.by_erp_job_id(job.job_id)
        fields = {"name": job.name, "address": job.address, "city": job.city, "state": job.state, "zip": job.zip,
                  "start_date": job.start_date.isoformat() if job.start_date else None,
                  "completion_date": job.end_date.isoformat() if job.end_date else None}
        if linked is not None:
            if linked.erp_status in PENDING:
                report.skipped.append((f"job {job.job_id}", f"{linked.describe()} is waiting in Ready to Export"))
                return
            changes = {k: v for k, v in fields.items() if linked.data.get(k) != v}
            self._import_codes(linked, job.cost_codes, None)
            if changes:
                linked._write(changes)
                linked._audit("import", "updated from ERP: " + ", ".join(changes))
                report.updated.append(linked)
            else:
                report.unchanged.append(linked)
            return
        clash = projects.by_number(job.job_id)
        if clash is not None:
            report.skipped.append((
                f"job {job.job_id}",
                f"{clash.describe()} already has project number {job.job_id} but was not created from the ERP; "
                f"you cannot create a job in both systems and then sync them [rule: workflow.create_in_one_system]"))
            return
        data = dict(fields, project_number=job.job_id, active=True, erp_job_id=job.job_id, origin_id=job.job_id,
                    erp_status=ErpStatus.SYNCED.value, origin_data={"imported": True})
        project = projects._insert(data)
        self.company.records.link_origin("project", job.job_id, project.kind, project.id)
        project._audit("import", f"created from ERP job {job.job_id}", from_status=None, to_status="synced")
        self._import_codes(project, job.cost_codes, None)
        report.created.append(project)

    def _import_codes(self, project: o.Project, codes: tuple[p.ErpCostCode, ...], sub_job: o.SubJob | None) -> None:
        known_types = {t.data["code"] for t in self.company.cost_types.all()}
        for code in codes:
            types = [t for t in code.cost_types if t in known_types]
            standard = self.company.cost_codes.by_code(code.code)
            if standard is None:
                # Project-specific codes made in the ERP show up on the project only.
                existing = project.cost_codes.by_code(code.code, sub_job=sub_job)
                if existing is None:
                    data = {"code": code.code, "description": code.description, "cost_types": types,
                            "sub_job": None if sub_job is None else sub_job.id,
                            "project_specific": True, "origin_id": f"{project.erp_job_id}:{code.code}"}
                    project.cost_codes._insert(data)
                continue
            cc = project.cost_codes.add(code.code, types, sub_job=sub_job)
            if not cc.origin_id:
                cc._write({"origin_id": f"{project.erp_job_id}:{code.code}"})

    def sub_jobs(self, project: o.Project, *, source: Any = None) -> ImportReport:
        """The ERP's sub jobs (Sage 100 phases, Intacct sub jobs, Acumatica tasks) of a synced project."""
        self._require("sub_jobs")
        project.refresh()
        if not project.synced or not project.erp_job_id:
            raise PreconditionFailed(project.describe(), [
                "sub jobs can be imported only into a project synced with an ERP job (the parent job must be synced)"])
        src = self._source(source)
        job_id = project.erp_job_id
        fetched: list[p.ErpSubJob] = self._fetch(f"sub jobs of {job_id}", lambda: src.fetch_sub_jobs(job_id))
        report = ImportReport("sub jobs", source=self._title(src))
        with self._actor(), self.company.store.transaction():
            for sj in fetched:
                origin = f"{job_id}:{sj.code}"
                found = self.company.records.by_origin("sub_job", origin)
                if found is not None:
                    existing = o.SubJob.load(self.company, found[1])
                    self._import_codes(project, sj.cost_codes, existing)
                    if existing.data.get("name") != sj.name:
                        existing._write({"name": sj.name})
                        report.updated.append(existing)
                    else:
                        report.unchanged.append(existing)
                    continue
                clash = project.sub_jobs.first(code=sj.code)
                if clash is not None:
                    report.skipped.append((f"sub job {sj.code}", f"{clash.describe()} exists in Procore but is not "
                                           f"linked; it cannot be created in both systems"))
                    continue
                data = {"code": sj.code, "name": sj.name, "origin_id": origin, "erp_status": ErpStatus.SYNCED.value}
                sub = project.sub_jobs._insert(data)
                self.company.records.link_origin("sub_job", origin, sub.kind, sub.id)
                self._import_codes(project, sj.cost_codes, sub)
                report.created.append(sub)
        return report

    def vendors(self, vendor_ids: list[str] | None = None, *, source: Any = None) -> ImportReport:
        """ERP vendors into the company Directory."""
        self._require("vendors")
        src = self._source(source)
        fetched: list[p.ErpVendor] = self._fetch("vendors", src.fetch_vendors)
        wanted = None if vendor_ids is None else {str(v) for v in vendor_ids}
        report = ImportReport("vendors", source=self._title(src))
        directory = self.company.directory
        by_name = {v.data["name"].casefold(): v for v in directory.all() if not v.erp_vendor_id}
        for vendor in fetched:
            if wanted is not None and vendor.vendor_id not in wanted:
                continue
            fields = {"name": vendor.name, "address": vendor.address, "city": vendor.city, "state": vendor.state,
                      "zip": vendor.zip, "business_phone": vendor.phone, "business_fax": vendor.fax,
                      "email_address": vendor.email, "website": vendor.website, "is_active": vendor.active}
            with self._actor(), self.company.store.transaction():
                linked = directory.by_erp_vendor_id(vendor.vendor_id)
                if linked is not None:
                    if linked.erp_status in PENDING:
                        report.skipped.append((f"vendor {vendor.vendor_id}", "waiting in Ready to Export"))
                        continue
                    changes = {k: v for k, v in fields.items() if linked.data.get(k) != v and v is not None}
                    if changes:
                        linked._write(changes)
                        linked._audit("import", "updated from ERP: " + ", ".join(changes))
                        report.updated.append(linked)
                    else:
                        report.unchanged.append(linked)
                    continue
                clash = by_name.get(vendor.name.casefold())
                if clash is not None:
                    report.skipped.append((
                        f"vendor {vendor.vendor_id}",
                        f"{clash.describe()} already exists in Procore and is not linked; a vendor created in both "
                        f"systems cannot be linked [rule: workflow.create_in_one_system]"))
                    continue
                data = dict(fields, erp_vendor_id=vendor.vendor_id, origin_id=vendor.vendor_id,
                            erp_status=ErpStatus.SYNCED.value)
                created = directory._insert(data)
                self.company.records.link_origin("vendor", vendor.vendor_id, created.kind, created.id)
                report.created.append(created)
        return report

    # -- budgets ---------------------------------------------------------------------

    def budget(self, project: o.Project, *, source: Any = None) -> ImportReport:
        """The ERP estimate/budget into the project's Budget tool (set up in one system only)."""
        self._require("budgets")
        project.refresh()
        budget = project.budget
        problems = []
        if not project.synced or not project.erp_job_id:
            problems.append("the project is not synced with an ERP job")
        if budget.erp_status is not ErpStatus.NOT_IN_ERP or budget.origin_id:
            problems.append(f"the budget is {budget.erp_status.label}; a budget exported from Procore is managed in "
                            f"Procore and cannot be imported")
        elif budget.lines:
            problems.append("the budget already has line items set up in Procore; a budget cannot be created in "
                            "both systems")
        if problems:
            raise PreconditionFailed(f"the budget of {project.describe()}", problems)
        src = self._source(source)
        job_id = str(project.erp_job_id)
        erp_budget: p.ErpBudget | None = self._fetch(f"budget of {job_id}", lambda: src.fetch_budget(job_id))
        report = ImportReport("budget", source=self._title(src))
        if erp_budget is None or not erp_budget.lines:
            report.skipped.append((f"job {job_id}", "the ERP has no budget for this job"))
            return report
        with self._actor(), self.company.store.transaction():
            for line in erp_budget.lines:
                sub = None
                if line.sub_job:
                    sub = project.sub_jobs.first(code=line.sub_job)
                    if sub is None:
                        report.skipped.append((f"line {line.cost_code} {line.cost_type}",
                                               f"sub job {line.sub_job} is not on the project; import sub jobs first"))
                        continue
                if self.company.cost_types.by_code(line.cost_type) is None:
                    report.skipped.append((f"line {line.cost_code} {line.cost_type}",
                                           f"cost type {line.cost_type} is not in Procore; import cost types first"))
                    continue
                if self.company.cost_codes.by_code(line.cost_code) is None and \
                        project.cost_codes.by_code(line.cost_code, sub_job=sub) is None:
                    report.skipped.append((f"line {line.cost_code} {line.cost_type}",
                                           f"cost code {line.cost_code} is not in Procore; import cost codes first"))
                    continue
                existing = budget.line(line.cost_code, line.cost_type, sub)
                if existing is not None:  # the ERP splits one budget line over several rows
                    existing._write({"amount": str(existing.amount + line.amount)})
                    report.updated.append(existing)
                    continue
                if project.cost_codes.by_code(line.cost_code, sub_job=sub) is None or \
                        line.cost_type not in project.cost_codes.by_code(line.cost_code, sub_job=sub).cost_type_codes:
                    project.cost_codes.ensure(line.cost_code, line.cost_type, sub)
                created = budget.add_line(line.cost_code, line.cost_type, line.amount, sub_job=sub,
                                          description=line.description)
                report.created.append(created)
            for created in report.created + report.updated:
                origin = f"{erp_budget.origin_id}:{created.data.get('sub_job') or 0}:{created.data['cost_code']}:" \
                         f"{created.data['cost_type']}"
                created._write({"origin_id": origin})
            budget._write({"locked": True, "erp_status": ErpStatus.SYNCED.value, "origin_id": erp_budget.origin_id,
                           "origin_data": dict(erp_budget.origin_data, imported=True)})
            self.company.records.link_origin("budget", erp_budget.origin_id, budget.kind, budget.id)
            budget._audit("import", f"imported from ERP budget {erp_budget.origin_id}", from_status="not_in_erp",
                          to_status="synced")
        return report

    # -- costs -------------------------------------------------------------------------

    def _synced_projects(self, project: o.Project | None) -> list[o.Project]:
        if project is not None:
            project.refresh()
            if not project.synced:
                raise PreconditionFailed(project.describe(), ["only projects synced with an ERP job have ERP costs"])
            return [project]
        return [pr for pr in self.company.projects.all() if pr.synced and pr.erp_job_id]

    def job_costs(self, project: o.Project | None = None, *, source: Any = None) -> ImportReport:
        """JTD/MTD cost, commitment invoiced and dollars paid per cost code × cost type."""
        self._require("job_costs")
        src = self._source(source)
        report = ImportReport("job costs", source=self._title(src))
        today = self.company.today()
        for pr in self._synced_projects(project):
            job_id = str(pr.erp_job_id)
            costs: list[p.ErpJobCost] = self._fetch(f"job costs of {job_id}",
                                                    lambda job=job_id: src.fetch_job_costs(job, today))
            with self._actor(), self.company.store.transaction():
                for cost in costs:
                    key = o.JobCost.key_for(pr.id, cost.cost_code, cost.cost_type, cost.sub_job)
                    data = {"cost_code": cost.cost_code, "cost_type": cost.cost_type, "sub_job": cost.sub_job,
                            "jtd_cost": str(cost.jtd_cost), "mtd_cost": str(cost.mtd_cost),
                            "commitment_invoiced": str(cost.commitment_invoiced), "jtd_paid": str(cost.jtd_paid),
                            "mtd_paid": str(cost.mtd_paid), "as_of": today.isoformat()}
                    record = self.company.records.get_by_key(o.JobCost.kind, key)
                    if record is None:
                        id = self.company.records.insert(o.JobCost.kind, data, key=key, parent=pr.id)
                        report.created.append(o.JobCost(self.company, id, data, pr.id))
                    elif {k: v for k, v in record.data.items() if k != "as_of"} != \
                            {k: v for k, v in data.items() if k != "as_of"}:
                        self.company.records.update(o.JobCost.kind, record.id, data)
                        report.updated.append(o.JobCost(self.company, record.id, data, pr.id))
                    else:
                        report.unchanged.append(o.JobCost(self.company, record.id, record.data, pr.id))
        return report

    def direct_costs(self, project: o.Project | None = None, *, source: Any = None) -> ImportReport:
        """Job cost transactions into the Direct Costs tool (only the statuses the connector allows)."""
        self._require("direct_costs")
        src = self._source(source)
        connector = self.company.require_connector()
        allowed = connector.direct_cost_statuses
        report = ImportReport("job cost transactions", source=self._title(src))
        for pr in self._synced_projects(project):
            job_id = str(pr.erp_job_id)
            fetched: list[p.ErpCostTransaction] = self._fetch(
                f"cost transactions of {job_id}", lambda job=job_id: src.fetch_cost_transactions(job))
            with self._actor(), self.company.store.transaction():
                for trx in fetched:
                    what = f"transaction {trx.origin_id}"
                    if trx.status not in allowed:
                        report.skipped.append((what, f"status {trx.status!r} is not imported (only "
                                                     f"{', '.join(sorted(allowed))})"))
                        continue
                    if self.company.records.by_origin("item", trx.origin_id) is not None:
                        report.unchanged.append(what)
                        continue
                    vendor = None if not trx.vendor_id else self.company.directory.by_erp_vendor_id(trx.vendor_id)
                    total = sum((line.amount for line in trx.lines), Decimal("0"))
                    data = {
                        "direct_cost_type": trx.direct_cost_type, "status": "approved",
                        "vendor": None if vendor is None else vendor.id,
                        "vendor_name": None if vendor is None else vendor.data["name"],
                        "invoice_number": trx.invoice_number, "date": trx.date.isoformat(),
                        "received_date": trx.received_date.isoformat() if trx.received_date else None,
                        "terms": trx.terms, "description": trx.description, "grand_total": str(total),
                        "line_items": [{"cost_code": ln.cost_code, "cost_type": ln.cost_type,
                                        "sub_job": ln.sub_job, "description": ln.description,
                                        "amount": str(ln.amount)} for ln in trx.lines],
                        "origin_id": trx.origin_id, "erp_status": ErpStatus.SYNCED.value,
                        "erp_transaction_status": trx.status,
                    }
                    cost = pr.direct_costs._insert(data)
                    self.company.records.link_origin("item", trx.origin_id, cost.kind, cost.id)
                    report.created.append(cost)
        return report

    def payments(self, *, source: Any = None) -> ImportReport:
        """ERP bill payments into Commitment Payments Issued, for synced subcontractor invoices only."""
        self._require("commitment_payments")
        src = self._source(source)
        synced: dict[str, o.Invoice] = {}
        for record in self.company.records.iter(o.Invoice.kind):
            invoice = o.Invoice(self.company, record.id, record.data, record.parent)
            if invoice.synced and invoice.origin_id:
                synced[invoice.origin_id] = invoice
        report = ImportReport("commitment payments", source=self._title(src))
        origins = {k: v.origin_data for k, v in synced.items()}
        fetched: list[p.ErpPayment] = self._fetch("bill payments", lambda: src.fetch_payments(origins))
        with self._actor(), self.company.store.transaction():
            for payment in fetched:
                what = f"payment {payment.origin_id}"
                invoice = synced.get(payment.invoice_origin_id)
                if invoice is None:
                    report.skipped.append((what, f"bill {payment.invoice_origin_id} is not a synced subcontractor "
                                                 f"invoice; payments are imported for synced invoices only"))
                    continue
                if self.company.records.by_origin("contract_payment", payment.origin_id) is not None:
                    report.unchanged.append(what)
                    continue
                data = {"invoice": invoice.id, "check_number": payment.check_number,
                        "invoice_number": payment.invoice_number or invoice.data["invoice_number"],
                        "payment_method": payment.payment_method, "amount": str(payment.amount),
                        "date": payment.date.isoformat(), "origin_id": payment.origin_id,
                        "erp_status": ErpStatus.SYNCED.value}
                commitment = invoice.commitment
                created = commitment.payments._insert(data)
                self.company.records.link_origin("contract_payment", payment.origin_id, created.kind, created.id)
                report.created.append(created)
        return report

    # -- everything the schedule runs ------------------------------------------------------

    RUNNERS = SCHEDULABLE

    def run(self, object_name: str, *, source: Any = None) -> ImportReport:
        method = self.RUNNERS.get(object_name)
        if method is None:
            raise SyncError(f"{object_name} is not a scheduled import; choose from {', '.join(self.RUNNERS)}")
        result: ImportReport = getattr(self, method)(source=source)
        return result


class _Same:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None

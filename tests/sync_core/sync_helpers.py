"""A scripted in-memory ERP for unit tests of the workflow (the connector tests use the real rooms)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sync_core import Company, Procore
from sync_core import payloads as p
from sync_core.capabilities import Capability, CapabilityMatrix, Limit
from sync_core.connectors.base import AcceptField, Connector, ExportContext
from sync_core.delivery import ErpRejected, TransientError
from sync_core.objects import Commitment, CommitmentLine, Project, User, Vendor

EVERYTHING = ("standard_cost_codes", "cost_types", "projects", "sub_jobs", "vendors", "budgets",
              "budget_modifications", "commitments", "commitment_change_orders", "prime_contracts",
              "prime_contract_change_orders", "subcontractor_invoices", "job_costs", "direct_costs",
              "commitment_payments")


def matrix(**overrides: tuple[bool, bool]) -> CapabilityMatrix:
    caps = {name: Capability(name, *overrides.get(name, (True, True)), name.upper()) for name in EVERYTHING}
    return CapabilityMatrix("fake", "Fake ERP", caps,
                            limits=(Limit("vendors", "name", "company name", "fake.vendor_name_length",
                                          max_length=30),
                                    Limit("commitments", "title", "commitment title", "fake.title_length",
                                          max_length=30, truncate=True)),
                            cost_code_delimiters="-.")


class FakeErp(Connector):
    erp = "fake"
    title = "Fake ERP"
    direct_cost_statuses = frozenset({"Approved"})

    def __init__(self, capabilities: CapabilityMatrix | None = None) -> None:
        self.matrix = capabilities or matrix()
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[str] = []
        self.faults: list[Callable[[], None]] = []
        """Run before each create; one that raises injects a failure. 'after' faults commit first."""
        self.lost_after_commit = 0
        self.down = 0
        """Lookups that fail with 503 (the ERP is down)."""
        self.feeds: dict[str, Any] = {}

    # -- helpers -------------------------------------------------------------

    def _find(self, obj: str, key: str) -> Callable[[], str | None]:
        def find() -> str | None:
            self.calls.append(f"find {obj} {key}")
            if self.down:
                self.down -= 1
                raise TransientError(TransientError.SERVER_ERROR, "503 Service Unavailable")
            return key if (obj, key) in self.records else None
        return find

    def _create(self, obj: str, key: str, data: dict[str, Any]) -> Callable[[], str]:
        def create() -> str:
            self.calls.append(f"create {obj} {key}")
            if self.faults:
                self.faults.pop(0)()
            self.records[(obj, key)] = data
            if self.lost_after_commit:
                self.lost_after_commit -= 1
                raise TransientError(TransientError.LOST_RESPONSE, "connection reset after commit")
            return key
        return create

    def _export(self, obj: str, key: str, data: dict[str, Any], ctx: ExportContext,
                lines: dict[int, str] | None = None) -> p.Receipt:
        origin, adopted = ctx.ensure(f"{obj} {key}", self._find(obj, key), self._create(obj, key, data))
        return p.Receipt(origin, {"fake": True}, lines or {}, adopted=adopted)

    def accept_fields(self, object_name: str) -> tuple[AcceptField, ...]:
        return {
            "projects": (AcceptField("erp_job_id", "Sage Job ID", pattern=r"[0-9A-Z-]+",
                                     pattern_text="must be capital letters, digits or '-'"),),
            "vendors": (AcceptField("erp_vendor_id", "ERP Vendor ID"),),
            "subcontractor_invoices": (
                AcceptField("erp_invoice_id", "ERP ID", prefill="invoice_number"),
                AcceptField("description", "Description", required=False),
                AcceptField("accounting_date", "Accounting Date", prefill="=billing_date"),
            ),
        }.get(object_name, ())

    # -- exports -------------------------------------------------------------

    def export_job(self, job: p.JobExport, ctx: ExportContext) -> p.Receipt:
        return self._export("job", job.job_id, {"name": job.name, "codes": [c.code for c in job.cost_codes]}, ctx)

    def export_cost_codes(self, job_id: str, codes: tuple[p.CostCodeSpec, ...], ctx: ExportContext) -> dict[str, str]:
        out = {}
        for code in codes:
            key = f"{job_id}:{code.code}"
            out[code.code] = ctx.ensure_part(f"task {key}", self._find("task", key), self._create("task", key, {}))
        return out

    def export_sub_job(self, sub_job: p.SubJobExport, ctx: ExportContext) -> p.Receipt:
        return self._export("sub_job", f"{sub_job.job_id}:{sub_job.code}", {"name": sub_job.name}, ctx)

    def export_vendor(self, vendor: p.VendorExport, ctx: ExportContext) -> p.Receipt:
        return self._export("vendor", vendor.vendor_id, {"name": vendor.name}, ctx)

    def export_budget(self, budget: p.BudgetExport, ctx: ExportContext) -> p.Receipt:
        key = budget.origin_id or f"EST-{budget.job_id}"
        if budget.origin_id:
            self.records[("budget", key)]["lines"] += [str(ln.amount) for ln in budget.lines]
            return p.Receipt(key, {}, {ln.line_id: f"{key}:{ln.line_id}" for ln in budget.lines})
        return self._export("budget", key, {"lines": [str(ln.amount) for ln in budget.lines]}, ctx,
                            {ln.line_id: f"{key}:{ln.line_id}" for ln in budget.lines})

    def export_budget_modification(self, mod: p.BudgetModificationExport, ctx: ExportContext) -> p.Receipt:
        return self._export("revision", f"{mod.job_id}:{mod.modification_id}", {"amount": str(mod.amount)}, ctx)

    def export_commitment(self, commitment: p.CommitmentExport, ctx: ExportContext) -> p.Receipt:
        key = f"{commitment.job_id}:{commitment.number}"
        return self._export("commitment", key, {"title": commitment.title, "vendor": commitment.vendor_id}, ctx,
                            {ln.line_id: f"{key}:{i}" for i, ln in enumerate(commitment.lines, 1)})

    def export_change_order(self, cco: p.ChangeOrderExport, ctx: ExportContext) -> p.Receipt:
        return self._export("cco", f"{cco.commitment_origin_id}:{cco.number}", {"title": cco.title}, ctx)

    def export_prime_contract(self, contract: p.PrimeContractExport, ctx: ExportContext) -> p.Receipt:
        return self._export("prime", f"{contract.job_id}:{contract.number}", {}, ctx)

    def export_pcco(self, pcco: p.PccoExport, ctx: ExportContext) -> p.Receipt:
        return self._export("pcco", f"{pcco.contract_origin_id}:{pcco.number}", {}, ctx)

    def export_invoice(self, invoice: p.InvoiceExport, ctx: ExportContext) -> p.Receipt:
        if invoice.erp_invoice_id == "REFUSE":
            raise ErpRejected("BL01001973 Could not create Bill record!")
        return self._export("bill", invoice.erp_invoice_id, {"amount": str(invoice.amount),
                                                              "retainage": str(invoice.retainage_this_period),
                                                              "date": invoice.accounting_date.isoformat(),
                                                              "description": invoice.description}, ctx)

    def exists(self, object_name: str, origin_id: str, origin_data: dict[str, Any]) -> bool:
        self.calls.append(f"exists {object_name} {origin_id}")
        return any(key == origin_id for (_, key) in self.records)

    # -- imports (fed by the test) --------------------------------------------

    def fetch_cost_codes(self) -> list[p.ErpCostCode]:
        return list(self.feeds.get("cost_codes", []))

    def fetch_cost_types(self) -> list[p.ErpCostType]:
        return list(self.feeds.get("cost_types", []))

    def fetch_jobs(self) -> list[p.ErpJob]:
        return list(self.feeds.get("jobs", []))

    def fetch_sub_jobs(self, job_id: str) -> list[p.ErpSubJob]:
        return [s for s in self.feeds.get("sub_jobs", []) if s.job_id == job_id]

    def fetch_vendors(self) -> list[p.ErpVendor]:
        return list(self.feeds.get("vendors", []))

    def fetch_budget(self, job_id: str) -> p.ErpBudget | None:
        return self.feeds.get("budgets", {}).get(job_id)

    def fetch_job_costs(self, job_id: str, today: dt.date) -> list[p.ErpJobCost]:
        return list(self.feeds.get("job_costs", {}).get(job_id, []))

    def fetch_cost_transactions(self, job_id: str) -> list[p.ErpCostTransaction]:
        return list(self.feeds.get("transactions", {}).get(job_id, []))

    def fetch_payments(self, invoice_origins: dict[str, dict[str, Any]]) -> list[p.ErpPayment]:
        self.calls.append("fetch payments")
        return list(self.feeds.get("payments", []))


D = Decimal


@dataclass
class World:
    company: Company
    erp: FakeErp
    approver: User
    vendor: Vendor
    project: Project


def build_company(pm: Procore, erp: FakeErp) -> Company:
    company = pm.create_company("Demo Construction", company_id="demo")
    for code, name in (("L", "Labor"), ("M", "Material"), ("S", "Subcontract")):
        company.cost_types.create(code=code, name=name)
    for code, name in (("01-100", "Project Management"), ("03-300", "Cast-in-Place Concrete"),
                       ("09-200", "Gypsum Board")):
        company.cost_codes.create(code=code, description=name, cost_types=["L", "M", "S"])
    company.connect(erp)
    return company


def make_world(pm: Procore) -> World:
    erp = FakeErp()
    company = build_company(pm, erp)
    approver = company.users.create(name="Ann Accountant", erp_integrations="admin", can_push_to_accounting=True)
    vendor = company.directory.create(name="Beck Concrete", city="Ericmouth")
    project = company.projects.create(name="Library", project_number="1001")
    project.cost_codes.add("03-300", ["S", "M"])
    return World(company, erp, approver, vendor, project)


def synced_project(w: World) -> Project:
    w.project.send_to_erp()
    outcome = w.approver.accept(w.project, erp_job_id="1001")
    assert outcome.ok, outcome
    return w.project.refresh()


def synced_vendor(w: World, vendor_id: str = "V100") -> Vendor:
    w.vendor.send_to_erp()
    assert w.approver.accept(w.vendor, erp_vendor_id=vendor_id).ok
    return w.vendor.refresh()


def approved_subcontract(w: World, *, retainage: str = "10") -> tuple[Commitment, CommitmentLine]:
    project = synced_project(w) if not w.project.refresh().synced else w.project
    vendor = synced_vendor(w) if not w.vendor.refresh().synced else w.vendor
    sc = project.commitments.create_subcontract(title="Concrete", vendor=vendor, default_retainage=retainage)
    line = sc.add_line("03-300", "S", 10000, description="Foundations")
    sc.update(status="Approved")
    return sc, line


def synced_subcontract(w: World) -> tuple[Commitment, CommitmentLine]:
    sc, line = approved_subcontract(w)
    assert w.approver.accept(sc.send_to_erp()).ok
    return sc.refresh(), line.refresh()

"""The Sage 100 Contractor connector against the in-process record API: every arrow of seed 002, and exactly-once."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from erp_harness import FaultyTransport, faulty_client
from simulator.app import create_app
from simulator.clock import Clock
from simulator.sage100 import service as sage100_service
from simulator.store import Store
from sync_core import Company, Direction, ErpStatus, PreconditionFailed, Procore, Refused, RetryPolicy, StillInErp
from sync_core.connectors.sage100 import Sage100Connector
from sync_core.objects import Project, User, Vendor

D = Decimal


class Sage:
    """The Sage 100 record API, read and written independently of the connector."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        response = client.post("/sage100/session", json={"company": "Demo Construction", "username": "api",
                                                          "password": "api"})
        assert response.status_code == 201, response.text
        self.headers = {"authorization": f"Bearer {response.json()['token']}"}

    def get(self, table: str, key: Any) -> dict | None:
        response = self.client.get(f"/sage100/records/{table}/{key}", headers=self.headers)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        return response.json()["record"]

    def list(self, table: str, **filters: Any) -> list[dict]:
        response = self.client.get(f"/sage100/records/{table}", params={**filters, "limit": 1000},
                                   headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["records"]

    def insert(self, table: str, body: dict) -> dict:
        response = self.client.post(f"/sage100/records/{table}", json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        return response.json()["record"]

    def patch(self, table: str, key: Any, body: dict) -> dict:
        response = self.client.patch(f"/sage100/records/{table}/{key}", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["record"]

    def action(self, table: str, key: Any, name: str) -> dict:
        response = self.client.post(f"/sage100/records/{table}/{key}/{name}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["record"]

    def delete(self, table: str, key: Any) -> None:
        response = self.client.delete(f"/sage100/records/{table}/{key}", headers=self.headers)
        assert response.status_code == 200, response.text


@dataclass
class Env:
    clock: Clock
    sage: Sage
    wire: FaultyTransport
    company: Company
    approver: User


@pytest.fixture
def env() -> Iterator[Env]:
    clock = Clock(offset=dt.datetime(2026, 3, 10, 15, tzinfo=dt.timezone.utc).timestamp() - time.time())
    store = Store(":memory:")
    app = create_app(store, services=[sage100_service], clock=clock)
    with TestClient(app) as test_client:
        client, wire = faulty_client(test_client)
        pm = Procore(Store(":memory:"), clock=clock, sleep=clock.advance, policy=RetryPolicy(attempts=4))
        company = pm.create_company("Demo Construction", company_id="demo")
        company.connect(Sage100Connector(client, company="Demo Construction", username="api", password="api"))
        approver = company.users.create(name="Bea", erp_integrations="admin", can_push_to_accounting=True)
        company.imports.cost_types()
        company.imports.cost_codes()
        yield Env(clock, Sage(test_client), wire, company, approver)
        assert all(f.times == 0 for f in wire.faults), "a scripted fault never fired"
        client.close()
    store.close()


def new_project(env: Env, job: str = "2026001") -> Project:
    project = env.company.projects.create(name="Riverside Library", project_number=job, address="9 Elm St",
                                          city="Fargo", state="ND", zip="58102", start_date="2026-04-01")
    project.cost_codes.add("3.300", ["4", "1"])
    project.cost_codes.add("9.200", ["2", "4"])
    outcome = env.approver.accept(project.send_to_erp(), erp_job_id=job)
    assert outcome.ok, outcome
    return project.refresh()


def linked_vendor(env: Env, number: str = "500") -> Vendor:
    vendor = env.company.directory.create(name="Granite Subs Inc", address="1 Main St", city="Fargo", state="ND",
                                          zip="58102")
    assert env.approver.accept(vendor.send_to_erp(), erp_vendor_id=number).ok
    env.sage.patch("actpay", number, {"duedte": "30DY"})  # invoice defaults, entered in Sage (4-4)
    return vendor.refresh()


def subcontract(env: Env, project: Project, vendor: Vendor) -> Any:
    sc = project.commitments.create_subcontract(title="Structural concrete", vendor=vendor, default_retainage=10)
    sc.add_line("3.300", "4", 120000, description="Foundations")
    sc.add_line("9.200", "4", 30000, description="Drywall")
    sc.update(status="Approved")
    outcome = env.approver.accept(sc.send_to_erp())
    assert outcome.ok, outcome
    return sc.refresh()


# -- imports -------------------------------------------------------------------------


def test_imports_cost_codes_types_jobs_vendors(env: Env) -> None:
    types = {t.data["code"]: t.data["name"] for t in env.company.cost_types.all()}
    assert types["1"] == "Material" and types["4"] == "Subcontract" and len(types) == 9
    assert env.company.cost_codes.by_code("3.300").data["description"] == "Cast-in-Place Concrete"
    jobs = env.company.imports.jobs()
    assert sorted(p.data["project_number"] for p in jobs.created) == ["1001", "1002", "1003"]
    project = env.company.projects.by_erp_job_id("1001")
    assert (project.data["name"], project.start_date) == ("Kristinberg Medical Office", dt.date(2026, 1, 5))
    assert project.cost_codes.by_code("1.500").cost_type_codes == ["2", "5"]  # budget columns with amounts
    vendors = env.company.imports.vendors()
    v100 = env.company.directory.by_erp_vendor_id("100")
    assert (v100.data["name"], v100.data["city"], v100.data["business_phone"]) == ("Flores PLC", "Angelstad", None)
    assert len(vendors.created) == 24


def test_imports_phases_as_sub_jobs_and_the_budget(env: Env) -> None:
    env.company.imports.jobs(["1001"])
    project = env.company.projects.by_erp_job_id("1001")
    env.sage.insert("jobphs", {"recnum": 1001, "phsnum": 1, "phsnme": "Shell"})
    env.sage.insert("bdglin", {"recnum": 1001, "phsnum": 1, "cstcde": 3.3, "subbdg": 5000, "suborg": 5000})
    env.sage.insert("bdglin", {"recnum": 1001, "phsnum": 1, "cstcde": 4.2, "matbdg": 0})
    sub = env.company.imports.sub_jobs(project).created[0]
    assert (sub.code, sub.data["name"]) == ("1", "Shell")
    codes = [c.code for c in project.cost_codes.all() if c.data.get("sub_job") == sub.id]
    assert codes == ["3.300"]  # cost codes come from budget lines above $0
    report = env.company.imports.budget(project)
    budget = project.budget
    assert budget.synced and budget.locked
    total = sum((ln.amount for ln in budget.lines), D(0))
    seeded = sum((D(str(r["ttlbdg"])) for r in env.sage.list("bdglin", recnum=1001)), D(0))
    assert total == seeded and not report.skipped
    phase_line = budget.line("3.300", "4", sub)
    assert phase_line.amount == D("5000.00")


def test_imports_job_costs_and_transactions(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    invoice = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-05", status="approved")
    invoice.add_line(sc.lines[0], work_completed=10000)
    env.sage.patch("actrec", 2026001, {"dptmnt": 1})
    assert env.approver.accept(invoice.send_to_erp()).ok
    env.sage.action("acpinv", invoice.refresh().origin_id, "post")
    env.sage.insert("jobcst", {"jobnum": 2026001, "cstcde": 9.2, "csttyp": 2, "cstamt": 1200, "trnnum": "PR-9",
                               "trndte": "2026-02-27", "dscrpt": "Payroll week 9", "srcnum": 3})
    env.sage.insert("jobcst", {"jobnum": 2026001, "cstcde": 9.2, "csttyp": 2, "cstamt": 300, "trnnum": "JC-1",
                               "trndte": "2026-03-02", "dscrpt": "Small tools", "srcnum": 4})
    void = env.sage.insert("jobcst", {"jobnum": 2026001, "cstcde": 9.2, "csttyp": 2, "cstamt": 99, "trnnum": "JC-2",
                                      "trndte": "2026-03-03", "dscrpt": "Mistake", "srcnum": 4})
    env.sage.patch("jobcst", void["recnum"], {"status": 2})

    costs = {(c.data["cost_code"], c.data["cost_type"]): c for c in env.company.imports.job_costs(project).created}
    concrete = costs[("3.300", "4")]
    assert (concrete.jtd_cost, concrete.mtd_cost, concrete.commitment_invoiced) == (
        D("10000.00"), D("10000.00"), D("10000.00"))
    labor = costs[("9.200", "2")]
    assert (labor.jtd_cost, labor.mtd_cost, labor.commitment_invoiced) == (D("1500.00"), D("300.00"), D("0.00"))

    report = env.company.imports.direct_costs(project)
    kinds = sorted((c.data["direct_cost_type"], c.grand_total) for c in report.created)
    assert kinds == [("expense", D("300.00")), ("payroll", D("1200.00")), ("subcontractor_invoice", D("10000.00"))]
    ap = next(c for c in report.created if c.data["direct_cost_type"] == "subcontractor_invoice")
    assert (ap.data["invoice_number"], ap.data["vendor_name"]) == ("G-1", "Granite Subs Inc")
    assert [why for _, why in report.skipped] == ["status 'Void' is not imported (only Approved)"]


def test_hh2_cycle_brings_job_costs_after_the_thirty_minute_step(env: Env) -> None:
    project = new_project(env)
    entries = env.company.imports.schedule.entries()
    assert [(e["mode"], e["capture_every"], e["apply_every"]) for e in entries] == [("hh2", 300, 1800)]
    env.sage.insert("jobcst", {"jobnum": 2026001, "cstcde": 3.3, "csttyp": 1, "cstamt": 640, "trnnum": "JC-7",
                               "trndte": "2026-03-10", "dscrpt": "Rebar", "srcnum": 4})
    env.clock.advance(5 * 60)
    env.company.tick()  # step 1 only: the cost is in the hh2 cloud, not in Procore
    assert project.job_costs.all() == []
    env.clock.advance(25 * 60)
    reports = env.company.tick()
    assert {r.object for r in reports} == {"standard cost codes", "cost types", "job costs",
                                           "job cost transactions"}
    assert project.job_costs.all()[0].jtd_cost == D("640.00")
    assert project.direct_costs.all()[0].data["description"] == "Rebar"


# -- exports ----------------------------------------------------------------------------


def test_exports_a_job_with_a_shell_budget(env: Env) -> None:
    new_project(env)
    job = env.sage.get("actrec", 2026001)
    assert (job["jobnme"], job["ctynme"], job["zipcde"], job["strdte"], job["status"]) == (
        "Riverside Library", "Fargo", "58102", "2026-04-01", 4)
    rows = env.sage.list("bdglin", recnum=2026001)
    assert sorted((r["cstcde"], r["ttlbdg"]) for r in rows) == [(3.3, 0), (9.2, 0)]


def test_job_id_must_be_numeric(env: Env) -> None:
    project = env.company.projects.create(name="Annex")
    project.cost_codes.add("3.300", ["4"])
    project.send_to_erp()
    with pytest.raises(Exception, match="digits only, no letters or separators"):
        env.approver.accept(project, erp_job_id="26-001")
    sent = [r for r in env.wire.log if r.method == "POST" and b"actrec" in r.url.path.encode()]
    assert sent == []


def test_exports_a_vendor_and_refuses_long_names(env: Env) -> None:
    linked_vendor(env)
    row = env.sage.get("actpay", 500)
    assert (row["vndnme"], row["addrs1"], row["ctynme"], row["state_"], row["zipcde"]) == (
        "Granite Subs Inc", "1 Main St", "Fargo", "ND", "58102")
    long = env.company.directory.create(name="Consolidated Mechanical Contractors of ND")
    with pytest.raises(Refused) as info:
        long.send_to_erp()
    assert info.value.rule == "sage100.vendor_name_length"


def test_exports_a_budget_then_a_budget_change(env: Env) -> None:
    project = new_project(env)
    budget = project.budget
    budget.add_line("3.300", "4", 120000)
    budget.add_line("3.300", "1", 0)  # $0 lines are allowed for Sage 100
    budget.add_line("9.200", "2", 40000)
    budget.lock()
    assert env.approver.accept(budget.send_to_erp()).ok
    rows = {r["cstcde"]: r for r in env.sage.list("bdglin", recnum=2026001)}
    assert (rows[3.3]["subbdg"], rows[3.3]["suborg"], rows[3.3]["matbdg"]) == (120000, 120000, 0)
    assert (rows[9.2]["labbdg"], rows[9.2]["laborg"]) == (40000, 40000)
    mod = project.budget_modifications.create(from_cost_code="3.300", from_cost_type="4", to_cost_code="9.200",
                                              to_cost_type="2", amount=2500, notes="Move to drywall labor")
    assert env.approver.accept(mod.send_to_erp()).ok
    co = env.sage.get("prmchg", mod.refresh().origin_id)
    assert co["status"] == 1 and co["dscrpt"] == "Move to drywall labor"
    assert sorted((ln["cstcde"], ln["csttyp"], ln["bdgprc"]) for ln in co["sbcgln"]) == [
        (3.3, 4, -2500), (9.2, 2, 2500)]
    rows = {r["cstcde"]: r for r in env.sage.list("bdglin", recnum=2026001)}
    assert (rows[3.3]["subbdg"], rows[3.3]["suborg"], rows[9.2]["labbdg"]) == (117500, 120000, 42500)


def test_budget_refusals(env: Env) -> None:
    project = new_project(env)
    project.sub_jobs.create(code="1", name="Phase 1")
    project.budget.add_line("3.300", "4", 10)
    project.budget.lock()
    with pytest.raises(Refused) as info:
        project.budget.send_to_erp()
    assert info.value.rule == "sage100.budgets.phases_in_sage"
    # a job whose budget was entered in Sage: the budget cannot also be made in Procore
    env.company.imports.jobs(["1002"])
    other = env.company.projects.by_erp_job_id("1002")
    other.budget.add_line("1.100", "2", 10)
    other.budget.lock()
    outcome = env.approver.accept(other.budget.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "already has a budget entered in Sage 100 Contractor" in outcome.message


def test_exports_a_subcontract_and_its_change_order(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    record = env.sage.get("subcon", sc.origin_id)
    assert (record["ctcnum"], record["vndnum"], record["jobnum"], record["dscrpt"], record["rtnrte"],
            record["cntttl"]) == ("SC-001", 500, 2026001, "Structural concrete", 10, 150000)
    assert sorted((ln["cstcde"], ln["csttyp"], ln["amount"]) for ln in record["sbcnln"]) == [
        (3.3, 4, 120000), (9.2, 4, 30000)]
    cco = sc.change_orders.create(title="Thicker slab", description="Slab goes from 6 to 8 inches",
                                  status="Approved")
    cco.add_line(5000, line=sc.lines[0])
    cco.add_line(3000, line=sc.lines[0])  # the same line twice: aggregated in Sage
    cco.add_line(2500, cost_code="9.200", cost_type="1", description="Shaft wall")
    assert env.approver.accept(cco.send_to_erp()).ok
    co = env.sage.get("prmchg", cco.refresh().origin_id)
    assert co["status"] == 1 and co["dscrpt"] == "Thicker slab" and co["ntetxt"].startswith("Slab goes from 6")
    assert sorted((ln["cstcde"], ln["csttyp"], ln["bdgprc"]) for ln in co["sbcgln"]) == [
        (3.3, 4, 8000), (9.2, 1, 2500)]
    record = env.sage.get("subcon", sc.origin_id)
    assert (record["chgttl"], record["ctcttl"], len(record["sbcnln"])) == (10500, 160500, 3)


def test_change_orders_need_a_synced_commitment(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = project.commitments.create_subcontract(title="x", vendor=vendor)
    line = sc.add_line("3.300", "4", 10)
    cco = sc.change_orders.create(title="y", status="Approved")
    cco.add_line(1, line=line)
    with pytest.raises(PreconditionFailed, match="only be sent for synced commitments"):
        cco.send_to_erp()


def test_exports_a_unit_based_po_and_appends_change_order_lines(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    amount_po = project.commitments.create_purchase_order(title="Rebar", vendor=vendor)
    amount_po.add_line("3.300", "1", 900)
    amount_po.update(status="Approved")
    with pytest.raises(Refused) as info:
        amount_po.send_to_erp()
    assert info.value.rule == "sage100.purchase_orders.unit_based"
    po = project.commitments.create_purchase_order(title="Ready mix concrete and rebar supply", vendor=vendor,
                                                   accounting_method="unit", number="PO-2026-00042")
    po.add_line("3.300", "1", quantity=40, unit_cost="150.25", uom="CY", description="Ready mix")
    po.update(status="Approved")
    outcome = env.approver.accept(po.send_to_erp())
    assert outcome.ok
    record = env.sage.get("pchord", po.refresh().origin_id)
    # number truncated to 12 characters, title to 30
    assert (record["ordnum"], record["dscrpt"], record["subttl"]) == ("PO-2026-0004", "Ready mix concrete and rebar s",
                                                                      6010)
    cco = po.change_orders.create(title="More concrete", status="Approved")
    cco.add_line(quantity=4, unit_cost="150.25", line=po.lines[0])
    cco.add_line(quantity=2, unit_cost="80", cost_code="3.300", cost_type="1", description="Pump")
    assert env.approver.accept(cco.send_to_erp()).ok
    lines = sorted(env.sage.get("pchord", po.origin_id)["pcorln"], key=lambda r: r["linnum"])
    assert [(ln["linnum"], ln["dscrpt"], ln["linqty"], ln["linprc"]) for ln in lines] == [
        (1, "Ready mix", 40, 150.25), (2, "CO 001: More concrete", 4, 150.25), (3, "Pump", 2, 80)]


def test_exports_invoices_with_retainage_held_then_released(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    first = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-31", status="approved")
    first.add_line(sc.lines[0], work_completed=40000, materials_stored=5000)
    first.send_to_erp()
    outcome = env.approver.accept(first)
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "no default department in 3-5 Jobs" in outcome.message
    env.sage.patch("actrec", 2026001, {"dptmnt": 1})
    assert env.approver.accept(first.resend_to_erp(), description="March progress").ok
    record = env.sage.get("acpinv", first.refresh().origin_id)
    assert (record["invnum"], record["ctcnum"], record["invttl"], record["retain"], record["dscrpt"],
            record["actper"]) == ("G-1", "SC-001", 45000, 4500, "March progress", 3)
    assert [(ln["extttl"], ln["hldamt"], ln["ctclin"]) for ln in record["apivln"]] == [(45000, 4500, 1)]
    second = sc.invoices.create(invoice_number="G-2", billing_date="2026-04-30", status="approved")
    second.add_line(sc.lines[0], work_completed=80000, work_retainage="0", work_retainage_released=3000)
    outcome = env.approver.accept(second.send_to_erp())
    assert outcome.ok and "released $3,000.00" in " ".join(outcome.notes)
    assert env.sage.get("acpinv", first.origin_id)["retain"] == 1500
    assert env.sage.get("acpinv", second.refresh().origin_id)["retain"] == 0


# -- refusals the matrix names ----------------------------------------------------------------


def test_matrix_refusals_before_any_call(env: Env) -> None:
    project = new_project(env)
    sub = project.sub_jobs.create(code="7", name="Phase 7")
    calls = len(env.wire.log)
    with pytest.raises(Refused) as info:
        sub.send_to_erp()
    assert info.value.rule == "sage100.sub_jobs.import_only"
    with pytest.raises(Refused) as info:
        env.company.imports.payments()
    assert info.value.rule == "sage100.commitment_payments.unsupported"
    contract = project.prime_contracts.create(title="Owner")
    contract.add_line("Base", 100)
    contract.update(status="Approved")
    with pytest.raises(Refused) as info:
        contract.send_to_erp()
    assert info.value.rule == "sage100.prime_contracts.unsupported"
    with pytest.raises(Refused) as info:
        env.company.require_connector().matrix.require("budget_modifications", Direction.IMPORT)
    assert info.value.rule == "sage100.budget_modifications.export_only"
    assert len(env.wire.log) == calls


def test_unlink_after_delete_in_sage(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    with pytest.raises(StillInErp, match="still in Sage 100 Contractor"):
        env.approver.unlink(sc)
    env.sage.delete("subcon", sc.origin_id)
    env.approver.unlink(sc)
    assert sc.refresh().erp_status is ErpStatus.NOT_IN_ERP


# -- exactly once ---------------------------------------------------------------------------


def test_lost_responses_never_duplicate(env: Env) -> None:
    env.wire.add(lambda r: r.method == "POST" and r.url.path.endswith("/records/actrec"), "lost")
    project = new_project(env)
    assert project.synced and env.sage.get("actrec", 2026001)["jobnme"] == "Riverside Library"
    vendor = linked_vendor(env)
    env.wire.add(lambda r: r.method == "POST" and r.url.path.endswith("/records/subcon"), "lost")
    sc = subcontract(env, project, vendor)
    assert len(env.sage.list("subcon", ctcnum="SC-001")) == 1
    env.sage.patch("actrec", 2026001, {"dptmnt": 1})
    env.wire.add(lambda r: r.method == "POST" and r.url.path.endswith("/records/acpinv"), "lost")
    invoice = sc.invoices.create(invoice_number="G-5", billing_date="2026-03-31", status="approved")
    invoice.add_line(sc.lines[0], work_completed=100)
    assert env.approver.accept(invoice.send_to_erp()).ok
    assert len(env.sage.list("acpinv", invnum="G-5")) == 1
    cco = sc.change_orders.create(title="Extra", status="Approved")
    cco.add_line(700, line=sc.lines[1])
    env.wire.add(lambda r: r.method == "POST" and r.url.path.endswith("/records/prmchg"), "lost")
    assert env.approver.accept(cco.send_to_erp()).ok
    assert env.sage.get("subcon", sc.origin_id)["chgttl"] == 700


def test_session_timeout_and_throttling(env: Env) -> None:
    linked_vendor(env, "501")
    env.clock.advance(31 * 60)  # the API session times out after 30 idle minutes
    env.wire.add(lambda r: r.url.path.endswith("/records/actpay"), "429")
    vendor = env.company.directory.create(name="Second Vendor")
    assert env.approver.accept(vendor.send_to_erp(), erp_vendor_id="502").ok
    logins = [r for r in env.wire.log if r.url.path.endswith("/session")]
    assert len(logins) == 2


def test_a_cost_code_made_in_procore_goes_to_6_5_with_the_job(env: Env) -> None:
    env.company.cost_codes.create(code="12.100", description="Furnishings", cost_types=["1", "4"])
    project = env.company.projects.create(name="Annex", project_number="2026002")
    project.cost_codes.add("12.100")
    assert env.approver.accept(project.send_to_erp(), erp_job_id="2026002").ok
    code = env.sage.get("cstcde", "12.100")
    assert (code["cdenme"], code["divnum"]) == ("Furnishings", 12)
    assert [r["cstcde"] for r in env.sage.list("bdglin", recnum=2026002)] == [12.1]

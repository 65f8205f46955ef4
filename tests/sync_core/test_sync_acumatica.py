"""The Acumatica connector against the in-process contract-based API: every arrow of seed 004, and exactly-once."""

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
from simulator.acumatica import service as acumatica_service
from simulator.app import create_app
from simulator.clock import Clock
from simulator.store import Store
from sync_core import Company, ErpStatus, Procore, Refused, RetryPolicy, StillInErp
from sync_core.connectors.acumatica import AcumaticaConnector
from sync_core.connectors.base import Connector
from sync_core.delivery import TransientError
from sync_core.objects import Project, User, Vendor

D = Decimal
BASE = "/acumatica/entity/Default/24.200.001"
ACCOUNTS = {"LABOR": "50000", "MATERIAL": "51000", "SUBCONTRACT": "52000", "EQUIPMENT": "53000", "OTHER": "54000"}


def w(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out[key] = w(value)
        elif isinstance(value, list):
            out[key] = [w(v) for v in value]
        else:
            out[key] = {"value": value}
    return out


def v(record: dict[str, Any], name: str) -> Any:
    return (record.get(name) or {}).get("value")


class Acu:
    """The Acumatica API, read and written independently of the connector (its own cookie session)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        response = client.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin",
                                                                      "tenant": "Demo"})
        assert response.status_code == 204, response.text

    def get(self, entity: str, *keys: str, expand: str | None = None) -> dict | None:
        params = {"$expand": expand} if expand else None
        response = self.client.get(f"{BASE}/{entity}/{'/'.join(keys)}", params=params)
        if response.status_code == 500 and "No entity" in response.text:
            return None
        assert response.status_code == 200, response.text
        return response.json()

    def list(self, entity: str, flt: str | None = None, expand: str | None = None) -> list[dict]:
        params = {k: x for k, x in (("$filter", flt), ("$expand", expand)) if x}
        response = self.client.get(f"{BASE}/{entity}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def put(self, entity: str, body: dict) -> dict:
        response = self.client.put(f"{BASE}/{entity}", json=w(body))
        assert response.status_code == 200, response.text
        return response.json()

    def action(self, entity: str, action: str, keys: dict) -> None:
        response = self.client.post(f"{BASE}/{entity}/{action}", json={"entity": w(keys)})
        while response.status_code == 202:
            response = self.client.get(response.headers["location"])
        assert response.status_code == 204, response.text

    def delete(self, entity: str, *keys: str) -> None:
        response = self.client.delete(f"{BASE}/{entity}/{'/'.join(keys)}")
        assert response.status_code == 204, response.text


@dataclass
class Env:
    clock: Clock
    acu: Acu
    wire: FaultyTransport
    company: Company
    approver: User


@pytest.fixture
def env() -> Iterator[Env]:
    clock = Clock(offset=dt.datetime(2026, 3, 10, 15, tzinfo=dt.timezone.utc).timestamp() - time.time())
    store = Store(":memory:")
    app = create_app(store, services=[acumatica_service], clock=clock)
    with TestClient(app) as test_client:
        client, wire = faulty_client(test_client)
        pm = Procore(Store(":memory:"), clock=clock, sleep=clock.advance, policy=RetryPolicy(attempts=4))
        company = pm.create_company("Demo Construction", company_id="demo")
        company.connect(AcumaticaConnector(client, tenant="Demo", name="admin", password="admin",
                                           accounts=ACCOUNTS, sleep=clock.advance))
        approver = company.users.create(name="Cy", erp_integrations="admin", can_push_to_accounting=True)
        company.imports.cost_types()
        company.imports.cost_codes()
        yield Env(clock, Acu(test_client), wire, company, approver)
        assert all(f.times == 0 for f in wire.faults), "a scripted fault never fired"
        client.close()
    store.close()


def new_project(env: Env, job: str = "P2001") -> Project:
    project = env.company.projects.create(name="Riverside Library", project_number=job, city="Fargo",
                                          start_date="2026-04-01", completion_date="2027-06-30")
    project.cost_codes.add("03-300", ["SUBCONTRACT", "MATERIAL"])
    project.cost_codes.add("09-200", ["LABOR"])
    outcome = env.approver.accept(project.send_to_erp(), erp_job_id=job)
    assert outcome.ok, outcome
    return project.refresh()


def linked_vendor(env: Env, vendor_id: str = "V500") -> Vendor:
    vendor = env.company.directory.create(name="Granite Subs Inc", address="1 Main St", city="Fargo", state="ND",
                                          zip="58102", business_phone="701-555-0100", email_address="ap@granite.test")
    assert env.approver.accept(vendor.send_to_erp(), erp_vendor_id=vendor_id).ok
    return vendor.refresh()


def subcontract(env: Env, project: Project, vendor: Vendor) -> Any:
    sc = project.commitments.create_subcontract(title="Structural concrete", vendor=vendor, default_retainage=10)
    sc.add_line("03-300", "SUBCONTRACT", 120000, description="Foundations")
    sc.add_line("09-200", "LABOR", 30000, description="Drywall")
    sc.update(status="Approved")
    outcome = env.approver.accept(sc.send_to_erp())
    assert outcome.ok, outcome
    return sc.refresh()


def release_bill(env: Env, ref: str) -> None:
    env.acu.put("Bill", {"Type": "Bill", "ReferenceNbr": ref, "Hold": False})
    env.acu.action("Bill", "ReleaseBill", {"Type": "Bill", "ReferenceNbr": ref})


# -- imports --------------------------------------------------------------------------------------


def test_imports_cost_codes_account_groups_projects_and_vendors(env: Env) -> None:
    types = {t.data["code"]: t.data["name"] for t in env.company.cost_types.all()}
    assert types == {"LABOR": "Labor", "MATERIAL": "Material", "SUBCONTRACT": "Subcontract", "EQUIPMENT": "Equipment",
                     "OTHER": "Other"}  # expense account groups only; REVENUE is not a cost type
    assert env.company.cost_codes.by_code("03-300").data["description"] == "Cast-in-Place Concrete"
    jobs = env.company.imports.jobs()
    project = env.company.projects.by_erp_job_id("1001")
    assert sorted(p.data["project_number"] for p in jobs.created) == ["1001", "1002", "1003"]
    assert (project.data["name"], project.data["city"], project.start_date) == (
        "Kristinberg Medical Office", "Jamesburgh", dt.date(2026, 1, 5))
    assert project.cost_codes.by_code("01-500").cost_type_codes == ["LABOR", "OTHER"]
    env.company.imports.vendors()
    v100 = env.company.directory.by_erp_vendor_id("V100")
    assert (v100.data["name"], v100.data["business_phone"], v100.data["email_address"]) == (
        "Flores PLC", "309-114-1707", "jlogan@frank.info")


def test_imports_tasks_as_sub_jobs_and_the_cost_budget(env: Env) -> None:
    env.company.imports.jobs(["1002"])
    project = env.company.projects.by_erp_job_id("1002")
    env.acu.put("ProjectTask", {"ProjectID": "1002", "ProjectTaskID": "EAST", "Description": "East wing"})
    env.acu.put("ProjectBudget", {"ProjectID": "1002", "ProjectTaskID": "EAST", "AccountGroup": "MATERIAL",
                                  "CostCode": "05-100", "OriginalBudgetedAmount": 7500})
    env.acu.put("ProjectBudget", {"ProjectID": "1002", "ProjectTaskID": "0000", "AccountGroup": "SUBCONTRACT",
                                  "CostCode": "05-100", "OriginalBudgetedAmount": 84000})
    sub = env.company.imports.sub_jobs(project).created[0]
    assert (sub.code, sub.data["name"]) == ("EAST", "East wing")
    assert project.cost_codes.by_code("05-100", sub_job=sub).cost_type_codes == ["MATERIAL"]
    env.company.imports.budget(project)
    budget = project.budget
    assert budget.line("05-100", "SUBCONTRACT").amount == D("84000.00")
    assert budget.line("05-100", "MATERIAL", sub).amount == D("7500.00")
    assert budget.synced and budget.locked


# -- exports ---------------------------------------------------------------------------------------


def test_exports_a_project_with_its_default_task_and_a_sub_job(env: Env) -> None:
    project = new_project(env)
    record = env.acu.get("Project", "P2001", expand="ProjectProperties")
    assert (v(record, "Description"), v(record, "Status")) == ("Riverside Library", "Active")
    assert v(record["ProjectProperties"], "StartDate").startswith("2026-04-01")
    assert v(env.acu.get("ProjectTask", "P2001", "0000"), "Default") is True
    sub = project.sub_jobs.create(code="EAST", name="East Wing")
    assert env.approver.accept(sub.send_to_erp()).ok
    assert v(env.acu.get("ProjectTask", "P2001", "EAST"), "Description") == "East Wing"


def test_exports_a_vendor(env: Env) -> None:
    linked_vendor(env)
    record = env.acu.get("Vendor", "V500", expand="MainContact,MainContact/Address")
    contact = record["MainContact"]
    assert (v(record, "VendorName"), v(contact, "Email"), v(contact, "Phone1"),
            v(contact["Address"], "City")) == ("Granite Subs Inc", "ap@granite.test", "701-555-0100", "Fargo")


def test_exports_the_cost_budget_with_zero_lines_and_a_budget_change_order(env: Env) -> None:
    project = new_project(env)
    budget = project.budget
    budget.add_line("03-300", "SUBCONTRACT", 250000)
    budget.add_line("03-300", "MATERIAL", 0)  # $0 lines can be exported to Acumatica
    budget.add_line("09-200", "LABOR", 40000)
    budget.lock()
    assert env.approver.accept(budget.send_to_erp()).ok
    lines = {(v(r, "CostCode"), v(r, "AccountGroup")): r for r in
             env.acu.list("ProjectBudget", "ProjectID eq 'P2001' and Type eq 'Expense'")}
    assert v(lines[("03-300", "SUBCONTRACT")], "OriginalBudgetedAmount") == 250000
    assert v(lines[("03-300", "MATERIAL")], "OriginalBudgetedAmount") == 0
    assert v(lines[("09-200", "LABOR")], "ProjectTaskID") == "0000"
    mod = project.budget_modifications.create(from_cost_code="03-300", from_cost_type="SUBCONTRACT",
                                              to_cost_code="03-300", to_cost_type="MATERIAL", amount=1500)
    assert env.approver.accept(mod.send_to_erp()).ok
    co = env.acu.get("ChangeOrder", mod.refresh().origin_id, expand="CostBudget")
    assert (v(co, "Status"), v(co, "ExternalRefNbr")) == ("Closed", f"PROCORE-BM-{mod.id}")
    assert sorted((v(r, "AccountGroup"), v(r, "Amount")) for r in co["CostBudget"]) == [
        ("MATERIAL", 1500), ("SUBCONTRACT", -1500)]
    lines = {(v(r, "CostCode"), v(r, "AccountGroup")): r for r in
             env.acu.list("ProjectBudget", "ProjectID eq 'P2001' and Type eq 'Expense'")}
    assert v(lines[("03-300", "MATERIAL")], "RevisedBudgetedAmount") == 1500


def test_exports_a_subcontract_and_its_change_order(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    record = env.acu.get("Subcontract", sc.origin_id, expand="Details")
    assert (v(record, "VendorID"), v(record, "Status"), v(record, "VendorRef"), v(record, "RetainagePct"),
            v(record, "SubcontractTotal")) == ("V500", "Open", "P2001-SC-001", 10, 150000)
    rows = sorted(record["Details"], key=lambda r: v(r, "LineNbr"))
    assert [(v(r, "CostCode"), v(r, "ExtendedCost"), v(r, "Account")) for r in rows] == [
        ("03-300", 120000, "52000"), ("09-200", 30000, "50000")]
    cco = sc.change_orders.create(title="Thicker slab", status="Approved")
    cco.add_line(8000, line=sc.lines[0])
    cco.add_line(2500, cost_code="09-200", cost_type="MATERIAL", description="Shaft wall")
    assert env.approver.accept(cco.send_to_erp()).ok
    co = env.acu.get("ChangeOrder", cco.refresh().origin_id, expand="Commitments")
    assert v(co, "Status") == "Closed"
    assert sorted((v(r, "PONbr"), v(r, "Amount")) for r in co["Commitments"]) == [
        (sc.origin_id, 2500), (sc.origin_id, 8000)]
    record = env.acu.get("Subcontract", sc.origin_id, expand="Details")
    assert len(record["Details"]) == 3


def test_exports_a_purchase_order(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    po = project.commitments.create_purchase_order(title="Ready mix", vendor=vendor, accounting_method="unit")
    po.add_line("03-300", "MATERIAL", quantity=40, unit_cost="150.25", uom="CY")
    po.update(status="Approved")
    assert env.approver.accept(po.send_to_erp()).ok
    record = env.acu.get("PurchaseOrder", "Normal", po.refresh().origin_id, expand="Details")
    line = record["Details"][0]
    assert (v(record, "Status"), v(line, "OrderQty"), v(line, "UnitCost"), v(line, "ExtendedCost")) == (
        "Open", 40, 150.25, 6010)


def test_exports_a_prime_contract_and_a_pcco_to_the_revenue_budget(env: Env) -> None:
    project = new_project(env)
    contract = project.prime_contracts.create(title="Owner agreement", number="OA1")
    contract.add_line("Base bid", 1_500_000)
    contract.add_line("Alternates", 300_000)
    contract.update(status="Approved")
    assert env.approver.accept(contract.send_to_erp()).ok
    revenue = env.acu.list("ProjectBudget", "ProjectID eq 'P2001' and Type eq 'Income'")
    assert [(v(r, "AccountGroup"), v(r, "OriginalBudgetedAmount")) for r in revenue] == [("REVENUE", 1800000)]
    pcco = contract.change_orders.create(title="Canopy", status="Approved")
    pcco.add_line("03-300", "MATERIAL", 20000, markup_amount=2000)
    assert env.approver.accept(pcco.send_to_erp()).ok
    co = env.acu.get("ChangeOrder", pcco.refresh().origin_id, expand="RevenueBudget")
    assert [v(r, "Amount") for r in co["RevenueBudget"]] == [22000]
    revenue = env.acu.list("ProjectBudget", "ProjectID eq 'P2001' and Type eq 'Income'")
    assert v(revenue[0], "RevisedBudgetedAmount") == 1822000


def test_prime_contract_number_rule(env: Env) -> None:
    project = new_project(env)
    contract = project.prime_contracts.create(title="Owner", number="2026-OWNER")
    contract.add_line("Base", 100)
    contract.update(status="Approved")
    with pytest.raises(Refused) as info:
        contract.send_to_erp()
    assert info.value.rule == "acumatica.prime_contract_number"


def test_exports_a_bill_on_hold_with_retainage_and_without_materials(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    invoice = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-05", status="approved")
    invoice.add_line(sc.lines[0], work_completed=40000, materials_stored=5000)
    outcome = env.approver.accept(invoice.send_to_erp(), description="March progress")
    assert outcome.ok and "materials presently stored" in " ".join(outcome.notes)
    bill = env.acu.get("Bill", "Bill", invoice.refresh().origin_id, expand="Details")
    assert (v(bill, "VendorRef"), v(bill, "Status"), v(bill, "Amount"), v(bill, "Description"),
            v(bill, "PostPeriod")) == ("G-1", "On Hold", 40000, "March progress", "032026")
    line = bill["Details"][0]
    assert (v(line, "POOrderNbr"), v(line, "POLine"), v(line, "CostCode")) == (sc.origin_id, 1, "03-300")
    custom = env.acu.client.get(
        f"{BASE}/Bill/Bill/{invoice.origin_id}",
        params={"$expand": "Details",
                "$custom": "Document.RetainageApply,Details/Transactions.CuryRetainageAmt"}).json()
    assert custom["custom"]["Document"]["RetainageApply"]["value"] is True
    assert custom["Details"][0]["custom"]["Transactions"]["CuryRetainageAmt"]["value"] == 4000
    # an invoice that would send nothing (it only releases materials retainage) is not sent at all
    release = sc.invoices.create(invoice_number="G-2", billing_date="2026-04-30", status="approved")
    release.add_line(sc.lines[0], materials_retainage_released=500)
    with pytest.raises(Refused) as info:
        release.send_to_erp()
    assert info.value.rule == "acumatica.invoices.materials_retainage_release_only"
    assert str(info.value).count("[rule:") == 1


# -- retainage release ------------------------------------------------------------------------------

RETAINAGE = ("CurrentDocument.CuryRetainageTotal,CurrentDocument.CuryRetainageUnreleasedAmt,"
             "Document.IsRetainageDocument,Document.OrigRefNbr")


def bill_of(env: Env, ref: str) -> dict[str, Any]:
    """A bill read back over the API with its retainage figures (custom fields)."""
    response = env.acu.client.get(f"{BASE}/Bill/Bill/{ref}", params={"$expand": "Details", "$custom": RETAINAGE})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def held(bill: dict[str, Any]) -> Decimal:
    return D(str(bill["custom"]["CurrentDocument"]["CuryRetainageUnreleasedAmt"]["value"]))


def retainage_documents(env: Env) -> list[dict[str, Any]]:
    response = env.acu.client.get(f"{BASE}/Bill", params={"$filter": "Type eq 'Bill'", "$expand": "Details",
                                                          "$custom": RETAINAGE})
    assert response.status_code == 200, response.text
    return [b for b in response.json() if (b["custom"]["Document"].get("IsRetainageDocument") or {}).get("value")]


def invoiced(env: Env, sc: Any, number: str, *lines: dict[str, Any], day: str = "2026-03-05") -> Any:
    invoice = sc.invoices.create(invoice_number=number, billing_date=day, status="approved")
    for i, values in enumerate(lines):
        if values:
            invoice.add_line(sc.lines[i], **values)
    return invoice


def pay(env: Env, ref: str, amount: float) -> None:
    check = env.acu.put("Check", {"Type": "Payment", "Vendor": "V500", "PaymentRef": f"CK-{ref}",
                                  "ApplicationDate": "2026-05-05", "Hold": False,
                                  "Details": [{"DocType": "Bill", "ReferenceNbr": ref, "AmountPaid": amount}]})
    env.acu.action("Check", "ReleaseCheck", {"Type": "Payment", "ReferenceNbr": v(check, "ReferenceNbr")})


def test_an_invoice_that_only_releases_retainage_raises_acumaticas_retainage_document(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    first = invoiced(env, sc, "G-1", {"work_completed": 40000}, {"work_completed": 10000})
    assert env.approver.accept(first.send_to_erp()).ok
    bill = first.refresh().origin_id
    release = invoiced(env, sc, "G-2", {"work_retainage_released": 4000}, {"work_retainage_released": 1000},
                       day="2026-04-30")
    assert release.refresh().total_retainage == 0

    # Acumatica releases retainage from released bills only: the bill is still on hold, so nothing is written.
    outcome = env.approver.accept(release.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert f"release bill {bill} (G-1, On Hold) in Acumatica first" in outcome.message
    assert retainage_documents(env) == [] and held(bill_of(env, bill)) == 5000

    release_bill(env, bill)
    pay(env, bill, 45000)
    outcome = env.approver.accept(release.resend_to_erp(), accounting_date="2026-05-02")
    assert outcome.ok, outcome.message
    assert "released 5,000.00 of retainage" in " ".join(outcome.notes)
    (document,) = retainage_documents(env)
    ref = v(document, "ReferenceNbr")
    assert release.refresh().origin_id == ref
    assert release.origin_data["RetainageDocuments"] == [ref]
    assert (v(document, "Amount"), v(document, "VendorRef"), v(document, "Status"), v(document, "PostPeriod"),
            document["custom"]["Document"]["OrigRefNbr"]["value"]) == (5000, "G-2", "Balanced", "052026", bill)
    assert sorted((v(r, "CostCode"), v(r, "Amount")) for r in document["Details"]) == [
        ("03-300", 4000), ("09-200", 1000)]
    assert held(bill_of(env, bill)) == 0
    assert {ln.origin_id for ln in release.lines} == {f"Bill:{ref}:1", f"Bill:{ref}:2"}

    # The released retainage is paid like any bill, and the payment comes back to the releasing invoice.
    release_bill(env, ref)
    pay(env, ref, 5000)
    payments = {p.data["invoice_number"]: p.amount for p in env.company.imports.payments().created}
    assert payments == {"G-1": D("45000.00"), "G-2": D("5000.00")}
    assert [D(x.data["amount"]) for x in sc.payments.where(invoice=release.id)] == [D("5000.00")]


def test_an_invoice_with_work_and_a_release_takes_it_from_the_oldest_bills(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    bills = []
    for number, work in (("G-1", 40000), ("G-2", 20000)):
        invoice = invoiced(env, sc, number, {"work_completed": work})
        assert env.approver.accept(invoice.send_to_erp()).ok
        bills.append(invoice.refresh().origin_id)
        release_bill(env, bills[-1])
    third = invoiced(env, sc, "G-3", {"work_completed": 10000, "work_retainage_released": 5000}, day="2026-04-30")
    assert third.refresh().total_retainage == D("2000.00")
    outcome = env.approver.accept(third.send_to_erp())
    assert outcome.ok, outcome.message
    own = bill_of(env, third.refresh().origin_id)
    assert (v(own, "VendorRef"), v(own, "Amount"), held(own)) == ("G-3", 10000, 1000)
    # G-1's 4,000 entirely, then 1,000 of G-2's 2,000
    assert [held(bill_of(env, ref)) for ref in bills] == [0, 1000]
    documents = retainage_documents(env)
    assert [(d["custom"]["Document"]["OrigRefNbr"]["value"], v(d, "Amount"), v(d, "VendorRef"))
            for d in documents] == [(bills[0], 4000, "G-1"), (bills[1], 1000, "G-2")]
    assert third.origin_data["RetainageDocuments"] == [v(d, "ReferenceNbr") for d in documents]
    # Acumatica now holds what Procore does
    assert held(own) + sum(held(bill_of(env, ref)) for ref in bills) == third.total_retainage


def release_retainage_call(request: Any) -> bool:
    return request.method == "POST" and request.url.path == f"{BASE}/Bill/ReleaseRetainage"


def test_a_lost_release_response_never_releases_twice(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    first = invoiced(env, sc, "G-1", {"work_completed": 40000})
    assert env.approver.accept(first.send_to_erp()).ok
    bill = first.refresh().origin_id
    release_bill(env, bill)
    env.wire.add(release_retainage_call, "lost")
    release = invoiced(env, sc, "G-2", {"work_retainage_released": 1500}, day="2026-04-30")
    outcome = env.approver.accept(release.send_to_erp())
    assert outcome.ok, outcome.message
    assert sum(1 for r in env.wire.log if release_retainage_call(r)) == 1
    (document,) = retainage_documents(env)
    assert (release.refresh().origin_id, v(document, "Amount"), held(bill_of(env, bill))) == (
        v(document, "ReferenceNbr"), 1500, 2500)


def test_a_release_left_by_an_export_that_gave_up_is_adopted_on_resend(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    first = invoiced(env, sc, "G-1", {"work_completed": 40000})
    assert env.approver.accept(first.send_to_erp()).ok
    bill = first.refresh().origin_id
    release_bill(env, bill)
    # The release lands, then every answer is lost until the export gives up (a read is tried read_policy times).
    env.wire.add(release_retainage_call, "lost")
    env.wire.add(lambda r: r.method == "GET" and r.url.path == f"{BASE}/Bill" and any(
        release_retainage_call(x) for x in env.wire.log), "5xx", times=Connector.read_policy.attempts)
    release = invoiced(env, sc, "G-2", {"work_retainage_released": 1000}, day="2026-04-30")
    outcome = env.approver.accept(release.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert held(bill_of(env, bill)) == 3000
    outcome = env.approver.accept(release.resend_to_erp())
    assert outcome.ok, outcome.message
    assert "not released again" in " ".join(outcome.notes)
    assert sum(1 for r in env.wire.log if release_retainage_call(r)) == 1
    (document,) = retainage_documents(env)
    assert (release.refresh().origin_id, v(document, "VendorRef"), v(document, "Amount")) == (
        v(document, "ReferenceNbr"), "G-2", 1000)
    assert held(bill_of(env, bill)) == 3000


def test_retainage_released_by_hand_is_not_released_again(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    first = invoiced(env, sc, "G-1", {"work_completed": 40000})
    assert env.approver.accept(first.send_to_erp()).ok
    bill = first.refresh().origin_id
    release_bill(env, bill)
    env.acu.client.post(f"{BASE}/Bill/ReleaseRetainage", json={"entity": w({"Type": "Bill", "ReferenceNbr": bill}),
                                                               "parameters": w({"AmtToRelease": 1500})})
    assert held(bill_of(env, bill)) == 2500
    release = invoiced(env, sc, "G-2", {"work_retainage_released": 4000}, day="2026-04-30")
    outcome = env.approver.accept(release.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "Acumatica holds 2,500.00 of retainage" in outcome.message and "by hand" in outcome.message
    assert held(bill_of(env, bill)) == 2500 and len(retainage_documents(env)) == 1


def test_retainage_acumatica_holds_beyond_procores_is_not_released(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    first = invoiced(env, sc, "G-1", {"work_completed": 40000})
    assert env.approver.accept(first.send_to_erp()).ok
    release_bill(env, first.refresh().origin_id)
    # The bookkeeper bills the subcontract in Acumatica itself; its line takes the subcontract's 10%.
    hand = env.acu.put("Bill", {"Type": "Bill", "Vendor": "V500", "VendorRef": "HAND-1", "Date": "2026-03-20",
                                "Hold": False, "Details": [{"POOrderType": "Subcontract", "POOrderNbr": sc.origin_id,
                                                            "POLine": 1, "Amount": 5000}]})
    env.acu.action("Bill", "ReleaseBill", {"Type": "Bill", "ReferenceNbr": v(hand, "ReferenceNbr")})
    release = invoiced(env, sc, "G-2", {"work_retainage_released": 4000}, day="2026-04-30")
    outcome = env.approver.accept(release.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "Acumatica holds 4,500.00 of retainage" in outcome.message
    assert "would leave more there than Procore's 0.00" in outcome.message
    assert retainage_documents(env) == []


def test_invoices_released_out_of_order_agree_with_acumatica(env: Env) -> None:
    project = new_project(env)
    sc = subcontract(env, project, linked_vendor(env))
    first = invoiced(env, sc, "G-1", {"work_completed": 40000})
    assert env.approver.accept(first.send_to_erp()).ok
    bill = first.refresh().origin_id
    release_bill(env, bill)
    early = invoiced(env, sc, "G-2", {"work_retainage_released": 1000}, day="2026-04-01")
    late = invoiced(env, sc, "G-3", {"work_retainage_released": 3000}, day="2026-04-30")
    assert env.approver.accept(late.send_to_erp()).ok
    assert held(bill_of(env, bill)) == 1000
    assert env.approver.accept(early.send_to_erp()).ok
    assert held(bill_of(env, bill)) == 0
    assert sorted(v(d, "Amount") for d in retainage_documents(env)) == [1000, 3000]


def test_imports_job_costs_direct_costs_and_payments(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = subcontract(env, project, vendor)
    invoice = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-05", status="approved")
    invoice.add_line(sc.lines[0], work_completed=10000)
    assert env.approver.accept(invoice.send_to_erp()).ok
    release_bill(env, invoice.refresh().origin_id)
    check = env.acu.put("Check", {"Type": "Payment", "Vendor": "V500", "PaymentRef": "10442",
                                  "ApplicationDate": "2026-03-09", "Hold": False,
                                  "Details": [{"DocType": "Bill", "ReferenceNbr": invoice.origin_id,
                                               "AmountPaid": 9000}]})
    env.acu.action("Check", "ReleaseCheck", {"Type": "Payment", "ReferenceNbr": v(check, "ReferenceNbr")})

    costs = {(c.data["cost_code"], c.data["cost_type"]): c for c in env.company.imports.job_costs(project).created}
    concrete = costs[("03-300", "SUBCONTRACT")]
    assert (concrete.jtd_cost, concrete.mtd_cost, concrete.commitment_invoiced) == (
        D("10000.00"), D("10000.00"), D("10000.00"))
    direct = env.company.imports.direct_costs(project).created
    assert [(c.data["direct_cost_type"], c.grand_total, c.data["invoice_number"]) for c in direct] == [
        ("invoice", D("10000.00"), invoice.origin_id)]
    payments = env.company.imports.payments()
    payment = payments.created[0]
    assert (payment.amount, payment.data["check_number"], payment.date, payment.data["invoice_number"]) == (
        D("9000.00"), "10442", dt.date(2026, 3, 9), "G-1")


# -- the workflow's refusals --------------------------------------------------------------------


def test_cost_codes_must_use_the_dash_delimiter(env: Env) -> None:
    project = env.company.projects.create(name="Annex")
    project.cost_codes.add("03-300", ["MATERIAL"])
    env.company.records.update("pm.project_cost_code", project.cost_codes.all()[0].id,
                               dict(project.cost_codes.all()[0].data, code="03.300"))
    calls = len(env.wire.log)
    with pytest.raises(Refused) as info:
        project.send_to_erp()
    assert info.value.rule == "acumatica.cost_code_delimiter"
    assert "accepts cost code delimiter(s) '-' only" in str(info.value)
    with pytest.raises(Refused) as info:
        env.company.cost_codes.create(code="10-100", description="Specialties")
    assert info.value.rule == "acumatica.standard_cost_codes.import_only"
    assert len(env.wire.log) == calls


def test_unlink_a_vendor_only_after_it_is_gone(env: Env) -> None:
    vendor = linked_vendor(env)
    with pytest.raises(StillInErp, match="still in Acumatica"):
        env.approver.unlink(vendor)
    env.acu.delete("Vendor", "V500")
    env.approver.unlink(vendor)
    assert vendor.refresh().erp_status is ErpStatus.NOT_IN_ERP


def test_a_budget_entered_in_acumatica_is_not_overwritten(env: Env) -> None:
    env.company.imports.jobs(["1003"])
    project = env.company.projects.by_erp_job_id("1003")
    env.acu.put("ProjectBudget", {"ProjectID": "1003", "ProjectTaskID": "0000", "AccountGroup": "LABOR",
                                  "CostCode": "01-100", "OriginalBudgetedAmount": 900})
    project.budget.add_line("01-100", "LABOR", 1000)
    project.budget.lock()
    outcome = env.approver.accept(project.budget.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "already has a cost budget entered in Acumatica" in outcome.message


# -- exactly once --------------------------------------------------------------------------------


def put_to(entity: str) -> Any:
    return lambda r: r.method == "PUT" and r.url.path == f"{BASE}/{entity}"


def test_lost_responses_never_duplicate(env: Env) -> None:
    env.wire.add(put_to("Project"), "lost")
    project = new_project(env)
    assert len(env.acu.list("Project", "ProjectID eq 'P2001'")) == 1
    vendor = linked_vendor(env)
    env.wire.add(put_to("Subcontract"), "lost")
    sc = subcontract(env, project, vendor)
    assert len(env.acu.list("Subcontract", "VendorRef eq 'P2001-SC-001'")) == 1
    assert v(env.acu.get("Subcontract", sc.origin_id), "Status") == "Open"
    env.wire.add(put_to("ChangeOrder"), "lost")
    cco = sc.change_orders.create(title="Extra", status="Approved")
    cco.add_line(700, line=sc.lines[1])
    assert env.approver.accept(cco.send_to_erp()).ok
    assert len(env.acu.list("ChangeOrder", f"ExternalRefNbr eq 'PROCORE-CCO-{sc.origin_id}-001'")) == 1
    env.wire.add(put_to("Bill"), "lost")
    invoice = sc.invoices.create(invoice_number="G-5", billing_date="2026-03-31", status="approved")
    invoice.add_line(sc.lines[0], work_completed=100)
    assert env.approver.accept(invoice.send_to_erp()).ok
    assert len(env.acu.list("Bill", "VendorRef eq 'G-5'")) == 1


def test_insert_only_put_answers_412_when_the_record_exists(env: Env) -> None:
    new_project(env)
    connector = env.company.require_connector()
    assert isinstance(connector, AcumaticaConnector)
    with pytest.raises(TransientError) as info:
        connector._put("Project", {"ProjectID": "P2001", "Description": "again"}, insert_only=True)
    assert info.value.reason == TransientError.LOST_RESPONSE and "412" in info.value.message
    assert v(env.acu.get("Project", "P2001"), "Description") == "Riverside Library"


def test_idle_session_signs_in_again_and_throttling_backs_off(env: Env) -> None:
    linked_vendor(env)
    env.clock.advance(11 * 60)  # sessions close after 10 idle minutes
    env.wire.add(put_to("Vendor"), "429")
    vendor = env.company.directory.create(name="Second Vendor LLC")
    assert env.approver.accept(vendor.send_to_erp(), erp_vendor_id="V501").ok
    logins = [r for r in env.wire.log if r.url.path.endswith("/auth/login")]
    assert len(logins) == 2


def test_exports_a_po_change_order(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    po = project.commitments.create_purchase_order(title="Ready mix", vendor=vendor, accounting_method="unit")
    line = po.add_line("03-300", "MATERIAL", quantity=40, unit_cost=150, uom="CY")
    po.update(status="Approved")
    assert env.approver.accept(po.send_to_erp()).ok
    cco = po.change_orders.create(title="More concrete", status="Approved")
    cco.add_line(quantity=4, unit_cost=150, line=line)
    assert env.approver.accept(cco.send_to_erp()).ok
    co = env.acu.get("ChangeOrder", cco.refresh().origin_id, expand="Commitments")
    row = co["Commitments"][0]
    assert (v(row, "POType"), v(row, "PONbr"), v(row, "POLineNbr"), v(row, "Amount")) == (
        "Normal", po.refresh().origin_id, 1, 600)
    record = env.acu.get("PurchaseOrder", "Normal", po.origin_id, expand="Details")
    assert (v(record, "OrderTotal"), v(record["Details"][0], "OrderQty")) == (6600, 44)
    budget = env.acu.list("ProjectBudget", "ProjectID eq 'P2001' and Type eq 'Expense'")
    assert [(v(r, "CommittedCOAmount"), v(r, "RevisedCommittedAmount")) for r in budget] == [(600, 6600)]

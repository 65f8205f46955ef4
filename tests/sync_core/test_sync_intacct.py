"""The Intacct connector against the in-process XML gateway: every arrow of seeds 000/001, and exactly-once."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from lxml import etree
from starlette.testclient import TestClient

from erp_harness import FaultyTransport, body_has, faulty_client
from simulator.app import create_app
from simulator.clock import Clock
from simulator.intacct import service as intacct_service
from simulator.store import Store
from sync_core import Company, ErpStatus, PreconditionFailed, Procore, Refused, RetryPolicy, StillInErp
from sync_core.connectors.base import Connector
from sync_core.connectors.intacct import IntacctConnector
from sync_core.objects import Project, User

D = Decimal
URL = "/ia/xml/xmlgw.phtml"


class Gateway:
    """Reads and writes Intacct records over the wire, independently of the connector."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def result(self, function: str, *, ok: bool = True) -> etree._Element:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><request><control><senderid>erpsim</senderid>'
            "<password>erpsim</password><controlid>t</controlid><uniqueid>false</uniqueid>"
            "<dtdversion>3.0</dtdversion></control><operation><authentication><login><userid>admin</userid>"
            "<companyid>DEMO</companyid><password>admin</password></login></authentication><content>"
            f'<function controlid="{uuid.uuid4()}">{function}</function></content></operation></request>')
        response = self.client.post(URL, content=body.encode())
        root = etree.fromstring(response.content)
        result = root.find("operation/result")
        assert result is not None, response.text
        if ok:
            assert result.findtext("status") == "success", etree.tostring(result).decode()
        return result

    def get(self, obj: str, key: str) -> dict | None:
        data = self.result(f"<readByName><object>{obj}</object><keys>{key}</keys><fields>*</fields></readByName>")
        rows = list(data.find("data"))
        return None if not rows else flat(rows[0])

    def read(self, obj: str, recordno: str) -> dict | None:
        data = self.result(f"<read><object>{obj}</object><keys>{recordno}</keys><fields>*</fields></read>")
        rows = list(data.find("data"))
        return None if not rows else flat(rows[0])

    def query(self, obj: str, fields: list[str], **equal: str) -> list[dict]:
        select = "".join(f"<field>{f}</field>" for f in fields)
        conds = "".join(f"<equalto><field>{k}</field><value>{v}</value></equalto>" for k, v in equal.items())
        flt = "" if not equal else (f"<filter>{conds}</filter>" if len(equal) == 1 else
                                    f"<filter><and>{conds}</and></filter>")
        data = self.result(f"<query><object>{obj}</object><select>{select}</select>{flt}"
                           "<pagesize>2000</pagesize></query>")
        return [{c.tag: c.text or "" for c in row} for row in data.find("data")]

    def create(self, xml: str) -> str:
        return self.result(f"<create>{xml}</create>").findtext("data/*/RECORDNO") or ""

    def delete(self, obj: str, recordno: str) -> None:
        self.result(f"<delete><object>{obj}</object><keys>{recordno}</keys></delete>")


def flat(el: etree._Element) -> dict:
    out: dict = {}
    for child in el:
        if len(child) and all(len(g) for g in child):
            out[child.tag] = [flat(g) for g in child]
        elif len(child):
            out.update({f"{child.tag}.{k}": v for k, v in flat(child).items()})
        else:
            out[child.tag] = child.text or ""
    return out


@dataclass
class Env:
    clock: Clock
    erp: Gateway
    wire: FaultyTransport
    company: Company
    connector: IntacctConnector
    approver: User


@pytest.fixture
def env() -> Iterator[Env]:
    # Mid-March 2026, so "month to date" is March.
    clock = Clock(offset=dt.datetime(2026, 3, 10, 15, tzinfo=dt.timezone.utc).timestamp() - time.time())
    store = Store(":memory:")
    app = create_app(store, services=[intacct_service], clock=clock)
    with TestClient(app) as test_client:
        client, wire = faulty_client(test_client)
        pm = Procore(Store(":memory:"), clock=clock, sleep=clock.advance, policy=RetryPolicy(attempts=4))
        company = pm.create_company("Demo Construction", company_id="demo")
        connector = IntacctConnector(client, sender_id="erpsim", sender_password="erpsim", company_id="DEMO",
                                     user_id="admin", user_password="admin")
        company.connect(connector)
        approver = company.users.create(name="Ann", erp_integrations="admin", can_push_to_accounting=True)
        company.imports.cost_types()
        company.imports.cost_codes()
        yield Env(clock, Gateway(test_client), wire, company, connector, approver)
        assert all(f.times == 0 for f in wire.faults), "a scripted fault never fired"
        client.close()
    store.close()


def new_project(env: Env, job_id: str = "2001", codes: tuple[str, ...] = ("03-300", "09-200")) -> Project:
    project = env.company.projects.create(name="Riverside Library", project_number=job_id,
                                          start_date="2026-04-01", completion_date="2027-06-30")
    for code in codes:
        project.cost_codes.add(code, ["Labor", "Material", "Subcontract"])
    project.send_to_erp()
    outcome = env.approver.accept(project, erp_job_id=job_id)
    assert outcome.ok, outcome
    return project.refresh()


def linked_vendor(env: Env, vendor_id: str = "V500", name: str = "Granite Subs Inc") -> object:
    vendor = env.company.directory.create(name=name, address="1 Main St", city="Fargo", state="ND", zip="58102",
                                          business_phone="701-555-0100", email_address="ap@granite.example")
    vendor.send_to_erp()
    assert env.approver.accept(vendor, erp_vendor_id=vendor_id).ok
    return vendor.refresh()


# -- imports --------------------------------------------------------------------------------


def test_imports_standard_cost_codes_and_types(env: Env) -> None:
    codes = {c.data["code"]: c for c in env.company.cost_codes.all()}
    assert len(codes) == 32 and codes["03-300"].data["description"] == "Cast-in-Place Concrete"
    assert codes["01-100"].data["cost_types"] == ["Labor", "Other"]
    assert {t.data["code"] for t in env.company.cost_types.all()} == {"Labor", "Material", "Subcontract",
                                                                     "Equipment", "Other"}


def test_imports_jobs_vendors_and_sub_jobs(env: Env) -> None:
    report = env.company.imports.jobs()
    assert sorted(p.data["project_number"] for p in report.created) == ["1001", "1002", "1003"]
    project = env.company.projects.by_erp_job_id("1001")
    assert project.data["name"] == "Kristinberg Medical Office"
    assert project.start_date == dt.date(2026, 1, 5)
    code = project.cost_codes.by_code("01-500")
    assert code.cost_type_codes == ["Labor", "Other"]
    vendors = env.company.imports.vendors()
    assert len(vendors.created) == 24
    flores = env.company.directory.by_erp_vendor_id("V100")
    assert (flores.data["name"], flores.data["city"], flores.data["business_phone"]) == (
        "Flores PLC", "Angelstad", "309-114-1707")
    # a sub job made in Intacct as a child project, with a task
    env.erp.create("<PROJECT><PROJECTID>1001-A</PROJECTID><NAME>Phase A</NAME><PROJECTCATEGORY>Contract"
                   "</PROJECTCATEGORY><PARENTID>1001</PARENTID></PROJECT>")
    env.erp.create("<TASK><TASKID>03-300</TASKID><NAME>Concrete</NAME><PROJECTID>1001-A</PROJECTID>"
                   "<TASKSTATUS>In Progress</TASKSTATUS></TASK>")
    env.erp.create("<COSTTYPE><STANDARDCOSTTYPEID>Material</STANDARDCOSTTYPEID><PROJECTID>1001-A</PROJECTID>"
                   "<TASKID>03-300</TASKID></COSTTYPE>")
    sub = env.company.imports.sub_jobs(project).created[0]
    assert (sub.code, sub.data["name"]) == ("A", "Phase A")
    assert project.cost_codes.by_code("03-300", sub_job=sub).cost_type_codes == ["Material"]
    assert env.company.imports.jobs().skipped == []  # the child project is not a job of its own


def test_imports_an_estimate_as_the_budget(env: Env) -> None:
    env.company.imports.jobs(["1002"])
    project = env.company.projects.by_erp_job_id("1002")
    env.erp.create("<PJESTIMATE><PJESTIMATEID>EST-1002</PJESTIMATEID><PROJECTID>1002</PROJECTID><ENTRIES>"
                   "<PJESTIMATEENTRY><TASKID>05-100</TASKID><COSTTYPEID>Subcontract</COSTTYPEID><AMOUNT>84000"
                   "</AMOUNT><WFTYPE>original</WFTYPE></PJESTIMATEENTRY>"
                   "<PJESTIMATEENTRY><TASKID>01-100</TASKID><COSTTYPEID>Labor</COSTTYPEID><AMOUNT>12000.50"
                   "</AMOUNT><WFTYPE>original</WFTYPE></PJESTIMATEENTRY></ENTRIES></PJESTIMATE>")
    report = env.company.imports.budget(project)
    budget = project.budget
    assert {(ln.data["cost_code"], ln.data["cost_type"]): ln.amount for ln in budget.lines} == {
        ("05-100", "Subcontract"): D("84000.00"), ("01-100", "Labor"): D("12000.50")}
    assert budget.synced and budget.locked and budget.origin_id == "EST-1002"
    assert not report.skipped


# -- exports -------------------------------------------------------------------------------


def test_exports_a_project_with_tasks_and_cost_types(env: Env) -> None:
    project = new_project(env)
    job = env.erp.get("PROJECT", "2001")
    assert (job["NAME"], job["BEGINDATE"], job["ENDDATE"], job["PROJECTCATEGORY"]) == (
        "Riverside Library", "04/01/2026", "06/30/2027", "Contract")
    tasks = env.erp.query("TASK", ["TASKID", "NAME", "STANDARDTASKID"], PROJECTID="2001")
    assert sorted((t["TASKID"], t["NAME"]) for t in tasks) == [("03-300", "Cast-in-Place Concrete"),
                                                               ("09-200", "Gypsum Board")]
    types = env.erp.query("COSTTYPE", ["TASKID", "COSTTYPEID"], PROJECTID="2001")
    assert len(types) == 6
    assert project.origin_data["RECORDNO"] == job["RECORDNO"]


def test_exports_a_sub_job(env: Env) -> None:
    project = new_project(env)
    sub = project.sub_jobs.create(code="E", name="East Wing")
    project.cost_codes.add("03-300", ["Material"], sub_job=sub)
    sub.send_to_erp()
    assert env.approver.accept(sub).ok
    child = env.erp.get("PROJECT", "2001-E")
    assert (child["PARENTID"], child["NAME"]) == ("2001", "East Wing")
    assert env.erp.query("COSTTYPE", ["COSTTYPEID"], PROJECTID="2001-E", TASKID="03-300") == [
        {"COSTTYPEID": "Material"}]


def test_exports_a_vendor(env: Env) -> None:
    linked_vendor(env)
    row = env.erp.get("VENDOR", "V500")
    assert row["NAME"] == "Granite Subs Inc"
    assert row["DISPLAYCONTACT.MAILADDRESS.CITY"] == "Fargo"
    assert row["DISPLAYCONTACT.PHONE1"] == "701-555-0100"
    assert row["DISPLAYCONTACT.EMAIL1"] == "ap@granite.example"


def test_exports_a_budget_without_zero_lines_then_a_modification(env: Env) -> None:
    project = new_project(env)
    budget = project.budget
    budget.add_line("03-300", "Subcontract", 250000)
    budget.add_line("03-300", "Material", 0)
    budget.add_line("09-200", "Labor", 40000)
    budget.lock()
    outcome = env.approver.accept(budget.send_to_erp())
    assert outcome.ok and "left 1 $0 line(s)" in " ".join(outcome.notes)
    estimate = env.erp.get("PJESTIMATE", "EST-2001")
    entries = sorted((e["TASKID"], e["COSTTYPEID"], e["AMOUNT"], e["WFTYPE"]) for e in estimate["ENTRIES"])
    assert entries == [("03-300", "Subcontract", "250000.00", "original"), ("09-200", "Labor", "40000.00",
                                                                             "original")]
    mod = project.budget_modifications.create(from_cost_code="03-300", from_cost_type="Subcontract",
                                              to_cost_code="03-300", to_cost_type="Material", amount=1500)
    assert env.approver.accept(mod.send_to_erp()).ok  # into the $0 line left out of the export
    estimate = env.erp.get("PJESTIMATE", "EST-2001")
    revisions = sorted((e["TASKID"], e["COSTTYPEID"], e["AMOUNT"]) for e in estimate["ENTRIES"]
                       if e["WFTYPE"] == "revision")
    assert revisions == [("03-300", "Material", "1500.00"), ("03-300", "Subcontract", "-1500.00")]
    # a line added after the export goes out as an update of the same estimate
    budget.add_line("09-200", "Material", 900)
    assert env.approver.accept(budget.send_to_erp()).ok
    estimate = env.erp.get("PJESTIMATE", "EST-2001")
    assert ("09-200", "Material", "900.00") in [(e["TASKID"], e["COSTTYPEID"], e["AMOUNT"])
                                                for e in estimate["ENTRIES"]]
    assert len(env.erp.query("PJESTIMATE", ["PJESTIMATEID"], PROJECTID="2001")) == 1


def test_an_all_zero_budget_is_refused_before_any_call(env: Env) -> None:
    project = new_project(env)
    project.budget.add_line("03-300", "Labor", 0)
    project.budget.lock()
    sent = len(env.wire.log)
    with pytest.raises(Refused) as info:
        project.budget.send_to_erp()
    assert info.value.rule == "intacct.budgets.zero_lines_left_out"
    assert len(env.wire.log) == sent


def _subcontract(env: Env, project: Project, vendor: object, *, kind: str = "subcontract") -> object:
    create = project.commitments.create_subcontract if kind == "subcontract" else \
        project.commitments.create_purchase_order
    commitment = create(title="Structural concrete", vendor=vendor, default_retainage=10,
                        accounting_method="amount" if kind == "subcontract" else "unit")
    if kind == "subcontract":
        commitment.add_line("03-300", "Subcontract", 120000, description="Foundations")
        commitment.add_line("09-200", "Subcontract", 30000, description="Drywall")
    else:
        commitment.add_line("03-300", "Material", quantity=40, unit_cost="150.25", uom="CY",
                            description="Ready mix")
    commitment.update(status="Approved")
    outcome = env.approver.accept(commitment.send_to_erp())
    assert outcome.ok, outcome
    return commitment.refresh()


def test_exports_a_subcontract_and_its_change_order(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = _subcontract(env, project, vendor)
    doc = env.erp.get("PODOCUMENT", sc.origin_id)
    assert sc.origin_id == "Subcontract-2001-SC-001"
    assert (doc["VENDORID"], doc["MESSAGE"], doc["PONUMBER"], doc["TOTAL"]) == (
        "V500", "Structural concrete", "SC-001", "150000.00")
    lines = sorted(doc["PODOCUMENTENTRIES"], key=lambda e: e["LINE_NO"])
    assert [(e["TASKID"], e["COSTTYPEID"], e["TRX_VALUE"], e["RETAINAGEPERCENTAGE"]) for e in lines] == [
        ("03-300", "Subcontract", "120000.00", "10"), ("09-200", "Subcontract", "30000.00", "10")]
    assert sc.lines[0].origin_id == lines[0]["RECORDNO"]
    cco = sc.change_orders.create(title="Thicker slab", status="Approved")
    cco.add_line(8000, line=sc.lines[0])
    cco.add_line(2500, cost_code="09-200", cost_type="Material", description="Shaft wall")
    outcome = env.approver.accept(cco.send_to_erp())
    assert outcome.ok, outcome
    change = env.erp.get("PODOCUMENT", cco.refresh().origin_id)
    assert (change["DOCPARID"], change["PONUMBER"], change["MESSAGE"]) == ("Subcontract Change Order", "001",
                                                                           "Thicker slab")
    source = env.erp.get("PODOCUMENT", sc.origin_id)
    assert (source["CHANGEORDERTOTAL"], source["REVISEDTOTAL"]) == ("10500.00", "160500.00")
    assert len(source["PODOCUMENTENTRIES"]) == 3  # the new line was added to the subcontract


def test_exports_a_unit_based_purchase_order_and_a_po_change_order(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    po = _subcontract(env, project, vendor, kind="purchase_order")
    doc = env.erp.get("PODOCUMENT", po.origin_id)
    entry = doc["PODOCUMENTENTRIES"][0]
    assert (doc["DOCPARID"], entry["QUANTITY"], entry["UNIT"], entry["PRICE"], entry["TRX_VALUE"]) == (
        "Purchase Order", "40", "CY", "150.25", "6010.00")
    cco = po.change_orders.create(title="More concrete", status="Approved")
    cco.add_line(quantity=4, unit_cost="150.25", line=po.lines[0])
    assert env.approver.accept(cco.send_to_erp()).ok
    assert env.erp.get("PODOCUMENT", po.origin_id)["REVISEDTOTAL"] == "6611.00"


def test_exports_a_prime_contract_and_a_pcco(env: Env) -> None:
    project = new_project(env)
    contract = project.prime_contracts.create(title="Owner agreement", customer_id="C100", retainage_percent=5)
    contract.add_line("Base bid", 1_800_000, cost_code="03-300", cost_type="Subcontract")
    contract.update(status="Approved")
    assert env.approver.accept(contract.send_to_erp()).ok
    row = env.erp.get("PROJECTCONTRACT", "2001-1")
    assert (row["NAME"], row["CUSTOMERID"], row["RETAINAGEPERCENTAGE"]) == ("Owner agreement", "C100", "5")
    lines = env.erp.query("PROJECTCONTRACTLINE", ["PROJECTCONTRACTLINEID", "NAME", "PRICE"],
                          PROJECTCONTRACTID="2001-1")
    assert lines == [{"PROJECTCONTRACTLINEID": "1", "NAME": "1 Base bid", "PRICE": "1800000.00"}]
    pcco = contract.change_orders.create(title="Canopy", status="Approved")
    pcco.add_line("03-300", "Material", 20000, markup_amount=2000, description="Canopy steel")
    outcome = env.approver.accept(pcco.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT  # Intacct posts change requests to the primary estimate
    assert "Project '2001' has no primary estimate to post the change request to." in outcome.message
    project.budget.add_line("03-300", "Material", 5000)
    project.budget.lock()
    assert env.approver.accept(project.budget.send_to_erp()).ok
    assert env.approver.accept(pcco.resend_to_erp()).ok
    request = env.erp.get("CHANGEREQUEST", "CR2001-001")
    assert (request["PROJECTCHANGEORDERID"], request["TOTALCOST"], request["TOTALPRICE"]) == (
        "2001-001", "20000.00", "22000.00")
    assert env.erp.get("PROJECTCHANGEORDER", "2001-001")["PROJECTID"] == "2001"
    estimate = env.erp.get("PJESTIMATE", "EST-2001")
    assert ("Material", "20000.00", "approved change") in [(e["COSTTYPEID"], e["AMOUNT"], e["WFTYPE"])
                                                           for e in estimate["ENTRIES"]]


def test_exports_invoices_with_retainage_held_then_released(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = _subcontract(env, project, vendor)
    first = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-31", status="approved")
    first.add_line(sc.lines[0], work_completed=40000, materials_stored=5000)
    first.send_to_erp()
    outcome = env.approver.accept(first, description="March progress")
    assert outcome.ok, outcome
    bill = env.erp.read("APBILL", first.refresh().origin_id)
    assert (bill["RECORDID"], bill["VENDORID"], bill["DESCRIPTION"], bill["WHENPOSTED"]) == (
        "G-1", "V500", "March progress", "03/31/2026")
    assert (bill["TOTALENTERED"], bill["TOTALRETAINED"], bill["TOTALDUE"]) == ("45000.00", "4500.00", "40500.00")
    assert {(i["TASKID"], i["TRX_AMOUNT"], i["TRX_AMOUNTRETAINED"]) for i in bill["APBILLITEMS"]} == {
        ("03-300", "40000.00", "4000.00"), ("03-300", "5000.00", "500.00")}
    second = sc.invoices.create(invoice_number="G-2", billing_date="2026-04-30", status="approved")
    second.add_line(sc.lines[0], work_completed=80000, work_retainage="0", work_retainage_released=4500)
    second.send_to_erp()
    outcome = env.approver.accept(second, accounting_date="2026-05-02")
    assert outcome.ok, outcome
    first_bill = env.erp.read("APBILL", first.origin_id)
    assert first_bill["TOTALRELEASED"] == "4500.00" and first_bill["TOTALDUE"] == "45000.00"
    assert env.erp.read("APBILL", second.refresh().origin_id)["WHENPOSTED"] == "05/02/2026"


def test_imports_payments_job_costs_and_direct_costs(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = _subcontract(env, project, vendor)
    invoice = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-05", status="approved")
    invoice.add_line(sc.lines[0], work_completed=10000)
    env.approver.accept(invoice.send_to_erp())
    bill_no = invoice.refresh().origin_id
    line_no = env.erp.read("APBILL", bill_no)["APBILLITEMS"][0]["RECORDNO"]
    env.erp.create(f"<APPYMT><FINANCIALENTITY>BOA</FINANCIALENTITY><PAYMENTMETHOD>Printed Check</PAYMENTMETHOD>"
                   f"<VENDORID>V500</VENDORID><DOCNUMBER>10442</DOCNUMBER><PAYMENTDATE>03/09/2026</PAYMENTDATE>"
                   f"<APPYMTDETAILS><APPYMTDETAIL><RECORDKEY>{bill_no}</RECORDKEY><ENTRYKEY>{line_no}</ENTRYKEY>"
                   f"<TRX_PAYMENTAMOUNT>9000</TRX_PAYMENTAMOUNT></APPYMTDETAIL></APPYMTDETAILS></APPYMT>")
    # a non-commitment bill and a payroll journal entry posted to the job in Intacct
    env.erp.create("<APBILL><VENDORID>V100</VENDORID><RECORDID>R-77</RECORDID><WHENCREATED>03/02/2026"
                   "</WHENCREATED><WHENDUE>04/01/2026</WHENDUE><DESCRIPTION>Rental</DESCRIPTION><APBILLITEMS>"
                   "<APBILLITEM><ACCOUNTNO>5300</ACCOUNTNO><TRX_AMOUNT>750</TRX_AMOUNT><PROJECTID>2001</PROJECTID>"
                   "<TASKID>09-200</TASKID><COSTTYPEID>Labor</COSTTYPEID></APBILLITEM></APBILLITEMS></APBILL>")
    env.erp.create("<GLJOURNAL><SYMBOL>PRJ</SYMBOL><TITLE>Payroll Journal</TITLE></GLJOURNAL>")
    env.erp.create("<GLBATCH><JOURNAL>PRJ</JOURNAL><BATCH_DATE>02/27/2026</BATCH_DATE><BATCH_TITLE>Payroll wk 9"
                   "</BATCH_TITLE><ENTRIES><GLENTRY><ACCOUNTNO>5000</ACCOUNTNO><TR_TYPE>1</TR_TYPE><AMOUNT>1200"
                   "</AMOUNT><PROJECTID>2001</PROJECTID><TASKID>09-200</TASKID><COSTTYPEID>Labor</COSTTYPEID>"
                   "</GLENTRY><GLENTRY><ACCOUNTNO>1000</ACCOUNTNO><TR_TYPE>-1</TR_TYPE><AMOUNT>1200</AMOUNT>"
                   "</GLENTRY></ENTRIES></GLBATCH>")
    env.erp.create("<APBILL><VENDORID>V100</VENDORID><RECORDID>R-78</RECORDID><WHENCREATED>03/03/2026"
                   "</WHENCREATED><ACTION>Draft</ACTION><APBILLITEMS><APBILLITEM><ACCOUNTNO>5300</ACCOUNTNO>"
                   "<TRX_AMOUNT>99</TRX_AMOUNT><PROJECTID>2001</PROJECTID><TASKID>09-200</TASKID>"
                   "</APBILLITEM></APBILLITEMS></APBILL>")

    payments = env.company.imports.payments()
    payment = payments.created[0]
    assert (payment.amount, payment.data["check_number"], payment.data["payment_method"],
            payment.date) == (D("9000.00"), "10442", "Printed Check", dt.date(2026, 3, 9))
    assert sc.payments.all() == [payment] and payments.skipped == []

    costs = {(c.data["cost_code"], c.data["cost_type"]): c for c in env.company.imports.job_costs(project).created}
    concrete = costs[("03-300", "Subcontract")]
    assert (concrete.jtd_cost, concrete.mtd_cost, concrete.commitment_invoiced, concrete.jtd_paid,
            concrete.mtd_paid) == (D("10000.00"), D("10000.00"), D("10000.00"), D("9000.00"), D("9000.00"))
    labor = costs[("09-200", "Labor")]
    assert (labor.jtd_cost, labor.mtd_cost, labor.commitment_invoiced) == (D("1950.00"), D("750.00"), D("0.00"))

    report = env.company.imports.direct_costs(project)
    kinds = sorted((c.data["direct_cost_type"], c.grand_total) for c in report.created)
    assert kinds == [("invoice", D("750.00")), ("payroll", D("1200.00")),
                     ("subcontractor_invoice", D("10000.00"))]
    assert [why for _, why in report.skipped] == ["status 'Draft' is not imported (only Approved)"]
    rental = next(c for c in report.created if c.data["direct_cost_type"] == "invoice")
    assert (rental.data["invoice_number"], rental.data["vendor_name"]) == ("R-77", None)


# -- the workflow against the real room --------------------------------------------------------


def test_job_made_in_intacct_cannot_be_exported_from_procore_too(env: Env) -> None:
    project = env.company.projects.create(name="Kristinberg Medical Office")
    project.cost_codes.add("01-100")
    project.send_to_erp()
    outcome = env.approver.accept(project, erp_job_id="1001")
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "job 1001 already exists in the ERP in Sage Intacct" in outcome.message
    assert "cannot create a job in both systems" in outcome.message
    assert env.erp.get("PROJECT", "1001")["NAME"] == "Kristinberg Medical Office"


def test_erp_business_errors_surface_verbatim(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = _subcontract(env, project, vendor)
    env.erp.result("<update><VENDOR><VENDORID>V500</VENDORID><STATUS>inactive</STATUS></VENDOR></update>")
    invoice = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-31", status="approved")
    invoice.add_line(sc.lines[0], work_completed=100)
    outcome = env.approver.accept(invoice.send_to_erp())
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert outcome.message.startswith("Sage Intacct: BL01001973")
    assert "Invalid Vendor 'V500' specified." in outcome.message


def test_unlink_a_commitment_only_after_it_is_deleted_in_intacct(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    sc = _subcontract(env, project, vendor)
    with pytest.raises(StillInErp, match="still in Sage Intacct"):
        env.approver.unlink(sc)
    env.erp.result(f"<delete_potransaction key=\"{sc.origin_id}\"/>")
    env.approver.unlink(sc)
    assert sc.refresh().erp_status is ErpStatus.NOT_IN_ERP


def test_commitment_needs_an_intacct_vendor_link(env: Env) -> None:
    project = new_project(env)
    vendor = env.company.directory.create(name="Unlinked Co")
    sc = project.commitments.create_subcontract(title="x", vendor=vendor)
    sc.add_line("03-300", "Subcontract", 10)
    sc.update(status="Approved")
    with pytest.raises(PreconditionFailed, match="not linked to an ERP vendor"):
        sc.send_to_erp()


# -- exactly once -------------------------------------------------------------------------------


def test_lost_response_on_create_makes_one_project(env: Env) -> None:
    env.wire.add(body_has(b"<create><PROJECT>"), "lost")
    project = new_project(env)
    assert project.synced
    assert len(env.erp.query("PROJECT", ["PROJECTID"], PROJECTID="2001")) == 1
    assert len(env.erp.query("TASK", ["TASKID"], PROJECTID="2001")) == 2
    assert "adopted, not created again" in project.history()[-1].detail


def test_lost_responses_on_tasks_and_bills_never_duplicate(env: Env) -> None:
    env.wire.add(body_has(b"<create><TASK>"), "lost", times=2)
    env.wire.add(body_has(b"<create><COSTTYPE>"), "lost", times=1)
    project = new_project(env)
    assert len(env.erp.query("TASK", ["TASKID"], PROJECTID="2001")) == 2
    assert len(env.erp.query("COSTTYPE", ["TASKID"], PROJECTID="2001")) == 6
    vendor = linked_vendor(env)
    sc = _subcontract(env, project, vendor)
    env.wire.add(body_has(b"<create><APBILL>"), "lost")
    invoice = sc.invoices.create(invoice_number="G-9", billing_date="2026-03-31", status="approved")
    invoice.add_line(sc.lines[0], work_completed=1000)
    assert env.approver.accept(invoice.send_to_erp()).ok
    assert len(env.erp.query("APBILL", ["RECORDNO"], RECORDID="G-9")) == 1


def test_lost_response_on_a_purchasing_transaction(env: Env) -> None:
    project = new_project(env)
    vendor = linked_vendor(env)
    env.wire.add(body_has(b"create_potransaction"), "lost")
    sc = _subcontract(env, project, vendor)
    assert len(env.erp.query("PODOCUMENT", ["DOCID"], PROJECTID="2001")) == 1
    assert sc.lines[1].origin_id


def test_throttling_and_server_errors_are_retried_with_backoff(env: Env) -> None:
    env.wire.add(body_has(b"<create><VENDOR>"), "429")
    env.wire.add(body_has(b"<create><VENDOR>"), "5xx")
    before = env.clock.time()
    vendor = linked_vendor(env)
    assert vendor.synced and env.clock.time() - before >= 1.5
    assert len(env.erp.query("VENDOR", ["VENDORID"], VENDORID="V500")) == 1


def test_persistent_outage_ends_in_failed_to_export(env: Env) -> None:
    env.wire.add(lambda request: True, "5xx", times=50)
    vendor = env.company.directory.create(name="Down Co")
    vendor.send_to_erp()
    outcome = env.approver.accept(vendor, erp_vendor_id="V777")
    env.wire.faults.clear()
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    # The first lookup gives up after its own tries (reads are retried in place).
    assert f"after {Connector.read_policy.attempts} attempts" in outcome.message and "HTTP 503" in outcome.message
    assert env.erp.get("VENDOR", "V777") is None
    vendor.resend_to_erp()
    assert env.approver.accept(vendor, erp_vendor_id="V777").ok


def test_expired_session_signs_in_again(env: Env) -> None:
    linked_vendor(env)
    env.clock.advance(3 * 3600)  # the 130-minute session has lapsed
    vendor = linked_vendor(env, "V501", "Second Vendor LLC")
    assert vendor.synced
    logins = [r for r in env.wire.log if b"<login>" in r.content]
    assert len(logins) == 2


def test_creates_are_guarded_by_uniqueid_and_a_stable_controlid(env: Env) -> None:
    linked_vendor(env)
    create = next(r for r in env.wire.log if b"<create><VENDOR>" in r.content)
    assert b"<uniqueid>true</uniqueid>" in create.content
    replay = env.erp.client.post(URL, content=create.content)
    assert b"already executed and completed" in replay.content
    assert len(env.erp.query("VENDOR", ["VENDORID"], VENDORID="V500")) == 1

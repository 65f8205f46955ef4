"""One set of books, two wires (issue: written over one wire, read back over the other, for every object).

Every REST object that maps an Intacct object is checked both ways: records
written through the XML gateway read the same over REST, and records written
over REST read the same through the gateway. The oracle below restates the
documented format mapping (reference intacct-rest.md §6) independently of the
code under test.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator.intacct.rest.convert import camel
from simulator.intacct.rest.resources import RESOURCES, Enum, Ref, Resource, line_resource

from .helpers import Api, api  # noqa: F401  (api is a fixture)
from .rest_helpers import Rest, rest  # noqa: F401  (rest is a fixture)

# Every object served by both wires, lines included through their headers.
HEADERS = sorted(path for path, res in RESOURCES.items() if res.obj.line_of is None) + [
    "purchasing/document::Subcontract"]


def us_date(iso: str) -> str:
    year, month, day = iso[:10].split("-")
    return f"{month}/{day}/{year}"


def walk(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def assert_same(res: Resource, rest_record: dict[str, Any], xml_row: dict[str, Any]) -> int:
    """Each mapped field of the REST record says what the XML record holds; returns how many were compared."""
    assert rest_record["key"] == xml_row["RECORDNO"]
    if res.id_field:
        assert rest_record["id"] == walk(xml_row, res.id_field), res.path
    compared = 0
    for path, spec in res.fields.items():
        name = res.xml_field(spec)
        fdef = res.obj.field(name)
        assert fdef is not None
        held = walk(xml_row, name) or ""
        shown = walk(rest_record, path)
        where = f"{res.path} {path} <-> {name}"
        if isinstance(spec, Ref):
            assert isinstance(shown, dict), where
            assert (shown.get("key") if spec.by_key else shown.get("id")) in ((held or None), held), where
        elif isinstance(spec, Enum):
            assert shown == (spec.values.get(held) if held else None), where
        elif held == "":
            assert shown is None, where
        elif fdef.type == "date":
            assert us_date(shown) == held, where
        elif fdef.type == "ts":
            assert shown.endswith("Z") and us_date(shown) == held[:10], where
        elif fdef.type == "bool":
            assert shown is (held == "true"), where
        elif fdef.type == "int":
            assert str(shown) == held, where
        elif fdef.type == "enum":
            assert shown == camel(held), where
        else:
            assert shown == held, where
        compared += 1
    line_res = line_resource(res)
    if res.lines and line_res is not None:
        assert res.obj.lines is not None
        xml_lines = xml_row.get(res.obj.lines.collection) or []
        rest_lines = rest_record[res.lines[0]]
        assert len(rest_lines) == len(xml_lines), res.path
        for rest_line, xml_line in zip(rest_lines, xml_lines):
            compared += assert_same(line_res, rest_line, xml_line)
    return compared


def keys_of(api: Api, res: Resource) -> list[str]:
    rows = api.query(res.xml, ["RECORDNO"], docparid=res.path.partition("::")[2] or None)
    return [row["RECORDNO"] for row in rows]


# -- writing through the XML gateway ---------------------------------------------------------


def write_over_xml(api: Api) -> None:
    bill = api.created("APBILL", {"VENDORID": "V100", "WHENCREATED": "03/01/2026", "WHENDUE": "03/31/2026",
                                  "RECORDID": "X-1", "APBILLITEMS": {"APBILLITEM": [
                                      {"ACCOUNTNO": "5200", "TRX_AMOUNT": "1000.00", "PROJECTID": "1001",
                                       "TASKID": "03-300", "COSTTYPEID": "Subcontract",
                                       "RETAINAGEPERCENTAGE": "10"},
                                      {"ACCOUNTNO": "5100", "TRX_AMOUNT": "250.00", "BILLABLE": "true"}]}})
    api.created("APPYMT", {"FINANCIALENTITY": "BOA", "PAYMENTMETHOD": "Printed Check", "VENDORID": "V100",
                           "PAYMENTDATE": "04/05/2026", "APPYMTDETAILS": {"APPYMTDETAIL": [
                               {"RECORDKEY": bill, "TRX_PAYMENTAMOUNT": "100.00"}]}})
    api.created("APRETAINAGERELEASE", {"DESCRIPTION": "Release", "RELEASEDATE": "05/01/2026",
                                       "APRETAINAGERELEASEENTRIES": {"APRETAINAGERELEASEENTRY": [
                                           {"RETAINAGEBILLKEY": bill, "TRX_AMOUNTRELEASED": "50.00"}]}})
    api.created("PJESTIMATE", {"PJESTIMATEID": "X-EST", "PROJECTID": "1001", "ESTIMATEDATE": "02/01/2026",
                               "ENTRIES": {"PJESTIMATEENTRY": [{"WFTYPE": "original", "AMOUNT": "900.00",
                                                                "PROJECTID": "1001", "TASKID": "03-300",
                                                                "COSTTYPEID": "Labor"}]}})
    api.created("PROJECTCONTRACT", {"PROJECTCONTRACTID": "X-PC", "NAME": "Prime", "PROJECTID": "1001",
                                    "CUSTOMERID": "C100", "CONTRACTDATE": "2026-04-01"})
    api.created("PROJECTCONTRACTLINE", {
        "PROJECTCONTRACTID": "X-PC", "PROJECTCONTRACTLINEID": "X-L1", "NAME": "Sitework",
        "CONTRACTLINEDATE": "04/01/2026", "ACCOUNTNO": "4000", "BILLINGTYPE": "Progress",
        "MAXIMUMBILLING": "Total revised price", "ITEMID": "BILLING", "PROJECTID": "1001",
        "PROJECTCONTRACTLINEENTRIES": {"PROJECTCONTRACTLINEENTRY": [{"PRICE": "700.00",
                                                                     "PRICEEFFECTIVEDATE": "04/01/2026"}]}})
    api.created("PROJECTCHANGEORDER", {"PROJECTCHANGEORDERID": "X-PCO", "PROJECTID": "1001",
                                       "PROJECTCHANGEORDERDATE": "04/10/2026"})
    api.created("CHANGEREQUEST", {"CHANGEREQUESTID": "X-CR", "PROJECTID": "1001", "CHANGEREQUESTDATE": "04/01/2026",
                                  "CHANGEREQUESTENTRIES": {"CHANGEREQUESTENTRY": [
                                      {"PROJECTID": "1001", "TASKID": "04-200", "COSTTYPEID": "Material",
                                       "COST": "80.00", "PRICE": "95.00"}]}})
    api.created("GLBATCH", {"JOURNAL": "GJ", "BATCH_DATE": "03/31/2026", "BATCH_TITLE": "Accrual",
                            "ENTRIES": {"GLENTRY": [{"ACCOUNTNO": "5000", "TR_TYPE": "1", "TRX_AMOUNT": "10.00"},
                                                    {"ACCOUNTNO": "2000", "TR_TYPE": "-1", "TRX_AMOUNT": "10.00"}]}})
    api.created("STANDARDTASK", {"STANDARDTASKID": "X-ST", "NAME": "Framing", "STANDARDTASKSTANDARDCOSTTYPES": {
        "STANDARDTASKSTANDARDCOSTTYPE": [{"STANDARDCOSTTYPEID": "Labor"}]}})
    for obj, fields in (("LOCATION", {"LOCATIONID": "X-LOC", "NAME": "Yard"}),
                        ("DEPARTMENT", {"DEPARTMENTID": "X-DEP", "TITLE": "Field"}),
                        ("CLASS", {"CLASSID": "X-CLS", "NAME": "Commercial"}),
                        ("EMPLOYEE", {"EMPLOYEEID": "X-EMP", "PERSONALINFO": {"CONTACTNAME": "Pat Lee"}})):
        api.created(obj, fields)
    api.legacy("create_potransaction", "<transactiontype>Subcontract</transactiontype>"
               "<datecreated><year>2026</year><month>3</month><day>1</day></datecreated>"
               "<vendorid>V100</vendorid><potransitems><potransitem><itemid>SUBCONTRACT</itemid>"
               "<quantity>1</quantity><price>4000</price><projectid>1001</projectid><taskid>03-300</taskid>"
               "<costtypeid>Subcontract</costtypeid><retainagepercentage>10</retainagepercentage>"
               "</potransitem></potransitems>").ok()


@pytest.mark.parametrize("path", HEADERS)
def test_written_over_xml_reads_the_same_over_rest(path: str, api: Api, rest: Rest) -> None:
    write_over_xml(api)
    res = RESOURCES.get(path) or RESOURCES["purchasing/document"]
    if "::" in path:
        res = __import__("simulator.intacct.rest.resources", fromlist=["get"]).get(path)
    keys = keys_of(api, res)
    assert keys, f"no {res.xml} records to compare"
    compared = 0
    for key in keys[:25]:
        compared += assert_same(res, rest.get(path, key), api.get(res.xml, key))
    assert compared >= len(keys[:25])


# -- writing over REST ----------------------------------------------------------------------


def job_line(amount: str) -> dict[str, Any]:
    return {"glAccount": {"id": "5200"}, "txnAmount": amount, "dimensions": {
        "project": {"id": "1001"}, "task": {"id": "03-300"}, "costType": {"id": "Subcontract"}}}


def rest_payloads(rest: Rest) -> dict[str, dict[str, Any]]:
    bill = rest.created("accounts-payable/bill", {"vendor": {"id": "V100"}, "createdDate": "2026-03-01",
                                                  "dueDate": "2026-03-31",
                                                  "lines": [{**job_line("800.00"), "retainagePercentage": "5"},
                                                            job_line("20.00")]})
    return {
        "accounts-payable/bill": {"vendor": {"id": "V101"}, "createdDate": "2026-03-02", "dueDate": "2026-04-01",
                                  "billNumber": "R-2", "isOnHold": True, "lines": [job_line("55.55")]},
        "accounts-payable/payment": {"financialEntity": {"id": "BOA"}, "paymentMethod": "eft",
                                     "vendor": {"id": "V100"}, "paymentDate": "2026-04-05",
                                     "details": [{"bill": {"key": bill["key"]}, "txnAmountPaid": "100.00"}]},
        "accounts-payable/vendor": {"id": "R-V", "name": "Rest Vendor", "creditLimit": "10", "taxId": "12-3",
                                    "contacts": {"default": {"printAs": "Rest Vendor", "mailingAddress": {
                                        "city": "Austin"}}}},
        "accounts-receivable/customer": {"id": "R-C", "name": "Rest Owner", "retainagePercentage": "5"},
        "cash-management/checking-account": {"id": "R-BANK", "bankName": "Second", "glAccount": {"id": "1000"}},
        "company-config/class": {"id": "R-CLS", "name": "Public works"},
        "company-config/department": {"id": "R-DEP", "name": "Estimating"},
        "company-config/employee": {"id": "R-EMP", "name": "Sam Roe", "startDate": "2026-01-05"},
        "company-config/location": {"id": "R-LOC", "name": "North yard", "startDate": "2026-01-01"},
        "construction/ap-retainage-release": {"description": "Rest release", "releaseDate": "2026-05-01",
                                              "lines": [{"bill": {"key": bill["key"]}, "txnAmountReleased": "10.00"}]},
        "construction/change-request": {"id": "R-CR", "project": {"id": "1001"}, "changeRequestDate": "2026-04-01",
                                        "changeRequestLines": [{"dimensions": {
                                            "project": {"id": "1001"}, "task": {"id": "04-200"},
                                            "costType": {"id": "Material"}}, "cost": "10.00", "price": "12.00"}]},
        "construction/cost-type": {"standardCostType": {"id": "Other"}, "project": {"id": "1001"},
                                   "task": {"id": "03-300"}},
        "construction/project-change-order": {"id": "R-PCO", "project": {"id": "1001"},
                                              "projectChangeOrderDate": "2026-04-10", "description": "Owner change"},
        "construction/project-contract": {"id": "R-PC", "name": "Rest prime", "project": {"id": "1001"},
                                          "customer": {"id": "C100"}, "contractDate": "2026-04-01",
                                          "isBillable": True},
        "construction/project-contract-line": {
            "id": "R-L1", "projectContract": {"id": "PC-R0"}, "name": "Paving", "contractLineDate": "2026-04-01",
            "glAccount": {"id": "4000"}, "billingType": "progress", "maximumBilling": "totalRevisedPrice",
            "item": {"id": "BILLING"}, "project": {"id": "1001"},
            "projectContractLineEntries": [{"workflowType": "original", "price": "300.00",
                                            "priceEffectiveDate": "2026-04-01"}]},
        "construction/project-estimate": {"id": "R-EST", "project": {"id": "1001"}, "estimateDate": "2026-02-01",
                                          "projectEstimateLines": [{"workflowType": "original", "amount": "40.00",
                                                                    "dimensions": {"task": {"id": "03-300"},
                                                                                   "costType": {"id": "Labor"}}}]},
        "construction/standard-cost-type": {"id": "R-SCT", "name": "Permits", "glAccount": {"id": "5400"}},
        "construction/standard-task": {"id": "R-ST", "name": "Roofing",
                                       "standardCostTypes": [{"standardCostType": {"id": "Material"}}]},
        "general-ledger/account": {"id": "6100", "name": "Permits expense", "accountType": "incomestatement"},
        "general-ledger/journal": {"id": "RJ", "name": "Rest journal"},
        "general-ledger/journal-entry": {"glJournal": {"id": "GJ"}, "postingDate": "2026-03-31",
                                         "description": "Rest accrual", "lines": [
                                             {"glAccount": {"id": "5000"}, "txnType": "debit", "txnAmount": "7.00"},
                                             {"glAccount": {"id": "2000"}, "txnType": "credit", "txnAmount": "7.00"}]},
        "inventory-control/item": {"id": "R-ITEM", "name": "Rebar", "itemType": "nonInventory"},
        "projects/project": {"id": "R-P", "name": "Rest project", "projectCategory": "contract",
                             "startDate": "2026-01-01", "customer": {"id": "C100"}},
        "projects/task": {"id": "99-900", "name": "Closeout", "project": {"id": "1001"}, "taskStatus": "onHold"},
        "purchasing/document::Subcontract": {
            "vendor": {"id": "V100"}, "txnDate": "2026-03-01", "referenceNumber": "R-SUB", "lines": [
                {"dimensions": {"item": {"id": "SUBCONTRACT"}, "project": {"id": "1001"}}, "unitQuantity": "2",
                 "unitPrice": "125.50"}]},
    }


@pytest.mark.parametrize("path", HEADERS)
def test_written_over_rest_reads_the_same_over_xml(path: str, api: Api, rest: Rest) -> None:
    if path == "construction/project-contract-line":
        rest.created("construction/project-contract", {"id": "PC-R0", "name": "Base", "project": {"id": "1001"},
                                                       "customer": {"id": "C100"}, "contractDate": "2026-04-01"})
    payloads = rest_payloads(rest)
    from simulator.intacct.rest.resources import get

    res = get(path)
    assert res is not None
    if path not in payloads:
        assert "c" not in res.ops, f"{path} is writable over REST and needs a payload here"
        pytest.skip(f"{path} is read-only over REST")
    made = rest.created(path, payloads[path])
    compared = assert_same(res, rest.get(path, made["key"]), api.get(res.xml, made["key"]))
    assert compared >= len(res.fields)


# -- one rule, two wires --------------------------------------------------------------------


def test_the_same_rule_fails_the_same_way_on_both_wires(api: Api, rest: Rest) -> None:
    from .helpers import failed
    from .rest_helpers import detail_of

    # Duplicate business ID.
    xml_error = failed(api.create("VENDOR", {"VENDORID": "V100", "NAME": "x", "DISPLAYCONTACT": {"PRINTAS": "x"}}))
    detail = detail_of(rest.create("accounts-payable/vendor", {"id": "V100", "name": "x",
                                                               "contacts": {"default": {"printAs": "x"}}}))
    assert (detail["errorId"], detail["message"]) == xml_error
    # A closed period (a per-tenant setting) refuses a bill dated inside it.
    api.configure(closed_before="04/01/2026")
    xml_error = failed(api.create("APBILL", {"VENDORID": "V100", "WHENCREATED": "03/01/2026", "WHENDUE": "03/31/2026",
                                             "APBILLITEMS": {"APBILLITEM": [{"ACCOUNTNO": "5200",
                                                                             "TRX_AMOUNT": "1.00"}]}}))
    detail = detail_of(rest.create("accounts-payable/bill", {"vendor": {"id": "V100"}, "createdDate": "2026-03-01",
                                                             "dueDate": "2026-03-31", "lines": [
                                                                 {"glAccount": {"id": "5200"}, "txnAmount": "1.00"}]}))
    assert detail["errorId"] == xml_error[0] and "closed" in detail["message"].lower()
    assert detail["message"].replace("createdDate", "WHENCREATED") == xml_error[1]
    api.configure(closed_before=None)
    # A project on hold takes no AP postings.
    api.updated("PROJECT", {"PROJECTID": "1001", "PROJECTSTATUS": "On Hold"})
    line = {"ACCOUNTNO": "5200", "TRX_AMOUNT": "1.00", "PROJECTID": "1001"}
    xml_error = failed(api.create("APBILL", {"VENDORID": "V100", "WHENCREATED": "05/01/2026", "WHENDUE": "05/31/2026",
                                             "APBILLITEMS": {"APBILLITEM": [line]}}))
    detail = detail_of(rest.create("accounts-payable/bill", {
        "vendor": {"id": "V100"}, "createdDate": "2026-05-01", "dueDate": "2026-05-31",
        "lines": [{"glAccount": {"id": "5200"}, "txnAmount": "1.00", "dimensions": {"project": {"id": "1001"}}}]}))
    assert detail["errorId"] == xml_error[0] and "On Hold" in detail["message"] and "On Hold" in xml_error[1]
    # A record in use cannot be deleted, on either wire.
    bill = rest.created("accounts-payable/bill", {"vendor": {"id": "V101"}, "createdDate": "2026-05-01",
                                                  "dueDate": "2026-05-31", "lines": [
                                                      {"glAccount": {"id": "5200"}, "txnAmount": "1.00"}]})
    assert bill["key"]
    xml_error = failed(api.delete("VENDOR", api.named("VENDOR", "V101")["RECORDNO"]))
    detail = detail_of(rest.delete("accounts-payable/vendor", rest.key_of("accounts-payable/vendor", "V101")))
    assert (detail["errorId"], detail["message"]) == xml_error

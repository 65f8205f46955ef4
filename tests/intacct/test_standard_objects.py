"""The standard objects discovery tools enumerate, and incremental reads on every object.

Sources: reference intacct.md §2.3–2.6 (readByQuery, query, lookup, inspect shapes), §3 GLBATCH/GLENTRY,
§4.1 (``get_all_generator`` pages by ``greaterthanorequalto WHENMODIFIED`` with ``orderby``), §4.3
(extraction tools discover with ``lookup``, page by WHENMODIFIED, read GLDETAIL), and the request
schema of §1.2 (``function`` carries a ``controlid``).
"""

from __future__ import annotations

import pytest
from lxml import etree

from simulator.intacct.schema import OBJECTS
from tests.intacct.conftest import Post, envelope
from tests.intacct.helpers import Api, api, failed, lines  # noqa: F401  (fixture)

# The objects issue #15 lists as enumerated by generic extraction tools.
DISCOVERED = ["APADJUSTMENT", "APADJUSTMENTITEM", "ARINVOICE", "ARINVOICEITEM", "ARADJUSTMENT", "ARADJUSTMENTITEM",
              "ARPYMT", "CUSTOMER", "CLASS", "DEPARTMENT", "LOCATION", "EMPLOYEE", "GLACCOUNT", "GLDETAIL", "GLENTRY",
              "CONTRACT", "WAREHOUSE", "ITEM", "CHECKINGACCOUNT", "SAVINGSACCOUNT", "CREDITCARD", "GLBUDGETHEADER",
              "GLBUDGETITEM", "AUDITHISTORY", "USERINFO"]


@pytest.mark.parametrize("obj", DISCOVERED)
def test_discovery_lookup_inspect_and_reads(call: Post, obj: str) -> None:
    # §2.6: lookup answers data/Type/Fields/Field with ID, DATATYPE...; inspect detail=1 names each field.
    fields = call(f"<lookup><object>{obj}</object></lookup>").ok().findall("data/Type/Fields/Field")
    names = [f.findtext("ID") for f in fields]
    assert {"RECORDNO", "WHENCREATED", "WHENMODIFIED"} <= set(names)
    assert all(f.findtext("DATATYPE") for f in fields)
    detail = call(f'<inspect detail="1"><object>{obj}</object></inspect>').ok()
    assert [f.findtext("Name") for f in detail.findall("data/Type/Fields/Field")] == names
    # §2.3: readByQuery with an empty query; lowercase list type even when empty.
    data = call(f"<readByQuery><object>{obj}</object><fields>*</fields><query/></readByQuery>").ok().find("data")
    assert data.get("listtype") == obj.lower() and data.get("totalcount") == str(len(data))
    # §2.5: query counts with pagesize 1, as the published client does before paging.
    data = call(f"<query><object>{obj}</object><select><field>RECORDNO</field></select><pagesize>1</pagesize>"
                "</query>").ok().find("data")
    assert data.get("listtype") == obj and int(data.get("totalcount")) >= len(data)


def test_inspect_star_lists_the_standard_objects(call: Post) -> None:
    listed = {t.get("typename") for t in call("<inspect><object>*</object></inspect>").ok().findall("data/type")}
    assert set(DISCOVERED) <= listed


def modified_query(obj: str, since: str, descending: bool = True) -> str:
    order = "<descending/>" if descending else "<ascending/>"
    return (f"<query><object>{obj}</object><select><field>RECORDNO</field><field>WHENMODIFIED</field></select>"
            f"<filter><greaterthanorequalto><field>WHENMODIFIED</field><value>{since}</value>"
            f"</greaterthanorequalto></filter><orderby><order><field>WHENMODIFIED</field>{order}</order>"
            "<order><field>RECORDNO</field></order></orderby><pagesize>2000</pagesize></query>")


@pytest.mark.parametrize("obj", sorted(OBJECTS))
def test_every_object_filters_and_orders_by_whenmodified(call: Post, obj: str) -> None:
    # §4.1/§4.3: incremental syncs filter WHENMODIFIED (mm/dd/yyyy hh:mm:ss) and order by it.
    everything = call(f"<query><object>{obj}</object><select><field>RECORDNO</field></select>"
                      "<pagesize>2000</pagesize></query>").ok().find("data")
    since = call(modified_query(obj, "01/01/2000 00:00:00")).ok().find("data")
    assert since.get("totalcount") == everything.get("totalcount")
    stamps = [row.findtext("WHENMODIFIED") for row in since]
    assert all(stamps), obj
    as_sortable = [s[6:10] + s[0:2] + s[3:5] + s[11:] for s in stamps]
    assert as_sortable == sorted(as_sortable, reverse=True)
    later = call(modified_query(obj, "01/01/2100 00:00:00", descending=False)).ok().find("data")
    assert later.get("totalcount") == "0"
    legacy = call(f"<readByQuery><object>{obj}</object><fields>RECORDNO</fields>"
                  "<query>WHENMODIFIED &gt;= '01/01/2000 00:00:00'</query><pagesize>1000</pagesize></readByQuery>")
    assert legacy.ok().find("data").get("totalcount") == everything.get("totalcount")


def journal(state: str = "Submit") -> dict:
    return {"JOURNAL": "GJ", "BATCH_DATE": "03/31/2026", "BATCH_TITLE": "Accrual", "ACTION": state,
            "ENTRIES": {"GLENTRY": [
                {"ACCOUNTNO": "5000", "TR_TYPE": "1", "AMOUNT": "1450.80", "PROJECTID": "1001", "DEPARTMENT": "D1"},
                {"ACCOUNTNO": "2000", "TR_TYPE": "-1", "AMOUNT": "1450.80", "DOCUMENT": "ACC-1"}]}}


def test_glentry_has_entry_date_and_standard_fields(api: Api) -> None:
    # §3 GLBATCH and GLENTRY: the entry's lines; issue #15: filtering GLENTRY on ENTRY_DATE must work.
    batch = api.created("GLBATCH", journal())
    rows = api.query("GLENTRY", ["BATCHNO", "ENTRY_DATE", "BATCH_TITLE", "JOURNAL", "ACCOUNTTITLE", "STATE"],
                     "<equalto><field>ENTRY_DATE</field><value>03/31/2026</value></equalto>")
    assert [r for r in rows if r["BATCHNO"] == batch] == [
        {"BATCHNO": batch, "ENTRY_DATE": "03/31/2026", "BATCH_TITLE": "Accrual", "JOURNAL": "GJ",
         "ACCOUNTTITLE": title, "STATE": "Posted"} for title in ("Job Cost - Labor", "Accounts Payable")]
    assert api.query("GLENTRY", ["RECORDNO"], "<lessthan><field>ENTRY_DATE</field><value>01/01/2000</value>"
                                              "</lessthan>") == []


def test_posted_entries_write_gl_detail_and_drafts_do_not(api: Api) -> None:
    # §4.3: extraction tools read GLDETAIL for the ledger; each posted line is one detail row.
    batch = api.created("GLBATCH", journal())
    rows = api.query("GLDETAIL", ["BATCHNO", "ACCOUNTNO", "DEBITAMOUNT", "CREDITAMOUNT", "ENTRY_DATE",
                                  "DEPARTMENTID", "PROJECTID", "DOCUMENT"],
                     f"<equalto><field>BATCHNO</field><value>{batch}</value></equalto>")
    assert rows == [
        {"BATCHNO": batch, "ACCOUNTNO": "5000", "DEBITAMOUNT": "1450.80", "CREDITAMOUNT": "0.00",
         "ENTRY_DATE": "03/31/2026", "DEPARTMENTID": "D1", "PROJECTID": "1001", "DOCUMENT": ""},
        {"BATCHNO": batch, "ACCOUNTNO": "2000", "DEBITAMOUNT": "0.00", "CREDITAMOUNT": "1450.80",
         "ENTRY_DATE": "03/31/2026", "DEPARTMENTID": "", "PROJECTID": "", "DOCUMENT": "ACC-1"}]
    draft = api.created("GLBATCH", journal("Draft"))
    assert api.where("GLDETAIL", ["RECORDNO"], BATCHNO=draft) == []
    api.delete("GLBATCH", draft).ok()


def test_ledger_objects_refuse_writes(api: Api) -> None:
    message = failed(api.create("GLDETAIL", {"ACCOUNTNO": "5000"}), "Could not create gldetail record!")[1]
    assert message == "GLDETAIL records are maintained by Intacct and cannot be created through the API."
    assert "cannot be deleted" in failed(api.delete("AUDITHISTORY", "1"))[1]
    assert "cannot be created" in failed(api.create("ARPYMT", {"CUSTOMERID": "C1"}))[1]


def test_master_data_objects_create_and_read_by_name(api: Api) -> None:
    api.created("DEPARTMENT", {"DEPARTMENTID": "D1", "TITLE": "Field Operations"})
    api.created("LOCATION", {"LOCATIONID": "L1", "NAME": "Main Office"})
    api.created("CLASS", {"CLASSID": "C1", "NAME": "Commercial"})
    api.created("EMPLOYEE", {"EMPLOYEEID": "E1", "PERSONALINFO": {"CONTACTNAME": "Ruiz, Ana"},
                             "DEPARTMENTID": "D1", "LOCATIONID": "L1"})
    employee = api.named("EMPLOYEE", "E1")
    assert (employee["DEPARTMENTID"], employee["PERSONALINFO"]["CONTACTNAME"]) == ("D1", "Ruiz, Ana")
    # Duplicate IDs and missing references answer as every other object does (§1.6 BL34000061, BL01001973).
    assert failed(api.create("CLASS", {"CLASSID": "C1", "NAME": "Again"}))[0] == "BL34000061"
    assert failed(api.create("EMPLOYEE", {"EMPLOYEEID": "E2", "PERSONALINFO": {"CONTACTNAME": "X"},
                                          "DEPARTMENTID": "NOPE"}))[1] == "Invalid Department 'NOPE' specified."


def test_ar_invoice_totals_from_its_lines(api: Api) -> None:
    recordno = api.created("ARINVOICE", {
        "CUSTOMERID": "C100", "WHENCREATED": "04/30/2026", "WHENDUE": "05/30/2026", "ARINVOICEITEMS": {
            "ARINVOICEITEM": [{"ACCOUNTNO": "4000", "TRX_AMOUNT": "10000.00", "PROJECTID": "1001",
                               "RETAINAGEPERCENTAGE": "10"},
                              {"ACCOUNTNO": "4000", "TRX_AMOUNT": "500.00"}]}})
    row = api.get("ARINVOICE", recordno)
    assert (row["STATE"], row["TOTALENTERED"], row["TOTALRETAINED"], row["TOTALDUE"], row["RECORDTYPE"]) == (
        "Posted", "10500.00", "1000.00", "9500.00", "ri")
    assert [line["LINE_NO"] for line in lines(row, "ARINVOICEITEMS")] == ["1", "2"]
    assert "at least one line" in failed(api.create("ARINVOICE", {"CUSTOMERID": "C100",
                                                                  "WHENCREATED": "04/30/2026"}))[1]


def test_userinfo_lists_the_companys_users(api: Api) -> None:
    assert api.where("USERINFO", ["LOGINID", "STATUS"], LOGINID="admin") == [{"LOGINID": "admin", "STATUS": "active"}]


def test_function_without_controlid_is_a_schema_error(post: Post) -> None:
    # §1.2: the XSD requires the function controlid; schema violations are control failures XL03000003 (§1.4b).
    body = envelope("<getAPISession/>").replace(b'<function controlid="', b'<function x="')
    reply = post(raw=body)
    assert reply.root.findtext("control/status") == "failure" and reply.root.find("operation") is None
    error = reply.root.find("errormessage/error")
    assert error.findtext("errorno") == "XL03000003"
    assert "Element 'function': The attribute 'controlid' is required but missing." in error.findtext("description2")
    assert post(raw=envelope("<getAPISession/>", controlids=[""])).ok() is not None
    assert etree.tostring(reply.root)  # parsed, well-formed answer

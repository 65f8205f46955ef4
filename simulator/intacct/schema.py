"""Intacct object definitions: fields, types, requirements and relationships.

One table per object drives validation, ``lookup``/``inspect`` and the
readByQuery code mapping, so what we describe is what we enforce.

Field spec lines read ``NAME type [flags]``:
- types: ``text[:max]``, ``int``, ``dec``, ``cur`` (2 decimals), ``pct``, ``date``,
  ``ts``, ``bool``, ``enum:a|b|c``, ``ref:OBJECT`` (an ID that must exist and be active);
- flags: ``req`` (required on create), ``ro`` (system-maintained), ``id`` (the business ID).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.intacct.standard import EXTRA, STANDARD
from simulator.store import declare_index, json_field

DATATYPES = {
    "text": "TEXT", "int": "INTEGER", "dec": "DECIMAL", "cur": "CURRENCY", "pct": "PERCENT",
    "date": "DATE", "ts": "TIMESTAMP", "bool": "BOOLEAN", "enum": "ENUM", "ref": "TEXT",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    readonly: bool = False
    max_length: int | None = None
    values: tuple[str, ...] = ()
    ref: str | None = None
    codes: dict[str, str] = field(default_factory=dict)
    """readByQuery database codes for validated lists (display value -> code)."""

    @property
    def datatype(self) -> str:
        return DATATYPES[self.type]

    @property
    def label(self) -> str:
        return self.name.replace(".", " ").replace("_", " ").title()


@dataclass(frozen=True)
class Lines:
    """An owned collection: ``<APBILLITEMS><APBILLITEM>…`` in requests, nested in reads."""

    collection: str
    object: str


@dataclass(frozen=True)
class ObjectDef:
    name: str
    label: str
    fields: dict[str, Field]
    id_field: str | None = None
    lines: Lines | None = None
    read_by_name: bool = True
    generic_create: bool = True
    generic_update: bool = True
    line_of: str | None = None
    """For a line object: its header object."""
    update_keys: tuple[str, ...] = ("RECORDNO",)

    @property
    def tag(self) -> str:
        return self.name.lower()

    def field(self, name: str) -> Field | None:
        return self.fields.get(name)


STATUS_CODES = {"active": "T", "inactive": "F"}
COMMON = """
RECORDNO int ro
WHENCREATED ts ro
WHENMODIFIED ts ro
CREATEDBY int ro
MODIFIEDBY int ro
"""


def parse_fields(spec: str) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for raw in (COMMON + spec).strip().splitlines():
        parts = raw.split()
        if not parts:
            continue
        name, kind, flags = parts[0], parts[1], set(parts[2:])
        max_length = None
        values: tuple[str, ...] = ()
        ref = None
        if kind.startswith("text:"):
            kind, max_length = "text", int(kind.split(":", 1)[1])
        elif kind.startswith("enum:"):
            kind, values = "enum", tuple(kind.split(":", 1)[1].replace("_", " ").split("|"))
        elif kind.startswith("ref:"):
            kind, ref = "ref", kind.split(":", 1)[1]
        codes = STATUS_CODES if name == "STATUS" and values == ("active", "inactive") else {}
        out[name] = Field(name, kind, required="req" in flags, readonly="ro" in flags,
                          max_length=max_length, values=values, ref=ref, codes=codes)
    return out


def _obj(name: str, label: str, spec: str, **kw: object) -> ObjectDef:
    return ObjectDef(name=name, label=label, fields=parse_fields(spec), **kw)  # type: ignore[arg-type]


STATUS = "STATUS enum:active|inactive"
CONTACT = """
DISPLAYCONTACT.CONTACTNAME text:200
DISPLAYCONTACT.COMPANYNAME text:100
DISPLAYCONTACT.PREFIX text:15
DISPLAYCONTACT.FIRSTNAME text:40
DISPLAYCONTACT.LASTNAME text:40
DISPLAYCONTACT.INITIAL text:1
DISPLAYCONTACT.PRINTAS text:200
DISPLAYCONTACT.TAXABLE bool
DISPLAYCONTACT.PHONE1 text:30
DISPLAYCONTACT.PHONE2 text:30
DISPLAYCONTACT.CELLPHONE text:30
DISPLAYCONTACT.FAX text:30
DISPLAYCONTACT.EMAIL1 text:320
DISPLAYCONTACT.EMAIL2 text:320
DISPLAYCONTACT.URL1 text:200
DISPLAYCONTACT.MAILADDRESS.ADDRESS1 text:100
DISPLAYCONTACT.MAILADDRESS.ADDRESS2 text:100
DISPLAYCONTACT.MAILADDRESS.CITY text:80
DISPLAYCONTACT.MAILADDRESS.STATE text:40
DISPLAYCONTACT.MAILADDRESS.ZIP text:30
DISPLAYCONTACT.MAILADDRESS.COUNTRY text:60
"""

OBJECTS: dict[str, ObjectDef] = {}

INDEXED = ("STATUS", "STATE", "WHENMODIFIED", "VENDORID", "PROJECTID", "CUSTOMERID", "TASKID", "DOCNO")
"""Fields integrations filter on, indexed on every object that has them, with the object's own ID
field. RECORDNO is the record's id and a line's header key its parent; anything else is a scan."""


def sortable_stamp(column: str) -> str:
    """``MM/DD/YYYY HH:MM:SS`` as ``YYYYMMDD HH:MM:SS``: an index that orders timestamps."""
    return f"substr({column}, 7, 4) || substr({column}, 1, 2) || substr({column}, 4, 2) || substr({column}, 11)"


def index_exprs(obj: ObjectDef) -> dict[str, str]:
    names = [n for n in (obj.id_field, *INDEXED) if n and n in obj.fields]
    return {n: sortable_stamp(json_field(n)) if obj.fields[n].type == "ts" else json_field(n) for n in names}


def register(obj: ObjectDef) -> ObjectDef:
    OBJECTS[obj.name] = obj
    declare_index("intacct." + obj.name, index_exprs(obj))
    return obj


register(_obj("GLACCOUNT", "Account", f"""
ACCOUNTNO text:24 req id
TITLE text:80 req
ACCOUNTTYPE enum:balancesheet|incomestatement
NORMALBALANCE enum:debit|credit
CLOSINGTYPE text
CATEGORY text
ALTERNATIVEACCOUNT text
{STATUS}
""", id_field="ACCOUNTNO", update_keys=("RECORDNO", "ACCOUNTNO")))

register(_obj("ITEM", "Item", f"""
ITEMID text:30 req id
NAME text:100 req
ITEMTYPE enum:Inventory|Non-Inventory|Non-Inventory_(Purchase_only)|Non-Inventory_(Sales_only)|Kit|Stockable_Kit
EXTENDED_DESCRIPTION text
PRODUCTLINEID text
GLGROUP text
MRR bool
{STATUS}
""", id_field="ITEMID", update_keys=("RECORDNO", "ITEMID")))

register(_obj("GLJOURNAL", "Journal", f"""
SYMBOL text:10 req id
TITLE text:80 req
{STATUS}
""", id_field="SYMBOL", update_keys=("RECORDNO", "SYMBOL")))

register(_obj("CHECKINGACCOUNT", "Checking Account", f"""
BANKACCOUNTID text:20 req id
BANKNAME text:40
GLACCOUNTNO ref:GLACCOUNT
{STATUS}
""", id_field="BANKACCOUNTID", update_keys=("RECORDNO", "BANKACCOUNTID")))

register(_obj("CUSTOMER", "Customer", f"""
CUSTOMERID text:21 req id
NAME text:100 req
ENTITY text ro
PARENTKEY int ro
PARENTID ref:CUSTOMER
PARENTNAME text ro
CUSTREPNAME text
TOTALDUE cur ro
GLGRPKEY int ro
GLGROUP text
ONETIME bool
ONHOLD bool
RETAINAGEPERCENTAGE pct
OBJECTRESTRICTION text
{STATUS}
{CONTACT}
""", id_field="CUSTOMERID", update_keys=("RECORDNO", "CUSTOMERID")))

register(_obj("VENDOR", "Vendor", f"""
VENDORID text:20 req id
NAME text:100 req
PARENTKEY int ro
PARENTID ref:VENDOR
PARENTNAME text ro
VENDORACCOUNTNO text
VENDTYPE text
ACCOUNTLABEL text
APACCOUNT text
APACCOUNTTITLE text ro
TAXID text:20
CREDITLIMIT cur
TERMNAME text
TOTALDUE cur ro
RETAINAGEPERCENTAGE pct
ONETIME bool
ONHOLD bool
PAYMENTPRIORITY enum:Urgent|High|Normal|Low
CURRENCY text
{STATUS}
{CONTACT}
DISPLAYCONTACT.PRINTAS text:200 req
""", id_field="VENDORID", update_keys=("RECORDNO", "VENDORID")))

register(_obj("PROJECT", "Project", f"""
PROJECTID text:20 req id
NAME text:200 req
DESCRIPTION text:1000
CURRENCY text
PROJECTCATEGORY enum:Contract|Capitalized|Internal_Billable|Internal_Non-billable req
PROJECTSTATUS text
PARENTKEY int ro
PARENTID ref:PROJECT
PARENTNAME text ro
{STATUS}
CUSTOMERKEY int ro
CUSTOMERID ref:CUSTOMER
CUSTOMERNAME text ro
PROJECTTYPE text
MANAGERID text
DEPARTMENTID text
DEPARTMENTNAME text ro
LOCATIONID text
LOCATIONNAME text ro
CLASSID text
BEGINDATE date
ENDDATE date
CONTRACTAMOUNT cur
BUDGETID text
MEGAENTITYID text ro
MEGAENTITYNAME text ro
SCHEDULEDSTARTDATE date
ACTUALSTARTDATE date
SCHEDULEDCOMPLETIONDATE date
ACTUALCOMPLETIONDATE date
""", id_field="PROJECTID", update_keys=("RECORDNO", "PROJECTID")))

register(_obj("TASK", "Task", """
TASKID text:20
NAME text:200 req
PROJECTID ref:PROJECT req
PROJECTKEY int ro
PROJECTNAME text ro
PARENTKEY int
PARENTID text ro
PARENTTASKNAME text ro
ROOTPARENTKEY int ro
ROOTPARENTID text ro
ROOTPARENTNAME text ro
STANDARDTASKID ref:STANDARDTASK
STANDARDTASKKEY int ro
TASKSTATUS enum:Not_Started|Planned|In_Progress|Completed|On_Hold req
DESCRIPTION text:1000
ITEMKEY int ro
ITEMID ref:ITEM
ITEMNAME text ro
BILLABLE bool
TASKNO text:20
CLASSID text
CLASSNAME text ro
CLASSKEY int ro
PBEGINDATE date
PENDDATE date
PRODUCTIONUNITDESC text
""", id_field=None, read_by_name=False))

register(_obj("STANDARDTASK", "Standard Task", """
STANDARDTASKID text:20 req id
NAME text:200
DESCRIPTION text:1000
ITEMID ref:ITEM
BILLABLE bool
TASKNO text:8
TIMETYPENAME text
PARENTKEY int
PRODUCTIONUNITDESC text
""", id_field="STANDARDTASKID", lines=Lines("STANDARDTASKSTANDARDCOSTTYPES", "STANDARDTASKSTANDARDCOSTTYPE"),
    update_keys=("RECORDNO", "STANDARDTASKID")))

register(_obj("STANDARDTASKSTANDARDCOSTTYPE", "Standard Task Cost Type", """
STANDARDTASKKEY int ro
STANDARDCOSTTYPEID ref:STANDARDCOSTTYPE req
STANDARDCOSTTYPEKEY int ro
""", line_of="STANDARDTASK", generic_create=False, read_by_name=False))

register(_obj("STANDARDCOSTTYPE", "Standard Cost Type", f"""
STANDARDCOSTTYPEID text:12 req id
NAME text:80 req
DESCRIPTION text:1000
ACCUMULATIONTYPENAME text
COSTUNITDESCRIPTION text
ACCOUNTNO ref:GLACCOUNT
PARENTID text
ITEMID ref:ITEM
{STATUS}
""", id_field="STANDARDCOSTTYPEID", update_keys=("RECORDNO", "STANDARDCOSTTYPEID")))

register(_obj("COSTTYPE", "Cost Type", f"""
COSTTYPEID text ro
NAME text:80
STANDARDCOSTTYPEID ref:STANDARDCOSTTYPE req
STANDARDCOSTTYPEKEY int ro
PROJECTID ref:PROJECT
PROJECTKEY int ro
PROJECTNAME text ro
TASKID text
TASKKEY int
TASKNAME text ro
DESCRIPTION text:1000
ACCUMULATIONTYPENAME text
COSTUNITDESCRIPTION text
ACCOUNTNO ref:GLACCOUNT
PARENTID text
ITEMID ref:ITEM
ACTUALBEGINDATE date
ACTUALENDDATE date
{STATUS}
""", read_by_name=False))

ESTIMATE_ENTRY = """
PJESTIMATEKEY int ro
PJESTIMATEID text
WFTYPE enum:original|revision|forecast|pending_change|approved_change|other
AMOUNT cur
QTY dec
UNITCOST dec
PRODUCTIONUNITS dec
PROJECTID ref:PROJECT
PROJECTKEY int ro
TASKID text
TASKKEY int ro
COSTTYPEID text
COSTTYPEKEY int ro
ITEMID ref:ITEM
ACCOUNTNO ref:GLACCOUNT
VENDORID ref:VENDOR
EMPLOYEEID text
CLASSID text
DEPARTMENTID text
CUSTOMERID ref:CUSTOMER
CONTRACTID text
MEMO text:1000
EFFECTIVEDATE date
ESTIMATEDATE date
CHANGEREQUESTENTRYKEY int ro
"""
register(_obj("PJESTIMATE", "Project Estimate", f"""
PJESTIMATEID text:20 req id
PROJECTID ref:PROJECT req
PROJECTKEY int ro
PROJECTNAME text ro
DESCRIPTION text:1000
ISPRIMARY bool
POSTED bool
PJESTIMATETYPENAME text
GLBUDGETID text
ESTIMATEDATE date
POSTTO enum:First_period|All_periods|Estimate_date|Effective_date
STATUS enum:active|inactive|finalized
TOTALAMOUNT cur ro
""", id_field="PJESTIMATEID", lines=Lines("ENTRIES", "PJESTIMATEENTRY"), update_keys=("RECORDNO", "PJESTIMATEID")))
register(_obj("PJESTIMATEENTRY", "Project Estimate Entry", ESTIMATE_ENTRY, line_of="PJESTIMATE", read_by_name=False))

register(_obj("PODOCUMENT", "Purchasing Transaction", """
DOCID text ro id
DOCNO text ro
DOCPARID text ro
DOCPARKEY int ro
STATE enum:Draft|Pending|Closed|Submitted|Approved|Declined|Converted|Partially_Converted|In_Progress
WHENDUE date
VENDORID ref:VENDOR
VENDORNAME text ro
PONUMBER text
VENDORDOCNO text
REFERENCENO text ro
MESSAGE text
PROJECTID ref:PROJECT
PROJECT text ro
CHANGELOGNUMBER int ro
TERMNAME text
CURRENCY text
SUBTOTAL cur ro
TOTAL cur ro
TOTALRETAINED cur ro
CHANGEORDERTOTAL cur ro
REVISEDTOTAL cur ro
RELATEDDOCKEY int ro
PAYTO.CONTACTNAME text
RETURNTO.CONTACTNAME text
""", id_field="DOCID", lines=Lines("PODOCUMENTENTRIES", "PODOCUMENTENTRY"), generic_create=False,
    generic_update=False))
register(_obj("PODOCUMENTENTRY", "Purchasing Transaction Entry", """
DOCHDRNO int ro
DOCHDRID text ro
LINE_NO int ro
ITEMID ref:ITEM
ITEMNAME text ro
QUANTITY dec
UNIT text
PRICE dec
TRX_VALUE cur ro
UIVALUE cur ro
MEMO text
PROJECTID ref:PROJECT
TASKID text
COSTTYPEID text
LOCATIONID text
DEPARTMENTID text
RETAINAGEPERCENTAGE pct
TRX_AMOUNTRETAINED cur
RELATEDDOCKEY int ro
RELATEDDOCLINEKEY int ro
CHANGEAMOUNT cur ro
REVISEDVALUE cur ro
""", line_of="PODOCUMENT", generic_create=False, read_by_name=False))

register(_obj("APBILL", "Bill", """
RECORDID text:45
RECORD_URL text ro
RECORDTYPE text ro
STATE enum:Draft|Posted|Partially_Paid|Paid|Selected ro
RAWSTATE text ro
VENDORID ref:VENDOR
VENDORNAME text ro
DOCNUMBER text:45
DESCRIPTION text:1000
TERMNAME text
TERMVALUE text ro
WHENCREATED date
WHENPOSTED date
WHENDUE date
WHENPAID date ro
RECPAYMENTDATE date
PAYMENTPRIORITY enum:Urgent|High|Normal|Low
ONHOLD bool
CURRENCY text
BASECURR text
EXCH_RATE_TYPE_ID text
ACTION enum:Draft|Submit
TOTALENTERED cur ro
TRX_TOTALENTERED cur ro
TOTALSELECTED cur ro
TOTALPAID cur ro
TRX_TOTALPAID cur ro
TOTALDUE cur ro
TRX_TOTALDUE cur ro
TOTALRETAINED cur ro
TRX_TOTALRETAINED cur ro
TOTALRELEASED cur ro
DUE_IN_DAYS int ro
PRBATCH text ro
MODULEKEY text ro
PROJECTID ref:PROJECT
""", lines=Lines("APBILLITEMS", "APBILLITEM"), read_by_name=False))
# WHENCREATED on a transaction is its date (a date, not the audit timestamp).
OBJECTS["APBILL"].fields["WHENCREATED"] = Field("WHENCREATED", "date")
OBJECTS["PODOCUMENT"].fields["WHENCREATED"] = Field("WHENCREATED", "date")
OBJECTS["TASK"].fields["TASKSTATUS"].codes.update({"Not Started": "N", "Planned": "L", "In Progress": "P",
                                                  "Completed": "C", "On Hold": "H"})
OBJECTS["APBILL"].fields["STATE"].codes.update({"Draft": "D", "Partially Paid": "PA", "Selected": "S", "Paid": "P",
                                                "Posted": "A"})
register(_obj("APBILLITEM", "Bill Line", """
RECORDKEY int ro
LINE_NO int ro
ACCOUNTNO ref:GLACCOUNT
ACCOUNTLABEL text
OFFSETGLACCOUNTNO text ro
AMOUNT cur ro
TRX_AMOUNT cur
ENTRYDESCRIPTION text:1000
LOCATIONID text
DEPARTMENTID text
PROJECTID ref:PROJECT
PROJECTKEY int ro
TASKID text
TASKKEY int ro
COSTTYPEID text
COSTTYPEKEY int ro
CUSTOMERID ref:CUSTOMER
VENDORID ref:VENDOR
ITEMID ref:ITEM
CLASSID text
EMPLOYEEID text
BILLABLE bool
BILLED bool ro
RELEASETOPAY bool
TOTALPAID cur ro
TRX_TOTALPAID cur ro
RETAINAGEPERCENTAGE pct
TRX_AMOUNTRETAINED cur
AMOUNTRETAINED cur ro
TRX_AMOUNTRELEASED cur ro
STATE text ro
""", line_of="APBILL", read_by_name=False))

register(_obj("APPYMT", "AP Payment", """
FINANCIALENTITY ref:CHECKINGACCOUNT req
PAYMENTMETHOD enum:Printed_Check|Joint_Check|Cash|EFT|Credit_Card|ACH|Record_Transfer|Check req
VENDORID ref:VENDOR req
VENDORNAME text ro
DOCNUMBER text
DESCRIPTION text
PAYMENTDATE date req
RECEIPTDATE date
CURRENCY text
BASECURR text
ACTION enum:Draft|Submit
STATE enum:Draft|Submitted|Approved|Voided|Complete ro
AMOUNTTOPAY cur ro
TOTALPAID cur ro
""", lines=Lines("APPYMTDETAILS", "APPYMTDETAIL"), read_by_name=False))
OBJECTS["APPYMT"].fields["STATE"].codes.update({"Complete": "C", "Draft": "D", "Approved": "A", "Voided": "V",
                                                "Submitted": "S"})
register(_obj("APPYMTDETAIL", "AP Payment Detail", """
PAYMENTKEY int ro
RECORDKEY int req
ENTRYKEY int
TRX_PAYMENTAMOUNT cur
PAYMENTAMOUNT cur ro
""", line_of="APPYMT", read_by_name=False))

register(_obj("APRETAINAGERELEASE", "AP Retainage Release", """
DESCRIPTION text:1000 req
RELEASEDATE date
STATE enum:Draft|Released
TOTALRELEASED cur ro
""", lines=Lines("APRETAINAGERELEASEENTRIES", "APRETAINAGERELEASEENTRY"), read_by_name=False))
register(_obj("APRETAINAGERELEASEENTRY", "AP Retainage Release Entry", """
APRETAINAGERELEASEKEY int ro
RETAINAGEBILLKEY int req
RETAINAGEBILLITEMKEY int
TRX_AMOUNTRELEASED cur req
RELEASEBILLKEY int ro
""", line_of="APRETAINAGERELEASE", read_by_name=False))

register(_obj("PROJECTCONTRACT", "Project Contract", f"""
PROJECTCONTRACTID text:20 req id
NAME text:200 req
DESCRIPTION text:1000
PROJECTID ref:PROJECT req
PROJECTKEY int ro
CUSTOMERID ref:CUSTOMER req
CUSTOMERKEY int ro
CONTRACTDATE date req
RETAINAGEPERCENTAGE pct
BILLABLE bool
PROJECTCONTRACTTYPEID text
POSTED bool
WIPEXCLUDE bool
TOTALPRICE cur ro
{STATUS}
""", id_field="PROJECTCONTRACTID", update_keys=("RECORDNO", "PROJECTCONTRACTID")))
register(_obj("PROJECTCONTRACTLINE", "Project Contract Line", f"""
PROJECTCONTRACTID ref:PROJECTCONTRACT req
PROJECTCONTRACTKEY int ro
PROJECTCONTRACTLINEID text:20 req
NAME text:200 req
DESCRIPTION text:1000
CONTRACTLINEDATE date req
ACCOUNTNO ref:GLACCOUNT req
BILLINGTYPE enum:Progress|TM req
MAXIMUMBILLING enum:Total_revised_price|Specific_amount|None req
ITEMID ref:ITEM req
PROJECTID ref:PROJECT req
TASKID text
COSTTYPEID text
RETAINAGEPERCENTAGE pct
PARENTID text
PRICE cur ro
INVOICED bool ro
{STATUS}
""", lines=Lines("PROJECTCONTRACTLINEENTRIES", "PROJECTCONTRACTLINEENTRY"), read_by_name=False))
register(_obj("PROJECTCONTRACTLINEENTRY", "Project Contract Line Entry", """
PROJECTCONTRACTLINEKEY int ro
WFTYPE enum:original|revision|forecast|pending_change|approved_change|other
PRICE cur
PRICEEFFECTIVEDATE date
MEMO text
""", line_of="PROJECTCONTRACTLINE", read_by_name=False))

register(_obj("PROJECTCHANGEORDER", "Project Change Order", """
PROJECTCHANGEORDERID text:20 req id
PROJECTID ref:PROJECT req
PROJECTKEY int ro
PROJECTCHANGEORDERDATE date req
ITEMID ref:ITEM
PROJECTCHANGEORDERSTATE enum:Draft|Posted
CHANGEREQUESTSTATUSNAME text
PROJECTCONTRACTID ref:PROJECTCONTRACT
PROJECTCONTRACTLINEID text
PRICEEFFECTIVEDATE date
DESCRIPTION text:1000
TOTALCOST cur ro
TOTALPRICE cur ro
""", id_field="PROJECTCHANGEORDERID", update_keys=("RECORDNO", "PROJECTCHANGEORDERID")))

register(_obj("CHANGEREQUEST", "Change Request", """
CHANGEREQUESTID text:20 req id
PROJECTID ref:PROJECT req
PROJECTKEY int ro
CHANGEREQUESTDATE date req
CHANGEREQUESTSTATE enum:Draft|Posted
CHANGEREQUESTSTATUSNAME text
WFTYPE text ro
PROJECTCHANGEORDERID ref:PROJECTCHANGEORDER
PROJECTCONTRACTID ref:PROJECTCONTRACT
PROJECTCONTRACTLINEID text
PCNINTEGRATIONLEVEL enum:none|project_change_order|change_request|change_request_entry
DESCRIPTION text:1000
PRICEEFFECTIVEDATE date
TOTALCOST cur ro
TOTALPRICE cur ro
""", id_field="CHANGEREQUESTID", lines=Lines("CHANGEREQUESTENTRIES", "CHANGEREQUESTENTRY"),
    update_keys=("RECORDNO", "CHANGEREQUESTID")))
register(_obj("CHANGEREQUESTENTRY", "Change Request Entry", """
CHANGEREQUESTKEY int ro
PROJECTID ref:PROJECT req
TASKID text
COSTTYPEID text
ITEMID ref:ITEM
QTY dec
UNITCOST dec
COST cur
UNITPRICE dec
PRICE cur
PRICEMARKUPPERCENT pct
PRICEMARKUPAMOUNT cur
ACCOUNTNO ref:GLACCOUNT
MEMO text
PJESTIMATEENTRYKEY int ro
""", line_of="CHANGEREQUEST", read_by_name=False))

register(_obj("GLBATCH", "Journal Entry", """
BATCHNO int ro
JOURNAL ref:GLJOURNAL req
BATCH_DATE date req
REVERSEDATE date
BATCH_TITLE text:1000 req
STATE enum:Posted|Draft|Submitted|Approved|Declined|Reversed|Reversal_pending ro
ACTION enum:Draft|Submit
REFERENCENO text
""", lines=Lines("ENTRIES", "GLENTRY"), read_by_name=False))
OBJECTS["GLBATCH"].fields["STATE"].codes.update({"Posted": "P", "Draft": "I", "Submitted": "S", "Approved": "A",
                                                 "Declined": "R", "Reversed": "X", "Reversal pending": "Z"})
register(_obj("GLENTRY", "Journal Entry Line", """
BATCHNO int ro
BATCH_DATE date ro
BATCH_TITLE text ro
JOURNAL text ro
ENTRY_DATE date ro
STATE text ro
LINE_NO int ro
DOCUMENT text:30
ACCOUNTNO ref:GLACCOUNT req
ACCOUNTTITLE text ro
TR_TYPE enum:1|-1 req
AMOUNT cur
TRX_AMOUNT cur
CURRENCY text
DEPARTMENT text
LOCATION text
PROJECTID ref:PROJECT
TASKID text
COSTTYPEID text
VENDORID ref:VENDOR
CUSTOMERID ref:CUSTOMER
EMPLOYEEID text
ITEMID ref:ITEM
CLASSID text
DESCRIPTION text:1000
""", line_of="GLBATCH", read_by_name=False))


# The field on each line object that holds its header's RECORDNO.
PARENT_FIELD = {
    "APBILLITEM": "RECORDKEY", "PJESTIMATEENTRY": "PJESTIMATEKEY", "APPYMTDETAIL": "PAYMENTKEY",
    "GLENTRY": "BATCHNO", "CHANGEREQUESTENTRY": "CHANGEREQUESTKEY", "PODOCUMENTENTRY": "DOCHDRNO",
    "STANDARDTASKSTANDARDCOSTTYPE": "STANDARDTASKKEY", "APRETAINAGERELEASEENTRY": "APRETAINAGERELEASEKEY",
    "PROJECTCONTRACTLINEENTRY": "PROJECTCONTRACTLINEKEY",
}


def _register_standard() -> None:
    """The standard objects outside construction (``standard.py``), in the same tables."""
    for name, (label, spec, options) in STANDARD.items():
        opts = dict(options)
        lines, parent = opts.pop("lines", None), opts.pop("parent", None)
        if opts.get("id_field"):
            opts.setdefault("update_keys", ("RECORDNO", opts["id_field"]))
        if lines:
            opts["lines"] = Lines(*lines)
        if "line_of" in opts:
            opts.setdefault("read_by_name", False)
        elif not opts.get("id_field"):
            opts.setdefault("read_by_name", False)
        register(_obj(name, label, spec, **opts))
        if parent:
            PARENT_FIELD[name] = parent
    common = set(parse_fields(""))
    for name, spec in EXTRA.items():
        OBJECTS[name].fields.update({k: v for k, v in parse_fields(spec).items() if k not in common})


_register_standard()


def get(name: str) -> ObjectDef | None:
    return OBJECTS.get(name.upper())

"""Which REST object is which Intacct object, field by field.

A ``Resource`` names its REST path (``accounts-payable/vendor``), the Intacct
object behind it (``VENDOR``) and a map from REST field paths (dotted for
nested groups: ``contacts.default.printAs``) to Intacct fields. References to
other records are ``Ref``s, rendered as ``{key, id, name, href}`` and accepted
on write by ``id`` or ``key``. Types and read-only flags come from the Intacct
object's own definition, so the two wires cannot disagree about a field.

REST field names the reference marks UNVERIFIED (most beyond vendor, bill and
the construction headers) are camelCase renderings of the Intacct fields; the
model service describes exactly what is served.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

from simulator.intacct.schema import OBJECTS, ObjectDef


@dataclass(frozen=True)
class Ref:
    """A reference held in Intacct field ``field`` to a record of the REST object ``target``.

    ``scope`` names this row's fields that qualify the target's business key (a task is
    unique within its project). ``by_key`` means the Intacct field holds the target's key.
    """

    field: str
    target: str
    scope: tuple[str, ...] = ()
    by_key: bool = False


@dataclass(frozen=True)
class Enum:
    """An Intacct field whose values have fixed REST names (``TR_TYPE`` 1/-1 as debit/credit)."""

    field: str
    values: dict[str, str]


Spec = Union[str, Ref, Enum]


@dataclass(frozen=True)
class Resource:
    path: str
    xml: str
    fields: dict[str, Spec]
    id_field: str | None = None
    """The Intacct field shown as ``id``; without one, ``id`` is the key."""
    lines: tuple[str, str] | None = None
    """(REST collection name, REST path of the line object)."""
    ops: str = "cgud"
    name_field: str | None = "NAME"
    virtual: ObjectDef | None = None
    """For objects kept outside the records (entities, users): their definition."""

    @property
    def obj(self) -> ObjectDef:
        return self.virtual or OBJECTS[self.xml]

    @property
    def app(self) -> str:
        return self.path.split("/", 1)[0]

    def xml_field(self, spec: Spec) -> str:
        return spec if isinstance(spec, str) else spec.field


RESOURCES: dict[str, Resource] = {}
BY_XML: dict[str, Resource] = {}


def register(res: Resource) -> Resource:
    if res.xml not in OBJECTS:
        return res  # an object this build of the Intacct room does not hold yet
    obj = OBJECTS[res.xml]
    # Serve only fields the Intacct object defines, so both wires describe the same record.
    kept = {path: spec for path, spec in res.fields.items() if res.xml_field(spec) in obj.fields}
    res = replace(res, fields=kept, id_field=res.id_field if res.id_field in obj.fields else None)
    RESOURCES[res.path] = res
    BY_XML.setdefault(res.xml, res)
    return res


def dims(*names: str) -> dict[str, Spec]:
    """Per-line dimensions, nested under ``dimensions`` as REST does."""
    table: dict[str, Spec] = {
        "project": Ref("PROJECTID", "projects/project"),
        "task": Ref("TASKID", "projects/task", scope=("PROJECTID",)),
        "costType": Ref("COSTTYPEID", "construction/cost-type", scope=("PROJECTID", "TASKID")),
        "customer": Ref("CUSTOMERID", "accounts-receivable/customer"),
        "vendor": Ref("VENDORID", "accounts-payable/vendor"),
        "item": Ref("ITEMID", "inventory-control/item"),
        "location": "LOCATIONID", "department": "DEPARTMENTID", "class": "CLASSID", "employee": "EMPLOYEEID",
    }
    out: dict[str, Spec] = {}
    for name in names:
        spec = table[name]
        out[f"dimensions.{name}" if isinstance(spec, Ref) else f"dimensions.{name}.id"] = spec
    return out


STATUS = {"status": "STATUS"}
CONTACT = {
    "contacts.default.contactName": "DISPLAYCONTACT.CONTACTNAME",
    "contacts.default.companyName": "DISPLAYCONTACT.COMPANYNAME",
    "contacts.default.prefix": "DISPLAYCONTACT.PREFIX",
    "contacts.default.firstName": "DISPLAYCONTACT.FIRSTNAME",
    "contacts.default.lastName": "DISPLAYCONTACT.LASTNAME",
    "contacts.default.middleName": "DISPLAYCONTACT.INITIAL",
    "contacts.default.printAs": "DISPLAYCONTACT.PRINTAS",
    "contacts.default.isTaxable": "DISPLAYCONTACT.TAXABLE",
    "contacts.default.phone1": "DISPLAYCONTACT.PHONE1",
    "contacts.default.phone2": "DISPLAYCONTACT.PHONE2",
    "contacts.default.mobile": "DISPLAYCONTACT.CELLPHONE",
    "contacts.default.fax": "DISPLAYCONTACT.FAX",
    "contacts.default.email1": "DISPLAYCONTACT.EMAIL1",
    "contacts.default.email2": "DISPLAYCONTACT.EMAIL2",
    "contacts.default.URL1": "DISPLAYCONTACT.URL1",
    "contacts.default.mailingAddress.addressLine1": "DISPLAYCONTACT.MAILADDRESS.ADDRESS1",
    "contacts.default.mailingAddress.addressLine2": "DISPLAYCONTACT.MAILADDRESS.ADDRESS2",
    "contacts.default.mailingAddress.city": "DISPLAYCONTACT.MAILADDRESS.CITY",
    "contacts.default.mailingAddress.state": "DISPLAYCONTACT.MAILADDRESS.STATE",
    "contacts.default.mailingAddress.postCode": "DISPLAYCONTACT.MAILADDRESS.ZIP",
    "contacts.default.mailingAddress.country": "DISPLAYCONTACT.MAILADDRESS.COUNTRY",
}

# -- general ledger, items, banks ---------------------------------------------------

register(Resource("general-ledger/account", "GLACCOUNT", {
    "name": "TITLE", "accountType": "ACCOUNTTYPE", "normalBalance": "NORMALBALANCE", "closingType": "CLOSINGTYPE",
    "category": "CATEGORY", "alternativeGLAccount.id": "ALTERNATIVEACCOUNT", **STATUS,
}, id_field="ACCOUNTNO", name_field="TITLE"))
register(Resource("general-ledger/journal", "GLJOURNAL", {"name": "TITLE", **STATUS}, id_field="SYMBOL",
                  name_field="TITLE"))
register(Resource("inventory-control/item", "ITEM", {
    "name": "NAME", "itemType": "ITEMTYPE", "extendedDescription": "EXTENDED_DESCRIPTION",
    "productLine.id": "PRODUCTLINEID", "itemGLGroup.name": "GLGROUP", **STATUS,
}, id_field="ITEMID"))
register(Resource("cash-management/checking-account", "CHECKINGACCOUNT", {
    "bankName": "BANKNAME", "glAccount": Ref("GLACCOUNTNO", "general-ledger/account"), **STATUS,
}, id_field="BANKACCOUNTID", name_field="BANKNAME"))

# -- parties ----------------------------------------------------------------------

register(Resource("accounts-payable/vendor", "VENDOR", {
    "name": "NAME", "parent": Ref("PARENTID", "accounts-payable/vendor"),
    "vendorAccountNumber": "VENDORACCOUNTNO", "vendorType.id": "VENDTYPE", "accountLabel.id": "ACCOUNTLABEL",
    "defaultExpenseGLAccount.id": "APACCOUNT", "taxId": "TAXID", "creditLimit": "CREDITLIMIT",
    "term.id": "TERMNAME", "totalDue": "TOTALDUE", "retainagePercentage": "RETAINAGEPERCENTAGE",
    "isOneTimeUse": "ONETIME", "isOnHold": "ONHOLD", "paymentPriority": "PAYMENTPRIORITY",
    "currency": "CURRENCY", **STATUS, **CONTACT,
}, id_field="VENDORID"))
register(Resource("accounts-receivable/customer", "CUSTOMER", {
    "name": "NAME", "parent": Ref("PARENTID", "accounts-receivable/customer"), "salesRep.name": "CUSTREPNAME",
    "totalDue": "TOTALDUE", "customerGLGroup.id": "GLGROUP", "isOneTimeUse": "ONETIME", "isOnHold": "ONHOLD",
    "retainagePercentage": "RETAINAGEPERCENTAGE", **STATUS, **CONTACT,
}, id_field="CUSTOMERID"))

# -- projects and construction setup ----------------------------------------------

register(Resource("projects/project", "PROJECT", {
    "name": "NAME", "description": "DESCRIPTION", "currency": "CURRENCY", "projectCategory": "PROJECTCATEGORY",
    "projectStatus.id": "PROJECTSTATUS", "parent": Ref("PARENTID", "projects/project"),
    "customer": Ref("CUSTOMERID", "accounts-receivable/customer"), "projectType.id": "PROJECTTYPE",
    "manager.id": "MANAGERID", "department.id": "DEPARTMENTID", "location.id": "LOCATIONID", "class.id": "CLASSID",
    "startDate": "BEGINDATE", "endDate": "ENDDATE", "contractAmount": "CONTRACTAMOUNT", "budget.id": "BUDGETID",
    "scheduledStartDate": "SCHEDULEDSTARTDATE", "actualStartDate": "ACTUALSTARTDATE",
    "scheduledCompletionDate": "SCHEDULEDCOMPLETIONDATE", "actualCompletionDate": "ACTUALCOMPLETIONDATE",
    **STATUS,
}, id_field="PROJECTID"))
register(Resource("projects/task", "TASK", {
    "name": "NAME", "project": Ref("PROJECTID", "projects/project"),
    "parent": Ref("PARENTKEY", "projects/task", by_key=True),
    "standardTask": Ref("STANDARDTASKID", "construction/standard-task"), "taskStatus": "TASKSTATUS",
    "description": "DESCRIPTION", "item": Ref("ITEMID", "inventory-control/item"), "isBillable": "BILLABLE",
    "wbsCode": "TASKNO", "class.id": "CLASSID", "plannedStartDate": "PBEGINDATE", "plannedEndDate": "PENDDATE",
    "productionUnitDescription": "PRODUCTIONUNITDESC",
}, id_field="TASKID"))
register(Resource("construction/standard-cost-type", "STANDARDCOSTTYPE", {
    "name": "NAME", "description": "DESCRIPTION", "accumulationType.id": "ACCUMULATIONTYPENAME",
    "costUnitDescription": "COSTUNITDESCRIPTION", "glAccount": Ref("ACCOUNTNO", "general-ledger/account"),
    "parent.id": "PARENTID", "item": Ref("ITEMID", "inventory-control/item"), **STATUS,
}, id_field="STANDARDCOSTTYPEID"))
register(Resource("construction/standard-task-standard-cost-type", "STANDARDTASKSTANDARDCOSTTYPE", {
    "standardTask": Ref("STANDARDTASKKEY", "construction/standard-task", by_key=True),
    "standardCostType": Ref("STANDARDCOSTTYPEID", "construction/standard-cost-type"),
}, ops="g", name_field=None))
register(Resource("construction/standard-task", "STANDARDTASK", {
    "name": "NAME", "description": "DESCRIPTION", "item": Ref("ITEMID", "inventory-control/item"),
    "isBillable": "BILLABLE", "wbsCode": "TASKNO", "timeType.id": "TIMETYPENAME",
    "productionUnitDescription": "PRODUCTIONUNITDESC",
}, id_field="STANDARDTASKID", lines=("standardCostTypes", "construction/standard-task-standard-cost-type")))
register(Resource("construction/cost-type", "COSTTYPE", {
    "name": "NAME", "standardCostType": Ref("STANDARDCOSTTYPEID", "construction/standard-cost-type"),
    "project": Ref("PROJECTID", "projects/project"),
    "task": Ref("TASKID", "projects/task", scope=("PROJECTID",)),
    "description": "DESCRIPTION", "accumulationType.id": "ACCUMULATIONTYPENAME",
    "costUnitDescription": "COSTUNITDESCRIPTION", "glAccount": Ref("ACCOUNTNO", "general-ledger/account"),
    "parent.id": "PARENTID", "item": Ref("ITEMID", "inventory-control/item"),
    "actualStartDate": "ACTUALBEGINDATE", "actualEndDate": "ACTUALENDDATE", **STATUS,
}, id_field="COSTTYPEID"))

# -- estimates ---------------------------------------------------------------------

register(Resource("construction/project-estimate-line", "PJESTIMATEENTRY", {
    "projectEstimate": Ref("PJESTIMATEKEY", "construction/project-estimate", by_key=True),
    "workflowType": "WFTYPE", "amount": "AMOUNT", "quantity": "QTY", "unitCost": "UNITCOST",
    "productionUnits": "PRODUCTIONUNITS", "glAccount": Ref("ACCOUNTNO", "general-ledger/account"),
    "memo": "MEMO", "effectiveDate": "EFFECTIVEDATE", "estimateDate": "ESTIMATEDATE",
    "contract.id": "CONTRACTID",
    **dims("project", "task", "costType", "item", "vendor", "customer", "employee", "class", "department"),
}, ops="g", name_field=None))
register(Resource("construction/project-estimate", "PJESTIMATE", {
    "project": Ref("PROJECTID", "projects/project"), "description": "DESCRIPTION", "isPrimary": "ISPRIMARY",
    "isPosted": "POSTED", "projectEstimateType.id": "PJESTIMATETYPENAME", "glBudget.id": "GLBUDGETID",
    "estimateDate": "ESTIMATEDATE", "postTo": "POSTTO", "totalAmount": "TOTALAMOUNT", **STATUS,
}, id_field="PJESTIMATEID", lines=("projectEstimateLines", "construction/project-estimate-line"),
    name_field="DESCRIPTION"))

# -- accounts payable ---------------------------------------------------------------

register(Resource("accounts-payable/bill-line", "APBILLITEM", {
    "bill": Ref("RECORDKEY", "accounts-payable/bill", by_key=True), "lineNumber": "LINE_NO",
    "glAccount": Ref("ACCOUNTNO", "general-ledger/account"), "accountLabel.id": "ACCOUNTLABEL",
    "txnAmount": "TRX_AMOUNT", "baseAmount": "AMOUNT", "memo": "ENTRYDESCRIPTION",
    "isBillable": "BILLABLE", "isBilled": "BILLED", "releaseToPay": "RELEASETOPAY",
    "totalBaseAmountPaid": "TOTALPAID", "totalTxnAmountPaid": "TRX_TOTALPAID",
    "retainagePercentage": "RETAINAGEPERCENTAGE", "txnAmountRetained": "TRX_AMOUNTRETAINED",
    "baseAmountRetained": "AMOUNTRETAINED", "txnAmountReleased": "TRX_AMOUNTRELEASED", "state": "STATE",
    **dims("project", "task", "costType", "customer", "vendor", "item", "location", "department", "class",
           "employee"),
}, name_field=None))
register(Resource("accounts-payable/bill", "APBILL", {
    "billNumber": "RECORDID", "vendor": Ref("VENDORID", "accounts-payable/vendor"), "referenceNumber": "DOCNUMBER",
    "description": "DESCRIPTION", "term.id": "TERMNAME", "createdDate": "WHENCREATED", "postingDate": "WHENPOSTED",
    "dueDate": "WHENDUE", "paidDate": "WHENPAID", "recommendedPaymentDate": "RECPAYMENTDATE",
    "paymentPriority": "PAYMENTPRIORITY", "isOnHold": "ONHOLD", "currency.txnCurrency": "CURRENCY",
    "currency.baseCurrency": "BASECURR", "currency.exchangeRate.typeId": "EXCH_RATE_TYPE_ID", "state": "STATE",
    "action": "ACTION", "totalBaseAmount": "TOTALENTERED", "totalTxnAmount": "TRX_TOTALENTERED",
    "totalBaseAmountDue": "TOTALDUE", "totalTxnAmountDue": "TRX_TOTALDUE", "totalBaseAmountPaid": "TOTALPAID",
    "totalTxnAmountPaid": "TRX_TOTALPAID", "totalBaseAmountRetained": "TOTALRETAINED",
    "totalTxnAmountRetained": "TRX_TOTALRETAINED", "totalBaseAmountReleased": "TOTALRELEASED",
    "project": Ref("PROJECTID", "projects/project"),
}, lines=("lines", "accounts-payable/bill-line"), name_field=None))
register(Resource("accounts-payable/payment-detail", "APPYMTDETAIL", {
    "payment": Ref("PAYMENTKEY", "accounts-payable/payment", by_key=True),
    "bill": Ref("RECORDKEY", "accounts-payable/bill", by_key=True),
    "billLine": Ref("ENTRYKEY", "accounts-payable/bill-line", by_key=True),
    "txnAmountPaid": "TRX_PAYMENTAMOUNT", "baseAmountPaid": "PAYMENTAMOUNT",
}, ops="g", name_field=None))
register(Resource("accounts-payable/payment", "APPYMT", {
    "financialEntity": Ref("FINANCIALENTITY", "cash-management/checking-account"),
    "paymentMethod": "PAYMENTMETHOD", "vendor": Ref("VENDORID", "accounts-payable/vendor"),
    "documentNumber": "DOCNUMBER", "description": "DESCRIPTION", "paymentDate": "PAYMENTDATE",
    "receiptDate": "RECEIPTDATE", "currency.txnCurrency": "CURRENCY", "currency.baseCurrency": "BASECURR",
    "action": "ACTION", "state": "STATE", "txnAmountToPay": "AMOUNTTOPAY", "totalBaseAmountPaid": "TOTALPAID",
}, lines=("details", "accounts-payable/payment-detail"), name_field=None))
register(Resource("construction/ap-retainage-release-line", "APRETAINAGERELEASEENTRY", {
    "apRetainageRelease": Ref("APRETAINAGERELEASEKEY", "construction/ap-retainage-release", by_key=True),
    "bill": Ref("RETAINAGEBILLKEY", "accounts-payable/bill", by_key=True),
    "billLine": Ref("RETAINAGEBILLITEMKEY", "accounts-payable/bill-line", by_key=True),
    "txnAmountReleased": "TRX_AMOUNTRELEASED",
    "releaseBill": Ref("RELEASEBILLKEY", "accounts-payable/bill", by_key=True),
}, ops="g", name_field=None))
register(Resource("construction/ap-retainage-release", "APRETAINAGERELEASE", {
    "description": "DESCRIPTION", "releaseDate": "RELEASEDATE", "state": "STATE", "totalReleased": "TOTALRELEASED",
}, lines=("lines", "construction/ap-retainage-release-line"), name_field=None))

# -- contracts and change management --------------------------------------------------

register(Resource("construction/project-contract", "PROJECTCONTRACT", {
    "name": "NAME", "description": "DESCRIPTION", "project": Ref("PROJECTID", "projects/project"),
    "customer": Ref("CUSTOMERID", "accounts-receivable/customer"), "contractDate": "CONTRACTDATE",
    "retainagePercentage": "RETAINAGEPERCENTAGE", "isBillable": "BILLABLE",
    "projectContractType.id": "PROJECTCONTRACTTYPEID", "isPosted": "POSTED",
    "excludeFromWIPReporting": "WIPEXCLUDE", "summary.totalPrice": "TOTALPRICE", **STATUS,
}, id_field="PROJECTCONTRACTID"))
register(Resource("construction/project-contract-line-entry", "PROJECTCONTRACTLINEENTRY", {
    "projectContractLine": Ref("PROJECTCONTRACTLINEKEY", "construction/project-contract-line", by_key=True),
    "workflowType": "WFTYPE", "price": "PRICE", "priceEffectiveDate": "PRICEEFFECTIVEDATE", "memo": "MEMO",
}, ops="gd", name_field=None))
register(Resource("construction/project-contract-line", "PROJECTCONTRACTLINE", {
    "projectContract": Ref("PROJECTCONTRACTID", "construction/project-contract"), "name": "NAME",
    "description": "DESCRIPTION", "contractLineDate": "CONTRACTLINEDATE",
    "glAccount": Ref("ACCOUNTNO", "general-ledger/account"), "billingType": "BILLINGTYPE",
    "maximumBilling": "MAXIMUMBILLING", "item": Ref("ITEMID", "inventory-control/item"),
    "project": Ref("PROJECTID", "projects/project"), "task": Ref("TASKID", "projects/task", scope=("PROJECTID",)),
    "costType": Ref("COSTTYPEID", "construction/cost-type", scope=("PROJECTID", "TASKID")),
    "retainagePercentage": "RETAINAGEPERCENTAGE", "parent.id": "PARENTID", "totalPrice": "PRICE",
    "isInvoiced": "INVOICED", **STATUS,
}, id_field="PROJECTCONTRACTLINEID",
    lines=("projectContractLineEntries", "construction/project-contract-line-entry")))
CONTRACT_LINE = Ref("PROJECTCONTRACTLINEID", "construction/project-contract-line", scope=("PROJECTCONTRACTID",))
register(Resource("construction/project-change-order", "PROJECTCHANGEORDER", {
    "project": Ref("PROJECTID", "projects/project"), "projectChangeOrderDate": "PROJECTCHANGEORDERDATE",
    "item": Ref("ITEMID", "inventory-control/item"), "state": "PROJECTCHANGEORDERSTATE",
    "changeRequestStatus.id": "CHANGEREQUESTSTATUSNAME",
    "projectContract": Ref("PROJECTCONTRACTID", "construction/project-contract"), "projectContractLine": CONTRACT_LINE,
    "priceEffectiveDate": "PRICEEFFECTIVEDATE", "description": "DESCRIPTION", "totalCost": "TOTALCOST",
    "totalPrice": "TOTALPRICE",
}, id_field="PROJECTCHANGEORDERID", name_field="DESCRIPTION"))
register(Resource("construction/change-request-line", "CHANGEREQUESTENTRY", {
    "changeRequest": Ref("CHANGEREQUESTKEY", "construction/change-request", by_key=True),
    "quantity": "QTY", "unitCost": "UNITCOST", "cost": "COST", "unitPrice": "UNITPRICE", "price": "PRICE",
    "priceMarkupPercent": "PRICEMARKUPPERCENT", "priceMarkupAmount": "PRICEMARKUPAMOUNT",
    "glAccount": Ref("ACCOUNTNO", "general-ledger/account"), "memo": "MEMO",
    "projectEstimateLine": Ref("PJESTIMATEENTRYKEY", "construction/project-estimate-line", by_key=True),
    **dims("project", "task", "costType", "item"),
}, ops="g", name_field=None))
register(Resource("construction/change-request", "CHANGEREQUEST", {
    "project": Ref("PROJECTID", "projects/project"), "changeRequestDate": "CHANGEREQUESTDATE",
    "changeRequestState": "CHANGEREQUESTSTATE", "changeRequestStatus.id": "CHANGEREQUESTSTATUSNAME",
    "workflowType": "WFTYPE", "projectChangeOrder": Ref("PROJECTCHANGEORDERID", "construction/project-change-order"),
    "projectContract": Ref("PROJECTCONTRACTID", "construction/project-contract"), "projectContractLine": CONTRACT_LINE,
    "pcnIntegrationLevel": "PCNINTEGRATIONLEVEL", "description": "DESCRIPTION",
    "priceEffectiveDate": "PRICEEFFECTIVEDATE", "totalCost": "TOTALCOST", "totalPrice": "TOTALPRICE",
}, id_field="CHANGEREQUESTID", lines=("changeRequestLines", "construction/change-request-line"),
    name_field="DESCRIPTION"))

# -- general ledger -------------------------------------------------------------------

register(Resource("general-ledger/journal-entry-line", "GLENTRY", {
    "journalEntry": Ref("BATCHNO", "general-ledger/journal-entry", by_key=True), "lineNumber": "LINE_NO",
    "glAccount": Ref("ACCOUNTNO", "general-ledger/account"), "txnType": Enum("TR_TYPE", {"1": "debit", "-1": "credit"}),
    "baseAmount": "AMOUNT", "txnAmount": "TRX_AMOUNT", "currency.txnCurrency": "CURRENCY", "description": "DESCRIPTION",
    "dimensions.department.id": "DEPARTMENT", "dimensions.location.id": "LOCATION",
    **dims("project", "task", "costType", "vendor", "customer", "employee", "item", "class"),
}, ops="g", name_field=None))
register(Resource("general-ledger/journal-entry", "GLBATCH", {
    "glJournal": Ref("JOURNAL", "general-ledger/journal"), "postingDate": "BATCH_DATE",
    "reverseDate": "REVERSEDATE", "description": "BATCH_TITLE", "state": "STATE", "action": "ACTION",
    "referenceNumber": "REFERENCENO", "batchNumber": "BATCHNO",
}, lines=("lines", "general-ledger/journal-entry-line"), name_field="BATCH_TITLE"))


VARIANTS: dict[str, Resource] = {}


def get(path: str) -> Resource | None:
    """A served object; ``purchasing/document::{Definition}`` is the document object bound to one definition."""
    found = RESOURCES.get(path)
    if found is not None or "::" not in path:
        return found
    if path not in VARIANTS:
        base, _, name = path.partition("::")
        template = RESOURCES.get(base)
        if template is None or not name or template.xml not in ("PODOCUMENT", "PODOCUMENTENTRY"):
            return None
        lines = (template.lines[0], f"{template.lines[1]}::{name}") if template.lines else None
        VARIANTS[path] = replace(template, path=path, lines=lines, ops="cgud" if template.lines else "g")
    return VARIANTS[path]


def line_resource(res: Resource) -> Resource | None:
    return get(res.lines[1]) if res.lines else None


# -- company configuration (served when the Intacct room defines them) -----------------

register(Resource("company-config/location", "LOCATION", {
    "name": "NAME", "parent": Ref("PARENTID", "company-config/location"), "manager.id": "SUPERVISORID",
    "startDate": "STARTDATE", "endDate": "ENDDATE", "currency": "CURRENCY", **STATUS,
}, id_field="LOCATIONID"))
register(Resource("company-config/department", "DEPARTMENT", {
    "name": "TITLE", "parent": Ref("PARENTID", "company-config/department"), "manager.id": "SUPERVISORID",
    **STATUS,
}, id_field="DEPARTMENTID", name_field="TITLE"))
register(Resource("company-config/class", "CLASS", {
    "name": "NAME", "description": "DESCRIPTION", "parent": Ref("PARENTID", "company-config/class"), **STATUS,
}, id_field="CLASSID"))
register(Resource("company-config/employee", "EMPLOYEE", {
    "name": "PERSONALINFO.CONTACTNAME", "title": "TITLE", "location.id": "LOCATIONID",
    "department.id": "DEPARTMENTID", "startDate": "STARTDATE", "endDate": "ENDDATE", **STATUS,
}, id_field="EMPLOYEEID", name_field="PERSONALINFO.CONTACTNAME"))

register(Resource("company-config/user", "USERINFO", {
    "userName": "LOGINID", "description": "DESCRIPTION", "userType": "USERTYPE", "isAdmin": "ADMIN",
    "contact.name": "CONTACTINFO.CONTACTNAME", "contact.firstName": "CONTACTINFO.FIRSTNAME",
    "contact.lastName": "CONTACTINFO.LASTNAME", "contact.email1": "CONTACTINFO.EMAIL1",
    "isLoginDisabled": "LOGINDISABLED", **STATUS,
}, id_field="LOGINID", ops="g", name_field="DESCRIPTION"))

# -- purchasing ------------------------------------------------------------------------

register(Resource("purchasing/document-line", "PODOCUMENTENTRY", {
    "document": Ref("DOCHDRNO", "purchasing/document", by_key=True), "lineNumber": "LINE_NO",
    "unitQuantity": "QUANTITY", "unit": "UNIT", "unitPrice": "PRICE", "txnValue": "TRX_VALUE", "memo": "MEMO",
    "retainagePercentage": "RETAINAGEPERCENTAGE", "txnAmountRetained": "TRX_AMOUNTRETAINED",
    "sourceDocument": Ref("RELATEDDOCKEY", "purchasing/document", by_key=True),
    "sourceDocumentLine": Ref("RELATEDDOCLINEKEY", "purchasing/document-line", by_key=True),
    "changeAmount": "CHANGEAMOUNT", "revisedValue": "REVISEDVALUE",
    **dims("item", "project", "task", "costType", "location", "department"),
}, ops="g", name_field=None))
register(Resource("purchasing/document", "PODOCUMENT", {
    "documentNumber": "DOCNO", "txnDefinition.id": "DOCPARID", "state": "STATE", "txnDate": "WHENCREATED",
    "dueDate": "WHENDUE", "vendor": Ref("VENDORID", "accounts-payable/vendor"), "referenceNumber": "PONUMBER",
    "vendorDocumentNumber": "VENDORDOCNO", "memo": "MESSAGE", "project": Ref("PROJECTID", "projects/project"),
    "term.id": "TERMNAME", "txnCurrency": "CURRENCY", "subtotal": "SUBTOTAL", "total": "TOTAL",
    "totalRetained": "TOTALRETAINED", "changeOrderTotal": "CHANGEORDERTOTAL", "revisedTotal": "REVISEDTOTAL",
    "changeLogNumber": "CHANGELOGNUMBER", "sourceDocument": Ref("RELATEDDOCKEY", "purchasing/document", by_key=True),
    "contacts.payTo.contactName": "PAYTO.CONTACTNAME", "contacts.returnTo.contactName": "RETURNTO.CONTACTNAME",
}, id_field="DOCID", lines=("lines", "purchasing/document-line"), ops="g", name_field=None))


_HEADERS: dict[str, tuple[Resource, str] | None] = {}


def header_of(line: Resource) -> tuple[Resource, str] | None:
    """For a line object: its header resource and the REST name of the reference to it."""
    if line.path not in _HEADERS:
        _HEADERS[line.path] = _find_header(line)
    return _HEADERS[line.path]


def _find_header(line: Resource) -> tuple[Resource, str] | None:
    for res in [*RESOURCES.values(), *VARIANTS.values()]:
        if res.lines and res.lines[1] == line.path and res.xml != "PODOCUMENT":
            for name, spec in line.fields.items():
                if isinstance(spec, Ref) and spec.target == res.path:
                    return res, name
    return None

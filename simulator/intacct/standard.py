"""Intacct's standard objects outside construction, as data that ``schema.py`` registers.

Discovery tools call ``lookup`` on each of these and stop at the first
``Object definition ... not found``; a faithful definition with the tenant's
own (often empty) data beats an error. Specs use ``schema.py``'s field-line
format. Objects Intacct maintains itself (GLDETAIL, AUDITHISTORY) refuse
writes; ARPYMT is read-only here because applying receipts to invoices is
not modelled.
"""

from __future__ import annotations

from typing import Any

STATUS = "STATUS enum:active|inactive"

# Dimension fields every subledger line carries (reference §3: the line dimensions of bills and entries).
LINE_DIMENSIONS = """
LOCATIONID text
DEPARTMENTID text
PROJECTID ref:PROJECT
PROJECTKEY int ro
TASKID text
COSTTYPEID text
CUSTOMERID ref:CUSTOMER
VENDORID ref:VENDOR
EMPLOYEEID text
ITEMID ref:ITEM
CLASSID text
CONTRACTID text
"""

# Header fields shared by the AR and AP documents (invoice, adjustments), as on APBILL.
DOCUMENT = """
RECORDID text:45
RECORDTYPE text ro
STATE enum:Draft|Posted|Partially_Paid|Paid|Selected|Reversed ro
DOCNUMBER text:45
DESCRIPTION text:1000
WHENCREATED date req
WHENPOSTED date
CURRENCY text
BASECURR text
EXCH_RATE_TYPE_ID text
ACTION enum:Draft|Submit
TOTALENTERED cur ro
TRX_TOTALENTERED cur ro
TOTALPAID cur ro
TRX_TOTALPAID cur ro
TOTALDUE cur ro
TRX_TOTALDUE cur ro
PRBATCH text ro
"""

DOCUMENT_LINE = f"""
RECORDKEY int ro
LINE_NO int ro
ACCOUNTNO ref:GLACCOUNT req
ACCOUNTLABEL text
OFFSETGLACCOUNTNO text ro
AMOUNT cur ro
TRX_AMOUNT cur req
ENTRYDESCRIPTION text:1000
{LINE_DIMENSIONS}
"""

# name -> (label, spec, options). Options name ObjectDef fields; "lines" is (collection, line object),
# "parent" the line's field holding its header's RECORDNO.
STANDARD: dict[str, tuple[str, str, dict[str, Any]]] = {
    "CLASS": ("Class", f"""
CLASSID text:20 req id
NAME text:100 req
DESCRIPTION text:1000
PARENTKEY int ro
PARENTID ref:CLASS
PARENTNAME text ro
{STATUS}
""", {"id_field": "CLASSID"}),
    "DEPARTMENT": ("Department", f"""
DEPARTMENTID text:20 req id
TITLE text:40 req
PARENTKEY int ro
PARENTID ref:DEPARTMENT
PARENTNAME text ro
SUPERVISORKEY int ro
SUPERVISORID ref:EMPLOYEE
SUPERVISORNAME text ro
CUSTTITLE text:40
{STATUS}
""", {"id_field": "DEPARTMENTID"}),
    "LOCATION": ("Location", f"""
LOCATIONID text:20 req id
NAME text:100 req
PARENTKEY int ro
PARENTID ref:LOCATION
PARENTNAME text ro
SUPERVISORKEY int ro
SUPERVISORID ref:EMPLOYEE
SUPERVISORNAME text ro
STARTDATE date
ENDDATE date
CURRENCY text
FEDERALID text:20
CONTACTINFO.CONTACTNAME text:200
SHIPTO.CONTACTNAME text:200
{STATUS}
""", {"id_field": "LOCATIONID"}),
    "EMPLOYEE": ("Employee", f"""
EMPLOYEEID text:20 req id
PERSONALINFO.CONTACTNAME text:200 req
PERSONALINFO.FIRSTNAME text:40
PERSONALINFO.LASTNAME text:40
PERSONALINFO.EMAIL1 text:320
PERSONALINFO.PHONE1 text:30
TITLE text:50
EMPLOYEETYPE text
LOCATIONID ref:LOCATION
LOCATIONKEY int ro
DEPARTMENTID ref:DEPARTMENT
DEPARTMENTKEY int ro
CLASSID ref:CLASS
SUPERVISORID ref:EMPLOYEE
SUPERVISORNAME text ro
STARTDATE date
ENDDATE date
BIRTHDATE date
TERMINATIONTYPE enum:voluntary|involuntary|deceased|disability|retired
CURRENCY text
{STATUS}
""", {"id_field": "EMPLOYEEID"}),
    "CONTRACT": ("Contract", f"""
CONTRACTID text:20 req id
NAME text:100 req
DESCRIPTION text:1000
CUSTOMERID ref:CUSTOMER req
CUSTOMERNAME text ro
BILLTOCONTACTNAME text
SHIPTOCONTACTNAME text
BEGINDATE date req
ENDDATE date req
BILLINGFREQUENCY enum:Monthly|Quarterly|Annually
TERMNAME text
STATE enum:Draft|In_progress|Renewed|Not_renewed|Cancelled|Closed ro
CURRENCY text
LOCATIONID text
DEPARTMENTID text
PROJECTID ref:PROJECT
CLASSID text
TOTALCONTRACTVALUE cur ro
{STATUS}
""", {"id_field": "CONTRACTID"}),
    "WAREHOUSE": ("Warehouse", f"""
WAREHOUSEID text:20 req id
NAME text:40 req
LOC.LOCATIONID text
PARENTID ref:WAREHOUSE
MANAGERID text
CONTACTINFO.CONTACTNAME text:200
SHIPTO.CONTACTNAME text:200
USEDINGL bool
{STATUS}
""", {"id_field": "WAREHOUSEID"}),
    "SAVINGSACCOUNT": ("Savings Account", f"""
BANKACCOUNTID text:20 req id
BANKACCOUNTNO text:30
BANKNAME text:40
GLACCOUNTNO ref:GLACCOUNT
CURRENCY text
DEPARTMENTID text
LOCATIONID text
{STATUS}
""", {"id_field": "BANKACCOUNTID"}),
    "CREDITCARD": ("Charge Card Account", f"""
CARDID text:20 req id
CARDNUM text:20
CARDTYPE enum:Visa|Mastercard|Discover|American_Express|Diners_Club|Other
DESCRIPTION text:1000
EXP_MONTH text
EXP_YEAR text
LIABILITYTYPE enum:Credit|Debit
LIABACCTNO ref:GLACCOUNT
VENDORID ref:VENDOR
CURRENCY text
{STATUS}
""", {"id_field": "CARDID"}),
    "GLBUDGETHEADER": ("Budget", f"""
BUDGETID text:20 req id
DESCRIPTION text:100 req
SYSTEMGENERATED bool ro
DEFAULT_BUDGET bool
ISCONSOLIDATED bool
CURRENCY text
{STATUS}
""", {"id_field": "BUDGETID", "lines": ("GLBUDGETITEMS", "GLBUDGETITEM")}),
    "GLBUDGETITEM": ("Budget Detail", """
BUDGETKEY int ro
BUDGETID text ro
ACCOUNTNO ref:GLACCOUNT req
PERIODNAME text req
AMOUNT cur req
NOTE text:1000
DEPARTMENTID text
LOCATIONID text
PROJECTID ref:PROJECT
CLASSID text
CUSTOMERID ref:CUSTOMER
VENDORID ref:VENDOR
EMPLOYEEID text
ITEMID ref:ITEM
""", {"line_of": "GLBUDGETHEADER", "parent": "BUDGETKEY"}),
    "ARINVOICE": ("AR Invoice", f"""
CUSTOMERID ref:CUSTOMER req
CUSTOMERNAME text ro
{DOCUMENT}
TERMNAME text
WHENDUE date
WHENPAID date ro
ONHOLD bool
TOTALRETAINED cur ro
""", {"lines": ("ARINVOICEITEMS", "ARINVOICEITEM")}),
    "ARINVOICEITEM": ("AR Invoice Line", f"""
{DOCUMENT_LINE}
RETAINAGEPERCENTAGE pct
TRX_AMOUNTRETAINED cur
TOTALPAID cur ro
TRX_TOTALPAID cur ro
""", {"line_of": "ARINVOICE", "parent": "RECORDKEY"}),
    "ARADJUSTMENT": ("AR Adjustment", f"""
CUSTOMERID ref:CUSTOMER req
CUSTOMERNAME text ro
{DOCUMENT}
""", {"lines": ("ARADJUSTMENTITEMS", "ARADJUSTMENTITEM")}),
    "ARADJUSTMENTITEM": ("AR Adjustment Line", DOCUMENT_LINE, {"line_of": "ARADJUSTMENT", "parent": "RECORDKEY"}),
    "APADJUSTMENT": ("AP Adjustment", f"""
VENDORID ref:VENDOR req
VENDORNAME text ro
{DOCUMENT}
""", {"lines": ("APADJUSTMENTITEMS", "APADJUSTMENTITEM")}),
    "APADJUSTMENTITEM": ("AP Adjustment Line", DOCUMENT_LINE, {"line_of": "APADJUSTMENT", "parent": "RECORDKEY"}),
    "ARPYMT": ("AR Payment", """
FINANCIALENTITY text req
PAYMENTMETHOD enum:Printed_Check|Credit_Card|EFT|Cash|ACH|Record_Transfer req
CUSTOMERID ref:CUSTOMER req
CUSTOMERNAME text ro
DOCNUMBER text
DESCRIPTION text
RECEIPTDATE date req
PAYMENTDATE date
CURRENCY text
BASECURR text
STATE enum:Draft|Submitted|Approved|Voided|Complete ro
TOTALPAID cur ro
""", {"lines": ("ARPYMTDETAILS", "ARPYMTDETAIL"), "generic_create": False, "generic_update": False}),
    "ARPYMTDETAIL": ("AR Payment Detail", """
PAYMENTKEY int ro
RECORDKEY int req
ENTRYKEY int
TRX_PAYMENTAMOUNT cur
PAYMENTAMOUNT cur ro
""", {"line_of": "ARPYMT", "parent": "PAYMENTKEY"}),
    "GLDETAIL": ("General Ledger Detail", """
BATCHNO int ro
BATCH_DATE date ro
BATCH_TITLE text ro
JOURNAL text ro
ENTRY_DATE date ro
LINE_NO int ro
DOCUMENT text ro
ACCOUNTNO text ro
ACCOUNTTITLE text ro
TR_TYPE enum:1|-1 ro
AMOUNT cur ro
TRX_AMOUNT cur ro
DEBITAMOUNT cur ro
CREDITAMOUNT cur ro
CURRENCY text ro
DESCRIPTION text ro
DEPARTMENTID text ro
LOCATIONID text ro
PROJECTID text ro
TASKID text ro
COSTTYPEID text ro
VENDORID text ro
CUSTOMERID text ro
EMPLOYEEID text ro
ITEMID text ro
CLASSID text ro
STATE text ro
""", {"generic_create": False, "generic_update": False}),
    "AUDITHISTORY": ("Audit Trail", """
OBJECTTYPE text ro
OBJECTKEY text ro
OBJECTDESC text ro
USERID text ro
ACCESSTIME ts ro
ACCESSMODE enum:Create|Modify|Delete|View|Export|Print|Post|Reverse ro
WORKFLOWACTION text ro
SOURCE enum:UI|API|System ro
IPADDRESS text ro
""", {"generic_create": False, "generic_update": False}),
    "USERINFO": ("User", """
LOGINID text:50 req id
DESCRIPTION text:100
USERTYPE enum:business_user|employee_user|view_only_user|dashboard_user|project_manager_user|construction_manager_user|platform_user|warehouse_user|payment_approver|CRM_user
ADMIN bool
STATUS enum:active|inactive|lockedout
LOGINDISABLED bool
SSO_ENABLED bool
SSO_FEDERATED_ID text
CONTACTINFO.CONTACTNAME text:200
CONTACTINFO.FIRSTNAME text:40
CONTACTINFO.LASTNAME text:40
CONTACTINFO.EMAIL1 text:320
""", {"id_field": "LOGINID"}),
}



def contact(prefix: str) -> str:
    """A contact group (CONTACT.*, SHIPTO.*, BILLTO.*) as read-only fields, named as clients select them."""
    names = ("CONTACTNAME PREFIX FIRSTNAME INITIAL LASTNAME COMPANYNAME PRINTAS PHONE1 PHONE2 CELLPHONE PAGER FAX "
             "EMAIL1 EMAIL2 URL1 URL2 VISIBLE MAILADDRESS.ADDRESS1 MAILADDRESS.ADDRESS2 MAILADDRESS.CITY "
             "MAILADDRESS.STATE MAILADDRESS.ZIP MAILADDRESS.COUNTRY MAILADDRESS.COUNTRYCODE").split()
    return "\n".join(f"{prefix}.{name} text ro" for name in names)


MEGAENTITY = """
MEGAENTITYKEY int ro
MEGAENTITYID text ro
MEGAENTITYNAME text ro
"""
EXCHANGE = """
EXCH_RATE_DATE date
EXCH_RATE_TYPE_ID text
EXCHANGE_RATE dec
"""

# Further fields of objects (standard and construction alike) that the published Python client selects in
# its ``get_all`` (its dimensions_fields_mapping): without them its first page fails on an unknown field.
EXTRA: dict[str, str] = {
    "ARINVOICE": f"""
CUSTMESSAGEID text
CUSTMESSAGE.MESSAGE text ro
DESCRIPTION2 text
WHENDISCOUNT date
{EXCHANGE}
TOTALSELECTED cur ro
BILLTOPAYTOCONTACTNAME text
SHIPTORETURNTOCONTACTNAME text
{contact("CONTACT")}
{contact("SHIPTO")}
{contact("BILLTO")}
SYSTEMGENERATED bool ro
AUWHENCREATED ts ro
DUE_IN_DAYS int ro
SHIPTO.TAXGROUP.NAME text ro
SHIPTO.TAXID text ro
SHIPTO.TAXGROUP.RECORDNO int ro
TAXSOLUTIONID text
TAXMETHOD text
RETAINAGEPERCENTAGE pct
TRX_TOTALRETAINED cur ro
TRX_TOTALRELEASED cur ro
{MEGAENTITY}
""",
    "ARINVOICEITEM": f"""
ACCOUNTKEY int ro
ACCOUNTTITLE text ro
ACCOUNTLABELKEY int ro
OFFSETACCOUNTKEY int ro
OFFSETGLACCOUNTTITLE text ro
ENTRY_DATE date ro
DEPARTMENTNAME text ro
LOCATIONNAME text ro
{EXCHANGE}
ALLOCATIONKEY int ro
ALLOCATION text
LINEITEM text ro
CURRENCY text ro
BASECURR text ro
TRX_DISCOUNTAPPLIED cur ro
TOTALSELECTED cur ro
TRX_TOTALSELECTED cur ro
SUBTOTAL text ro
PARENTENTRY int ro
PAYMENTTAXCAPTURE text ro
DEFERREVENUE bool
REVRECTEMPLATEKEY int ro
REVRECTEMPLATE text
DEFERREDREVACCTKEY int ro
DEFERREDREVACCTNO text
DEFERREDREVACCTTITLE text ro
REVRECSTARTDATE date
REVRECENDDATE date
BASELOCATION int ro
STATE text ro
RECORDTYPE text ro
BILLABLECONTRACTSCHENTRYKEY int ro
BILLABLECONTRACTUSAGEBILLINGID text ro
DETAILKEY int ro
AMOUNTRETAINED cur ro
TRX_AMOUNTRELEASED cur ro
RETAINAGE_OFFSETGLACCOUNTNO text
PROJECTCONTRACTID text
PROJECTCONTRACTKEY int ro
PROJECTCONTRACTNAME text ro
PROJECTCONTRACTLINEID text
PROJECTCONTRACTLINEKEY int ro
PROJECTCONTRACTLINENAME text ro
ISRETAINAGERELEASE bool ro
ISSUMMARIZED bool ro
AMORTIZATIONTEMPLATEKEY int ro
AMORTIZATIONTEMPLATEID text
AMORTIZATIONSTARTDATE date
AMORTIZATIONENDDATE date
ORIGDOCKEY int ro
ORIGDOCLINEKEY int ro
ORIGDOCID text ro
ORIGDOCLINEID text ro
CLASSDIMKEY int ro
CLASSNAME text ro
CUSTOMERDIMKEY int ro
CUSTOMERNAME text ro
VENDORDIMKEY int ro
VENDORNAME text ro
EMPLOYEEDIMKEY int ro
EMPLOYEENAME text ro
ITEMDIMKEY int ro
ITEMNAME text ro
PROJECTDIMKEY int ro
PROJECTNAME text ro
CONTRACTDIMKEY int ro
CONTRACTNAME text ro
""",
    "ARPYMT": f"""
RECORDID text
RECORDTYPE text ro
PRBATCHKEY int ro
PRBATCH text ro
FINANCIALENTITYTYPE text ro
FINANCIALACCOUNTNAME text ro
FINANCIALACCOUNTCURRENCY text ro
SUMMARYTITLE text ro
DISPLAYSTATE text ro
PAYMENTMETHODKEY int ro
PAYERNAME text ro
WHENPAID date ro
{EXCHANGE}
TOTALENTERED cur ro
TOTALDUE cur ro
TRX_TOTALENTERED cur ro
TRX_TOTALPAID cur ro
TRX_TOTALDUE cur ro
BILLTOPAYTONAME text ro
BILLTOPAYTOKEY int ro
AUWHENCREATED ts ro
CLEARED text ro
CLRDATE date ro
PARENTPAYMENTKEY int ro
UNDEPOSITEDACCOUNTNO text
TAXSOLUTIONID text
SUPDOCID text
MULTIENTITYPYMTKEY int ro
RECORD_URL text ro
{MEGAENTITY}
""",
    "CREDITCARD": """
COMMCARD bool
OUTSOURCECARD bool
DEPT text
LOCATION text
""",
    "CHECKINGACCOUNT": """
BANKACCOUNTNO text:30
ROUTINGNO text:9
BRANCHID text
BANKACCOUNTTYPE text
DEPARTMENTID text
LOCATIONID text
ACHBANKID text
COMPANYNAME text
""",
    "CLASS": f"""
{MEGAENTITY}
RECORD_URL text ro
""",
    "CONTRACT": """
CONTRACTTYPE text
TERMTYPE text
EVERGREENMACRO text
PRCLIST text
MEAPRCLIST text
ADVBILLBY int
ADVBILLBYTYPE text
RENEWALADVBILLBY int
RENEWALADVBILLBYTYPE text
SUPDOCID text
VENDORID ref:VENDOR
EXCHRATETYPE text
RENEWAL bool
RENEWALMACRO text
RENEWTERMLENGTH int
RENEWTERMPERIOD text
""",
    "EMPLOYEE": f"""
SSN text:11
EMPLOYEETYPE1099TYPE text
GENDER text
{contact("CONTACT")}
CONTACTKEY int ro
PAYMETHODKEY int ro
{MEGAENTITY}
""",
    "GLDETAIL": """
BATCHKEY int ro
BATCH_NO int ro
SYMBOL text ro
BOOKID text ro
CHILDENTITY text ro
MODIFIED ts ro
REFERENCENO text ro
ADJ bool ro
MODULEKEY text ro
OWNERSHIPKEY int ro
STATISTICAL bool ro
DEPARTMENTTITLE text ro
LOCATIONNAME text ro
BASECURR text ro
""",
    "GLBATCH": """
TAXIMPLICATIONS text
VATVENDORID text
VATCUSTOMERID text
VATCONTACTID text
BASELOCATION_NO int ro
TAXSOLUTIONID text
""",
}

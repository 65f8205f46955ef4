"""Sage 100 Contractor's tables as data: the one source of truth.

The wire layer validates against these definitions, the domain model reads
their keys and links, and ``openapi.py`` turns them into the served OpenAPI
document, so the three cannot drift apart.

Names are Sage's own six-character table and column names. Lengths, scales
and enums come from the reference (sage100-procore.md Part A); where it is
silent the choice is listed in docs/fidelity-sage100.md.

Decimal sizes are written the way Sage's import templates write them:
``digits`` before the point and ``places`` after, so money ``(10, 2)`` is SQL
``decimal(12,2)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from simulator.store import declare_index

# -- enums -----------------------------------------------------------------------

JOB_STATUS = {1: "Bid", 2: "Refused", 3: "Contract", 4: "Current", 5: "Complete", 6: "Closed"}
CHANGE_ORDER_STATUS = {1: "Approved", 2: "Open", 3: "Review", 4: "Disputed", 5: "Void", 6: "Rejected"}
PO_STATUS = {1: "Open", 2: "Review", 3: "Dispute", 4: "Closed", 5: "Void", 6: "Master"}
INVOICE_STATUS = {1: "Open", 2: "Review", 3: "Dispute", 4: "Paid", 5: "Void"}
INVOICE_TYPE = {1: "Contract", 2: "Memo"}
JOB_COST_STATUS = {1: "Open", 2: "Void"}
# Journal and payroll records: open until voided (the same two states as job cost; not published).
LEDGER_STATUS = {1: "Open", 2: "Void"}
PAY_TYPE = {1: "Regular", 2: "Overtime", 3: "Premium"}
COST_TYPE = {1: "Material", 2: "Labor", 3: "Equipment", 4: "Subcontract", 5: "Other",
             6: "User defined 6", 7: "User defined 7", 8: "User defined 8", 9: "User defined 9"}
FIXED_COST_TYPES = (1, 2, 3, 4, 5)
VENDOR_PO_RULE = {0: "None", 1: "Warn if no PO", 2: "Require PO"}
# Where a job cost came from. Sage's own source numbers are not public; these name the windows.
JOB_COST_SOURCE = {1: "General journal (1-3)", 2: "Payable invoice (4-2)", 3: "Payroll (5-2)",
                   4: "Job cost (6-3)"}
SOURCE_JOURNAL, SOURCE_PAYABLES, SOURCE_PAYROLL, SOURCE_JOB_COST = 1, 2, 3, 4

# Statuses the system sets; a user may not.
SYSTEM_INVOICE_STATUSES = (4, 5)
APPROVED = 1
VOID_INVOICE = 5
PAID_INVOICE = 4

# Budget columns by cost type: current budget and its "original budget" twin.
BUDGET_COLUMNS = {1: ("matbdg", "matorg"), 2: ("labbdg", "laborg"), 3: ("eqpbdg", "eqporg"),
                  4: ("subbdg", "suborg"), 5: ("othbdg", "othorg"), 6: ("usrcs6", "cs6org"),
                  7: ("usrcs7", "cs7org"), 8: ("usrcs8", "cs8org"), 9: ("usrcs9", "cs9org")}

TERMS_PATTERN = r"^[0-9]{2}(DY|TH|MO)$"
MAX_JOB_NUMBER = 10**18 - 1  # bigint; the usable digit count is a per-company setting
MAX_NUMBER = 2**31 - 1


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """``int``, ``decimal``, ``str``, ``date``, ``datetime`` or ``bool``."""
    label: str
    length: int | None = None
    digits: int | None = None
    places: int = 0
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    enum: dict[int, str] | None = None
    pattern: str | None = None
    required: bool = False
    """Must be given on insert."""
    readonly: bool = False
    """Kept by Sage (totals, audit, links it assigns); refused as input unless unchanged."""
    key: bool = False
    """Part of the record's identity: fixed once inserted."""
    default: Any = None
    filter: bool = False
    """Usable as an equality filter when retrieving."""
    ref: str | None = None
    """The table this column points at, for documentation."""
    job_number: bool = False
    cost_code: bool = False
    doc: str = ""

    @property
    def scale(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    @property
    def limit(self) -> Decimal:
        """The largest magnitude a decimal column holds."""
        assert self.digits is not None
        return Decimal(10) ** self.digits - self.scale


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    window: str
    columns: tuple[Column, ...]
    key_column: str = "recnum"
    """The path key: ``recnum`` for records with their own number, ``_idnum`` for grid lines."""
    numbering: str = "given"
    """``given`` when the user supplies ``recnum``; ``auto`` when Sage assigns the next one."""
    header: str | None = None
    """For grid (line) tables: the header table."""
    link: str | None = None
    """For grid tables: the column holding the header's ``recnum`` (or ``_idnum`` for ``_idref``)."""
    lines: str | None = None
    """For header tables: the grid table joined to it."""
    insertable: bool = True
    deletable: bool = True
    actions: tuple[str, ...] = ()
    doc: str = ""
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column | None:
        return self.by_name.get(name)

    @property
    def key(self) -> Column:
        return self.by_name[self.key_column]

    @property
    def writable(self) -> list[Column]:
        return [c for c in self.columns if not c.readonly]


# -- column builders ---------------------------------------------------------------


def _int(name: str, label: str, **kw: Any) -> Column:
    kw.setdefault("minimum", 0)
    kw.setdefault("maximum", MAX_NUMBER)
    return Column(name, "int", label, **kw)


def _str(name: str, label: str, length: int, **kw: Any) -> Column:
    return Column(name, "str", label, length=length, **kw)


def _money(name: str, label: str, **kw: Any) -> Column:
    return Column(name, "decimal", label, digits=10, places=2, **kw)


def _hours(name: str, label: str, **kw: Any) -> Column:
    return Column(name, "decimal", label, digits=5, places=2, **kw)


def _rate(name: str, label: str, **kw: Any) -> Column:
    kw.setdefault("minimum", Decimal("0"))
    kw.setdefault("maximum", Decimal("100"))
    return Column(name, "decimal", label, digits=3, places=2, **kw)


def _date(name: str, label: str, **kw: Any) -> Column:
    return Column(name, "date", label, **kw)


def _bool(name: str, label: str, **kw: Any) -> Column:
    return Column(name, "bool", label, **kw)


def _job(name: str, label: str = "Job number", **kw: Any) -> Column:
    kw.setdefault("filter", True)
    return Column(name, "int", label, minimum=1, maximum=MAX_JOB_NUMBER, job_number=True, ref="actrec", **kw)


def _phase(name: str = "phsnum", label: str = "Phase (0 = none)", **kw: Any) -> Column:
    kw.setdefault("default", 0)
    return _int(name, label, ref="jobphs", **kw)


def _cost_code(name: str, label: str = "Cost code", **kw: Any) -> Column:
    kw.setdefault("filter", True)
    return Column(name, "decimal", label, digits=9, places=3, minimum=Decimal(1), cost_code=True, ref="cstcde",
                  doc="Numeric with up to 3 decimals, e.g. 2010.000; cannot begin with zero.", **kw)


def _cost_type(name: str = "csttyp", label: str = "Cost type", **kw: Any) -> Column:
    return Column(name, "int", label, enum=COST_TYPE, ref="csttyp", **kw)


def _vendor(name: str = "vndnum", label: str = "Vendor", **kw: Any) -> Column:
    kw.setdefault("filter", True)
    return _int(name, label, minimum=1, ref="actpay", **kw)


def _status(enum: dict[int, str], default: int, label: str = "Status", **kw: Any) -> Column:
    return Column("status", "int", label, enum=enum, default=default, filter=True, **kw)


def _terms(name: str, label: str, length: int) -> Column:
    return _str(name, label, length, pattern=TERMS_PATTERN,
                doc="Terms: two digits then DY (days after), TH (day of next month) or MO (months after).")


def _address() -> tuple[Column, ...]:
    return (_str("addrs1", "Address 1", 50), _str("addrs2", "Address 2", 50), _str("ctynme", "City", 50),
            _str("state_", "State", 10), _str("zipcde", "Zip", 10), _str("phnnum", "Phone", 14))


IDNUM = Column("_idnum", "int", "Internal record id", readonly=True, minimum=1, maximum=MAX_JOB_NUMBER)
AUDIT = (
    Column("insdte", "datetime", "Inserted at (UTC)", readonly=True),
    _str("insusr", "Inserted by", 30, readonly=True),
    Column("upddte", "datetime", "Updated at (UTC)", readonly=True),
    _str("updusr", "Updated by", 30, readonly=True),
)


def _table(name: str, title: str, window: str, columns: tuple[Column, ...], **kw: Any) -> Table:
    return Table(name, title, window, (IDNUM, *columns, *AUDIT), **kw)


def _line_no() -> Column:
    return _int("linnum", "Line number", minimum=1, key=True,
                doc="Assigned after the last line when omitted; new lines always go below existing ones.")


def _auto_recnum(label: str) -> Column:
    return _int("recnum", label, minimum=1, maximum=MAX_JOB_NUMBER, key=True, filter=True,
                doc="Assigned by Sage (next free number) when omitted.")


# -- the tables --------------------------------------------------------------------

ACTREC = _table("actrec", "Jobs", "3-5", (
    _job("recnum", "Job number", required=True, key=True),
    _str("jobnme", "Job name", 75, required=True),
    _str("shtnme", "Short name", 30),
    _status(JOB_STATUS, 4, doc="Job status does not restrict posting."),
    _int("jobtyp", "Job type"),
    _int("clnnum", "Client", filter=True),
    *_address(),
    _str("contct", "Contact", 50),
    _int("slstax", "Sales tax district"),
    _terms("dscdte", "Discount terms", 6),
    _terms("duedte", "Due terms", 6),
    _rate("retain", "Retainage rate %"),
    _money("cntrct", "Contract amount"),
    _int("lgract", "Income ledger account"),
    _int("dptmnt", "Department", doc="Procore's subcontractor-invoice export needs a default department."),
    _str("connum", "Contract number", 30),
    _str("pchord", "Client purchase order", 30),
    _date("strdte", "Start date"),
    _date("cmpdte", "Completion date"),
    _bool("pstwip", "Post to work in progress", default=False,
          doc="Whether the job's costs post to a work-in-progress account."),
    _bool("inactv", "Inactive", default=False, filter=True),
), actions=("setbdgt",), doc="Job numbers are numeric. Set Budget (action setbdgt) copies the current budget "
                             "to the original budget columns of every budget line of the job.")

JOBPHS = _table("jobphs", "Job phases", "3-5", (
    _job("recnum", "Job number", required=True, key=True),
    _int("phsnum", "Phase number", minimum=1, required=True, key=True, filter=True,
         doc="Real phases start at 1; phase 0 means no phase and is never stored."),
    _str("phsnme", "Phase name", 50, required=True),
    _rate("retain", "Retainage rate %"),
), key_column="_idnum", doc="Phases (Procore sub jobs) belong to one job.")

CSTCDE = _table("cstcde", "Cost codes", "6-5", (
    _cost_code("recnum", "Cost code", required=True, key=True),
    _str("cdenme", "Name", 50, required=True),
    _int("divnum", "Division", required=True, filter=True),
    _str("untdsc", "Unit", 10),
    _int("cmpcde", "Workers' comp code"),
    _money("maxwge", "Maximum wage", minimum=Decimal("0"), doc="The wage cap for the workers' comp code."),
    _int("cmpcd2", "Second workers' comp code"),
    _int("dptnum", "Department"),
    _str("ntetxt", "Notes", 1000),
    _bool("inactv", "Inactive", default=False, filter=True),
), doc="Company-wide cost codes: numeric with 3 decimals, never beginning with zero.")

CSTTYP = _table("csttyp", "Cost types", "6-5", (
    Column("recnum", "int", "Cost type", enum=COST_TYPE, required=True, key=True),
    _str("typnme", "Name", 30, required=True),
), insertable=False, deletable=False,
    doc="Exactly nine cost types: 1 Material, 2 Labor, 3 Equipment, 4 Subcontract, 5 Other are fixed; "
        "6-9 are user-defined and may be renamed.")

ACTPAY = _table("actpay", "Vendors", "4-4", (
    _int("recnum", "Vendor number", minimum=1, required=True, key=True),
    _str("vndnme", "Vendor name", 75, required=True),
    _str("shtnme", "Short name", 30),
    _int("vndtyp", "Vendor type", filter=True),
    _str("contct", "Contact", 50),
    *_address(),
    _str("e_mail", "E-mail", 75),
    _int("minsts", "Minority status"),
    _int("taxdst", "Tax district"),
    _str("fedidn", "Federal tax id", 20),
    _bool("intrnl", "Internal vendor", default=False),
    _int("prt199", "1099 type"),
    _rate("dscrte", "Discount rate %"),
    _terms("dscdte", "Discount terms", 4),
    _terms("duedte", "Due terms", 4),
    _rate("cmprte", "Compliance rate %"),
    _cost_code("cdedft", "Default cost code", filter=False),
    _cost_type("typdft", "Default cost type", filter=False),
    _int("pomesg", "Purchase order warning", enum=VENDOR_PO_RULE, default=0,
         doc="0 None, 1 warn when an invoice has no purchase order, 2 require one."),
    _bool("inactv", "Inactive", default=False, filter=True),
    _bool("dupchk", "Check duplicate invoice numbers", default=True),
), doc="Vendor invoice defaults (due and discount terms) fill in invoice due dates.")

_BUDGET_AMOUNTS: list[Column] = []
for _type, (_current, _original) in BUDGET_COLUMNS.items():
    _BUDGET_AMOUNTS.append(_money(_current, f"Budget: {COST_TYPE[_type]}"))
for _type, (_current, _original) in BUDGET_COLUMNS.items():
    _BUDGET_AMOUNTS.append(_money(_original, f"Original budget: {COST_TYPE[_type]}"))

BDGLIN = _table("bdglin", "Budget lines", "6-2", (
    _job("recnum", "Job number", required=True, key=True),
    _phase(key=True),
    _cost_code("cstcde", required=True, key=True),
    _hours("hrsbdg", "Budget hours"),
    _hours("hrsorg", "Original budget hours"),
    *_BUDGET_AMOUNTS,
    _money("ttlbdg", "Total budget", readonly=True),
    _money("ttlorg", "Total original budget", readonly=True),
    Column("estunt", "decimal", "Estimated units", digits=8, places=4),
    Column("untcst", "decimal", "Unit cost", digits=6, places=4),
), key_column="_idnum",
    doc="One row per job, phase and cost code; each cost type is an amount column, with an original-budget twin.")

PRMCHG = _table("prmchg", "Change orders", "6-4-1", (
    _auto_recnum("Change order record"),
    _int("chgnum", "Change order number", minimum=1, filter=True,
         doc="Next number for the job and phase when omitted; numbering is independent per phase."),
    _date("chgdte", "Change order date"),
    _job("jobnum", required=True),
    _phase(),
    _str("dscrpt", "Description", 50),
    _status(CHANGE_ORDER_STATUS, 2, doc="Only 1-Approved change orders change budgets and subcontracts."),
    _int("chgtyp", "Change type"),
    _money("reqamt", "Requested amount"),
    _money("appamt", "Approved amount"),
    _money("ovhamt", "Overhead amount"),
    _date("subdte", "Submitted date"),
    _date("aprdte", "Approved date", doc="Set to today on approval when blank."),
    _date("invdte", "Invoiced date"),
    _str("pchord", "Client purchase order", 30),
    _str("ntetxt", "Scope", 1000),
), numbering="auto", lines="sbcgln")

SBCGLN = _table("sbcgln", "Change order budget & subcontract lines", "6-4-1", (
    _int("recnum", "Change order record", minimum=1, required=True, key=True, filter=True, ref="prmchg"),
    _line_no(),
    _str("dscrpt", "Description", 50),
    _hours("chghrs", "Change hours"),
    Column("chgunt", "decimal", "Change units", digits=8, places=4),
    _money("bdgprc", "Budget price", default="0.00"),
    _vendor(filter=False),
    _int("vndctc", "Subcontract record", minimum=1, ref="subcon",
         doc="With a subcontract, an approved line changes it: blank ctclin adds a new line, a filled one "
             "changes that line."),
    _int("ctclin", "Subcontract line", minimum=1),
    _int("chgnum", "Change order number", readonly=True),
    Column("chgsts", "int", "Line status", enum=CHANGE_ORDER_STATUS,
           doc="Blank follows the change order; lines may be approved individually."),
    _cost_code("cstcde", required=True),
    _cost_type(required=True),
    _rate("ovhmrk", "Overhead markup %"),
), key_column="_idnum", header="prmchg", link="recnum")

SUBCON = _table("subcon", "Subcontracts", "6-7-1", (
    _auto_recnum("Subcontract record"),
    _str("ctcnum", "Subcontract number", 20, required=True, filter=True),
    _int("divnum", "Division"),
    _vendor(required=True),
    _job("jobnum", required=True),
    _phase(),
    _str("dscrpt", "Description", 50),
    _int("taxdst", "Tax district"),
    _status(JOB_STATUS, 3),
    _int("contyp", "Contract type"),
    _rate("rtnrte", "Retention rate %", default="0.00"),
    _bool("pmtbnd", "Payment bond", default=False),
    _bool("prfbnd", "Performance bond", default=False),
    _date("appdte", "Approved date"),
    _date("condte", "Subcontract date"),
    _date("orgstr", "Original start date"),
    _date("orgfin", "Original finish date"),
    _date("strdte", "Start date"),
    _date("subcmp", "Substantial completion date"),
    _date("findte", "Finish date"),
    _bool("hotlst", "Hot list", default=False),
    _bool("paysts", "Hold pay", default=False, doc="While set, invoices on this subcontract cannot be paid."),
    _bool("lckedt", "Lock edit", default=False, doc="While set, the subcontract and its lines cannot be edited."),
    _date("entdte", "Entered date", readonly=True),
    _str("usrnme", "Entered by", 30, readonly=True),
    _money("cntttl", "Original contract", readonly=True),
    _money("chgttl", "Approved changes", readonly=True),
    _money("ctcttl", "New contract", readonly=True),
    _money("taxttl", "Sales tax", default="0.00", minimum=Decimal("0")),
    _money("invttl", "Invoiced", readonly=True),
    _money("balttl", "Remaining", readonly=True),
    _str("ntetxt", "Notes", 1000),
), numbering="auto", lines="sbcnln")

SBCNLN = _table("sbcnln", "Subcontract lines", "6-7-1", (
    _int("recnum", "Subcontract record", minimum=1, required=True, key=True, filter=True, ref="subcon"),
    _line_no(),
    _str("dscrpt", "Description", 50),
    _cost_code("cstcde", required=True),
    _cost_type(default=4),
    _money("amount", "Original contract", default="0.00"),
    _money("change", "Approved changes", readonly=True),
    _money("cntrct", "New contract", readonly=True),
    _money("billed", "Invoiced", readonly=True),
    _money("remain", "Remaining", readonly=True),
    _str("usrdf1", "User defined 1", 50),
    _str("linref", "Line reference", 20),
    _str("ntetxt", "Notes", 1000),
), key_column="_idnum", header="subcon", link="recnum")

PCHORD = _table("pchord", "Purchase orders", "6-6-1", (
    _auto_recnum("Purchase order record"),
    _str("ordnum", "Order number", 20, required=True, filter=True),
    _date("orddte", "Order date"),
    _vendor(required=True),
    _job("jobnum"),
    _phase(),
    _str("dscrpt", "Description", 50),
    _status(PO_STATUS, 1),
    _int("ordtyp", "Order type"),
    _date("rcvdte", "Received date"),
    _money("subttl", "Subtotal", readonly=True),
    _money("slstax", "Sales tax", default="0.00"),
    _money("pchttl", "Total", readonly=True),
    _money("cancel", "Cancelled", readonly=True),
    _money("pchbal", "Balance", readonly=True, doc="Total less cancelled less invoiced."),
), numbering="auto", lines="pcorln")

PCORLN = _table("pcorln", "Purchase order lines", "6-6-1", (
    _int("recnum", "Purchase order record", minimum=1, required=True, key=True, filter=True, ref="pchord"),
    _line_no(),
    _str("dscrpt", "Description", 50),
    _cost_code("cstcde"),
    _cost_type(),
    Column("linqty", "decimal", "Quantity", digits=8, places=4, default="1.0000"),
    Column("linprc", "decimal", "Unit price", digits=6, places=4, default="0.0000"),
    _money("extttl", "Extended total", readonly=True, doc="Quantity times price."),
    _date("rcvdte", "Received date"),
    _money("cancel", "Cancelled amount", default="0.00"),
), key_column="_idnum", header="pchord", link="recnum",
    doc="A purchase order change appends lines below the existing ones.")

ACPINV = _table("acpinv", "Payable invoices", "4-2", (
    _auto_recnum("Invoice record"),
    _str("invnum", "Invoice number", 20, required=True, filter=True),
    _vendor(required=True),
    _job("jobnum"),
    _phase(),
    _str("pchord", "Purchase order", 20, ref="pchord", filter=True),
    _str("ctcnum", "Subcontract", 20, ref="subcon", filter=True),
    _date("invdte", "Invoice date"),
    _date("duedte", "Due date", doc="From the vendor's due terms when omitted."),
    _date("dscdte", "Discount date", doc="From the vendor's discount terms when omitted."),
    _str("dscrpt", "Description", 50),
    Column("invtyp", "int", "Invoice type", enum=INVOICE_TYPE, default=1),
    _status(INVOICE_STATUS, 1, doc="Users set 1-3; 4-Paid and 5-Void are set by payment and void processing."),
    _money("retain", "Retention", doc="Retainage held; defaults to the subcontract's retention rate."),
    _money("hldamt", "Retention held on lines", readonly=True, doc="The sum of the lines' hldamt."),
    _money("setpay", "Amount set to pay", minimum=Decimal("0"),
           doc="The amount selected for the next payment run (4-3-1); at most the balance."),
    _money("invttl", "Invoice total", readonly=True),
    _money("invnet", "Net of retention", readonly=True),
    _money("amtpad", "Amount paid", readonly=True),
    _money("invbal", "Balance", readonly=True),
    _int("actper", "Accounting period", minimum=1, maximum=12),
    _int("btcnum", "Batch"),
    _int("lgrrec", "Ledger record", readonly=True, ref="lgrtrn",
         doc="The general-ledger transaction the posting wrote; this simulator posts to job cost only, so it "
             "stays empty."),
    _int("vodrec", "Void ledger record", readonly=True, ref="lgrtrn",
         doc="The general-ledger transaction the void wrote; empty here, as lgrrec."),
    _bool("posted", "Posted", readonly=True, filter=True,
          doc="Whether the invoice has posted (Sage shows it by lgrrec). Posting writes the job cost; invoices "
              "entered through the API may arrive unposted."),
), numbering="auto", lines="apivln", actions=("post", "void"))

APIVLN = _table("apivln", "Payable invoice lines", "4-2", (
    Column("_idref", "int", "Invoice", minimum=1, maximum=MAX_JOB_NUMBER, required=True, key=True, filter=True,
           ref="acpinv", doc="The invoice's _idnum."),
    _line_no(),
    _str("prtdsc", "Description", 50),
    _job("jobnum", doc="Defaults to the invoice's job."),
    _phase(default=None),
    _cost_code("cstcde"),
    _cost_type(),
    _int("ctclin", "Subcontract line", minimum=1),
    Column("linqty", "decimal", "Quantity", digits=8, places=4),
    Column("linprc", "decimal", "Unit price", digits=6, places=4),
    _money("extttl", "Amount", doc="Quantity times price when both are given; otherwise required."),
    _money("hldamt", "Retention held"),
    _int("actnum", "Ledger account"),
    _int("subact", "Subaccount"),
), key_column="_idnum", header="acpinv", link="_idref")

ACPPMT = _table("acppmt", "Vendor payments", "4-3", (
    _auto_recnum("Payment record"),
    Column("_idref", "int", "Invoice", minimum=1, maximum=MAX_JOB_NUMBER, required=True, key=True, filter=True,
           ref="acpinv", doc="The paid invoice's _idnum."),
    _vendor(readonly=True),
    _str("invnum", "Invoice number", 20, readonly=True),
    _job("jobnum", readonly=True),
    _date("chkdte", "Check date"),
    _str("chknum", "Check number", 20, filter=True),
    _money("amount", "Amount", required=True, minimum=Decimal("0.01")),
    _str("dscrpt", "Description", 50),
    _int("actper", "Accounting period", minimum=1, maximum=12),
), numbering="auto", doc="Paying an invoice raises its amount paid; a fully paid invoice becomes 4-Paid.")

JOBCST = _table("jobcst", "Job costs", "6-3", (
    _auto_recnum("Job cost record"),
    _job("jobnum", required=True),
    _phase(),
    _cost_code("cstcde", required=True),
    _cost_type(required=True),
    _money("cstamt", "Cost amount", default="0.00"),
    _hours("csthrs", "Hours", default="0.00"),
    _str("trnnum", "Transaction number", 20, required=True, filter=True),
    _date("trndte", "Transaction date", required=True, filter=True),
    _str("dscrpt", "Description", 50, required=True),
    Column("srcnum", "int", "Source", enum=JOB_COST_SOURCE, default=SOURCE_JOB_COST, filter=True,
           doc="Payable-invoice costs (2) come only from posting 4-2 invoices."),
    _vendor(),
    _int("empnum", "Employee"),
    _int("eqpnum", "Equipment"),
    _int("payrec", "Payroll record", readonly=True, ref="payrec",
         doc="The payroll record (5-2) whose posting wrote this cost."),
    _str("wrkord", "Work order", 20),
    _status(JOB_COST_STATUS, 1, doc="2-Void is final."),
    _money("blgamt", "Billing amount"),
    _money("ovhamt", "Overhead amount"),
), numbering="auto")

LGRTRN = _table("lgrtrn", "General journal transactions", "1-3", (
    _auto_recnum("Journal transaction record"),
    _str("trnnum", "Transaction number", 20, required=True, filter=True),
    _date("trndte", "Transaction date", required=True, filter=True),
    _str("dscrpt", "Description", 50),
    _int("actprd", "Accounting period", minimum=1, maximum=12, doc="From the transaction date when omitted."),
    _int("postyr", "Posting year", minimum=1, maximum=9999, doc="From the transaction date when omitted."),
    Column("srcnum", "int", "Source", enum=JOB_COST_SOURCE, readonly=True, filter=True,
           doc="Transactions entered here are 1-General journal."),
    _status(LEDGER_STATUS, 1, readonly=True, doc="2-Void is set by the void action."),
    _str("pchord", "Purchase order", 20),
    _vendor(),
    _money("dbttot", "Total debits", readonly=True),
    _money("crdtot", "Total credits", readonly=True),
    _bool("posted", "Posted", readonly=True, filter=True,
          doc="Posting needs balanced lines and writes one job cost (source 1) per line with a job."),
), numbering="auto", lines="lgtnln", actions=("post", "void"),
    doc="Journal entries: lines debit and credit ledger accounts; lines with a job distribute the cost.")

LGTNLN = _table("lgtnln", "General journal lines", "1-3", (
    _int("recnum", "Journal transaction record", minimum=1, required=True, key=True, filter=True, ref="lgrtrn"),
    _line_no(),
    _int("lgract", "Ledger account", minimum=1, required=True),
    _int("subact", "Subaccount"),
    _str("dscrpt", "Description", 50),
    _money("dbtamt", "Debit", default="0.00", minimum=Decimal("0")),
    _money("crdamt", "Credit", default="0.00", minimum=Decimal("0")),
    _job("jobnum", filter=False, doc="With a job, the line's debit less credit posts as job cost."),
    _phase(default=None),
    _cost_code("cstcde", filter=False),
    _cost_type(),
    _int("empnum", "Employee"),
    _int("eqpnum", "Equipment"),
    _str("wrkord", "Work order", 20),
), key_column="_idnum", header="lgrtrn", link="recnum")

PAYREC = _table("payrec", "Payroll records", "5-2", (
    _auto_recnum("Payroll record"),
    _int("empnum", "Employee", minimum=1, required=True, filter=True),
    _date("chkdte", "Check date", required=True, filter=True),
    _str("chknum", "Check number", 20, filter=True),
    _date("perend", "Period ending"),
    _str("dscrpt", "Description", 50),
    _int("actper", "Accounting period", minimum=1, maximum=12, doc="From the check date when omitted."),
    _status(LEDGER_STATUS, 1, readonly=True, doc="2-Void is set by the void action."),
    _hours("ttlhrs", "Total hours", readonly=True),
    _money("grspay", "Gross pay", readonly=True, doc="The sum of the time card lines' amounts."),
    _bool("posted", "Posted", readonly=True, filter=True,
          doc="Posting writes one job cost (source 3) per time card line with a job, with its hours."),
), numbering="auto", lines="tmcdln", actions=("post", "void"),
    doc="A paycheck for one employee; its time card lines distribute labour to jobs.")

TMCDLN = _table("tmcdln", "Time card lines", "5-2", (
    _int("recnum", "Payroll record", minimum=1, required=True, key=True, filter=True, ref="payrec"),
    _line_no(),
    _date("dtewrk", "Date worked"),
    _job("jobnum", filter=False),
    _phase(default=None),
    _cost_code("cstcde", filter=False),
    _cost_type(default=2),
    Column("paytyp", "int", "Pay type", enum=PAY_TYPE, default=1),
    _hours("hrswrk", "Hours worked", required=True, minimum=Decimal("0")),
    Column("payrte", "decimal", "Pay rate", digits=4, places=4, minimum=Decimal("0"), default="0.0000"),
    _money("extttl", "Amount", readonly=True, doc="Hours times rate."),
    _str("wrkord", "Work order", 20),
    _str("dscrpt", "Description", 50),
), key_column="_idnum", header="payrec", link="recnum")

ACRINV = _table("acrinv", "Receivable invoices", "3-2", (
    _auto_recnum("Invoice record"),
    _str("invnum", "Invoice number", 20, required=True, filter=True),
    _job("jobnum", required=True),
    _phase(),
    _int("clnnum", "Client", filter=True, doc="From the job's client when omitted."),
    _date("invdte", "Invoice date"),
    _date("duedte", "Due date", doc="From the job's due terms when omitted."),
    _str("dscrpt", "Description", 50),
    _status(INVOICE_STATUS, 1, doc="Users set 1-3; 5-Void is set by the void action."),
    _money("retain", "Retention", doc="Defaults to the job's retainage rate times the invoice total."),
    _money("invttl", "Invoice total", readonly=True),
    _money("invnet", "Net of retention", readonly=True),
    _money("amtpad", "Amount received", readonly=True),
    _money("invbal", "Balance", readonly=True),
    _int("actper", "Accounting period", minimum=1, maximum=12),
), numbering="auto", lines="arivln", actions=("void",),
    doc="Owner billing: one invoice per job (and phase), with its lines.")

ARIVLN = _table("arivln", "Receivable invoice lines", "3-2", (
    Column("_idref", "int", "Invoice", minimum=1, maximum=MAX_JOB_NUMBER, required=True, key=True, filter=True,
           ref="acrinv", doc="The invoice's _idnum."),
    _line_no(),
    _str("dscrpt", "Description", 50),
    _cost_code("cstcde", filter=False),
    Column("linqty", "decimal", "Quantity", digits=8, places=4),
    Column("linprc", "decimal", "Unit price", digits=8, places=4),
    _money("extttl", "Amount", doc="Quantity times price when both are given; otherwise required."),
), key_column="_idnum", header="acrinv", link="_idref")

TABLES: dict[str, Table] = {t.name: t for t in (
    ACTREC, JOBPHS, CSTCDE, CSTTYP, ACTPAY, BDGLIN, PRMCHG, SBCGLN, SUBCON, SBCNLN, PCHORD, PCORLN,
    ACPINV, APIVLN, ACPPMT, JOBCST, LGRTRN, LGTNLN, PAYREC, TMCDLN, ACRINV, ARIVLN,
)}


def kind(table: str) -> str:
    """The store kind for a Sage table."""
    return f"sage100.{table}"


# Every column a page may be filtered by is indexed, and so is the change stamp behind
# ``updated_since``: pages filter in SQL and read only their own rows. Decimal columns are stored as
# text and compared as numbers, so they stay a scan.
for _table in TABLES.values():
    declare_index(kind(_table.name), [c.name for c in _table.columns
                                      if c.filter and c.type != "decimal" and c.name != "_idnum"] + ["upddte"])

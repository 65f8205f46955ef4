"""The bookkeeper's books, per ERP, in that ERP's own vocabulary.

Each book is one record kind shown as a table; columns name the ERP's own fields (Intacct's
``TOTALRETAINED``, Sage 100's ``retain``, Acumatica's ``RetainageTotal``) under the label that
ERP's screens use. Reading only: every change goes through a back-office action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.services import Service
from simulator.store import Records, Tenant
from simulator.tenants import Tenants

DEFAULT_ERP = "intacct"


@dataclass(frozen=True)
class Column:
    label: str
    path: str
    """A field name (``TOTALDUE``), or a dotted path into nested records (``fields.Balance``)."""
    money: bool = False


@dataclass(frozen=True)
class Book:
    slug: str
    title: str
    kind: str
    columns: tuple[Column, ...]
    about: str = ""


def col(label: str, path: str, money: bool = False) -> Column:
    return Column(label, path, money)


def value_at(data: dict[str, Any], path: str) -> Any:
    """A flat key first (Intacct's ``DISPLAYCONTACT.EMAIL1`` is one key), then a dotted walk."""
    if path in data:
        return data[path]
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


INTACCT = (
    Book("projects", "Projects", "intacct.PROJECT", (
        col("Project ID", "PROJECTID"), col("Name", "NAME"), col("Status", "PROJECTSTATUS"),
        col("Customer", "CUSTOMERNAME"), col("Begin date", "BEGINDATE"), col("Parent", "PARENTNAME"))),
    Book("tasks", "Tasks", "intacct.TASK", (
        col("Project", "PROJECTID"), col("Task ID", "TASKID"), col("Name", "NAME"), col("Status", "TASKSTATUS")),
        "Cost codes on a project, one task each."),
    Book("cost-types", "Cost types", "intacct.COSTTYPE", (
        col("Project", "PROJECTID"), col("Task", "TASKID"), col("Cost type ID", "COSTTYPEID"), col("Name", "NAME"))),
    Book("estimates", "Project estimates", "intacct.PJESTIMATE", (
        col("Estimate ID", "PJESTIMATEID"), col("Project", "PROJECTID"), col("Description", "DESCRIPTION"),
        col("Posted", "POSTED"), col("Total", "TOTALAMOUNT", True)), "Budgets arrive as estimates."),
    Book("vendors", "Vendors", "intacct.VENDOR", (
        col("Vendor ID", "VENDORID"), col("Name", "NAME"), col("Status", "STATUS"),
        col("Retainage %", "RETAINAGEPERCENTAGE"), col("Total due", "TOTALDUE", True))),
    Book("po-documents", "Purchasing documents", "intacct.PODOCUMENT", (
        col("Document", "DOCID"), col("Transaction definition", "DOCPARID"), col("Vendor", "VENDORID"),
        col("Project", "PROJECTID"), col("State", "STATE"), col("Total", "TOTAL", True),
        col("Change orders", "CHANGEORDERTOTAL", True), col("Revised total", "REVISEDTOTAL", True),
        col("Retained", "TOTALRETAINED", True)), "Subcontracts and purchase orders."),
    Book("bills", "AP bills", "intacct.APBILL", (
        col("Record no.", "RECORDNO"), col("Bill number", "RECORDID"), col("Vendor", "VENDORID"),
        col("Project", "PROJECTID"), col("Posted", "WHENPOSTED"), col("State", "STATE"),
        col("Entered", "TOTALENTERED", True), col("Retainage held", "TOTALRETAINED", True),
        col("Released", "TOTALRELEASED", True), col("Paid", "TOTALPAID", True), col("Due", "TOTALDUE", True))),
    Book("payments", "AP payments", "intacct.APPYMT", (
        col("Record no.", "RECORDNO"), col("Vendor", "VENDORID"), col("Date", "PAYMENTDATE"),
        col("Document", "DOCNUMBER"), col("State", "STATE"), col("Paid", "TOTALPAID", True))),
    Book("retainage-releases", "Retainage releases", "intacct.APRETAINAGERELEASE", (
        col("Record no.", "RECORDNO"), col("Description", "DESCRIPTION"), col("Date", "RELEASEDATE"),
        col("State", "STATE"), col("Released", "TOTALRELEASED", True))),
    Book("journal-entries", "Journal entries", "intacct.GLBATCH", (
        col("Record no.", "RECORDNO"), col("Journal", "JOURNAL"), col("Date", "BATCH_DATE"),
        col("Title", "BATCH_TITLE"), col("State", "STATE")), "Job costs posted in the general ledger."),
)

SAGE100 = (
    Book("jobs", "Jobs (3-5)", "sage100.actrec", (
        col("Job", "recnum"), col("Name", "jobnme"), col("Status", "status"), col("Contract", "cntrct", True),
        col("Start", "strdte"), col("Department", "dptmnt"))),
    Book("budget", "Budget lines (6-2)", "sage100.bdglin", (
        col("Job", "recnum"), col("Phase", "phsnum"), col("Cost code", "cstcde"),
        col("Subcontract", "subbdg", True), col("Material", "matbdg", True), col("Labor", "labbdg", True),
        col("Total budget", "ttlbdg", True))),
    Book("cost-codes", "Cost codes", "sage100.cstcde", (col("Cost code", "recnum"), col("Name", "cdenme"))),
    Book("vendors", "Vendors (4-4)", "sage100.actpay", (
        col("Vendor", "recnum"), col("Name", "vndnme"), col("Short name", "shtnme"), col("Due terms", "duedte"),
        col("Inactive", "inactv"))),
    Book("subcontracts", "Subcontracts (6-7)", "sage100.subcon", (
        col("Contract", "recnum"), col("Vendor", "vndnum"), col("Job", "jobnum"), col("Description", "dscrpt"),
        col("Status", "status"), col("Retention %", "rtnrte"), col("Original", "cntttl", True),
        col("Changes", "chgttl", True), col("Contract total", "ctcttl", True), col("Invoiced", "invttl", True),
        col("Balance", "balttl", True))),
    Book("change-orders", "Change orders (6-4)", "sage100.prmchg", (
        col("Record", "recnum"), col("Job", "jobnum"), col("Change", "chgnum"), col("Description", "dscrpt"),
        col("Status", "status"), col("Approved", "aprdte"))),
    Book("invoices", "Payable invoices (4-2)", "sage100.acpinv", (
        col("Record", "recnum"), col("Invoice", "invnum"), col("Vendor", "vndnum"), col("Job", "jobnum"),
        col("Date", "invdte"), col("Status", "status"), col("Total", "invttl", True),
        col("Retention", "retain", True), col("Net", "invnet", True), col("Paid", "amtpad", True),
        col("Balance", "invbal", True), col("Posted", "posted"))),
    Book("payments", "Payments (4-3)", "sage100.acppmt", (
        col("Record", "recnum"), col("Vendor", "vndnum"), col("Invoice", "invnum"), col("Job", "jobnum"),
        col("Check date", "chkdte"), col("Amount", "amount", True))),
    Book("job-cost", "Job cost (6-3)", "sage100.jobcst", (
        col("Record", "recnum"), col("Job", "jobnum"), col("Cost code", "cstcde"), col("Cost type", "csttyp"),
        col("Date", "trndte"), col("Description", "dscrpt"), col("Amount", "cstamt", True))),
)

ACUMATICA = (
    Book("projects", "Projects", "acumatica.Project", (
        col("Project ID", "fields.ProjectID"), col("Description", "fields.Description"),
        col("Status", "fields.Status"), col("Customer", "fields.Customer"))),
    Book("tasks", "Project tasks", "acumatica.ProjectTask", (
        col("Project", "fields.ProjectID"), col("Task", "fields.ProjectTaskID"),
        col("Description", "fields.Description"), col("Status", "fields.Status"))),
    Book("cost-budget", "Cost budget", "acumatica.ProjectBudget", (
        col("Project", "fields.ProjectID"), col("Task", "fields.ProjectTaskID"), col("Cost code", "fields.CostCode"),
        col("Account group", "fields.AccountGroup"), col("Original", "fields.OriginalBudgetedAmount", True),
        col("Description", "fields.Description"))),
    Book("vendors", "Vendors", "acumatica.Vendor", (
        col("Vendor ID", "fields.VendorID"), col("Name", "fields.VendorName"), col("Status", "fields.Status"),
        col("Terms", "fields.Terms"))),
    Book("subcontracts", "Subcontracts", "acumatica.Subcontract", (
        col("Subcontract Nbr.", "fields.SubcontractNbr"), col("Vendor", "fields.VendorID"),
        col("Vendor Ref.", "fields.VendorRef"), col("Description", "fields.Description"),
        col("Status", "fields.Status"), col("Retainage %", "fields.RetainagePct"),
        col("Total", "fields.SubcontractTotal", True), col("Retainage", "fields.RetainageTotal", True))),
    Book("purchase-orders", "Purchase orders", "acumatica.PurchaseOrder", (
        col("Order Nbr.", "fields.OrderNbr"), col("Vendor", "fields.VendorID"), col("Description", "fields.Description"),
        col("Status", "fields.Status"), col("Total", "fields.OrderTotal", True))),
    Book("change-orders", "Change orders", "acumatica.ChangeOrder", (
        col("Ref. Nbr.", "fields.RefNbr"), col("Project", "fields.ProjectID"), col("Description", "fields.Description"),
        col("Status", "fields.Status"), col("Commitments change", "fields.CommitmentsChangeTotal", True))),
    Book("bills", "Bills", "acumatica.Bill", (
        col("Reference Nbr.", "fields.ReferenceNbr"), col("Vendor", "fields.Vendor"),
        col("Vendor Ref.", "fields.VendorRef"), col("Project", "fields.Project"), col("Date", "fields.Date"),
        col("Status", "fields.Status"), col("Amount", "fields.Amount", True),
        col("Retainage", "custom.CurrentDocument.CuryRetainageTotal", True),
        col("Unreleased retainage", "custom.CurrentDocument.CuryRetainageUnreleasedAmt", True),
        col("Balance", "fields.Balance", True))),
    Book("checks", "Checks and payments", "acumatica.Check", (
        col("Reference Nbr.", "fields.ReferenceNbr"), col("Vendor", "fields.Vendor"),
        col("Date", "fields.ApplicationDate"), col("Status", "fields.Status"),
        col("Amount", "fields.PaymentAmount", True))),
    Book("transactions", "Project transactions", "acumatica.ProjectTransaction", (
        col("Reference Nbr.", "fields.ReferenceNbr"), col("Module", "fields.Module"),
        col("Description", "fields.Description"), col("Status", "fields.Status"),
        col("Total", "fields.TotalAmount", True)), "Job costs, released."),
)

BOOKS: dict[str, tuple[Book, ...]] = {"intacct": INTACCT, "sage100": SAGE100, "acumatica": ACUMATICA}
SHORT_NAMES = {"intacct": "Intacct", "sage100": "Sage 100", "acumatica": "Acumatica"}


def erps_of(tenants: Tenants) -> list[Service]:
    """The ERP rooms this server has books for."""
    return [svc for svc in tenants.services if svc.name in BOOKS]


def short_name(erp: str) -> str:
    return SHORT_NAMES.get(erp, erp)


def connected_erp(tenant: Tenant) -> str:
    """Which ERP the seat's Procore company is connected to (a per-tenant setting, Intacct by default)."""
    setting = tenant.config.get("procore", {})
    erp = setting.get("erp") if isinstance(setting, dict) else None
    return erp if isinstance(erp, str) and erp else DEFAULT_ERP


def book(erp: str, slug: str) -> Book | None:
    return next((b for b in BOOKS.get(erp, ()) if b.slug == slug), None)


def book_counts(erp: str, records: Records) -> list[tuple[Book, int]]:
    return [(b, records.count(b.kind)) for b in BOOKS.get(erp, ())]


def rows(b: Book, records: Records, limit: int = 500) -> list[tuple[int, list[Any]]]:
    """The book's records as table rows, newest first (what a bookkeeper looks at after a sync)."""
    out = []
    for rec in records.iter(b.kind):
        out.append((rec.id, [value_at(rec.data, c.path) for c in b.columns]))
    out.reverse()
    return out[:limit]

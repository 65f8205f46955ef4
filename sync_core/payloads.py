"""ERP-neutral shapes passed between the sync core and a connector.

Exports: the core resolves every Procore reference into the ERP's identifiers
(job id, vendor id, the commitment's origin id) before a connector sees it, so a
connector only maps fields to its wire format. Imports: connectors return
these shapes read from the ERP, and the core turns them into Procore objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


# -- exports -------------------------------------------------------------------


@dataclass(frozen=True)
class CostCodeSpec:
    code: str
    description: str
    cost_types: tuple[str, ...]
    sub_job: str | None = None


@dataclass(frozen=True)
class JobExport:
    job_id: str
    name: str
    project_number: str | None
    address: str | None
    city: str | None
    state: str | None
    zip: str | None
    start_date: dt.date | None
    completion_date: dt.date | None
    description: str | None
    cost_codes: tuple[CostCodeSpec, ...]


@dataclass(frozen=True)
class SubJobExport:
    job_id: str
    code: str
    name: str
    cost_codes: tuple[CostCodeSpec, ...]


@dataclass(frozen=True)
class VendorExport:
    vendor_id: str
    name: str
    address: str | None
    city: str | None
    state: str | None
    zip: str | None
    phone: str | None
    fax: str | None
    email: str | None
    website: str | None


@dataclass(frozen=True)
class BudgetLineExport:
    line_id: int
    cost_code: str
    cost_type: str
    sub_job: str | None
    amount: Decimal
    description: str


@dataclass(frozen=True)
class BudgetExport:
    job_id: str
    job_name: str
    budget_id: int
    lines: tuple[BudgetLineExport, ...]
    """Lines not yet in the ERP (all of them on the first export)."""
    origin_id: str | None
    """The ERP budget this budget is already linked to, when sending later changes."""
    origin_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetModificationExport:
    job_id: str
    job_name: str
    modification_id: int
    budget_origin_id: str | None
    budget_origin_data: dict[str, Any]
    from_cost_code: str
    from_cost_type: str
    from_sub_job: str | None
    to_cost_code: str
    to_cost_type: str
    to_sub_job: str | None
    amount: Decimal
    notes: str | None
    date: dt.date


@dataclass(frozen=True)
class CommitmentLineExport:
    line_id: int
    cost_code: str
    cost_type: str
    sub_job: str | None
    description: str
    quantity: Decimal | None
    uom: str | None
    unit_cost: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class CommitmentExport:
    kind: str  # subcontract | purchase_order
    job_id: str
    number: str
    title: str
    description: str | None
    vendor_id: str
    date: dt.date
    retainage_percent: Decimal
    accounting_method: str  # amount | unit
    lines: tuple[CommitmentLineExport, ...]


@dataclass(frozen=True)
class ChangeOrderLineExport:
    line_id: int
    commitment_line_origin: str | None
    """The synced commitment line this changes; None for a new line."""
    cost_code: str
    cost_type: str
    sub_job: str | None
    description: str
    quantity: Decimal | None
    uom: str | None
    unit_cost: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class ChangeOrderExport:
    commitment_kind: str
    commitment_origin_id: str
    commitment_origin_data: dict[str, Any]
    commitment_number: str
    job_id: str
    vendor_id: str
    number: str
    title: str
    description: str | None
    created_date: dt.date
    export_date: dt.date
    lines: tuple[ChangeOrderLineExport, ...]


@dataclass(frozen=True)
class PrimeContractLineExport:
    line_id: int
    description: str
    cost_code: str | None
    cost_type: str | None
    amount: Decimal


@dataclass(frozen=True)
class PrimeContractExport:
    job_id: str
    number: str
    title: str
    description: str | None
    status: str
    retainage_percent: Decimal
    customer_id: str | None
    date: dt.date
    export_date: dt.date
    lines: tuple[PrimeContractLineExport, ...]


@dataclass(frozen=True)
class PccoLineExport:
    line_id: int
    description: str
    cost_code: str
    cost_type: str
    amount: Decimal
    quantity: Decimal | None
    uom: str | None
    markup_amount: Decimal
    contract_line_origin: str | None


@dataclass(frozen=True)
class PccoExport:
    job_id: str
    contract_number: str
    contract_origin_id: str
    contract_origin_data: dict[str, Any]
    number: str
    title: str
    description: str | None
    date: dt.date
    export_date: dt.date
    lines: tuple[PccoLineExport, ...]


@dataclass(frozen=True)
class InvoiceLineExport:
    line_id: int
    commitment_line_origin: str | None
    cost_code: str
    cost_type: str
    sub_job: str | None
    description: str
    work_completed_this_period: Decimal
    materials_presently_stored: Decimal
    work_retainage_this_period: Decimal
    materials_retainage_this_period: Decimal
    work_retainage_released: Decimal
    materials_retainage_released: Decimal

    @property
    def amount(self) -> Decimal:
        return self.work_completed_this_period + self.materials_presently_stored

    @property
    def retainage_this_period(self) -> Decimal:
        return self.work_retainage_this_period + self.materials_retainage_this_period

    @property
    def retainage_released(self) -> Decimal:
        return self.work_retainage_released + self.materials_retainage_released


@dataclass(frozen=True)
class InvoiceExport:
    commitment_kind: str
    commitment_origin_id: str
    commitment_origin_data: dict[str, Any]
    commitment_number: str
    job_id: str
    vendor_id: str
    erp_invoice_id: str
    invoice_number: str
    description: str | None
    billing_date: dt.date
    accounting_date: dt.date
    period_start: dt.date | None
    period_end: dt.date | None
    total_completed_and_stored_to_date: Decimal
    total_retainage: Decimal
    lines: tuple[InvoiceLineExport, ...]
    synced_work_retainage_held: Decimal = ZERO
    """Work retainage still held (held less released) on the commitment's other invoices synced with the ERP."""

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def retainage_this_period(self) -> Decimal:
        return sum((line.retainage_this_period for line in self.lines), ZERO)

    @property
    def retainage_released(self) -> Decimal:
        return sum((line.retainage_released for line in self.lines), ZERO)

    @property
    def work_retainage_released(self) -> Decimal:
        return sum((line.work_retainage_released for line in self.lines), ZERO)

    @property
    def work_completed_this_period(self) -> Decimal:
        return sum((line.work_completed_this_period for line in self.lines), ZERO)


@dataclass(frozen=True)
class Receipt:
    """What an export left in the ERP: the link back, plus per-line links."""

    origin_id: str
    origin_data: dict[str, Any] = field(default_factory=dict)
    line_origins: dict[int, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    adopted: bool = False
    omitted: tuple[int, ...] = ()
    """Lines the ERP's rules leave out of the export (Intacct drops $0 budget lines)."""
    """True when the record was found in the ERP (an earlier attempt had committed)."""


# -- imports -------------------------------------------------------------------


@dataclass(frozen=True)
class ErpCostCode:
    code: str
    description: str
    cost_types: tuple[str, ...] = ()
    division: str | None = None
    project_specific: bool = False


@dataclass(frozen=True)
class ErpCostType:
    code: str
    name: str
    base_type: str | None = None


@dataclass(frozen=True)
class ErpJob:
    job_id: str
    name: str
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cost_codes: tuple[ErpCostCode, ...] = ()
    parent_job_id: str | None = None


@dataclass(frozen=True)
class ErpSubJob:
    job_id: str
    code: str
    name: str
    cost_codes: tuple[ErpCostCode, ...] = ()


@dataclass(frozen=True)
class ErpVendor:
    vendor_id: str
    name: str
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    active: bool = True


@dataclass(frozen=True)
class ErpBudgetLine:
    cost_code: str
    cost_type: str
    amount: Decimal
    sub_job: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ErpBudget:
    origin_id: str
    lines: tuple[ErpBudgetLine, ...]
    origin_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ErpJobCost:
    cost_code: str
    cost_type: str
    jtd_cost: Decimal
    mtd_cost: Decimal = ZERO
    commitment_invoiced: Decimal = ZERO
    jtd_paid: Decimal = ZERO
    mtd_paid: Decimal = ZERO
    sub_job: str | None = None


@dataclass(frozen=True)
class ErpCostTransactionLine:
    cost_code: str
    cost_type: str
    amount: Decimal
    description: str = ""
    sub_job: str | None = None


@dataclass(frozen=True)
class ErpCostTransaction:
    origin_id: str
    direct_cost_type: str  # invoice | subcontractor_invoice | payroll | expense
    status: str
    """The ERP's own status word; the connector says which it allows."""
    date: dt.date
    lines: tuple[ErpCostTransactionLine, ...]
    vendor_id: str | None = None
    invoice_number: str | None = None
    description: str = ""
    terms: str | None = None
    received_date: dt.date | None = None


@dataclass(frozen=True)
class ErpPayment:
    origin_id: str
    invoice_origin_id: str
    """The ERP bill/invoice the payment was applied to."""
    amount: Decimal
    date: dt.date
    check_number: str | None = None
    invoice_number: str | None = None
    payment_method: str | None = None

"""The Invoicing tool: subcontractor invoices (requisitions) with retainage held and released."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sync_core import payloads as p
from sync_core.errors import Locked, ValidationFailed
from sync_core.objects.base import ZERO, Collection, Entity, Line
from sync_core.objects.commitments import Commitment, CommitmentLine
from sync_core.values import Field, clean, fmt_money, money

# -- subcontractor invoices -----------------------------------------------------------

INVOICE_STATUSES = ("draft", "under_review", "revise_and_resubmit", "approved", "approved_as_noted",
                    "pending_owner_approval")


class Invoice(Entity):
    """A subcontractor invoice (requisition) against a commitment."""

    kind = "pm.invoice"
    label = "Subcontractor invoice"
    tool = "invoicing"
    erp_object = "subcontractor_invoices"
    # Synced invoices are immutable ("not editable because it has been synced with ERP").
    synced_locks = frozenset({"*"})
    schema = {
        "invoice_number": Field(required=True),
        "billing_date": Field("date", required=True),
        "period_start": Field("date"),
        "period_end": Field("date"),
        "status": Field("choice", choices=INVOICE_STATUSES, default="draft"),
        "description": Field(),
    }

    def describe(self) -> str:
        return f"Subcontractor invoice {self.data['invoice_number']}"

    @property
    def object_type(self) -> str:
        return "requisition"

    @property
    def commitment(self) -> Commitment:
        assert self.parent_id is not None
        return Commitment.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[InvoiceLine]:
        return Collection(self.company, InvoiceLine, self).all()

    def add_line(self, line: CommitmentLine, *, work_completed: Any = "0", materials_stored: Any = "0",
                 work_retainage: Any = None, materials_retainage: Any = None,
                 work_retainage_released: Any = "0", materials_retainage_released: Any = "0",
                 description: str | None = None) -> InvoiceLine:
        """Bill against an SOV line. Retainage defaults to the commitment's default retainage percent."""
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        commitment = self.commitment
        if line.parent_id != commitment.id:
            raise ValidationFailed([f"{line.describe()} is not on {commitment.describe()}"])
        rate = (commitment.default_retainage or ZERO) / 100
        work, materials = money(work_completed), money(materials_stored)
        values = {
            "commitment_line": line.id,
            "description": description if description is not None else line.data.get("description") or "",
            "work_completed_this_period": work,
            "materials_presently_stored": materials,
            "work_retainage_this_period": money(work * rate) if work_retainage is None else work_retainage,
            "materials_retainage_this_period": money(materials * rate) if materials_retainage is None
            else materials_retainage,
            "work_retainage_released": work_retainage_released,
            "materials_retainage_released": materials_retainage_released,
        }
        data = clean(InvoiceLine.schema, values, what="invoice line")
        problems = []
        for name in ("work_completed_this_period", "materials_presently_stored", "work_retainage_this_period",
                     "materials_retainage_this_period", "work_retainage_released",
                     "materials_retainage_released"):
            if Decimal(data[name]) < 0 and name.endswith("released"):
                problems.append(f"{name.replace('_', ' ')} cannot be negative")
        held = self._retainage_held_before(line)
        released = Decimal(data["work_retainage_released"]) + Decimal(data["materials_retainage_released"])
        if released > held + Decimal(data["work_retainage_this_period"]) + \
                Decimal(data["materials_retainage_this_period"]):
            problems.append(f"cannot release {fmt_money(released)} of retainage on {line.describe()}: only "
                            f"{fmt_money(held)} is held")
        if problems:
            raise ValidationFailed(problems)
        id = self.company.records.insert(InvoiceLine.kind, data, parent=self.id)
        self._audit("edit", f"billed {fmt_money(work + materials)} on {line.describe()}")
        return InvoiceLine(self.company, id, data, self.id)

    def _previous(self) -> list[Invoice]:
        return [inv for inv in self.commitment.invoices.all() if inv.id < self.id]

    def _retainage_held_before(self, line: CommitmentLine) -> Decimal:
        held = ZERO
        for invoice in self._previous():
            for ln in invoice.lines:
                if ln.data["commitment_line"] == line.id:
                    held += ln.retainage_this_period - ln.retainage_released
        return held

    @property
    def work_completed_this_period(self) -> Decimal:
        return sum((ln.work_completed_this_period for ln in self.lines), ZERO)

    @property
    def materials_presently_stored(self) -> Decimal:
        return sum((ln.materials_presently_stored for ln in self.lines), ZERO)

    @property
    def amount_this_period(self) -> Decimal:
        return self.work_completed_this_period + self.materials_presently_stored

    @property
    def total_completed_and_stored_to_date(self) -> Decimal:
        return sum((inv.amount_this_period for inv in self._previous()), ZERO) + self.amount_this_period

    @property
    def retainage_this_period(self) -> Decimal:
        return sum((ln.retainage_this_period for ln in self.lines), ZERO)

    @property
    def retainage_released(self) -> Decimal:
        return sum((ln.retainage_released for ln in self.lines), ZERO)

    @property
    def total_retainage(self) -> Decimal:
        """Retainage held to date, after this invoice's holds and releases."""
        prior = sum((inv.retainage_this_period - inv.retainage_released for inv in self._previous()), ZERO)
        return prior + self.retainage_this_period - self.retainage_released

    @property
    def current_payment_due(self) -> Decimal:
        return self.amount_this_period - self.retainage_this_period + self.retainage_released

    def send_problems(self) -> list[str]:
        problems = []
        commitment = self.commitment
        if not commitment.synced:
            problems.append(f"{commitment.describe()} is {commitment.erp_status.label}; invoices can only be sent "
                            f"for synced commitments")
        if self.data.get("status") not in ("approved", "approved_as_noted"):
            problems.append(f"its status is {self.data.get('status')}; only approved invoices can be sent")
        if not self.lines:
            problems.append("it has no line items")
        for line in self.lines:
            if not CommitmentLine.load(self.company, line.data["commitment_line"]).origin_id:
                problems.append(f"{line.describe()} bills an SOV line that is not in the ERP")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"invoice_number": self.data["invoice_number"],
                "amount_this_period": self.amount_this_period,
                "retainage_released": self.retainage_released,
                "materials_presently_stored": self.materials_presently_stored}

    def export_payload(self, fields: Mapping[str, Any]) -> p.InvoiceExport:
        commitment = self.commitment
        project = commitment.project
        vendor = commitment.vendor
        assert commitment.origin_id and project.erp_job_id and vendor and vendor.erp_vendor_id
        lines = []
        for ln in self.lines:
            sov = CommitmentLine.load(self.company, ln.data["commitment_line"])
            lines.append(p.InvoiceLineExport(
                ln.id, sov.origin_id, sov.data["cost_code"], sov.data["cost_type"], sov.sub_job_code,
                ln.data.get("description") or "", ln.work_completed_this_period, ln.materials_presently_stored,
                ln.work_retainage_this_period, ln.materials_retainage_this_period, ln.work_retainage_released,
                ln.materials_retainage_released))
        return p.InvoiceExport(
            commitment.data["type"], commitment.origin_id, commitment.origin_data, commitment.data["number"],
            project.erp_job_id, vendor.erp_vendor_id, str(fields["erp_invoice_id"]), self.data["invoice_number"],
            fields.get("description"), self.billing_date, fields["accounting_date"], self.period_start,
            self.period_end, self.total_completed_and_stored_to_date, self.total_retainage, tuple(lines),
            synced_work_retainage_held=sum((ln.work_retainage_this_period - ln.work_retainage_released
                                            for inv in commitment.invoices.all() if inv.id != self.id
                                            and inv.synced for ln in inv.lines), ZERO))

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class InvoiceLine(Line):
    kind = "pm.invoice_line"
    label = "Invoice line"
    tool = "invoicing"
    header_cls = Invoice
    schema = {
        "commitment_line": Field("ref", required=True),
        "description": Field(),
        "work_completed_this_period": Field("money", default="0"),
        "materials_presently_stored": Field("money", default="0"),
        "work_retainage_this_period": Field("money", default="0"),
        "materials_retainage_this_period": Field("money", default="0"),
        "work_retainage_released": Field("money", default="0"),
        "materials_retainage_released": Field("money", default="0"),
    }

    @property
    def retainage_this_period(self) -> Decimal:
        return self.work_retainage_this_period + self.materials_retainage_this_period

    @property
    def retainage_released(self) -> Decimal:
        return self.work_retainage_released + self.materials_retainage_released

    @property
    def object_type(self) -> str:
        return "requisition_contract_item"


class Invoices(Collection[Invoice]):
    def create(self, **values: Any) -> Invoice:  # type: ignore[override]
        assert isinstance(self.parent, Commitment)
        if not self.parent.data.get("status") in ("Approved", "Complete"):
            raise ValidationFailed([f"{self.parent.describe()} is {self.parent.data.get('status')}; invoices are "
                                    f"created against approved commitments"])
        return super().create(**values)


Invoice.collection = Invoices

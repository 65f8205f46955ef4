"""The Commitments tool: subcontracts (work order contracts) and purchase orders with their SOV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sync_core import payloads as p
from sync_core.errors import Locked, ValidationFailed
from sync_core.objects.base import ZERO, Collection, Entity, Line
from sync_core.objects.directory import Vendor
from sync_core.objects.projects import Project, SubJob
from sync_core.values import Field, clean, fmt_money, money

# -- commitments --------------------------------------------------------------------

SUBCONTRACT_STATUSES = ("Draft", "Out For Bid", "Out For Signature", "Approved", "Complete", "Terminated", "Void")
PO_STATUSES = ("Draft", "Processing", "Submitted", "Partially Received", "Received", "Approved", "Closed")


class Commitment(Entity):
    """A subcontract (work order contract) or a purchase order, with its schedule of values."""

    kind = "pm.commitment"
    label = "Commitment"
    tool = "commitments"
    erp_object = "commitments"
    # Send to ERP locks Contract Company, Title, Status and Default Retainage; they stay locked once synced.
    synced_locks = frozenset({"vendor", "title", "status", "default_retainage", "accounting_method", "number"})
    schema = {
        "type": Field("choice", choices=("subcontract", "purchase_order"), required=True),
        "number": Field(required=True),
        "title": Field(),
        "status": Field("choice", choices=tuple(dict.fromkeys(SUBCONTRACT_STATUSES + PO_STATUSES)), default="Draft"),
        "vendor": Field("ref", label="contract company"),
        "default_retainage": Field("percent", default="0"),
        "accounting_method": Field("choice", choices=("amount", "unit"), default="amount"),
        "description": Field(),
        "contract_date": Field("date"),
    }

    @property
    def object_type(self) -> str:
        return "work_order_contract" if self.data["type"] == "subcontract" else "purchase_order_contract"

    @property
    def label_for_type(self) -> str:
        return "Subcontract" if self.data["type"] == "subcontract" else "Purchase order"

    def describe(self) -> str:
        title = self.data.get("title")
        return f"{self.label_for_type} {self.data['number']}" + (f" ({title})" if title else "")

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    @property
    def vendor(self) -> Vendor | None:
        ref = self.data.get("vendor")
        return None if ref is None else Vendor.load(self.company, ref)

    @property
    def lines(self) -> list[CommitmentLine]:
        return Collection(self.company, CommitmentLine, self).all()

    # Change orders, invoices and payments are built on commitments, in modules above this one.
    @property
    def change_orders(self) -> Any:
        return self.children("pm.change_order")

    @property
    def invoices(self) -> Any:
        return self.children("pm.invoice")

    @property
    def payments(self) -> Any:
        return self.children("pm.payment")

    def validate(self, data: dict[str, Any]) -> None:
        statuses = SUBCONTRACT_STATUSES if data["type"] == "subcontract" else PO_STATUSES
        problems = []
        if data.get("status") not in statuses:
            problems.append(f"status must be one of: {', '.join(statuses)} for a {data['type'].replace('_', ' ')}")
        if data.get("vendor") is not None:
            Vendor.load(self.company, data["vendor"])
        if problems:
            raise ValidationFailed(problems)

    def add_line(self, cost_code: str, cost_type: str, amount: Any = None, *, description: str = "",
                 quantity: Any = None, uom: str | None = None, unit_cost: Any = None,
                 sub_job: SubJob | None = None) -> CommitmentLine:
        """Add a schedule-of-values line. Unit/quantity commitments price lines as qty × unit cost."""
        reason = self.lock_reason({"lines"})
        if reason is None and self.data.get("status") in ("Approved", "Complete"):
            reason = f"{self.describe()} is {self.data['status']}; its schedule of values is locked"
        if reason:
            raise Locked(reason)
        values = priced_line(self.data.get("accounting_method", "amount"), amount, quantity, unit_cost)
        self.company.cost_types.require([cost_type])
        self.project.cost_codes.ensure(cost_code, cost_type, sub_job)
        data = clean(CommitmentLine.schema, dict(values, cost_code=cost_code, cost_type=cost_type, uom=uom,
                                                 description=description, sub_job=sub_job), what="SOV line")
        id = self.company.records.insert(CommitmentLine.kind, data, parent=self.id)
        self._audit("edit", f"added SOV line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return CommitmentLine(self.company, id, data, self.id)

    @property
    def grand_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def approved_change_orders(self) -> Decimal:
        return sum((co.total for co in self.change_orders.all() if co.data.get("status") == "Approved"), ZERO)

    @property
    def revised_contract(self) -> Decimal:
        return self.grand_total + self.approved_change_orders

    def lock_reason(self, fields: set[str]) -> str | None:
        reason = super().lock_reason(fields)
        if reason is None and self.synced and "lines" in fields:
            return f"{self.describe()} is synced with ERP; its schedule of values changes through change orders"
        return reason

    def send_problems(self) -> list[str]:
        problems = []
        project = self.project
        if not project.synced:
            problems.append(f"its project {project.describe()} is not synced with ERP")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved commitments can be sent")
        vendor = self.vendor
        if vendor is None:
            problems.append("it has no contract company")
        elif not vendor.erp_vendor_id or not vendor.synced:
            problems.append(f"its contract company {vendor.data['name']} is not linked to an ERP vendor "
                            f"(no ERP Vendor ID)")
        lines = self.lines
        standard = self.company.cost_codes
        if not lines:
            problems.append("its schedule of values has no lines")
        elif not any(standard.by_code(line.data["cost_code"]) is not None for line in lines):
            problems.append("no schedule-of-values line uses a cost code from the ERP Standard Cost Code list")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"title": self.data.get("title") or "", "number": self.data["number"],
                "accounting_method": self.data.get("accounting_method"), "type": self.data["type"]}

    def export_payload(self, today: dt.date, exported: Mapping[str, Any]) -> p.CommitmentExport:
        project = self.project
        vendor = self.vendor
        assert project.erp_job_id is not None and vendor is not None and vendor.erp_vendor_id is not None
        lines = tuple(line.export_payload() for line in self.lines)
        return p.CommitmentExport(
            self.data["type"], project.erp_job_id, str(exported.get("number", self.data["number"])),
            str(exported.get("title", self.data.get("title") or "")), self.data.get("description"),
            vendor.erp_vendor_id, self.contract_date or today, self.default_retainage or ZERO,
            self.data.get("accounting_method", "amount"), lines)

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)

    def _delete_children(self) -> None:
        for line in self.lines:
            self.company.records.delete(line.kind, line.id)


def priced_line(method: str, amount: Any, quantity: Any, unit_cost: Any) -> dict[str, Any]:
    if method == "unit" or (quantity is not None and unit_cost is not None):
        if quantity is None or unit_cost is None:
            raise ValidationFailed(["unit/quantity based lines need a quantity and a unit cost"])
        qty, cost = Decimal(str(quantity)), Decimal(str(unit_cost))
        total = money(qty * cost)
        if amount is not None and money(amount) != total:
            raise ValidationFailed([f"amount {fmt_money(amount)} does not equal quantity × unit cost "
                                    f"({fmt_money(total)})"])
        return {"quantity": qty, "unit_cost": cost, "amount": total}
    if amount is None:
        raise ValidationFailed(["an amount-based line needs an amount"])
    return {"amount": amount, "quantity": quantity, "unit_cost": unit_cost}


class CommitmentLine(Line):
    kind = "pm.commitment_line"
    label = "SOV line"
    tool = "commitments"
    header_cls = Commitment
    schema = {
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "sub_job": Field("ref"),
        "description": Field(),
        "amount": Field("money", required=True),
        "quantity": Field("decimal"),
        "uom": Field(),
        "unit_cost": Field("decimal"),
    }

    @property
    def object_type(self) -> str:
        return "line_item"

    def describe(self) -> str:
        return f"SOV line {self.data['cost_code']} {self.data['cost_type']}"

    @property
    def sub_job_code(self) -> str | None:
        ref = self.data.get("sub_job")
        return None if ref is None else SubJob.load(self.company, ref).code

    def export_payload(self) -> p.CommitmentLineExport:
        d = self.data
        return p.CommitmentLineExport(self.id, d["cost_code"], d["cost_type"], self.sub_job_code,
                                      d.get("description") or "", self.quantity, d.get("uom"), self.unit_cost,
                                      self.amount)

    @property
    def invoiced_to_date(self) -> Decimal:
        header = self.header
        assert isinstance(header, Commitment)
        total = ZERO
        for invoice in header.invoices.all():
            for line in invoice.lines:
                if line.data.get("commitment_line") == self.id:
                    total += line.work_completed_this_period + line.materials_presently_stored
        return total


class Commitments(Collection[Commitment]):
    def _next_number(self, prefix: str) -> str:
        return f"{prefix}-{len(self.all()) + 1:03d}"

    def create_subcontract(self, **values: Any) -> Commitment:
        values.setdefault("number", self._next_number("SC"))
        return self._create("subcontract", values)

    def create_purchase_order(self, **values: Any) -> Commitment:
        values.setdefault("number", self._next_number("PO"))
        return self._create("purchase_order", values)

    def _create(self, kind: str, values: dict[str, Any]) -> Commitment:
        values["type"] = kind
        if isinstance(values.get("vendor"), Vendor):
            values["vendor"] = values["vendor"].id
        if values.get("contract_date") is None:
            values["contract_date"] = self.company.today()
        number = str(values.get("number") or "")
        if any(c.data["number"] == number for c in self.all()):
            raise ValidationFailed([f"commitment number {number} is already used on this project"])
        return self.create(**values)

    def create(self, **values: Any) -> Commitment:  # type: ignore[override]
        if isinstance(values.get("vendor"), Vendor):
            values["vendor"] = values["vendor"].id
        return super().create(**values)


Commitment.collection = Commitments

"""Commitment change orders (CCOs) and their lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sync_core import payloads as p
from sync_core.errors import Locked, ValidationFailed
from sync_core.objects.base import ZERO, Collection, Entity, Line
from sync_core.objects.commitments import Commitment, CommitmentLine, priced_line
from sync_core.objects.projects import SubJob
from sync_core.values import Field, clean, fmt_money

class ChangeOrder(Entity):
    """A commitment change order (CCO)."""

    kind = "pm.change_order"
    label = "Commitment change order"
    tool = "commitments"
    erp_object = "commitment_change_orders"
    synced_locks = frozenset({"*"})
    schema = {
        "number": Field(required=True),
        "title": Field(),
        "description": Field(),
        "status": Field("choice", choices=("Draft", "Pending", "Approved", "Rejected", "Void"), default="Draft"),
        "created_date": Field("date"),
    }

    def describe(self) -> str:
        title = self.data.get("title")
        return f"CCO {self.data['number']}" + (f" ({title})" if title else "")

    @property
    def object_type(self) -> str:
        return "change_order"

    @property
    def commitment(self) -> Commitment:
        assert self.parent_id is not None
        return Commitment.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[ChangeOrderLine]:
        return Collection(self.company, ChangeOrderLine, self).all()

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def add_line(self, amount: Any = None, *, line: CommitmentLine | None = None, cost_code: str | None = None,
                 cost_type: str | None = None, description: str = "", quantity: Any = None,
                 uom: str | None = None, unit_cost: Any = None, sub_job: SubJob | None = None) -> ChangeOrderLine:
        """Change an existing SOV line (``line=``) or add a new one (cost code and type)."""
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        commitment = self.commitment
        if line is not None:
            if line.parent_id != commitment.id:
                raise ValidationFailed([f"{line.describe()} is not on {commitment.describe()}"])
            cost_code, cost_type = line.data["cost_code"], line.data["cost_type"]
            sub_ref = line.data.get("sub_job")
        else:
            if not cost_code or not cost_type:
                raise ValidationFailed(["a new change order line needs a cost code and a cost type"])
            self.company.cost_types.require([cost_type])
            commitment.project.cost_codes.ensure(cost_code, cost_type, sub_job)
            sub_ref = None if sub_job is None else sub_job.id
        values = priced_line("unit" if quantity is not None and unit_cost is not None else "amount",
                              amount, quantity, unit_cost)
        data = clean(ChangeOrderLine.schema, dict(values, commitment_line=None if line is None else line.id,
                                                  cost_code=cost_code, cost_type=cost_type, uom=uom,
                                                  description=description or (line.data.get("description")
                                                                              if line else ""),
                                                  sub_job=sub_ref), what="change order line")
        id = self.company.records.insert(ChangeOrderLine.kind, data, parent=self.id)
        self._audit("edit", f"added line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return ChangeOrderLine(self.company, id, data, self.id)

    def send_problems(self) -> list[str]:
        problems = []
        commitment = self.commitment
        if not commitment.synced:
            problems.append(f"{commitment.describe()} is {commitment.erp_status.label}; change orders can only be "
                            f"sent for synced commitments")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved change orders can be sent")
        vendor = commitment.vendor
        if vendor is None or not vendor.erp_vendor_id:
            problems.append("the commitment's contract company is not linked to an ERP vendor")
        if not self.lines:
            problems.append("it has no line items")
        for line in self.lines:
            ref = line.data.get("commitment_line")
            if ref is not None and not CommitmentLine.load(self.company, ref).origin_id:
                problems.append(f"{line.describe()} changes an SOV line that is not in the ERP")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"number": self.data["number"], "title": self.data.get("title") or "",
                "description": self.data.get("description") or ""}

    def export_payload(self, today: dt.date, exported: Mapping[str, Any]) -> p.ChangeOrderExport:
        commitment = self.commitment
        project = commitment.project
        vendor = commitment.vendor
        assert commitment.origin_id and project.erp_job_id and vendor and vendor.erp_vendor_id
        lines = []
        for line in self.lines:
            d = line.data
            origin = None if d.get("commitment_line") is None else \
                CommitmentLine.load(self.company, d["commitment_line"]).origin_id
            sub = None if d.get("sub_job") is None else SubJob.load(self.company, d["sub_job"]).code
            lines.append(p.ChangeOrderLineExport(line.id, origin, d["cost_code"], d["cost_type"], sub,
                                                 d.get("description") or "", line.quantity, d.get("uom"),
                                                 line.unit_cost, line.amount))
        return p.ChangeOrderExport(
            commitment.data["type"], commitment.origin_id, commitment.origin_data, commitment.data["number"],
            project.erp_job_id, vendor.erp_vendor_id, str(exported.get("number", self.data["number"])),
            str(exported.get("title", self.data.get("title") or "")), exported.get("description",
                                                                                   self.data.get("description")),
            self.created_date or today, today, tuple(lines))

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)

    def _delete_children(self) -> None:
        for line in self.lines:
            self.company.records.delete(line.kind, line.id)


class ChangeOrderLine(Line):
    kind = "pm.change_order_line"
    label = "Change order line"
    tool = "commitments"
    header_cls = ChangeOrder
    schema = {
        "commitment_line": Field("ref"),
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "sub_job": Field("ref"),
        "description": Field(),
        "amount": Field("money", required=True),
        "quantity": Field("decimal"),
        "uom": Field(),
        "unit_cost": Field("decimal"),
    }

    def describe(self) -> str:
        return f"change order line {self.data['cost_code']} {self.data['cost_type']}"

    @property
    def object_type(self) -> str:
        return "change_order_line_item"


class ChangeOrders(Collection[ChangeOrder]):
    def create(self, **values: Any) -> ChangeOrder:  # type: ignore[override]
        assert self.parent is not None
        values.setdefault("number", f"{len(self.all()) + 1:03d}")
        if values.get("created_date") is None:
            values["created_date"] = self.company.today()
        return super().create(**values)


ChangeOrder.collection = ChangeOrders

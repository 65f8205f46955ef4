"""The Prime Contract tool: the owner contract, its SOV and prime contract change orders (PCCOs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sync_core import payloads as p
from sync_core.errors import Locked
from sync_core.objects.base import ZERO, Collection, Entity, Line
from sync_core.objects.projects import Project
from sync_core.values import Field, clean, fmt_money

# -- prime contracts --------------------------------------------------------------

PRIME_STATUSES = ("Draft", "Out For Signature", "Approved", "Complete", "Terminated")


class PrimeContract(Entity):
    kind = "pm.prime_contract"
    label = "Prime contract"
    tool = "prime_contracts"
    erp_object = "prime_contracts"
    synced_locks = frozenset({"number", "status", "retainage_percent"})
    schema = {
        "number": Field(required=True),
        "title": Field(),
        "description": Field(),
        "status": Field("choice", choices=PRIME_STATUSES, default="Draft"),
        "retainage_percent": Field("percent", default="0"),
        "customer_id": Field(label="owner (ERP customer id)"),
        "contract_date": Field("date"),
    }

    @property
    def project(self) -> Project:
        assert self.parent_id is not None
        return Project.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[PrimeContractLine]:
        return Collection(self.company, PrimeContractLine, self).all()

    @property
    def change_orders(self) -> Pccos:
        return Pccos(self.company, Pcco, self)

    def add_line(self, description: str, amount: Any, *, cost_code: str | None = None,
                 cost_type: str | None = None) -> PrimeContractLine:
        reason = self.lock_reason({"lines"})
        if reason is None and self.synced:
            reason = f"{self.describe()} is synced with ERP; its schedule of values changes through PCCOs"
        if reason:
            raise Locked(reason)
        if cost_type:
            self.company.cost_types.require([cost_type])
        if cost_code and cost_type:
            self.project.cost_codes.ensure(cost_code, cost_type)
        data = clean(PrimeContractLine.schema, {"description": description, "amount": amount,
                                                "cost_code": cost_code, "cost_type": cost_type},
                     what="prime contract line")
        id = self.company.records.insert(PrimeContractLine.kind, data, parent=self.id)
        self._audit("edit", f"added SOV line {description} {fmt_money(data['amount'])}")
        return PrimeContractLine(self.company, id, data, self.id)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def send_problems(self) -> list[str]:
        problems = []
        if not self.project.synced:
            problems.append(f"its project {self.project.describe()} is not synced with ERP")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved prime contracts can be sent")
        if not any(line.amount != 0 for line in self.lines):
            problems.append("its schedule of values needs at least one line with a non-zero amount")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"number": self.data["number"], "title": self.data.get("title") or ""}

    def export_payload(self, today: dt.date) -> p.PrimeContractExport:
        project = self.project
        assert project.erp_job_id is not None
        lines = tuple(p.PrimeContractLineExport(ln.id, ln.data["description"], ln.data.get("cost_code"),
                                                ln.data.get("cost_type"), ln.amount) for ln in self.lines)
        return p.PrimeContractExport(project.erp_job_id, self.data["number"], self.data.get("title") or "",
                                     self.data.get("description"), self.data["status"],
                                     self.retainage_percent or ZERO, self.data.get("customer_id"),
                                     self.contract_date or today, today, lines)

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class PrimeContractLine(Line):
    kind = "pm.prime_contract_line"
    label = "Prime contract line"
    tool = "prime_contracts"
    header_cls = PrimeContract
    schema = {
        "description": Field(required=True),
        "cost_code": Field(),
        "cost_type": Field(),
        "amount": Field("money", required=True),
    }


class PrimeContracts(Collection[PrimeContract]):
    def create(self, **values: Any) -> PrimeContract:  # type: ignore[override]
        values.setdefault("number", str(len(self.all()) + 1))
        if values.get("contract_date") is None:
            values["contract_date"] = self.company.today()
        return super().create(**values)


class Pcco(Entity):
    """A prime contract change order."""

    kind = "pm.pcco"
    label = "PCCO"
    tool = "prime_contracts"
    erp_object = "prime_contract_change_orders"
    synced_locks = frozenset({"*"})
    schema = {
        "number": Field(required=True),
        "title": Field(),
        "description": Field(),
        "status": Field("choice", choices=("Draft", "Pending", "Approved", "Rejected", "Void"), default="Draft"),
        "date": Field("date"),
    }

    def describe(self) -> str:
        return f"PCCO {self.data['number']}" + (f" ({self.data['title']})" if self.data.get("title") else "")

    @property
    def prime_contract(self) -> PrimeContract:
        assert self.parent_id is not None
        return PrimeContract.load(self.company, self.parent_id)

    @property
    def lines(self) -> list[PccoLine]:
        return Collection(self.company, PccoLine, self).all()

    def add_line(self, cost_code: str, cost_type: str, amount: Any, *, description: str = "",
                 quantity: Any = None, uom: str | None = None, markup_amount: Any = "0",
                 contract_line: PrimeContractLine | None = None) -> PccoLine:
        reason = self.lock_reason({"lines"})
        if reason:
            raise Locked(reason)
        self.company.cost_types.require([cost_type])
        self.prime_contract.project.cost_codes.ensure(cost_code, cost_type)
        data = clean(PccoLine.schema, {"cost_code": cost_code, "cost_type": cost_type, "amount": amount,
                                       "description": description, "quantity": quantity, "uom": uom,
                                       "markup_amount": markup_amount, "contract_line": contract_line},
                     what="PCCO line")
        id = self.company.records.insert(PccoLine.kind, data, parent=self.id)
        self._audit("edit", f"added line {cost_code} {cost_type} {fmt_money(data['amount'])}")
        return PccoLine(self.company, id, data, self.id)

    @property
    def total(self) -> Decimal:
        return sum((line.amount + line.markup_amount for line in self.lines), ZERO)

    def send_problems(self) -> list[str]:
        problems = []
        contract = self.prime_contract
        if not contract.synced:
            problems.append(f"{contract.describe()} is {contract.erp_status.label}; PCCOs can only be sent for a "
                            f"synced prime contract")
        if self.data.get("status") != "Approved":
            problems.append(f"its status is {self.data.get('status')}; only Approved PCCOs can be sent")
        if not self.lines:
            problems.append("it has no line items")
        return problems

    def limit_values(self) -> dict[str, Any]:
        return {"number": self.data["number"], "title": self.data.get("title") or ""}

    def export_payload(self, today: dt.date) -> p.PccoExport:
        contract = self.prime_contract
        project = contract.project
        assert contract.origin_id and project.erp_job_id
        lines = []
        for ln in self.lines:
            d = ln.data
            origin = None if d.get("contract_line") is None else \
                PrimeContractLine.load(self.company, d["contract_line"]).origin_id
            lines.append(p.PccoLineExport(ln.id, d.get("description") or "", d["cost_code"], d["cost_type"],
                                          ln.amount, ln.quantity, d.get("uom"), ln.markup_amount or ZERO, origin))
        return p.PccoExport(project.erp_job_id, contract.data["number"], contract.origin_id, contract.origin_data,
                            self.data["number"], self.data.get("title") or "", self.data.get("description"),
                            self.date or today, today, tuple(lines))

    def lines_for_lock(self) -> list[Entity]:
        return list(self.lines)


class PccoLine(Line):
    kind = "pm.pcco_line"
    label = "PCCO line"
    tool = "prime_contracts"
    header_cls = Pcco
    schema = {
        "cost_code": Field(required=True),
        "cost_type": Field(required=True),
        "description": Field(),
        "amount": Field("money", required=True),
        "quantity": Field("decimal"),
        "uom": Field(),
        "markup_amount": Field("money", default="0", label="revenue markup amount"),
        "contract_line": Field("ref"),
    }


class Pccos(Collection[Pcco]):
    def create(self, **values: Any) -> Pcco:  # type: ignore[override]
        values.setdefault("number", f"{len(self.all()) + 1:03d}")
        if values.get("date") is None:
            values["date"] = self.company.today()
        return super().create(**values)


PrimeContract.collection = PrimeContracts


Pcco.collection = Pccos

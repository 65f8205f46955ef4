"""The company-level work breakdown structure: cost types and the ERP Standard Cost Code list."""

from __future__ import annotations

from typing import Any

from sync_core.capabilities import Direction
from sync_core.errors import Refused, ValidationFailed
from sync_core.objects.base import Collection, Entity
from sync_core.values import Field, clean
from sync_core.wbs import division_of

# -- the company-level work breakdown structure -----------------------------------


class CostType(Entity):
    """A cost type (Procore line item type): Labor, Material, Subcontract..."""

    kind = "pm.cost_type"
    label = "Cost type"
    tool = "admin"
    schema = {
        "code": Field(required=True),
        "name": Field(required=True),
        "base_type": Field("choice", choices=("labor", "equipment", "materials", "commitment", "owner_cost",
                                              "professional_services", "other"), default="other"),
    }

    @property
    def object_type(self) -> str:
        return "line_item_type"


class StandardCostCode(Entity):
    """An entry of the company's ERP Standard Cost Code list."""

    kind = "pm.standard_cost_code"
    label = "Standard cost code"
    tool = "admin"
    schema = {
        "code": Field(required=True),
        "description": Field(required=True),
        "cost_types": Field("list", default=[], label="default cost types"),
    }

    @property
    def division(self) -> str:
        return division_of(self.data["code"])


class StandardCostCodes(Collection[StandardCostCode]):
    """The company's ERP Standard Cost Code list."""

    def by_code(self, code: str) -> StandardCostCode | None:
        record = self.company.records.get_by_key(StandardCostCode.kind, code)
        return None if record is None else StandardCostCode(self.company, record.id, record.data, record.parent)

    def create(self, **values: Any) -> StandardCostCode:  # type: ignore[override]
        connector = self.company.connector
        if connector is not None and not connector.matrix.supports("standard_cost_codes", Direction.EXPORT):
            raise Refused(f"{connector.erp}.standard_cost_codes.import_only",
                          f"New cost codes must be created in {connector.title} and imported; they cannot be "
                          f"created in Procore")
        data = clean(StandardCostCode.schema, values, what="standard cost code")
        if self.by_code(data["code"]) is not None:
            raise ValidationFailed([f"cost code {data['code']} is already on the list"])
        self.company.cost_types.require(data["cost_types"])
        return self._insert(data, key=data["code"])


class CostTypes(Collection[CostType]):
    def by_code(self, code: str) -> CostType | None:
        record = self.company.records.get_by_key(CostType.kind, code)
        return None if record is None else CostType(self.company, record.id, record.data, record.parent)

    def require(self, codes: list[str]) -> None:
        missing = [c for c in codes if self.by_code(c) is None]
        if missing:
            known = ", ".join(c.data["code"] for c in self.all()) or "none yet"
            raise ValidationFailed([f"unknown cost type(s) {', '.join(missing)}; the company's cost types are: "
                                    f"{known}"])

    def create(self, **values: Any) -> CostType:  # type: ignore[override]
        connector = self.company.connector
        if connector is not None and not connector.matrix.supports("cost_types", Direction.EXPORT):
            raise Refused(f"{connector.erp}.cost_types.import_only",
                          f"Cost types come from {connector.title}; import them instead of creating them in Procore")
        data = clean(CostType.schema, values, what="cost type")
        if self.by_code(data["code"]) is not None:
            raise ValidationFailed([f"cost type {data['code']} already exists"])
        return self._insert(data, key=data["code"])


StandardCostCode.collection = StandardCostCodes


CostType.collection = CostTypes

"""The Direct Costs tool: costs imported from the ERP's job cost transactions."""

from __future__ import annotations

from typing import Any

from sync_core.objects.base import Entity
from sync_core.values import Field

# -- imported-only objects -----------------------------------------------------------


class DirectCost(Entity):
    """A direct cost imported from the ERP's job cost transactions."""

    kind = "pm.direct_cost"
    label = "Direct cost"
    tool = "direct_costs"
    synced_locks = frozenset({"*"})
    schema = {
        "direct_cost_type": Field("choice", choices=("invoice", "subcontractor_invoice", "payroll", "expense"),
                                  required=True),
        "status": Field("choice", choices=("draft", "pending", "revise_and_resubmit", "approved"),
                        default="approved"),
        "vendor": Field("ref"),
        "vendor_name": Field(),
        "invoice_number": Field(),
        "date": Field("date", required=True),
        "received_date": Field("date"),
        "terms": Field(),
        "description": Field(),
        "grand_total": Field("money", default="0"),
    }

    def describe(self) -> str:
        return f"Direct cost #{self.id} ({self.data['direct_cost_type']} {self.data.get('invoice_number') or ''})"

    @property
    def object_type(self) -> str:
        return "item"

    @property
    def line_items(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self.data.get("line_items") or []]

"""Commitment payments issued, imported from the ERP's bill payments."""

from __future__ import annotations

from sync_core.objects.base import Entity
from sync_core.values import Field, fmt_money

class CommitmentPayment(Entity):
    """A commitment payment issued, imported from an ERP bill payment."""

    kind = "pm.payment"
    label = "Commitment payment"
    tool = "commitments"
    synced_locks = frozenset({"*"})
    schema = {
        "invoice": Field("ref", required=True),
        "check_number": Field(),
        "invoice_number": Field(),
        "payment_method": Field(),
        "amount": Field("money", required=True),
        "date": Field("date", required=True),
    }

    def describe(self) -> str:
        return f"Payment #{self.id} ({fmt_money(self.data['amount'])})"

    @property
    def object_type(self) -> str:
        return "contract_payment"

"""Master records: account groups, cost codes, vendors, customers."""

from __future__ import annotations

import re
from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import ACCOUNT_GROUP, COST_CODE, CUSTOMER, VENDOR
from simulator.acumatica.models import Stored
from simulator.acumatica.rules import refs
from simulator.acumatica.rules.base import Ctx, Problems, Rules, cannot_be_empty, empty, register

DOCUMENTS_BY_VENDOR = (("Bill", "Vendor"), ("Check", "Vendor"), ("PurchaseOrder", "VendorID"),
                       ("Subcontract", "VendorID"))


def _in_use(ctx: Ctx, uses: tuple[tuple[str, str, tuple[str, ...]], ...], value: str) -> str | None:
    """The first entity whose header or lines carry ``value`` in the named field."""
    wanted = value.casefold()
    for entity_name, field, details in uses:
        def test(node: dict[str, Any], field: str = field, details: tuple[str, ...] = details) -> bool:
            if str(node.get("fields", {}).get(field) or "").casefold() == wanted:
                return True
            return refs.line_uses(node, details, field, value)

        if refs.referenced(ctx, entity_name, test):
            return entity_name
    return None


class AccountGroupRules(Rules):
    entity = ACCOUNT_GROUP

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({"Active": True, "Type": "Expense", "SortOrder": 0, "Expense": False})

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        fields = node["fields"]
        if fields.get("Type") == "Expense":
            fields["Expense"] = True
        if old is not None and old["fields"].get("Type") != fields.get("Type"):
            used = _in_use(ctx, (("ProjectBudget", "AccountGroup", ()),), str(fields["AccountGroupID"]))
            if used:
                problems.field("Type", "The type cannot be changed because the account group is used in the "
                                       "project budget.")

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        code = str(stored.node["fields"]["AccountGroupID"])
        used = _in_use(ctx, (("ProjectBudget", "AccountGroup", ()),
                             ("ProjectTransaction", "AccountGroup", ("Details",)),
                             ("ChangeOrder", "AccountGroup", ("CostBudget", "RevenueBudget"))), code)
        if used:
            raise errors.server_error(f"The {code} account group cannot be deleted because it is used in "
                                      f"{used} records.")


class CostCodeRules(Rules):
    entity = COST_CODE

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        code = node["fields"].get("CostCodeID")
        mask = ctx.setting("cost_code_mask", default="")
        if code and mask and not _matches(mask, str(code)):
            problems.field("CostCodeID", f"The value '{code}' does not match the '{mask}' input mask of the "
                                         f"Cost Code segmented key.")

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        code = str(stored.node["fields"]["CostCodeID"])
        if code.casefold() == str(ctx.setting("default_cost_code", default="")).casefold():
            raise errors.server_error("The default cost code cannot be deleted.")
        used = _in_use(ctx, (("ProjectBudget", "CostCode", ()),
                             ("Bill", "CostCode", ("Details",)),
                             ("Subcontract", "CostCode", ("Details",)),
                             ("PurchaseOrder", "CostCode", ("Details",)),
                             ("ProjectTransaction", "CostCode", ("Details",)),
                             ("ChangeOrder", "CostCode", ("CostBudget", "RevenueBudget", "Commitments"))), code)
        if used:
            raise errors.server_error(f"The {code} cost code cannot be deleted because it is used in {used} "
                                      f"records.")


def _matches(mask: str, value: str) -> bool:
    """Segmented-key masks: ``9`` digit, ``A`` letter, ``C`` letter or digit, anything else literal."""
    pattern = "".join({"9": "[0-9]", "A": "[A-Za-z]", "C": "[A-Za-z0-9]"}.get(ch, re.escape(ch)) for ch in mask)
    return re.fullmatch(pattern, value) is not None


class VendorRules(Rules):
    entity = VENDOR

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        vendor = ctx.setting("vendor_defaults", default={}) or {}
        node["fields"].update({
            "Status": "Active", "VendorClass": vendor.get("VendorClass", "DEFAULT"),
            "Terms": vendor.get("Terms", "30D"), "PaymentMethod": vendor.get("PaymentMethod", "CHECK"),
            "CashAccount": vendor.get("CashAccount", "10200"),
            "CurrencyID": ctx.setting("base_currency", default="USD"), "PaymentBy": "Due Date",
            "LocationName": "Primary Location", "TaxCalculationMode": "Tax Settings",
            "F1099Vendor": False, "FATCA": False, "ForeignEntity": False, "LandedCostVendor": False,
            "VendorIsLaborUnion": False, "VendorIsTaxAgency": False, "PaySeparately": False,
            "PrintOrders": False, "SendOrdersbyEmail": False, "EnableCurrencyOverride": False,
            "EnableRateOverride": False, "RemittanceAddressOverride": False, "RemittanceContactOverride": False,
            "ShippingAddressOverride": False, "ShippingContactOverride": False,
        })

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        fields = node["fields"]
        if empty(fields.get("VendorName")):
            problems.field("VendorName", cannot_be_empty("Vendor Name"))
        else:
            fields.setdefault("LegalName", fields["VendorName"])
            contact = node.setdefault("links", {}).get("MainContact")
            if contact is not None:
                contact.setdefault("fields", {}).setdefault("CompanyName", fields["VendorName"])
        refs.listed(ctx, "terms", fields.get("Terms"), problems, "Terms", "Terms")
        refs.listed(ctx, "payment_methods", fields.get("PaymentMethod"), problems, "PaymentMethod", "Payment Method")
        refs.listed(ctx, "cash_accounts", fields.get("CashAccount"), problems, "CashAccount", "Cash Account")

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        code = str(stored.node["fields"]["VendorID"])
        used = _in_use(ctx, tuple((e, f, ()) for e, f in DOCUMENTS_BY_VENDOR), code)
        if used:
            raise errors.server_error(f"The vendor {code} cannot be deleted because it has {used} documents.")


class CustomerRules(Rules):
    entity = CUSTOMER

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({
            "Status": "Active", "CustomerClass": "DEFAULT", "Terms": "30D", "StatementType": "Open Item",
            "CurrencyID": ctx.setting("base_currency", default="USD"), "LocationName": "Primary Location",
            "CreditLimit": 0.0, "ApplyOverdueCharges": False, "AutoApplyPayments": False, "EnableWriteOffs": False,
            "MultiCurrencyStatements": False, "PrintInvoices": False, "PrintStatements": False,
            "SendInvoicesbyEmail": False, "SendStatementsbyEmail": False,
        })

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        fields = node["fields"]
        if empty(fields.get("CustomerName")):
            problems.field("CustomerName", cannot_be_empty("Customer Name"))
        refs.listed(ctx, "terms", fields.get("Terms"), problems, "Terms", "Terms")

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        code = str(stored.node["fields"]["CustomerID"])
        used = _in_use(ctx, (("Project", "Customer", ()),), code)
        if used:
            raise errors.server_error(f"The customer {code} cannot be deleted because it is used in projects.")


register(AccountGroupRules())
register(CostCodeRules())
register(VendorRules())
register(CustomerRules())

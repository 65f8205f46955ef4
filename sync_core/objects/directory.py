"""The Directory: the company's users (and their tool permissions) and its companies (ERP vendors)."""

from __future__ import annotations

from typing import Any

from sync_core import payloads as p
from sync_core.errors import Refused, ValidationFailed
from sync_core.objects.base import Collection, Entity
from sync_core.values import Field

# -- users -----------------------------------------------------------------------

PERMISSION_LEVELS = ("none", "read_only", "standard", "admin")


class User(Entity):
    kind = "pm.user"
    label = "User"
    schema = {
        "name": Field(required=True),
        "email": Field(),
        "erp_integrations": Field("choice", choices=PERMISSION_LEVELS, default="none",
                                  label="ERP Integrations permission"),
        "can_push_to_accounting": Field("bool", default=False, label="Can Push to Accounting"),
        "tool_permissions": Field("list", default=[], label="tool permissions"),
    }

    def level(self, tool: str) -> str:
        """This user's level on a Procore tool. ``tool_permissions`` lists 'tool:level' pairs;
        a user is Admin on tools not listed (the company-admin default)."""
        for entry in self.data.get("tool_permissions") or []:
            name, _, level = entry.partition(":")
            if name == tool:
                return level
        return "admin"

    @property
    def is_accounting_approver(self) -> bool:
        return self.data.get("erp_integrations") == "admin" and bool(self.data.get("can_push_to_accounting"))

    # the approver's actions
    def accept(self, item: Entity, **erp_fields: Any) -> Any:
        """Accept an item in Ready to Export: export it now. Returns the ``ExportOutcome``."""
        return self.company.erp.accept(item, approver=self, **erp_fields)

    def reject(self, item: Entity, reason: str) -> Entity:
        self.company.erp.reject(item, approver=self, reason=reason)
        return item.refresh()

    def unlink(self, item: Entity) -> Entity:
        return item.unlink_from_erp(by=self)


# -- the directory ----------------------------------------------------------------


class Vendor(Entity):
    """A company in the Directory: a subcontractor or supplier (an ERP vendor)."""

    kind = "pm.vendor"
    label = "Company"
    tool = "directory"
    erp_object = "vendors"
    schema = {
        "name": Field(required=True),
        "abbreviated_name": Field(),
        "address": Field(),
        "city": Field(),
        "state": Field(),
        "zip": Field(),
        "business_phone": Field(),
        "business_fax": Field(),
        "email_address": Field(),
        "website": Field(),
        "is_active": Field("bool", default=True),
    }

    @property
    def erp_vendor_id(self) -> str | None:
        return self.data.get("erp_vendor_id")

    def send_problems(self) -> list[str]:
        return [] if self.data.get("name") else ["the company needs a name"]

    def limit_values(self) -> dict[str, Any]:
        return {"name": self.data.get("name")}

    def export_payload(self, vendor_id: str) -> p.VendorExport:
        d = self.data
        return p.VendorExport(vendor_id, d["name"], d.get("address"), d.get("city"), d.get("state"), d.get("zip"),
                              d.get("business_phone"), d.get("business_fax"), d.get("email_address"),
                              d.get("website"))


class Users(Collection[User]):
    def create(self, **values: Any) -> User:  # type: ignore[override]
        perms = values.get("tool_permissions")
        if isinstance(perms, dict):
            values["tool_permissions"] = [f"{k}:{v}" for k, v in perms.items()]
        user = super().create(**values)
        for entry in user.data.get("tool_permissions") or []:
            tool, _, level = entry.partition(":")
            if level not in PERMISSION_LEVELS:
                self.company.records.delete(user.kind, user.id)
                raise ValidationFailed([f"permission level for {tool} must be one of {', '.join(PERMISSION_LEVELS)}"])
        return user


class Directory(Collection[Vendor]):
    def create(self, **values: Any) -> Vendor:  # type: ignore[override]
        return super().create(**values)

    def by_erp_vendor_id(self, vendor_id: str) -> Vendor | None:
        found = self.company.records.by_origin("vendor", vendor_id)
        return None if found is None else Vendor.load(self.company, found[1])

    def link(self, vendor: Vendor, erp_vendor_id: str) -> None:
        """Refused: a vendor created in both systems cannot be linked afterwards."""
        raise Refused("workflow.create_in_one_system",
                      f"{vendor.describe()} and ERP vendor {erp_vendor_id} were created in both systems and cannot "
                      f"be linked. Create the vendor in one system, then export it to (or import it from) the other")


User.collection = Users


Vendor.collection = Directory

"""Reference checks shared by documents: vendors, projects, tasks, cost codes, accounts.

The messages are Acumatica's own where the reference records them
(``PX.Objects.PM.Messages``, AP messages); see docs/fidelity-acumatica.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from simulator.acumatica.entities import ENTITIES
from simulator.acumatica.models import Stored
from simulator.acumatica.rules.base import Ctx, Problems, cannot_be_empty, empty, find, not_found_in_system

INACTIVE_STATUSES = ("Completed", "Canceled", "Suspended")


def non_project(ctx: Ctx, code: Any) -> bool:
    return empty(code) or str(code).strip().casefold() == str(ctx.setting("non_project_code", default="X")).casefold()


def vendor(ctx: Ctx, code: Any, problems: Problems, field: str, *, blocked: tuple[str, ...]) -> Stored | None:
    if empty(code):
        problems.field(field, cannot_be_empty("Vendor"))
        return None
    found = find(ctx, "Vendor", code)
    if found is None:
        problems.field(field, not_found_in_system("Vendor"))
        return None
    status = found.node["fields"].get("Status", "Active")
    if status in blocked:
        problems.field(field, f"The vendor status is '{status}'.")
    return found


def customer(ctx: Ctx, code: Any, problems: Problems, field: str) -> Stored | None:
    found = find(ctx, "Customer", code)
    if found is None:
        problems.field(field, not_found_in_system("Customer"))
        return None
    status = found.node["fields"].get("Status", "Active")
    if status in ("Inactive", "On Hold", "Credit Hold"):
        problems.field(field, f"The customer status is '{status}'.")
    return found


def project(ctx: Ctx, code: Any, problems: Problems, field: str, *, posting: bool, module: str | None = None
            ) -> Stored | None:
    """The project a line points at; ``posting`` requires it to be Active."""
    found = find(ctx, "Project", code)
    if found is None:
        problems.field(field, f"Project '{code}' cannot be found in the system.")
        return None
    status = found.node["fields"].get("Status")
    if status in INACTIVE_STATUSES:
        problems.field(field, f"Project is {status} and cannot be used for data entry.")
    elif posting and status != "Active":
        problems.field(field, f"Given Project/Contract '{code}' is inactive")
    if module and not visible(found.node, module):
        problems.field(field, f"The '{code}' project is invisible in the module.")
    return found


def visible(node: dict[str, Any], module: str) -> bool:
    settings = node.get("links", {}).get("VisibilitySettings", {}).get("fields", {})
    return settings.get(module, True) is not False


def default_task(ctx: Ctx, project_node: Stored) -> str | None:
    for task_row in ctx.book.children(ENTITIES["ProjectTask"], project_node.rid):
        if task_row.node["fields"].get("Default"):
            return str(task_row.node["fields"]["ProjectTaskID"])
    return None


def task(ctx: Ctx, project_row: Stored, code: Any, problems: Problems, field: str, *, posting: bool,
         module: str | None = None) -> Stored | None:
    """A task of ``project_row``; a task of another project is simply not found, as the selector filters."""
    project_id = project_row.node["fields"]["ProjectID"]
    found = find(ctx, "ProjectTask", project_id, code)
    if found is None:
        problems.field(field, f"Project Task '{code}' cannot be found in the system.")
        return None
    status = found.node["fields"].get("Status")
    if status == "Completed":
        problems.field(field, f"Project Task '{code}' is completed.")
    elif status == "Canceled":
        problems.field(field, "Task is Canceled and cannot be used for data entry.")
    elif posting and status != "Active":
        problems.field(field, f"Project Task '{code}' is inactive.")
    if module and not visible(found.node, module):
        problems.field(field, f"Project Task '{code}' is invisible in {module} module.")
    return found


def cost_code(ctx: Ctx, code: Any, problems: Problems, field: str) -> None:
    if not ctx.setting("features", "cost_codes", default=True):
        return
    if empty(code):
        problems.field(field, cannot_be_empty("Cost Code"))
    elif find(ctx, "CostCode", code) is None:
        problems.field(field, not_found_in_system("Cost Code"))


def account_group(ctx: Ctx, code: Any, problems: Problems, field: str, *, types: tuple[str, ...] = ()
                  ) -> Stored | None:
    if empty(code):
        problems.field(field, cannot_be_empty("Account Group"))
        return None
    found = find(ctx, "AccountGroup", code)
    if found is None:
        problems.field(field, not_found_in_system("Account Group"))
        return None
    fields = found.node["fields"]
    if fields.get("Active") is False:
        problems.field(field, f"Account Group '{code}' is inactive.")
    if types and fields.get("Type") not in types:
        problems.field(field, f"The account group must be of the {' or '.join(types)} type.")
    return found


def account(ctx: Ctx, code: Any, problems: Problems, field: str) -> dict[str, Any] | None:
    """An account of the chart (tenant config) with the account group it maps to."""
    if empty(code):
        problems.field(field, cannot_be_empty("Account"))
        return None
    accounts = ctx.setting("accounts", default={}) or {}
    for number, data in accounts.items():
        if number.casefold() == str(code).casefold():
            return {"number": number, **(data or {})}
    problems.field(field, not_found_in_system("Account"))
    return None


def listed(ctx: Ctx, setting: str, code: Any, problems: Problems, field: str, label: str) -> None:
    """A value that must be one of the tenant's configured codes (terms, payment methods, cash accounts)."""
    if empty(code):
        return
    options = ctx.setting(setting, default={}) or {}
    if str(code).casefold() not in {str(k).casefold() for k in options}:
        problems.field(field, not_found_in_system(label))


def terms_days(ctx: Ctx, terms: Any) -> int:
    table = ctx.setting("terms", default={}) or {}
    for code, days in table.items():
        if str(code).casefold() == str(terms or "").casefold():
            return int(days)
    return 0


_PERIOD = re.compile(r"^(\d{2})[-/]?(\d{4})$")


def post_period(value: Any) -> str | None:
    """``102021``, ``10-2021`` or ``10/2021`` -> ``102021`` (None when it is no period)."""
    m = _PERIOD.match(str(value or "").strip())
    if m is None or not 1 <= int(m[1]) <= 12:
        return None
    return m[1] + m[2]


def referenced(ctx: Ctx, entity_name: str, test: Callable[[dict[str, Any]], bool]) -> bool:
    return any(test(stored.node) for stored in ctx.book.iter(ENTITIES[entity_name]))


def rows(node: dict[str, Any], detail: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = node.get("details", {}).get(detail, [])
    return found


def line_uses(node: dict[str, Any], details: tuple[str, ...], field: str, value: str) -> bool:
    wanted = value.casefold()
    for detail in details:
        for row in rows(node, detail):
            if str(row.get("fields", {}).get(field) or "").casefold() == wanted:
                return True
    return False

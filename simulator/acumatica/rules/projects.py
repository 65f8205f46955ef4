"""Projects, project tasks and project budget lines (PM301000, PM302000, PM309000)."""

from __future__ import annotations

from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import PROJECT, PROJECT_BUDGET, PROJECT_TASK
from simulator.acumatica.models import ACTUALS, COMMITMENTS, Stored, copy
from simulator.acumatica.rules import ledger, refs
from simulator.acumatica.rules.base import (
    Ctx,
    Problems,
    Rules,
    cannot_be_empty,
    dec,
    empty,
    find,
    money,
    register,
    write,
)
from simulator.acumatica.wire import Patch

EDITABLE_PROJECT = ("In Planning", "On Hold", "Active", "Pending Approval", "Rejected")


def _link(node: dict[str, Any], name: str) -> dict[str, Any]:
    links = node.setdefault("links", {})
    if name not in links:
        links[name] = {"id": ledger._row_id(node["id"], "link:" + name), "fields": {}}
    fields: dict[str, Any] = links[name].setdefault("fields", {})
    return fields


def _approval(ctx: Ctx, entity_name: str) -> bool:
    return bool(ctx.setting("approvals", entity_name, default=False))


class ProjectRules(Rules):
    entity = PROJECT
    derived_on_read = True
    derived_fields = frozenset({"Assets", "Liabilities", "Income", "Expenses"})
    always_editable = frozenset({"Hold"})

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        hold = bool(ctx.setting("hold_on_entry", "Project", default=True))
        node["fields"].update({"Hold": hold, "Status": "In Planning", "Assets": 0.0, "Liabilities": 0.0,
                               "Income": 0.0, "Expenses": 0.0})
        props = _link(node, "ProjectProperties")
        props.update({
            "ChangeOrderWorkflow": bool(ctx.setting("project_defaults", "ChangeOrderWorkflow", default=True)),
            "RevenueBudgetLevel": "Task", "CostBudgetLevel": "Task and Cost Code", "CertifiedJob": False,
            "TrackProductionData": False, "RestrictEmployees": False, "RestrictEquipment": False,
            "ProjectCurrency": ctx.setting("base_currency", default="USD"),
        })
        _link(node, "VisibilitySettings").update({m: True for m in ("AP", "AR", "CA", "CRM", "Expenses", "GL", "IN",
                                                                     "PO", "SO", "TimeEntries")})
        _link(node, "Retainage").update({"RetainageMode": "Normal", "IncludeCO": False, "UseSteps": False,
                                         "CapPct": 100.0, "CapAmount": 0.0, "RetainagePct": 0.0})
        _link(node, "BillingAndAllocationSettings").update({
            "BillingPeriod": "Month", "AutomaticallyReleaseARDocuments": False, "CreateProFormaOnBilling": True,
            "RunAllocationOnReleaseOfProjectTransactions": False, "UseTMRevenueBudgetLimits": False,
            "Branch": ctx.branch or ctx.setting("default_branch", default="MAIN"),
        })
        node["sys"].update({"budget_locked": False, "commitments_locked": False})

    def active_status(self, ctx: Ctx) -> str:
        return "Pending Approval" if _approval(ctx, "Project") else "Active"

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        if empty(f.get("Description")):
            problems.field("Description", cannot_be_empty("Description"))
        old_f = old["fields"] if old else {}
        if not empty(f.get("Customer")):
            if f.get("Customer") != old_f.get("Customer"):
                refs.customer(ctx, f["Customer"], problems, "Customer")
                if old_f.get("Status") == "Active" and not empty(old_f.get("Customer")):
                    problems.field("Customer", "The customer cannot be changed on an Active project.")
        if not empty(f.get("ProjectTemplateID")):
            templates = ctx.setting("project_templates", default={}) or {}
            if str(f["ProjectTemplateID"]).casefold() not in {str(t).casefold() for t in templates}:
                problems.field("ProjectTemplateID", refs.not_found_in_system("Template ID"))
        status = old_f.get("Status") if old else None
        hold = bool(f.get("Hold"))
        if old is None:
            status = "In Planning" if hold else self.active_status(ctx)
        elif hold != bool(old_f.get("Hold")):
            if hold:
                if status in ("Active", "Pending Approval", "Rejected"):
                    status = "On Hold"
                elif status != "In Planning":
                    problems.field("Hold", f"A project with the {status} status cannot be put on hold.")
            elif status in ("In Planning", "On Hold", "Rejected"):
                status = self.active_status(ctx)
            else:
                problems.field("Hold", f"A project with the {status} status cannot be taken off hold.")
        f["Status"] = status
        if status == "Active" and old_f.get("Status") != "Active":
            props = _link(node, "ProjectProperties")
            props.setdefault("StartDate", ctx.today_stored())
            node["sys"]["activated"] = True
        billing = node.get("links", {}).get("BillingAndAllocationSettings", {}).get("fields", {})
        if status == "In Planning" and billing.get("NextBillingDate"):
            problems.link("BillingAndAllocationSettings").field(
                "NextBillingDate", "The next billing date cannot be specified for a project with the In Planning "
                                   "status.")
        retainage = node.get("links", {}).get("Retainage", {}).get("fields", {})
        for name in ("RetainagePct", "CapPct"):
            if not 0 <= dec(retainage.get(name)) <= 100:
                problems.link("Retainage").field(name, "The value must be between 0 and 100.")
        props = node.get("links", {}).get("ProjectProperties", {}).get("fields", {})
        if props.get("StartDate") and props.get("EndDate") and props["EndDate"] < props["StartDate"]:
            problems.link("ProjectProperties").field("EndDate", "The end date cannot be earlier than the start date.")

    def after_save(self, ctx: Ctx, rid: int, node: dict[str, Any], old: dict[str, Any] | None) -> None:
        if node["sys"].pop("activated", False):
            ctx.book.update(PROJECT, rid, node)
            if ctx.setting("activate_tasks_with_project", default=True):
                for task in ctx.book.children(PROJECT_TASK, rid):
                    if task.node["fields"].get("Status") == "Planned":
                        task_node = copy(task.node)
                        task_node["fields"]["Status"] = "Active"
                        write(ctx, PROJECT_TASK, task_node, task)
        ledger.invalidate(ctx)

    def view(self, ctx: Ctx, stored: Stored) -> dict[str, Any]:
        node = copy(stored.node)
        rows, by_type = ledger.balances(ctx, stored)
        node.setdefault("details", {})["Balances"] = rows
        f = node["fields"]
        f["Assets"] = money(by_type.get("Asset", 0))
        f["Liabilities"] = money(by_type.get("Liability", 0))
        f["Income"] = money(by_type.get("Income", 0))
        f["Expenses"] = money(by_type.get("Expense", 0))
        return node

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        code = str(stored.node["fields"]["ProjectID"])
        if ledger.has_ledger(ctx, stored.rid):
            raise errors.server_error(f"The {code} project cannot be deleted because it has transactions.")
        for entity_name, header, details, line in (
            ("ChangeOrder", "ProjectID", (), ""), ("Bill", "Project", ("Details",), "Project"),
            ("PurchaseOrder", "Project", ("Details",), "Project"), ("Subcontract", "", ("Details",), "Project"),
            ("ProjectTransaction", "", ("Details",), "Project"),
        ):
            def test(node: dict[str, Any], header: str = header, details: tuple[str, ...] = details,
                     line: str = line) -> bool:
                if header and str(node["fields"].get(header) or "").casefold() == code.casefold():
                    return True
                return bool(line) and refs.line_uses(node, details, line, code)

            if refs.referenced(ctx, entity_name, test):
                raise errors.server_error(f"The {code} project cannot be deleted because it is used in "
                                          f"{entity_name} records.")

    def after_delete(self, ctx: Ctx, stored: Stored) -> None:
        for ent in (PROJECT_TASK, PROJECT_BUDGET):
            for child in ctx.book.children(ent, stored.rid):
                ctx.book.delete(ent, child)

    # -- actions -------------------------------------------------------------------------

    def _move(self, node: dict[str, Any], allowed: tuple[str, ...], action: str, status: str,
              hold: bool | None = None) -> None:
        if node["fields"].get("Status") not in allowed:
            raise errors.action_disabled(action)
        node["fields"]["Status"] = status
        if hold is not None:
            node["fields"]["Hold"] = hold

    def act_ActivateProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        status = node["fields"].get("Status")
        target = "Active" if status in ("Suspended", "Completed") else self.active_status(ctx)
        self._move(node, ("In Planning", "On Hold", "Suspended", "Completed", "Rejected"), "Activate", target, False)
        if target == "Active":
            _link(node, "ProjectProperties").setdefault("StartDate", ctx.today_stored())
            node["sys"]["activated"] = True

    def act_HoldProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._move(node, ("In Planning", "Active", "Pending Approval", "Rejected"), "Hold", "On Hold", True)

    def act_CompleteProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        project = find(ctx, "Project", node["fields"]["ProjectID"])
        open_tasks = [t for t in ctx.book.children(PROJECT_TASK, project.rid)  # type: ignore[union-attr]
                      if t.node["fields"].get("Status") not in ("Completed", "Canceled")]
        self._move(node, ("Active", "Suspended"), "Complete", "Completed")
        if open_tasks:
            raise errors.server_error(f"Project can only be Completed if all Tasks are completed. "
                                      f"{len(open_tasks)} Task(s) are still incomplete.")
        _link(node, "ProjectProperties").setdefault("EndDate", ctx.today_stored())

    def act_SuspendProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._move(node, ("Active",), "Suspend", "Suspended")

    def act_CancelProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._move(node, ("In Planning", "On Hold", "Active", "Suspended", "Pending Approval", "Rejected"), "Cancel",
                   "Canceled")
        project = find(ctx, "Project", node["fields"]["ProjectID"])
        if project is not None and ledger.has_ledger(ctx, project.rid):
            raise errors.server_error("The project cannot be canceled because it has transactions.")

    def act_ApproveProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._move(node, ("Pending Approval",), "Approve", "Active", False)
        node["sys"]["activated"] = True

    def act_RejectProject(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._move(node, ("Pending Approval",), "Reject", "Rejected")

    def _flag(self, node: dict[str, Any], flag: str, value: bool, action: str) -> None:
        if node["sys"].get(flag, False) == value:
            raise errors.action_disabled(action)
        node["sys"][flag] = value

    def act_LockProjectBudget(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._flag(node, "budget_locked", True, "Lock Budget")

    def act_UnlockProjectBudget(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self._flag(node, "budget_locked", False, "Unlock Budget")

    def act_LockProjectCommitments(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems
                                   ) -> None:
        self._flag(node, "commitments_locked", True, "Lock Commitments")

    def act_UnlockProjectCommitments(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems
                                     ) -> None:
        self._flag(node, "commitments_locked", False, "Unlock Commitments")

    def act_ValidateProjectBalance(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems
                                   ) -> None:
        """Recreate budget lines for every ledger key that lost its line."""
        project = find(ctx, "Project", node["fields"]["ProjectID"])
        if project is None:
            return
        for kind in (ACTUALS, COMMITMENTS):
            for entry in ctx.book.ledger(kind, project.rid):
                ledger.ensure_budget_line(ctx, project, entry["task"], entry["group"], entry["code"],
                                          entry.get("inventory"))

    def act_ChangeProjectID(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        new = params.get("ProjectID")
        if empty(new):
            raise errors.server_error("'New Project ID' cannot be empty.")
        new = str(new).strip().upper()
        old = str(node["fields"]["ProjectID"])
        if find(ctx, "Project", new) is not None:
            raise errors.server_error(f"The {new} project already exists.")
        node["fields"]["ProjectID"] = new
        rename_project(ctx, old, new)


def rename_project(ctx: Ctx, old: str, new: str) -> None:
    """Point every record that names the project at its new ID (the real system joins by an inner key)."""
    from simulator.acumatica.entities import ENTITIES

    plan = {
        "ProjectTask": (("ProjectID",), ()), "ProjectBudget": (("ProjectID",), ()),
        "ChangeOrder": (("ProjectID",), ()), "Bill": (("Project",), (("Details", "Project"),)),
        "PurchaseOrder": (("Project",), (("Details", "Project"),)),
        "Subcontract": ((), (("Details", "Project"),)),
        "ProjectTransaction": ((), (("Details", "Project"),)),
    }
    for entity_name, (headers, lines) in plan.items():
        ent = ENTITIES[entity_name]
        for stored in list(ctx.book.iter(ent)):
            node = stored.node
            changed = False
            for name in headers:
                if str(node["fields"].get(name) or "").casefold() == old.casefold():
                    node["fields"][name] = new
                    changed = True
            for detail, name in lines:
                for row in node.get("details", {}).get(detail, []):
                    if str(row["fields"].get(name) or "").casefold() == old.casefold():
                        row["fields"][name] = new
                        changed = True
            if changed:
                ctx.book.update(ent, stored.rid, node)
    ledger.invalidate(ctx)


class ProjectTaskRules(Rules):
    entity = PROJECT_TASK

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({"Default": False, "Status": "Planned"})
        _link(node, "Properties").update({"CompletionMethod": "Manual", "Completed": 0.0})

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        if empty(f.get("Description")):
            problems.field("Description", cannot_be_empty("Description"))
        project = find(ctx, "Project", f.get("ProjectID"))
        if project is None:
            if not empty(f.get("ProjectID")):
                problems.field("ProjectID", f"Project '{f.get('ProjectID')}' cannot be found in the system.")
            return
        status = project.node["fields"].get("Status")
        if status in ("Completed", "Canceled"):
            problems.field("ProjectID", f"Project is {status} and cannot be used for data entry.")
        if old is None:
            if status == "Active" and ctx.setting("activate_tasks_with_project", default=True):
                f["Status"] = "Active"
            if "VisibilitySettings" not in node.get("links", {}) or \
                    not node["links"]["VisibilitySettings"].get("fields"):
                inherited = project.node.get("links", {}).get("VisibilitySettings", {}).get("fields", {})
                _link(node, "VisibilitySettings").update(inherited)
        completed = node.get("links", {}).get("Properties", {}).get("fields", {}).get("Completed")
        if completed is not None and not 0 <= dec(completed) <= 100:
            problems.link("Properties").field("Completed", "The value must be between 0 and 100.")

    def parent_of(self, ctx: Ctx, node: dict[str, Any]) -> int | None:
        project = find(ctx, "Project", node["fields"].get("ProjectID"))
        return None if project is None else project.rid

    def after_save(self, ctx: Ctx, rid: int, node: dict[str, Any], old: dict[str, Any] | None) -> None:
        if not node["fields"].get("Default") or (old is not None and old["fields"].get("Default")):
            return
        project = find(ctx, "Project", node["fields"]["ProjectID"])
        if project is None:
            return
        for sibling in ctx.book.children(PROJECT_TASK, project.rid):
            if sibling.rid != rid and sibling.node["fields"].get("Default"):
                sibling.node["fields"]["Default"] = False
                write(ctx, PROJECT_TASK, sibling.node, sibling)

    def _has_postings(self, ctx: Ctx, node: dict[str, Any]) -> bool:
        project = find(ctx, "Project", node["fields"]["ProjectID"])
        task_id = str(node["fields"]["ProjectTaskID"]).casefold()
        return project is not None and ledger.has_ledger(
            ctx, project.rid, lambda e: str(e.get("task") or "").casefold() == task_id)

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        if stored.node["fields"].get("Status") not in ("Planned", "Canceled"):
            raise errors.server_error("The task cannot be deleted. You can delete a task with only the Planning or "
                                      "Canceled status.")
        if self._has_postings(ctx, stored.node):
            raise errors.server_error("The task cannot be deleted because it has transactions.")

    def after_delete(self, ctx: Ctx, stored: Stored) -> None:
        project = find(ctx, "Project", stored.node["fields"]["ProjectID"])
        if project is None:
            return
        task_id = str(stored.node["fields"]["ProjectTaskID"]).casefold()
        for line in ctx.book.children(PROJECT_BUDGET, project.rid):
            if str(line.node["fields"].get("ProjectTaskID") or "").casefold() == task_id:
                ctx.book.delete(PROJECT_BUDGET, line)

    def act_ActivateProjectTask(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("Planned", "Canceled"):
            raise errors.action_disabled("Activate")
        project = find(ctx, "Project", node["fields"]["ProjectID"])
        status = project.node["fields"].get("Status") if project else None
        if status in refs.INACTIVE_STATUSES:
            raise errors.server_error(f"Project is {status} and cannot be used for data entry.")
        node["fields"]["Status"] = "Active"
        _link(node, "Properties").setdefault("StartDate", ctx.today_stored())

    def act_CompleteProjectTask(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        self.move_status(node, "Active", "Completed", "Complete")
        props = _link(node, "Properties")
        props["Completed"] = 100.0
        props.setdefault("EndDate", ctx.today_stored())

    def act_CancelProjectTask(self, ctx: Ctx, node: dict[str, Any], params: dict[str, Any], p: Problems) -> None:
        if node["fields"].get("Status") not in ("Planned", "Active"):
            raise errors.action_disabled("Cancel")
        if self._has_postings(ctx, node):
            raise errors.server_error("The task cannot be canceled because it has transactions.")
        node["fields"]["Status"] = "Canceled"


class ProjectBudgetRules(Rules):
    entity = PROJECT_BUDGET
    derived_on_read = True
    derived_fields = frozenset(ledger.SUMS) | frozenset({
        "RevisedBudgetedAmount", "RevisedBudgetedQty", "RevisedCommittedAmount", "RevisedCommittedQty",
        "ActualPlusOpenCommittedAmount", "VarianceAmount", "Performance", "PercentageOfCompletion",
        "CostToComplete", "CostAtCompletion", "DraftInvoicesAmount", "BudgetedCOAmount", "BudgetedCOQty"})

    def key_defaults(self, ctx: Ctx, patch: Patch) -> None:
        f = patch.fields
        if empty(f.get("InventoryID")):
            f["InventoryID"] = ledger.NA
        if empty(f.get("CostCode")) and not ctx.setting("features", "cost_codes", default=True):
            f["CostCode"] = ctx.setting("default_cost_code")
        if empty(f.get("ProjectTaskID")) and not empty(f.get("ProjectID")):
            project = find(ctx, "Project", f["ProjectID"])
            if project is not None:
                default = refs.default_task(ctx, project)
                if default:
                    f["ProjectTaskID"] = default

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        node["fields"].update({
            "OriginalBudgetedAmount": 0.0, "OriginalBudgetedQty": 0.0, "UnitRate": 0.0, "Completed": 0.0,
            "PendingInvoiceAmount": 0.0, "Retainage": 0.0, "AutoCompleted": False, "BudgetedCOAmount": 0.0,
            "BudgetedCOQty": 0.0,
        })

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        f = node["fields"]
        old_f = old["fields"] if old else {}
        project = refs.project(ctx, f.get("ProjectID"), problems, "ProjectID", posting=False) \
            if not empty(f.get("ProjectID")) else None
        if project is not None and not empty(f.get("ProjectTaskID")):
            refs.task(ctx, project, f["ProjectTaskID"], problems, "ProjectTaskID", posting=False)
        group = refs.account_group(ctx, f.get("AccountGroup"), problems, "AccountGroup") \
            if not empty(f.get("AccountGroup")) else None
        if group is not None:
            f["Type"] = group.node["fields"].get("Type", "Expense")
        if not empty(f.get("CostCode")):
            refs.cost_code(ctx, f.get("CostCode"), problems, "CostCode")
        qty, rate = dec(f.get("OriginalBudgetedQty")), dec(f.get("UnitRate"))
        formula_inputs_changed = old is None or qty != dec(old_f.get("OriginalBudgetedQty")) or \
            rate != dec(old_f.get("UnitRate"))
        if rate and formula_inputs_changed:
            f["OriginalBudgetedAmount"] = money(qty * rate)
        else:
            f["OriginalBudgetedAmount"] = money(f.get("OriginalBudgetedAmount"))
        for name in ("Completed", "Retainage"):
            if not 0 <= dec(f.get(name)) <= 100:
                problems.field(name, "The value must be between 0 and 100.")
        if project is not None and project.node["sys"].get("budget_locked"):
            budget_fields = ("OriginalBudgetedAmount", "OriginalBudgetedQty", "UnitRate")
            if old is None or any(dec(f.get(n)) != dec(old_f.get(n)) for n in budget_fields):
                problems.entity("The budget of the project is locked. To modify the original budget, unlock the "
                                "budget or use a change order.")

    def parent_of(self, ctx: Ctx, node: dict[str, Any]) -> int | None:
        project = find(ctx, "Project", node["fields"].get("ProjectID"))
        return None if project is None else project.rid

    def view(self, ctx: Ctx, stored: Stored) -> dict[str, Any]:
        return ledger.fill_budget(ctx, stored.node)

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        f = stored.node["fields"]
        project = find(ctx, "Project", f.get("ProjectID"))
        if project is None:
            return
        if project.node["sys"].get("budget_locked"):
            raise errors.server_error("The budget of the project is locked.")
        wanted = ledger.budget_key(f)
        if ledger.has_ledger(ctx, project.rid, lambda e: ledger.key(e["task"], e["group"], e["code"],
                                                                     e.get("inventory")) == wanted):
            raise errors.server_error("The budget line cannot be deleted because it has actual or committed "
                                      "amounts.")


register(ProjectRules())
register(ProjectTaskRules())
register(ProjectBudgetRules())

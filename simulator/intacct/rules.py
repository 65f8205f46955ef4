"""Object-specific rules: defaults, cross-object checks, derived totals and side effects.

Each hook registers itself in the tables ``models`` consults, so adding an
object's rules never touches the generic engine.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.intacct import errors
from simulator.intacct.models import (
    AFTER,
    AFTER_DELETE,
    BEFORE_DELETE,
    PREPARE,
    Ctx,
    Draft,
    Row,
    find,
    find_cost_type,
    find_task,
    get,
    invalid_reference,
    kind,
    lines_of,
    require,
    save_derived,
)
from simulator.intacct.schema import OBJECTS, ObjectDef
from simulator.intacct.values import dec, money, parse_date, plain

ZERO = Decimal(0)
MODULE_LABELS = {"AP": "Accounts Payable", "PO": "Purchasing", "GL": "General Ledger"}
DEFAULT_PROJECT_STATUSES: dict[str, list[str]] = {
    "Not Started": [], "In Progress": [], "On Hold": ["AP", "PO", "GL"], "Completed": ["AP", "PO", "GL"],
}


def fail(obj: ObjectDef | str, message: str, action: str = "create", correction: str = "") -> errors.FunctionFailure:
    name = obj.name if isinstance(obj, ObjectDef) else obj
    return errors.invalid(name, message, action, correction)


def project_statuses(ctx: Ctx) -> dict[str, list[str]]:
    statuses = ctx.config.get("project_statuses")
    return statuses if isinstance(statuses, dict) else DEFAULT_PROJECT_STATUSES


def check_open_period(ctx: Ctx, obj: ObjectDef, value: str, action: str) -> None:
    closed_before = ctx.config.get("closed_before")
    if not closed_before or not value:
        return
    if parse_date(value) < parse_date(closed_before):
        raise fail(obj, f"Date must be on or after {closed_before}. The period for {value} is closed.", action,
                   "Use a date in an open period.")


def check_project_open(ctx: Ctx, obj: ObjectDef, project_id: str, module: str, action: str) -> Row:
    project = find(ctx, "PROJECT", project_id)
    if project is None or project.get("STATUS") == "inactive":
        raise invalid_reference(ctx, obj, "Project", project_id, action)
    status = project.get("PROJECTSTATUS", "")
    if module in project_statuses(ctx).get(status, []):
        raise fail(obj, f"Project '{project_id}' has the project status '{status}', which does not allow "
                        f"{MODULE_LABELS.get(module, module)} transactions.", action)
    return project


def check_dimensions(ctx: Ctx, obj: ObjectDef, line: Row, module: str | None, action: str,
                     owner: ObjectDef | None = None) -> None:
    """TASKID only with PROJECTID; COSTTYPEID only with PROJECTID and TASKID; each must exist.

    ``obj`` is the line's own object (which keys it carries); ``owner`` the record being
    written, named in the errors as the real gateway does ("Could not create apbill record!").
    """
    who = owner or obj
    project_id, task_id, cost_type_id = line.get("PROJECTID", ""), line.get("TASKID", ""), line.get("COSTTYPEID", "")
    if task_id and not project_id:
        raise fail(who, "TASKID is only valid when PROJECTID is also specified.", action)
    if cost_type_id and not (project_id and task_id):
        raise fail(who, "COSTTYPEID is only valid when PROJECTID and TASKID are specified.", action)
    if not project_id:
        return
    project = check_project_open(ctx, who, project_id, module, action) if module else find(ctx, "PROJECT", project_id)
    if project is None or project.get("STATUS") == "inactive":
        raise invalid_reference(ctx, who, "Project", project_id, action)
    if "PROJECTKEY" in obj.fields:
        line["PROJECTKEY"] = project["RECORDNO"]
    if task_id:
        task = find_task(ctx, project_id, task_id)
        if task is None:
            raise invalid_reference(ctx, who, "Task", task_id, action)
        if "TASKKEY" in obj.fields:
            line["TASKKEY"] = task["RECORDNO"]
    if cost_type_id:
        cost_type = find_cost_type(ctx, project_id, task_id, cost_type_id)
        if cost_type is None or cost_type.get("STATUS") == "inactive":
            raise invalid_reference(ctx, who, "Cost Type", cost_type_id, action)
        if "COSTTYPEKEY" in obj.fields:
            line["COSTTYPEKEY"] = cost_type["RECORDNO"]


def merge_lines(ctx: Ctx, draft: Draft, action: str, locked_field: str | None = None) -> None:
    """Add-or-modify line semantics: lines with a RECORDNO update theirs, others are added, none deleted."""
    if draft.lines is None:
        return
    assert draft.obj.lines is not None
    by_no = {line["RECORDNO"]: line for line in draft.existing_lines}
    merged = []
    for line in draft.lines:
        number = line.get("RECORDNO")
        if number:
            old = by_no.get(number)
            if old is None:
                raise fail(draft.obj, f"{draft.obj.lines.object} with RECORDNO {number} does not belong to this "
                                      f"{draft.obj.label}.", action)
            if locked_field and old.get(locked_field):
                raise fail(draft.obj, f"{draft.obj.lines.object} {number} is linked to a change request entry and "
                                      "cannot be updated.", action)
            merged.append({**old, **line})
        else:
            merged.append(line)
    untouched = [old for old in draft.existing_lines if old["RECORDNO"] not in {m.get("RECORDNO") for m in merged}]
    draft.lines = untouched + merged
    draft.existing_lines = []


def scan(ctx: Ctx, obj: str) -> list[Row]:
    return [r.data for r in ctx.records.iter(kind(obj))]


def in_use(ctx: Ctx, obj: ObjectDef, row: Row, field: str, users: list[str]) -> None:
    value = row.get(field, "")
    for other in users:
        for candidate in scan(ctx, other):
            if candidate.get(field) == value:
                raise fail(obj, f"{obj.label} '{value}' cannot be deleted because {OBJECTS[other].label} "
                                f"{candidate.get('RECORDNO')} refers to it.", "delete")


def default(data: Row, name: str, value: str) -> None:
    if not data.get(name):
        data[name] = value


# -- master data ------------------------------------------------------------------


def check_parent_chain(ctx: Ctx, obj: ObjectDef, data: Row, id_field: str, action: str) -> None:
    """A parent may be neither the record itself nor one of its descendants (no cycles)."""
    own, label = data.get(id_field, ""), obj.label.lower()
    if data["PARENTID"] == own:
        raise fail(obj, f"A {label} cannot be its own parent.", action)
    seen: set[str] = set()
    current = find(ctx, obj.name, data["PARENTID"])
    while current is not None and current.get(id_field) not in seen:
        if current.get(id_field) == own:
            raise fail(obj, f"{obj.label} '{data['PARENTID']}' cannot be the parent of '{own}': it is one of its "
                            f"descendants.", action)
        seen.add(current.get(id_field, ""))
        above = current.get("PARENTID", "")
        current = find(ctx, obj.name, above) if above else None


def prepare_party(prefix: str) -> Any:
    def prepare(ctx: Ctx, draft: Draft, action: str) -> None:
        data = draft.data
        default(data, "STATUS", "active")
        id_field = draft.obj.id_field or ""
        if data.get("NAME") and not data.get("DISPLAYCONTACT.CONTACTNAME"):
            data["DISPLAYCONTACT.CONTACTNAME"] = f"{data['NAME']}({prefix}{data.get(id_field, '')})"
        if action == "create":
            data["TOTALDUE"] = "0.00"
        if data.get("PARENTID"):
            check_parent_chain(ctx, draft.obj, data, id_field, action)
            parent = find(ctx, draft.obj.name, data["PARENTID"])
            if parent is not None:
                data["PARENTKEY"], data["PARENTNAME"] = parent["RECORDNO"], parent.get("NAME", "")

    return prepare


PREPARE["VENDOR"] = prepare_party("V")
PREPARE["CUSTOMER"] = prepare_party("C")
for simple in ("GLACCOUNT", "ITEM", "GLJOURNAL", "CHECKINGACCOUNT", "STANDARDCOSTTYPE"):
    PREPARE[simple] = lambda ctx, draft, action: default(draft.data, "STATUS", "active")
BEFORE_DELETE["VENDOR"] = lambda ctx, obj, row: in_use(ctx, obj, row, "VENDORID", ["APBILL", "APPYMT", "PODOCUMENT"])
BEFORE_DELETE["CUSTOMER"] = lambda ctx, obj, row: in_use(ctx, obj, row, "CUSTOMERID", ["PROJECT", "PROJECTCONTRACT"])


def prepare_project(ctx: Ctx, draft: Draft, action: str) -> None:
    data = draft.data
    default(data, "STATUS", "active")
    default(data, "CURRENCY", "USD")
    status = data.get("PROJECTSTATUS", "")
    if status and status not in project_statuses(ctx):
        raise fail(draft.obj, f"Invalid Project Status '{status}' specified. Valid statuses: "
                              f"{', '.join(project_statuses(ctx))}.", action)
    if data.get("PARENTID"):
        check_parent_chain(ctx, draft.obj, data, "PROJECTID", action)
        parent = find(ctx, "PROJECT", data["PARENTID"])
        if parent is not None:
            data["PARENTKEY"], data["PARENTNAME"] = parent["RECORDNO"], parent.get("NAME", "")
    else:
        data["PARENTKEY"] = data["PARENTNAME"] = ""
    customer = find(ctx, "CUSTOMER", data.get("CUSTOMERID", "")) if data.get("CUSTOMERID") else None
    data["CUSTOMERKEY"] = customer["RECORDNO"] if customer else ""
    data["CUSTOMERNAME"] = customer.get("NAME", "") if customer else ""
    if data.get("BEGINDATE") and data.get("ENDDATE") and parse_date(data["ENDDATE"]) < parse_date(data["BEGINDATE"]):
        raise fail(draft.obj, "ENDDATE must be on or after BEGINDATE.", action)


PREPARE["PROJECT"] = prepare_project
BEFORE_DELETE["PROJECT"] = lambda ctx, obj, row: in_use(
    ctx, obj, row, "PROJECTID", ["TASK", "PJESTIMATE", "APBILLITEM", "PODOCUMENT", "PROJECTCONTRACT", "CHANGEREQUEST",
                                 "GLENTRY"])


def prepare_task(ctx: Ctx, draft: Draft, action: str) -> None:
    data = draft.data
    if action == "update" and draft.existing and data.get("PROJECTID") != draft.existing.get("PROJECTID"):
        raise fail(draft.obj, "A task cannot be moved to another project.", action)
    default(data, "TASKID", data["RECORDNO"])
    project = find(ctx, "PROJECT", data.get("PROJECTID", ""))
    if project is None:
        raise invalid_reference(ctx, draft.obj, "Project", data.get("PROJECTID", ""), action)
    data["PROJECTKEY"], data["PROJECTNAME"] = project["RECORDNO"], project.get("NAME", "")
    default(data, "PBEGINDATE", project.get("BEGINDATE", ""))
    default(data, "PENDDATE", project.get("ENDDATE", ""))
    if data.get("STANDARDTASKID"):
        standard = find(ctx, "STANDARDTASK", data["STANDARDTASKID"])
        data["STANDARDTASKKEY"] = standard["RECORDNO"] if standard else ""
    if data.get("PARENTKEY"):
        parent = get(ctx, "TASK", data["PARENTKEY"])
        if parent is None or parent.get("PROJECTID") != data["PROJECTID"]:
            raise fail(draft.obj, f"Parent task {data['PARENTKEY']} is not a task of project {data['PROJECTID']}.",
                       action)
        if parent["RECORDNO"] == data["RECORDNO"]:
            raise fail(draft.obj, "A task cannot be its own parent.", action)
        data["PARENTID"], data["PARENTTASKNAME"] = parent.get("TASKID", ""), parent.get("NAME", "")
        root = parent
        while root.get("PARENTKEY"):
            above = get(ctx, "TASK", root["PARENTKEY"])
            if above is None:
                break
            root = above
        data["ROOTPARENTKEY"], data["ROOTPARENTID"], data["ROOTPARENTNAME"] = (
            root["RECORDNO"], root.get("TASKID", ""), root.get("NAME", ""))
    if data.get("ITEMID"):
        item = find(ctx, "ITEM", data["ITEMID"])
        if item is not None:
            data["ITEMKEY"], data["ITEMNAME"] = item["RECORDNO"], item.get("NAME", "")


PREPARE["TASK"] = prepare_task
BEFORE_DELETE["TASK"] = lambda ctx, obj, row: _task_in_use(ctx, obj, row)


def _task_in_use(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    for other in ("COSTTYPE", "APBILLITEM", "PJESTIMATEENTRY", "PODOCUMENTENTRY", "CHANGEREQUESTENTRY", "GLENTRY"):
        for candidate in scan(ctx, other):
            if candidate.get("PROJECTID") == row.get("PROJECTID") and candidate.get("TASKID") == row.get("TASKID"):
                raise fail(obj, f"Task '{row.get('TASKID')}' of project '{row.get('PROJECTID')}' cannot be deleted "
                                f"because {OBJECTS[other].label} {candidate.get('RECORDNO')} refers to it.", "delete")


def prepare_standard_task(ctx: Ctx, draft: Draft, action: str) -> None:
    if draft.get("BILLABLE") == "true" and not draft.get("ITEMID"):
        raise fail(draft.obj, "ITEMID is required when BILLABLE is true.", action)
    if draft.get("ITEMID"):
        item = find(ctx, "ITEM", draft.get("ITEMID"))
        if item is not None and not item.get("ITEMTYPE", "").startswith("Non-Inventory"):
            raise fail(draft.obj, f"Item '{draft.get('ITEMID')}' must be a Non-Inventory item.", action)
    for line in draft.lines or []:
        line["STANDARDTASKKEY"] = draft.data["RECORDNO"]
        standard = find(ctx, "STANDARDCOSTTYPE", line.get("STANDARDCOSTTYPEID", ""))
        if standard is not None:
            line["STANDARDCOSTTYPEKEY"] = standard["RECORDNO"]


PREPARE["STANDARDTASK"] = prepare_standard_task
BEFORE_DELETE["STANDARDTASK"] = lambda ctx, obj, row: in_use(ctx, obj, row, "STANDARDTASKID", ["TASK"])
BEFORE_DELETE["STANDARDCOSTTYPE"] = lambda ctx, obj, row: in_use(
    ctx, obj, row, "STANDARDCOSTTYPEID", ["COSTTYPE", "STANDARDTASKSTANDARDCOSTTYPE"])


def prepare_cost_type(ctx: Ctx, draft: Draft, action: str) -> None:
    data = draft.data
    if action == "update" and draft.existing:
        for fixed in ("PROJECTID", "TASKID", "STANDARDCOSTTYPEID"):
            if data.get(fixed) != draft.existing.get(fixed):
                raise fail(draft.obj, f"{fixed} of a cost type cannot be changed.", action)
    if data.get("TASKKEY") and not (data.get("PROJECTID") and data.get("TASKID")):
        task = get(ctx, "TASK", data["TASKKEY"])
        if task is None:
            raise invalid_reference(ctx, draft.obj, "Task", data["TASKKEY"], action)
        data["PROJECTID"], data["TASKID"] = task["PROJECTID"], task["TASKID"]
    if not (data.get("PROJECTID") and data.get("TASKID")):
        raise fail(draft.obj, "Provide PROJECTID and TASKID, or TASKKEY, to say which task the cost type is for.",
                   action)
    project = find(ctx, "PROJECT", data["PROJECTID"])
    if project is None:
        raise invalid_reference(ctx, draft.obj, "Project", data["PROJECTID"], action)
    task = find_task(ctx, data["PROJECTID"], data["TASKID"])
    if task is None:
        raise invalid_reference(ctx, draft.obj, "Task", data["TASKID"], action)
    standard = find(ctx, "STANDARDCOSTTYPE", data.get("STANDARDCOSTTYPEID", ""))
    if standard is None or standard.get("STATUS") == "inactive":
        raise invalid_reference(ctx, draft.obj, "Standard Cost Type", data.get("STANDARDCOSTTYPEID", ""), action)
    data["COSTTYPEID"] = standard["STANDARDCOSTTYPEID"]
    data["STANDARDCOSTTYPEKEY"] = standard["RECORDNO"]
    default(data, "NAME", standard.get("NAME", ""))
    for inherited in ("ACCUMULATIONTYPENAME", "ACCOUNTNO", "PARENTID", "ITEMID", "COSTUNITDESCRIPTION"):
        default(data, inherited, standard.get(inherited, ""))
    default(data, "STATUS", "active")
    data["PROJECTKEY"], data["PROJECTNAME"] = project["RECORDNO"], project.get("NAME", "")
    data["TASKKEY"], data["TASKNAME"] = task["RECORDNO"], task.get("NAME", "")


PREPARE["COSTTYPE"] = prepare_cost_type
BEFORE_DELETE["COSTTYPE"] = lambda ctx, obj, row: _cost_type_in_use(ctx, obj, row)


def _cost_type_in_use(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    for other in ("APBILLITEM", "PJESTIMATEENTRY", "PODOCUMENTENTRY", "CHANGEREQUESTENTRY", "GLENTRY"):
        for c in scan(ctx, other):
            if (c.get("PROJECTID"), c.get("TASKID"), c.get("COSTTYPEID")) == (
                    row.get("PROJECTID"), row.get("TASKID"), row.get("COSTTYPEID")):
                raise fail(obj, f"Cost type '{row.get('COSTTYPEID')}' cannot be deleted because "
                                f"{OBJECTS[other].label} {c.get('RECORDNO')} refers to it.", "delete")


# -- estimates ---------------------------------------------------------------------


def primary_estimate(ctx: Ctx, project_id: str) -> Row | None:
    for est in scan(ctx, "PJESTIMATE"):
        if est.get("PROJECTID") == project_id and est.get("ISPRIMARY") == "true":
            return est
    return None


def estimate_has_change_requests(ctx: Ctx, est: Row) -> bool:
    obj = OBJECTS["PJESTIMATE"]
    return any(line.get("CHANGEREQUESTENTRYKEY") for line in lines_of(ctx, obj, est["RECORDNO"]))


def prepare_estimate(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    if action == "update" and draft.existing:
        old = draft.existing
        if old.get("STATUS") == "finalized":
            changed = {k for k, v in data.items() if old.get(k) != v and k not in ("STATUS", "WHENMODIFIED")}
            if changed or draft.lines:
                raise fail(obj, f"Estimate '{old.get('PJESTIMATEID')}' is finalized and cannot be modified other "
                                "than to change its status.", action)
        if data.get("PROJECTID") != old.get("PROJECTID"):
            raise fail(obj, "An estimate cannot be moved to another project.", action)
        if old.get("ISPRIMARY") == "true" and data.get("ISPRIMARY") == "false" and estimate_has_change_requests(ctx, old):
            raise fail(obj, "ISPRIMARY cannot be set to false while change requests are linked to the estimate.",
                       action)
        merge_lines(ctx, draft, action, locked_field="CHANGEREQUESTENTRYKEY")
    default(data, "STATUS", "active")
    default(data, "POSTED", "false")
    project = find(ctx, "PROJECT", data.get("PROJECTID", ""))
    if project is None:
        raise invalid_reference(ctx, obj, "Project", data.get("PROJECTID", ""), action)
    data["PROJECTKEY"], data["PROJECTNAME"] = project["RECORDNO"], project.get("NAME", "")
    current = primary_estimate(ctx, data["PROJECTID"])
    if action == "create" and not data.get("ISPRIMARY"):
        data["ISPRIMARY"] = "true" if current is None else "false"
    if data.get("ISPRIMARY") == "true" and current is not None and current["RECORDNO"] != data["RECORDNO"]:
        raise fail(obj, f"Project '{data['PROJECTID']}' already has the primary estimate "
                        f"'{current.get('PJESTIMATEID')}'. Clear ISPRIMARY on it first.", action)
    if data.get("POSTED") == "true" and data.get("POSTTO") == "Estimate date" and not data.get("ESTIMATEDATE"):
        raise fail(obj, "ESTIMATEDATE is required when POSTTO is Estimate date.", action)
    for number, line in enumerate(draft.lines or [], start=1):
        prepare_estimate_entry(ctx, obj, data, line, number, action)


def prepare_estimate_entry(ctx: Ctx, obj: ObjectDef, header: Row, line: Row, number: int, action: str) -> None:
    default(line, "WFTYPE", "original")
    default(line, "PROJECTID", header["PROJECTID"])
    line["PJESTIMATEKEY"], line["PJESTIMATEID"] = header["RECORDNO"], header.get("PJESTIMATEID", "")
    if line["PROJECTID"] != header["PROJECTID"]:
        descendant = find(ctx, "PROJECT", line["PROJECTID"])
        if descendant is None or descendant.get("PARENTID") != header["PROJECTID"]:
            raise fail(obj, f"Entry {number}: project '{line['PROJECTID']}' is not the estimate's project or one of "
                            "its sub-projects.", action)
    if not line.get("AMOUNT"):
        if line.get("QTY") and line.get("UNITCOST"):
            line["AMOUNT"] = money(dec(line["QTY"]) * dec(line["UNITCOST"]))
        elif line.get("PRODUCTIONUNITS"):
            if not line.get("TASKID"):
                raise fail(obj, f"Entry {number}: PRODUCTIONUNITS requires TASKID.", action)
            line["AMOUNT"] = "0.00"
        else:
            raise fail(obj, f"Entry {number}: AMOUNT is required unless QTY and UNITCOST or PRODUCTIONUNITS are "
                            "given.", action)
    if header.get("POSTED") == "true" and header.get("POSTTO") == "Effective date" and not line.get("EFFECTIVEDATE"):
        raise fail(obj, f"Entry {number}: EFFECTIVEDATE is required when POSTTO is Effective date.", action)
    check_dimensions(ctx, OBJECTS["PJESTIMATEENTRY"], line, None, action, owner=obj)


def after_estimate(ctx: Ctx, draft: Draft, recordno: int, action: str) -> None:
    recompute_estimate(ctx, recordno)


def recompute_estimate(ctx: Ctx, recordno: int | str) -> None:
    est = get(ctx, "PJESTIMATE", recordno)
    if est is None:
        return
    total = sum((dec(line.get("AMOUNT")) for line in lines_of(ctx, OBJECTS["PJESTIMATE"], recordno)), ZERO)
    est["TOTALAMOUNT"] = money(total)
    save_derived(ctx, "PJESTIMATE", est)


def before_delete_estimate(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if row.get("ISPRIMARY") == "true":
        raise fail(obj, f"Estimate '{row.get('PJESTIMATEID')}' is the project's primary estimate and cannot be "
                        "deleted.", "delete")
    if row.get("STATUS") == "finalized":
        raise fail(obj, f"Estimate '{row.get('PJESTIMATEID')}' is finalized and cannot be deleted.", "delete")
    if estimate_has_change_requests(ctx, row):
        raise fail(obj, f"Estimate '{row.get('PJESTIMATEID')}' has linked change requests and cannot be deleted.",
                   "delete")


PREPARE["PJESTIMATE"] = prepare_estimate
AFTER["PJESTIMATE"] = after_estimate
BEFORE_DELETE["PJESTIMATE"] = before_delete_estimate


# -- AP bills, payments, retainage ------------------------------------------------


def line_due(line: Row) -> Decimal:
    return (dec(line.get("TRX_AMOUNT")) - dec(line.get("TRX_AMOUNTRETAINED")) + dec(line.get("TRX_AMOUNTRELEASED"))
            - dec(line.get("TOTALPAID")))


def retainage(obj: ObjectDef, line: Row, amount_field: str, number: int, action: str) -> None:
    """Percentage and amount retained: either computes the other; both given must agree."""
    amount = dec(line.get(amount_field))
    pct, retained = line.get("RETAINAGEPERCENTAGE", ""), line.get("TRX_AMOUNTRETAINED", "")
    if pct and not retained:
        line["TRX_AMOUNTRETAINED"] = money(amount * dec(pct) / 100)
    elif retained and not pct:
        line["RETAINAGEPERCENTAGE"] = plain((dec(retained) / amount * 100).quantize(Decimal("0.01"))) if amount else "0"
    elif pct and retained and money(amount * dec(pct) / 100) != money(dec(retained)):
        raise fail(obj, f"Line {number}: TRX_AMOUNTRETAINED {retained} does not match RETAINAGEPERCENTAGE {pct}% of "
                        f"{money(amount)}.", action)
    if dec(line.get("TRX_AMOUNTRETAINED")) < 0 or dec(line.get("TRX_AMOUNTRETAINED")) > abs(amount):
        raise fail(obj, f"Line {number}: the amount retained cannot exceed the line amount.", action)


def prepare_bill(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    default(data, "ACTION", "Submit")
    if action == "update" and draft.existing:
        if dec(draft.existing.get("TOTALPAID")) != 0:
            raise fail(obj, f"Bill {draft.existing['RECORDNO']} has payments applied and cannot be changed.", action)
        if draft.existing.get("STATE") != "Draft" and data.get("ACTION") == "Draft":
            raise fail(obj, "A posted bill cannot be returned to draft.", action)
    if data["ACTION"] != "Draft":
        require(obj, data, ["VENDORID", "WHENCREATED", "WHENDUE"], action)
    if data.get("WHENCREATED") and data.get("WHENDUE") and parse_date(data["WHENDUE"]) < parse_date(data["WHENCREATED"]):
        raise fail(obj, "WHENDUE must be on or after the bill date (WHENCREATED).", action)
    default(data, "WHENPOSTED", data.get("WHENCREATED", ""))
    check_open_period(ctx, obj, data.get("WHENPOSTED", ""), action)
    vendor = find(ctx, "VENDOR", data.get("VENDORID", "")) if data.get("VENDORID") else None
    data["VENDORNAME"] = vendor.get("NAME", "") if vendor else ""
    for name, value in (("CURRENCY", "USD"), ("BASECURR", "USD"), ("RECORDTYPE", "pi"), ("MODULEKEY", "3.AP"),
                        ("TOTALPAID", "0.00"), ("TRX_TOTALPAID", "0.00")):
        default(data, name, value)
    if draft.lines is None:
        if action == "create":
            draft.lines = []
        else:
            return
    if not draft.lines:
        raise fail(obj, "A bill needs at least one line in APBILLITEMS.", action)
    if any(dec(line.get("TRX_AMOUNTRELEASED")) for line in draft.existing_lines):
        # Rewriting the lines would lose what the release recorded on them.
        raise fail(obj, f"Bill {data['RECORDNO']} has retainage released and its lines cannot be changed.", action)
    line_obj = OBJECTS["APBILLITEM"]
    allow_retainage = ctx.config.get("apbill_line_retainage", True)
    for number, line in enumerate(draft.lines, start=1):
        if not allow_retainage and (line.get("RETAINAGEPERCENTAGE") or line.get("TRX_AMOUNTRETAINED")):
            raise fail(obj, "RETAINAGEPERCENTAGE is not a valid field of APBILLITEM.", action)
        if not (line.get("ACCOUNTNO") or line.get("ACCOUNTLABEL")):
            raise fail(obj, f"Line {number}: ACCOUNTNO or ACCOUNTLABEL is required.", action)
        if not line.get("TRX_AMOUNT"):
            raise fail(obj, f"Line {number}: TRX_AMOUNT is required.", action)
        line["AMOUNT"] = line["TRX_AMOUNT"]
        retainage(obj, line, "TRX_AMOUNT", number, action)
        line["AMOUNTRETAINED"] = line.get("TRX_AMOUNTRETAINED", "") or "0.00"
        line.setdefault("TRX_AMOUNTRETAINED", "0.00")
        for zero in ("TRX_AMOUNTRELEASED", "TOTALPAID", "TRX_TOTALPAID"):
            default(line, zero, "0.00")
        default(line, "VENDORID", data.get("VENDORID", ""))
        check_dimensions(ctx, line_obj, line, "AP", action, owner=obj)


def owed(bill: Row) -> Decimal:
    """What a bill adds to its vendor's TOTALDUE: nothing until it is posted."""
    return dec(bill.get("TOTALDUE")) if bill.get("STATE") not in (None, "", "Draft") else ZERO


def recompute_bill(ctx: Ctx, recordno: int | str, before: Row | None = None) -> Row:
    """Totals and state from the lines; ``before`` is the bill as it was (vendor and what it owed)."""
    bill = get(ctx, "APBILL", recordno)
    assert bill is not None
    before = dict(bill) if before is None else before
    lines = lines_of(ctx, OBJECTS["APBILL"], recordno)
    entered = sum((dec(line.get("TRX_AMOUNT")) for line in lines), ZERO)
    retained = sum((dec(line.get("TRX_AMOUNTRETAINED")) for line in lines), ZERO)
    released = sum((dec(line.get("TRX_AMOUNTRELEASED")) for line in lines), ZERO)
    paid = sum((dec(line.get("TOTALPAID")) for line in lines), ZERO)
    due = entered - retained + released - paid
    for prefix in ("", "TRX_"):
        bill[f"{prefix}TOTALENTERED"] = money(entered)
        bill[f"{prefix}TOTALRETAINED"] = money(retained)
        bill[f"{prefix}TOTALPAID"] = money(paid)
        bill[f"{prefix}TOTALDUE"] = money(due)
    bill["TOTALRELEASED"] = money(released)
    bill["TOTALSELECTED"] = "0.00"
    if bill.get("ACTION") == "Draft":
        bill["STATE"], bill["RAWSTATE"] = "Draft", "D"
    elif paid == 0:
        bill["STATE"], bill["RAWSTATE"] = "Posted", "A"
    elif due == 0:
        bill["STATE"], bill["RAWSTATE"] = "Paid", "P"
    else:
        bill["STATE"], bill["RAWSTATE"] = "Partially Paid", "PA"
    save_derived(ctx, "APBILL", bill)
    if before.get("VENDORID") == bill.get("VENDORID"):
        adjust_vendor_due(ctx, bill.get("VENDORID", ""), owed(bill) - owed(before))
    else:
        adjust_vendor_due(ctx, before.get("VENDORID", ""), -owed(before))
        adjust_vendor_due(ctx, bill.get("VENDORID", ""), owed(bill))
    return bill


def adjust_vendor_due(ctx: Ctx, vendor_id: str, delta: Decimal) -> None:
    if not vendor_id or delta == 0:
        return
    vendor = find(ctx, "VENDOR", vendor_id)
    if vendor is not None:
        vendor["TOTALDUE"] = money(dec(vendor.get("TOTALDUE")) + delta)
        save_derived(ctx, "VENDOR", vendor)


def before_delete_bill(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if dec(row.get("TOTALPAID")) != 0:
        raise fail(obj, f"Bill {row['RECORDNO']} has payments applied and cannot be deleted.", "delete")
    for release in scan(ctx, "APRETAINAGERELEASEENTRY"):
        if release.get("RETAINAGEBILLKEY") == row["RECORDNO"]:
            raise fail(obj, f"Bill {row['RECORDNO']} has retainage releases and cannot be deleted.", "delete")
    adjust_vendor_due(ctx, row.get("VENDORID", ""), -owed(row))


PREPARE["APBILL"] = prepare_bill
AFTER["APBILL"] = lambda ctx, draft, recordno, action: (recompute_bill(ctx, recordno, draft.existing or {}), None)[1]
BEFORE_DELETE["APBILL"] = before_delete_bill


def prepare_payment(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    if action == "update" and draft.existing and draft.existing.get("STATE") != "Draft":
        raise fail(obj, "Only a draft payment can be updated.", action)
    default(data, "ACTION", "Submit")
    if ctx.config.get("appymt_currency_required") and not data.get("CURRENCY"):
        require(obj, data, ["CURRENCY"], action)
    default(data, "CURRENCY", "USD")
    default(data, "BASECURR", "USD")
    data["STATE"] = "Draft" if data["ACTION"] == "Draft" else "Complete"
    check_open_period(ctx, obj, data.get("PAYMENTDATE", ""), action)
    vendor = find(ctx, "VENDOR", data.get("VENDORID", ""))
    data["VENDORNAME"] = vendor.get("NAME", "") if vendor else ""
    if draft.lines is None and draft.existing:
        draft.lines = [dict(line) for line in draft.existing_lines]
        for line in draft.lines:
            line.pop("RECORDNO", None)
    if not draft.lines:
        raise fail(obj, "No line items found: APPYMTDETAILS needs at least one bill to pay.", action)
    pending: dict[str, Decimal] = {}
    total = ZERO
    for number, line in enumerate(draft.lines, start=1):
        bill = get(ctx, "APBILL", line.get("RECORDKEY", ""))
        if bill is None or (data.get("VENDORID") and bill.get("VENDORID") != data.get("VENDORID")):
            raise fail(obj, f"Oops, we can't find this transaction; enter a valid bill RECORDKEY for vendor "
                            f"{data.get('VENDORID')} (detail {number}: '{line.get('RECORDKEY')}').", action)
        if bill.get("STATE") == "Draft":
            raise fail(obj, f"There is no due on the bill {bill['RECORDNO']}: it is a draft.", action)
        bill_lines = lines_of(ctx, OBJECTS["APBILL"], bill["RECORDNO"])
        if line.get("ENTRYKEY"):
            targets = [bl for bl in bill_lines if bl["RECORDNO"] == line["ENTRYKEY"]]
            if not targets:
                raise fail(obj, f"Oops, we can't find this transaction; enter a valid ENTRYKEY: line "
                                f"{line['ENTRYKEY']} is not on bill {bill['RECORDNO']}.", action)
            due = line_due(targets[0])
        else:
            due = sum((line_due(bl) for bl in bill_lines), ZERO)
        slot = f"{bill['RECORDNO']}:{line.get('ENTRYKEY', '')}"
        due -= pending.get(slot, ZERO)
        if due <= 0:
            raise fail(obj, "Payment cannot be processed because one or more bills are already paid "
                            f"(bill {bill['RECORDNO']}).", action)
        amount = dec(line.get("TRX_PAYMENTAMOUNT")) if line.get("TRX_PAYMENTAMOUNT") else due
        if amount <= 0:
            raise fail(obj, f"Detail {number}: TRX_PAYMENTAMOUNT must be greater than zero.", action)
        if amount > due:
            raise fail(obj, f"Detail {number}: the payment amount {money(amount)} exceeds total amount due "
                            f"({money(due)}) on bill {bill['RECORDNO']}.", action)
        pending[slot] = pending.get(slot, ZERO) + amount
        line["TRX_PAYMENTAMOUNT"] = line["PAYMENTAMOUNT"] = money(amount)
        line["PAYMENTKEY"] = data["RECORDNO"]
        total += amount
    data["AMOUNTTOPAY"] = data["TOTALPAID"] = money(total)


def after_payment(ctx: Ctx, draft: Draft, recordno: int, action: str) -> None:
    if draft.data.get("STATE") != "Complete":
        return
    for detail in lines_of(ctx, OBJECTS["APPYMT"], recordno):
        apply_payment(ctx, detail, draft.data.get("PAYMENTDATE", ""))


def apply_payment(ctx: Ctx, detail: Row, paid_on: str) -> None:
    bill_no = detail["RECORDKEY"]
    remaining = dec(detail["TRX_PAYMENTAMOUNT"])
    for line in lines_of(ctx, OBJECTS["APBILL"], bill_no):
        if detail.get("ENTRYKEY") and line["RECORDNO"] != detail["ENTRYKEY"]:
            continue
        take = min(line_due(line), remaining)
        if take <= 0:
            continue
        line["TOTALPAID"] = line["TRX_TOTALPAID"] = money(dec(line.get("TOTALPAID")) + take)
        ctx.records.update(kind("APBILLITEM"), int(line["RECORDNO"]), line)
        remaining -= take
        if remaining <= 0:
            break
    bill = recompute_bill(ctx, bill_no)
    if bill.get("STATE") == "Paid":
        bill["WHENPAID"] = paid_on
        save_derived(ctx, "APBILL", bill)


def before_delete_payment(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if row.get("STATE") != "Draft":
        raise fail(obj, f"Payment {row['RECORDNO']} is posted; only a draft payment can be deleted.", "delete")


PREPARE["APPYMT"] = prepare_payment
AFTER["APPYMT"] = after_payment
BEFORE_DELETE["APPYMT"] = before_delete_payment


def prepare_release(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    if action == "update" and draft.existing and draft.existing.get("STATE") != "Draft":
        raise fail(obj, "Only a draft retainage release can be updated.", action)
    default(data, "STATE", ctx.config.get("retainage_release_default_state", "Released"))
    default(data, "RELEASEDATE", ctx.now_stamp()[:10])
    if draft.lines is None and draft.existing:
        draft.lines = [{k: v for k, v in line.items() if k != "RECORDNO"} for line in draft.existing_lines]
    if not draft.lines:
        raise fail(obj, "APRETAINAGERELEASEENTRIES needs at least one entry.", action)
    pending: dict[str, Decimal] = {}
    total = ZERO
    for number, line in enumerate(draft.lines, start=1):
        bill = get(ctx, "APBILL", line.get("RETAINAGEBILLKEY", ""))
        if bill is None:
            raise fail(obj, f"Entry {number}: RETAINAGEBILLKEY '{line.get('RETAINAGEBILLKEY')}' is not a bill.", action)
        bill_lines = lines_of(ctx, OBJECTS["APBILL"], bill["RECORDNO"])
        if line.get("RETAINAGEBILLITEMKEY"):
            bill_lines = [bl for bl in bill_lines if bl["RECORDNO"] == line["RETAINAGEBILLITEMKEY"]]
            if not bill_lines:
                raise fail(obj, f"Entry {number}: line {line['RETAINAGEBILLITEMKEY']} is not on bill "
                                f"{bill['RECORDNO']}.", action)
        held = sum((dec(bl.get("TRX_AMOUNTRETAINED")) - dec(bl.get("TRX_AMOUNTRELEASED")) for bl in bill_lines), ZERO)
        slot = f"{bill['RECORDNO']}:{line.get('RETAINAGEBILLITEMKEY', '')}"
        held -= pending.get(slot, ZERO)
        amount = dec(line.get("TRX_AMOUNTRELEASED"))
        if amount <= 0:
            raise fail(obj, f"Entry {number}: TRX_AMOUNTRELEASED must be greater than zero.", action)
        if amount > held:
            raise fail(obj, f"Entry {number}: the amount to release {money(amount)} exceeds the retainage balance "
                            f"({money(held)}) on bill {bill['RECORDNO']}.", action)
        pending[slot] = pending.get(slot, ZERO) + amount
        line["APRETAINAGERELEASEKEY"] = data["RECORDNO"]
        total += amount
    data["TOTALRELEASED"] = money(total)


def after_release(ctx: Ctx, draft: Draft, recordno: int, action: str) -> None:
    if draft.data.get("STATE") != "Released":
        return
    for entry in lines_of(ctx, OBJECTS["APRETAINAGERELEASE"], recordno):
        remaining = dec(entry["TRX_AMOUNTRELEASED"])
        for line in lines_of(ctx, OBJECTS["APBILL"], entry["RETAINAGEBILLKEY"]):
            if entry.get("RETAINAGEBILLITEMKEY") and line["RECORDNO"] != entry["RETAINAGEBILLITEMKEY"]:
                continue
            take = min(dec(line.get("TRX_AMOUNTRETAINED")) - dec(line.get("TRX_AMOUNTRELEASED")), remaining)
            if take <= 0:
                continue
            line["TRX_AMOUNTRELEASED"] = money(dec(line.get("TRX_AMOUNTRELEASED")) + take)
            ctx.records.update(kind("APBILLITEM"), int(line["RECORDNO"]), line)
            remaining -= take
            if remaining <= 0:
                break
        recompute_bill(ctx, entry["RETAINAGEBILLKEY"])


PREPARE["APRETAINAGERELEASE"] = prepare_release
AFTER["APRETAINAGERELEASE"] = after_release


def before_delete_release(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if row.get("STATE") != "Draft":
        raise fail(obj, "Only a draft retainage release can be deleted.", "delete")


BEFORE_DELETE["APRETAINAGERELEASE"] = before_delete_release


# -- project contracts, change orders, change requests ----------------------------


def prepare_contract(ctx: Ctx, draft: Draft, action: str) -> None:
    data = draft.data
    default(data, "STATUS", "active")
    project = find(ctx, "PROJECT", data.get("PROJECTID", ""))
    customer = find(ctx, "CUSTOMER", data.get("CUSTOMERID", ""))
    if project is not None:
        data["PROJECTKEY"] = project["RECORDNO"]
    if customer is not None:
        data["CUSTOMERKEY"] = customer["RECORDNO"]
    default(data, "TOTALPRICE", "0.00")


def contract_lines(ctx: Ctx, contract_id: str) -> list[Row]:
    return [line for line in scan(ctx, "PROJECTCONTRACTLINE") if line.get("PROJECTCONTRACTID") == contract_id]


def before_delete_contract(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if any(line.get("INVOICED") == "true" for line in contract_lines(ctx, row["PROJECTCONTRACTID"])):
        raise fail(obj, f"Project contract '{row['PROJECTCONTRACTID']}' has invoiced lines and cannot be deleted.",
                   "delete")
    in_use(ctx, obj, row, "PROJECTCONTRACTID", ["PROJECTCHANGEORDER", "CHANGEREQUEST"])


def after_delete_contract(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    line_obj = OBJECTS["PROJECTCONTRACTLINE"]
    for line in contract_lines(ctx, row["PROJECTCONTRACTID"]):
        ctx.records.delete_children(kind("PROJECTCONTRACTLINEENTRY"), int(line["RECORDNO"]))
        ctx.records.delete(kind(line_obj.name), int(line["RECORDNO"]))


PREPARE["PROJECTCONTRACT"] = prepare_contract
BEFORE_DELETE["PROJECTCONTRACT"] = before_delete_contract
AFTER_DELETE["PROJECTCONTRACT"] = after_delete_contract


def is_same_or_descendant(ctx: Ctx, project_id: str, ancestor_id: str) -> bool:
    seen = set()
    current = find(ctx, "PROJECT", project_id)
    while current is not None and current["PROJECTID"] not in seen:
        if current["PROJECTID"] == ancestor_id:
            return True
        seen.add(current["PROJECTID"])
        current = find(ctx, "PROJECT", current.get("PARENTID", "")) if current.get("PARENTID") else None
    return False


def prepare_contract_line(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    contract = find(ctx, "PROJECTCONTRACT", data.get("PROJECTCONTRACTID", ""))
    if contract is None:
        raise invalid_reference(ctx, obj, "Project Contract", data.get("PROJECTCONTRACTID", ""), action)
    data["PROJECTCONTRACTKEY"] = contract["RECORDNO"]
    default(data, "STATUS", "active")
    if data.get("BILLINGTYPE") == "Progress" and data.get("MAXIMUMBILLING") not in ("", "Total revised price"):
        raise fail(obj, "MAXIMUMBILLING must be Total revised price when BILLINGTYPE is Progress.", action)
    item = find(ctx, "ITEM", data.get("ITEMID", ""))
    if item is not None and not item.get("ITEMTYPE", "").startswith("Non-Inventory"):
        raise fail(obj, f"Item '{data['ITEMID']}' must be an active Non-Inventory item.", action)
    if data.get("PROJECTID") and not is_same_or_descendant(ctx, data["PROJECTID"], contract["PROJECTID"]):
        raise fail(obj, f"Project '{data['PROJECTID']}' must be the contract's project '{contract['PROJECTID']}' or "
                        "one of its sub-projects.", action)
    if data.get("TASKID"):
        if find_task(ctx, data["PROJECTID"], data["TASKID"]) is None:
            raise invalid_reference(ctx, obj, "Task", data["TASKID"], action)
        for other in scan(ctx, "PROJECTCONTRACTLINE"):
            if (other.get("PROJECTID"), other.get("TASKID")) == (data["PROJECTID"], data["TASKID"]) \
                    and other["RECORDNO"] != data["RECORDNO"]:
                raise fail(obj, f"Task '{data['TASKID']}' is already used on project contract line "
                                f"'{other.get('PROJECTCONTRACTLINEID')}'. A task can be on only one contract line.",
                           action)
    if action == "update":
        merge_lines(ctx, draft, action)
    for line in draft.lines or []:
        default(line, "WFTYPE", "original")
        line["PROJECTCONTRACTLINEKEY"] = data["RECORDNO"]


def after_contract_line(ctx: Ctx, draft: Draft, recordno: int, action: str) -> None:
    line = get(ctx, "PROJECTCONTRACTLINE", recordno)
    assert line is not None
    entries = lines_of(ctx, OBJECTS["PROJECTCONTRACTLINE"], recordno)
    line["PRICE"] = money(sum((dec(e.get("PRICE")) for e in entries), ZERO))
    save_derived(ctx, "PROJECTCONTRACTLINE", line)
    recompute_contract(ctx, line["PROJECTCONTRACTID"])


def recompute_contract(ctx: Ctx, contract_id: str) -> None:
    contract = find(ctx, "PROJECTCONTRACT", contract_id)
    if contract is not None:
        contract["TOTALPRICE"] = money(sum((dec(x.get("PRICE")) for x in contract_lines(ctx, contract_id)), ZERO))
        save_derived(ctx, "PROJECTCONTRACT", contract)


PREPARE["PROJECTCONTRACTLINE"] = prepare_contract_line
AFTER["PROJECTCONTRACTLINE"] = after_contract_line
AFTER_DELETE["PROJECTCONTRACTLINE"] = lambda ctx, obj, row: recompute_contract(ctx, row["PROJECTCONTRACTID"])


def before_delete_contract_line(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    line_id = row.get("PROJECTCONTRACTLINEID")
    if row.get("INVOICED") == "true":
        raise fail(obj, f"Project contract line '{line_id}' has been invoiced and cannot be deleted.", "delete")
    for other in ("PROJECTCHANGEORDER", "CHANGEREQUEST"):
        for candidate in scan(ctx, other):
            if (candidate.get("PROJECTCONTRACTID"), candidate.get("PROJECTCONTRACTLINEID")) == (
                    row.get("PROJECTCONTRACTID"), line_id):
                raise fail(obj, f"Project contract line '{line_id}' cannot be deleted because "
                                f"{OBJECTS[other].label} {candidate.get('RECORDNO')} refers to it.", "delete")


BEFORE_DELETE["PROJECTCONTRACTLINE"] = before_delete_contract_line


def prepare_change_order(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    default(data, "PROJECTCHANGEORDERSTATE", "Draft")
    if bool(data.get("PROJECTCONTRACTID")) != bool(data.get("PROJECTCONTRACTLINEID")):
        raise fail(obj, "PROJECTCONTRACTID and PROJECTCONTRACTLINEID must be given together.", action)
    if data.get("PROJECTCONTRACTLINEID") and find(
            ctx, "PROJECTCONTRACTLINE", f"{data['PROJECTCONTRACTID']}|{data['PROJECTCONTRACTLINEID']}") is None:
        raise invalid_reference(ctx, obj, "Project Contract Line", data["PROJECTCONTRACTLINEID"], action)
    project = find(ctx, "PROJECT", data.get("PROJECTID", ""))
    if project is not None:
        data["PROJECTKEY"] = project["RECORDNO"]
    default(data, "TOTALCOST", "0.00")
    default(data, "TOTALPRICE", "0.00")


def recompute_change_order(ctx: Ctx, pco_id: str) -> None:
    pco = find(ctx, "PROJECTCHANGEORDER", pco_id)
    if pco is None:
        return
    linked = [cr for cr in scan(ctx, "CHANGEREQUEST") if cr.get("PROJECTCHANGEORDERID") == pco_id]
    pco["TOTALCOST"] = money(sum((dec(cr.get("TOTALCOST")) for cr in linked), ZERO))
    pco["TOTALPRICE"] = money(sum((dec(cr.get("TOTALPRICE")) for cr in linked), ZERO))
    save_derived(ctx, "PROJECTCHANGEORDER", pco)


PREPARE["PROJECTCHANGEORDER"] = prepare_change_order
BEFORE_DELETE["PROJECTCHANGEORDER"] = lambda ctx, obj, row: in_use(
    ctx, obj, row, "PROJECTCHANGEORDERID", ["CHANGEREQUEST"])


def prepare_change_request(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    default(data, "CHANGEREQUESTSTATE", "Draft")
    if action == "update" and draft.existing:
        if draft.existing.get("CHANGEREQUESTSTATE") == "Posted" and data["CHANGEREQUESTSTATE"] == "Draft":
            raise fail(obj, "A posted change request cannot go back to Draft.", action)
        if data.get("PROJECTID") != draft.existing.get("PROJECTID"):
            raise fail(obj, "A change request cannot be moved to another project.", action)
        merge_lines(ctx, draft, action)
    if data.get("PROJECTCHANGEORDERID"):
        if data["CHANGEREQUESTSTATE"] != "Posted":
            raise fail(obj, "PROJECTCHANGEORDERID is only allowed if the change request state is Posted.", action)
        pco = find(ctx, "PROJECTCHANGEORDER", data["PROJECTCHANGEORDERID"])
        if pco is not None and pco.get("PROJECTID") != data.get("PROJECTID"):
            raise fail(obj, f"Project change order '{data['PROJECTCHANGEORDERID']}' belongs to another project.",
                       action)
    statuses = ctx.config.get("change_request_statuses") or {"Approved": "approved change",
                                                             "Pending": "pending change"}
    status_name = data.get("CHANGEREQUESTSTATUSNAME", "")
    if status_name and status_name not in statuses:
        raise fail(obj, f"Invalid Change Request Status '{status_name}' specified. Valid statuses: "
                        f"{', '.join(statuses)}.", action)
    data["WFTYPE"] = statuses.get(status_name, "none") if status_name else "none"
    project = find(ctx, "PROJECT", data.get("PROJECTID", ""))
    if project is not None:
        data["PROJECTKEY"] = project["RECORDNO"]
    total_cost = total_price = ZERO
    line_obj = OBJECTS["CHANGEREQUESTENTRY"]
    for number, line in enumerate(draft.lines or [], start=1):
        default(line, "PROJECTID", data.get("PROJECTID", ""))
        if not is_same_or_descendant(ctx, line["PROJECTID"], data.get("PROJECTID", "")):
            raise fail(obj, f"Entry {number}: project '{line['PROJECTID']}' must be the change request's project or "
                            "one of its sub-projects.", action)
        if line.get("PRODUCTIONUNITS") and not line.get("TASKID"):
            raise fail(obj, f"Entry {number}: TASKID is required with production units.", action)
        if not line.get("COST") and line.get("QTY") and line.get("UNITCOST"):
            line["COST"] = money(dec(line["QTY"]) * dec(line["UNITCOST"]))
        if not line.get("PRICE"):
            if line.get("QTY") and line.get("UNITPRICE"):
                line["PRICE"] = money(dec(line["QTY"]) * dec(line["UNITPRICE"]))
            elif line.get("PRICEMARKUPAMOUNT"):
                line["PRICE"] = money(dec(line.get("COST")) + dec(line["PRICEMARKUPAMOUNT"]))
            elif line.get("PRICEMARKUPPERCENT"):
                line["PRICE"] = money(dec(line.get("COST")) * (1 + dec(line["PRICEMARKUPPERCENT"]) / 100))
        default(line, "COST", "0.00")
        line["CHANGEREQUESTKEY"] = data["RECORDNO"]
        check_dimensions(ctx, line_obj, line, None, action, owner=obj)
        total_cost += dec(line.get("COST"))
        total_price += dec(line.get("PRICE"))
    if draft.lines is not None:
        data["TOTALCOST"], data["TOTALPRICE"] = money(total_cost), money(total_price)


def after_change_request(ctx: Ctx, draft: Draft, recordno: int, action: str) -> None:
    data = draft.data
    if draft.lines is None:
        entries = lines_of(ctx, OBJECTS["CHANGEREQUEST"], recordno)
        data["TOTALCOST"] = money(sum((dec(e.get("COST")) for e in entries), ZERO))
        data["TOTALPRICE"] = money(sum((dec(e.get("PRICE")) for e in entries), ZERO))
        save_derived(ctx, "CHANGEREQUEST", data)
    if data.get("CHANGEREQUESTSTATE") == "Posted" and data.get("WFTYPE") != "none":
        post_change_request(ctx, data, recordno, action)
    for pco_id in {data.get("PROJECTCHANGEORDERID"), (draft.existing or {}).get("PROJECTCHANGEORDERID")}:
        if pco_id:
            recompute_change_order(ctx, pco_id)


def post_change_request(ctx: Ctx, request: Row, recordno: int, action: str = "create") -> None:
    """A posted change request creates or updates entries in the project's primary estimate."""
    estimate = primary_estimate(ctx, request["PROJECTID"])
    if estimate is None:
        raise fail("CHANGEREQUEST", f"Project '{request['PROJECTID']}' has no primary estimate to post the change "
                                    "request to.", action)
    if estimate.get("STATUS") == "finalized":
        raise fail("CHANGEREQUEST", f"Estimate '{estimate['PJESTIMATEID']}' is finalized; the change request cannot "
                                    "post to it.", action)
    est_line_kind = kind("PJESTIMATEENTRY")
    for entry in lines_of(ctx, OBJECTS["CHANGEREQUEST"], recordno):
        values = {
            "WFTYPE": request["WFTYPE"], "AMOUNT": entry.get("COST") or "0.00", "PROJECTID": entry["PROJECTID"],
            "TASKID": entry.get("TASKID", ""), "COSTTYPEID": entry.get("COSTTYPEID", ""),
            "MEMO": f"Change request {request['CHANGEREQUESTID']}", "CHANGEREQUESTENTRYKEY": entry["RECORDNO"],
            "PJESTIMATEKEY": estimate["RECORDNO"], "PJESTIMATEID": estimate["PJESTIMATEID"],
            "WHENMODIFIED": ctx.now_stamp(),
        }
        if entry.get("PJESTIMATEENTRYKEY"):
            current = ctx.records.get(est_line_kind, int(entry["PJESTIMATEENTRYKEY"]))
            if current is not None:
                ctx.records.update(est_line_kind, current.id, {**current.data, **values})
                continue
        number = ctx.records.next_value(est_line_kind)
        values.update({"RECORDNO": str(number), "WHENCREATED": ctx.now_stamp()})
        ctx.records.insert(est_line_kind, values, parent=int(estimate["RECORDNO"]), id=number)
        entry["PJESTIMATEENTRYKEY"] = str(number)
        ctx.records.update(kind("CHANGEREQUESTENTRY"), int(entry["RECORDNO"]), entry)
    recompute_estimate(ctx, estimate["RECORDNO"])


def before_delete_change_request(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if row.get("CHANGEREQUESTSTATE") == "Posted":
        raise fail(obj, f"Change request '{row['CHANGEREQUESTID']}' is posted and cannot be deleted.", "delete")


PREPARE["CHANGEREQUEST"] = prepare_change_request
AFTER["CHANGEREQUEST"] = after_change_request
BEFORE_DELETE["CHANGEREQUEST"] = before_delete_change_request


# -- journal entries ---------------------------------------------------------------


def prepare_journal(ctx: Ctx, draft: Draft, action: str) -> None:
    data, obj = draft.data, draft.obj
    if action == "update" and draft.existing and draft.existing.get("STATE") == "Posted":
        raise fail(obj, "A posted journal entry cannot be changed; reverse it instead.", action)
    data["STATE"] = "Draft" if data.get("ACTION") == "Draft" else "Posted"
    if data.get("REVERSEDATE") and data.get("BATCH_DATE") and \
            parse_date(data["REVERSEDATE"]) <= parse_date(data["BATCH_DATE"]):
        raise fail(obj, "REVERSEDATE must be later than BATCH_DATE.", action)
    check_open_period(ctx, obj, data.get("BATCH_DATE", ""), action)
    data["BATCHNO"] = data["RECORDNO"]
    if draft.lines is None and draft.existing:
        return
    lines = draft.lines or []
    if len(lines) < 2:
        raise fail(obj, "A journal entry needs at least two lines, a debit and a credit.", action)
    debits = credits = ZERO
    line_obj = OBJECTS["GLENTRY"]
    for number, line in enumerate(lines, start=1):
        amount = line.get("TRX_AMOUNT") or line.get("AMOUNT")
        if not amount:
            raise fail(obj, f"Line {number}: AMOUNT or TRX_AMOUNT is required.", action)
        if dec(amount) < 0:
            raise fail(obj, f"Line {number}: give the amount as a positive number and the side in TR_TYPE.", action)
        line["AMOUNT"] = line["TRX_AMOUNT"] = amount
        line["BATCHNO"] = data["RECORDNO"]
        if line.get("TR_TYPE") == "1":
            debits += dec(amount)
        else:
            credits += dec(amount)
        check_dimensions(ctx, line_obj, line, "GL", action, owner=obj)
    if debits == 0 or credits == 0:
        raise fail(obj, "A journal entry needs at least one debit (TR_TYPE 1) and one credit (TR_TYPE -1).", action)
    if debits != credits:
        raise fail(obj, f"The journal entry is not balanced: debits {money(debits)}, credits {money(credits)}.", action)


def before_delete_journal(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    if row.get("STATE") == "Posted":
        raise fail(obj, f"Journal entry {row['RECORDNO']} is posted and cannot be deleted; reverse it instead.",
                   "delete")


PREPARE["GLBATCH"] = prepare_journal
BEFORE_DELETE["GLBATCH"] = before_delete_journal

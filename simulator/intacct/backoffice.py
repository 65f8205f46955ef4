"""The Intacct bookkeeper's own actions, run through the same rules as the gateway."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from simulator.intacct import errors, models, purchasing, rules
from simulator.intacct.models import Ctx, Row
from simulator.intacct.schema import OBJECTS
from simulator.intacct.values import dec, fmt_date, money
from simulator.services import Backoffice, BackofficeAction, BackofficeError


def _ctx(office: Backoffice) -> Ctx:
    return Ctx(records=office.records, config=office.config, clock=office.clock, user="bookkeeper")


def _date(value: Any, office: Backoffice) -> str:
    if value in (None, ""):
        return fmt_date(office.clock.now().date())
    text = str(value)
    if len(text) == 10 and text[4] == "-":
        try:
            return fmt_date(date.fromisoformat(text))
        except ValueError as exc:
            raise BackofficeError(f"'{text}' is not a valid date.") from exc
    return text


def _need(params: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if params.get(n) in (None, "")]
    if missing:
        raise BackofficeError(f"missing parameter(s): {', '.join(missing)}")


def _run(fn: Callable[[], Any]) -> Any:
    """Run a model call; an Intacct refusal becomes the bookkeeper's error, in Intacct's words."""
    try:
        return fn()
    except errors.IntacctError as exc:
        raise BackofficeError(exc.details[0].description2 or exc.details[0].errorno) from exc


def create_job(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Create a PROJECT with its TASKs (cost codes) and COSTTYPEs: {job_id, name, tasks: [{task_id, name, cost_types}]}."""
    _need(params, "job_id", "name")
    ctx = _ctx(office)
    fields = {"PROJECTID": str(params["job_id"]), "NAME": str(params["name"]), "PROJECTCATEGORY": "Contract",
              "PROJECTSTATUS": str(params.get("status", "In Progress")),
              "BEGINDATE": _date(params.get("begin_date"), office)}
    for key, field in (("customer_id", "CUSTOMERID"), ("parent_id", "PARENTID"), ("description", "DESCRIPTION")):
        if params.get(key):
            fields[field] = str(params[key])
    project = _run(lambda: models.create(ctx, OBJECTS["PROJECT"], fields, None))
    tasks = []
    for task in params.get("tasks") or []:
        if not isinstance(task, dict) or not task.get("task_id"):
            raise BackofficeError("each task needs a task_id")
        task_fields = {"TASKID": str(task["task_id"]), "NAME": str(task.get("name") or task["task_id"]),
                       "PROJECTID": project["PROJECTID"], "TASKSTATUS": "In Progress"}
        if models.find(ctx, "STANDARDTASK", str(task["task_id"])) is not None:
            task_fields["STANDARDTASKID"] = str(task["task_id"])
        _run(lambda f=task_fields: models.create(ctx, OBJECTS["TASK"], f, None))
        for cost_type in task.get("cost_types") or []:
            _run(lambda ct=cost_type: models.create(ctx, OBJECTS["COSTTYPE"], {
                "STANDARDCOSTTYPEID": str(ct), "PROJECTID": project["PROJECTID"], "TASKID": str(task["task_id"])},
                None))
        tasks.append(str(task["task_id"]))
    return {"object": "PROJECT", "RECORDNO": project["RECORDNO"], "PROJECTID": project["PROJECTID"], "tasks": tasks}


def create_vendor(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Create a VENDOR: {vendor_id, name, email?, retainage_percent?}."""
    _need(params, "vendor_id", "name")
    fields = {"VENDORID": str(params["vendor_id"]), "NAME": str(params["name"]),
              "DISPLAYCONTACT.PRINTAS": str(params["name"])}
    if params.get("email"):
        fields["DISPLAYCONTACT.EMAIL1"] = str(params["email"])
    if params.get("retainage_percent") is not None:
        fields["RETAINAGEPERCENTAGE"] = str(params["retainage_percent"])
    vendor = _run(lambda: models.create(_ctx(office), OBJECTS["VENDOR"], fields, None))
    return {"object": "VENDOR", "RECORDNO": vendor["RECORDNO"], "VENDORID": vendor["VENDORID"]}


def _bill(ctx: Ctx, params: dict[str, Any]) -> Row:
    _need(params, "bill")
    ref = str(params["bill"])
    if ref.isdigit() and (row := models.get(ctx, "APBILL", ref)) is not None:
        return row
    for rec in ctx.records.iter(models.kind("APBILL")):
        if rec.data.get("RECORDID") == ref:
            return rec.data
    raise BackofficeError(f"no bill with RECORDNO or RECORDID '{ref}'")


def pay_bill(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Pay a bill by RECORDNO or RECORDID with an APPYMT: {bill, amount? (default: all that is due), date?}."""
    ctx = _ctx(office)
    bill = _bill(ctx, params)
    detail = {"RECORDKEY": bill["RECORDNO"]}
    if params.get("amount") is not None:
        detail["TRX_PAYMENTAMOUNT"] = money(str(params["amount"]))
    payment = _run(lambda: models.create(ctx, OBJECTS["APPYMT"], {
        "FINANCIALENTITY": str(params.get("bank", "BOA")), "PAYMENTMETHOD": str(params.get("method", "Printed Check")),
        "VENDORID": bill["VENDORID"], "PAYMENTDATE": _date(params.get("date"), office),
        "DOCNUMBER": str(params.get("check_number", ""))}, [detail]))
    after = models.get(ctx, "APBILL", bill["RECORDNO"]) or bill
    return {"object": "APPYMT", "RECORDNO": payment["RECORDNO"], "amount": payment["TOTALPAID"],
            "bill": bill["RECORDNO"], "bill_state": after.get("STATE"), "bill_due": after.get("TOTALDUE")}


def release_retainage(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Release retainage held on a bill: {bill, amount? (default: all still held)}."""
    ctx = _ctx(office)
    bill = _bill(ctx, params)
    amount = params.get("amount")
    if amount is None:
        lines = models.lines_of(ctx, OBJECTS["APBILL"], bill["RECORDNO"])
        amount = money(sum((dec(x.get("TRX_AMOUNTRETAINED")) - dec(x.get("TRX_AMOUNTRELEASED")) for x in lines),
                           start=rules.ZERO))
    release = _run(lambda: models.create(ctx, OBJECTS["APRETAINAGERELEASE"], {
        "DESCRIPTION": f"Retainage release for bill {bill['RECORDNO']}", "RELEASEDATE": _date(params.get("date"), office)},
        [{"RETAINAGEBILLKEY": bill["RECORDNO"], "TRX_AMOUNTRELEASED": money(str(amount))}]))
    after = models.get(ctx, "APBILL", bill["RECORDNO"]) or bill
    return {"object": "APRETAINAGERELEASE", "RECORDNO": release["RECORDNO"], "amount": money(str(amount)),
            "bill_due": after.get("TOTALDUE")}


def post_job_cost(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Post a job cost through a GLBATCH: {job, cost_code, cost_type, amount, date?, description?, account?}."""
    _need(params, "job", "cost_code", "cost_type", "amount")
    ctx = _ctx(office)
    standard = models.find(ctx, "STANDARDCOSTTYPE", str(params["cost_type"]))
    account = str(params.get("account") or (standard or {}).get("ACCOUNTNO") or "5400")
    amount = money(str(params["amount"]))
    memo = str(params.get("description", "Job cost"))
    batch = _run(lambda: models.create(ctx, OBJECTS["GLBATCH"], {
        "JOURNAL": "GJ", "BATCH_DATE": _date(params.get("date"), office), "BATCH_TITLE": memo}, [
        {"ACCOUNTNO": account, "TR_TYPE": "1", "AMOUNT": amount, "PROJECTID": str(params["job"]),
         "TASKID": str(params["cost_code"]), "COSTTYPEID": str(params["cost_type"]), "DESCRIPTION": memo},
        {"ACCOUNTNO": str(params.get("offset_account", "2000")), "TR_TYPE": "-1", "AMOUNT": amount,
         "DESCRIPTION": memo},
    ]))
    return {"object": "GLBATCH", "RECORDNO": batch["RECORDNO"], "amount": amount}


def delete_record(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a record by object and RECORDNO or ID: {object, key}."""
    _need(params, "object", "key")
    obj = OBJECTS.get(str(params["object"]).upper())
    if obj is None or obj.line_of is not None:
        raise BackofficeError(f"Object definition {params['object']} not found")
    ctx = _ctx(office)
    key = str(params["key"])
    row = models.get(ctx, obj.name, key) if key.isdigit() else None
    if row is None:
        row = models.find(ctx, obj.name, key)
    if row is None:
        raise BackofficeError(f"Cannot find {obj.tag} with key '{key}' to delete.")
    if obj.name == "PODOCUMENT":
        _run(lambda: purchasing.delete_transaction(ctx, row["DOCID"]))
    else:
        _run(lambda: models.delete(ctx, obj, row["RECORDNO"]))
    return {"object": obj.name, "RECORDNO": row["RECORDNO"], "deleted": True}


ACTIONS: dict[str, BackofficeAction] = {
    "create_job": create_job,
    "create_vendor": create_vendor,
    "pay_bill": pay_bill,
    "release_retainage": release_retainage,
    "post_job_cost": post_job_cost,
    "delete_record": delete_record,
}

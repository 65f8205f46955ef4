"""The Acumatica bookkeeper's own actions, run through the same entity rules as the REST API.

What a bookkeeper does on Acumatica's screens, outside any integration: a project
with its default task and cost budget (PM301000), a sub job as a project task
(PM302000), a vendor (AP303000), releasing and paying a bill (AP301000, AP302000),
releasing retainage, a project transaction (PM304000), deleting or changing a record.
Refusals come back in Acumatica's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from simulator.acumatica import errors, rules
from simulator.acumatica.entities import ENTITIES, VERSIONS, Entity
from simulator.acumatica.models import Book, Stored
from simulator.acumatica.rules.base import NEW, dec, empty, money
from simulator.acumatica.wire import Reader
from simulator.services import Backoffice, BackofficeAction, BackofficeError

VERSION = VERSIONS[-1]
DEFAULT_TASK = "0000"


class Screens:
    """One bookkeeper session on the tenant's books."""

    def __init__(self, office: Backoffice) -> None:
        config = office.config
        now: datetime = office.clock.now().replace(tzinfo=None)
        self.ctx = rules.Ctx(book=Book(office.records), config=config, now=now, today=now.date(), version=VERSION,
                             branch=str(config.get("default_branch") or ""), user="bookkeeper")

    def get(self, entity: str, *keys: Any) -> Stored | None:
        ent = ENTITIES[entity]
        if any(empty(k) for k in keys):
            return None
        return self.ctx.book.by_keys(ent, [str(k).strip() for k in keys])

    def fields(self, entity: str, *keys: Any) -> dict[str, Any]:
        stored = self.get(entity, *keys)
        if stored is None:
            raise BackofficeError(f"{ENTITIES[entity].table} '{'|'.join(str(k) for k in keys)}' cannot be found "
                                  f"in the system.")
        rule = rules.rules_for(entity)
        assert rule is not None
        node = rule.view(self.ctx, stored) if rule.derived_on_read else stored.node
        return dict(node["fields"])

    def put(self, entity: str, values: dict[str, Any]) -> dict[str, Any]:
        """Save a record as the screen does (insert or update by its keys); returns its fields."""
        ent = ENTITIES[entity]
        reader = Reader(VERSION, strict=True)
        patch = reader.entity(ent, _wrap(values))
        _run(reader.check)
        rule = rules.rules_for(entity)
        assert rule is not None
        rule.key_defaults(self.ctx, patch)
        keys = [patch.fields.get(k) for k in ent.keys]
        existing = None
        if all(not empty(k) for k in keys) and patch.fields.get(rule.number_field or "") != NEW:
            existing = self.ctx.book.by_keys(ent, [str(k).strip() for k in keys])
        outcome = _run(lambda: rules.save(self.ctx, ent, patch, existing))
        return dict(outcome.node["fields"])

    def act(self, entity: str, action: str, keys: list[Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
        ent = ENTITIES[entity]
        stored = self.get(entity, *keys)
        if stored is None:
            raise BackofficeError("No entity satisfies the condition.")
        outcome = _run(lambda: rules.invoke(self.ctx, ent, action, stored, params or {}))
        return dict(outcome.node["fields"])

    def delete(self, entity: str, keys: list[Any]) -> None:
        ent = ENTITIES[entity]
        stored = self.get(entity, *keys)
        if stored is None:
            raise BackofficeError("No entity satisfies the condition.")
        _run(lambda: rules.delete(self.ctx, ent, stored))


def _wrap(values: dict[str, Any]) -> dict[str, Any]:
    """Plain values in the contract's ``{"value": ...}`` form (nested dicts are linked entities)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out[key] = _wrap(value)
        elif isinstance(value, list):
            out[key] = [_wrap(v) for v in value]
        else:
            out[key] = {"value": value}
    return out


def _run(fn: Callable[[], Any]) -> Any:
    """Run the rules; Acumatica's refusal becomes the bookkeeper's error, in Acumatica's words."""
    try:
        return fn()
    except rules.Rejected as exc:
        raise BackofficeError(_problems(exc.problems.echo())) from exc
    except errors.AcumaticaError as exc:
        detail = exc.exception_message or exc.message
        if exc.model_state:
            detail = "; ".join(m for msgs in exc.model_state.values() for m in msgs)
        raise BackofficeError(detail) from exc
    except errors.BusinessError as exc:
        raise BackofficeError(str(exc)) from exc


def _problems(echo: dict[str, Any]) -> str:
    """The summary and every field's error, as the screen shows them."""
    messages: list[str] = []

    def walk(level: dict[str, Any]) -> None:
        messages.extend(f"{name}: {text}" for name, text in level.get("fields", {}).items())
        for rows in level.get("details", {}).values():
            for row in rows.values():
                walk(row)
        for linked in level.get("links", {}).values():
            walk(linked)

    walk(echo)
    head = echo.get("error") or "The record raised at least one error."
    return head + (" " + "; ".join(messages) if messages else "")


def _need(params: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if params.get(n) in (None, "")]
    if missing:
        raise BackofficeError(f"missing parameter(s): {', '.join(missing)}")


def _budget(screens: Screens, project: str, task: str, tasks: Any) -> list[str]:
    """Cost budget lines (task x cost code x account group), with their original amounts."""
    made = []
    for line in tasks or []:
        if not isinstance(line, dict) or empty(line.get("task_id")):
            raise BackofficeError("each task needs a task_id (the cost code)")
        code = str(line["task_id"]).strip().upper()
        if screens.get("CostCode", code) is None:
            screens.put("CostCode", {"CostCodeID": code, "Description": line.get("name") or code})
        amounts = dict(line.get("amounts") or {})
        for group in line.get("cost_types") or []:
            amounts.setdefault(group, 0)
        for group, amount in amounts.items():
            screens.put("ProjectBudget", {"ProjectID": project, "ProjectTaskID": task, "CostCode": code,
                                          "AccountGroup": str(group).upper(), "Description": line.get("name") or code,
                                          "OriginalBudgetedAmount": float(dec(amount))})
        made.append(code)
    return made


def _unique(screens: Screens, entity: str, *keys: str) -> None:
    """A screen opens an existing record instead of making a second one; creating one is refused."""
    if screens.get(entity, *keys) is not None:
        raise BackofficeError(f"Another {ENTITIES[entity].table} with the same key already exists.")


def create_job(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Create an active project with its default task and cost budget: {job_id, name, customer?, begin_date?,
    tasks: [{task_id (cost code), name, cost_types (account groups), amounts?}]}.

    With ``parent_id`` it adds project task ``job_id`` to project ``parent_id`` (Procore sub jobs are tasks).
    """
    _need(params, "job_id", "name")
    screens = Screens(office)
    job_id = str(params["job_id"]).strip()
    if not empty(params.get("parent_id")):
        project = str(params["parent_id"]).strip()
        _unique(screens, "ProjectTask", project, job_id)
        task = screens.put("ProjectTask", {"ProjectID": project, "ProjectTaskID": job_id,
                                           "Description": str(params["name"])})
        codes = _budget(screens, project, task["ProjectTaskID"], params.get("tasks"))
        return {"entity": "ProjectTask", "ProjectID": project, "ProjectTaskID": task["ProjectTaskID"], "tasks": codes}
    _unique(screens, "Project", job_id)
    project = screens.put("Project", {
        "ProjectID": job_id, "Description": str(params["name"]), "Customer": params.get("customer"), "Hold": False,
        "ProjectProperties": {"StartDate": params.get("begin_date"), "EndDate": params.get("end_date")}})
    screens.put("ProjectTask", {"ProjectID": project["ProjectID"], "ProjectTaskID": DEFAULT_TASK,
                                "Description": "General", "Default": True})
    codes = _budget(screens, project["ProjectID"], DEFAULT_TASK, params.get("tasks"))
    return {"entity": "Project", "ProjectID": project["ProjectID"], "Status": project["Status"], "tasks": codes}


def create_vendor(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Create an active vendor: {vendor_id, name, email?}."""
    _need(params, "vendor_id", "name")
    screens = Screens(office)
    vendor_id = str(params["vendor_id"]).strip()
    _unique(screens, "Vendor", vendor_id)
    name = str(params["name"])
    made = screens.put("Vendor", {"VendorID": vendor_id, "VendorName": name, "LegalName": name, "Status": "Active",
                                  "MainContact": {"CompanyName": name, "DisplayName": name,
                                                  "Email": params.get("email")}})
    return {"entity": "Vendor", "VendorID": made["VendorID"], "VendorName": made["VendorName"]}


def _bill(screens: Screens, params: dict[str, Any]) -> dict[str, Any]:
    """A bill by Reference Nbr., or by the Vendor Ref. an integration wrote on it."""
    _need(params, "bill")
    ref = str(params["bill"]).strip()
    if screens.get("Bill", "Bill", ref) is not None:
        return screens.fields("Bill", "Bill", ref)
    found = [s.node["fields"] for s in screens.ctx.book.iter(ENTITIES["Bill"])
             if s.node["fields"].get("Type") == "Bill" and str(s.node["fields"].get("VendorRef") or "") == ref
             and not s.node.get("sys", {}).get("retainage_of")]
    if not found:
        raise BackofficeError(f"Bill '{ref}' cannot be found in the system.")
    if len(found) > 1:
        raise BackofficeError(f"Vendor Ref. '{ref}' is on {len(found)} bills; give the Reference Nbr.")
    return screens.fields("Bill", "Bill", found[0]["ReferenceNbr"])


def _open_bill(screens: Screens, bill: dict[str, Any], release: bool) -> tuple[dict[str, Any], bool]:
    """Take a bill off hold and release it, as the bookkeeper does before paying it."""
    keys = ["Bill", bill["ReferenceNbr"]]
    if bill["Status"] == "Open" or not release:
        return bill, False
    if bill["Status"] in ("On Hold", "Rejected"):
        screens.act("Bill", "ReleaseFromHold", keys)
    screens.act("Bill", "ReleaseBill", keys)
    return screens.fields("Bill", *keys), True


def pay_bill(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Release a bill if needed and pay it with a released check: {bill, amount? (default: the balance), date?,
    check_number?}. Retainage stays held until it is released.

    ``release: false`` only pays, which Acumatica refuses for a bill that is not open.
    """
    screens = Screens(office)
    bill, released = _open_bill(screens, _bill(screens, params), bool(params.get("release", True)))
    amount = params.get("amount")
    check = screens.put("Check", {
        "Type": "Payment", "Vendor": bill["Vendor"], "PaymentRef": params.get("check_number"),
        "ApplicationDate": params.get("date"), "Hold": False,
        "PaymentAmount": None if amount is None else float(dec(amount)),
        "Details": [{"DocType": "Bill", "ReferenceNbr": bill["ReferenceNbr"],
                     "AmountPaid": None if amount is None else float(dec(amount))}]})
    done = screens.act("Check", "ReleaseCheck", ["Payment", check["ReferenceNbr"]])
    after = screens.fields("Bill", "Bill", bill["ReferenceNbr"])
    return {"entity": "Check", "ReferenceNbr": done["ReferenceNbr"], "amount": f"{dec(done['PaymentAmount']):.2f}",
            "bill": bill["ReferenceNbr"], "released": released, "bill_status": after["Status"],
            "bill_balance": f"{dec(after['Balance']):.2f}"}


def release_retainage(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Release retainage held on a bill: {bill, amount? (default: all still held), date?}. The release is a
    new bill for the vendor, to be paid like any other."""
    screens = Screens(office)
    bill = _bill(screens, params)
    before = {s.node["fields"]["ReferenceNbr"] for s in screens.ctx.book.iter(ENTITIES["Bill"])}
    action_params: dict[str, Any] = {}
    if params.get("amount") is not None:
        action_params["AmtToRelease"] = float(dec(params["amount"]))
    if params.get("date"):
        action_params["Date"] = str(params["date"])
    screens.act("Bill", "ReleaseRetainage", ["Bill", bill["ReferenceNbr"]], action_params)
    made = [s.node["fields"] for s in screens.ctx.book.iter(ENTITIES["Bill"])
            if s.node["fields"]["ReferenceNbr"] not in before]
    release = made[0] if made else {}
    return {"entity": "Bill", "ReferenceNbr": release.get("ReferenceNbr"), "bill": bill["ReferenceNbr"],
            "amount": f"{dec(release.get('Amount')):.2f}", "status": release.get("Status")}


def post_job_cost(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Enter and release a project transaction: {job, cost_code, cost_type (account group), amount, date?,
    description?, task?}."""
    _need(params, "job", "cost_code", "cost_type", "amount")
    screens = Screens(office)
    description = str(params.get("description") or "Job cost")
    tran = screens.put("ProjectTransaction", {
        "Module": "PM", "Description": description,
        "Details": [{"Project": str(params["job"]), "ProjectTask": str(params.get("task") or DEFAULT_TASK),
                     "CostCode": str(params["cost_code"]), "AccountGroup": str(params["cost_type"]).upper(),
                     "Amount": float(dec(params["amount"])), "Date": params.get("date"),
                     "Description": description, "Employee": params.get("employee")}]})
    done = screens.act("ProjectTransaction", "ReleaseTransactions", ["PM", tran["ReferenceNbr"]])
    return {"entity": "ProjectTransaction", "ReferenceNbr": done["ReferenceNbr"], "Status": done["Status"],
            "amount": f"{money(done['TotalAmount']):.2f}"}


def _entity(params: dict[str, Any]) -> Entity:
    name = str(params["object"]).strip()
    for ent in ENTITIES.values():
        if ent.name.casefold() == name.casefold():
            return ent
    raise BackofficeError(f"Entity {name} not found")


def _keys(ent: Entity, params: dict[str, Any]) -> list[Any]:
    raw = params["key"]
    keys = list(raw) if isinstance(raw, list) else str(raw).split("|")
    if ent.name == "Bill" and len(keys) == 1:
        keys = ["Bill", *keys]
    if len(keys) != len(ent.keys):
        raise BackofficeError(f"{ent.name} is identified by {', '.join(ent.keys)}; give key as a list or "
                              f"joined with '|'")
    return keys


def delete_record(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Delete a record: {object (an entity such as Vendor), key (its key, or keys joined with '|')}."""
    _need(params, "object", "key")
    ent = _entity(params)
    keys = _keys(ent, params)
    Screens(office).delete(ent.name, keys)
    return {"entity": ent.name, "keys": [str(k) for k in keys], "deleted": True}


def update_record(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Change fields of a record on its screen: {object (an entity), key, fields: {Field: value}}."""
    _need(params, "object", "key", "fields")
    if not isinstance(params["fields"], dict):
        raise BackofficeError("fields must map field names to values")
    ent = _entity(params)
    keys = _keys(ent, params)
    screens = Screens(office)
    if screens.get(ent.name, *keys) is None:
        raise BackofficeError("No entity satisfies the condition.")
    saved = screens.put(ent.name, {**dict(zip(ent.keys, keys)), **params["fields"]})
    return {"entity": ent.name, "fields": {k: saved.get(k) for k in (*ent.keys, *params["fields"])}}


ACTIONS: dict[str, BackofficeAction] = {
    "create_job": create_job,
    "create_vendor": create_vendor,
    "pay_bill": pay_bill,
    "release_retainage": release_retainage,
    "post_job_cost": post_job_cost,
    "delete_record": delete_record,
    "update_record": update_record,
}

"""The Sage 100 Contractor bookkeeper's own actions, run through the same record model as the API.

Each action is what a bookkeeper does in a Sage window, outside any integration:
3-5 Jobs (with 6-2 budget lines and phases), 4-4 Vendors, 4-2 post and 4-3 pay an
invoice, release retainage held on it, 6-3 job cost, and removing or changing a
record. Refusals come back in Sage's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from simulator.sage100.books import code_text, dec
from simulator.sage100.config import Settings
from simulator.sage100.errors import Sage100Error
from simulator.sage100.models import Company, table_of
from simulator.sage100.tables import BUDGET_COLUMNS, COST_TYPE, JOB_COST_SOURCE, TABLES, Table
from simulator.services import Backoffice, BackofficeAction, BackofficeError

COST_TYPE_NUMBERS = {name.casefold(): number for number, name in COST_TYPE.items()}
SOURCES = {"journal": 1, "general journal": 1, "payroll": 3, "job cost": 4}


def _company(office: Backoffice) -> Company:
    return Company(office.records, _run(lambda: Settings.load(office.config)), office.clock.now(), "bookkeeper")


def _run(fn: Callable[[], Any]) -> Any:
    """Run a model call; Sage's refusal becomes the bookkeeper's error, in Sage's words."""
    try:
        return fn()
    except Sage100Error as exc:
        raise BackofficeError("; ".join(p.message for p in (exc.details or [exc.problem]))) from exc


def _need(params: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if params.get(n) in (None, "")]
    if missing:
        raise BackofficeError(f"missing parameter(s): {', '.join(missing)}")


def _value(table: Table, name: str, value: Any) -> Any:
    """A parameter as the record API's JSON would carry it (numbers for numeric columns).

    Text that is not a number is passed on as it is, so Sage's own check names the problem.
    """
    column = table.column(name)
    if column is None or value is None or isinstance(value, bool):
        return value
    try:
        if column.type == "int" and isinstance(value, str):
            return int(value)
        if column.type == "decimal" and isinstance(value, (str, int, float)):
            if column.cost_code:
                return _code(value)
            return Decimal(str(value).replace(",", ""))
    except (ValueError, InvalidOperation, BackofficeError):
        return value
    return value


def _code(value: Any) -> Decimal:
    """A cost code as Sage keeps it: ``3.300`` stays, a sectioned ``03-300`` becomes ``3.300``."""
    text = str(value).strip()
    for sep in ("-", "/"):
        if sep in text:
            head, _, tail = text.partition(sep)
            text = f"{int(head)}.{tail.ljust(3, '0')}" if head.isdigit() and tail.isdigit() else text
    try:
        return Decimal(text)
    except InvalidOperation:
        raise BackofficeError(f"cost code {value!r} is not a number (Sage cost codes are like 3.300)") from None


def _cost_type(value: Any) -> int:
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    number = COST_TYPE_NUMBERS.get(text.casefold())
    if number is None:
        raise BackofficeError(f"cost type {value!r} is not one of Sage's nine cost types (1-9: "
                              f"{', '.join(f'{k} {v}' for k, v in COST_TYPE.items())})")
    return number


def _record(table: str, values: dict[str, Any]) -> dict[str, Any]:
    t = TABLES[table]
    return {k: _value(t, k, v) for k, v in values.items() if v is not None}


def _ensure_cost_code(company: Company, code: Decimal, name: str | None) -> None:
    if company.books.by_key("cstcde", code_text(code)) is None:
        _run(lambda: company.insert("cstcde", {"recnum": code, "cdenme": (name or code_text(code))[:50],
                                               "divnum": int(code)}))


def _budget_lines(company: Company, job: int, phase: int, tasks: Any) -> list[str]:
    """6-2 budget lines for a job or phase: one per cost code, an amount per cost type column."""
    made = []
    for task in tasks or []:
        if not isinstance(task, dict) or task.get("task_id") in (None, ""):
            raise BackofficeError("each task needs a task_id (the cost code)")
        code = _code(task["task_id"])
        _ensure_cost_code(company, code, task.get("name"))
        amounts = task.get("amounts") or {}
        if not isinstance(amounts, dict):
            raise BackofficeError("a task's amounts map cost types to budget amounts")
        row: dict[str, Any] = {"recnum": job, "phsnum": phase, "cstcde": code}
        for ctype in task.get("cost_types") or []:
            row.setdefault(BUDGET_COLUMNS[_cost_type(ctype)][0], Decimal("0"))
        for ctype, amount in amounts.items():
            current, original = BUDGET_COLUMNS[_cost_type(ctype)]
            row[current] = row[original] = Decimal(str(amount))
        _run(lambda r=row: company.insert("bdglin", r))
        made.append(code_text(code))
    return made


def create_job(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Create a job (3-5) with budget lines (6-2): {job_id, name, tasks: [{task_id, name, cost_types, amounts}]}.

    With ``parent_id`` it adds phase ``job_id`` to job ``parent_id`` instead (Procore sub jobs are phases).
    """
    _need(params, "job_id", "name")
    company = _company(office)
    if params.get("parent_id") not in (None, ""):
        job = _value(TABLES["jobphs"], "recnum", params["parent_id"])
        phase = _value(TABLES["jobphs"], "phsnum", params["job_id"])
        _run(lambda: company.insert("jobphs", {"recnum": job, "phsnum": phase, "phsnme": str(params["name"])}))
        tasks = _budget_lines(company, job, phase, params.get("tasks"))
        return {"table": "jobphs", "recnum": job, "phsnum": phase, "tasks": tasks}
    body = _record("actrec", {
        "recnum": params["job_id"], "jobnme": str(params["name"]), "shtnme": str(params["name"])[:30],
        "status": params.get("status", 4), "strdte": params.get("begin_date"), "cmpdte": params.get("end_date"),
        "dptmnt": params.get("department"), "clnnum": params.get("client"),
        "retain": params.get("retainage_percent")})
    job = _run(lambda: company.insert("actrec", body)).record
    tasks = _budget_lines(company, job["recnum"], 0, params.get("tasks"))
    return {"table": "actrec", "recnum": job["recnum"], "tasks": tasks}


def create_vendor(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Create a vendor (4-4): {vendor_id (a number), name, email?, due_terms? such as 30DY}."""
    _need(params, "vendor_id", "name")
    body = _record("actpay", {"recnum": params["vendor_id"], "vndnme": str(params["name"]),
                              "shtnme": str(params["name"])[:30], "e_mail": params.get("email"),
                              "duedte": params.get("due_terms")})
    vendor = _run(lambda: _company(office).insert("actpay", body)).record
    return {"table": "actpay", "recnum": vendor["recnum"], "vndnme": vendor["vndnme"]}


def _invoice(company: Company, params: dict[str, Any]) -> dict[str, Any]:
    """An AP invoice by record number or by invoice number (optionally with its vendor)."""
    _need(params, "bill")
    ref = str(params["bill"]).strip()
    if ref.isdigit() and company.books.get("acpinv", int(ref)) is not None:
        return _run(lambda: company.retrieve("acpinv", ref))
    found = [r for r in company.books.scan("acpinv") if r["invnum"] == ref
             and (params.get("vendor") in (None, "") or str(r["vndnum"]) == str(params["vendor"]))]
    if not found:
        raise BackofficeError(f"acpinv {ref} does not exist (Payable invoices, 4-2)")
    if len(found) > 1:
        raise BackofficeError(f"invoice number {ref} is on {len(found)} invoices; name the vendor or the record")
    return _run(lambda: company.retrieve("acpinv", str(found[0].id)))


def _money(value: Any) -> str:
    return f"{dec(value):.2f}"


def _due(invoice: dict[str, Any]) -> Any:
    """What the vendor is owed now: the invoice net of retention, less what was paid."""
    return dec(invoice["invnet"]) - dec(invoice["amtpad"])


def pay_bill(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Post (4-2) if needed and pay (4-3) an invoice: {bill, amount? (default: all that is due), date?,
    check_number?}.

    Retention stays held until it is released. ``post: false`` pays only, which Sage refuses for an
    unposted invoice.
    """
    company = _company(office)
    invoice = _invoice(company, params)
    posted_now = False
    if not invoice["posted"] and params.get("post", True):
        _run(lambda: company.action("acpinv", str(invoice["recnum"]), "post"))
        posted_now = True
        invoice = _run(lambda: company.retrieve("acpinv", str(invoice["recnum"])))
    amount = params.get("amount")
    if amount is None:
        amount = _due(invoice)
        if amount <= 0 and invoice["posted"]:
            held = f"; {_money(invoice['retain'])} is retention held" if dec(invoice["retain"]) else ""
            raise BackofficeError(f"invoice record {invoice['recnum']} has nothing due{held}")
    body = _record("acppmt", {"_idref": invoice["_idnum"], "chknum": params.get("check_number"),
                              "chkdte": params.get("date"), "amount": amount})
    payment = _run(lambda: company.insert("acppmt", body)).record
    after = _run(lambda: company.retrieve("acpinv", str(invoice["recnum"])))
    return {"table": "acppmt", "recnum": payment["recnum"], "amount": _money(payment["amount"]),
            "bill": after["recnum"], "posted": posted_now, "bill_status": after["status"],
            "bill_due": _money(_due(after)), "bill_balance": _money(after["invbal"])}


def release_retainage(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Release retainage held on an invoice (4-2 Retention): {bill, amount? (default: all still held)}."""
    company = _company(office)
    invoice = _invoice(company, params)
    held = dec(invoice["retain"])
    amount = held if params.get("amount") is None else _value(TABLES["acpinv"], "retain", params["amount"])
    if amount <= 0 or amount > held:
        raise BackofficeError(f"acpinv {invoice['recnum']}: cannot release {_money(amount)} of retention; "
                              f"{_money(held)} is held")
    after = _run(lambda: company.modify("acpinv", str(invoice["recnum"]), {"retain": held - amount})).record
    return {"table": "acpinv", "recnum": after["recnum"], "released": _money(amount),
            "retain": _money(after["retain"]), "bill_due": _money(_due(after))}


def post_job_cost(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Enter a job cost (6-3): {job, cost_code, cost_type, amount, date?, description?, source?, reference?}."""
    _need(params, "job", "cost_code", "cost_type", "amount")
    company = _company(office)
    source = params.get("source", "job cost")
    number = SOURCES.get(str(source).casefold()) if not str(source).isdigit() else int(source)
    if number not in JOB_COST_SOURCE or number == 2:
        raise BackofficeError(f"source {source!r}: job cost is entered from journal, payroll or job cost (6-3); "
                              f"payable costs come from posting 4-2 invoices")
    description = str(params.get("description") or "Job cost")[:50]
    body = _record("jobcst", {"jobnum": params["job"], "phsnum": params.get("phase"), "cstcde": params["cost_code"],
                              "csttyp": _cost_type(params["cost_type"]), "cstamt": params["amount"],
                              "trnnum": str(params.get("reference") or f"JC-{company.books.today}")[:20],
                              "trndte": params.get("date") or company.books.today, "dscrpt": description,
                              "srcnum": number})
    cost = _run(lambda: company.insert("jobcst", body)).record
    return {"table": "jobcst", "recnum": cost["recnum"], "amount": _money(cost["cstamt"])}


def delete_record(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Remove a record by table and key: {object (a table such as actpay), key}."""
    _need(params, "object", "key")
    company = _company(office)
    table = _run(lambda: table_of(str(params["object"]).lower())).name
    outcome = _run(lambda: company.delete(table, _key(table, params["key"])))
    return {"table": table, **_plain(outcome.record), "deleted": True}


def update_record(office: Backoffice, params: dict[str, Any]) -> dict[str, Any]:
    """Change fields of a record, as in its window: {object (a table), key, fields: {column: value}}."""
    _need(params, "object", "key", "fields")
    if not isinstance(params["fields"], dict):
        raise BackofficeError("fields must map column names to values")
    company = _company(office)
    table = _run(lambda: table_of(str(params["object"]).lower()))
    values = {k: _value(table, k, v) for k, v in params["fields"].items()}
    record = _run(lambda: company.modify(table.name, _key(table.name, params["key"]), values)).record
    return {"table": table.name, "record": _plain({k: v for k, v in record.items() if not isinstance(v, list)})}


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A record as JSON the admin API can answer with (amounts as text, to the cent)."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in record.items()}


def _key(table: str, key: Any) -> str:
    t = TABLES[table]
    if t.key.cost_code:
        return code_text(_code(key))
    return str(key).strip()


ACTIONS: dict[str, BackofficeAction] = {
    "create_job": create_job,
    "create_vendor": create_vendor,
    "pay_bill": pay_bill,
    "release_retainage": release_retainage,
    "post_job_cost": post_job_cost,
    "delete_record": delete_record,
    "update_record": update_record,
}

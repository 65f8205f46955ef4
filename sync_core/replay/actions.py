"""The built-in steps and starting states, registered into ``steps.REGISTRY``.

Parameter names are the ones a person would use (``cost code``, ``billing date``); the
YAML may write them with spaces, dashes or underscores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core import objects as o
from sync_core.errors import NotFound
from sync_core.imports import ImportReport
from sync_core.replay.erp import ErpReader
from sync_core.replay.steps import REGISTRY, FailedToExport, Mismatch, Param, StepFailed
from sync_core.replay.values import ERP_TITLES, REFERENCE, as_money, fmt_money, norm, seconds, text
from sync_core.tool import ExportOutcome

if TYPE_CHECKING:
    from sync_core.replay.runner import Context

register = REGISTRY.register
given = REGISTRY.given
P = Param
ITEM, TEXT, DATE = P("item"), P("text"), P("date")


def req(kind: str, **kw: Any) -> Param:
    return Param(kind, True, **kw)


# -- starting states ------------------------------------------------------------------------------------


@given("demo company", tenant_level=True, fixture="demo")
def _demo(ctx: Context) -> None:
    """A fresh simulator tenant seeded with the demo company (jobs 1001-1003, vendors, cost codes)."""


@given("empty company", tenant_level=True, fixture=None)
def _empty(ctx: Context) -> None:
    """A fresh simulator tenant with nothing in it."""


@given("ERP cost types and cost codes imported")
def _wbs(ctx: Context) -> None:
    """Procore's cost types and ERP Standard Cost Code list imported from the ERP."""
    ctx.company.imports.cost_types()
    ctx.company.imports.cost_codes()


@given("an accounting approver", defines=("approver",))
def _approver(ctx: Context) -> None:
    """A user with Admin on ERP Integrations and Can Push to Accounting, named ``approver``."""
    ctx.vars["approver"] = ctx.company.users.create(name="Ann Approver", email="ann@example.test",
                                                    erp_integrations="admin", can_push_to_accounting=True)


@given("ERP vendors imported")
def _vendors(ctx: Context) -> None:
    """The ERP's vendors imported into the Directory."""
    ctx.company.imports.vendors()


@given("ERP jobs imported")
def _jobs(ctx: Context) -> None:
    """The ERP's jobs imported as Procore projects."""
    ctx.company.imports.jobs()


@given("vendor {id} exists in the ERP")
def _vendor_exists(ctx: Context, id: str) -> None:
    """The ERP has this vendor (made by the bookkeeper when the dataset lacks it)."""
    if not ctx.reader.vendor(id)["exists"]:
        params: dict[str, Any] = {"vendor_id": id, "name": f"Vendor {id}"}
        if ctx.erp == "sage100":
            params["due_terms"] = "30DY"
        ctx.binding.backoffice("create_vendor", params)


@given("job {id} exists in the ERP")
def _job_exists(ctx: Context, id: str) -> None:
    """The ERP has this job (made by the bookkeeper when the dataset lacks it)."""
    if not ctx.reader.job(id)["exists"]:
        ctx.binding.backoffice("create_job", {"job_id": id, "name": f"Job {id}"})


# -- helpers ---------------------------------------------------------------------------------------------


def _types(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _codes(value: Any) -> list[tuple[str, list[str] | None]]:
    """``[{code, cost types}]`` or ``{code: [types]}`` -> (code, types)."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(str(k), None if v is None else _types(v)) for k, v in value.items()]
    out = []
    for entry in value:
        if isinstance(entry, Mapping):
            data = {norm(k): v for k, v in entry.items()}
            if "code" not in data:
                raise StepFailed("each cost code needs a code")
            types = data.get("cost_types", data.get("cost_type"))
            out.append((str(data["code"]), None if types is None else _types(types)))
        else:
            out.append((str(entry), None))
    return out


def _line(entry: Any, what: str) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        raise StepFailed(f"each of the {what} is a mapping")
    return {norm(k): v for k, v in entry.items()}


def _opt(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: data[n] for n in names if data.get(n) is not None}


def _str(value: Any) -> str | None:
    return None if value is None else text(value) if isinstance(value, Decimal) else str(value)


def _sov(commitment: o.Commitment, number: Any) -> o.CommitmentLine:
    lines = commitment.lines
    try:
        index = int(str(number))
    except ValueError:
        raise StepFailed(f"line {number!r}: name an SOV line by its number (1 is the first)") from None
    if not 1 <= index <= len(lines):
        raise StepFailed(f"{commitment.describe()} has {len(lines)} SOV line(s); there is no line {index}")
    return lines[index - 1]


def _approve(item: o.Entity) -> None:
    if isinstance(item, o.Invoice):
        item.update(status="approved")
    elif isinstance(item, (o.Commitment, o.ChangeOrder, o.PrimeContract, o.Pcco)):
        item.update(status="Approved")
    else:
        raise StepFailed(f"{item.describe()} has no approval of its own; send it to ERP instead")


def _status(item: o.Entity, status: Any) -> None:
    if status is not None:
        item.update(status=str(status))


# -- PM actions: the work breakdown structure and projects -----------------------------------------------


@register("pm", "create project", name=req("text"), number=TEXT, start_date=DATE, completion_date=DATE,
          address=TEXT, city=TEXT, state=TEXT, zip=TEXT, description=TEXT, cost_codes=P("any"))
def create_project(ctx: Context, p: dict[str, Any]) -> Any:
    """A project in Procore, with cost codes from the ERP Standard Cost Code list."""
    project = ctx.company.projects.create(name=str(p["name"]), project_number=_str(p.get("number")),
                                          **_opt(p, "address", "city", "state", "zip", "start_date",
                                                 "completion_date", "description"))
    for code, types in _codes(p.get("cost_codes")):
        project.cost_codes.add(code, types)
    return project


@register("pm", "add cost codes", project=req("item"), cost_codes=req("any"), sub_job=ITEM)
def add_cost_codes(ctx: Context, p: dict[str, Any]) -> Any:
    """Cost codes (with cost types) added to a project from the ERP Standard Cost Code list."""
    project = ctx.item(p["project"], o.Project)
    sub = None if p.get("sub_job") is None else ctx.item(p["sub_job"], o.SubJob)
    return [project.cost_codes.add(code, types, sub_job=sub) for code, types in _codes(p["cost_codes"])]


@register("pm", "create sub job", project=req("item"), code=req("text"), name=req("text"), cost_codes=P("any"))
def create_sub_job(ctx: Context, p: dict[str, Any]) -> Any:
    project = ctx.item(p["project"], o.Project)
    sub = project.sub_jobs.create(code=str(p["code"]), name=str(p["name"]))
    for code, types in _codes(p.get("cost_codes")):
        project.cost_codes.add(code, types, sub_job=sub)
    return sub


@register("pm", "create company", name=req("text"), address=TEXT, city=TEXT, state=TEXT, zip=TEXT, phone=TEXT,
          email=TEXT, website=TEXT)
def create_company(ctx: Context, p: dict[str, Any]) -> Any:
    """A company (subcontractor or supplier) in the Directory."""
    return ctx.company.directory.create(name=str(p["name"]), business_phone=_str(p.get("phone")),
                                        email_address=_str(p.get("email")),
                                        **_opt(p, "address", "city", "state", "zip", "website"))


@register("pm", "add standard cost code", code=req("text"), description=req("text"), cost_types=P("any"))
def add_standard_cost_code(ctx: Context, p: dict[str, Any]) -> Any:
    """A code added to the company's ERP Standard Cost Code list in Procore (only where the ERP takes them)."""
    return ctx.company.cost_codes.create(code=str(p["code"]), description=str(p["description"]),
                                         cost_types=_types(p.get("cost_types")))


@register("pm", "create user", name=req("text"), erp_integrations=P("words", choices=o.PERMISSION_LEVELS),
          can_push_to_accounting=P("bool"), tools=P("map"), email=TEXT)
def create_user(ctx: Context, p: dict[str, Any]) -> Any:
    tools = {norm(k): norm(v) for k, v in (p.get("tools") or {}).items()}
    return ctx.company.users.create(name=str(p["name"]), email=_str(p.get("email")),
                                    erp_integrations=norm(p.get("erp_integrations") or "none"),
                                    can_push_to_accounting=bool(p.get("can_push_to_accounting")),
                                    tool_permissions=tools)


# -- PM actions: budgets -----------------------------------------------------------------------------------


@register("pm", "add budget lines", project=req("item"), lines=req("lines"))
def add_budget_lines(ctx: Context, p: dict[str, Any]) -> Any:
    """Original budget lines, one per (sub job,) cost code and cost type."""
    budget = ctx.item(p["project"], o.Project).budget
    made = []
    for entry in p["lines"]:
        line = _line(entry, "budget lines")
        sub = None if line.get("sub_job") is None else ctx.item(line["sub_job"], o.SubJob)
        made.append(budget.add_line(str(line["cost_code"]), str(line["cost_type"]), line.get("amount", 0),
                                    sub_job=sub, description=str(line.get("description") or "")))
    return made


@register("pm", "lock budget", project=req("item"))
def lock_budget(ctx: Context, p: dict[str, Any]) -> Any:
    return ctx.item(p["project"], o.Project).budget.lock()


@register("pm", "create budget modification", project=req("item"), to=req("map"), amount=req("money"),
          notes=TEXT, date=DATE, **{"from": req("map")})
def create_budget_modification(ctx: Context, p: dict[str, Any]) -> Any:
    """Moves money from one budget line to another."""
    project = ctx.item(p["project"], o.Project)
    source = _line(p["from"], "from")
    target = _line(p["to"], "to")
    values: dict[str, Any] = {"amount": p["amount"], **_opt(p, "notes", "date")}
    for side, data in (("from", source), ("to", target)):
        values[f"{side}_cost_code"] = str(data.get("cost_code"))
        values[f"{side}_cost_type"] = str(data.get("cost_type"))
        if data.get("sub_job") is not None:
            values[f"{side}_sub_job"] = ctx.item(data["sub_job"], o.SubJob)
    return project.budget_modifications.create(**values)


# -- PM actions: commitments, change orders, invoices ------------------------------------------------------


def _commitment(ctx: Context, p: dict[str, Any], kind: str) -> o.Commitment:
    project = ctx.item(p["project"], o.Project)
    vendor = ctx.item(p["company"], o.Vendor) if p.get("company") is not None else None
    create = project.commitments.create_subcontract if kind == "subcontract" else \
        project.commitments.create_purchase_order
    values: dict[str, Any] = {"vendor": vendor, **_opt(p, "title", "description", "contract_date")}
    if p.get("number") is not None:
        values["number"] = _str(p["number"])
    if p.get("retainage") is not None:
        values["default_retainage"] = p["retainage"]
    if p.get("accounting_method") is not None:
        values["accounting_method"] = norm(p["accounting_method"]).replace("unit/quantity", "unit")
    commitment = create(**values)
    for entry in p.get("lines") or []:
        line = _line(entry, "schedule of values lines")
        sub = None if line.get("sub_job") is None else ctx.item(line["sub_job"], o.SubJob)
        commitment.add_line(str(line["cost_code"]), str(line["cost_type"]), line.get("amount"),
                            description=str(line.get("description") or ""), quantity=line.get("quantity"),
                            uom=_str(line.get("uom")), unit_cost=line.get("unit_cost"), sub_job=sub)
    _status(commitment, p.get("status"))
    return commitment


COMMITMENT = dict(project=req("item"), company=ITEM, title=TEXT, number=TEXT, retainage=P("number"),
                  accounting_method=P("words", choices=("amount", "unit")), status=TEXT, description=TEXT,
                  contract_date=DATE, lines=P("lines"))


@register("pm", "create subcontract", **COMMITMENT)
def create_subcontract(ctx: Context, p: dict[str, Any]) -> Any:
    """A subcontract with its schedule of values (lines: cost code, cost type, amount, description)."""
    return _commitment(ctx, p, "subcontract")


@register("pm", "create purchase order", **COMMITMENT)
def create_purchase_order(ctx: Context, p: dict[str, Any]) -> Any:
    """A purchase order (lines: cost code, cost type, quantity, unit cost, uom, description)."""
    return _commitment(ctx, p, "purchase_order")


@register("pm", "create change order", commitment=req("item"), title=TEXT, number=TEXT, description=TEXT,
          status=TEXT, lines=req("lines"))
def create_change_order(ctx: Context, p: dict[str, Any]) -> Any:
    """A commitment change order: lines change an SOV line (``line: 1``) or add one (cost code, cost type)."""
    commitment = ctx.item(p["commitment"], o.Commitment)
    values = _opt(p, "title", "description")
    if p.get("number") is not None:
        values["number"] = _str(p["number"])
    cco = commitment.change_orders.create(**values)
    for entry in p["lines"]:
        line = _line(entry, "change order lines")
        sov = None if line.get("line") is None else _sov(commitment, line["line"])
        cco.add_line(line.get("amount"), line=sov, cost_code=_str(line.get("cost_code")),
                     cost_type=_str(line.get("cost_type")), description=str(line.get("description") or ""),
                     quantity=line.get("quantity"), uom=_str(line.get("uom")), unit_cost=line.get("unit_cost"))
    _status(cco, p.get("status"))
    return cco


@register("pm", "create invoice", commitment=req("item"), number=req("text"), billing_date=req("date"),
          period_start=DATE, period_end=DATE, status=TEXT, description=TEXT, lines=req("lines"))
def create_invoice(ctx: Context, p: dict[str, Any]) -> Any:
    """A subcontractor invoice: per SOV line, work completed this period, materials presently stored,
    retainage (defaults to the commitment's) and retainage released."""
    commitment = ctx.item(p["commitment"], o.Commitment)
    invoice = commitment.invoices.create(invoice_number=_str(p["number"]), billing_date=p["billing_date"],
                                         **_opt(p, "period_start", "period_end", "description"))
    for entry in p["lines"]:
        line = _line(entry, "invoice lines")
        if line.get("line") is None:
            raise StepFailed("each invoice line names the SOV line it bills (line: 1 is the first)")
        kwargs = {"work_completed": line.get("work_completed", "0"),
                  "materials_stored": line.get("materials_stored", "0"),
                  "work_retainage": line.get("retainage", line.get("work_retainage")),
                  "materials_retainage": line.get("materials_retainage"),
                  "work_retainage_released": line.get("retainage_released",
                                                      line.get("work_retainage_released", "0")),
                  "materials_retainage_released": line.get("materials_retainage_released", "0")}
        invoice.add_line(_sov(commitment, line["line"]), description=_str(line.get("description")), **kwargs)
    _status(invoice, norm(p["status"]) if p.get("status") is not None else None)
    return invoice


@register("pm", "create prime contract", project=req("item"), number=TEXT, title=TEXT, description=TEXT,
          retainage=P("number"), customer=TEXT, status=TEXT, lines=req("lines"))
def create_prime_contract(ctx: Context, p: dict[str, Any]) -> Any:
    """The owner contract, with its schedule of values (description, amount, cost code, cost type)."""
    project = ctx.item(p["project"], o.Project)
    values = _opt(p, "title", "description")
    if p.get("number") is not None:
        values["number"] = _str(p["number"])
    if p.get("retainage") is not None:
        values["retainage_percent"] = p["retainage"]
    if p.get("customer") is not None:
        values["customer_id"] = _str(p["customer"])
    contract = project.prime_contracts.create(**values)
    for entry in p["lines"]:
        line = _line(entry, "prime contract lines")
        contract.add_line(str(line.get("description") or ""), line.get("amount"),
                          cost_code=_str(line.get("cost_code")), cost_type=_str(line.get("cost_type")))
    _status(contract, p.get("status"))
    return contract


@register("pm", "create pcco", prime_contract=req("item"), number=TEXT, title=TEXT, description=TEXT, status=TEXT,
          date=DATE, lines=req("lines"))
def create_pcco(ctx: Context, p: dict[str, Any]) -> Any:
    """A prime contract change order (lines: cost code, cost type, amount, markup, description)."""
    contract = ctx.item(p["prime_contract"], o.PrimeContract)
    values = _opt(p, "title", "description", "date")
    if p.get("number") is not None:
        values["number"] = _str(p["number"])
    pcco = contract.change_orders.create(**values)
    for entry in p["lines"]:
        line = _line(entry, "PCCO lines")
        contract_line = None
        if line.get("contract_line") is not None:
            index = int(str(line["contract_line"]))
            contract_line = contract.lines[index - 1]
        pcco.add_line(str(line["cost_code"]), str(line["cost_type"]), line.get("amount"),
                      description=str(line.get("description") or ""), quantity=line.get("quantity"),
                      uom=_str(line.get("uom")), markup_amount=line.get("markup", "0"), contract_line=contract_line)
    _status(pcco, p.get("status"))
    return pcco


@register("pm", "approve", item=req("item"))
def approve(ctx: Context, p: dict[str, Any]) -> Any:
    """Approve a commitment, change order, prime contract, PCCO or invoice (its own status)."""
    item = ctx.item(p["item"])
    _approve(item)
    return item.refresh()


@register("pm", "update", item=req("item"), fields=req("map"))
def update(ctx: Context, p: dict[str, Any]) -> Any:
    """Change fields of anything made in Procore (refused while the workflow locks them)."""
    item = ctx.item(p["item"])
    return item.update(**{norm(k): v for k, v in p["fields"].items()})


@register("pm", "delete", item=req("item"))
def delete(ctx: Context, p: dict[str, Any]) -> Any:
    ctx.item(p["item"]).delete()
    return None


# -- PM actions: the ERP Integrations workflow -------------------------------------------------------------


@register("pm", "send to erp", item=req("item"), by=ITEM)
def send_to_erp(ctx: Context, p: dict[str, Any]) -> Any:
    """Send an item to ERP Integrations for accounting acceptance (Ready to Export)."""
    return ctx.item(p["item"]).send_to_erp(by=ctx.user(p.get("by"), default_owner=True))


@register("pm", "resend", item=req("item"), by=ITEM)
def resend(ctx: Context, p: dict[str, Any]) -> Any:
    return ctx.item(p["item"]).resend_to_erp(by=ctx.user(p.get("by"), default_owner=True))


@register("pm", "retrieve", item=req("item"), by=ITEM)
def retrieve(ctx: Context, p: dict[str, Any]) -> Any:
    """Take an item back from Ready to Export before the approver decides."""
    return ctx.item(p["item"]).retrieve_from_erp(by=ctx.user(p.get("by"), default_owner=True))


@register("pm", "accept", item=req("item"), by=ITEM, erp_job_id=TEXT, erp_vendor_id=TEXT, erp_invoice_id=TEXT,
          description=TEXT, accounting_date=DATE)
def accept(ctx: Context, p: dict[str, Any]) -> Any:
    """The accounting approver accepts an item: it is exported now, with the ERP ids entered here."""
    item = ctx.item(p["item"])
    fields = {k: (_str(v) if k.startswith("erp_") else v) for k, v in
              _opt(p, "erp_job_id", "erp_vendor_id", "erp_invoice_id", "description", "accounting_date").items()}
    outcome: ExportOutcome = ctx.company.erp.accept(item, approver=ctx.user(p.get("by")), **fields)
    for note in outcome.notes:
        ctx.note(note)
    if not outcome.ok:
        raise FailedToExport(f"{outcome.item.describe()} failed to export: {outcome.message}")
    return outcome


@register("pm", "reject", item=req("item"), reason=req("text"), by=ITEM)
def reject(ctx: Context, p: dict[str, Any]) -> Any:
    item = ctx.item(p["item"])
    ctx.company.erp.reject(item, approver=ctx.user(p.get("by")), reason=str(p["reason"]))
    return item.refresh()


@register("pm", "unlink", item=req("item"), by=ITEM)
def unlink(ctx: Context, p: dict[str, Any]) -> Any:
    """Break the link to an ERP record deleted in the ERP (refused while it is still there)."""
    return ctx.item(p["item"]).unlink_from_erp(by=ctx.user(p.get("by")))


@register("pm", "link project", project=req("item"), erp_job_id=req("text"))
def link_project(ctx: Context, p: dict[str, Any]) -> Any:
    """Link a project to a job made separately in the ERP (the integration refuses this)."""
    ctx.company.projects.link(ctx.item(p["project"], o.Project), _str(p["erp_job_id"]) or "")


@register("pm", "link company", company=req("item"), erp_vendor_id=req("text"))
def link_company(ctx: Context, p: dict[str, Any]) -> Any:
    ctx.company.directory.link(ctx.item(p["company"], o.Vendor), _str(p["erp_vendor_id"]) or "")


@register("pm", "find project", number=TEXT, erp_job_id=TEXT)
def find_project(ctx: Context, p: dict[str, Any]) -> Any:
    """A project already in Procore (imported, say), by project number or ERP job id."""
    projects = ctx.company.projects
    found = projects.by_erp_job_id(_str(p["erp_job_id"]) or "") if p.get("erp_job_id") is not None else \
        projects.by_number(_str(p.get("number")) or "")
    if found is None:
        raise NotFound(f"no project with {'ERP job id' if p.get('erp_job_id') else 'number'} "
                       f"{p.get('erp_job_id') or p.get('number')}")
    return found


@register("pm", "find company", erp_vendor_id=TEXT, name=TEXT)
def find_company(ctx: Context, p: dict[str, Any]) -> Any:
    """A company in the Directory, by ERP Vendor ID or name."""
    directory = ctx.company.directory
    if p.get("erp_vendor_id") is not None:
        found = directory.by_erp_vendor_id(_str(p["erp_vendor_id"]) or "")
    else:
        found = next((v for v in directory.all() if norm(v.data["name"]) == norm(p.get("name") or "")), None)
    if found is None:
        raise NotFound(f"no company with {'ERP Vendor ID' if p.get('erp_vendor_id') else 'name'} "
                       f"{p.get('erp_vendor_id') or p.get('name')}")
    return found


@register("pm", "find sub job", project=req("item"), code=req("text"))
def find_sub_job(ctx: Context, p: dict[str, Any]) -> Any:
    project = ctx.item(p["project"], o.Project)
    found = project.sub_jobs.first(code=_str(p["code"]))
    if found is None:
        raise NotFound(f"{project.describe()} has no sub job {p['code']}")
    return found


# -- the bookkeeper, inside the ERP ---------------------------------------------------------------------------

BOOKKEEPER = ("create job", "create vendor", "pay bill", "release retainage", "post job cost", "delete record",
              "update record")


VERBATIM = {"fields", "amounts", "filter"}


def _wire(value: Any, verbatim: bool = False) -> Any:
    """A parameter as JSON for the back office: amounts as text, Procore items as their ERP ids.

    Keys become snake_case, except inside ``fields``, ``amounts`` and ``filter``, which carry the
    ERP's own field names (or cost types) as written.
    """
    if isinstance(value, o.Entity):
        if not value.origin_id:
            raise StepFailed(f"{value.describe()} is not in the ERP, so the bookkeeper cannot find it there")
        return value.origin_id
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {(str(k) if verbatim else norm(k)): _wire(v, verbatim or (not verbatim and norm(k) in VERBATIM))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v, verbatim) for v in value]
    return value


def _bookkeeper(name: str) -> Any:
    def run(ctx: Context, p: dict[str, Any]) -> Any:
        return ctx.binding.backoffice(norm(name), _wire(p))
    run.__doc__ = f"The bookkeeper's {name} inside the ERP (the simulator's back office)."
    return run


for _name in BOOKKEEPER:
    register("bookkeeper", _name, open=True)(_bookkeeper(_name))


# -- sync: imports, refreshes, the schedule, the clock -----------------------------------------------------

IMPORTS = {"cost_types": "cost types", "cost_codes": "standard cost codes", "jobs": "jobs", "vendors": "vendors",
           "companies": "vendors", "sub_jobs": "sub jobs", "budget": "budget", "job_costs": "job costs",
           "direct_costs": "job cost transactions", "payments": "commitment payments"}
SCHEDULED = {"cost_codes": "standard_cost_codes", "standard_cost_codes": "standard_cost_codes",
             "cost_types": "cost_types", "vendors": "vendors", "companies": "vendors", "job_costs": "job_costs",
             "direct_costs": "direct_costs", "payments": "commitment_payments",
             "commitment_payments": "commitment_payments"}


def _report(ctx: Context, report: ImportReport) -> ImportReport:
    ctx.note(str(report).splitlines()[0] + "".join(f"; skipped {w}: {why}" for w, why in report.skipped))
    return report


@register("sync", "import", what=req("words", choices=tuple(IMPORTS)), project=ITEM, jobs=P("list"),
          vendors=P("list"))
def do_import(ctx: Context, p: dict[str, Any]) -> Any:
    """Import from the ERP: cost types, cost codes, jobs, vendors, sub jobs, budget, job costs, direct costs,
    payments (``what`` takes one or a list)."""
    imports = ctx.company.imports
    project = None if p.get("project") is None else ctx.item(p["project"], o.Project)
    reports: dict[str, ImportReport] = {}
    for word in (p["what"] if isinstance(p["what"], list) else [p["what"]]):
        what = norm(word)
        if what == "cost_types":
            report = imports.cost_types()
        elif what == "cost_codes":
            report = imports.cost_codes()
        elif what == "jobs":
            report = imports.jobs(None if p.get("jobs") is None else [_str(j) or "" for j in p["jobs"]])
        elif what in ("vendors", "companies"):
            report = imports.vendors(None if p.get("vendors") is None else [_str(v) or "" for v in p["vendors"]])
        elif what in ("sub_jobs", "budget"):
            if project is None:
                raise StepFailed(f"importing {what.replace('_', ' ')} needs the project")
            report = imports.sub_jobs(project) if what == "sub_jobs" else imports.budget(project)
        elif what == "job_costs":
            report = imports.job_costs(project)
        elif what == "direct_costs":
            report = imports.direct_costs(project)
        else:
            report = imports.payments()
        reports[what] = _report(ctx, report)
    return next(iter(reports.values())) if len(reports) == 1 else reports


@register("sync", "refresh", what=req("words", choices=("cost_codes", "companies", "vendors")), project=ITEM)
def refresh(ctx: Context, p: dict[str, Any]) -> Any:
    """Refresh a synced project's cost codes from its ERP job, or the companies list from the ERP."""
    if norm(p["what"]) == "cost_codes":
        if p.get("project") is None:
            raise StepFailed("refreshing cost codes needs the project")
        project = ctx.item(p["project"], o.Project)
        if not project.erp_job_id:
            raise StepFailed(f"{project.describe()} is not synced with an ERP job")
        return _report(ctx, ctx.company.imports.jobs([project.erp_job_id]))
    return _report(ctx, ctx.company.imports.vendors())


@register("sync", "schedule", every=req("duration"), what=req("words", choices=tuple(SCHEDULED)))
def schedule(ctx: Context, p: dict[str, Any]) -> Any:
    """Import these from the ERP every so often (e.g. every: 1 hour, what: [job costs, direct costs])."""
    objects = [SCHEDULED[norm(w)] for w in (p["what"] if isinstance(p["what"], list) else [p["what"]])]
    ctx.company.imports.schedule.every(seconds(p["every"]), *objects)


@register("sync", "sync now")
def sync_now(ctx: Context, p: dict[str, Any]) -> Any:
    """Run the sync cycle now: Sage 100's hh2 steps 1 and 2, or every scheduled import."""
    schedule_ = ctx.company.imports.schedule
    entries = schedule_.entries()
    if any(e["mode"] == "hh2" for e in entries):
        reports = schedule_.sync_now()
    else:
        reports = [ctx.company.imports.run(obj) for e in entries for obj in e["objects"]]
    for report in reports:
        _report(ctx, report)
    return reports


@register("sync", "advance clock", by=req("duration"))
def advance_clock(ctx: Context, p: dict[str, Any]) -> Any:
    """Move the simulator's clock (and Procore's) forward; scheduled imports that fall due run."""
    ctx.clock.advance(seconds(p["by"]))
    reports = ctx.company.tick()
    for report in reports:
        _report(ctx, report)
    if not reports:
        ctx.note("no scheduled import was due")
    return reports


# -- expectations -------------------------------------------------------------------------------------------

PM_VIEWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # view: (required params, optional params)
    "item": ((), ()),
    "job_cost": (("cost_code", "cost_type"), ("sub_job",)),
    "budget_line": (("cost_code", "cost_type"), ("sub_job",)),
    "payments": ((), ()),
    "direct_costs": ((), ("type",)),
    "sub_jobs": ((), ()),
    "cost_codes": ((), ("sub_job",)),
    "report": ((), ()),
}
ERP_VIEWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    name: (ErpReader.REQUIRED.get(name, ()), tuple(x for x in params if x not in ErpReader.REQUIRED.get(name, ())))
    for name, params in ErpReader.VIEWS.items()}
ITEM_SUBJECTS = {"item", "payments", "report", "commitment", "change_order", "bill", "prime_contract"}


def _view_of(params: dict[str, Any], views: Mapping[str, Any], side: str) -> tuple[str | None, list[str]]:
    found = [k for k in params if k in views]
    if len(found) != 1:
        what = "none" if not found else ", ".join(found)
        return None, [f"an expectation on the {side} side names one of: "
                      f"{', '.join(v.replace('_', ' ') for v in views)} (found {what})"]
    return found[0], []


def _check_view(params: dict[str, Any], views: Mapping[str, Any], side: str, extra: tuple[str, ...]) -> list[str]:
    view, problems = _view_of(params, views, side)
    if view is None:
        return problems
    required, optional = views[view]
    for name in required:
        if params.get(name) is None:
            problems.append(f"the {view.replace('_', ' ')} view needs {name.replace('_', ' ')!r}")
    allowed = {view, *required, *optional, *extra}
    for name in params:
        if name not in allowed:
            problems.append(f"unknown parameter {name.replace('_', ' ')!r} for the {view.replace('_', ' ')} view "
                            f"(it takes: {', '.join(a.replace('_', ' ') for a in sorted(allowed - {view}))})")
    return problems


def _has_check(params: dict[str, Any]) -> list[str]:
    has = params.get("has")
    if not isinstance(has, Mapping) or not has:
        return ["an expectation lists what it must find under 'has' (field: value)"]
    return []


def _pm_check(params: dict[str, Any]) -> list[str]:
    return _check_view(params, PM_VIEWS, "Procore", ("has",)) + _has_check(params)


def _erp_check(params: dict[str, Any]) -> list[str]:
    return _check_view(params, ERP_VIEWS, "ERP", ("has",)) + _has_check(params)


def _bare(value: Any) -> set[str]:
    if isinstance(value, str) and not REFERENCE.search(value):
        return {norm(value)}
    return set()


def _pm_items(params: dict[str, Any]) -> set[str]:
    view, _ = _view_of(params, PM_VIEWS, "Procore")
    return set() if view is None else _bare(params.get(view))


def _erp_items(params: dict[str, Any]) -> set[str]:
    view, _ = _view_of(params, ERP_VIEWS, "ERP")
    return _bare(params.get(view)) if view in ITEM_SUBJECTS else set()


def _agree_check(params: dict[str, Any]) -> list[str]:
    figures = params.get("agree")
    problems = [f"unknown parameter {k.replace('_', ' ')!r} (both sides takes 'agree')" for k in params
                if k != "agree"]
    if not isinstance(figures, list) or not figures:
        return problems + ["both sides lists the figures that must agree under 'agree'"]
    for i, raw in enumerate(figures, start=1):
        if not isinstance(raw, Mapping):
            problems.append(f"figure {i} is a mapping of figure, pm, erp and amount")
            continue
        figure = {norm(k): v for k, v in raw.items()}
        for key in figure:
            if key not in ("figure", "pm", "erp", "amount"):
                problems.append(f"figure {i}: unknown key {key!r} (use figure, pm, erp, amount)")
        for side, views, label in (("pm", PM_VIEWS, "Procore"), ("erp", ERP_VIEWS, "ERP")):
            spec = figure.get(side)
            if not isinstance(spec, Mapping):
                problems.append(f"figure {i}: '{side}' says where to read it ({label} view and field)")
                continue
            spec = {norm(k): v for k, v in spec.items()}
            problems += [f"figure {i}: {p}" for p in _check_view(spec, views, label, ("field",))]
            if spec.get("field") is None:
                problems.append(f"figure {i}: '{side}' needs the field to read")
        if figure.get("amount") is not None and as_money(figure["amount"]) is None \
                and not (isinstance(figure["amount"], str) and REFERENCE.search(figure["amount"])):
            problems.append(f"figure {i}: amount {figure['amount']!r} is not an amount")
    return problems


def _agree_items(params: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for raw in params.get("agree") or []:
        if not isinstance(raw, Mapping):
            continue
        figure = {norm(k): v for k, v in raw.items()}
        for side, items in (("pm", _pm_items), ("erp", _erp_items)):
            if isinstance(figure.get(side), Mapping):
                names |= items({norm(k): v for k, v in figure[side].items()})
    return names


# -- reading the Procore side ----------------------------------------------------------------------------


def _sum(values: Any) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal("0.00"))


def pm_view(ctx: Context, params: dict[str, Any]) -> tuple[str, Any]:
    """(what it is, the object or dict to read fields from)."""
    view, _ = _view_of(params, PM_VIEWS, "Procore")
    assert view is not None
    subject = params[view]
    if view == "item":
        item = ctx.item(subject)
        return (item.describe() if isinstance(item, o.Entity) else text(item)), item
    if view == "report":
        return "the import report", ctx.item(subject)
    if view == "payments":
        item = ctx.item(subject)
        if isinstance(item, o.Invoice):
            payments = item.commitment.payments.where(invoice=item.id)
        elif isinstance(item, o.Commitment):
            payments = item.payments.all()
        else:
            raise StepFailed("payments are read for an invoice or a commitment")
        return f"payments on {item.describe()}", {
            "count": len(payments), "total": _sum(x.data["amount"] for x in payments),
            "check_numbers": [x.data.get("check_number") for x in payments],
            "dates": [x.data.get("date") for x in payments]}
    project = ctx.item(subject, o.Project)
    sub = None if params.get("sub_job") is None else ctx.item(params["sub_job"], o.SubJob)
    if view == "job_cost":
        code, ctype = str(params["cost_code"]), str(params["cost_type"])
        key = o.JobCost.key_for(project.id, code, ctype, None if sub is None else sub.code)
        record = ctx.company.records.get_by_key(o.JobCost.kind, key)
        what = f"Procore's job costs for {code} {ctype}"
        if record is None:
            return what, {"imported": False, "jtd_cost": None, "mtd_cost": None, "commitment_invoiced": None,
                          "direct_costs": None, "jtd_paid": None, "mtd_paid": None}
        cost = o.JobCost(ctx.company, record.id, record.data, record.parent)
        return what, {"imported": True, "jtd_cost": cost.jtd_cost, "mtd_cost": cost.mtd_cost,
                      "commitment_invoiced": cost.commitment_invoiced, "direct_costs": cost.direct_costs,
                      "jtd_paid": cost.jtd_paid, "mtd_paid": cost.mtd_paid}
    if view == "budget_line":
        code, ctype = str(params["cost_code"]), str(params["cost_type"])
        line = project.budget.line(code, ctype, sub)
        what = f"the budget line {code} {ctype}"
        if line is None:
            return what, {"exists": False}
        return what, {"exists": True, "original": line.amount, "approved_changes": line.approved_changes,
                      "revised": line.revised_budget, "jtd_cost": line.jtd_cost, "direct_costs": line.direct_costs,
                      "in_erp": line.in_erp, "left_out": bool(line.data.get("erp_omitted"))}
    if view == "direct_costs":
        costs = project.direct_costs.all()
        if params.get("type") is not None:
            costs = [c for c in costs if c.data["direct_cost_type"] == norm(params["type"])]
        return f"direct costs of {project.describe()}", {
            "count": len(costs), "total": _sum(c.data["grand_total"] for c in costs),
            "types": sorted(c.data["direct_cost_type"] for c in costs),
            "invoice_numbers": sorted(str(c.data.get("invoice_number") or "") for c in costs)}
    if view == "sub_jobs":
        subs = project.sub_jobs.all()
        return f"sub jobs of {project.describe()}", {"count": len(subs), "codes": sorted(s.code for s in subs),
                                                     "names": sorted(s.data["name"] for s in subs)}
    codes = [c for c in project.cost_codes.all() if c.data.get("sub_job") == (None if sub is None else sub.id)]
    return f"cost codes of {project.describe()}", {
        "count": len(codes), "codes": sorted(c.code for c in codes),
        "cost_types": {c.code: c.cost_type_codes for c in codes}}


def field_of(obj: Any, name: str) -> Any:
    """A field of a Procore object, an ERP read, a report or an export outcome, by its readable name."""
    key = norm(name)
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if norm(k) == key:
                return v
        raise StepFailed(f"no field {name!r}; there are: {', '.join(sorted(str(k) for k in obj))}")
    if isinstance(obj, ImportReport):
        values = {"created": len(obj.created), "updated": len(obj.updated), "unchanged": len(obj.unchanged),
                  "skipped": len(obj.skipped), "skipped_reasons": [f"{w}: {why}" for w, why in obj.skipped]}
        return field_of(values, name)
    if isinstance(obj, ExportOutcome):
        values = {"status": obj.status.label, "erp_id": obj.origin_id, "origin_id": obj.origin_id,
                  "message": obj.message, "notes": list(obj.notes), "attempts": obj.attempts}
        return field_of(values, name)
    if isinstance(obj, o.Entity):
        return _entity_field(obj.refresh(), key, name)
    if hasattr(obj, key):
        return getattr(obj, key)
    raise StepFailed(f"{text(obj)} has no field {name!r}")


def _entity_field(item: o.Entity, key: str, name: str) -> Any:
    if key == "erp_status":
        return item.erp_status.label
    if key == "erp_id":
        return item.origin_id
    if key in ("paid", "payments") and isinstance(item, (o.Invoice, o.Commitment)):
        commitment = item if isinstance(item, o.Commitment) else item.commitment
        payments = commitment.payments.all() if isinstance(item, o.Commitment) else \
            commitment.payments.where(invoice=item.id)
        return _sum(x.data["amount"] for x in payments) if key == "paid" else len(payments)
    if key == "lines" and hasattr(item, "lines"):
        return len(item.lines)
    attr = getattr(type(item), key, None)
    if isinstance(attr, property):
        return getattr(item, key)
    if key in type(item).schema or key in item.data:
        return getattr(item, key) if key in type(item).schema else item.data[key]
    known = sorted({*type(item).schema, "erp_status", "erp_id", "origin_id", "erp_message", "rejection_reason",
                    *(n for n, v in vars(type(item)).items() if isinstance(v, property))})
    raise StepFailed(f"{item.describe()} has no field {name!r}; it has: {', '.join(known)}")


def same(expected: Any, found: Any) -> bool:
    """Whether a found value meets the expected one (amounts to the cent; words regardless of case)."""
    if isinstance(expected, Mapping):
        spec = {norm(k): v for k, v in expected.items()}
        if "contains" in spec:
            needle = spec["contains"]
            if isinstance(found, list):
                return any(same(needle, f) for f in found)
            return norm(str(needle)) in norm(text(found)) or str(needle) in text(found)
        if "one_of" in spec:
            return any(same(e, found) for e in spec["one_of"])
        return False
    if expected is None:
        return found in (None, "", [])
    if isinstance(expected, list):
        return isinstance(found, (list, tuple)) and len(expected) == len(found) and \
            all(same(e, f) for e, f in zip(expected, found))
    if isinstance(expected, bool) or isinstance(found, bool):
        return str(expected).lower() == str(found).lower()
    em, fm = as_money(expected), as_money(found)
    if em is not None and fm is not None:
        return em == fm
    return " ".join(text(expected).split()).casefold() == " ".join(text(found).split()).casefold() or \
        norm(text(expected)) == norm(text(found))


def shown(value: Any) -> str:
    if isinstance(value, Mapping):
        spec = {norm(k): v for k, v in value.items()}
        if "contains" in spec:
            return f"something containing {text(spec['contains'])!r}"
        if "one_of" in spec:
            return "one of " + ", ".join(shown(v) for v in spec["one_of"])
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return fmt_money(as_money(value) or Decimal(0))  # amounts read as amounts; ids stay as written
    return repr(value) if isinstance(value, str) else text(value)


def _compare(what: str, obj: Any, has: Mapping[str, Any]) -> None:
    differences = []
    for name, expected in has.items():
        found = field_of(obj, str(name))
        if not same(expected, found):
            differences.append((f"{what}: {str(name).replace('_', ' ')}", shown(expected), shown(found)))
    if differences:
        raise Mismatch(differences)


@register("expect", "pm", checker=_pm_check, items_of=_pm_items)
def expect_pm(ctx: Context, p: dict[str, Any]) -> Any:
    """Checks on the Procore side: an item's fields, job costs, a budget line, payments, direct costs,
    sub jobs, cost codes, an import report."""
    what, obj = pm_view(ctx, p)
    _compare(what, obj, p["has"])
    return obj


def erp_view(ctx: Context, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    view, _ = _view_of(params, ERP_VIEWS, "ERP")
    assert view is not None
    subject = params[view]
    if view in ITEM_SUBJECTS:
        subject = ctx.item(subject)
    elif isinstance(subject, o.Project):
        subject = subject.erp_job_id
    extra = {k: (v.code if isinstance(v, o.SubJob) else v) for k, v in params.items()
             if k in ErpReader.VIEWS[view] and v is not None}
    title = ERP_TITLES[ctx.erp]
    described = f"for {subject.describe()}" if isinstance(subject, o.Entity) else text(subject)
    return f"{title}'s {view.replace('_', ' ')} {described}", ctx.reader.view(view, subject, extra)


@register("expect", "erp", checker=_erp_check, items_of=_erp_items)
def expect_erp(ctx: Context, p: dict[str, Any]) -> Any:
    """Checks read back from the ERP over its own API: a job, sub job, vendor, commitment, change order,
    budget line, bill, job cost, prime contract, or a raw record in the ERP's own field names."""
    what, found = erp_view(ctx, p)
    _compare(what, found, p["has"])
    return found


@register("expect", "both sides", checker=_agree_check, items_of=_agree_items)
def expect_both(ctx: Context, p: dict[str, Any]) -> Any:
    """Figures that must agree to the cent between Procore and the ERP (and the amount they must be)."""
    differences = []
    shown_figures = []
    for raw in p["agree"]:
        figure = {norm(k): v for k, v in raw.items()}
        name = str(figure.get("figure") or "a figure")
        pm_spec = {norm(k): v for k, v in figure["pm"].items()}
        erp_spec = {norm(k): v for k, v in figure["erp"].items()}
        pm_what, pm_obj = pm_view(ctx, {k: v for k, v in pm_spec.items() if k != "field"})
        erp_what, erp_obj = erp_view(ctx, {k: v for k, v in erp_spec.items() if k != "field"})
        pm_value = field_of(pm_obj, str(pm_spec["field"]))
        erp_value = field_of(erp_obj, str(erp_spec["field"]))
        pm_amount, erp_amount = as_money(pm_value), as_money(erp_value)
        if pm_amount is None or erp_amount is None or pm_amount != erp_amount:
            differences.append((f"{name}: Procore ({pm_what}) and {ERP_TITLES[ctx.erp]} ({erp_what}) agree",
                                f"the same amount", f"Procore {shown(pm_value)}, {ERP_TITLES[ctx.erp]} "
                                                     f"{shown(erp_value)}"))
            continue
        if figure.get("amount") is not None and as_money(figure["amount"]) != pm_amount:
            differences.append((f"{name}", shown(figure["amount"]), f"{shown(pm_value)} on both sides"))
            continue
        shown_figures.append(f"{name}: {fmt_money(pm_amount)} on both sides")
    for line in shown_figures:
        ctx.note(line)
    if differences:
        raise Mismatch(differences)
    return shown_figures

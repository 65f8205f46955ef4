"""Contract resources: commitments (work order and purchase order contracts) with their line items, commitment
change orders, the prime contract and its change orders, subcontractor invoices (requisitions) with contract
items and the G702 summary, direct costs and contract payments.

Procore's own rules on top of the sync core's: an Approved or Complete commitment keeps its contract company and
SOV and cannot be deleted; only the latest open invoice may change; anything with an origin id from the ERP
(invoices, direct costs, payments) is "not editable because it has been synced with ERP".
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from simulator.procore import shapes
from simulator.procore.api import SYNCED_ERP, Call
from simulator.procore.company_tools import (
    attributes,
    budget_code,
    edit,
    filtered,
    found_by_origin,
    loader,
    set_origin,
    sync_action,
    vendor_of,
)
from simulator.procore.wire import ProcoreError, answer, body, invalid, not_found, wrapped
from sync_core import objects as o

KINDS = {"work_order_contracts": "subcontract", "purchase_order_contracts": "purchase_order"}
WRAPPERS = {"work_order_contracts": "work_order_contract", "purchase_order_contracts": "purchase_order_contract"}
COMMITMENT_FIELDS = {"number": "number", "title": "title", "status": "status", "retainage_percent":
                     "default_retainage", "accounting_method": "accounting_method", "description": "description",
                     "contract_date": "contract_date", "vendor_id": "vendor"}
LOCKED_WHEN_APPROVED = ("Approved", "Complete")


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise not_found(what) from None


def _resource(call: Call) -> str:
    """Which collection the path names; project-nested ``commitments`` lists both kinds."""
    path = call.request.url.path
    for name in KINDS:
        if f"/{name}" in path:
            return name
    return "commitments"


def _project_for(call: Call) -> o.Project:
    if "project_id" in call.request.path_params:
        return call.project(call.request.path_params["project_id"])
    return call.project_from_query()


def commitment_of(call: Call, item_id: Any, resource: str | None = None) -> o.Commitment:
    record = call.company.records.get(o.Commitment.kind, _int(item_id, "Commitment"))
    if record is None:
        raise not_found("Commitment")
    found = o.Commitment(call.company, record.id, record.data, record.parent)
    kind = KINDS.get(resource or _resource(call))
    if kind is not None and found.data["type"] != kind:
        raise not_found("Commitment")
    project_id = call.request.path_params.get("project_id") or call.param("project_id")
    if project_id is not None and str(found.parent_id) != str(project_id):
        raise not_found("Commitment")
    return found


def _commitment_values(call: Call, attrs: dict[str, Any]) -> dict[str, Any]:
    values = attributes(attrs, COMMITMENT_FIELDS)
    if values.get("vendor") is not None:
        values["vendor"] = vendor_of(call, values["vendor"]).id
    return values


def _add_lines(commitment: o.Commitment, lines: Any) -> None:
    if lines is None:
        return
    if not isinstance(lines, list):
        raise invalid("line_items", "must be a list")
    for attrs in lines:
        if not isinstance(attrs, dict):
            raise invalid("line_items", "each line item must be an object")
        add_commitment_line(commitment, attrs)


def add_commitment_line(commitment: o.Commitment, attrs: dict[str, Any]) -> o.CommitmentLine:
    code, cost_type = budget_code(commitment.project, attrs)
    line = commitment.add_line(code, cost_type, attrs.get("amount"), description=str(
        attrs.get("description") or ""), quantity=attrs.get("quantity"), uom=attrs.get("uom"),
        unit_cost=attrs.get("unit_cost"))
    set_origin(line, attrs)
    return line


def create_commitment(call: Call, project: o.Project, resource: str, attrs: dict[str, Any]) -> o.Commitment:
    values = _commitment_values(call, attrs)
    status = values.pop("status", None)
    collection = project.commitments
    made = collection.create_subcontract(**values) if KINDS[resource] == "subcontract" \
        else collection.create_purchase_order(**values)
    _add_lines(made, attrs.get("line_items"))
    if status is not None:
        made.update(status=status)
    return made


def update_commitment(call: Call, commitment: o.Commitment, attrs: dict[str, Any]) -> None:
    values = _commitment_values(call, attrs)
    current = commitment.data.get("status")
    if current in LOCKED_WHEN_APPROVED and values.get("vendor") not in (None, commitment.data.get("vendor")):
        raise ProcoreError(422, {"vendor_id": [f"cannot change: {commitment.describe()} is {current}, which locks "
                                               f"its contract company and schedule of values"]})
    edit(commitment, values)
    _add_lines(commitment, attrs.get("line_items"))


async def list_commitments(call: Call) -> Response:
    project = _project_for(call)
    resource = _resource(call)
    kind = KINDS.get(resource)
    rows = [shapes.commitment(c, lines=False) for c in project.commitments.all() if kind is None or
            c.data["type"] == kind]
    return call.listing(filtered(call, rows, ("id", "status", "origin_id", "vendor_id", "created_at",
                                              "updated_at")))


async def show_commitment(call: Call) -> Response:
    return answer(shapes.commitment(commitment_of(call, call.request.path_params["id"])))


async def post_commitment(call: Call) -> Response:
    resource = _resource(call)
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.request.path_params.get("project_id")
                           or call.param("project_id", required=True))
    attrs = wrapped(data, WRAPPERS[resource])
    with call.company.store.transaction():
        made = create_commitment(call, project, resource, attrs)
        set_origin(made, attrs)
    return answer(shapes.commitment(made.refresh()), 201)


async def patch_commitment(call: Call) -> Response:
    resource = _resource(call)
    commitment = commitment_of(call, call.request.path_params["id"], resource)
    attrs = wrapped(await body(call.request), WRAPPERS[resource])
    with call.company.store.transaction():
        update_commitment(call, commitment, attrs)
        set_origin(commitment, attrs)
    return answer(shapes.commitment(commitment.refresh()))


async def delete_commitment(call: Call) -> Response:
    commitment = commitment_of(call, call.request.path_params["id"])
    if commitment.data.get("status") in LOCKED_WHEN_APPROVED:
        raise ProcoreError(422, {"base": [f"{commitment.describe()} is {commitment.data['status']} and cannot be "
                                          f"deleted; set it back to Draft first"]})
    commitment.delete()
    return answer(None, 204)


async def sync_commitments(call: Call) -> Response:
    resource = _resource(call)
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.param("project_id", required=True))
    kind = KINDS[resource]

    def find(item_id: int) -> o.Entity | None:
        found = loader(call, o.Commitment, project)(item_id)
        return found if found is not None and found.data["type"] == kind else None

    object_type = "work_order_contract" if kind == "subcontract" else "purchase_order_contract"
    return sync_action(call, data.get("updates"), find=find,
                       by_origin=found_by_origin(call, object_type, o.Commitment),
                       create=lambda a: create_commitment(call, project, resource, a),
                       update=lambda c, a: update_commitment(call, c, a),  # type: ignore[arg-type]
                       shape=shapes.commitment)  # type: ignore[arg-type]


async def list_commitment_lines(call: Call) -> Response:
    commitment = commitment_of(call, call.request.path_params["id"])
    return call.listing([shapes.commitment_line(line) for line in commitment.lines])


async def post_commitment_line(call: Call) -> Response:
    commitment = commitment_of(call, call.request.path_params["id"])
    attrs = wrapped(await body(call.request), "line_item")
    with call.company.store.transaction():
        line = add_commitment_line(commitment, attrs)
    return answer(shapes.commitment_line(line), 201)


async def sync_commitment_lines(call: Call) -> Response:
    commitment = commitment_of(call, call.request.path_params["id"])
    data = await body(call.request)
    return sync_action(call, data.get("updates"), find=loader(call, o.CommitmentLine, commitment),
                       by_origin=found_by_origin(call, "line_item", o.CommitmentLine),
                       create=lambda a: add_commitment_line(commitment, a),
                       update=lambda line, a: edit(line, attributes(a, {"amount": "amount",
                                                                        "description": "description"})),
                       shape=shapes.commitment_line)  # type: ignore[arg-type]


# -- commitment change orders --------------------------------------------------------------------------------------------


async def list_change_orders(call: Call) -> Response:
    project = _project_for(call)
    contract = call.param("contract_id")
    rows = [shapes.change_order(co) for c in project.commitments.all() for co in c.change_orders.all()
            if contract is None or str(c.id) == contract]
    return call.listing(filtered(call, rows, ("id", "contract_id", "origin_id", "status")))


async def show_change_order(call: Call) -> Response:
    project = _project_for(call)
    found = loader(call, o.ChangeOrder)(_int(call.request.path_params["id"], "Change Order"))
    if not isinstance(found, o.ChangeOrder) or found.commitment.parent_id != project.id:
        raise not_found("Change Order")
    return answer(shapes.change_order(found))


async def post_change_order(call: Call) -> Response:
    project = _project_for(call)
    data = await body(call.request)
    attrs = wrapped(data, "commitment_change_order") if "commitment_change_order" in data \
        else wrapped(data, "change_order")
    commitment = commitment_of(call, attrs.get("contract_id") or data.get("contract_id"), "commitments")
    if commitment.parent_id != project.id:
        raise not_found("Commitment")
    with call.company.store.transaction():
        values = attributes(attrs, {"number": "number", "title": "title", "description": "description",
                                    "status": "status"})
        status = values.pop("status", None)
        co = commitment.change_orders.create(**values)
        for line in attrs.get("line_items") or []:
            if not isinstance(line, dict):
                raise invalid("line_items", "each line item must be an object")
            sov = None
            if line.get("commitment_line_item_id") is not None:
                sov = o.CommitmentLine.load(call.company, int(line["commitment_line_item_id"]))
            co.add_line(line.get("amount"), line=sov, cost_code=line.get("cost_code"),
                        cost_type=line.get("line_item_type"), description=str(line.get("description") or ""))
        if status is not None:
            co.update(status=status)
        set_origin(co, attrs)
    return answer(shapes.change_order(co.refresh()), 201)


async def patch_change_order(call: Call) -> Response:
    project = _project_for(call)
    found = loader(call, o.ChangeOrder)(_int(call.request.path_params["id"], "Change Order"))
    if not isinstance(found, o.ChangeOrder) or found.commitment.parent_id != project.id:
        raise not_found("Change Order")
    data = await body(call.request)
    attrs = data.get("commitment_change_order") or data.get("change_order")
    if not isinstance(attrs, dict):
        raise ProcoreError(400, "param is missing or the value is empty: commitment_change_order")
    with call.company.store.transaction():
        edit(found, attributes(attrs, {"title": "title", "description": "description", "status": "status"}))
        set_origin(found, attrs)
    return answer(shapes.change_order(found.refresh()))


# -- the prime contract ------------------------------------------------------------------------------------------------


async def list_prime_contracts(call: Call) -> Response:
    project = _project_for(call)
    rows = [shapes.prime_contract(pc) for pc in project.prime_contracts.all()]
    if call.request.url.path.endswith("/prime_contract"):  # the legacy singular show
        if not rows:
            raise not_found("Prime Contract")
        return answer(rows[0])
    return call.listing(filtered(call, rows, ("id", "origin_id", "status", "updated_at")))


async def show_prime_contract(call: Call) -> Response:
    found = loader(call, o.PrimeContract)(_int(call.request.path_params["id"], "Prime Contract"))
    if not isinstance(found, o.PrimeContract):
        raise not_found("Prime Contract")
    return answer(shapes.prime_contract(found))


async def post_prime_contract(call: Call) -> Response:
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.param("project_id", required=True))
    attrs = wrapped(data, "prime_contract")
    with call.company.store.transaction():
        values = attributes(attrs, {"number": "number", "title": "title", "description": "description",
                                    "retainage_percent": "retainage_percent", "contract_date": "contract_date"})
        made = project.prime_contracts.create(**values)
        for line in attrs.get("line_items") or []:
            if isinstance(line, dict):
                made.add_line(str(line.get("description") or ""), line.get("amount"),
                              cost_code=line.get("cost_code"), cost_type=line.get("line_item_type"))
        if attrs.get("status"):
            made.update(status=attrs["status"])
        set_origin(made, attrs)
    return answer(shapes.prime_contract(made.refresh()), 201)


async def list_pccos(call: Call) -> Response:
    project = _project_for(call)
    rows = [shapes.pcco(co) for pc in project.prime_contracts.all() for co in pc.change_orders.all()]
    return call.listing(filtered(call, rows, ("id", "origin_id", "status", "contract_id")))


async def post_pcco(call: Call) -> Response:
    project = _project_for(call)
    attrs = wrapped(await body(call.request), "prime_change_order")
    contract = loader(call, o.PrimeContract)(_int(attrs.get("contract_id"), "Prime Contract"))
    if not isinstance(contract, o.PrimeContract) or contract.parent_id != project.id:
        raise not_found("Prime Contract")
    with call.company.store.transaction():
        values = attributes(attrs, {"number": "number", "title": "title", "description": "description"})
        made = contract.change_orders.create(**values)
        for line in attrs.get("line_items") or []:
            if not isinstance(line, dict):
                raise invalid("line_items", "each line item must be an object")
            code, cost_type = budget_code(project, line)
            made.add_line(code, cost_type, line.get("amount"), description=str(line.get("description") or ""))
        if attrs.get("status"):
            made.update(status=attrs["status"])
        set_origin(made, attrs)
    return answer(shapes.pcco(made.refresh()), 201)


# -- subcontractor invoices --------------------------------------------------------------------------------------------

INVOICE_FIELDS = {"invoice_number": "invoice_number", "billing_date": "billing_date", "period_start":
                  "period_start", "period_end": "period_end", "status": "status", "description": "description"}


def invoice_of(call: Call, item_id: Any) -> o.Invoice:
    found = loader(call, o.Invoice)(_int(item_id, "Requisition"))
    if not isinstance(found, o.Invoice):
        raise not_found("Requisition")
    project_id = call.param("project_id")
    if project_id is not None and str(found.commitment.parent_id) != project_id:
        raise not_found("Requisition")
    return found


def _latest_open(invoice: o.Invoice) -> None:
    if invoice.origin_id or invoice.synced:
        raise ProcoreError(422, {"base": [f"{invoice.describe()} is {SYNCED_ERP}"]})
    later = [i for i in invoice.commitment.invoices.all() if i.id > invoice.id]
    if later:
        raise ProcoreError(422, {"base": [f"only the latest open invoice can be changed; {invoice.describe()} has "
                                          f"later invoices"]})


async def list_requisitions(call: Call) -> Response:
    project = _project_for(call)
    rows = [shapes.requisition(i) for c in project.commitments.all() for i in c.invoices.all()]
    return call.listing(filtered(call, rows, ("id", "commitment_id", "status", "origin_id", "created_at",
                                              "updated_at")))


async def show_requisition(call: Call) -> Response:
    return answer(shapes.requisition(invoice_of(call, call.request.path_params["id"])))


async def requisition_items(call: Call) -> Response:
    invoice = invoice_of(call, call.request.path_params["id"])
    if call.request.url.path.endswith("/change_order_items"):
        return call.listing([])  # change order billing lines are not modelled separately: CCOs change the SOV
    return call.listing([shapes.contract_item(line) for line in invoice.lines])


async def post_requisition(call: Call) -> Response:
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.param("project_id", required=True))
    commitment = commitment_of(call, data.get("commitment_id"), "commitments")
    if commitment.parent_id != project.id:
        raise not_found("Commitment")
    attrs = wrapped(data, "requisition")
    with call.company.store.transaction():
        values = attributes(attrs, INVOICE_FIELDS)
        values.setdefault("invoice_number", str(len(commitment.invoices.all()) + 1))
        values.setdefault("billing_date", call.company.today())
        status = values.pop("status", None)
        invoice = commitment.invoices.create(**values)
        for line in attrs.get("contract_items") or []:
            if not isinstance(line, dict):
                raise invalid("contract_items", "each contract item must be an object")
            sov = o.CommitmentLine.load(call.company, _int(line.get("commitment_line_item_id"), "Line Item"))
            invoice.add_line(sov, work_completed=line.get("work_completed_this_period", "0"),
                             materials_stored=line.get("materials_presently_stored", "0"),
                             work_retainage=line.get("work_completed_retainage_retained_this_period"),
                             work_retainage_released=line.get("work_completed_retainage_released_this_period", "0"))
        if status is not None:
            invoice.update(status=status)
        set_origin(invoice, attrs)
    return answer(shapes.requisition(invoice.refresh()), 201)


async def patch_requisition(call: Call) -> Response:
    invoice = invoice_of(call, call.request.path_params["id"])
    attrs = wrapped(await body(call.request), "requisition")
    _latest_open(invoice)
    with call.company.store.transaction():
        edit(invoice, attributes(attrs, INVOICE_FIELDS))
        set_origin(invoice, attrs)
    return answer(shapes.requisition(invoice.refresh()))


async def delete_requisition(call: Call) -> Response:
    invoice = invoice_of(call, call.request.path_params["id"])
    _latest_open(invoice)
    invoice.delete()
    return answer(None, 204)


# -- direct costs and payments ------------------------------------------------------------------------------------------

DIRECT_COST_FIELDS = {"direct_cost_type": "direct_cost_type", "status": "status", "vendor_id": "vendor",
                      "invoice_number": "invoice_number", "direct_cost_date": "date", "received_date":
                      "received_date", "terms": "terms", "description": "description", "grand_total": "grand_total"}


def direct_cost_of(call: Call, project: o.Project) -> o.DirectCost:
    found = loader(call, o.DirectCost, project)(_int(call.request.path_params["id"], "Direct Cost"))
    if not isinstance(found, o.DirectCost):
        raise not_found("Direct Cost")
    return found


def _direct_cost_values(call: Call, attrs: dict[str, Any]) -> dict[str, Any]:
    values = attributes(attrs, DIRECT_COST_FIELDS)
    if values.get("vendor") not in (None, ""):
        vendor = vendor_of(call, values["vendor"])
        values["vendor"], values["vendor_name"] = vendor.id, vendor.data["name"]
    elif "vendor" in values:
        values["vendor"] = None
    return values


def _line_items(attrs: dict[str, Any]) -> list[dict[str, Any]] | None:
    lines = attrs.get("line_items")
    if lines is None:
        return None
    if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
        raise invalid("line_items", "must be a list of objects")
    return [{k: v for k, v in line.items() if isinstance(v, (str, int, float, bool)) or v is None} for line in lines]


async def list_direct_costs(call: Call) -> Response:
    project = _project_for(call)
    rows = [shapes.direct_cost(dc) for dc in project.direct_costs.all()]
    return call.listing(filtered(call, rows, ("id", "origin_id", "invoice_number", "created_at", "updated_at",
                                              "payment_date", "received_date")))


async def show_direct_cost(call: Call) -> Response:
    return answer(shapes.direct_cost(direct_cost_of(call, _project_for(call))))


async def post_direct_cost(call: Call) -> Response:
    project = _project_for(call)
    data = await body(call.request)
    attrs = wrapped(data, "direct_cost")
    with call.company.store.transaction():
        values = _direct_cost_values(call, attrs)
        values.setdefault("direct_cost_type", "invoice")
        values.setdefault("date", call.company.today())
        made = project.direct_costs.create(**values)
        extra: dict[str, Any] = {}
        lines = _line_items(attrs)
        if lines is not None:
            extra["line_items"] = lines
        if data.get("attachments"):
            extra["attachments"] = [a for a in data["attachments"] if isinstance(a, dict)]
        if extra:
            made._write(extra)
        set_origin(made, attrs)
    return answer(shapes.direct_cost(made.refresh()), 201)


async def patch_direct_cost(call: Call) -> Response:
    project = _project_for(call)
    cost = direct_cost_of(call, project)
    data = await body(call.request)
    attrs = data.get("direct_cost") if isinstance(data.get("direct_cost"), dict) else {}
    if cost.origin_id:
        raise ProcoreError(422, {"base": [f"{cost.describe()} is {SYNCED_ERP}"]})
    with call.company.store.transaction():
        edit(cost, _direct_cost_values(call, attrs))
        extra: dict[str, Any] = {}
        lines = _line_items(attrs)
        if lines is not None:
            extra["line_items"] = (cost.line_items or []) + lines
        if data.get("attachments"):
            extra["attachments"] = list(cost.data.get("attachments") or []) + [
                a for a in data["attachments"] if isinstance(a, dict)]
        if extra:
            cost._write(extra)
        set_origin(cost, attrs)
    return answer(shapes.direct_cost(cost.refresh()))


async def list_payments(call: Call) -> Response:
    project = _project_for(call)
    contract = call.param("contract_id")
    rows = [shapes.payment(pay) for c in project.commitments.all() for pay in c.payments.all()
            if contract is None or str(c.id) == contract]
    return call.listing(filtered(call, rows, ("id", "origin_id")))

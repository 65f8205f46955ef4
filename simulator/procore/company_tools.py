"""Company-level and project-setup resources: me, companies, projects, vendors, cost codes, line item types,
sub jobs, WBS codes, and the budget (line items and the budget views published clients read).

Each handler reads, parses, delegates to the sync core and answers; the rules are the sync core's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from simulator.procore import shapes
from simulator.procore.api import Call, sync_error
from simulator.procore.wire import ProcoreError, answer, body, filters, invalid, matches, not_found, wrapped
from sync_core import errors as e
from sync_core import objects as o
from sync_core.workflow import ErpStatus

SYNC_LIMIT = 1000
STANDARD_LIST_ID = 1


# -- shared helpers -------------------------------------------------------------------------------------------------


def filtered(call: Call, rows: list[dict[str, Any]], allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    """Apply ``filters[...]`` on the shaped rows; an unknown filter is refused as Procore does (400)."""
    for name, wanted in filters(call.request).items():
        if name in ("by_status", "include_deleted"):
            continue
        if name not in allowed:
            raise ProcoreError(400, f"filters[{name}] is not a supported filter here; supported: "
                                    f"{', '.join(allowed)}")
        key = "vendor" if name == "vendor_id" else name
        rows = [r for r in rows if matches(r.get(key) if not isinstance(r.get(key), dict) else r[key].get("id"),
                                           wanted)]
    return rows


def attributes(data: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Procore's field names to the sync core's, keeping only the ones the object has."""
    return {mapping[k]: v for k, v in data.items() if k in mapping}


def set_origin(item: o.Entity, attrs: dict[str, Any]) -> None:
    """origin_id (unique per object type within the company), origin_data and origin_code, as an integration
    writes them. An origin id on a workflow item links it: it reads as synced, and locks as synced items do."""
    changes: dict[str, Any] = {}
    if "origin_data" in attrs:
        changes["origin_data"] = attrs["origin_data"]
    if "origin_code" in attrs:
        changes["origin_code"] = None if attrs["origin_code"] is None else str(attrs["origin_code"])
    if "origin_id" in attrs:
        new = None if attrs["origin_id"] in (None, "") else str(attrs["origin_id"])
        old = item.origin_id
        if new != old:
            records = item.company.records
            if new is not None:
                records.link_origin(item.object_type, new, item.kind, item.id)
            if old is not None:
                records.unlink_origin(item.object_type, old)
            changes["origin_id"] = new
            if item.erp_object is not None and new is not None and not item.synced:
                changes["erp_status"] = ErpStatus.SYNCED.value
            if isinstance(item, o.Project):
                changes["erp_job_id"] = new
            elif isinstance(item, o.Vendor):
                changes["erp_vendor_id"] = new
    if changes:
        item._write(changes)
        item._audit("edit", "origin " + ", ".join(f"{k}={v}" for k, v in changes.items() if k.startswith("origin")))


def sync_action(call: Call, updates: Any, *, find: Callable[[int], o.Entity | None],
                by_origin: Callable[[str], o.Entity | None], create: Callable[[dict[str, Any]], o.Entity],
                update: Callable[[o.Entity, dict[str, Any]], None], shape: Callable[[o.Entity], dict[str, Any]])\
        -> Response:
    """Procore's sync action: always 200 with ``entities`` and ``errors``; by id updates (and is the only way to
    change origin_id), by an unknown origin_id creates, by a known one updates."""
    if not isinstance(updates, list):
        raise ProcoreError(400, "param is missing or the value is empty: updates")
    if len(updates) > SYNC_LIMIT:
        raise ProcoreError(422, {"updates": [f"cannot exceed {SYNC_LIMIT} items"]})
    entities: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    store = call.company.store
    for attrs in updates:
        if not isinstance(attrs, dict):
            errors.append({"item": attrs, "errors": {"base": ["each update must be an object"]}})
            continue
        try:
            with store.transaction():
                if attrs.get("id") is not None:
                    try:
                        item = find(int(attrs["id"]))
                    except (TypeError, ValueError):
                        item = None
                    if item is None:
                        raise ProcoreError(404, {"id": ["Entity with this ID not found"]})
                    update(item, attrs)
                elif attrs.get("origin_id") not in (None, ""):
                    item = by_origin(str(attrs["origin_id"]))
                    if item is None:
                        item = create(attrs)
                    else:
                        update(item, {k: v for k, v in attrs.items() if k != "origin_id"})
                else:
                    item = create(attrs)
                set_origin(item, attrs)
                entities.append(shape(item.refresh()))
        except ProcoreError as exc:
            errors.append({**attrs, "errors": exc.errors if isinstance(exc.errors, dict) else {"base": [exc.errors]}})
        except e.SyncError as exc:
            mapped = sync_error(exc)
            errors.append({**attrs, "errors": mapped.errors if isinstance(mapped.errors, dict)
                           else {"base": [mapped.errors]}})
    return answer({"entities": entities, "errors": errors})


def found_by_origin(call: Call, object_type: str, cls: type[o.Entity]) -> Callable[[str], o.Entity | None]:
    def lookup(origin_id: str) -> o.Entity | None:
        hit = call.company.records.by_origin(object_type, origin_id)
        return None if hit is None or hit[0] != cls.kind else cls.load(call.company, hit[1])
    return lookup


def loader(call: Call, cls: type[o.Entity], parent: o.Entity | None = None) -> Callable[[int], o.Entity | None]:
    def load(item_id: int) -> o.Entity | None:
        record = call.company.records.get(cls.kind, item_id)
        if record is None or (parent is not None and record.parent != parent.id):
            return None
        return cls(call.company, record.id, record.data, record.parent)
    return load


def edit(item: o.Entity, values: dict[str, Any]) -> None:
    if values:
        item.update(**values)


# -- identity -------------------------------------------------------------------------------------------------------


async def me(call: Call) -> Response:
    user = call.user
    return answer({"id": user.id, "login": user.data.get("email"), "name": user.data["name"]})


async def companies(call: Call) -> Response:
    return call.listing([{"id": call.company_id, "name": call.company.name, "is_active": True, "logo_url": None,
                          "pcn_business_experience": None, "my_company": True}])


# -- projects ---------------------------------------------------------------------------------------------------------

PROJECT_FIELDS = {"name": "name", "project_number": "project_number", "address": "address", "city": "city",
                  "state_code": "state", "zip": "zip", "start_date": "start_date", "completion_date":
                  "completion_date", "description": "description", "active": "active"}
PROJECT_FILTERS = ("id", "name", "origin_id", "project_number", "synced", "created_at", "updated_at", "vendor_id")


async def list_projects(call: Call) -> Response:
    rows = [shapes.project(p, call.company_id) for p in call.company.projects.all()]
    status = (filters(call.request).get("by_status") or ["Active"])[0]
    if status.lower() != "all":
        rows = [r for r in rows if r["active"] == (status.lower() == "active")]
    return call.listing(filtered(call, rows, PROJECT_FILTERS))


async def show_project(call: Call) -> Response:
    return answer(shapes.project(call.project(call.request.path_params["id"]), call.company_id))


def create_project(call: Call, attrs: dict[str, Any]) -> o.Project:
    return call.company.projects.create(**attributes(attrs, PROJECT_FIELDS))


async def post_project(call: Call) -> Response:
    data = await body(call.request)
    attrs = wrapped(data, "project")
    with call.company.store.transaction():
        project = create_project(call, attrs)
        set_origin(project, attrs)
    return answer(shapes.project(project.refresh(), call.company_id), 201)


async def patch_project(call: Call) -> Response:
    project = call.project(call.request.path_params["id"])
    attrs = wrapped(await body(call.request), "project")
    with call.company.store.transaction():
        edit(project, attributes(attrs, PROJECT_FIELDS))
        set_origin(project, attrs)
    return answer(shapes.project(project.refresh(), call.company_id))


async def sync_projects(call: Call) -> Response:
    data = await body(call.request)
    return sync_action(call, data.get("updates"), find=loader(call, o.Project),
                       by_origin=found_by_origin(call, "project", o.Project),
                       create=lambda a: create_project(call, a),
                       update=lambda p, a: edit(p, attributes(a, PROJECT_FIELDS)),
                       shape=lambda p: shapes.project(p, call.company_id))  # type: ignore[arg-type]


# -- the directory ----------------------------------------------------------------------------------------------------

VENDOR_FIELDS = {"name": "name", "abbreviated_name": "abbreviated_name", "address": "address", "city": "city",
                 "state_code": "state", "zip": "zip", "business_phone": "business_phone", "fax_number":
                 "business_fax", "email_address": "email_address", "website": "website", "is_active": "is_active"}


def vendor_of(call: Call, vendor_id: Any) -> o.Vendor:
    try:
        found = loader(call, o.Vendor)(int(vendor_id))
    except (TypeError, ValueError):
        found = None
    if not isinstance(found, o.Vendor):
        raise not_found("Vendor")
    return found


async def list_vendors(call: Call) -> Response:
    if "project_id" in call.request.path_params:
        call.project(call.request.path_params["project_id"])
    rows = [shapes.vendor(v) for v in call.company.directory.all()]
    return call.listing(filtered(call, rows, ("id", "origin_id", "name", "is_active", "created_at", "updated_at")))


async def show_vendor(call: Call) -> Response:
    return answer(shapes.vendor(vendor_of(call, call.request.path_params["id"])))


async def post_vendor(call: Call) -> Response:
    attrs = wrapped(await body(call.request), "vendor")
    with call.company.store.transaction():
        vendor = call.company.directory.create(**attributes(attrs, VENDOR_FIELDS))
        set_origin(vendor, attrs)
    return answer(shapes.vendor(vendor.refresh()), 201)


async def patch_vendor(call: Call) -> Response:
    vendor = vendor_of(call, call.request.path_params["id"])
    attrs = wrapped(await body(call.request), "vendor")
    with call.company.store.transaction():
        edit(vendor, attributes(attrs, VENDOR_FIELDS))
        set_origin(vendor, attrs)
    return answer(shapes.vendor(vendor.refresh()))


async def sync_vendors(call: Call) -> Response:
    data = await body(call.request)
    return sync_action(call, data.get("updates"), find=loader(call, o.Vendor),
                       by_origin=found_by_origin(call, "vendor", o.Vendor),
                       create=lambda a: call.company.directory.create(**attributes(a, VENDOR_FIELDS)),
                       update=lambda v, a: edit(v, attributes(a, VENDOR_FIELDS)),
                       shape=shapes.vendor)  # type: ignore[arg-type]


# -- cost codes and cost types ------------------------------------------------------------------------------------------


async def list_cost_codes(call: Call) -> Response:
    project = call.project_from_query()
    sub = call.param("sub_job_id")
    rows = [shapes.cost_code(c) for c in project.cost_codes.all()]
    if sub is not None:
        rows = [r for r in rows if str(r["sub_job_id"]) == sub]
    return call.listing(filtered(call, rows, ("id", "origin_id", "code")))


async def show_cost_code(call: Call) -> Response:
    project = call.project_from_query()
    try:
        found = project.cost_codes.get(int(call.request.path_params["id"]))
    except (ValueError, e.NotFound):
        raise not_found("Cost Code") from None
    return answer(shapes.cost_code(found))


async def post_cost_code(call: Call) -> Response:
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.param("project_id", required=True))
    attrs = wrapped(data, "cost_code")
    code = attrs.get("code") or attrs.get("full_code")
    if not code:
        raise invalid("code", "can't be blank")
    types = attrs.get("line_item_types")
    added = project.cost_codes.add(str(code), None if types is None else [str(t) for t in types])
    return answer(shapes.cost_code(added), 201)


async def company_cost_codes(call: Call) -> Response:
    """The company's ERP Standard Cost Code list (what ``/companies/{id}/cost_codes`` and
    ``standard_cost_codes`` answer)."""
    rows = [shapes.standard_cost_code(c, STANDARD_LIST_ID) for c in call.company.cost_codes.all()]
    list_id = call.request.path_params.get("list_id") or call.param("standard_cost_code_list_id")
    if list_id is not None and str(list_id) != str(STANDARD_LIST_ID):
        raise not_found("Standard Cost Code List")
    return call.listing(filtered(call, rows, ("id", "origin_id", "code")))


async def standard_cost_code_lists(call: Call) -> Response:
    return call.listing([{"id": STANDARD_LIST_ID, "name": "ERP Standard Cost Code List", "company_id":
                          call.company_id}])


async def list_line_item_types(call: Call) -> Response:
    rows = [shapes.line_item_type(t) for t in call.company.cost_types.all()]
    return call.listing(filtered(call, rows, ("id", "origin_id", "code")))


async def sync_line_item_types(call: Call) -> Response:
    data = await body(call.request)

    def create(attrs: dict[str, Any]) -> o.Entity:
        return call.company.cost_types.create(**attributes(attrs, {"name": "name", "code": "code",
                                                                   "base_type": "base_type"}))

    return sync_action(call, data.get("updates"), find=loader(call, o.CostType),
                       by_origin=found_by_origin(call, "line_item_type", o.CostType), create=create,
                       update=lambda t, a: edit(t, attributes(a, {"name": "name", "base_type": "base_type"})),
                       shape=shapes.line_item_type)  # type: ignore[arg-type]


# -- sub jobs and WBS codes ---------------------------------------------------------------------------------------------


async def list_sub_jobs(call: Call) -> Response:
    project = call.project_from_query()
    return call.listing(filtered(call, [shapes.sub_job(s) for s in project.sub_jobs.all()], ("id", "origin_id",
                                                                                             "code")))


async def sync_sub_jobs(call: Call) -> Response:
    project = call.project_from_query()
    data = await body(call.request)
    return sync_action(call, data.get("updates"), find=loader(call, o.SubJob, project),
                       by_origin=found_by_origin(call, "sub_job", o.SubJob),
                       create=lambda a: project.sub_jobs.create(**attributes(a, {"code": "code", "name": "name"})),
                       update=lambda s, a: edit(s, attributes(a, {"name": "name"})),
                       shape=shapes.sub_job)  # type: ignore[arg-type]


async def wbs_codes(call: Call) -> Response:
    project = call.project(call.request.path_params["project_id"])
    rows = []
    for code in project.cost_codes.all():
        for cost_type in code.cost_type_codes:
            rows.append({"id": f"{code.id}:{cost_type}", "flat_code": f"{code.code}.{cost_type}",
                         "description": f"{code.description} - {cost_type}", "segment_items": [
                             {"segment": "cost_code", "code": code.code}, {"segment": "cost_type", "code": cost_type}],
                         "sub_job_id": code.data.get("sub_job")})
    return call.listing(rows)


# -- the budget ---------------------------------------------------------------------------------------------------------


def budget_rows(project: o.Project) -> list[dict[str, Any]]:
    return [shapes.budget_line_item(line, project.id) for line in project.budget.lines]


async def list_budget_line_items(call: Call) -> Response:
    project = call.project_from_query()
    return call.listing(filtered(call, budget_rows(project), ("id", "origin_id")))


def budget_code(project: o.Project, attrs: dict[str, Any]) -> tuple[str, str]:
    """The cost code and cost type a line names: by ``cost_code_id``/``line_item_type_id``, or by code."""
    code = attrs.get("cost_code")
    if isinstance(code, dict):
        code = code.get("code")
    if attrs.get("cost_code_id") is not None:
        try:
            code = project.cost_codes.get(int(attrs["cost_code_id"])).code
        except (TypeError, ValueError, e.NotFound):
            raise invalid("cost_code_id", "is not a cost code of this project") from None
    cost_type = attrs.get("line_item_type")
    if isinstance(cost_type, dict):
        cost_type = cost_type.get("code")
    if attrs.get("line_item_type_id") is not None:
        try:
            cost_type = o.CostType.load(project.company, int(attrs["line_item_type_id"])).data["code"]
        except (TypeError, ValueError, e.NotFound):
            raise invalid("line_item_type_id", "is not a line item type of this company") from None
    if not code or not cost_type:
        raise ProcoreError(422, {"base": ["a line item needs a cost code and a line item type"]})
    return str(code), str(cost_type)


def _budget_line(call: Call, project: o.Project, attrs: dict[str, Any]) -> o.BudgetLine:
    code, cost_type = budget_code(project, attrs)
    sub = None
    if attrs.get("sub_job_id") is not None:
        sub = o.SubJob.load(call.company, int(attrs["sub_job_id"]))
    amount = attrs.get("original_budget_amount", attrs.get("amount"))
    return project.budget.add_line(code, cost_type, amount, sub_job=sub,
                                   description=str(attrs.get("description") or ""))


async def post_budget_line_item(call: Call) -> Response:
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.param("project_id", required=True))
    line = _budget_line(call, project, wrapped(data, "budget_line_item"))
    return answer(shapes.budget_line_item(line, project.id), 201)


async def sync_budget_line_items(call: Call) -> Response:
    data = await body(call.request)
    project = call.project(data.get("project_id") or call.param("project_id", required=True))
    items = data.get("budget_line_items", data.get("updates"))
    return sync_action(call, items, find=loader(call, o.BudgetLine, project.budget),
                       by_origin=found_by_origin(call, "budget_line_item", o.BudgetLine),
                       create=lambda a: _budget_line(call, project, a),
                       update=lambda line, a: edit(line, {"amount": a["original_budget_amount"]}
                                                   if "original_budget_amount" in a else {}),
                       shape=lambda line: shapes.budget_line_item(line, project.id))  # type: ignore[arg-type]


BUDGET_COLUMNS = [("original_budget_amount", "Original Budget Amount"), ("approved_budget_changes",
                  "Approved Budget Changes"), ("revised_budget", "Revised Budget"), ("job_to_date_costs",
                  "Job to Date Costs"), ("direct_costs", "Direct Costs")]


def _budget_view(call: Call) -> o.Project:
    project = call.project_from_query()
    view_id = call.request.path_params.get("view_id")
    if view_id is not None and str(view_id) != str(project.budget.id):
        raise not_found("Budget View")
    return project


async def budget_views(call: Call) -> Response:
    project = _budget_view(call)
    budget = project.budget
    return call.listing([{"id": budget.id, "name": "Procore Standard Budget", "project_id": project.id,
                          "locked": budget.locked, "erp_status": budget.erp_status.value}])


async def budget_detail_columns(call: Call) -> Response:
    _budget_view(call)
    return answer([{"id": i + 1, "name": label, "key": key, "type": "currency"}
                   for i, (key, label) in enumerate(BUDGET_COLUMNS)])


async def budget_detail_rows(call: Call) -> Response:
    project = _budget_view(call)
    return answer([{"id": row["id"], "cost_code": row["cost_code"]["code"], "cost_type": row["line_item_type"]["code"],
                    "budget_code": row["wbs_code"]["flat_code"], **{k: row[k] for k, _ in BUDGET_COLUMNS}}
                   for row in budget_rows(project)])


async def budget_details(call: Call) -> Response:
    project = _budget_view(call)
    return answer([{"budget_line_item_id": row["id"], "budget_code": row["wbs_code"]["flat_code"],
                    **{label: row[key] for key, label in BUDGET_COLUMNS}} for row in budget_rows(project)])


# -- budget modifications (the legacy tool) ------------------------------------------------------------------------------


def budget_modification_json(mod: o.BudgetModification) -> dict[str, Any]:
    budget = mod.project.budget
    ends = {}
    for end in ("from", "to"):
        code, cost_type, sub = mod._side(end)
        line = budget.line(code, cost_type, None if sub is None else o.SubJob.load(mod.company, sub))
        ends[f"{end}_budget_line_item_id"] = None if line is None else line.id
    return {"id": mod.id, "project_id": mod.parent_id, **ends, "transfer_amount": f"{mod.amount:.2f}",
            "notes": mod.data.get("notes"), "date": mod.data.get("date"), **shapes.origin(mod)}


async def list_budget_modifications(call: Call) -> Response:
    project = call.project(call.request.path_params["project_id"])
    rows = [budget_modification_json(m) for m in project.budget_modifications.all()]
    return call.listing(filtered(call, rows, ("id", "origin_id")))


async def post_budget_modification(call: Call) -> Response:
    project = call.project(call.request.path_params["project_id"])
    attrs = wrapped(await body(call.request), "budget_modification")
    values: dict[str, Any] = {"amount": attrs.get("transfer_amount"), "notes": attrs.get("notes")}
    for end in ("from", "to"):
        try:
            line = project.budget.children("pm.budget_line").get(int(attrs.get(f"{end}_budget_line_item_id")))
        except (TypeError, ValueError, e.NotFound):
            raise invalid(f"{end}_budget_line_item_id", "is not a budget line item of this project") from None
        values.update({f"{end}_cost_code": line.data["cost_code"], f"{end}_cost_type": line.data["cost_type"],
                       f"{end}_sub_job": line.data.get("sub_job")})
    with call.company.store.transaction():
        made = project.budget_modifications.create(**values)
        set_origin(made, attrs)
    return answer(budget_modification_json(made.refresh()), 201)

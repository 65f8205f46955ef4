"""Acumatica connector: the contract-based REST API (Default endpoint), over HTTP only.

Cookie sign-in at ``/entity/auth/login``; records as ``{"value": ...}``-wrapped
JSON under ``/entity/Default/{version}/{Entity}``; actions with ``{"entity":
..., "parameters": ...}``, answered 204 or 202 + ``Location`` to poll.

Exactly once: records with a natural key (project, task, vendor) are looked up
by key and created with ``PUT`` + ``If-None-Match: *`` (insert only: a 412 means
an earlier try committed, so the next attempt finds and adopts it). Auto-numbered
documents (subcontracts, purchase orders, change orders, bills) are looked up by
the reference this side writes on them (``VendorRef`` on commitments and bills,
``ExternalRefNbr`` on change orders) before they are created. Budget lines are
upserted with absolute amounts. Retainage releases are measured, not counted:
before every ``ReleaseRetainage`` the commitment's bills are read back and only
what they hold beyond Procore's own figure is released.

Mapping (seed 004 and the Acumatica reference §6): companies -> Vendor; projects
-> Project plus a default task; sub jobs -> ProjectTask; budget -> ProjectBudget
cost lines (task x cost code x account group, $0 lines included); budget
modifications -> cost-budget change orders; prime contract -> one summarized
revenue-budget line; PCCOs -> revenue-budget change orders; commitments ->
Subcontract / PurchaseOrder; CCOs -> change orders with Commitments lines;
subcontractor invoices -> Bills on hold, retainage through custom fields,
released retainage through ``Bill/ReleaseRetainage`` on the earlier bills (which
raises Acumatica's retainage documents), materials stored and their retainage
not sent. Imports: cost codes, account
groups as cost types, projects, tasks, vendors, cost budgets, job costs from the
budget's actuals and project transactions, and payments from released checks.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from sync_core import payloads as p
from sync_core.capabilities import Capability, CapabilityMatrix, Limit
from sync_core.connectors.base import (
    AcceptField,
    Connector,
    ExportContext,
    retry_after,
    transient_status,
    transport_error,
)
from sync_core.delivery import ErpRejected, TransientError

ZERO = Decimal("0.00")
NOT_FOUND_TYPE = "NoEntitySatisfiesTheConditionException"
RELEASED_BILLS = ("Open", "Closed")
# Bill retainage is not in the Default contract; these custom fields carry it (reference §4, inferred there).
RETAINAGE_FIELDS = {"apply": "Document.RetainageApply", "total": "CurrentDocument.CuryRetainageTotal",
                    "unreleased": "CurrentDocument.CuryRetainageUnreleasedAmt",
                    "line_amount": "Transactions.CuryRetainageAmt"}
RETAINAGE_DOCUMENT = "Document.IsRetainageDocument"
ORIGINAL_BILL = "Document.OrigRefNbr"
UNRELEASED_CHECKS = {"On Hold", "Balanced", "Voided", "Pending Approval", "Rejected", "Pending Print",
                     "Pending Processing"}


def matrix() -> CapabilityMatrix:
    """From seed 004 and the Procore/Acumatica mapping (reference §6)."""
    caps = [
        Capability("standard_cost_codes", False, True, "COST CODES",
                   export_note="Project WBS codes come from Acumatica cost codes"),
        Capability("cost_types", False, True, "ACCOUNT GROUPS",
                   export_note="Cost types are Acumatica account groups"),
        Capability("projects", True, True, "PROJECTS"),
        Capability("sub_jobs", True, True, "PROJECT TASKS"),
        Capability("vendors", True, True, "VENDORS"),
        Capability("budgets", True, True, "COST BUDGETS (ProjectBudget)"),
        Capability("budget_modifications", True, False, "COST BUDGET CHANGE ORDERS"),
        Capability("commitments", True, False, "SUBCONTRACTS & PURCHASE ORDERS"),
        Capability("commitment_change_orders", True, False, "CHANGE ORDERS (Commitments)"),
        Capability("prime_contracts", True, False, "REVENUE BUDGET (one summarized line)"),
        Capability("prime_contract_change_orders", True, False, "REVENUE BUDGET CHANGE ORDERS"),
        Capability("subcontractor_invoices", True, False,
                   "AP INVOICES (Bill; released retainage by ReleaseRetainage, as retainage documents)"),
        Capability("job_costs", False, True, "COSTS (budget actuals, project transactions)"),
        Capability("direct_costs", False, True, "COSTS (project transactions)"),
        Capability("commitment_payments", False, True, "PAID INVOICES (Check)"),
    ]
    limits = (
        Limit("prime_contracts", "number", "Contract #", "acumatica.prime_contract_number", max_length=7,
              pattern=r"[A-Za-z0-9]*", pattern_text="must be letters and digits only (7 at most) to sync to "
                                                   "Acumatica"),
        Limit("vendors", "name", "Vendor name", "acumatica.vendor_name_length", max_length=255),
    )
    return CapabilityMatrix("acumatica", "Acumatica", {c.object: c for c in caps}, limits, cost_code_delimiters="-")


class AcumaticaConnector(Connector):
    erp = "acumatica"
    title = "Acumatica"
    direct_cost_statuses = frozenset({"Approved"})

    def __init__(
        self,
        client: httpx.Client,
        *,
        tenant: str,
        name: str,
        password: str,
        site: str = "/acumatica",
        version: str = "24.200.001",
        accounts: dict[str, str] | None = None,
        default_task: str = "0000",
        default_cost_code: str = "00-000",
        revenue_group: str = "REVENUE",
        subcontract_order_type: str = "Subcontract",
        poll_interval: float = 1.0,
        max_polls: int = 60,
        sleep: Callable[[float], None] = time.sleep,
        retainage_fields: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.credentials = {"name": name, "password": password, "tenant": tenant}
        self.site = site.rstrip("/")
        self.base = f"{self.site}/entity/Default/{version}"
        self.matrix = matrix()
        # Procore cost type (account group) -> the expense account commitment and bill lines use.
        self.accounts = {k.upper(): v for k, v in (accounts or {}).items()}
        self.default_task = default_task
        self.default_cost_code = default_cost_code
        self.revenue_group = revenue_group
        self.subcontract_order_type = subcontract_order_type
        # "View.Field" of each bill retainage custom field, to follow a tenant's own customization.
        self.retainage_fields = dict(RETAINAGE_FIELDS, **(retainage_fields or {}))
        self.poll_interval = poll_interval
        self.max_polls = max_polls
        self.sleep = sleep
        self._signed_in = False

    def close(self) -> None:
        if self._signed_in:
            try:
                self.client.post(f"{self.site}/entity/auth/logout", headers={"content-length": "0"})
            except httpx.TransportError:
                pass
            self._signed_in = False

    # -- what the approver enters, and Acumatica's own rules ------------------------------------

    def accept_fields(self, object_name: str) -> tuple[AcceptField, ...]:
        if object_name == "projects":
            return (AcceptField("erp_job_id", "Acumatica Project ID", max_length=30, pattern=r"[^\s/|]+",
                                pattern_text="must have no spaces, '/' or '|'"),)
        if object_name == "vendors":
            return (AcceptField("erp_vendor_id", "ERP Vendor ID", max_length=30, pattern=r"[^\s/|]+",
                                pattern_text="must have no spaces, '/' or '|'"),)
        if object_name == "subcontractor_invoices":
            return (AcceptField("erp_invoice_id", "ERP ID (Vendor Ref.)", max_length=40, prefill="invoice_number"),
                    AcceptField("description", "Description", required=False),
                    AcceptField("accounting_date", "Accounting Date", prefill="=billing_date"))
        return ()

    def check_export(self, object_name: str, values: dict[str, Any]) -> list[tuple[str, str]]:
        out = []
        # Materials presently stored and their retainage are not sent, so such an invoice would send nothing.
        if object_name == "subcontractor_invoices" and not values.get("work_completed") and \
                values.get("retainage_released") and not values.get("work_retainage_released"):
            out.append(("acumatica.invoices.materials_retainage_release_only",
                        "invoices that only release materials retainage are not sent to Acumatica (materials "
                        "presently stored and their retainage are not sent there)"))
        return out

    # -- the wire ------------------------------------------------------------------------------------

    def _login(self) -> None:
        try:
            response = self.client.post(f"{self.site}/entity/auth/login", json=self.credentials)
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc
        if response.status_code == 204:
            self._signed_in = True
            return
        message = _http_error(response)
        if response.status_code == 429 or "API Login Limit" in message:
            raise TransientError(TransientError.RATE_LIMITED, message, retry_after=retry_after(response))
        if response.status_code >= 502:
            raise TransientError(TransientError.SERVER_ERROR, message)
        raise ErpRejected(f"sign-in refused: {message}")

    def _call(self, method: str, path: str, *, body: Any = None, params: dict[str, str] | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
        if method == "GET":
            return self.reading(path, lambda: self._call_once(method, path, body, params, headers))
        return self._call_once(method, path, body, params, headers)

    def _call_once(self, method: str, path: str, body: Any, params: dict[str, str] | None,
                   headers: dict[str, str] | None) -> httpx.Response:
        if not self._signed_in:
            self._login()
        try:
            response = self.client.request(method, f"{self.base}/{path}", json=body, params=params,
                                           headers=headers)
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc
        status = response.status_code
        if (status == 200 or _is_json(response)) and not _parses(response):
            # A 200 always carries the entity and errors come as JSON: an empty or cut-short body was lost
            # on the way, and the request may have run.
            raise TransientError(TransientError.LOST_RESPONSE, f"unreadable response (HTTP {status}): "
                                                               f"{response.text[:200]!r}")
        if status == 401:
            self._signed_in = False  # sign in again on the next call
            raise TransientError(TransientError.SESSION_EXPIRED, _http_error(response) or "HTTP 401")
        if status == 429:
            raise TransientError(TransientError.RATE_LIMITED, _http_error(response) or "HTTP 429",
                                 retry_after=retry_after(response))
        if status in (502, 503, 504) or (status >= 500 and not _is_json(response)):
            raise TransientError(TransientError.SERVER_ERROR, f"HTTP {status} from Acumatica: "
                                                              f"{response.text[:200].strip()}")
        if status == 412:
            # If-None-Match: * refused: the record is there already (an earlier try committed).
            raise TransientError(TransientError.LOST_RESPONSE, f"412 {_http_error(response)}")
        if status >= 400:
            body_json = _json(response)
            if status == 500 and NOT_FOUND_TYPE in str(body_json.get("exceptionType", "")):
                raise _Missing(_http_error(response))
            if status == 500 and "Another process has" in str(body_json.get("exceptionMessage", "")):
                # A record lock: the other process finishes and the same request then goes through.
                raise TransientError(TransientError.SERVER_ERROR, _http_error(response))
            if status == 422:
                raise ErpRejected(_entity_errors(body_json) or "422 Unprocessable Entity")
            raise ErpRejected(_http_error(response))
        return response

    def _get(self, entity: str, *keys: str, expand: str | None = None,
             custom: str | None = None) -> dict[str, Any] | None:
        path = "/".join([entity, *(quote(str(k), safe="") for k in keys)])
        params = {k: v for k, v in (("$expand", expand), ("$custom", custom)) if v}
        try:
            return _json(self._call("GET", path, params=params or None))
        except _Missing:
            return None

    def _list(self, entity: str, flt: str | None = None, expand: str | None = None,
              custom: str | None = None) -> list[dict[str, Any]]:
        params = {}
        if flt:
            params["$filter"] = flt
        if expand:
            params["$expand"] = expand
        if custom:
            params["$custom"] = custom
        response = self._call("GET", entity, params=params)
        rows = response.json()
        return rows if isinstance(rows, list) else []

    def _put(self, entity: str, body: dict[str, Any], *, insert_only: bool = False,
             expand: str | None = None) -> dict[str, Any]:
        headers = {"If-None-Match": "*"} if insert_only else None
        params = {"$expand": expand} if expand else None
        return _json(self._call("PUT", entity, body=_wrap(body), params=params, headers=headers))

    def _transition(self, ctx: ExportContext, what: str, act: Callable[[], None], done: Callable[[], bool]) -> None:
        """An action that moves a record on (release, leave hold), retried only while it has not happened:
        once it ran, Acumatica disables it, so a retry after a lost answer would be refused."""
        tries = 0

        def once() -> None:
            nonlocal tries
            tries += 1
            if tries > 1 and done():
                return
            act()

        ctx.call(what, once)

    def _action(self, entity: str, action: str, record: dict[str, Any], params: dict[str, Any] | None = None) -> None:
        body = {"entity": _wrap(record), "parameters": _wrap(params or {})}
        response = self._call("POST", f"{entity}/{action}", body=body)
        polls = 0
        while response.status_code == 202:
            location = response.headers.get("location")
            if not location or polls >= self.max_polls:
                raise TransientError(TransientError.SERVER_ERROR, f"{action} is still running in Acumatica")
            polls += 1
            self.sleep(self.poll_interval)
            try:
                response = self.client.get(location)
            except httpx.TransportError as exc:
                raise transport_error(exc) from exc
            transient = transient_status(response)
            if transient is not None:  # throttled or busy while polling: the action's own retry looks first
                raise transient
            if response.status_code >= 400:
                raise ErpRejected(f"{action}: {_http_error(response)}")

    # -- exports: projects, tasks, vendors ------------------------------------------------------

    def export_job(self, job: p.JobExport, ctx: ExportContext) -> p.Receipt:
        body = {"ProjectID": job.job_id, "Description": job.name, "Hold": False,
                "ProjectProperties": {"StartDate": _iso(job.start_date), "EndDate": _iso(job.completion_date)},
                "ProjectAddress": {"AddressLine1": job.address, "City": job.city, "State": job.state,
                                   "PostalCode": job.zip}}
        _, adopted = ctx.ensure(f"project {job.job_id}", lambda: _v(self._get("Project", job.job_id), "ProjectID"),
                                lambda: _v(self._put("Project", body, insert_only=True), "ProjectID"))
        self._task(job.job_id, self.default_task, "General", ctx, default=True)
        return p.Receipt(job.job_id, {"ProjectID": job.job_id}, adopted=adopted)

    def _task(self, project: str, task: str, description: str, ctx: ExportContext, *, default: bool = False) -> str:
        body = {"ProjectID": project, "ProjectTaskID": task, "Description": description}
        if default:
            body["Default"] = True
        return ctx.ensure_part(f"task {project}/{task}",
                               lambda: _v(self._get("ProjectTask", project, task), "ProjectTaskID"),
                               lambda: _v(self._put("ProjectTask", body, insert_only=True), "ProjectTaskID"),
                               look_first=True)

    def export_cost_codes(self, job_id: str, codes: tuple[p.CostCodeSpec, ...], ctx: ExportContext) -> dict[str, str]:
        # Acumatica keeps cost codes company-wide and budgets by task x cost code x account group; there is no
        # per-project list to add to. The codes must exist there already (they are imported from it).
        missing = [c.code for c in codes if self._get("CostCode", c.code) is None]
        if missing:
            raise ErpRejected(f"cost code(s) {', '.join(missing)} are not in Acumatica; cost codes are created there "
                              f"and imported")
        return {c.code: f"{job_id}:{c.code}" for c in codes}

    def export_sub_job(self, sub_job: p.SubJobExport, ctx: ExportContext) -> p.Receipt:
        body = {"ProjectID": sub_job.job_id, "ProjectTaskID": sub_job.code, "Description": sub_job.name}
        _, adopted = ctx.ensure(
            f"task {sub_job.job_id}/{sub_job.code}",
            lambda: _v(self._get("ProjectTask", sub_job.job_id, sub_job.code), "ProjectTaskID"),
            lambda: _v(self._put("ProjectTask", body, insert_only=True), "ProjectTaskID"))
        return p.Receipt(f"{sub_job.job_id}:{sub_job.code}", {"ProjectTaskID": sub_job.code}, adopted=adopted)

    def export_vendor(self, vendor: p.VendorExport, ctx: ExportContext) -> p.Receipt:
        body = {"VendorID": vendor.vendor_id, "VendorName": vendor.name, "LegalName": vendor.name,
                "Status": "Active",
                "MainContact": {"CompanyName": vendor.name, "DisplayName": vendor.name, "Email": vendor.email,
                                "Phone1": vendor.phone, "Phone1Type": "Business 1" if vendor.phone else None,
                                "Fax": vendor.fax, "WebSite": vendor.website,
                                "Address": {"AddressLine1": vendor.address, "City": vendor.city,
                                            "State": vendor.state, "PostalCode": vendor.zip}}}
        _, adopted = ctx.ensure(f"vendor {vendor.vendor_id}",
                                lambda: _v(self._get("Vendor", vendor.vendor_id), "VendorID"),
                                lambda: _v(self._put("Vendor", body, insert_only=True), "VendorID"))
        return p.Receipt(vendor.vendor_id, {"VendorID": vendor.vendor_id}, adopted=adopted)

    # -- budgets -------------------------------------------------------------------------------

    def _task_of(self, sub_job: str | None) -> str:
        return sub_job or self.default_task

    def export_budget(self, budget: p.BudgetExport, ctx: ExportContext) -> p.Receipt:
        job = budget.job_id
        if budget.origin_id is None:
            entered = ctx.call(f"cost budget of {job}", lambda: [
                r for r in self._list("ProjectBudget", f"ProjectID eq '{_q(job)}' and Type eq 'Expense'")
                if Decimal(str(_v(r, "OriginalBudgetedAmount") or 0)) != 0])
            if entered and not ctx.may_adopt:
                raise ErpRejected(f"project {job} already has a cost budget entered in Acumatica; a budget is set up "
                                  f"in one system and then synced to the other")
            ctx.before_create()
        lines = {}
        for line in budget.lines:
            task = self._task_of(line.sub_job)
            body = {"ProjectID": job, "ProjectTaskID": task, "AccountGroup": line.cost_type,
                    "CostCode": line.cost_code, "OriginalBudgetedAmount": line.amount,
                    "Description": line.description or f"{line.cost_code} {line.cost_type}"}
            # An upsert by key with absolute amounts: repeating it leaves the same budget.
            ctx.call(f"cost budget line {line.cost_code} {line.cost_type}",
                     lambda b=body: self._put("ProjectBudget", b))
            lines[line.line_id] = f"{job}:{task}:{line.cost_type}:{line.cost_code}"
        return p.Receipt(job, {"ProjectID": job}, lines)

    def _change_order(self, ctx: ExportContext, what: str, project: str, ref: str, body: dict[str, Any]) -> p.Receipt:
        """A change order found by its external reference or created, then released (it then counts)."""

        def find() -> str | None:
            rows = self._list("ChangeOrder", f"ProjectID eq '{_q(project)}' and ExternalRefNbr eq '{_q(ref)}'")
            return _v(rows[0], "RefNbr") if rows else None

        ref_nbr, adopted = ctx.ensure(what, find, lambda: _v(self._put("ChangeOrder", body), "RefNbr"))
        record = ctx.call(f"read {what}", lambda: self._get("ChangeOrder", ref_nbr)) or {}
        if _v(record, "Status") != "Closed":
            self._transition(ctx, f"release {what}",
                             lambda: self._action("ChangeOrder", "ReleaseChangeOrder", {"RefNbr": ref_nbr}),
                             lambda: _v(self._get("ChangeOrder", ref_nbr), "Status") == "Closed")
        return p.Receipt(str(ref_nbr), {"RefNbr": ref_nbr, "ExternalRefNbr": ref}, adopted=adopted)

    def export_budget_modification(self, mod: p.BudgetModificationExport, ctx: ExportContext) -> p.Receipt:
        ref = f"PROCORE-BM-{mod.modification_id}"
        body = {"ProjectID": mod.job_id, "Description": (mod.notes or "Budget modification")[:255],
                "ExternalRefNbr": ref, "ChangeDate": _iso(mod.date), "Hold": False,
                "CostBudget": [
                    {"ProjectTaskID": self._task_of(mod.from_sub_job), "AccountGroup": mod.from_cost_type,
                     "CostCode": mod.from_cost_code, "Amount": -mod.amount, "Description": "From"},
                    {"ProjectTaskID": self._task_of(mod.to_sub_job), "AccountGroup": mod.to_cost_type,
                     "CostCode": mod.to_cost_code, "Amount": mod.amount, "Description": "To"},
                ]}
        return self._change_order(ctx, f"budget change order {ref}", mod.job_id, ref, body)

    # -- prime contracts --------------------------------------------------------------------------

    def export_prime_contract(self, contract: p.PrimeContractExport, ctx: ExportContext) -> p.Receipt:
        total = sum((ln.amount for ln in contract.lines), ZERO)
        body = {"ProjectID": contract.job_id, "ProjectTaskID": self.default_task, "AccountGroup": self.revenue_group,
                "CostCode": self.default_cost_code, "OriginalBudgetedAmount": total,
                "Description": f"Prime contract {contract.number} {contract.title}".strip()[:255]}
        ctx.before_create()
        ctx.call(f"revenue budget of {contract.job_id}", lambda: self._put("ProjectBudget", body))
        origin = f"{contract.job_id}:{self.default_task}:{self.revenue_group}:{self.default_cost_code}"
        return p.Receipt(origin, {"ProjectID": contract.job_id}, notes=(
            f"the prime contract is one summarized revenue line of {total:,.2f}",))

    def export_pcco(self, pcco: p.PccoExport, ctx: ExportContext) -> p.Receipt:
        ref = f"PROCORE-PCCO-{pcco.contract_number}-{pcco.number}"
        lines = [{"ProjectTaskID": self.default_task, "AccountGroup": self.revenue_group,
                  "CostCode": self.default_cost_code, "Amount": ln.amount + ln.markup_amount,
                  "Description": (ln.description or f"{ln.cost_code} {ln.cost_type}")[:255]} for ln in pcco.lines]
        body = {"ProjectID": pcco.job_id, "Description": pcco.title[:255] or f"PCCO {pcco.number}",
                "DetailedDescription": pcco.description, "ExternalRefNbr": ref, "ChangeDate": _iso(pcco.date),
                "Hold": False, "RevenueBudget": lines}
        return self._change_order(ctx, f"revenue change order {ref}", pcco.job_id, ref, body)

    # -- commitments and change orders -------------------------------------------------------------------

    def _account(self, cost_type: str) -> str | None:
        account = self.accounts.get(cost_type.upper())
        if account:
            return account
        group = self._get("AccountGroup", cost_type)
        return _v(group, "DefaultAccountID") if group else None

    def export_commitment(self, commitment: p.CommitmentExport, ctx: ExportContext) -> p.Receipt:
        ref = f"{commitment.job_id}-{commitment.number}"
        subcontract = commitment.kind == "subcontract"
        entity = "Subcontract" if subcontract else "PurchaseOrder"
        accounts = {ct: self._account(ct) for ct in {ln.cost_type for ln in commitment.lines}}
        details = []
        for ln in commitment.lines:
            row: dict[str, Any] = {
                "Project": commitment.job_id, ("Task" if subcontract else "ProjectTask"): self._task_of(ln.sub_job),
                "CostCode": ln.cost_code, "LineDescription": ln.description or None, "Account": accounts[ln.cost_type],
                "UOM": ln.uom}
            if ln.quantity is not None and ln.unit_cost is not None:
                row.update(OrderQty=ln.quantity, UnitCost=ln.unit_cost)
            else:
                row.update(OrderQty=Decimal(1), UnitCost=ln.amount)
            details.append(row)
        body: dict[str, Any] = {"VendorID": commitment.vendor_id, "Date": _iso(commitment.date),
                                "Description": commitment.title or None, "VendorRef": ref, "Details": details}
        if subcontract:
            body.update(ApplyRetainage=commitment.retainage_percent > 0, RetainagePct=commitment.retainage_percent)
        else:
            body.update(Type="Normal", Hold=False)
        number_field = "SubcontractNbr" if subcontract else "OrderNbr"

        def find() -> str | None:
            rows = self._list(entity, f"VendorID eq '{_q(commitment.vendor_id)}' and VendorRef eq '{_q(ref)}'")
            return _v(rows[0], number_field) if rows else None

        number, adopted = ctx.ensure(f"{entity} {ref}", find,
                                     lambda: _v(self._put(entity, body, expand="Details"), number_field))
        keys = (number,) if subcontract else ("Normal", number)
        record = ctx.call(f"read {entity} {number}", lambda: self._get(entity, *keys, expand="Details")) or {}
        if subcontract and _v(record, "Status") == "On Hold":
            # The Subcontract contract has no Hold field; the document leaves hold by action.
            self._transition(ctx, f"release {entity} {number} from hold",
                             lambda: self._action(entity, "ReleaseFromHold", {"SubcontractNbr": number}),
                             lambda: _v(self._get(entity, *keys), "Status") != "On Hold")
        rows = sorted(record.get("Details", []), key=lambda r: int(_v(r, "LineNbr") or 0))
        lines = {ln.line_id: f"{number}:{_v(row, 'LineNbr')}" for ln, row in zip(commitment.lines, rows)}
        return p.Receipt(str(number), {"entity": entity, "number": number, "VendorRef": ref}, lines,
                         adopted=adopted)

    def export_change_order(self, cco: p.ChangeOrderExport, ctx: ExportContext) -> p.Receipt:
        number = cco.commitment_origin_data.get("number") or cco.commitment_origin_id
        subcontract = cco.commitment_kind == "subcontract"
        po_type = self.subcontract_order_type if subcontract else "Normal"
        ref = f"PROCORE-CCO-{cco.commitment_origin_id}-{cco.number}"
        accounts = {ct: self._account(ct) for ct in {ln.cost_type for ln in cco.lines}}
        rows = []
        for ln in cco.lines:
            row: dict[str, Any] = {"PONbr": number, "POType": po_type, "ProjectTaskID": self._task_of(ln.sub_job),
                                   "CostCode": ln.cost_code, "Description": ln.description or None,
                                   "Account": accounts[ln.cost_type], "UOM": ln.uom}
            if ln.commitment_line_origin:
                row["POLineNbr"] = int(ln.commitment_line_origin.split(":")[1])
            if ln.quantity is not None and ln.unit_cost is not None:
                row.update(Qty=ln.quantity, UnitCost=ln.unit_cost)
            else:
                row["Amount"] = ln.amount
            rows.append(row)
        body = {"ProjectID": cco.job_id, "Description": cco.title[:255] or f"CCO {cco.number}",
                "DetailedDescription": cco.description, "ExternalRefNbr": ref, "ChangeDate": _iso(cco.export_date),
                "Hold": False, "Commitments": rows}
        return self._change_order(ctx, f"change order {ref}", cco.job_id, ref, body)

    # -- subcontractor invoices ------------------------------------------------------------------------

    def export_invoice(self, invoice: p.InvoiceExport, ctx: ExportContext) -> p.Receipt:
        number = invoice.commitment_origin_data.get("number") or invoice.commitment_origin_id
        po_type = self.subcontract_order_type if invoice.commitment_kind == "subcontract" else "Normal"
        notes = []
        if sum((ln.materials_presently_stored for ln in invoice.lines), ZERO):
            notes.append("materials presently stored and their retainage were not sent (Acumatica rule)")
        materials_released = invoice.retainage_released - invoice.work_retainage_released
        if materials_released:
            notes.append(f"materials retainage release of {materials_released:,.2f} was not sent (Acumatica rule)")
        release = _Release(self, invoice, po_type, str(number), ctx) if invoice.work_retainage_released else None
        if release is not None:
            # Refuse before anything is written when the earlier bills cannot give what Procore releases.
            ctx.call(f"retainage held on the bills of {number}", release.look)
            if not invoice.work_completed_this_period:
                # Only a release: Acumatica's retainage documents are the invoice's record there.
                documents, adopted = ctx.ensure(f"retainage release {invoice.erp_invoice_id}", release.find,
                                                release.create)
                return release.receipt(documents, tuple(notes), adopted)
        ref_nbr, adopted = self._bill(invoice, po_type, str(number), ctx)
        origin_data: dict[str, Any] = {"Type": "Bill", "ReferenceNbr": ref_nbr, "VendorRef": invoice.erp_invoice_id}
        if release is not None:
            documents = ctx.ensure_part(f"retainage release {invoice.erp_invoice_id}", release.find, release.create,
                                        look_first=True)
            origin_data["RetainageDocuments"] = [_v(d, "ReferenceNbr") for d in documents]
            notes.append(release.note(documents))
        record = ctx.call(f"read bill {ref_nbr}", lambda: self._get("Bill", "Bill", ref_nbr, expand="Details")) or {}
        rows = sorted(record.get("Details", []), key=lambda r: _v(r, "rowNumber") or 0)
        lines = {ln.line_id: f"Bill:{ref_nbr}:{i}" for i, (ln, _) in enumerate(zip(invoice.lines, rows), start=1)}
        return p.Receipt(str(ref_nbr), origin_data, lines, tuple(notes), adopted)

    def _bill(self, invoice: p.InvoiceExport, po_type: str, number: str, ctx: ExportContext) -> tuple[str, bool]:
        """The bill for the work completed this period, on hold, found by its Vendor Ref. or created."""
        details = []
        for ln in invoice.lines:
            # Materials presently stored and their retainage are not sent to Acumatica.
            row: dict[str, Any] = {"POOrderType": po_type, "POOrderNbr": number,
                                   "Amount": ln.work_completed_this_period,
                                   "TransactionDescription": ln.description or None, "Project": invoice.job_id,
                                   "ProjectTask": self._task_of(ln.sub_job), "CostCode": ln.cost_code,
                                   "custom": self._custom_field("line_amount", "CustomDecimalField",
                                                                ln.work_retainage_this_period)}
            if ln.commitment_line_origin:
                row["POLine"] = int(ln.commitment_line_origin.split(":")[1])
            details.append(row)
        body = {"Type": "Bill", "Vendor": invoice.vendor_id, "VendorRef": invoice.erp_invoice_id,
                "Date": _iso(invoice.billing_date), "PostPeriod": invoice.accounting_date.strftime("%m%Y"),
                "Description": invoice.description or f"Procore invoice {invoice.invoice_number}",
                "Project": invoice.job_id, "Hold": True, "Details": details,
                "custom": self._custom_field("apply", "CustomBooleanField", invoice.retainage_this_period > 0)}

        def find() -> str | None:
            rows = self._list("Bill", f"Vendor eq '{_q(invoice.vendor_id)}' and VendorRef eq "
                                      f"'{_q(invoice.erp_invoice_id)}' and Type eq 'Bill'", custom=RETAINAGE_DOCUMENT)
            # A retainage document carries its original's Vendor Ref.; it is not the bill.
            rows = [r for r in rows if not _custom_value(r, RETAINAGE_DOCUMENT)]
            return _v(rows[0], "ReferenceNbr") if rows else None

        ref_nbr, adopted = ctx.ensure(f"bill {invoice.erp_invoice_id}", find,
                                      lambda: _v(_put_raw(self, "Bill", body), "ReferenceNbr"))
        return str(ref_nbr), adopted

    def _custom_field(self, role: str, kind: str, value: Any) -> dict[str, Any]:
        view, _, name = self.retainage_fields[role].partition(".")
        return {view: {name: {"type": kind, "value": value}}}

    def commitment_bills(self, vendor: str, po_type: str, number: str) -> tuple[list[dict[str, Any]],
                                                                                list[dict[str, Any]]]:
        """The commitment's bills, oldest first, and the retainage documents raised from them."""
        fields = self.retainage_fields
        custom = ",".join((fields["apply"], fields["total"], fields["unreleased"], RETAINAGE_DOCUMENT, ORIGINAL_BILL))
        rows = self._list("Bill", f"Vendor eq '{_q(vendor)}' and Type eq 'Bill'", expand="Details", custom=custom)
        bills, documents = [], []
        for row in rows:
            if _custom_value(row, RETAINAGE_DOCUMENT):
                documents.append(row)
            elif any(_v(d, "POOrderNbr") == number and str(_v(d, "POOrderType") or "").casefold() ==
                     po_type.casefold() for d in row.get("Details") or []):
                bills.append(row)
        bills.sort(key=lambda r: (str(_v(r, "Date") or ""), str(_v(r, "ReferenceNbr"))))
        refs = {_v(b, "ReferenceNbr") for b in bills}
        documents = sorted((d for d in documents if _custom_value(d, ORIGINAL_BILL) in refs),
                           key=lambda r: str(_v(r, "ReferenceNbr")))
        return bills, documents

    # -- existence (unlink) ------------------------------------------------------------------------------

    def exists(self, object_name: str, origin_id: str, origin_data: dict[str, Any]) -> bool:
        if object_name == "vendors":
            return self._get("Vendor", origin_id) is not None
        if object_name == "projects":
            return self._get("Project", origin_id) is not None
        if object_name == "commitments":
            entity = origin_data.get("entity", "Subcontract")
            keys = (origin_id,) if entity == "Subcontract" else ("Normal", origin_id)
            return self._get(entity, *keys) is not None
        if object_name in ("commitment_change_orders", "prime_contract_change_orders"):
            return self._get("ChangeOrder", origin_id) is not None
        if object_name == "subcontractor_invoices":
            return self._get("Bill", "Bill", origin_id) is not None
        raise ErpRejected(f"cannot look up {object_name} in Acumatica")

    # -- imports ---------------------------------------------------------------------------------------

    def fetch_cost_codes(self) -> list[p.ErpCostCode]:
        return [p.ErpCostCode(_v(r, "CostCodeID"), _v(r, "Description") or _v(r, "CostCodeID"))
                for r in self._list("CostCode")]

    def fetch_cost_types(self) -> list[p.ErpCostType]:
        out = []
        for r in self._list("AccountGroup"):
            if _v(r, "Type") != "Expense" or _v(r, "Active") is False:
                continue
            code = _v(r, "AccountGroupID")
            out.append(p.ErpCostType(code, _v(r, "Description") or code, _base_type(code)))
        return out

    def _budget(self, project: str, kind: str = "Expense") -> list[dict[str, Any]]:
        return self._list("ProjectBudget", f"ProjectID eq '{_q(project)}' and Type eq '{kind}'")

    def fetch_jobs(self) -> list[p.ErpJob]:
        out = []
        for r in self._list("Project", expand="ProjectProperties,ProjectAddress"):
            if _v(r, "Status") in ("Canceled", "Closed"):
                continue
            project = _v(r, "ProjectID")
            props, address = r.get("ProjectProperties") or {}, r.get("ProjectAddress") or {}
            codes: dict[str, set[str]] = defaultdict(set)
            names: dict[str, str] = {}
            for line in self._budget(project):
                if _v(line, "ProjectTaskID") == self.default_task:
                    codes[_v(line, "CostCode")].add(_v(line, "AccountGroup"))
                    names.setdefault(_v(line, "CostCode"), _v(line, "Description") or "")
            out.append(p.ErpJob(project, _v(r, "Description") or project, _v(address, "AddressLine1"),
                                _v(address, "City"), _v(address, "State"), _v(address, "PostalCode"),
                                _date(_v(props, "StartDate")), _date(_v(props, "EndDate")),
                                tuple(p.ErpCostCode(c, names.get(c, c), tuple(sorted(t))) for c, t in codes.items())))
        return out

    def fetch_sub_jobs(self, job_id: str) -> list[p.ErpSubJob]:
        tasks = [t for t in self._list("ProjectTask", f"ProjectID eq '{_q(job_id)}'")
                 if _v(t, "ProjectTaskID") != self.default_task and not _v(t, "Default")]
        budget = self._budget(job_id)
        out = []
        for task in tasks:
            code = _v(task, "ProjectTaskID")
            codes: dict[str, set[str]] = defaultdict(set)
            for line in budget:
                if _v(line, "ProjectTaskID") == code:
                    codes[_v(line, "CostCode")].add(_v(line, "AccountGroup"))
            out.append(p.ErpSubJob(job_id, code, _v(task, "Description") or code,
                                   tuple(p.ErpCostCode(c, c, tuple(sorted(t))) for c, t in codes.items())))
        return out

    def fetch_vendors(self) -> list[p.ErpVendor]:
        out = []
        for r in self._list("Vendor", expand="MainContact,MainContact/Address"):
            contact = r.get("MainContact") or {}
            address = contact.get("Address") or {}
            out.append(p.ErpVendor(_v(r, "VendorID"), _v(r, "VendorName") or _v(r, "VendorID"),
                                   _v(address, "AddressLine1"), _v(address, "City"), _v(address, "State"),
                                   _v(address, "PostalCode"), _v(contact, "Phone1"), _v(contact, "Fax"),
                                   _v(contact, "Email"), _v(contact, "WebSite"), _v(r, "Status") == "Active"))
        return out

    def fetch_budget(self, job_id: str) -> p.ErpBudget | None:
        lines = []
        for line in self._budget(job_id):
            amount = Decimal(str(_v(line, "OriginalBudgetedAmount") or 0))
            task = _v(line, "ProjectTaskID")
            lines.append(p.ErpBudgetLine(_v(line, "CostCode"), _v(line, "AccountGroup"), amount,
                                         None if task == self.default_task else task, _v(line, "Description") or ""))
        return p.ErpBudget(job_id, tuple(lines), {"ProjectID": job_id}) if lines else None

    def _transactions(self, job_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(header, detail) of every project transaction posted to the project."""
        out = []
        for trx in self._list("ProjectTransaction", expand="Details"):
            for detail in trx.get("Details") or []:
                if str(_v(detail, "Project") or "").upper() == job_id.upper():
                    out.append((trx, detail))
        return out

    def fetch_job_costs(self, job_id: str, today: dt.date) -> list[p.ErpJobCost]:
        mtd: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for trx, detail in self._transactions(job_id):
            if _v(trx, "Status") != "Released":
                continue
            when = _date(_v(detail, "Date"))
            if when is not None and (when.year, when.month) == (today.year, today.month):
                key = (_v(detail, "ProjectTask"), _v(detail, "CostCode"), _v(detail, "AccountGroup"))
                mtd[key] += Decimal(str(_v(detail, "Amount") or 0))
        out = []
        for line in self._budget(job_id):
            task, code, group = _v(line, "ProjectTaskID"), _v(line, "CostCode"), _v(line, "AccountGroup")
            actual = Decimal(str(_v(line, "ActualAmount") or 0))
            invoiced = Decimal(str(_v(line, "CommittedInvoicedAmount") or 0))
            month = mtd.get((task, code, group), Decimal(0))
            if not actual and not invoiced and not month:
                continue
            out.append(p.ErpJobCost(code, group, _q2(actual), _q2(month), _q2(invoiced),
                                    sub_job=None if task == self.default_task else task))
        return out

    def fetch_cost_transactions(self, job_id: str) -> list[p.ErpCostTransaction]:
        grouped: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
        for trx, detail in self._transactions(job_id):
            grouped[_v(trx, "ReferenceNbr")].append((trx, detail))
        out = []
        for ref, rows in grouped.items():
            trx = rows[0][0]
            module = _v(trx, "Module") or "PM"
            first = rows[0][1]
            kind = "invoice" if module == "AP" else "payroll" if _v(first, "Employee") else "expense"
            out.append(p.ErpCostTransaction(
                f"PM:{ref}", kind, "Approved" if _v(trx, "Status") == "Released" else _v(trx, "Status") or "",
                _date(_v(first, "Date")) or dt.date.today(),
                tuple(p.ErpCostTransactionLine(_v(d, "CostCode") or "", _v(d, "AccountGroup") or "",
                                               Decimal(str(_v(d, "Amount") or 0)), _v(d, "Description") or "",
                                               None if _v(d, "ProjectTask") == self.default_task
                                               else _v(d, "ProjectTask")) for _, d in rows),
                vendor_id=_v(first, "VendorOrCustomer") if module == "AP" else None,
                invoice_number=_v(trx, "OriginalDocNbr") if module == "AP" else None,
                description=_v(trx, "Description") or ""))
        return out

    def fetch_payments(self, invoice_origins: dict[str, dict[str, Any]]) -> list[p.ErpPayment]:
        if not invoice_origins:
            return []
        # A bill, or a retainage document an invoice's release raised -> the invoice's origin.
        owner = {}
        for origin, data in invoice_origins.items():
            owner[origin] = origin
            for ref in data.get("RetainageDocuments") or ():
                owner[str(ref)] = origin
        bills = {ref: self._get("Bill", "Bill", ref) for ref in invoice_origins}
        vendors = {_v(b, "Vendor") for b in bills.values() if b}
        out = []
        for vendor in sorted(v for v in vendors if v):
            for check in self._list("Check", f"Vendor eq '{_q(vendor)}'", expand="Details"):
                if _v(check, "Status") in UNRELEASED_CHECKS:
                    continue
                for detail in check.get("Details") or []:
                    ref = _v(detail, "ReferenceNbr")
                    if _v(detail, "DocType") == "Bill" and ref in owner:
                        origin = owner[ref]
                        number = invoice_origins[origin].get("VendorRef") or _v(bills.get(origin), "VendorRef")
                        out.append(p.ErpPayment(
                            f"{_v(check, 'Type')}:{_v(check, 'ReferenceNbr')}:{ref}", origin,
                            Decimal(str(_v(detail, "AmountPaid") or 0)),
                            _date(_v(check, "ApplicationDate")) or dt.date.today(),
                            check_number=_v(check, "PaymentRef"), invoice_number=number,
                            payment_method=_v(check, "PaymentMethod")))
        return out


class _Missing(ErpRejected):
    """No entity satisfies the condition."""


class _Release:
    """One invoice's retainage release, measured against the commitment's earlier bills before every action.

    Procore's figure is the work retainage its other synced invoices of the commitment still hold, less this
    release. Acumatica must end holding exactly that on their bills, so what is released is what they hold
    beyond it: a retry after a lost response, or a resend, finds the release made and does not make it again.
    """

    def __init__(self, conn: AcumaticaConnector, invoice: p.InvoiceExport, po_type: str, number: str,
                 ctx: ExportContext) -> None:
        self.conn, self.invoice, self.po_type, self.number, self.ctx = conn, invoice, po_type, number, ctx
        self.amount = invoice.work_retainage_released
        self.target = invoice.synced_work_retainage_held - self.amount
        self.seen: set[str] | None = None
        """Retainage documents that were there before this export acted."""
        self.sent = False
        self.todo = ZERO
        self.bills: list[dict[str, Any]] = []
        self.documents: list[dict[str, Any]] = []

    def _unreleased(self, bill: dict[str, Any]) -> Decimal:
        return _q2(Decimal(str(_custom_value(bill, self.conn.retainage_fields["unreleased"]) or 0)))

    def look(self) -> Decimal:
        """Read the bills back; what is still to release, or a refusal when they cannot give it."""
        bills, self.documents = self.conn.commitment_bills(self.invoice.vendor_id, self.po_type, self.number)
        if self.seen is None:
            self.seen = {_v(d, "ReferenceNbr") for d in self.documents}
        # This invoice's own bill (work this period) holds retainage that is not released now.
        self.bills = [b for b in bills if _v(b, "VendorRef") != self.invoice.erp_invoice_id]
        held = sum((self._unreleased(b) for b in self.bills), ZERO)
        todo = held - self.target
        before = self.invoice.synced_work_retainage_held
        facts = (f"Acumatica holds {held:,.2f} of retainage on the bills of {self.number}, while Procore's other "
                 f"synced invoices of it hold {before:,.2f}")
        if todo > self.amount:
            raise ErpRejected(f"{facts}: releasing {self.amount:,.2f} would leave more there than Procore's "
                              f"{self.target:,.2f}; bring the two to the same retainage held first")
        if todo < self.amount and not (self.ctx.resuming or self.sent):
            raise ErpRejected(f"{facts}: releasing {self.amount:,.2f} would leave less there than Procore's "
                              f"{self.target:,.2f} (was retainage released there by hand?); bring the two to the "
                              f"same retainage held first")
        self.todo = max(todo, ZERO)
        ready = sum((self._unreleased(b) for b in self.bills if _v(b, "Status") in RELEASED_BILLS), ZERO)
        if ready < self.todo:
            waiting = ", ".join(f"{_v(b, 'ReferenceNbr')} ({_v(b, 'VendorRef')}, {_v(b, 'Status')})"
                                for b in self.bills if _v(b, "Status") not in RELEASED_BILLS and self._unreleased(b))
            raise ErpRejected(f"retainage is released from released bills only, and those of {self.number} hold "
                              f"{ready:,.2f} of the {self.todo:,.2f} to release; release bill {waiting} in Acumatica "
                              f"first")
        return self.todo

    def find(self) -> tuple[dict[str, Any], ...] | None:
        return None if self.look() > 0 else self.mine()

    def create(self) -> tuple[dict[str, Any], ...]:
        left = self.todo
        params: dict[str, Any] = {"Date": _iso(self.invoice.billing_date),
                                  "PostPeriod": self.invoice.accounting_date.strftime("%m%Y")}
        for bill in self.bills:  # oldest first
            unreleased = self._unreleased(bill)
            if left <= 0:
                break
            if _v(bill, "Status") not in RELEASED_BILLS or unreleased <= 0:
                continue
            amount = min(unreleased, left)
            # Without an amount Acumatica releases everything still held, line by line.
            these = dict(params, AmtToRelease=amount) if amount < unreleased else params
            self.sent = True
            self.conn._action("Bill", "ReleaseRetainage", {"Type": "Bill", "ReferenceNbr": _v(bill, "ReferenceNbr")},
                              these)
            left -= amount
        _, self.documents = self.conn.commitment_bills(self.invoice.vendor_id, self.po_type, self.number)
        return self.mine()

    def mine(self) -> tuple[dict[str, Any], ...]:
        """This invoice's retainage documents: made by this export, carrying its Vendor Ref., or, when resuming
        an earlier attempt, left untouched with its date."""
        own = self.invoice.erp_invoice_id
        seen = self.seen or set()
        originals = {_v(b, "ReferenceNbr"): _v(b, "VendorRef") for b in self.bills}
        day = _iso(self.invoice.billing_date) or ""
        out = []
        for doc in self.documents:
            untouched = _v(doc, "VendorRef") == originals.get(_custom_value(doc, ORIGINAL_BILL))
            if _v(doc, "VendorRef") == own or _v(doc, "ReferenceNbr") not in seen or (
                    self.ctx.resuming and untouched and str(_v(doc, "Date") or "").startswith(day)):
                out.append(doc)
        return tuple(out)

    def note(self, documents: tuple[dict[str, Any], ...]) -> str:
        made = ", ".join(f"{_v(d, 'ReferenceNbr')} (from bill {_custom_value(d, ORIGINAL_BILL)})" for d in documents)
        text = f"released {self.amount:,.2f} of retainage in Acumatica: retainage document {made or '(none found)'}"
        return text if self.sent else text + "; found there from an earlier attempt, not released again"

    def receipt(self, documents: tuple[dict[str, Any], ...], notes: tuple[str, ...], adopted: bool) -> p.Receipt:
        """A release-only invoice: linked to its retainage documents, which take its Vendor Ref."""
        if not documents:
            raise ErpRejected(f"the retainage of invoice {self.invoice.invoice_number} is released in Acumatica, "
                              f"but no retainage document there can be told to be its own")
        own = self.invoice.erp_invoice_id
        for doc in documents:
            ref = _v(doc, "ReferenceNbr")
            # A released document cannot be edited; it keeps its original's Vendor Ref.
            if _v(doc, "VendorRef") != own and _v(doc, "Status") not in RELEASED_BILLS:
                self.ctx.call(f"Vendor Ref. of retainage document {ref}", lambda r=ref: self.conn._put(
                    "Bill", {"Type": "Bill", "ReferenceNbr": r, "VendorRef": own}))
        refs = [str(_v(d, "ReferenceNbr")) for d in documents]
        rows = [(ref, i, row) for ref, d in zip(refs, documents)
                for i, row in enumerate(sorted(d.get("Details") or [], key=lambda r: _v(r, "rowNumber") or 0),
                                        start=1)]
        lines, used = {}, set()
        for ln in self.invoice.lines:
            if not ln.work_retainage_released:
                continue
            task = self.conn._task_of(ln.sub_job)
            for ref, i, row in rows:
                if (ref, i) not in used and _v(row, "CostCode") == ln.cost_code and _v(row, "ProjectTask") == task:
                    used.add((ref, i))
                    lines[ln.line_id] = f"Bill:{ref}:{i}"
                    break
        data = {"Type": "Bill", "ReferenceNbr": refs[0], "VendorRef": own, "RetainageDocuments": refs}
        return p.Receipt(refs[0], data, lines, notes + (self.note(documents),), adopted)


def _put_raw(conn: AcumaticaConnector, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    # Bodies carrying ``custom`` blocks are wrapped except for those blocks, which have their own shape.
    custom = body.pop("custom", None)
    rows_custom = [row.pop("custom", None) for row in body.get("Details", [])]
    wrapped = _wrap(body)
    if custom is not None:
        wrapped["custom"] = _plain(custom)
    for row, extra in zip(wrapped.get("Details", []), rows_custom):
        if extra is not None:
            row["custom"] = _plain(extra)
    return _json(conn._call("PUT", entity, body=wrapped, params={"$expand": "Details"}))


def _wrap(values: dict[str, Any]) -> dict[str, Any]:
    """Contract JSON: every field as ``{"value": x}``; linked entities as objects; details as arrays."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            inner = _wrap(value)
            if inner:
                out[key] = inner
        elif isinstance(value, list):
            out[key] = [_wrap(v) for v in value]
        else:
            out[key] = {"value": _plain(value)}
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _v(record: dict[str, Any] | None, name: str) -> Any:
    if not record:
        return None
    field = record.get(name)
    if isinstance(field, dict):
        return field.get("value")
    return field


def _custom_value(record: dict[str, Any] | None, path: str) -> Any:
    """A custom field's value read back with ``$custom=View.Field``."""
    view, _, name = path.partition(".")
    field = ((record or {}).get("custom") or {}).get(view, {}).get(name)
    return field.get("value") if isinstance(field, dict) else field


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _parses(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _http_error(response: httpx.Response) -> str:
    body = _json(response)
    if body:
        parts = [str(body.get(k)) for k in ("exceptionMessage", "message") if body.get(k)]
        state = body.get("modelState")
        if isinstance(state, dict):
            parts.extend(f"{k}: {'; '.join(v)}" for k, v in state.items() if isinstance(v, list))
        if parts:
            # "An error has occurred." says little; put the specific message first.
            return " - ".join(dict.fromkeys(parts))
    return f"HTTP {response.status_code}: {response.text[:200].strip()}"


def _entity_errors(node: Any, path: str = "") -> str:
    """Every ``error`` in a 422 echo, with where it sits (``Details[1].Project: ...``)."""
    found: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("error"), str):
                found.append(f"{where}: {value['error']}" if where else value["error"])
            for key, inner in value.items():
                if key in ("error", "_links", "custom"):
                    continue
                walk(inner, f"{where}.{key}" if where else key)
        elif isinstance(value, list):
            for i, inner in enumerate(value, start=1):
                walk(inner, f"{where}[{i}]")

    walk(node, path)
    return "; ".join(found)


def _q(value: str) -> str:
    return str(value).replace("'", "''")


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _base_type(code: str) -> str:
    name = code.casefold()
    for word, base in (("labor", "labor"), ("material", "materials"), ("equip", "equipment"), ("sub", "commitment")):
        if word in name:
            return base
    return "other"

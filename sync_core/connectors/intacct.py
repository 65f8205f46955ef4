"""Sage Intacct connector: the XML Web Services gateway (API 3.0), over HTTP only.

Everything goes to one URL as ``POST`` XML: a session from ``getAPISession``,
then generic ``create``/``update``/``read``/``readByName``/``query`` plus the
legacy ``create_potransaction`` for purchasing documents.

Exactly once: every create is looked up first (``readByName`` on the ID, or a
``query``), and is sent with ``<uniqueid>true</uniqueid>`` and a function
``controlid`` derived from the item's export token, so the gateway itself
refuses to run a repeated create whose first try committed.

Mapping (seed 001): project -> PROJECT + TASK per cost code + COSTTYPE per cost
type; sub job -> child PROJECT; company -> VENDOR; budget -> PJESTIMATE entries
``WFTYPE=original`` ($0 lines left out); budget modification -> ``revision``
entries (negative from, positive to); commitment -> PODOCUMENT ``Subcontract`` /
``Purchase Order``; CCO -> the change-order definition with
``relateddockey``/``relateddoclinekey``; prime contract -> PROJECTCONTRACT and
lines; PCCO -> PROJECTCHANGEORDER + CHANGEREQUEST; subcontractor invoice ->
APBILL with ``TRX_AMOUNTRETAINED`` (and an APRETAINAGERELEASE for released
retainage); payments <- APPYMT details; job costs and direct costs <- posted
bill lines and journal lines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import httpx
from lxml import etree

from sync_core import payloads as p
from sync_core.capabilities import Capability, CapabilityMatrix, Limit
from sync_core.connectors.base import (
    AcceptField,
    Connector,
    ExportContext,
    transient_status,
    transport_error,
)
from sync_core.delivery import ErpRejected, TransientError

PATH = "/ia/xml/xmlgw.phtml"
ZERO = Decimal("0.00")
Elem = etree._Element


def matrix(*, prime_contracts: bool = True) -> CapabilityMatrix:
    """From seeds 000/001. Prime contracts follow the detailed mapping (001); the older feature map (000) lists
    them as unsupported, so ``prime_contracts=False`` restores that."""
    pc_note = "" if prime_contracts else "This company's Sage Intacct integration does not sync prime contracts"
    caps = [
        Capability("standard_cost_codes", False, True, "COST CODES (TASKS)",
                   export_note="New cost codes must be created in Sage Intacct and imported"),
        Capability("cost_types", False, True, "STANDARD COST TYPES / CATEGORIES",
                   export_note="Cost types come from Sage Intacct's standard cost types"),
        Capability("projects", True, True, "JOBS (PROJECT)"),
        Capability("sub_jobs", True, True, "SUB JOBS (child PROJECT)"),
        Capability("vendors", True, True, "AP VENDORS (VENDOR)"),
        Capability("budgets", True, True, "JOB ESTIMATE (PJESTIMATE, original)"),
        Capability("budget_modifications", True, False, "REVISION (PJESTIMATE entries)"),
        Capability("commitments", True, False, "PURCHASING (PODOCUMENT)",
                   import_note="Importing commitments from Sage Intacct into a Procore project is not supported"),
        Capability("commitment_change_orders", True, False, "COMMITMENT CHANGE ORDERS (PODOCUMENT)"),
        Capability("prime_contracts", prime_contracts, False, "PROJECT CONTRACT", export_note=pc_note),
        Capability("prime_contract_change_orders", prime_contracts, False, "PROJECT CHANGE ORDER / CHANGE REQUEST",
                   export_note=pc_note),
        Capability("subcontractor_invoices", True, False, "BILLS (APBILL)"),
        Capability("job_costs", False, True, "COSTS"),
        Capability("direct_costs", False, True, "JOB COST TRANSACTIONS (bills, journal entries)"),
        Capability("commitment_payments", False, True, "BILL PAYMENTS (APPYMT)"),
    ]
    limits = (
        Limit("vendors", "name", "Vendor name", "intacct.vendor_name_length", max_length=100),
        Limit("projects", "name", "Project name", "intacct.project_name_length", max_length=200),
    )
    return CapabilityMatrix("intacct", "Sage Intacct", {c.object: c for c in caps}, limits,
                            cost_code_delimiters="-./")


class IntacctConnector(Connector):
    erp = "intacct"
    title = "Sage Intacct"
    direct_cost_statuses = frozenset({"Approved"})

    def __init__(
        self,
        client: httpx.Client,
        *,
        sender_id: str,
        sender_password: str,
        company_id: str,
        user_id: str,
        user_password: str,
        url: str = PATH,
        prime_contracts: bool = True,
        definitions: dict[str, tuple[str, str]] | None = None,
        default_items: dict[str, str] | None = None,
        payroll_journals: Iterable[str] = ("PRJ", "PR", "PAYROLL"),
        bill_due_days: int = 30,
        contract_account: str = "4000",
        contract_item: str = "BILLING",
        change_request_status: str = "Approved",
    ) -> None:
        self.client = client
        self.credentials = (sender_id, sender_password, company_id, user_id, user_password)
        self.url = url
        self.matrix = matrix(prime_contracts=prime_contracts)
        # Procore commitment type -> (source definition, change-order definition) in Intacct.
        self.definitions = definitions or {"subcontract": ("Subcontract", "Subcontract Change Order"),
                                           "purchase_order": ("Purchase Order", "PO Change Order")}
        # Line items need an Item; the cost type's ITEMID wins, these are the fallbacks.
        self.default_items = default_items or {"subcontract": "SUBCONTRACT", "purchase_order": "MATERIAL"}
        self.payroll_journals = {j.upper() for j in payroll_journals}
        self.bill_due_days = bill_due_days
        self.contract_account = contract_account
        self.contract_item = contract_item
        self.change_request_status = change_request_status
        self._session: str | None = None
        self._endpoint: str = url

    # -- what the approver enters ----------------------------------------------------

    def accept_fields(self, object_name: str) -> tuple[AcceptField, ...]:
        if object_name == "projects":
            return (AcceptField("erp_job_id", "Sage Job ID", max_length=20, pattern=r"[^\s,|]+",
                                pattern_text="must not contain spaces, commas or '|'"),)
        if object_name == "vendors":
            return (AcceptField("erp_vendor_id", "ERP Vendor ID", max_length=20, pattern=r"[^\s,|]+",
                                pattern_text="must not contain spaces, commas or '|'"),)
        if object_name == "subcontractor_invoices":
            return (AcceptField("erp_invoice_id", "ERP ID", max_length=45, prefill="invoice_number"),
                    AcceptField("description", "Description", required=False, max_length=1000),
                    AcceptField("accounting_date", "Accounting Date", prefill="=billing_date"))
        return ()

    def check_export(self, object_name: str, values: dict[str, Any]) -> list[tuple[str, str]]:
        out = []
        if object_name == "budgets" and values.get("line_amounts") and not any(values["line_amounts"]):
            out.append(("intacct.budgets.zero_lines_left_out",
                        "Sage Intacct leaves $0 budget lines out of the export and every line to send is $0"))
        return out

    # -- the wire --------------------------------------------------------------------------

    def _control(self, uniqueid: bool) -> Elem:
        sender, password, *_ = self.credentials
        control = etree.Element("control")
        _sub(control, "senderid", sender)
        _sub(control, "password", password)
        _sub(control, "controlid", str(uuid.uuid4()))
        _sub(control, "uniqueid", "true" if uniqueid else "false")
        _sub(control, "dtdversion", "3.0")
        _sub(control, "includewhitespace", "false")
        return control

    def _send(self, body: bytes, url: str) -> Elem:
        try:
            response = self.client.post(url, content=body, headers={"content-type": "application/xml"})
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc
        transient = transient_status(response)
        if transient is not None:
            raise transient
        try:
            root = etree.fromstring(response.content)
        except etree.XMLSyntaxError as exc:
            # The gateway always answers XML: anything else (cut short, empty, a proxy's page) means the
            # answer was lost on the way, and the request may have run.
            raise TransientError(TransientError.LOST_RESPONSE, f"unreadable response (HTTP {response.status_code}): "
                                 f"{response.text[:200]}") from exc
        control = root.find("control")
        if control is not None and control.findtext("status") == "failure":
            message = _errors(root.find("errormessage"))
            if "Temporarily Off-line" in message or "try again later" in message.lower():
                raise TransientError(TransientError.SERVER_ERROR, message)
            raise ErpRejected(message or f"control failure (HTTP {response.status_code})")
        if response.status_code >= 400:
            raise ErpRejected(_errors(root.find("errormessage")) or f"HTTP {response.status_code}")
        return root

    def _login(self) -> str:
        _, _, company, user, password = self.credentials
        request = etree.Element("request")
        request.append(self._control(False))
        op = _sub(request, "operation")
        auth = _sub(op, "authentication")
        login = _sub(auth, "login")
        _sub(login, "userid", user)
        _sub(login, "companyid", company)
        _sub(login, "password", password)
        content = _sub(op, "content")
        fn = _sub(content, "function", controlid=str(uuid.uuid4()))
        _sub(fn, "getAPISession")
        root = self._send(etree.tostring(request, xml_declaration=True, encoding="UTF-8"), self.url)
        operation = root.find("operation")
        assert operation is not None
        if operation.findtext("authentication/status") != "success":
            raise ErpRejected(_errors(operation.find("errormessage")) or "sign-in failed")
        result = operation.find("result")
        if result is None or result.findtext("status") != "success":
            raise ErpRejected(_errors(result.find("errormessage") if result is not None else None))
        self._session = result.findtext("data/api/sessionid") or ""
        endpoint = result.findtext("data/api/endpoint") or ""
        # The session is tied to the endpoint it names; a relative client keeps its own URL.
        self._endpoint = endpoint if endpoint.startswith(("http://", "https://")) and \
            self._same_origin(endpoint) else self.url
        return self._session

    def _same_origin(self, endpoint: str) -> bool:
        base = str(self.client.base_url)
        return not base or endpoint.startswith(base.rstrip("/"))

    def call(self, function: Elem, *, controlid: str | None = None, write: bool = False) -> Elem:
        """Run one function on the session; returns its ``<result>`` (raises on failure). Reads are retried."""
        if write:
            return self._call_once(function, controlid, write)
        return self.reading(str(function.tag), lambda: self._call_once(function, controlid, write))

    def _call_once(self, function: Elem, controlid: str | None, write: bool) -> Elem:
        session = self._session or self._login()
        request = etree.Element("request")
        request.append(self._control(uniqueid=write and controlid is not None))
        op = _sub(request, "operation", transaction="false")
        auth = _sub(op, "authentication")
        _sub(auth, "sessionid", session)
        content = _sub(op, "content")
        fn = _sub(content, "function", controlid=controlid or str(uuid.uuid4()))
        fn.append(function)
        root = self._send(etree.tostring(request, xml_declaration=True, encoding="UTF-8"), self._endpoint)
        operation = root.find("operation")
        if operation is None:
            raise ErpRejected("the response has no operation block")
        if operation.findtext("authentication/status") != "success":
            message = _errors(operation.find("errormessage"))
            if "Invalid session" in message:
                self._session = None  # signs in again on the next call
                raise TransientError(TransientError.SESSION_EXPIRED, message)
            raise ErpRejected(message)
        result = operation.find("result")
        if result is None:
            raise ErpRejected("the response has no result")
        if result.findtext("status") != "success":
            message = _errors(result.find("errormessage"))
            if "already executed and completed" in message:
                # uniqueid: the first try of this very function committed; look it up instead.
                raise TransientError(TransientError.LOST_RESPONSE, message)
            raise ErpRejected(message)
        return result

    # -- reading -------------------------------------------------------------------------

    def read_by_name(self, obj: str, key: str) -> dict[str, Any] | None:
        fn = etree.Element("readByName")
        _sub(fn, "object", obj)
        _sub(fn, "keys", key)
        _sub(fn, "fields", "*")
        rows = _rows(self.call(fn).find("data"))
        return rows[0] if rows else None

    def read(self, obj: str, keys: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            fn = etree.Element("read")
            _sub(fn, "object", obj)
            _sub(fn, "keys", ",".join(keys[start:start + 100]))
            _sub(fn, "fields", "*")
            out.extend(_rows(self.call(fn).find("data")))
        return out

    def query(self, obj: str, fields: list[str], filters: list[Elem] | None = None,
              docparid: str | None = None) -> list[dict[str, Any]]:
        """Every row matching an ``and`` of filters, paged with offset."""
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            fn = etree.Element("query")
            _sub(fn, "object", obj)
            select = _sub(fn, "select")
            for name in fields:
                _sub(select, "field", name)
            if filters:
                flt = _sub(fn, "filter")
                if len(filters) == 1:
                    flt.append(filters[0])
                else:
                    both = _sub(flt, "and")
                    for f in filters:
                        both.append(f)
            if docparid:
                _sub(fn, "docparid", docparid)
            orderby = _sub(fn, "orderby")
            order = _sub(orderby, "order")
            _sub(order, "field", "RECORDNO")
            _sub(fn, "pagesize", "2000")
            _sub(fn, "offset", str(offset))
            data = self.call(fn).find("data")
            page = _rows(data)
            rows.extend(page)
            remaining = int((data.get("numremaining") if data is not None else "0") or "0")
            if remaining <= 0 or not page:
                return rows
            offset += len(page)

    def _write(self, ctx: ExportContext, what: str, function: Elem) -> Elem:
        # A controlid stable for this item and record: the gateway refuses to run it twice.
        return self.call(function, controlid=f"{ctx.token}:{what}"[:256], write=True)

    def _create(self, ctx: ExportContext, what: str, obj: str, fields: dict[str, Any],
                lines: tuple[str, str, list[dict[str, Any]]] | None = None) -> dict[str, str]:
        fn = etree.Element("create")
        fn.append(_object(obj, fields, lines))
        result = self._write(ctx, what, fn)
        return _rows(result.find("data"))[0]

    # -- exports: jobs, cost codes, sub jobs, vendors ----------------------------------------

    def export_job(self, job: p.JobExport, ctx: ExportContext) -> p.Receipt:
        fields = {"PROJECTID": job.job_id, "NAME": job.name, "PROJECTCATEGORY": "Contract",
                  "DESCRIPTION": job.description, "BEGINDATE": _date(job.start_date),
                  "ENDDATE": _date(job.completion_date), "STATUS": "active"}
        found = lambda: self._recordno(self.read_by_name("PROJECT", job.job_id))  # noqa: E731
        recordno, adopted = ctx.ensure(f"job {job.job_id}", found, lambda: self._create(
            ctx, f"PROJECT:{job.job_id}", "PROJECT", fields)["RECORDNO"])
        self._cost_codes(job.job_id, tuple(c for c in job.cost_codes if not c.sub_job), ctx)
        return p.Receipt(job.job_id, {"RECORDNO": recordno}, adopted=adopted)

    def export_cost_codes(self, job_id: str, codes: tuple[p.CostCodeSpec, ...], ctx: ExportContext) -> dict[str, str]:
        by_sub: dict[str | None, list[p.CostCodeSpec]] = defaultdict(list)
        for code in codes:
            by_sub[code.sub_job].append(code)
        out: dict[str, str] = {}
        for sub, group in by_sub.items():
            out.update(self._cost_codes(job_id if sub is None else _sub_job_id(job_id, sub), tuple(group), ctx))
        return out

    def _cost_codes(self, project_id: str, codes: tuple[p.CostCodeSpec, ...], ctx: ExportContext) -> dict[str, str]:
        """TASK per cost code and COSTTYPE per cost type, each found-or-created once."""
        if not codes:
            return {}
        standard_tasks = {r["STANDARDTASKID"] for r in self.query(
            "STANDARDTASK", ["STANDARDTASKID"], [_in("STANDARDTASKID", [c.code for c in codes])])}
        out = {}
        for code in codes:
            task = {"TASKID": code.code, "NAME": code.description or code.code, "PROJECTID": project_id,
                    "TASKSTATUS": "In Progress",
                    "STANDARDTASKID": code.code if code.code in standard_tasks else None}
            ctx.ensure_part(
                f"task {project_id}/{code.code}", lambda c=code: self._task(project_id, c.code),
                lambda t=task, c=code: self._create(ctx, f"TASK:{project_id}:{c.code}", "TASK", t)["RECORDNO"])
            for cost_type in code.cost_types:
                ctx.ensure_part(
                    f"cost type {project_id}/{code.code}/{cost_type}",
                    lambda c=code, t=cost_type: self._cost_type(project_id, c.code, t),
                    lambda c=code, t=cost_type: self._create(ctx, f"COSTTYPE:{project_id}:{c.code}:{t}", "COSTTYPE", {
                        "STANDARDCOSTTYPEID": t, "PROJECTID": project_id, "TASKID": c.code})["RECORDNO"])
            out[code.code] = f"{project_id}:{code.code}"
        return out

    def _task(self, project_id: str, task_id: str) -> str | None:
        rows = self.query("TASK", ["RECORDNO"], [_eq("PROJECTID", project_id), _eq("TASKID", task_id)])
        return rows[0]["RECORDNO"] if rows else None

    def _cost_type(self, project_id: str, task_id: str, cost_type: str) -> str | None:
        rows = self.query("COSTTYPE", ["RECORDNO"], [_eq("PROJECTID", project_id), _eq("TASKID", task_id),
                                                     _eq("COSTTYPEID", cost_type)])
        return rows[0]["RECORDNO"] if rows else None

    def export_sub_job(self, sub_job: p.SubJobExport, ctx: ExportContext) -> p.Receipt:
        project_id = _sub_job_id(sub_job.job_id, sub_job.code)
        if len(project_id) > 20:
            raise ErpRejected(f"the sub job's project ID {project_id!r} is longer than 20 characters")
        fields = {"PROJECTID": project_id, "NAME": sub_job.name, "DESCRIPTION": sub_job.name,
                  "PROJECTCATEGORY": "Contract", "PARENTID": sub_job.job_id, "STATUS": "active"}
        recordno, adopted = ctx.ensure(
            f"sub job {project_id}", lambda: self._recordno(self.read_by_name("PROJECT", project_id)),
            lambda: self._create(ctx, f"PROJECT:{project_id}", "PROJECT", fields)["RECORDNO"])
        self._cost_codes(project_id, sub_job.cost_codes, ctx)
        return p.Receipt(f"{sub_job.job_id}:{sub_job.code}", {"PROJECTID": project_id, "RECORDNO": recordno},
                         adopted=adopted)

    def export_vendor(self, vendor: p.VendorExport, ctx: ExportContext) -> p.Receipt:
        fields = {
            "VENDORID": vendor.vendor_id, "NAME": vendor.name, "STATUS": "active",
            "DISPLAYCONTACT": {
                "PRINTAS": vendor.name, "COMPANYNAME": vendor.name, "PHONE1": vendor.phone, "FAX": vendor.fax,
                "EMAIL1": vendor.email, "URL1": vendor.website,
                "MAILADDRESS": {"ADDRESS1": vendor.address, "CITY": vendor.city, "STATE": vendor.state,
                                "ZIP": vendor.zip},
            },
        }
        recordno, adopted = ctx.ensure(
            f"vendor {vendor.vendor_id}", lambda: self._recordno(self.read_by_name("VENDOR", vendor.vendor_id)),
            lambda: self._create(ctx, f"VENDOR:{vendor.vendor_id}", "VENDOR", fields)["RECORDNO"])
        return p.Receipt(vendor.vendor_id, {"RECORDNO": recordno}, adopted=adopted)

    # -- budgets -----------------------------------------------------------------------------

    def export_budget(self, budget: p.BudgetExport, ctx: ExportContext) -> p.Receipt:
        estimate_id = budget.origin_id or f"EST-{budget.job_id}"[:20]
        sent = [ln for ln in budget.lines if ln.amount != 0]
        omitted = tuple(ln.line_id for ln in budget.lines if ln.amount == 0)
        entries = [self._estimate_entry(budget.job_id, ln.sub_job, ln.cost_code, ln.cost_type, ln.amount,
                                        "original", f"Procore budget line {ln.line_id}") for ln in sent]
        adopted = False
        if budget.origin_id is None:
            def find() -> str | None:
                row = self.read_by_name("PJESTIMATE", estimate_id)
                if row is None:
                    others = self.query("PJESTIMATE", ["PJESTIMATEID"], [_eq("PROJECTID", budget.job_id)])
                    if others:
                        raise ErpRejected(f"job {budget.job_id} already has estimate {others[0]['PJESTIMATEID']} "
                                          f"made in Sage Intacct; a budget is set up in one system only")
                return None if row is None else estimate_id
            _, adopted = ctx.ensure(f"estimate {estimate_id}", find, lambda: self._create(
                ctx, f"PJESTIMATE:{estimate_id}", "PJESTIMATE",
                {"PJESTIMATEID": estimate_id, "PROJECTID": budget.job_id,
                 "DESCRIPTION": f"Procore budget: {budget.job_name}"[:1000]},
                ("ENTRIES", "PJESTIMATEENTRY", entries))["PJESTIMATEID"])
        # Lines not yet on the estimate go in by update; update adds entries without a RECORDNO.
        have = self._estimate_memos(estimate_id)
        missing = [e for e in entries if e["MEMO"] not in have]
        if missing:
            fn = etree.Element("update")
            fn.append(_object("PJESTIMATE", {"PJESTIMATEID": estimate_id}, ("ENTRIES", "PJESTIMATEENTRY", missing)))
            self._write(ctx, f"PJESTIMATE:{estimate_id}:" + ",".join(e["MEMO"].rsplit(" ", 1)[1] for e in missing),
                        fn)
            have = self._estimate_memos(estimate_id)
        lines = {ln.line_id: have[f"Procore budget line {ln.line_id}"] for ln in sent}
        notes = (f"left {len(omitted)} $0 line(s) out of the estimate (Sage Intacct rule)",) if omitted else ()
        record = self.read_by_name("PJESTIMATE", estimate_id) or {}
        return p.Receipt(estimate_id, {"RECORDNO": record.get("RECORDNO")}, lines, notes, adopted, omitted)

    def _estimate_entry(self, job_id: str, sub_job: str | None, cost_code: str, cost_type: str, amount: Decimal,
                        wftype: str, memo: str) -> dict[str, Any]:
        return {"PROJECTID": job_id if sub_job is None else _sub_job_id(job_id, sub_job), "TASKID": cost_code,
                "COSTTYPEID": cost_type, "AMOUNT": _money(amount), "WFTYPE": wftype, "MEMO": memo}

    def _estimate_memos(self, estimate_id: str) -> dict[str, str]:
        row = self.read_by_name("PJESTIMATE", estimate_id)
        if row is None:
            return {}
        return {e.get("MEMO", ""): e["RECORDNO"] for e in row.get("ENTRIES", [])}

    def export_budget_modification(self, mod: p.BudgetModificationExport, ctx: ExportContext) -> p.Receipt:
        if not mod.budget_origin_id:
            raise ErpRejected("the project's budget has no Sage Intacct estimate")
        estimate_id = mod.budget_origin_id
        memo = f"Procore budget modification {mod.modification_id}"
        entries = [
            self._estimate_entry(mod.job_id, mod.from_sub_job, mod.from_cost_code, mod.from_cost_type, -mod.amount,
                                 "revision", f"{memo} from"),
            self._estimate_entry(mod.job_id, mod.to_sub_job, mod.to_cost_code, mod.to_cost_type, mod.amount,
                                 "revision", f"{memo} to"),
        ]
        for entry in entries:
            entry["EFFECTIVEDATE"] = _date(mod.date)

        def find() -> str | None:
            have = self._estimate_memos(estimate_id)
            return ",".join(have[e["MEMO"]] for e in entries) if all(e["MEMO"] in have for e in entries) else None

        def create() -> str:
            fn = etree.Element("update")
            fn.append(_object("PJESTIMATE", {"PJESTIMATEID": estimate_id}, ("ENTRIES", "PJESTIMATEENTRY", entries)))
            self._write(ctx, f"PJESTIMATE:{estimate_id}:mod{mod.modification_id}", fn)
            found = find()
            if found is None:
                raise ErpRejected("the revision entries did not appear on the estimate")
            return found

        keys, adopted = ctx.ensure(f"revision of estimate {estimate_id}", find, create)
        return p.Receipt(f"{estimate_id}:{keys}", {"PJESTIMATEID": estimate_id, "ENTRIES": keys.split(",")},
                         adopted=adopted)

    # -- commitments and change orders ------------------------------------------------------------

    def _items(self, cost_types: set[str]) -> dict[str, str]:
        rows = self.query("STANDARDCOSTTYPE", ["STANDARDCOSTTYPEID", "ITEMID", "ACCOUNTNO"],
                          [_in("STANDARDCOSTTYPEID", sorted(cost_types))]) if cost_types else []
        return {r["STANDARDCOSTTYPEID"]: r.get("ITEMID") or "" for r in rows}

    def _po_line(self, kind: str, job_id: str, line: Any, items: dict[str, str], retainage: Decimal | None,
                 unit_based: bool) -> Elem:
        item = _sub_el("potransitem")
        _sub(item, "itemid", items.get(line.cost_type) or self.default_items[kind])
        if unit_based and line.quantity is not None and line.unit_cost is not None:
            _sub(item, "quantity", _plain(line.quantity))
            if line.uom:
                _sub(item, "unit", line.uom)
            _sub(item, "price", _plain(line.unit_cost))
        else:
            _sub(item, "quantity", "1")
            _sub(item, "price", _money(line.amount))
        if line.description:
            _sub(item, "memo", line.description)
        _sub(item, "projectid", job_id if line.sub_job is None else _sub_job_id(job_id, line.sub_job))
        _sub(item, "taskid", line.cost_code)
        _sub(item, "costtypeid", line.cost_type)
        if retainage:
            _sub(item, "retainagepercentage", _plain(retainage))
        return item

    def export_commitment(self, commitment: p.CommitmentExport, ctx: ExportContext) -> p.Receipt:
        source, _ = self.definitions[commitment.kind]
        docno = f"{commitment.job_id}-{commitment.number}"
        docid = f"{source}-{docno}"
        items = self._items({ln.cost_type for ln in commitment.lines})
        unit_based = commitment.kind == "purchase_order" or commitment.accounting_method == "unit"

        def create() -> str:
            fn = etree.Element("create_potransaction")
            _sub(fn, "transactiontype", source)
            fn.append(_legacy_date("datecreated", commitment.date))
            _sub(fn, "vendorid", commitment.vendor_id)
            _sub(fn, "documentno", docno)
            _sub(fn, "referenceno", commitment.number)
            _sub(fn, "message", commitment.title)
            _sub(fn, "projectid", commitment.job_id)
            box = _sub(fn, "potransitems")
            for line in commitment.lines:
                box.append(self._po_line(commitment.kind, commitment.job_id, line, items,
                                         commitment.retainage_percent or None, unit_based))
            return self._write(ctx, f"PODOCUMENT:{docid}", fn).findtext("key") or docid

        key, adopted = ctx.ensure(f"{source} {docid}", lambda: self._docid(docid), create)
        doc = self.read_by_name("PODOCUMENT", key) or {}
        entries = sorted(doc.get("PODOCUMENTENTRIES", []), key=lambda e: int(e.get("LINE_NO") or 0))
        lines = {ln.line_id: e["RECORDNO"] for ln, e in zip(commitment.lines, entries)}
        return p.Receipt(key, {"RECORDNO": doc.get("RECORDNO"), "DOCPARID": source}, lines, adopted=adopted)

    def _docid(self, docid: str) -> str | None:
        row = self.read_by_name("PODOCUMENT", docid)
        return None if row is None else row["DOCID"]

    def export_change_order(self, cco: p.ChangeOrderExport, ctx: ExportContext) -> p.Receipt:
        _, change_def = self.definitions[cco.commitment_kind]
        source_no = cco.commitment_origin_data.get("RECORDNO")
        if not source_no:
            source = self.read_by_name("PODOCUMENT", cco.commitment_origin_id)
            if source is None:
                raise ErpRejected(f"commitment {cco.commitment_origin_id} is no longer in Sage Intacct")
            source_no = source["RECORDNO"]
        docno = f"{cco.job_id}-{cco.commitment_number}-CO{cco.number}"
        docid = f"{change_def}-{docno}"
        items = self._items({ln.cost_type for ln in cco.lines})

        def create() -> str:
            fn = etree.Element("create_potransaction")
            _sub(fn, "transactiontype", change_def)
            fn.append(_legacy_date("datecreated", cco.export_date))  # system date at time of export
            _sub(fn, "vendorid", cco.vendor_id)
            _sub(fn, "documentno", docno)
            _sub(fn, "referenceno", cco.number)  # Change Order Number -> External Reference No
            _sub(fn, "message", cco.title)
            _sub(fn, "projectid", cco.job_id)
            box = _sub(fn, "potransitems")
            for line in cco.lines:
                item = self._po_line(cco.commitment_kind, cco.job_id, line, items, None,
                                     line.quantity is not None and line.unit_cost is not None)
                _sub(item, "relateddockey", str(source_no))
                if line.commitment_line_origin:
                    _sub(item, "relateddoclinekey", line.commitment_line_origin)
                box.append(item)
            return self._write(ctx, f"PODOCUMENT:{docid}", fn).findtext("key") or docid

        key, adopted = ctx.ensure(f"{change_def} {docid}", lambda: self._docid(docid), create)
        doc = self.read_by_name("PODOCUMENT", key) or {}
        entries = sorted(doc.get("PODOCUMENTENTRIES", []), key=lambda e: int(e.get("LINE_NO") or 0))
        lines = {ln.line_id: e["RECORDNO"] for ln, e in zip(cco.lines, entries)}
        return p.Receipt(key, {"RECORDNO": doc.get("RECORDNO"), "DOCPARID": change_def}, lines, adopted=adopted)

    # -- prime contracts -------------------------------------------------------------------

    def export_prime_contract(self, contract: p.PrimeContractExport, ctx: ExportContext) -> p.Receipt:
        contract_id = f"{contract.job_id}-{contract.number}"
        if len(contract_id) > 20:
            raise ErpRejected(f"project contract ID {contract_id!r} is longer than 20 characters")
        customer = contract.customer_id or (self.read_by_name("PROJECT", contract.job_id) or {}).get("CUSTOMERID")
        if not customer:
            raise ErpRejected(f"job {contract.job_id} has no customer in Sage Intacct and the prime contract names "
                              f"no owner; a project contract needs a customer")
        fields = {"PROJECTCONTRACTID": contract_id, "NAME": contract.title or contract_id,
                  "DESCRIPTION": contract.description, "PROJECTID": contract.job_id, "CUSTOMERID": customer,
                  "CONTRACTDATE": _date(contract.date), "RETAINAGEPERCENTAGE": _plain(contract.retainage_percent),
                  "STATUS": "active"}
        recordno, adopted = ctx.ensure(
            f"project contract {contract_id}", lambda: self._recordno(self.read_by_name("PROJECTCONTRACT",
                                                                                         contract_id)),
            lambda: self._create(ctx, f"PROJECTCONTRACT:{contract_id}", "PROJECTCONTRACT", fields)["RECORDNO"])
        lines = {}
        for number, line in enumerate(contract.lines, start=1):
            line_id = str(number)
            values = {"PROJECTCONTRACTID": contract_id, "PROJECTCONTRACTLINEID": line_id,
                      "NAME": f"{line_id} {line.description}"[:200], "CONTRACTLINEDATE": _date(contract.export_date),
                      "ACCOUNTNO": self.contract_account, "BILLINGTYPE": "Progress",
                      "MAXIMUMBILLING": "Total revised price", "ITEMID": self.contract_item,
                      "PROJECTID": contract.job_id}
            entry = {"WFTYPE": "original", "PRICE": _money(line.amount),
                     "PRICEEFFECTIVEDATE": _date(contract.export_date)}
            lines[line.line_id] = ctx.ensure_part(
                f"contract line {contract_id}/{line_id}",
                lambda lid=line_id: self._contract_line(contract_id, lid),
                lambda v=values, e=entry, lid=line_id: self._create(
                    ctx, f"PROJECTCONTRACTLINE:{contract_id}:{lid}", "PROJECTCONTRACTLINE", v,
                    ("PROJECTCONTRACTLINEENTRIES", "PROJECTCONTRACTLINEENTRY", [e]))["RECORDNO"])
        return p.Receipt(contract_id, {"RECORDNO": recordno}, lines, adopted=adopted)

    def _contract_line(self, contract_id: str, line_id: str) -> str | None:
        rows = self.query("PROJECTCONTRACTLINE", ["RECORDNO"], [_eq("PROJECTCONTRACTID", contract_id),
                                                                _eq("PROJECTCONTRACTLINEID", line_id)])
        return rows[0]["RECORDNO"] if rows else None

    def export_pcco(self, pcco: p.PccoExport, ctx: ExportContext) -> p.Receipt:
        pco_id = f"{pcco.job_id}-{pcco.number}"  # Project # + PCCO #
        cr_id = f"CR{pcco.job_id}-{pcco.number}"  # 'CR' + Project ID + PCCO #
        for name, value in (("project change order ID", pco_id), ("change request ID", cr_id)):
            if len(value) > 20:
                raise ErpRejected(f"{name} {value!r} is longer than 20 characters")
        line_ids = {ln.contract_line_origin for ln in pcco.lines if ln.contract_line_origin}
        contract_line = None
        if len(line_ids) == 1:  # the contract line shows only if every line names the same one
            rows = self.read("PROJECTCONTRACTLINE", sorted(line_ids))
            contract_line = rows[0]["PROJECTCONTRACTLINEID"] if rows else None
        header = {"PROJECTCHANGEORDERID": pco_id, "PROJECTID": pcco.job_id,
                  "PROJECTCHANGEORDERDATE": _date(pcco.date), "CHANGEREQUESTSTATUSNAME": self.change_request_status,
                  "DESCRIPTION": pcco.title}
        if contract_line:
            header.update({"PROJECTCONTRACTID": pcco.contract_origin_id, "PROJECTCONTRACTLINEID": contract_line})
        ctx.ensure(f"project change order {pco_id}",
                   lambda: self._recordno(self.read_by_name("PROJECTCHANGEORDER", pco_id)),
                   lambda: self._create(ctx, f"PROJECTCHANGEORDER:{pco_id}", "PROJECTCHANGEORDER",
                                        header)["RECORDNO"])
        entries = [{"PROJECTID": pcco.job_id, "TASKID": ln.cost_code, "COSTTYPEID": ln.cost_type,
                    "COST": _money(ln.amount), "PRICE": _money(ln.amount + ln.markup_amount),
                    "QTY": _plain(ln.quantity) if ln.quantity is not None else None,
                    "PRICEMARKUPAMOUNT": _money(ln.markup_amount) if ln.markup_amount else None,
                    "MEMO": f"{ln.line_id} {ln.description}".strip()} for ln in pcco.lines]
        request = {"CHANGEREQUESTID": cr_id, "PROJECTID": pcco.job_id, "CHANGEREQUESTDATE": _date(pcco.date),
                   "CHANGEREQUESTSTATE": "Posted", "CHANGEREQUESTSTATUSNAME": self.change_request_status,
                   "PROJECTCHANGEORDERID": pco_id, "DESCRIPTION": pcco.title}
        if contract_line:
            request.update({"PROJECTCONTRACTID": pcco.contract_origin_id, "PROJECTCONTRACTLINEID": contract_line})
        recordno = ctx.ensure_part(
            f"change request {cr_id}", lambda: self._recordno(self.read_by_name("CHANGEREQUEST", cr_id)),
            lambda: self._create(ctx, f"CHANGEREQUEST:{cr_id}", "CHANGEREQUEST", request,
                                 ("CHANGEREQUESTENTRIES", "CHANGEREQUESTENTRY", entries))["RECORDNO"])
        return p.Receipt(cr_id, {"RECORDNO": recordno, "PROJECTCHANGEORDERID": pco_id})

    # -- subcontractor invoices --------------------------------------------------------------

    def export_invoice(self, invoice: p.InvoiceExport, ctx: ExportContext) -> p.Receipt:
        accounts = {r["STANDARDCOSTTYPEID"]: r.get("ACCOUNTNO") or "" for r in self.query(
            "STANDARDCOSTTYPE", ["STANDARDCOSTTYPEID", "ACCOUNTNO"],
            [_in("STANDARDCOSTTYPEID", sorted({ln.cost_type for ln in invoice.lines}))])}
        items: list[dict[str, Any]] = []
        for line in invoice.lines:
            account = accounts.get(line.cost_type)
            if not account:
                raise ErpRejected(f"standard cost type {line.cost_type} has no GL account (ACCOUNTNO) for the bill")
            project = invoice.job_id if line.sub_job is None else _sub_job_id(invoice.job_id, line.sub_job)
            base = {"ACCOUNTNO": account, "PROJECTID": project, "TASKID": line.cost_code,
                    "COSTTYPEID": line.cost_type}
            if line.work_completed_this_period or not line.materials_presently_stored:
                items.append(dict(base, TRX_AMOUNT=_money(line.work_completed_this_period),
                                  TRX_AMOUNTRETAINED=_money(line.work_retainage_this_period),
                                  ENTRYDESCRIPTION=line.description or "Work completed this period"))
            if line.materials_presently_stored:
                items.append(dict(base, TRX_AMOUNT=_money(line.materials_presently_stored),
                                  TRX_AMOUNTRETAINED=_money(line.materials_retainage_this_period),
                                  ENTRYDESCRIPTION=f"Materials presently stored {line.description}".strip()))
        due = invoice.billing_date + dt.timedelta(days=self.bill_due_days)
        fields = {"VENDORID": invoice.vendor_id, "RECORDID": invoice.erp_invoice_id,
                  "DOCNUMBER": invoice.commitment_origin_id, "DESCRIPTION": invoice.description,
                  "WHENCREATED": _date(invoice.billing_date), "WHENPOSTED": _date(invoice.accounting_date),
                  "WHENDUE": _date(due), "PROJECTID": invoice.job_id}

        def find() -> str | None:
            rows = self.query("APBILL", ["RECORDNO"], [_eq("RECORDID", invoice.erp_invoice_id),
                                                       _eq("VENDORID", invoice.vendor_id)])
            return rows[0]["RECORDNO"] if rows else None

        recordno, adopted = ctx.ensure(
            f"bill {invoice.erp_invoice_id}", find,
            lambda: self._create(ctx, f"APBILL:{invoice.vendor_id}:{invoice.erp_invoice_id}", "APBILL", fields,
                                 ("APBILLITEMS", "APBILLITEM", items))["RECORDNO"])
        notes: tuple[str, ...] = ()
        if invoice.retainage_released:
            release = self._release(invoice, recordno, ctx)
            notes = (f"released {_money(invoice.retainage_released)} of retainage (release {release})",)
        bill = self.read("APBILL", [recordno])
        lines = {}
        if bill:
            bill_lines = sorted(bill[0].get("APBILLITEMS", []), key=lambda e: int(e.get("LINE_NO") or 0))
            cursor = iter(bill_lines)
            for line in invoice.lines:
                first = next(cursor, None)
                if first is not None:
                    lines[line.line_id] = first["RECORDNO"]
                if line.work_completed_this_period and line.materials_presently_stored:
                    next(cursor, None)
        return p.Receipt(recordno, {"RECORDNO": recordno, "RECORDID": invoice.erp_invoice_id}, lines, notes,
                         adopted)

    def _release(self, invoice: p.InvoiceExport, bill_recordno: str, ctx: ExportContext) -> str:
        """Release held retainage on the commitment's earlier bills, oldest first, per cost code and type."""
        description = f"Procore invoice {invoice.erp_invoice_id} retainage release"

        def find() -> str | None:
            rows = self.query("APRETAINAGERELEASE", ["RECORDNO"], [_eq("DESCRIPTION", description)])
            return rows[0]["RECORDNO"] if rows else None

        def create() -> str:
            held = self.query("APBILLITEM", ["RECORDNO", "RECORDKEY", "TASKID", "COSTTYPEID", "TRX_AMOUNTRETAINED",
                                             "TRX_AMOUNTRELEASED"],
                              [_eq("APBILL.DOCNUMBER", invoice.commitment_origin_id),
                               _eq("APBILL.VENDORID", invoice.vendor_id)])
            entries = []
            for line in invoice.lines:
                todo = line.retainage_released
                for row in held:
                    if todo <= 0:
                        break
                    if (row.get("TASKID"), row.get("COSTTYPEID")) != (line.cost_code, line.cost_type) or \
                            row.get("RECORDKEY") == bill_recordno:
                        continue
                    balance = Decimal(row.get("TRX_AMOUNTRETAINED") or 0) - Decimal(row.get("TRX_AMOUNTRELEASED")
                                                                                     or 0)
                    take = min(balance, todo)
                    if take > 0:
                        entries.append({"RETAINAGEBILLKEY": row["RECORDKEY"], "RETAINAGEBILLITEMKEY": row["RECORDNO"],
                                        "TRX_AMOUNTRELEASED": _money(take)})
                        row["TRX_AMOUNTRELEASED"] = str(Decimal(row.get("TRX_AMOUNTRELEASED") or 0) + take)
                        todo -= take
                if todo > 0:
                    raise ErpRejected(f"Sage Intacct holds less retainage than the {_money(line.retainage_released)} "
                                      f"released on {line.cost_code} {line.cost_type}")
            return self._create(ctx, f"APRETAINAGERELEASE:{invoice.erp_invoice_id}", "APRETAINAGERELEASE",
                                {"DESCRIPTION": description, "RELEASEDATE": _date(invoice.accounting_date),
                                 "STATE": "Released"},
                                ("APRETAINAGERELEASEENTRIES", "APRETAINAGERELEASEENTRY", entries))["RECORDNO"]

        return ctx.ensure_part(f"retainage release for {invoice.erp_invoice_id}", find, create)

    # -- existence (unlink) --------------------------------------------------------------------

    def exists(self, object_name: str, origin_id: str, origin_data: dict[str, Any]) -> bool:
        if object_name == "vendors":
            return self.read_by_name("VENDOR", origin_id) is not None
        if object_name in ("commitments", "commitment_change_orders"):
            return self.read_by_name("PODOCUMENT", origin_id) is not None
        if object_name == "subcontractor_invoices":
            return bool(self.read("APBILL", [origin_id]))
        if object_name == "prime_contract_change_orders":
            return self.read_by_name("CHANGEREQUEST", origin_id) is not None
        if object_name == "prime_contracts":
            return self.read_by_name("PROJECTCONTRACT", origin_id) is not None
        if object_name == "projects":
            return self.read_by_name("PROJECT", origin_id) is not None
        raise ErpRejected(f"cannot look up {object_name} in Sage Intacct")

    # -- imports -------------------------------------------------------------------------------

    def fetch_cost_types(self) -> list[p.ErpCostType]:
        rows = self.query("STANDARDCOSTTYPE", ["STANDARDCOSTTYPEID", "NAME", "STATUS"])
        return [p.ErpCostType(r["STANDARDCOSTTYPEID"], r.get("NAME") or r["STANDARDCOSTTYPEID"],
                              _base_type(r["STANDARDCOSTTYPEID"])) for r in rows if r.get("STATUS") != "inactive"]

    def fetch_cost_codes(self) -> list[p.ErpCostCode]:
        tasks = self.query("STANDARDTASK", ["STANDARDTASKID", "NAME"])
        types: dict[str, list[str]] = defaultdict(list)
        for row in self.query("STANDARDTASKSTANDARDCOSTTYPE", ["STANDARDTASK.STANDARDTASKID", "STANDARDCOSTTYPEID"]):
            types[row["STANDARDTASK.STANDARDTASKID"]].append(row["STANDARDCOSTTYPEID"])
        return [p.ErpCostCode(t["STANDARDTASKID"], t.get("NAME") or t["STANDARDTASKID"],
                              tuple(types.get(t["STANDARDTASKID"], ()))) for t in tasks]

    def _codes_by_project(self, project_ids: list[str]) -> dict[str, list[p.ErpCostCode]]:
        if not project_ids:
            return {}
        out: dict[str, list[p.ErpCostCode]] = defaultdict(list)
        types: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in self.query("COSTTYPE", ["PROJECTID", "TASKID", "COSTTYPEID", "STATUS"],
                              [_in("PROJECTID", project_ids)]):
            if row.get("STATUS") != "inactive":
                types[(row["PROJECTID"], row["TASKID"])].append(row["COSTTYPEID"])
        for row in self.query("TASK", ["PROJECTID", "TASKID", "NAME", "STANDARDTASKID"],
                              [_in("PROJECTID", project_ids)]):
            out[row["PROJECTID"]].append(p.ErpCostCode(
                row["TASKID"], row.get("NAME") or row["TASKID"], tuple(types.get((row["PROJECTID"], row["TASKID"]),
                                                                               ())),
                project_specific=not row.get("STANDARDTASKID")))
        return out

    def fetch_jobs(self) -> list[p.ErpJob]:
        rows = [r for r in self.query("PROJECT", ["PROJECTID", "NAME", "PARENTID", "BEGINDATE", "ENDDATE", "STATUS"])
                if r.get("STATUS") != "inactive"]
        codes: dict[str, list[p.ErpCostCode]] = {}
        ids = [r["PROJECTID"] for r in rows]
        for start in range(0, len(ids), 1000):
            codes.update(self._codes_by_project(ids[start:start + 1000]))
        return [p.ErpJob(r["PROJECTID"], r.get("NAME") or r["PROJECTID"], start_date=_parse_date(r.get("BEGINDATE")),
                         end_date=_parse_date(r.get("ENDDATE")), cost_codes=tuple(codes.get(r["PROJECTID"], ())),
                         parent_job_id=r.get("PARENTID") or None) for r in rows]

    def fetch_sub_jobs(self, job_id: str) -> list[p.ErpSubJob]:
        rows = self.query("PROJECT", ["PROJECTID", "NAME", "DESCRIPTION", "STATUS"], [_eq("PARENTID", job_id)])
        rows = [r for r in rows if r.get("STATUS") != "inactive"]
        codes = self._codes_by_project([r["PROJECTID"] for r in rows])
        prefix = f"{job_id}-"
        return [p.ErpSubJob(job_id, r["PROJECTID"][len(prefix):] if r["PROJECTID"].startswith(prefix)
                            else r["PROJECTID"], r.get("NAME") or r.get("DESCRIPTION") or r["PROJECTID"],
                            tuple(codes.get(r["PROJECTID"], ()))) for r in rows]

    def fetch_vendors(self) -> list[p.ErpVendor]:
        fields = ["VENDORID", "NAME", "STATUS", "DISPLAYCONTACT.PHONE1", "DISPLAYCONTACT.FAX", "DISPLAYCONTACT.EMAIL1",
                  "DISPLAYCONTACT.URL1", "DISPLAYCONTACT.MAILADDRESS.ADDRESS1", "DISPLAYCONTACT.MAILADDRESS.CITY",
                  "DISPLAYCONTACT.MAILADDRESS.STATE", "DISPLAYCONTACT.MAILADDRESS.ZIP"]
        out = []
        for r in self.query("VENDOR", fields):
            c = "DISPLAYCONTACT."
            out.append(p.ErpVendor(r["VENDORID"], r.get("NAME") or r["VENDORID"],
                                   r.get(c + "MAILADDRESS.ADDRESS1") or None, r.get(c + "MAILADDRESS.CITY") or None,
                                   r.get(c + "MAILADDRESS.STATE") or None, r.get(c + "MAILADDRESS.ZIP") or None,
                                   r.get(c + "PHONE1") or None, r.get(c + "FAX") or None,
                                   r.get(c + "EMAIL1") or None, r.get(c + "URL1") or None,
                                   r.get("STATUS") != "inactive"))
        return out

    def fetch_budget(self, job_id: str) -> p.ErpBudget | None:
        rows = self.query("PJESTIMATE", ["PJESTIMATEID", "ISPRIMARY"], [_eq("PROJECTID", job_id)])
        primary = [r for r in rows if r.get("ISPRIMARY") == "true"] or rows
        if not primary:
            return None
        estimate = self.read_by_name("PJESTIMATE", primary[0]["PJESTIMATEID"]) or {}
        prefix = f"{job_id}-"
        lines = []
        for entry in estimate.get("ENTRIES", []):
            if entry.get("WFTYPE") != "original" or not entry.get("TASKID"):
                continue
            project = entry.get("PROJECTID") or job_id
            sub = None if project == job_id else project.removeprefix(prefix)
            lines.append(p.ErpBudgetLine(entry["TASKID"], entry.get("COSTTYPEID") or "",
                                         Decimal(entry.get("AMOUNT") or 0), sub, entry.get("MEMO") or ""))
        return p.ErpBudget(estimate.get("PJESTIMATEID", primary[0]["PJESTIMATEID"]), tuple(lines),
                           {"RECORDNO": estimate.get("RECORDNO")})

    def _job_projects(self, job_id: str) -> list[str]:
        return [job_id] + [r["PROJECTID"] for r in self.query("PROJECT", ["PROJECTID"], [_eq("PARENTID", job_id)])]

    def _bill_lines(self, projects: list[str]) -> list[dict[str, Any]]:
        return self.query("APBILLITEM", ["RECORDNO", "RECORDKEY", "PROJECTID", "TASKID", "COSTTYPEID", "TRX_AMOUNT",
                                         "TOTALPAID", "ENTRYDESCRIPTION", "APBILL.STATE", "APBILL.WHENCREATED",
                                         "APBILL.DOCNUMBER", "APBILL.VENDORID", "APBILL.RECORDID",
                                         "APBILL.DESCRIPTION", "APBILL.TERMNAME", "APBILL.WHENPAID"],
                          [_in("PROJECTID", projects)])

    def _journal_lines(self, projects: list[str]) -> list[dict[str, Any]]:
        return self.query("GLENTRY", ["RECORDNO", "BATCHNO", "PROJECTID", "TASKID", "COSTTYPEID", "AMOUNT",
                                      "TRX_AMOUNT", "TR_TYPE", "DESCRIPTION", "VENDORID", "GLBATCH.STATE",
                                      "GLBATCH.BATCH_DATE", "GLBATCH.JOURNAL", "GLBATCH.BATCH_TITLE"],
                          [_in("PROJECTID", projects)])

    def _commitment_docids(self, projects: list[str]) -> set[str]:
        return {r["DOCID"] for r in self.query("PODOCUMENT", ["DOCID"], [_in("PROJECTID", projects)])}

    def fetch_job_costs(self, job_id: str, today: dt.date) -> list[p.ErpJobCost]:
        projects = self._job_projects(job_id)
        commitments = self._commitment_docids(projects)
        totals: dict[tuple[str | None, str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        month = (today.year, today.month)
        bill_lines: dict[str, tuple[str | None, str, str]] = {}
        bill_keys: set[str] = set()
        for row in self._bill_lines(projects):
            if row.get("APBILL.STATE") == "Draft" or not row.get("TASKID"):
                continue
            key = (_sub_of(job_id, row["PROJECTID"]), row["TASKID"], row.get("COSTTYPEID") or "")
            bill_lines[row["RECORDNO"]] = key
            bill_keys.add(row["RECORDKEY"])
            amount = Decimal(row.get("TRX_AMOUNT") or 0)
            bucket = totals[key]
            bucket["jtd"] += amount
            if _month(row.get("APBILL.WHENCREATED")) == month:
                bucket["mtd"] += amount
            if row.get("APBILL.DOCNUMBER") in commitments:
                bucket["invoiced"] += amount
            bucket["paid"] += Decimal(row.get("TOTALPAID") or 0)
        for row in self._journal_lines(projects):
            if row.get("GLBATCH.STATE") not in ("Posted", "") or not row.get("TASKID"):
                continue
            key = (_sub_of(job_id, row["PROJECTID"]), row["TASKID"], row.get("COSTTYPEID") or "")
            amount = Decimal(row.get("TRX_AMOUNT") or row.get("AMOUNT") or 0) * (1 if row.get("TR_TYPE") != "-1"
                                                                                  else -1)
            totals[key]["jtd"] += amount
            if _month(row.get("GLBATCH.BATCH_DATE")) == month:
                totals[key]["mtd"] += amount
        if bill_lines:
            for row in self.query("APPYMTDETAIL", ["ENTRYKEY", "RECORDKEY", "TRX_PAYMENTAMOUNT", "APPYMT.PAYMENTDATE",
                                                   "APPYMT.STATE"],
                                  [_in("RECORDKEY", sorted(bill_keys))]):
                key = bill_lines.get(row.get("ENTRYKEY") or "")
                if key is None or row.get("APPYMT.STATE") in ("Draft", "Voided"):
                    continue
                if _month(row.get("APPYMT.PAYMENTDATE")) == month:
                    totals[key]["mtd_paid"] += Decimal(row.get("TRX_PAYMENTAMOUNT") or 0)
        return [p.ErpJobCost(code, ctype, _q(b["jtd"]), _q(b["mtd"]), _q(b["invoiced"]), _q(b["paid"]),
                             _q(b["mtd_paid"]), sub) for (sub, code, ctype), b in sorted(totals.items(),
                                                                                        key=lambda kv: str(kv[0]))]

    def fetch_cost_transactions(self, job_id: str) -> list[p.ErpCostTransaction]:
        projects = self._job_projects(job_id)
        commitments = self._commitment_docids(projects)
        bills: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self._bill_lines(projects):
            bills[row["RECORDKEY"]].append(row)
        out = []
        for recordno, rows in bills.items():
            head = rows[0]
            state = head.get("APBILL.STATE") or ""
            out.append(p.ErpCostTransaction(
                f"APBILL:{recordno}",
                "subcontractor_invoice" if head.get("APBILL.DOCNUMBER") in commitments else "invoice",
                "Draft" if state == "Draft" else "Approved",
                _parse_date(head.get("APBILL.WHENCREATED")) or dt.date.today(),
                tuple(p.ErpCostTransactionLine(r.get("TASKID") or "", r.get("COSTTYPEID") or "",
                                               Decimal(r.get("TRX_AMOUNT") or 0), r.get("ENTRYDESCRIPTION") or "",
                                               _sub_of(job_id, r["PROJECTID"])) for r in rows),
                vendor_id=head.get("APBILL.VENDORID") or None, invoice_number=head.get("APBILL.RECORDID") or None,
                description=head.get("APBILL.DESCRIPTION") or "", terms=head.get("APBILL.TERMNAME") or None,
                received_date=_parse_date(head.get("APBILL.WHENPAID"))))
        batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self._journal_lines(projects):
            batches[row["BATCHNO"]].append(row)
        for batchno, rows in batches.items():
            head = rows[0]
            journal = (head.get("GLBATCH.JOURNAL") or "").upper()
            out.append(p.ErpCostTransaction(
                f"GLBATCH:{batchno}", "payroll" if journal in self.payroll_journals else "expense",
                "Approved" if head.get("GLBATCH.STATE") in ("Posted", "") else head.get("GLBATCH.STATE") or "",
                _parse_date(head.get("GLBATCH.BATCH_DATE")) or dt.date.today(),
                tuple(p.ErpCostTransactionLine(r.get("TASKID") or "", r.get("COSTTYPEID") or "",
                                               Decimal(r.get("TRX_AMOUNT") or r.get("AMOUNT") or 0) *
                                               (1 if r.get("TR_TYPE") != "-1" else -1), r.get("DESCRIPTION") or "",
                                               _sub_of(job_id, r["PROJECTID"])) for r in rows),
                vendor_id=head.get("VENDORID") or None, description=head.get("GLBATCH.BATCH_TITLE") or ""))
        return out

    def fetch_payments(self, invoice_origins: dict[str, dict[str, Any]]) -> list[p.ErpPayment]:
        if not invoice_origins:
            return []
        rows = self.query("APPYMTDETAIL", ["RECORDNO", "PAYMENTKEY", "RECORDKEY", "TRX_PAYMENTAMOUNT",
                                           "APPYMT.PAYMENTDATE", "APPYMT.PAYMENTMETHOD", "APPYMT.DOCNUMBER",
                                           "APPYMT.STATE"],
                          [_in("RECORDKEY", sorted(invoice_origins))])
        bills = {b["RECORDNO"]: b for b in self.read("APBILL", sorted({r["RECORDKEY"] for r in rows}))} if rows else {}
        out = []
        for row in rows:
            if row.get("APPYMT.STATE") in ("Draft", "Voided"):
                continue
            bill = bills.get(row["RECORDKEY"], {})
            out.append(p.ErpPayment(
                f"{row['PAYMENTKEY']}:{row['RECORDNO']}", row["RECORDKEY"], Decimal(row.get("TRX_PAYMENTAMOUNT") or 0),
                _parse_date(row.get("APPYMT.PAYMENTDATE")) or dt.date.today(),
                check_number=row.get("APPYMT.DOCNUMBER") or None, invoice_number=bill.get("RECORDID") or None,
                payment_method=row.get("APPYMT.PAYMENTMETHOD") or None))
        return out

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _recordno(row: dict[str, Any] | None) -> str | None:
        return None if row is None else str(row.get("RECORDNO") or "")


# -- XML helpers ---------------------------------------------------------------------------------


def _sub(parent: Elem, tag: str, value: str | None = None, **attrs: str) -> Elem:
    el = etree.SubElement(parent, tag, **attrs)
    if value is not None:
        el.text = value
    return el


def _sub_el(tag: str) -> Elem:
    return etree.Element(tag)


def _object(obj: str, fields: dict[str, Any], lines: tuple[str, str, list[dict[str, Any]]] | None = None) -> Elem:
    el = etree.Element(obj)
    _fill(el, fields)
    if lines is not None:
        collection, line_tag, rows = lines
        box = _sub(el, collection)
        for row in rows:
            _fill(_sub(box, line_tag), row)
    return el


def _fill(el: Elem, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value is None or value == "":
            continue
        if isinstance(value, dict):
            inner = _sub(el, name)
            _fill(inner, value)
            if not len(inner):
                el.remove(inner)
        else:
            _sub(el, name, str(value))


def _rows(data: Elem | None) -> list[dict[str, Any]]:
    if data is None:
        return []
    return [_row(child) for child in data if isinstance(child.tag, str)]


COLLECTIONS = {"ENTRIES", "APBILLITEMS", "PODOCUMENTENTRIES", "APPYMTDETAILS", "STANDARDTASKSTANDARDCOSTTYPES",
               "APRETAINAGERELEASEENTRIES", "CHANGEREQUESTENTRIES", "PROJECTCONTRACTLINEENTRIES"}


def _row(el: Elem) -> dict[str, Any]:
    """A record as a flat dict: nested groups become dotted names, line collections lists of rows."""
    out: dict[str, Any] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in COLLECTIONS:
            out[child.tag] = [_row(g) for g in child if isinstance(g.tag, str)]
        elif len(child):
            for name, value in _row(child).items():
                out[f"{child.tag}.{name}"] = value
        else:
            out[child.tag] = child.text or ""
    return out


def _errors(box: Elem | None) -> str:
    if box is None:
        return ""
    parts = []
    for err in box.iter("error"):
        number = err.findtext("errorno") or ""
        text = err.findtext("description2") or err.findtext("description") or ""
        correction = err.findtext("correction") or ""
        parts.append(f"{number} {text}".strip() + (f" ({correction})" if correction else ""))
    return "; ".join(parts)


def _eq(field: str, value: str) -> Elem:
    el = etree.Element("equalto")
    _sub(el, "field", field)
    _sub(el, "value", value)
    return el


def _in(field: str, values: list[str]) -> Elem:
    el = etree.Element("in")
    _sub(el, "field", field)
    for value in values or [""]:
        _sub(el, "value", value)
    return el


def _legacy_date(tag: str, value: dt.date) -> Elem:
    el = etree.Element(tag)
    _sub(el, "year", str(value.year))
    _sub(el, "month", str(value.month))
    _sub(el, "day", str(value.day))
    return el


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.strftime("%m/%d/%Y")


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value.split(" ")[0], "%m/%d/%Y").date()
    except ValueError:
        return None


def _month(value: str | None) -> tuple[int, int] | None:
    parsed = _parse_date(value)
    return None if parsed is None else (parsed.year, parsed.month)


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _sub_job_id(job_id: str, code: str) -> str:
    return f"{job_id}-{code}"


def _sub_of(job_id: str, project_id: str) -> str | None:
    return None if project_id == job_id else project_id.removeprefix(f"{job_id}-")


def _base_type(cost_type_id: str) -> str:
    name = cost_type_id.casefold()
    for word, base in (("labor", "labor"), ("material", "materials"), ("equip", "equipment"),
                       ("sub", "commitment")):
        if word in name:
            return base
    return "other"

"""Sage 100 Contractor connector: the record API (JSON over HTTP), as an hh2-style sync client uses it.

A bearer session from ``POST /sage100/session``; records by table under
``/sage100/records/{table}``. Exactly once: every create is preceded by a key
lookup (``ctcnum`` + job for subcontracts, ``invnum`` + vendor for invoices, a
reference line in the change order's scope for change orders), and absolute
values are written where Sage keeps totals (budget cells, retention held), so a
repeated write cannot double anything.

Mapping (seed 002): project -> ``actrec`` (+ a shell budget of $0 ``bdglin``
rows for its cost codes); company -> ``actpay``; budget -> ``bdglin`` current and
original columns per cost type; budget modification -> a 6-4-1 change order
(``prmchg``) whose ``sbcgln`` lines take money from one cost code and give it to
another; subcontract -> ``subcon``/``sbcnln`` (6-7-1); purchase order ->
``pchord``/``pcorln`` (6-6-1); subcontract CCO -> approved ``prmchg`` with
Budget & Sub Change lines (``vndctc``/``ctclin``); PO CCO -> new ``pcorln`` rows
appended below the existing ones; subcontractor invoice -> ``acpinv``/``apivln``
with retainage in ``retain`` (Retainage Held), and released retainage taken off
the earlier invoices' Retainage Held. Imports: cost codes (6-5), the nine cost
types, jobs, phases as sub jobs, vendors, budgets, job cost and job cost
transactions (6-3).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

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
CENT = Decimal("0.01")
BUDGET_COLUMNS = {1: ("matbdg", "matorg"), 2: ("labbdg", "laborg"), 3: ("eqpbdg", "eqporg"),
                  4: ("subbdg", "suborg"), 5: ("othbdg", "othorg"), 6: ("usrcs6", "cs6org"),
                  7: ("usrcs7", "cs7org"), 8: ("usrcs8", "cs8org"), 9: ("usrcs9", "cs9org")}
SECTIONED = re.compile(r"^(\d{1,9})[-./](\d{1,3})$")
SOURCES = {1: "expense", 2: "invoice", 3: "payroll", 4: "expense"}  # jobcst.srcnum -> direct cost type


def matrix() -> CapabilityMatrix:
    """From seed 002 and the Sage 100 'Things to Know' (reference B4)."""
    caps = [
        Capability("standard_cost_codes", True, True, "COST CODES (6-5 cstcde)"),
        Capability("cost_types", False, True, "COST TYPES (the nine csttyp)",
                   export_note="Sage 100 Contractor has exactly nine cost types; they are imported"),
        Capability("projects", True, True, "JOBS (3-5 actrec)"),
        Capability("sub_jobs", False, True, "PHASES (jobphs)",
                   export_note="Sub jobs come from Sage 100 Contractor phases, entered there through the budget"),
        Capability("vendors", True, True, "AP VENDORS (4-4 actpay)"),
        Capability("budgets", True, True, "BUDGET (6-2 bdglin)"),
        Capability("budget_modifications", True, False, "BUDGET (6-4-1 change order lines)",
                   import_note="Budget changes are exported from Procore only"),
        Capability("commitments", True, False, "SUBCONTRACTS (6-7-1) & PURCHASE ORDERS (6-6-1)",
                   import_note="Commitments are created in Procore only; do not create them in Sage 100"),
        Capability("commitment_change_orders", True, False, "CHANGE ORDERS (6-4-1) / PO LINES (6-6-1)"),
        Capability("prime_contracts", False, False, "",
                   export_note="The Sage 100 Contractor integration does not sync prime contracts",
                   import_note="The Sage 100 Contractor integration does not sync prime contracts"),
        Capability("prime_contract_change_orders", False, False, "",
                   export_note="The Sage 100 Contractor integration does not sync prime contract change orders",
                   import_note="The Sage 100 Contractor integration does not sync prime contract change orders"),
        Capability("subcontractor_invoices", True, False, "AP INVOICES (4-2 acpinv)"),
        Capability("job_costs", False, True, "COSTS (6-3 jobcst)"),
        Capability("direct_costs", False, True, "JOB COST TRANSACTIONS (6-3 jobcst)"),
        Capability("commitment_payments", False, False, "",
                   import_note="The Sage 100 Contractor feature map has no payment import"),
    ]
    limits = (
        Limit("vendors", "name", "Company name", "sage100.vendor_name_length", max_length=30),
        Limit("commitments", "title", "Commitment title", "sage100.commitment_title_length", max_length=30,
              truncate=True),
        Limit("commitments", "number", "Commitment number", "sage100.commitment_number_length", max_length=12,
              truncate=True),
        Limit("commitment_change_orders", "number", "Change order ID", "sage100.cco_number_length", max_length=12),
        Limit("commitment_change_orders", "title", "Change order title", "sage100.cco_title_length", max_length=30),
        Limit("commitment_change_orders", "description", "Change order description (Scope)",
              "sage100.cco_description_length", max_length=1000),
        Limit("subcontractor_invoices", "invoice_number", "Invoice number", "sage100.invoice_number_length",
              max_length=20),
    )
    return CapabilityMatrix("sage100", "Sage 100 Contractor", {c.object: c for c in caps}, limits,
                            cost_code_delimiters="/-.")


class Sage100Connector(Connector):
    erp = "sage100"
    title = "Sage 100 Contractor"
    direct_cost_statuses = frozenset({"Approved"})
    # hh2: Sage -> cloud every 5 minutes, cloud -> Procore every 30 minutes.
    default_schedule = ("hh2", ("standard_cost_codes", "cost_types", "job_costs", "direct_costs"))

    def __init__(self, client: httpx.Client, *, company: str, username: str, password: str,
                 base_path: str = "/sage100", use_procore_change_order_number: bool = False) -> None:
        self.client = client
        self.credentials = {"company": company, "username": username, "password": password}
        self.base = base_path.rstrip("/")
        self.matrix = matrix()
        self.use_procore_change_order_number = use_procore_change_order_number
        self._token: str | None = None

    def close(self) -> None:
        if self._token:
            try:
                self.client.delete(f"{self.base}/session", headers={"authorization": f"Bearer {self._token}"})
            except httpx.TransportError:
                pass
            self._token = None

    # -- what the approver enters, and Sage's own rules --------------------------------------

    def accept_fields(self, object_name: str) -> tuple[AcceptField, ...]:
        if object_name == "projects":
            return (AcceptField("erp_job_id", "Sage Job ID", pattern=r"[1-9][0-9]{0,17}",
                                pattern_text="must be a job number: digits only, no letters or separators"),)
        if object_name == "vendors":
            return (AcceptField("erp_vendor_id", "ERP Vendor ID", pattern=r"[1-9][0-9]{0,9}",
                                pattern_text="must be a vendor number: digits only"),)
        if object_name == "subcontractor_invoices":
            return (AcceptField("erp_invoice_id", "ERP ID", max_length=20, prefill="invoice_number"),
                    AcceptField("description", "Description", required=False, max_length=50),
                    AcceptField("accounting_date", "Accounting Date", prefill="=billing_date"))
        return ()

    def check_export(self, object_name: str, values: dict[str, Any]) -> list[tuple[str, str]]:
        out = []
        if object_name == "budgets" and values.get("has_sub_jobs"):
            out.append(("sage100.budgets.phases_in_sage",
                        "the project uses Sage 100 Contractor phases (sub jobs), so its budget must be created in "
                        "Sage 100 Contractor and then synced to Procore"))
        if object_name == "commitments" and values.get("type") == "purchase_order" and \
                values.get("accounting_method") != "unit":
            out.append(("sage100.purchase_orders.unit_based",
                        "purchase orders must use the Unit/Quantity based accounting method to export to Sage 100 "
                        "Contractor"))
        if object_name == "commitment_change_orders" and self.use_procore_change_order_number and \
                not str(values.get("number", "")).isdigit():
            out.append(("sage100.cco_number_numeric",
                        f"change order # {values.get('number')!r} must be a number when Procore change order numbers "
                        f"are used in Sage 100 Contractor"))
        if object_name in ("projects", "budgets", "commitments") and values.get("cost_codes"):
            bad = []
            for code in values["cost_codes"]:
                try:
                    sage_code(code)
                except ErpRejected:
                    bad.append(code)
            if bad:
                out.append(("sage100.cost_code_numeric",
                            f"cost code(s) {', '.join(bad)} cannot be Sage 100 Contractor cost codes, which are "
                            f"numbers with up to 3 decimals that do not begin with zero"))
        return out

    # -- the wire -------------------------------------------------------------------------

    def _login(self) -> str:
        response = self._raw("POST", "/session", json_body=self.credentials, auth=False)
        self._token = str(response["token"])
        return self._token

    def _raw(self, method: str, path: str, *, json_body: Any = None, params: dict[str, Any] | None = None,
             auth: bool = True) -> Any:
        if method == "GET":
            return self.reading(path, lambda: self._raw_once(method, path, json_body, params, auth))
        return self._raw_once(method, path, json_body, params, auth)

    def _raw_once(self, method: str, path: str, json_body: Any, params: dict[str, Any] | None, auth: bool) -> Any:
        headers = {"content-type": "application/json"}
        if auth:
            headers["authorization"] = f"Bearer {self._token or self._login()}"
        content = None if json_body is None else json.dumps(json_body, default=_json_default).encode()
        try:
            response = self.client.request(method, f"{self.base}{path}", content=content, params=params,
                                           headers=headers)
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc
        transient = transient_status(response)
        if transient is not None:
            raise transient
        try:
            body = response.json()
        except ValueError as exc:
            # The room always answers JSON: anything else (cut short, empty) was lost on the way.
            raise TransientError(TransientError.LOST_RESPONSE, f"unreadable response (HTTP {response.status_code}): "
                                 f"{response.text[:200]}") from exc
        if response.status_code < 400:
            return body
        error = body.get("error", {}) if isinstance(body, dict) else {}
        message = _message(error) or f"HTTP {response.status_code}"
        if response.status_code == 401 and auth:
            self._token = None  # log in again on the next call
            raise TransientError(TransientError.SESSION_EXPIRED, message)
        if response.status_code == 403 and error.get("code") == "LicenceLimit":
            raise TransientError(TransientError.RATE_LIMITED, message)
        if error.get("code") == "RecordInUse":  # another user has the record open: it will be free again
            raise TransientError(TransientError.SERVER_ERROR, message, retry_after=retry_after(response))
        if response.status_code == 404:
            raise _Missing(message)
        raise ErpRejected(message)

    def _get(self, table: str, key: Any) -> dict[str, Any] | None:
        try:
            return dict(self._raw("GET", f"/records/{table}/{key}")["record"])
        except _Missing:
            return None

    def _list(self, table: str, **filters: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        params = {k: _param(v) for k, v in filters.items()}
        params["limit"] = "1000"
        after = None
        while True:
            if after is not None:
                params["after"] = str(after)
            page = self._raw("GET", f"/records/{table}", params=params)
            rows.extend(page["records"])
            after = page.get("next_after")
            if after is None:
                return rows

    def _phase_rows(self, job: int, phase: int) -> list[dict[str, Any]]:
        # Budget lines are listed by job and narrowed to a phase here (phase 0 is "no phase").
        return [r for r in self._list("bdglin", recnum=job) if (r.get("phsnum") or 0) == phase]

    def _insert(self, table: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self._raw("POST", f"/records/{table}", json_body=_clean(body))["record"])

    def _patch(self, table: str, key: Any, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self._raw("PATCH", f"/records/{table}/{key}", json_body=body)["record"])

    # -- cost codes and types ----------------------------------------------------------------

    def _cost_type(self, code: str) -> int:
        try:
            number = int(code)
        except ValueError:
            raise ErpRejected(f"cost type {code!r} is not one of Sage 100 Contractor's nine cost types (1-9); "
                              f"import cost types from Sage first") from None
        if not 1 <= number <= 9:
            raise ErpRejected(f"cost type {code!r} is not one of Sage 100 Contractor's nine cost types (1-9)")
        return number

    def _ensure_cost_codes(self, codes: list[p.CostCodeSpec], ctx: ExportContext) -> None:
        """Cost codes are company-wide in 6-5; add any the project uses that Sage does not have yet."""
        for spec in codes:
            number = sage_code(spec.code)
            # Company-wide: always look, the code may well be in 6-5 already.
            ctx.ensure_part(f"cost code {number}", lambda n=number: "yes" if self._get("cstcde", n) else None,
                            lambda s=spec, n=number: str(self._insert("cstcde", {
                                "recnum": n, "cdenme": (s.description or s.code)[:50],
                                "divnum": int(n)})["recnum"]), look_first=True)

    # -- exports: jobs, cost codes, vendors -------------------------------------------------------

    def export_job(self, job: p.JobExport, ctx: ExportContext) -> p.Receipt:
        number = int(job.job_id)
        body = {"recnum": number, "jobnme": job.name[:75], "shtnme": job.name[:30], "status": 4,
                "addrs1": _cut(job.address, 50), "ctynme": _cut(job.city, 50), "state_": _cut(job.state, 10),
                "zipcde": _cut(job.zip, 10), "strdte": _iso(job.start_date), "cmpdte": _iso(job.completion_date)}
        _, adopted = ctx.ensure(f"job {number}", lambda: self._exists("actrec", number),
                                lambda: str(self._insert("actrec", body)["recnum"]))
        codes = [c for c in job.cost_codes if c.sub_job is None]
        self._ensure_cost_codes(codes, ctx)
        self._shell_budget(number, codes, ctx)
        return p.Receipt(job.job_id, {"table": "actrec"}, adopted=adopted)

    def _exists(self, table: str, key: Any) -> str | None:
        return str(key) if self._get(table, key) is not None else None

    def _shell_budget(self, job: int, codes: list[p.CostCodeSpec], ctx: ExportContext) -> None:
        """The project's cost codes as $0 budget lines (the shell budget)."""
        if not codes:
            return
        have = {_code_text(r["cstcde"]) for r in self._phase_rows(job, 0)}
        for spec in codes:
            number = sage_code(spec.code)
            if _code_text(number) in have:
                continue
            ctx.ensure_part(f"budget line {job}/{number}",
                            lambda n=number: "yes" if self._budget_row(job, n) else None,
                            lambda n=number: str(self._insert("bdglin", {"recnum": job, "phsnum": 0,
                                                                         "cstcde": n})["_idnum"]))

    def _budget_row(self, job: int, code: Decimal, phase: int = 0) -> dict[str, Any] | None:
        rows = [r for r in self._list("bdglin", recnum=job, cstcde=code) if (r.get("phsnum") or 0) == phase]
        return rows[0] if rows else None

    def export_cost_codes(self, job_id: str, codes: tuple[p.CostCodeSpec, ...], ctx: ExportContext) -> dict[str, str]:
        plain = [c for c in codes if c.sub_job is None]
        self._ensure_cost_codes(plain, ctx)
        self._shell_budget(int(job_id), plain, ctx)
        return {c.code: f"{job_id}:{_code_text(sage_code(c.code))}" for c in plain}

    def export_vendor(self, vendor: p.VendorExport, ctx: ExportContext) -> p.Receipt:
        number = int(vendor.vendor_id)
        body = {"recnum": number, "vndnme": vendor.name[:75], "shtnme": vendor.name[:30],
                "addrs1": _cut(vendor.address, 50), "ctynme": _cut(vendor.city, 50),
                "state_": _cut(vendor.state, 10), "zipcde": _cut(vendor.zip, 10)}
        _, adopted = ctx.ensure(f"vendor {number}", lambda: self._exists("actpay", number),
                                lambda: str(self._insert("actpay", body)["recnum"]))
        return p.Receipt(vendor.vendor_id, {"table": "actpay"}, adopted=adopted)

    # -- budgets ---------------------------------------------------------------------------

    def export_budget(self, budget: p.BudgetExport, ctx: ExportContext) -> p.Receipt:
        job = int(budget.job_id)
        cells: dict[Decimal, dict[int, Decimal]] = defaultdict(dict)
        for line in budget.lines:
            if line.sub_job is not None:
                raise ErpRejected("budget lines on sub jobs (phases) are entered in Sage 100 Contractor")
            cells[sage_code(line.cost_code)][self._cost_type(line.cost_type)] = line.amount
        if budget.origin_id is None:
            # Set up in one system only: a budget with amounts already in Sage was not made here.
            entered = ctx.call(f"budget of job {job}", lambda: [r for r in self._list("bdglin", recnum=job)
                                                                 if _row_total(r) != 0])
            if entered and not ctx.may_adopt:
                raise ErpRejected(f"job {job} already has a budget entered in Sage 100 Contractor; a budget is set up "
                                  f"in one system and then synced to the other")
            ctx.before_create()
        lines: dict[int, str] = {}
        for code, by_type in cells.items():
            # Absolute values per cell: writing them twice leaves the same budget.
            values: dict[str, Any] = {}
            for ctype, amount in by_type.items():
                current, original = BUDGET_COLUMNS[ctype]
                values[current] = amount
                values[original] = amount
            row = ctx.call(f"budget line {job}/{code}", lambda c=code: self._budget_row(job, c))
            if row is None:
                ctx.ensure_part(f"budget line {job}/{code}", lambda c=code: self._budget_row(job, c),
                                lambda c=code, v=values: self._insert("bdglin", {"recnum": job, "phsnum": 0,
                                                                                 "cstcde": c, **v}))
            else:
                ctx.call(f"budget line {job}/{code}", lambda r=row, v=values: self._patch("bdglin", r["_idnum"], v))
        for line in budget.lines:
            code = sage_code(line.cost_code)
            lines[line.line_id] = f"{job}:0:{_code_text(code)}:{self._cost_type(line.cost_type)}"
        return p.Receipt(str(job), {"table": "bdglin"}, lines)

    def export_budget_modification(self, mod: p.BudgetModificationExport, ctx: ExportContext) -> p.Receipt:
        job = int(mod.job_id)
        if mod.from_sub_job or mod.to_sub_job:
            raise ErpRejected("budget changes on sub jobs (phases) are entered in Sage 100 Contractor")
        ref = f"[Procore budget change {mod.modification_id}]"
        lines = [
            {"cstcde": sage_code(mod.from_cost_code), "csttyp": self._cost_type(mod.from_cost_type),
             "bdgprc": -mod.amount, "dscrpt": f"From {mod.from_cost_code}"[:50]},
            {"cstcde": sage_code(mod.to_cost_code), "csttyp": self._cost_type(mod.to_cost_type),
             "bdgprc": mod.amount, "dscrpt": f"To {mod.to_cost_code}"[:50]},
        ]
        body = {"jobnum": job, "phsnum": 0, "chgdte": _iso(mod.date), "status": 1,
                "dscrpt": (mod.notes or "Budget modification")[:50],
                "ntetxt": f"{mod.notes or ''}\n{ref}".strip(), "sbcgln": lines}
        recnum, adopted = ctx.ensure(f"budget change order for {ref}", lambda: self._change_order(job, ref),
                                     lambda: str(self._insert("prmchg", body)["recnum"]))
        return p.Receipt(recnum, {"table": "prmchg"}, adopted=adopted)

    def _change_order(self, job: int, ref: str) -> str | None:
        for row in self._list("prmchg", jobnum=job):
            if ref in (row.get("ntetxt") or ""):
                return str(row["recnum"])
        return None

    # -- commitments --------------------------------------------------------------------------

    def export_commitment(self, commitment: p.CommitmentExport, ctx: ExportContext) -> p.Receipt:
        job = int(commitment.job_id)
        vendor = int(commitment.vendor_id)
        self._ensure_cost_codes([p.CostCodeSpec(ln.cost_code, ln.description, ()) for ln in commitment.lines], ctx)
        if commitment.kind == "subcontract":
            body = {"ctcnum": commitment.number, "vndnum": vendor, "jobnum": job, "phsnum": 0,
                    "dscrpt": commitment.title[:50], "status": 3, "rtnrte": commitment.retainage_percent,
                    "condte": _iso(commitment.date),
                    "sbcnln": [{"cstcde": sage_code(ln.cost_code), "csttyp": self._cost_type(ln.cost_type),
                                "amount": ln.amount, "dscrpt": ln.description[:50] or None}
                               for ln in commitment.lines]}

            def find() -> str | None:
                rows = [r for r in self._list("subcon", ctcnum=commitment.number) if r["jobnum"] == job]
                return str(rows[0]["recnum"]) if rows else None

            recnum, adopted = ctx.ensure(f"subcontract {commitment.number}", find,
                                         lambda: str(self._insert("subcon", body)["recnum"]))
            record = self._get("subcon", recnum) or {}
            sov = sorted(record.get("sbcnln", []), key=lambda r: r["linnum"])
            table = "subcon"
        else:
            body = {"ordnum": commitment.number, "orddte": _iso(commitment.date), "vndnum": vendor, "jobnum": job,
                    "phsnum": 0, "dscrpt": commitment.title[:50], "status": 1,
                    "pcorln": [{"cstcde": sage_code(ln.cost_code), "csttyp": self._cost_type(ln.cost_type),
                                "linqty": ln.quantity if ln.quantity is not None else Decimal(1),
                                "linprc": ln.unit_cost if ln.unit_cost is not None else ln.amount,
                                "dscrpt": ln.description[:50] or None} for ln in commitment.lines]}

            def find() -> str | None:
                rows = [r for r in self._list("pchord", ordnum=commitment.number) if r["jobnum"] == job]
                return str(rows[0]["recnum"]) if rows else None

            recnum, adopted = ctx.ensure(f"purchase order {commitment.number}", find,
                                         lambda: str(self._insert("pchord", body)["recnum"]))
            record = self._get("pchord", recnum) or {}
            sov = sorted(record.get("pcorln", []), key=lambda r: r["linnum"])
            table = "pchord"
        lines = {ln.line_id: f"{recnum}:{row['linnum']}" for ln, row in zip(commitment.lines, sov)}
        return p.Receipt(recnum, {"table": table, "number": commitment.number, "lines": len(commitment.lines)},
                         lines, adopted=adopted)

    def export_change_order(self, cco: p.ChangeOrderExport, ctx: ExportContext) -> p.Receipt:
        job = int(cco.job_id)
        self._ensure_cost_codes([p.CostCodeSpec(ln.cost_code, ln.description, ()) for ln in cco.lines], ctx)
        if cco.commitment_kind == "purchase_order":
            return self._po_change_order(cco, ctx)
        ref = f"[Procore CCO {cco.commitment_origin_id}/{cco.number}]"
        # The same subcontract line changed twice on one CCO goes over as one line.
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for ln in cco.lines:
            linnum = int(ln.commitment_line_origin.split(":")[1]) if ln.commitment_line_origin else None
            key = (linnum,) if linnum is not None else ("new", ln.line_id)
            entry = merged.setdefault(key, {"cstcde": sage_code(ln.cost_code), "csttyp": self._cost_type(ln.cost_type),
                                            "bdgprc": ZERO, "vndctc": int(cco.commitment_origin_id),
                                            "ctclin": linnum, "dscrpt": (ln.description or cco.title)[:50]})
            entry["bdgprc"] += ln.amount
        scope = (cco.description or "")[: 1000 - len(ref) - 1]
        body = {"jobnum": job, "phsnum": 0, "chgdte": _iso(cco.export_date), "status": 1,
                "dscrpt": cco.title[:50] or None, "ntetxt": f"{scope}\n{ref}".strip(),
                "sbcgln": list(merged.values())}
        if self.use_procore_change_order_number:
            body["chgnum"] = int(cco.number)
        recnum, adopted = ctx.ensure(f"change order {cco.number}", lambda: self._change_order(job, ref),
                                     lambda: str(self._insert("prmchg", body)["recnum"]))
        record = self._get("prmchg", recnum) or {}
        # Lines changing the same subcontract line were merged, so CCO lines carry no ERP line ids of their own.
        return p.Receipt(recnum, {"table": "prmchg", "chgnum": record.get("chgnum")}, adopted=adopted)

    def _po_change_order(self, cco: p.ChangeOrderExport, ctx: ExportContext) -> p.Receipt:
        po = cco.commitment_origin_id
        new_rows = []
        for i, ln in enumerate(cco.lines):
            qty = ln.quantity if ln.quantity is not None else Decimal(1)
            price = ln.unit_cost if ln.unit_cost is not None else ln.amount
            # The title goes on the first row below the existing lines, tagged with the change order #.
            text = f"CO {cco.number}: {cco.title}" if i == 0 else (ln.description or cco.title)
            new_rows.append({"recnum": int(po), "cstcde": sage_code(ln.cost_code),
                             "csttyp": self._cost_type(ln.cost_type), "linqty": qty, "linprc": price,
                             "dscrpt": text[:50] or None})

        def signature(row: dict[str, Any]) -> tuple[Any, ...]:
            return (_code_text(Decimal(str(row["cstcde"]))), row["csttyp"], _dec(row["linqty"]), _dec(row["linprc"]),
                    row.get("dscrpt") or None)

        wanted = [signature(r) for r in new_rows]
        original = self._original_po_lines(po, cco)

        def find() -> str | None:
            rows = sorted((self._get("pchord", po) or {}).get("pcorln", []), key=lambda r: r["linnum"])
            appended = rows[original:]
            sigs = [signature(r) for r in appended]
            for start in range(0, len(sigs) - len(wanted) + 1):
                if sigs[start:start + len(wanted)] == wanted:
                    first = appended[start]["linnum"]
                    return f"{po}:{first}-{first + len(wanted) - 1}"
            return None

        def create() -> str:
            numbers = [self._insert("pcorln", row)["linnum"] for row in new_rows]
            return f"{po}:{numbers[0]}-{numbers[-1]}"

        origin, adopted = ctx.ensure(f"lines for PO change order {cco.number}", find, create)
        first, last = (int(x) for x in origin.split(":")[1].split("-"))
        lines = {ln.line_id: f"{po}:{first + i}" for i, ln in enumerate(cco.lines)}
        return p.Receipt(origin, {"table": "pcorln"}, lines, adopted=adopted)

    def _original_po_lines(self, po: str, cco: p.ChangeOrderExport) -> int:
        return int(cco.commitment_origin_data.get("lines") or 0)

    # -- subcontractor invoices -------------------------------------------------------------------

    def export_invoice(self, invoice: p.InvoiceExport, ctx: ExportContext) -> p.Receipt:
        job = int(invoice.job_id)
        vendor_no = int(invoice.vendor_id)
        vendor = ctx.call(f"vendor {vendor_no}", lambda: self._get("actpay", vendor_no))
        if vendor is None:
            raise ErpRejected(f"vendor {vendor_no} is not in Sage 100 Contractor")
        if not vendor.get("duedte"):
            raise ErpRejected(f"vendor {vendor_no} has no invoice defaults (due terms) in 4-4 Vendors; set them "
                              f"before exporting subcontractor invoices")
        job_row = ctx.call(f"job {job}", lambda: self._get("actrec", job))
        if job_row is None or not job_row.get("dptmnt"):
            raise ErpRejected(f"job {job} has no default department in 3-5 Jobs; set it before exporting "
                              f"subcontractor invoices")
        is_sub = invoice.commitment_kind == "subcontract"
        number = invoice.commitment_origin_data.get("number")
        lines = []
        for ln in invoice.lines:
            row = {"prtdsc": (ln.description or "")[:50] or None, "jobnum": job, "phsnum": 0,
                   "cstcde": sage_code(ln.cost_code), "csttyp": self._cost_type(ln.cost_type),
                   # Work completed this period plus newly entered materials presently stored.
                   "extttl": ln.amount, "hldamt": ln.retainage_this_period}
            if is_sub and ln.commitment_line_origin:
                row["ctclin"] = int(ln.commitment_line_origin.split(":")[1])
            lines.append(row)
        body = {"invnum": invoice.erp_invoice_id, "vndnum": vendor_no, "jobnum": job, "phsnum": 0,
                "invdte": _iso(invoice.billing_date), "dscrpt": (invoice.description or "")[:50] or None,
                "invtyp": 1, "status": 1, "retain": invoice.retainage_this_period,
                "actper": invoice.accounting_date.month, "apivln": lines}
        body["ctcnum" if is_sub else "pchord"] = number

        def find() -> str | None:
            rows = self._list("acpinv", invnum=invoice.erp_invoice_id, vndnum=vendor_no)
            return str(rows[0]["recnum"]) if rows else None

        recnum, adopted = ctx.ensure(f"AP invoice {invoice.erp_invoice_id}", find,
                                     lambda: str(self._insert("acpinv", body)["recnum"]))
        notes: tuple[str, ...] = ()
        if invoice.retainage_released:
            notes = (self._release(invoice, vendor_no, int(recnum), ctx),)
        record = self._get("acpinv", recnum) or {}
        rows = sorted(record.get("apivln", []), key=lambda r: r["linnum"])
        line_origins = {ln.line_id: f"{recnum}:{row['linnum']}" for ln, row in zip(invoice.lines, rows)}
        return p.Receipt(recnum, {"table": "acpinv", "invnum": invoice.erp_invoice_id}, line_origins, notes,
                         adopted)

    def _release(self, invoice: p.InvoiceExport, vendor: int, this: int, ctx: ExportContext) -> str:
        """Take released retainage off earlier invoices' Retainage Held (4-2), oldest first.

        Targets are absolute: each earlier invoice's held amount as entered (its lines' ``hldamt``) less its
        share of everything released up to this invoice, so Sage ends holding Procore's total retainage and a
        repeated export changes nothing.
        """
        number = invoice.commitment_origin_data.get("number")
        link = "ctcnum" if invoice.commitment_kind == "subcontract" else "pchord"
        listed = [r for r in self._list("acpinv", vndnum=vendor, jobnum=int(invoice.job_id))
                  if r.get(link) == number and r["recnum"] != this and r.get("status") != 5]
        earlier = sorted((self._get("acpinv", r["recnum"]) or r for r in listed), key=lambda r: r["recnum"])
        entered = [(r, sum((_dec(x.get("hldamt")) for x in r.get("apivln", [])), Decimal("0"))) for r in earlier]
        held_before = invoice.total_retainage - invoice.retainage_this_period + invoice.retainage_released
        released_total = sum((h for _, h in entered), Decimal("0")) - held_before + invoice.retainage_released
        if released_total > sum((h for _, h in entered), Decimal("0")):
            raise ErpRejected(f"Sage 100 Contractor holds less retainage on {number} than the "
                              f"{_money(invoice.retainage_released)} released")
        changed = []
        remaining = released_total
        for row, held in entered:
            take = min(held, max(remaining, Decimal("0")))
            remaining -= take
            target = held - take
            if _dec(row.get("retain")) != target:
                ctx.call(f"release retainage on invoice {row['recnum']}",
                         lambda r=row["recnum"], t=target: self._patch("acpinv", r, {"retain": t}))
                changed.append(str(row["recnum"]))
        return f"released {_money(invoice.retainage_released)} of retainage held on earlier invoices " \
               f"{', '.join(changed) or '(already released)'}"

    # -- existence (unlink) ---------------------------------------------------------------------

    def exists(self, object_name: str, origin_id: str, origin_data: dict[str, Any]) -> bool:
        if object_name == "vendors":
            return self._get("actpay", int(origin_id)) is not None
        if object_name == "projects":
            return self._get("actrec", int(origin_id)) is not None
        if object_name == "commitments":
            return self._get(origin_data.get("table", "subcon"), origin_id) is not None
        if object_name == "commitment_change_orders":
            if origin_data.get("table") == "pcorln":
                po, span = origin_id.split(":")
                first, last = (int(x) for x in span.split("-"))
                rows = (self._get("pchord", po) or {}).get("pcorln", [])
                return any(first <= r["linnum"] <= last for r in rows)
            return self._get("prmchg", origin_id) is not None
        if object_name == "subcontractor_invoices":
            row = self._get("acpinv", origin_id)
            return row is not None and row.get("status") != 5
        raise ErpRejected(f"cannot look up {object_name} in Sage 100 Contractor")

    # -- imports ------------------------------------------------------------------------------

    def fetch_cost_codes(self) -> list[p.ErpCostCode]:
        return [p.ErpCostCode(_code_text(r["recnum"]), r["cdenme"], (), str(r.get("divnum") or ""))
                for r in self._list("cstcde") if not r.get("inactv")]

    def fetch_cost_types(self) -> list[p.ErpCostType]:
        bases = {1: "materials", 2: "labor", 3: "equipment", 4: "commitment", 5: "other"}
        return [p.ErpCostType(str(r["recnum"]), r["typnme"], bases.get(r["recnum"], "other"))
                for r in self._list("csttyp")]

    def _codes_from_budget(self, rows: list[dict[str, Any]], positive_only: bool) -> list[p.ErpCostCode]:
        names = {_code_text(r["recnum"]): r["cdenme"] for r in self._list("cstcde")}
        out = []
        for row in rows:
            code = _code_text(row["cstcde"])
            types = tuple(str(t) for t, (current, _) in BUDGET_COLUMNS.items()
                          if not positive_only or _dec(row.get(current)) > 0)
            if positive_only and not types:
                continue
            out.append(p.ErpCostCode(code, names.get(code, code), types))
        return out

    def fetch_jobs(self) -> list[p.ErpJob]:
        out = []
        budgets: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in (r for r in self._list("bdglin") if not r.get("phsnum")):
            budgets[row["recnum"]].append(row)
        names = {_code_text(r["recnum"]): r["cdenme"] for r in self._list("cstcde")}
        for job in self._list("actrec"):
            if job.get("inactv"):
                continue
            codes = []
            for row in budgets.get(job["recnum"], []):
                code = _code_text(row["cstcde"])
                types = tuple(str(t) for t, (current, _) in BUDGET_COLUMNS.items() if _dec(row.get(current)) > 0)
                codes.append(p.ErpCostCode(code, names.get(code, code), types))
            out.append(p.ErpJob(str(job["recnum"]), job["jobnme"], job.get("addrs1"), job.get("ctynme"),
                                job.get("state_"), job.get("zipcde"), _date(job.get("strdte")),
                                _date(job.get("cmpdte")), tuple(codes)))
        return out

    def fetch_sub_jobs(self, job_id: str) -> list[p.ErpSubJob]:
        job = int(job_id)
        phases = [r for r in self._list("jobphs", recnum=job) if r["phsnum"] >= 1]
        out = []
        for phase in phases:
            rows = self._phase_rows(job, phase["phsnum"])
            # Cost codes come from the phase's budget lines with amounts above $0.
            out.append(p.ErpSubJob(job_id, str(phase["phsnum"]), phase["phsnme"],
                                   tuple(self._codes_from_budget(rows, positive_only=True))))
        return out

    def fetch_vendors(self) -> list[p.ErpVendor]:
        # Phone numbers are not synced [PC-ttk100].
        return [p.ErpVendor(str(r["recnum"]), r["vndnme"], r.get("addrs1"), r.get("ctynme"), r.get("state_"),
                            r.get("zipcde"), active=not r.get("inactv")) for r in self._list("actpay")]

    def fetch_budget(self, job_id: str) -> p.ErpBudget | None:
        rows = self._list("bdglin", recnum=int(job_id))
        lines = []
        for row in rows:
            sub = None if not row.get("phsnum") else str(row["phsnum"])
            for ctype, (current, _) in BUDGET_COLUMNS.items():
                amount = _dec(row.get(current))
                if amount:
                    lines.append(p.ErpBudgetLine(_code_text(row["cstcde"]), str(ctype), amount, sub))
        return p.ErpBudget(str(job_id), tuple(lines), {"table": "bdglin"}) if lines else None

    def _commitment_invoices(self, job: int) -> set[tuple[int, str]]:
        return {(r["vndnum"], r["invnum"]) for r in self._list("acpinv", jobnum=job)
                if r.get("ctcnum") or r.get("pchord")}

    def fetch_job_costs(self, job_id: str, today: dt.date) -> list[p.ErpJobCost]:
        job = int(job_id)
        committed = self._commitment_invoices(job)
        totals: dict[tuple[str | None, str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in (r for r in self._list("jobcst", jobnum=job) if r.get("status") != 2):
            key = (str(row["phsnum"]) if row.get("phsnum") else None, _code_text(row["cstcde"]), str(row["csttyp"]))
            amount = _dec(row.get("cstamt"))
            bucket = totals[key]
            bucket["jtd"] += amount
            when = _date(row.get("trndte"))
            if when is not None and (when.year, when.month) == (today.year, today.month):
                bucket["mtd"] += amount
            if row.get("srcnum") == 2 and (row.get("vndnum"), row.get("trnnum")) in committed:
                bucket["invoiced"] += amount
        return [p.ErpJobCost(code, ctype, _q(b["jtd"]), _q(b["mtd"]), _q(b["invoiced"]), sub_job=sub)
                for (sub, code, ctype), b in sorted(totals.items(), key=lambda kv: str(kv[0]))]

    def fetch_cost_transactions(self, job_id: str) -> list[p.ErpCostTransaction]:
        job = int(job_id)
        committed = self._commitment_invoices(job)
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in self._list("jobcst", jobnum=job):
            source = row.get("srcnum") or 4
            if source == 2:
                key: tuple[Any, ...] = (2, row.get("vndnum"), row.get("trnnum"), row.get("status"))
            else:
                key = (source, row["recnum"])
            groups[key].append(row)
        out = []
        for key, rows in groups.items():
            head = rows[0]
            source = key[0]
            kind = SOURCES.get(source, "expense")
            if source == 2 and (head.get("vndnum"), head.get("trnnum")) in committed:
                kind = "subcontractor_invoice"
            origin = f"acpinv:{head.get('vndnum')}:{head.get('trnnum')}" if source == 2 else f"jobcst:{head['recnum']}"
            out.append(p.ErpCostTransaction(
                origin, kind, "Approved" if head.get("status") != 2 else "Void",
                _date(head.get("trndte")) or dt.date.today(),
                tuple(p.ErpCostTransactionLine(_code_text(r["cstcde"]), str(r["csttyp"]), _dec(r.get("cstamt")),
                                               r.get("dscrpt") or "", str(r["phsnum"]) if r.get("phsnum") else None)
                      for r in rows),
                vendor_id=str(head["vndnum"]) if source == 2 and head.get("vndnum") else None,
                invoice_number=head.get("trnnum") if source == 2 else None,
                description=head.get("dscrpt") or ""))
        return out


class _Missing(ErpRejected):
    """HTTP 404: no such record."""


def sage_code(code: str) -> Decimal:
    """A Procore cost code as a Sage 6-5 cost code: ``3.100`` stays, ``03-100`` becomes ``3.100``."""
    text = code.strip()
    match = SECTIONED.match(text)
    try:
        value = Decimal(f"{int(match.group(1))}.{match.group(2).ljust(3, '0')}") if match else Decimal(text)
    except (InvalidOperation, ValueError):
        raise ErpRejected(f"cost code {code!r} cannot be a Sage 100 Contractor cost code: they are numbers with up "
                          f"to 3 decimals") from None
    if value < 1 or value != value.quantize(Decimal("0.001")):
        raise ErpRejected(f"cost code {code!r} cannot be a Sage 100 Contractor cost code: it would begin with zero "
                          f"or have more than 3 decimals")
    return value.quantize(Decimal("0.001"))


def _code_text(value: Any) -> str:
    return f"{Decimal(str(value)):.3f}"


def _message(error: dict[str, Any]) -> str:
    details = error.get("details") or []
    texts = [d.get("message", "") for d in details if d.get("message")] or [error.get("message", "")]
    head = "; ".join(t for t in texts if t)
    tags = "/".join(x for x in (error.get("code"), error.get("rule")) if x)
    return f"{head} [{tags}]" if tags else head


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot send {type(value).__name__}")


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if value is None:
            continue
        out[key] = [_clean(v) for v in value] if isinstance(value, list) else value
    return out


def _param(value: Any) -> str:
    if isinstance(value, Decimal):
        return _code_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cut(value: str | None, length: int) -> str | None:
    return None if not value else value[:length]


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _dec(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal("0")
    return Decimal(str(value))


def _row_total(row: dict[str, Any]) -> Decimal:
    return sum((_dec(row.get(current)) for current, _ in BUDGET_COLUMNS.values()), Decimal("0"))


def _money(value: Decimal) -> str:
    return f"${value.quantize(CENT, ROUND_HALF_UP):,.2f}"


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)

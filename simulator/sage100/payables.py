"""Payable invoices and their lines, vendor payments, and job cost.

An invoice touches three other records' figures, each moved by difference
(what it did before the change against what it does after):

- the subcontract or purchase order it is entered against ("entered" totals,
  the invoice-over-commitment checks, the PO balance);
- the subcontract lines it bills (invoiced / remaining), when it posts or as it
  is paid, per the company setting ``subcontract_invoiced_on``;
- job cost: posting writes one ``jobcst`` row per job distribution; voiding
  voids them.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulator.sage100.books import CENT, ZERO, Books, Row, dec, money
from simulator.sage100.commitments import change_subcontract_line, refresh_po
from simulator.sage100.handler import Handler, changed, with_defaults
from simulator.sage100.tables import (
    PAID_INVOICE,
    SOURCE_PAYABLES,
    SYSTEM_INVOICE_STATUSES,
    TABLES,
    VOID_INVOICE,
)

INVOICE_NUMBERS = "sage100._invnum"
DISPUTE = 3
VOID_COST = 2
# What may still change once an invoice has posted (releasing retention included [SH-ret]).
POSTED_EDITABLE = {"status", "dscrpt", "duedte", "dscdte", "retain", "actper", "btcnum", "setpay"}

Links = dict[str, Any]


def term_date(start: str, terms: str | None) -> str | None:
    """A due or discount date from vendor terms: ``30DY`` days after, ``10TH`` of next month, ``01MO`` months after."""
    if not terms:
        return None
    n, unit = int(terms[:2]), terms[2:]
    day = date.fromisoformat(start)
    if unit == "DY":
        return (day + timedelta(days=n)).isoformat()
    months = 1 if unit == "TH" else n
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    wanted = n if unit == "TH" else day.day
    return date(year, month, max(1, min(wanted, calendar.monthrange(year, month)[1]))).isoformat()


# -- job cost ------------------------------------------------------------------------


def posted_from(row: Row) -> str | None:
    """The journal or payroll record whose posting wrote this cost, if one did."""
    if row["_lgrtrn"]:
        return f"journal transaction (lgrtrn) {row['trnnum']}"
    if row["_payrec"]:
        return f"payroll record (payrec) {row['payrec']}"
    return None


def cost_contribution(books: Books, row: Row | None) -> dict[Any, Decimal]:
    if row is None or row["status"] == VOID_COST:
        return {}
    combo = books.combo(row["jobnum"], row["phsnum"], row["cstcde"], row["csttyp"])
    out = {}
    if dec(row["cstamt"]):
        out[("cost", combo)] = dec(row["cstamt"])
    if dec(row["csthrs"]):
        out[("hours", combo)] = dec(row["csthrs"])
    return out


class JobCosts(Handler):
    name = "jobcst"

    def write(self, values: dict[str, Any], record: Any = None) -> Row:
        """A job cost row from any source; the caller has validated its distribution."""
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("jobcst", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"job cost record {recnum}")
        v["recnum"] = recnum or b.next_recnum(self.table)
        job = b.by_key("actrec", str(v["jobnum"]))
        assert job is not None
        for name in ("cstamt", "csthrs"):
            v[name] = dec(v.get(name))
        row = b.create(self.table, v, key=None, parent=job.id, id=v["recnum"])
        b.shift({}, cost_contribution(b, row), "jobcst", row["recnum"], "cstamt")
        return row

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        record = values.get("recnum")
        if values.get("srcnum") == SOURCE_PAYABLES:
            raise b.refuse("jobcst", record, "srcnum", "payables_source",
                           "payable-invoice job cost (source 2) comes only from posting 4-2 invoices")
        b.distribution("jobcst", record, values["jobnum"], values.get("phsnum"), values["cstcde"], values["csttyp"])
        if values.get("vndnum") is not None:
            b.vendor(values["vndnum"], "jobcst", record)
        return self.write(values, record)

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        if not diff:
            return row
        if row["srcnum"] == SOURCE_PAYABLES or values.get("srcnum") == SOURCE_PAYABLES:
            raise b.refuse("jobcst", row["recnum"], "srcnum", "payables_source",
                           "payable-invoice job cost changes only through its invoice (4-2)")
        if posted_from(row):
            raise b.refuse("jobcst", row["recnum"], sorted(diff)[0], "posted_source",
                           f"this cost was posted from {posted_from(row)}; void that record instead")
        if "status" in diff and row["status"] == VOID_COST:
            raise b.refuse("jobcst", row["recnum"], "status", "void_is_final", "a 2-Void job cost stays void")
        merged = {**row.values, **values}
        if diff & {"jobnum", "phsnum", "cstcde", "csttyp"}:
            b.distribution("jobcst", row["recnum"], merged["jobnum"], merged["phsnum"], merged["cstcde"],
                           merged["csttyp"])
        if "vndnum" in diff and merged["vndnum"] is not None:
            b.vendor(merged["vndnum"], "jobcst", row["recnum"])
        for name in ("cstamt", "csthrs"):
            merged[name] = dec(merged.get(name))
        before = cost_contribution(b, row)
        job = b.by_key("actrec", str(merged["jobnum"]))
        assert job is not None
        row.values.update(merged)
        b.save(row, parent=job.id)
        b.shift(before, cost_contribution(b, row), "jobcst", row["recnum"], "cstamt")
        return row

    def delete(self, row: Row) -> None:
        if row["srcnum"] == SOURCE_PAYABLES:
            raise self.b.refuse("jobcst", row["recnum"], "srcnum", "payables_source",
                                "payable-invoice job cost is removed by voiding its invoice (4-2)")
        if posted_from(row):
            raise self.b.refuse("jobcst", row["recnum"], "recnum", "posted_source",
                                f"this cost was posted from {posted_from(row)}; void that record instead")
        before = cost_contribution(self.b, row)
        self.b.remove(row)
        self.b.shift(before, {}, "jobcst", row["recnum"], "recnum")


def void_cost(books: Books, row: Row) -> None:
    before = cost_contribution(books, row)
    row.values["status"] = VOID_COST
    books.save(row)
    books.shift(before, {}, "jobcst", row["recnum"], "status")


def void_costs(books: Books, ids: list[int] | None) -> None:
    """Void the job cost a posting wrote (those still open)."""
    for cost_id in ids or []:
        cost = books.get("jobcst", cost_id)
        if cost is not None and cost["status"] != VOID_COST:
            void_cost(books, cost)


def line_total(books: Books, table: str, v: dict[str, Any], record: Any, explicit_total: bool) -> None:
    """A grid line's amount: quantity times price when both are given (and must match a given amount)."""
    if v.get("linqty") is not None and v.get("linprc") is not None:
        total = (v["linqty"] * v["linprc"]).quantize(CENT, ROUND_HALF_UP)
        if abs(total) > TABLES[table].by_name["extttl"].limit:
            raise books.refuse(table, record, "linprc", "digits", f"quantity times price {total} is too large")
        if explicit_total and v.get("extttl") is not None and v["extttl"] != total:
            raise books.refuse(table, record, "extttl", "extended_total",
                               f"amount {v['extttl']} is not quantity times price ({total})")
        v["extttl"] = total
    elif v.get("extttl") is None:
        raise books.refuse(table, record, "extttl", "required", "give an amount, or a quantity and a price")


# -- invoices --------------------------------------------------------------------------


def invoice_links(books: Books, inv: Row, lines: list[Row]) -> Links:
    """What the invoice does to other records right now: entered totals and billed subcontract lines."""
    links: Links = {"entered": {}, "count": {}, "billed": {}}
    target = ("subcon", inv["_sub"]) if inv["_sub"] else ("pchord", inv["_po"]) if inv["_po"] else None
    if target is None:
        return links
    links["count"][target] = 1
    if inv["status"] == VOID_INVOICE:
        return links
    total = dec(inv["invttl"])
    links["entered"][target] = total
    if target[0] != "subcon":
        return links
    if books.settings.subcontract_invoiced_on == "post":
        share = Decimal(1) if inv["posted"] else ZERO
    else:
        share = min(Decimal(1), dec(inv["amtpad"]) / total) if total > 0 else ZERO
    if not share:
        return links
    # Spread the billed amount over the lines so the cents add up exactly.
    billed_total = (total * share).quantize(CENT, ROUND_HALF_UP)
    remaining = billed_total
    billable = [line for line in lines if line["_sbcnln"]]
    for i, line in enumerate(billable):
        if i == len(billable) - 1:
            part = remaining
        else:
            part = (dec(line["extttl"]) * share).quantize(CENT, ROUND_HALF_UP)
        remaining -= part
        links["billed"][line["_sbcnln"]] = links["billed"].get(line["_sbcnln"], ZERO) + part
    return links


def apply_links(books: Books, inv: Row, before: Links, after: Links) -> None:
    """Move the invoice's effects from ``before`` to ``after``; run the invoice-over-commitment checks."""
    for target in set(before["entered"]) | set(after["entered"]) | set(before["count"]) | set(after["count"]):
        delta = after["entered"].get(target, ZERO) - before["entered"].get(target, ZERO)
        count = after["count"].get(target, 0) - before["count"].get(target, 0)
        if not delta and not count:
            continue
        table, ident = target
        header = books.get(table, ident)
        assert header is not None
        header.values["_entered"] = str(dec(header["_entered"]) + delta)
        header.values["_invoices"] = int(header["_invoices"] or 0) + count
        if table == "pchord":
            refresh_po(books, header)
        else:
            books.save(header)
        if delta > 0:
            _check_commitment(books, inv, header)
    for line_id in set(before["billed"]) | set(after["billed"]):
        delta = after["billed"].get(line_id, ZERO) - before["billed"].get(line_id, ZERO)
        line = books.get("sbcnln", line_id)
        if delta and line is not None:
            change_subcontract_line(books, line, "billed", delta)


def _check_commitment(books: Books, inv: Row, header: Row) -> None:
    if header.table.name == "subcon":
        name, limit, what = "invoice_over_subcontract", dec(header["ctcttl"]), f"subcontract {header['ctcnum']}"
    else:
        name, limit, what = "invoice_over_po", dec(header["pchttl"]) - dec(header["cancel"]), \
            f"purchase order {header['ordnum']}"
    check = books.settings.checks[name]
    entered = dec(header["_entered"])
    if check.mode != "No message" and entered > check.allowed(limit):
        books.apply_mode(check.mode, "acpinv", inv["recnum"], "invttl", name,
                         f"invoices entered against {what} total {money(entered)}, more than its {money(limit)}")


def refresh_invoice(books: Books, inv: Row, lines: list[Row]) -> None:
    total = sum((dec(line["extttl"]) for line in lines), ZERO)
    if inv["_retain_auto"]:
        held = [line["hldamt"] for line in lines if line["hldamt"] is not None]
        if held:
            retain = sum((dec(h) for h in held), ZERO)
        elif inv["_sub"]:
            sub = books.get("subcon", inv["_sub"])
            rate = dec(sub["rtnrte"]) if sub is not None else ZERO
            retain = (total * rate / 100).quantize(CENT, ROUND_HALF_UP)
        else:
            retain = ZERO
        inv.values["retain"] = retain
    paid = dec(inv["amtpad"])
    inv.values.update(invttl=total, invnet=total - dec(inv["retain"]), amtpad=paid, invbal=total - paid,
                      hldamt=sum((dec(line["hldamt"]) for line in lines), ZERO))
    if inv["setpay"] is not None and dec(inv["setpay"]) > max(total - paid, ZERO):
        if inv["_setpay_checked"]:
            raise books.refuse("acpinv", inv["recnum"], "setpay", "setpay_over_balance",
                               f"the amount set to pay {money(dec(inv['setpay']))} is more than the balance "
                               f"{money(max(total - paid, ZERO))}")
        inv.values["setpay"] = max(total - paid, ZERO)  # a payment uses up what was set to pay
    inv.values.pop("_setpay_checked", None)
    if inv["status"] != VOID_INVOICE:
        if paid > 0 and total - paid <= 0:
            if inv["status"] != PAID_INVOICE:
                inv.values["_user_status"] = inv["status"]
            inv.values["status"] = PAID_INVOICE
        elif inv["status"] == PAID_INVOICE:
            inv.values["status"] = inv["_user_status"] or 1
    books.save(inv)


class InvoiceChange:
    """``with InvoiceChange(books, inv):`` around anything that changes an invoice or its lines."""

    def __init__(self, books: Books, inv: Row, *, new: bool = False) -> None:
        self.books, self.inv, self.new = books, inv, new

    def __enter__(self) -> InvoiceChange:
        # A new invoice has done nothing yet, though its links are already filled in.
        self.before = ({"entered": {}, "count": {}, "billed": {}} if self.new else
                       invoice_links(self.books, self.inv, self.books.children("apivln", self.inv.id)))
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            return
        lines = self.books.children("apivln", self.inv.id)
        refresh_invoice(self.books, self.inv, lines)
        apply_links(self.books, self.inv, self.before, invoice_links(self.books, self.inv, lines))


def _index_key(vndnum: int, invnum: str) -> str:
    return f"{vndnum}:{invnum.casefold()}"


def _index(books: Books, inv: Row, add: bool) -> None:
    """Invoice numbers per vendor, for the duplicate-invoice check without a scan."""
    key = _index_key(inv["vndnum"], inv["invnum"])
    record = books.records.get_by_key(INVOICE_NUMBERS, key)
    ids = set(record.data["ids"]) if record is not None else set()
    ids = ids | {inv.id} if add else ids - {inv.id}
    if record is None:
        books.records.insert(INVOICE_NUMBERS, {"ids": sorted(ids)}, key=key)
    else:
        books.records.update(INVOICE_NUMBERS, record.id, {"ids": sorted(ids)})


class Invoices(Handler):
    name = "acpinv"

    def _links(self, v: dict[str, Any], record: Any) -> None:
        """Resolve the subcontract or purchase order; default job and phase from it; check they agree."""
        b = self.b
        v["_sub"] = v["_po"] = None
        if v.get("ctcnum") and v.get("pchord"):
            raise b.refuse("acpinv", record, "pchord", "one_commitment",
                           "an invoice is entered against a subcontract or a purchase order, not both")
        header = None
        if v.get("ctcnum"):
            header = b.by_key("subcon", v["ctcnum"].casefold())
            if header is None:
                raise b.refuse("acpinv", record, "ctcnum", "subcontract_exists",
                               f"subcontract {v['ctcnum']!r} does not exist (6-7-1)")
            v["_sub"] = header.id
        elif v.get("pchord"):
            header = b.by_key("pchord", v["pchord"].casefold())
            if header is None:
                raise b.refuse("acpinv", record, "pchord", "po_exists",
                               f"purchase order {v['pchord']!r} does not exist (6-6-1)")
            v["_po"] = header.id
        if header is not None:
            field = "ctcnum" if v["_sub"] else "pchord"
            if header["vndnum"] != v["vndnum"]:
                raise b.refuse("acpinv", record, "vndnum", "commitment_vendor",
                               f"{field} {v[field]!r} is with vendor {header['vndnum']}, not {v['vndnum']}")
            if header["jobnum"] is not None:
                if v.get("jobnum") is None:
                    v["jobnum"] = header["jobnum"]
                    if not v.get("phsnum"):
                        v["phsnum"] = header["phsnum"]
                elif v["jobnum"] != header["jobnum"]:
                    raise b.refuse("acpinv", record, "jobnum", "commitment_job",
                                   f"{field} {v[field]!r} is on job {header['jobnum']}, not {v['jobnum']}")
        if v.get("jobnum") is not None:
            b.job(v["jobnum"], "acpinv", record, "jobnum")
            b.phase(v["jobnum"], v.get("phsnum"), "acpinv", record)
        elif v.get("phsnum"):
            raise b.refuse("acpinv", record, "phsnum", "phase_belongs_to_job", "a phase needs a job")

    def _vendor_rules(self, v: dict[str, Any], vendor: Row, record: Any, exclude: int | None) -> None:
        b = self.b
        if not v.get("pchord") and not v.get("ctcnum"):
            if vendor["pomesg"] == 2:
                raise b.refuse("acpinv", record, "pchord", "vendor_requires_po",
                               f"vendor {vendor['recnum']} requires a purchase order on every invoice")
            if vendor["pomesg"] == 1:
                b.warn("acpinv", record, "pchord", "vendor_requires_po",
                       f"vendor {vendor['recnum']} expects a purchase order on its invoices")
        if vendor["intrnl"]:
            b.warn("acpinv", record, "vndnum", "internal_vendor", f"vendor {vendor['recnum']} is an internal vendor")
        mode = b.settings.duplicate_invoice_check
        if mode != "No message" and vendor["dupchk"] is not False:
            entry = b.records.get_by_key(INVOICE_NUMBERS, _index_key(v["vndnum"], v["invnum"]))
            others = [i for i in (entry.data["ids"] if entry else []) if i != exclude]
            if others:
                b.apply_mode(mode, "acpinv", record, "invnum", "duplicate_invoice_number",
                             f"vendor {v['vndnum']} already has invoice {v['invnum']!r} (record {others[0]})")

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("acpinv", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"invoice record {recnum}")
        recnum = recnum or b.next_recnum(self.table)
        v["recnum"] = recnum
        if v["status"] in SYSTEM_INVOICE_STATUSES:
            raise b.refuse("acpinv", recnum, "status", "status_set_by_system",
                           "4-Paid and 5-Void are set by payment and void processing, not by users")
        vendor = b.vendor(v["vndnum"], "acpinv", recnum)
        self._links(v, recnum)
        self._vendor_rules(v, vendor, recnum, None)
        if v.get("invdte") is None:
            v["invdte"] = b.today
        if v.get("duedte") is None:
            v["duedte"] = term_date(v["invdte"], vendor["duedte"]) or v["invdte"]
        if v.get("dscdte") is None:
            v["dscdte"] = term_date(v["invdte"], vendor["dscdte"])
        if v.get("actper") is None:
            v["actper"] = int(v["invdte"][5:7])
        v["_retain_auto"] = v.get("retain") is None
        v["_setpay_checked"] = v.get("setpay") is not None
        v.update(invttl=ZERO, invnet=ZERO, amtpad=ZERO, invbal=ZERO, posted=False, _jobcst=[], _user_status=None)
        job = b.by_key("actrec", str(v["jobnum"])) if v.get("jobnum") is not None else None
        inv = b.create(self.table, v, key=None, parent=job.id if job else 0, id=recnum)
        _index(b, inv, True)
        with InvoiceChange(b, inv, new=True):
            for body in lines or []:
                InvoiceLines(b).add(inv, body)
        if not b.settings.invoices_arrive_unposted:
            self.post(inv)
        return inv

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        if not diff:
            return row
        if row["status"] == VOID_INVOICE:
            raise b.refuse("acpinv", row["recnum"], sorted(diff)[0], "void_invoice", "a 5-Void invoice cannot change")
        if row["posted"] and diff - POSTED_EDITABLE:
            raise b.refuse("acpinv", row["recnum"], sorted(diff - POSTED_EDITABLE)[0], "posted_invoice",
                           "the invoice is posted; only status, description, dates, retention and period can "
                           "change (void it and enter a new one instead)")
        if "status" in diff:
            if values["status"] in SYSTEM_INVOICE_STATUSES or row["status"] == PAID_INVOICE:
                raise b.refuse("acpinv", row["recnum"], "status", "status_set_by_system",
                               "4-Paid and 5-Void are set by payment and void processing, not by users")
        merged = {**row.values, **values}
        if diff & {"vndnum", "invnum", "jobnum", "phsnum", "pchord", "ctcnum"}:
            vendor = b.vendor(merged["vndnum"], "acpinv", row["recnum"])
            self._links(merged, row["recnum"])
            if diff & {"vndnum", "invnum"}:
                self._vendor_rules(merged, vendor, row["recnum"], row.id)
        if "retain" in values:
            merged["_retain_auto"] = values["retain"] is None
        merged["_setpay_checked"] = "setpay" in diff
        with InvoiceChange(b, row):
            if diff & {"vndnum", "invnum"}:
                _index(b, row, False)
            job = b.by_key("actrec", str(merged["jobnum"])) if merged.get("jobnum") is not None else None
            row.values.update(merged)
            b.save(row, parent=job.id if job else 0)
            if diff & {"vndnum", "invnum"}:
                _index(b, row, True)
            if diff & {"jobnum", "phsnum", "pchord", "ctcnum"}:
                for line in b.children("apivln", row.id):
                    InvoiceLines(b).settle(row, line.values, line.label)
                    b.save(line)
        return row

    def delete(self, row: Row) -> None:
        b = self.b
        if row["posted"]:
            raise b.refuse("acpinv", row["recnum"], "posted", "posted_invoice",
                           "a posted invoice cannot be removed; void it instead")
        if dec(row["amtpad"]) or b.has_children("acppmt", row.id):
            raise b.refuse("acpinv", row["recnum"], "amtpad", "invoice_has_payments",
                           "payments were made on this invoice")
        lines = b.children("apivln", row.id)
        before = invoice_links(b, row, lines)
        for line in lines:
            b.remove(line)
        b.remove(row)
        _index(b, row, False)
        apply_links(b, row, before, {"entered": {}, "count": {}, "billed": {}})

    def action(self, row: Row, name: str) -> Row:
        if name == "post":
            return self.post(row)
        if name == "void":
            return self.void(row)
        return super().action(row, name)

    def post(self, inv: Row) -> Row:
        """Post the invoice: its job distributions become job cost (source 2)."""
        b = self.b
        if inv["status"] == VOID_INVOICE:
            raise b.refuse("acpinv", inv["recnum"], "status", "void_invoice", "a 5-Void invoice cannot be posted")
        if inv["posted"]:
            raise b.refuse("acpinv", inv["recnum"], "posted", "already_posted", "the invoice is already posted")
        with InvoiceChange(b, inv):
            created = []
            for line in b.children("apivln", inv.id):
                if line["jobnum"] is None:
                    continue
                cost = JobCosts(b).write({
                    "jobnum": line["jobnum"], "phsnum": line["phsnum"] or 0, "cstcde": line["cstcde"],
                    "csttyp": line["csttyp"], "cstamt": dec(line["extttl"]), "trnnum": inv["invnum"],
                    "trndte": inv["invdte"], "dscrpt": (line["prtdsc"] or inv["dscrpt"] or inv["invnum"])[:50],
                    "srcnum": SOURCE_PAYABLES, "vndnum": inv["vndnum"], "_acpinv": inv.id,
                })
                created.append(cost.id)
            inv.values["posted"] = True
            inv.values["_jobcst"] = created
            b.save(inv)
        return inv

    def void(self, inv: Row) -> Row:
        b = self.b
        if inv["status"] == VOID_INVOICE:
            raise b.refuse("acpinv", inv["recnum"], "status", "void_invoice", "the invoice is already void")
        if dec(inv["amtpad"]):
            raise b.refuse("acpinv", inv["recnum"], "amtpad", "invoice_has_payments",
                           "remove the payments on this invoice before voiding it")
        with InvoiceChange(b, inv):
            void_costs(b, inv["_jobcst"])
            inv.values["status"] = VOID_INVOICE
            b.save(inv)
        return inv


class InvoiceLines(Handler):
    name = "apivln"

    def _header(self, idref: int, record: Any) -> Row:
        inv = self.b.get("acpinv", idref)
        if inv is None:
            raise self.b.refuse("apivln", record, "_idref", "header_exists", f"invoice _idnum {idref} does not exist")
        return inv

    def _open(self, inv: Row, record: Any, field: str) -> None:
        if inv["posted"] or inv["status"] == VOID_INVOICE:
            state = "posted" if inv["posted"] else "void"
            raise self.b.refuse("apivln", record, field, "posted_invoice",
                                f"invoice record {inv['recnum']} is {state}; its lines are fixed")

    def settle(self, inv: Row, v: dict[str, Any], record: Any, explicit_total: bool = False) -> None:
        """Fill and check one line against its invoice: distribution, amount, subcontract line."""
        b = self.b
        if v.get("jobnum") is None and inv["jobnum"] is not None:
            v["jobnum"] = inv["jobnum"]
        if v.get("phsnum") is None:
            v["phsnum"] = inv["phsnum"] if v.get("jobnum") == inv["jobnum"] else 0
        if v.get("jobnum") is not None:
            b.distribution("apivln", record, v["jobnum"], v["phsnum"], v.get("cstcde"), v.get("csttyp"))
        else:
            v["phsnum"] = 0
            if v.get("cstcde") is not None:
                b.cost_code(v["cstcde"], "apivln", record, "cstcde")
            if v.get("csttyp") is not None:
                b.cost_type(v["csttyp"], "apivln", record, "csttyp")
        line_total(b, "apivln", v, record, explicit_total)
        v["_sbcnln"] = None
        if inv["_sub"]:
            sub = b.get("subcon", inv["_sub"])
            assert sub is not None
            if v.get("jobnum") != sub["jobnum"]:
                raise b.refuse("apivln", record, "jobnum", "commitment_job",
                               f"subcontract {sub['ctcnum']!r} is on job {sub['jobnum']}")
            if v.get("ctclin") is not None:
                target = b.by_key("sbcnln", f"{sub['recnum']}:{v['ctclin']}")
                if target is None:
                    raise b.refuse("apivln", record, "ctclin", "subcontract_line_exists",
                                   f"subcontract {sub['ctcnum']!r} has no line {v['ctclin']}")
            else:
                matches = [line for line in b.children("sbcnln", sub.id)
                           if line["cstcde"] == v.get("cstcde") and line["csttyp"] == v.get("csttyp")]
                if len(matches) != 1:
                    why = "no line" if not matches else f"{len(matches)} lines"
                    raise b.refuse("apivln", record, "ctclin", "subcontract_line_exists",
                                   f"subcontract {sub['ctcnum']!r} has {why} for this cost code and type; "
                                   "name the line in ctclin")
                target = matches[0]
                v["ctclin"] = target["linnum"]
            v["_sbcnln"] = target.id

    def add(self, inv: Row, values: dict[str, Any]) -> Row:
        v = with_defaults(self.table, values)
        v["_idref"] = inv.id
        v["linnum"] = v.get("linnum") or self.next_line(inv.id)
        record = f"{inv.id}:{v['linnum']}"
        if self.b.by_key("apivln", record) is not None:
            raise self.duplicate(record, "linnum", f"line {v['linnum']} of invoice _idnum {inv.id}")
        self.settle(inv, v, record, explicit_total="extttl" in values)
        return self.b.create(self.table, v, key=record, parent=inv.id)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        inv = self._header(values["_idref"], f"{values['_idref']}:{values.get('linnum') or 'new'}")
        self._open(inv, values["_idref"], "_idref")
        with InvoiceChange(self.b, inv):
            line = self.add(inv, values)
        return line

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        inv = self._header(row["_idref"], row.label)
        if not changed(row, values):
            return row
        self._open(inv, row.label, sorted(changed(row, values))[0])
        merged = {**row.values, **values}
        if {"cstcde", "csttyp"} & set(values) and "ctclin" not in values:
            merged["ctclin"] = None  # match the subcontract line again
        self.settle(inv, merged, row.label, explicit_total="extttl" in values)
        with InvoiceChange(self.b, inv):
            row.values.update(merged)
            self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        inv = self._header(row["_idref"], row.label)
        self._open(inv, row.label, "linnum")
        with InvoiceChange(self.b, inv):
            self.b.remove(row)


class Payments(Handler):
    name = "acppmt"

    def _invoice(self, idref: int, record: Any) -> Row:
        inv = self.b.get("acpinv", idref)
        if inv is None:
            raise self.b.refuse("acppmt", record, "_idref", "invoice_exists", f"invoice _idnum {idref} does not exist")
        return inv

    def _payable(self, inv: Row, record: Any, amount: Decimal) -> None:
        b = self.b
        if inv["status"] == VOID_INVOICE:
            raise b.refuse("acppmt", record, "_idref", "invoice_void", f"invoice record {inv['recnum']} is void")
        if not inv["posted"]:
            raise b.refuse("acppmt", record, "_idref", "invoice_not_posted",
                           f"invoice record {inv['recnum']} is not posted; post it before paying")
        if inv["status"] == DISPUTE and b.settings.refuse_payment_on_dispute:
            raise b.refuse("acppmt", record, "_idref", "invoice_disputed",
                           f"invoice record {inv['recnum']} is in 3-Dispute")
        if inv["_sub"]:
            sub = b.get("subcon", inv["_sub"])
            if sub is not None and sub["paysts"]:
                raise b.refuse("acppmt", record, "_idref", "hold_pay",
                               f"subcontract {sub['ctcnum']!r} is on hold pay (paysts)")
        if amount > dec(inv["invbal"]):
            raise b.refuse("acppmt", record, "amount", "overpayment",
                           f"payment {money(amount)} is more than invoice record {inv['recnum']}'s balance "
                           f"{money(dec(inv['invbal']))}")

    def _apply(self, inv: Row, delta: Decimal) -> None:
        with InvoiceChange(self.b, inv):
            inv.values["amtpad"] = dec(inv["amtpad"]) + delta
            self.b.save(inv)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("acppmt", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"payment record {recnum}")
        inv = self._invoice(v["_idref"], recnum)
        self._payable(inv, recnum, v["amount"])
        v["recnum"] = recnum or b.next_recnum(self.table)
        if v.get("chkdte") is None:
            v["chkdte"] = b.today
        if v.get("actper") is None:
            v["actper"] = int(v["chkdte"][5:7])
        v.update(vndnum=inv["vndnum"], invnum=inv["invnum"], jobnum=inv["jobnum"])
        row = b.create(self.table, v, key=None, parent=inv.id, id=v["recnum"])
        self._apply(inv, v["amount"])
        return row

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        if "amount" in changed(row, values):
            inv = self._invoice(row["_idref"], row["recnum"])
            delta = values["amount"] - dec(row["amount"])
            if delta > 0:
                self._payable(inv, row["recnum"], delta)
            self._apply(inv, delta)
        row.values.update(values)
        self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        inv = self.b.get("acpinv", row["_idref"])
        self.b.remove(row)
        if inv is not None:
            self._apply(inv, -dec(row["amount"]))

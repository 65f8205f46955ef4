"""General journal (1-3), payroll (5-2) and receivable invoices (3-2).

Journal entries and payroll records are entered with their lines, then
posted: posting writes job cost (source 1 from the journal, source 3 from
payroll, with hours and the payroll record), which is how these costs reach
Procore's direct costs [PC-ttk100]. Voiding voids the costs a posting wrote.
Posted records keep their figures; only the description may still change.

Receivable invoices are owner billing against a job: their totals come from
their lines, retention from the job's rate unless given.
"""

from __future__ import annotations

from abc import abstractmethod
from decimal import ROUND_HALF_UP
from typing import Any, ClassVar

from simulator.sage100.books import CENT, ZERO, Row, dec
from simulator.sage100.handler import Handler, changed, with_defaults
from simulator.sage100.payables import JobCosts, line_total, term_date, void_costs
from simulator.sage100.tables import (
    SOURCE_JOURNAL,
    SOURCE_PAYROLL,
    SYSTEM_INVOICE_STATUSES,
    TABLES,
    VOID_INVOICE,
)

OPEN, VOID = 1, 2


class Posted(Handler):
    """A header entered with lines and then posted to job cost; ``void`` undoes the posting."""

    lines_table: ClassVar[str]
    what: ClassVar[str]

    def line_handler(self) -> PostedLines:
        return LINE_HANDLERS[self.lines_table](self.b)

    def defaults(self, v: dict[str, Any]) -> None:
        """Fill what the header derives from its own values (periods, years)."""

    @abstractmethod
    def totals(self, row: Row, lines: list[Row]) -> None:
        """Write the header's totals from its lines."""

    @abstractmethod
    def costs(self, row: Row, lines: list[Row]) -> list[dict[str, Any]]:
        """The job cost rows posting writes, after checking the record may post."""

    def refresh(self, row: Row) -> None:
        self.totals(row, self.b.children(self.lines_table, row.id))
        self.b.save(row)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get(self.name, recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"{self.what} {recnum}")
        v["recnum"] = recnum or b.next_recnum(self.table)
        if v.get("vndnum") is not None:
            b.vendor(v["vndnum"], self.name, v["recnum"])
        self.defaults(v)
        v.update(status=OPEN, posted=False, _jobcst=[])
        row = b.create(self.table, v, key=None, parent=None, id=v["recnum"])
        for body in lines or []:
            self.line_handler().add(row, body)
        self.refresh(row)
        return row

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        if not diff:
            return row
        if row["status"] == VOID or (row["posted"] and diff - {"dscrpt"}):
            state = "void" if row["status"] == VOID else "posted"
            raise b.refuse(self.name, row["recnum"], sorted(diff - {"dscrpt"} or diff)[0], f"{state}_record",
                           f"the {self.what} is {state}; only its description can change")
        merged = {**row.values, **values}
        if "vndnum" in diff and merged.get("vndnum") is not None:
            b.vendor(merged["vndnum"], self.name, row["recnum"])
        row.values.update(merged)
        self.refresh(row)
        return row

    def delete(self, row: Row) -> None:
        if row["posted"]:
            raise self.b.refuse(self.name, row["recnum"], "posted", "posted_record",
                                f"a posted {self.what} cannot be removed; void it instead")
        for line in self.b.children(self.lines_table, row.id):
            self.b.remove(line)
        self.b.remove(row)

    def action(self, row: Row, name: str) -> Row:
        if name == "post":
            return self.post(row)
        if name == "void":
            return self.void(row)
        return super().action(row, name)

    def post(self, row: Row) -> Row:
        b = self.b
        if row["status"] == VOID:
            raise b.refuse(self.name, row["recnum"], "status", "void_record", f"a void {self.what} cannot be posted")
        if row["posted"]:
            raise b.refuse(self.name, row["recnum"], "posted", "already_posted", f"the {self.what} is already posted")
        lines = b.children(self.lines_table, row.id)
        if not lines:
            raise b.refuse(self.name, row["recnum"], self.lines_table, "lines_required",
                           f"a {self.what} needs at least one line to post")
        created = [JobCosts(b).write(cost).id for cost in self.costs(row, lines)]
        row.values.update(posted=True, _jobcst=created)
        b.save(row)
        return row

    def void(self, row: Row) -> Row:
        b = self.b
        if row["status"] == VOID:
            raise b.refuse(self.name, row["recnum"], "status", "void_record", f"the {self.what} is already void")
        void_costs(b, row["_jobcst"])
        row.values["status"] = VOID
        b.save(row)
        return row


class PostedLines(Handler):
    """Lines of a ``Posted`` header: changed only while the header is unposted."""

    header_table: ClassVar[str]

    def header(self, recnum: int, record: Any) -> Row:
        row = self.b.get(self.header_table, recnum)
        if row is None:
            raise self.b.refuse(self.name, record, "recnum", "header_exists",
                                f"{self.header_table} {recnum} does not exist")
        return row

    def open(self, header: Row, record: Any, field: str) -> None:
        if header["posted"] or header["status"] == VOID:
            state = "posted" if header["posted"] else "void"
            raise self.b.refuse(self.name, record, field, "posted_record",
                                f"{self.header_table} {header['recnum']} is {state}; its lines are fixed")

    def settle(self, v: dict[str, Any], record: Any) -> None:
        """Check one line's distribution and derive its figures."""
        if v.get("jobnum") is not None:
            v["phsnum"] = v.get("phsnum") or 0
            self.b.distribution(self.name, record, v["jobnum"], v["phsnum"], v.get("cstcde"), v.get("csttyp"))
        else:
            if v.get("phsnum"):
                raise self.b.refuse(self.name, record, "phsnum", "phase_belongs_to_job", "a phase needs a job")
            v["phsnum"] = 0
            if v.get("cstcde") is not None:
                self.b.cost_code(v["cstcde"], self.name, record, "cstcde")

    def add(self, header: Row, values: dict[str, Any]) -> Row:
        v = with_defaults(self.table, values)
        v["recnum"] = header["recnum"]
        v["linnum"] = v.get("linnum") or self.next_line(header.id)
        record = f"{header['recnum']}:{v['linnum']}"
        if self.b.by_key(self.name, record) is not None:
            raise self.duplicate(record, "linnum", f"line {v['linnum']} of {self.header_table} {header['recnum']}")
        self.settle(v, record)
        return self.b.create(self.table, v, key=record, parent=header.id)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        header = self.header(values["recnum"], f"{values['recnum']}:{values.get('linnum') or 'new'}")
        self.open(header, values["recnum"], "recnum")
        line = self.add(header, values)
        HEADER_HANDLERS[self.header_table](self.b).refresh(header)
        return line

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        header = self.header(row["recnum"], row.label)
        if not changed(row, values):
            return row
        self.open(header, row.label, sorted(changed(row, values))[0])
        merged = {**row.values, **values}
        self.settle(merged, row.label)
        row.values.update(merged)
        self.b.save(row)
        HEADER_HANDLERS[self.header_table](self.b).refresh(header)
        return row

    def delete(self, row: Row) -> None:
        header = self.header(row["recnum"], row.label)
        self.open(header, row.label, "linnum")
        self.b.remove(row)
        HEADER_HANDLERS[self.header_table](self.b).refresh(header)


# -- general journal ---------------------------------------------------------------------


class Journals(Posted):
    name = "lgrtrn"
    lines_table = "lgtnln"
    what = "journal transaction"

    def defaults(self, v: dict[str, Any]) -> None:
        v["srcnum"] = SOURCE_JOURNAL
        v["actprd"] = v.get("actprd") or int(v["trndte"][5:7])
        v["postyr"] = v.get("postyr") or int(v["trndte"][:4])

    def totals(self, row: Row, lines: list[Row]) -> None:
        row.values["dbttot"] = sum((dec(line["dbtamt"]) for line in lines), ZERO)
        row.values["crdtot"] = sum((dec(line["crdamt"]) for line in lines), ZERO)

    def costs(self, row: Row, lines: list[Row]) -> list[dict[str, Any]]:
        if row["dbttot"] != row["crdtot"] or not dec(row["dbttot"]):
            raise self.b.refuse("lgrtrn", row["recnum"], "dbttot", "balanced",
                                f"debits {dec(row['dbttot']):,.2f} and credits {dec(row['crdtot']):,.2f} must be "
                                "equal and not zero to post")
        return [{"jobnum": line["jobnum"], "phsnum": line["phsnum"] or 0, "cstcde": line["cstcde"],
                 "csttyp": line["csttyp"], "cstamt": dec(line["dbtamt"]) - dec(line["crdamt"]),
                 "trnnum": row["trnnum"], "trndte": row["trndte"],
                 "dscrpt": (line["dscrpt"] or row["dscrpt"] or row["trnnum"])[:50], "srcnum": SOURCE_JOURNAL,
                 "vndnum": row["vndnum"], "empnum": line["empnum"], "eqpnum": line["eqpnum"],
                 "wrkord": line["wrkord"], "_lgrtrn": row.id}
                for line in lines if line["jobnum"] is not None]


class JournalLines(PostedLines):
    name = "lgtnln"
    header_table = "lgrtrn"

    def settle(self, v: dict[str, Any], record: Any) -> None:
        if dec(v.get("dbtamt")) and dec(v.get("crdamt")):
            raise self.b.refuse("lgtnln", record, "crdamt", "debit_or_credit",
                                "a journal line is a debit or a credit, not both")
        super().settle(v, record)


# -- payroll -------------------------------------------------------------------------------


class Payrolls(Posted):
    name = "payrec"
    lines_table = "tmcdln"
    what = "payroll record"

    def defaults(self, v: dict[str, Any]) -> None:
        v["actper"] = v.get("actper") or int(v["chkdte"][5:7])

    def totals(self, row: Row, lines: list[Row]) -> None:
        row.values["ttlhrs"] = sum((dec(line["hrswrk"]) for line in lines), ZERO)
        row.values["grspay"] = sum((dec(line["extttl"]) for line in lines), ZERO)

    def costs(self, row: Row, lines: list[Row]) -> list[dict[str, Any]]:
        return [{"jobnum": line["jobnum"], "phsnum": line["phsnum"] or 0, "cstcde": line["cstcde"],
                 "csttyp": line["csttyp"], "cstamt": dec(line["extttl"]), "csthrs": dec(line["hrswrk"]),
                 "trnnum": row["chknum"] or f"PR{row['recnum']}", "trndte": line["dtewrk"] or row["chkdte"],
                 "dscrpt": (line["dscrpt"] or row["dscrpt"] or f"Payroll record {row['recnum']}")[:50],
                 "srcnum": SOURCE_PAYROLL, "empnum": row["empnum"], "payrec": row["recnum"],
                 "wrkord": line["wrkord"], "_payrec": row.id}
                for line in lines if line["jobnum"] is not None]


class TimeCards(PostedLines):
    name = "tmcdln"
    header_table = "payrec"

    def settle(self, v: dict[str, Any], record: Any) -> None:
        super().settle(v, record)
        total = (dec(v.get("hrswrk")) * dec(v.get("payrte"))).quantize(CENT, ROUND_HALF_UP)
        if abs(total) > TABLES["tmcdln"].by_name["extttl"].limit:
            raise self.b.refuse("tmcdln", record, "payrte", "digits", f"hours times rate {total} is too large")
        v["extttl"] = total


# -- receivable invoices -------------------------------------------------------------------


class Receivables(Handler):
    name = "acrinv"

    def _job(self, v: dict[str, Any], record: Any) -> Row:
        job = self.b.job(v["jobnum"], "acrinv", record, "jobnum")
        self.b.phase(v["jobnum"], v.get("phsnum"), "acrinv", record)
        return job

    def refresh(self, inv: Row) -> None:
        lines = self.b.children("arivln", inv.id)
        total = sum((dec(line["extttl"]) for line in lines), ZERO)
        if inv["_retain_auto"]:
            job = self.b.by_key("actrec", str(inv["jobnum"]))
            rate = dec(job["retain"]) if job is not None else ZERO
            inv.values["retain"] = (total * rate / 100).quantize(CENT, ROUND_HALF_UP)
        paid = dec(inv["amtpad"])
        net = total - dec(inv["retain"])
        inv.values.update(invttl=total, invnet=net, amtpad=paid, invbal=ZERO if inv["status"] == VOID_INVOICE
                          else net - paid)
        self.b.save(inv)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("acrinv", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"receivable invoice record {recnum}")
        v["recnum"] = recnum = recnum or b.next_recnum(self.table)
        if v["status"] in SYSTEM_INVOICE_STATUSES:
            raise b.refuse("acrinv", recnum, "status", "status_set_by_system",
                           "4-Paid and 5-Void are set by receipt and void processing, not by users")
        job = self._job(v, recnum)
        v["invdte"] = v.get("invdte") or b.today
        v["duedte"] = v.get("duedte") or term_date(v["invdte"], job["duedte"]) or v["invdte"]
        v["actper"] = v.get("actper") or int(v["invdte"][5:7])
        if v.get("clnnum") is None:
            v["clnnum"] = job["clnnum"]
        v["_retain_auto"] = v.get("retain") is None
        v.update(invttl=ZERO, invnet=ZERO, amtpad=ZERO, invbal=ZERO)
        inv = b.create(self.table, v, key=None, parent=job.id, id=recnum)
        for body in lines or []:
            ReceivableLines(b).add(inv, body)
        self.refresh(inv)
        return inv

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        if not diff:
            return row
        if row["status"] == VOID_INVOICE:
            raise b.refuse("acrinv", row["recnum"], sorted(diff)[0], "void_invoice", "a 5-Void invoice cannot change")
        if "status" in diff and values["status"] in SYSTEM_INVOICE_STATUSES:
            raise b.refuse("acrinv", row["recnum"], "status", "status_set_by_system",
                           "4-Paid and 5-Void are set by receipt and void processing, not by users")
        merged = {**row.values, **values}
        job = self._job(merged, row["recnum"]) if diff & {"jobnum", "phsnum"} else None
        if "retain" in values:
            merged["_retain_auto"] = values["retain"] is None
        row.values.update(merged)
        b.save(row, parent=job.id if job is not None else None)
        self.refresh(row)
        return row

    def delete(self, row: Row) -> None:
        for line in self.b.children("arivln", row.id):
            self.b.remove(line)
        self.b.remove(row)

    def action(self, row: Row, name: str) -> Row:
        if name != "void":
            return super().action(row, name)
        if row["status"] == VOID_INVOICE:
            raise self.b.refuse("acrinv", row["recnum"], "status", "void_invoice", "the invoice is already void")
        row.values["status"] = VOID_INVOICE
        self.refresh(row)
        return row


class ReceivableLines(Handler):
    name = "arivln"

    def _header(self, idref: int, record: Any) -> Row:
        inv = self.b.get("acrinv", idref)
        if inv is None:
            raise self.b.refuse("arivln", record, "_idref", "header_exists", f"invoice _idnum {idref} does not exist")
        if inv["status"] == VOID_INVOICE:
            raise self.b.refuse("arivln", record, "_idref", "void_invoice",
                                f"invoice record {inv['recnum']} is void; its lines are fixed")
        return inv

    def settle(self, v: dict[str, Any], record: Any, explicit_total: bool) -> None:
        if v.get("cstcde") is not None:
            self.b.cost_code(v["cstcde"], "arivln", record, "cstcde")
        line_total(self.b, "arivln", v, record, explicit_total)

    def add(self, inv: Row, values: dict[str, Any]) -> Row:
        v = with_defaults(self.table, values)
        v["_idref"] = inv.id
        v["linnum"] = v.get("linnum") or self.next_line(inv.id)
        record = f"{inv.id}:{v['linnum']}"
        if self.b.by_key("arivln", record) is not None:
            raise self.duplicate(record, "linnum", f"line {v['linnum']} of invoice _idnum {inv.id}")
        self.settle(v, record, explicit_total="extttl" in values)
        return self.b.create(self.table, v, key=record, parent=inv.id)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        inv = self._header(values["_idref"], f"{values['_idref']}:{values.get('linnum') or 'new'}")
        line = self.add(inv, values)
        Receivables(self.b).refresh(inv)
        return line

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        inv = self._header(row["_idref"], row.label)
        if not changed(row, values):
            return row
        merged = {**row.values, **values}
        self.settle(merged, row.label, explicit_total="extttl" in values)
        row.values.update(merged)
        self.b.save(row)
        Receivables(self.b).refresh(inv)
        return row

    def delete(self, row: Row) -> None:
        inv = self._header(row["_idref"], row.label)
        self.b.remove(row)
        Receivables(self.b).refresh(inv)


HEADER_HANDLERS: dict[str, type[Posted]] = {"lgrtrn": Journals, "payrec": Payrolls}
LINE_HANDLERS: dict[str, type[PostedLines]] = {"lgtnln": JournalLines, "tmcdln": TimeCards}


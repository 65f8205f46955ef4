"""Subcontracts, purchase orders and change orders: headers with their grids, totals kept true.

Each change to a commitment is applied the same way: note what it committed
against the budget before, make the change, recompute its totals, note what it
commits after, and move the running totals by the difference. The over-budget
checks then look at every budget cell that grew.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulator.sage100.books import CENT, ZERO, Books, Combo, Row, dec
from simulator.sage100.handler import Handler, changed, with_defaults
from simulator.sage100.jobs import add_to_budget
from simulator.sage100.tables import APPROVED, TABLES

Contribution = dict[tuple[str, Combo], Decimal]
REFUSED_SUBCONTRACT = 2
VOID_PO = 5
VOID_CHANGE_ORDER = 5


def _add(out: Contribution, measure: str, combo: Combo, amount: Decimal) -> None:
    if amount:
        out[(measure, combo)] = out.get((measure, combo), ZERO) + amount


# -- subcontracts ---------------------------------------------------------------------


def subcontract_contribution(books: Books, sub: Row) -> Contribution:
    """What a subcontract commits against the budget: each line's new contract amount."""
    out: Contribution = {}
    if sub["status"] == REFUSED_SUBCONTRACT:
        return out
    for line in books.children("sbcnln", sub.id):
        if line["cstcde"] is not None and line["csttyp"] is not None:
            combo = books.combo(sub["jobnum"], sub["phsnum"], line["cstcde"], line["csttyp"])
            _add(out, "subcon", combo, dec(line["cntrct"]))
    return out


def refresh_subcontract(books: Books, sub: Row) -> None:
    """Original, change, new contract, invoiced and remaining, per line and in total."""
    totals = {"cntttl": ZERO, "chgttl": ZERO, "ctcttl": ZERO, "invttl": ZERO}
    for line in books.children("sbcnln", sub.id):
        amount, change, billed = dec(line["amount"]), dec(line["change"]), dec(line["billed"])
        figures = {"amount": amount, "change": change, "cntrct": amount + change, "billed": billed,
                   "remain": amount + change - billed}
        if any(line[k] != v for k, v in figures.items()):
            line.values.update(figures)
            books.save(line)
        totals["cntttl"] += amount
        totals["chgttl"] += change
        totals["ctcttl"] += amount + change
        totals["invttl"] += billed
    sub.values.update(totals, balttl=totals["ctcttl"] - totals["invttl"])
    books.save(sub)


class SubcontractChange:
    """``with SubcontractChange(books, sub, table, record, field):`` around any change to a subcontract."""

    def __init__(self, books: Books, sub: Row, table: str, record: Any, field: str) -> None:
        self.books, self.sub, self.where = books, sub, (table, record, field)

    def __enter__(self) -> SubcontractChange:
        self.before = subcontract_contribution(self.books, self.sub)
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            return
        refresh_subcontract(self.books, self.sub)
        self.books.shift(self.before, subcontract_contribution(self.books, self.sub), *self.where)


def change_subcontract_line(books: Books, line: Row, field: str, delta: Decimal) -> None:
    """A system change to a line's approved changes or invoiced amount (change orders, invoices)."""
    sub = books.get("subcon", line["recnum"])
    assert sub is not None
    with SubcontractChange(books, sub, "subcon", sub["recnum"], field):
        fresh = books.get("sbcnln", line.id)
        assert fresh is not None
        fresh.values[field] = dec(fresh[field]) + delta
        books.save(fresh)


class Subcontracts(Handler):
    name = "subcon"

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("subcon", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"subcontract record {recnum}")
        recnum = recnum or b.next_recnum(self.table)
        v["recnum"] = recnum
        if b.by_key("subcon", v["ctcnum"].casefold()) is not None:
            raise self.duplicate(recnum, "ctcnum", f"subcontract {v['ctcnum']!r}")
        b.vendor(v["vndnum"], "subcon", recnum)
        job = b.job(v["jobnum"], "subcon", recnum, "jobnum")
        b.phase(v["jobnum"], v["phsnum"], "subcon", recnum)
        v.update(entdte=b.today, usrnme=b.user, cntttl=ZERO, chgttl=ZERO, ctcttl=ZERO, invttl=ZERO, balttl=ZERO,
                 _entered="0.00", _invoices=0)
        sub = b.create(self.table, v, key=v["ctcnum"].casefold(), parent=job.id, id=recnum)
        with SubcontractChange(b, sub, "subcon", recnum, "sbcnln"):
            for body in lines or []:
                SubcontractLines(b).add(sub, body)
        return sub

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        if row["lckedt"] and diff - {"lckedt"}:
            raise b.refuse("subcon", row["recnum"], sorted(diff - {"lckedt"})[0], "subcontract_locked",
                           "the subcontract is locked (lckedt); unlock it before editing")
        linked = diff & {"vndnum", "jobnum", "phsnum", "ctcnum"}
        if linked and int(row["_invoices"] or 0):
            raise b.refuse("subcon", row["recnum"], sorted(linked)[0], "subcontract_has_invoices",
                           "invoices refer to this subcontract; its number, vendor, job and phase are fixed")
        if "ctcnum" in diff:
            other = b.by_key("subcon", values["ctcnum"].casefold())
            if other is not None and other.id != row.id:
                raise self.duplicate(row["recnum"], "ctcnum", f"subcontract {values['ctcnum']!r}")
        if "vndnum" in diff:
            b.vendor(values["vndnum"], "subcon", row["recnum"])
        jobnum = values.get("jobnum", row["jobnum"])
        job = b.job(jobnum, "subcon", row["recnum"], "jobnum")
        if diff & {"jobnum", "phsnum"}:
            b.phase(jobnum, values.get("phsnum", row["phsnum"]), "subcon", row["recnum"])
            if any(line["vndctc"] == row["recnum"] for line in b.scan("sbcgln")):
                raise b.refuse("subcon", row["recnum"], "jobnum", "subcontract_in_change_order",
                               "change orders refer to this subcontract; its job and phase are fixed")
        with SubcontractChange(b, row, "subcon", row["recnum"], "status"):
            row.values.update(values)
            b.save(row, key=row["ctcnum"].casefold(), parent=job.id)
        return row

    def delete(self, row: Row) -> None:
        b = self.b
        if int(row["_invoices"] or 0):
            raise b.refuse("subcon", row["recnum"], "recnum", "subcontract_has_invoices",
                           "invoices refer to this subcontract; void and remove them first")
        if any(line["vndctc"] == row["recnum"] for line in b.scan("sbcgln")):
            raise b.refuse("subcon", row["recnum"], "recnum", "subcontract_in_change_order",
                           "change order lines refer to this subcontract")
        before = subcontract_contribution(b, row)
        for line in b.children("sbcnln", row.id):
            b.remove(line)
        b.remove(row)
        b.shift(before, {}, "subcon", row["recnum"], "recnum")


class SubcontractLines(Handler):
    name = "sbcnln"

    def _header(self, recnum: int, record: Any) -> Row:
        sub = self.b.get("subcon", recnum)
        if sub is None:
            raise self.b.refuse("sbcnln", record, "recnum", "header_exists", f"subcontract record {recnum} does not exist")
        return sub

    def _locked(self, sub: Row, record: Any, field: str) -> None:
        if sub["lckedt"]:
            raise self.b.refuse("sbcnln", record, field, "subcontract_locked",
                                f"subcontract {sub['recnum']} is locked (lckedt); unlock it before editing its lines")

    def add(self, sub: Row, values: dict[str, Any]) -> Row:
        """A new line on a subcontract, inside the caller's ``SubcontractChange``."""
        b = self.b
        v = with_defaults(self.table, values)
        v["recnum"] = sub["recnum"]
        v["linnum"] = v.get("linnum") or self.next_line(sub.id)
        record = f"{sub['recnum']}:{v['linnum']}"
        if b.by_key("sbcnln", record) is not None:
            raise self.duplicate(record, "linnum", f"line {v['linnum']} of subcontract {sub['recnum']}")
        b.distribution("sbcnln", record, sub["jobnum"], sub["phsnum"], v.get("cstcde"), v.get("csttyp"))
        amount = dec(v.get("amount"))
        v.update(amount=amount, change=ZERO, cntrct=amount, billed=ZERO, remain=amount)
        return b.create(self.table, v, key=record, parent=sub.id)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        sub = self._header(values["recnum"], f"{values['recnum']}:{values.get('linnum') or 'new'}")
        self._locked(sub, values["recnum"], "recnum")
        with SubcontractChange(self.b, sub, "sbcnln", sub["recnum"], "amount"):
            line = self.add(sub, values)
        fresh = self.b.get("sbcnln", line.id)
        assert fresh is not None
        return fresh

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        sub = self._header(row["recnum"], row.label)
        diff = changed(row, values)
        if diff:
            self._locked(sub, row.label, sorted(diff)[0])
        if diff & {"cstcde", "csttyp"}:
            b.distribution("sbcnln", row.label, sub["jobnum"], sub["phsnum"], values.get("cstcde", row["cstcde"]),
                           values.get("csttyp", row["csttyp"]))
        with SubcontractChange(b, sub, "sbcnln", row.label, "amount"):
            row.values.update(values)
            if row["amount"] is None:
                row.values["amount"] = ZERO
            b.save(row)
        fresh = b.get("sbcnln", row.id)
        assert fresh is not None
        return fresh

    def delete(self, row: Row) -> None:
        b = self.b
        sub = self._header(row["recnum"], row.label)
        self._locked(sub, row.label, "linnum")
        if dec(row["billed"]) or dec(row["change"]):
            raise b.refuse("sbcnln", row.label, "linnum", "line_has_activity",
                           "the line has approved changes or invoiced amounts")
        if any(line["_sbcnln"] == row.id for line in b.scan("apivln")):
            raise b.refuse("sbcnln", row.label, "linnum", "line_has_activity", "invoice lines refer to this line")
        if any(line["vndctc"] == row["recnum"] and line["ctclin"] == row["linnum"] for line in b.scan("sbcgln")):
            raise b.refuse("sbcnln", row.label, "linnum", "line_has_activity", "change order lines refer to this line")
        with SubcontractChange(b, sub, "sbcnln", row.label, "linnum"):
            b.remove(row)


# -- purchase orders -----------------------------------------------------------------


def po_contribution(books: Books, po: Row) -> Contribution:
    out: Contribution = {}
    if po["status"] == VOID_PO or po["jobnum"] is None:
        return out
    for line in books.children("pcorln", po.id):
        if line["cstcde"] is not None and line["csttyp"] is not None:
            combo = books.combo(po["jobnum"], po["phsnum"], line["cstcde"], line["csttyp"])
            _add(out, "po", combo, dec(line["extttl"]) - dec(line["cancel"]))
    return out


def refresh_po(books: Books, po: Row) -> None:
    subtotal = cancelled = ZERO
    for line in books.children("pcorln", po.id):
        subtotal += dec(line["extttl"])
        cancelled += dec(line["cancel"])
    total = subtotal + dec(po["slstax"])
    po.values.update(subttl=subtotal, cancel=cancelled, pchttl=total,
                     pchbal=total - cancelled - dec(po["_entered"]))
    books.save(po)


class POChange:
    def __init__(self, books: Books, po: Row, table: str, record: Any, field: str) -> None:
        self.books, self.po, self.where = books, po, (table, record, field)

    def __enter__(self) -> POChange:
        self.before = po_contribution(self.books, self.po)
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            return
        refresh_po(self.books, self.po)
        self.books.shift(self.before, po_contribution(self.books, self.po), *self.where)


class PurchaseOrders(Handler):
    name = "pchord"

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("pchord", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"purchase order record {recnum}")
        recnum = recnum or b.next_recnum(self.table)
        v["recnum"] = recnum
        if b.by_key("pchord", v["ordnum"].casefold()) is not None:
            raise self.duplicate(recnum, "ordnum", f"purchase order {v['ordnum']!r}")
        b.vendor(v["vndnum"], "pchord", recnum)
        parent = 0
        if v.get("jobnum") is not None:
            parent = b.job(v["jobnum"], "pchord", recnum, "jobnum").id
            b.phase(v["jobnum"], v["phsnum"], "pchord", recnum)
        elif v.get("phsnum"):
            raise b.refuse("pchord", recnum, "phsnum", "phase_belongs_to_job", "a phase needs a job")
        if v.get("orddte") is None:
            v["orddte"] = b.today
        v.update(subttl=ZERO, pchttl=ZERO, cancel=ZERO, pchbal=ZERO, _entered="0.00", _invoices=0)
        po = b.create(self.table, v, key=v["ordnum"].casefold(), parent=parent, id=recnum)
        with POChange(b, po, "pchord", recnum, "pcorln"):
            for body in lines or []:
                POLines(b).add(po, body)
        return po

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        linked = diff & {"vndnum", "jobnum", "phsnum", "ordnum"}
        if linked and int(row["_invoices"] or 0):
            raise b.refuse("pchord", row["recnum"], sorted(linked)[0], "po_has_invoices",
                           "invoices refer to this purchase order; its number, vendor, job and phase are fixed")
        if "ordnum" in diff:
            other = b.by_key("pchord", values["ordnum"].casefold())
            if other is not None and other.id != row.id:
                raise self.duplicate(row["recnum"], "ordnum", f"purchase order {values['ordnum']!r}")
        if "vndnum" in diff:
            b.vendor(values["vndnum"], "pchord", row["recnum"])
        jobnum = values.get("jobnum", row["jobnum"])
        phsnum = values.get("phsnum", row["phsnum"])
        parent = 0
        if jobnum is not None:
            parent = b.job(jobnum, "pchord", row["recnum"], "jobnum").id
            b.phase(jobnum, phsnum, "pchord", row["recnum"])
            if "jobnum" in diff:
                for line in b.children("pcorln", row.id):
                    b.distribution("pcorln", line.label, jobnum, phsnum, line["cstcde"], line["csttyp"])
        elif phsnum:
            raise b.refuse("pchord", row["recnum"], "phsnum", "phase_belongs_to_job", "a phase needs a job")
        with POChange(b, row, "pchord", row["recnum"], "status"):
            row.values.update(values)
            if row["slstax"] is None:
                row.values["slstax"] = ZERO
            b.save(row, key=row["ordnum"].casefold(), parent=parent)
        return row

    def delete(self, row: Row) -> None:
        b = self.b
        if int(row["_invoices"] or 0):
            raise b.refuse("pchord", row["recnum"], "recnum", "po_has_invoices",
                           "invoices refer to this purchase order; void and remove them first")
        before = po_contribution(b, row)
        for line in b.children("pcorln", row.id):
            b.remove(line)
        b.remove(row)
        b.shift(before, {}, "pchord", row["recnum"], "recnum")


class POLines(Handler):
    name = "pcorln"

    def _header(self, recnum: int, record: Any) -> Row:
        po = self.b.get("pchord", recnum)
        if po is None:
            raise self.b.refuse("pcorln", record, "recnum", "header_exists",
                                f"purchase order record {recnum} does not exist")
        return po

    def _fill(self, po: Row, line: dict[str, Any], record: Any) -> None:
        b = self.b
        if po["jobnum"] is not None:
            b.distribution("pcorln", record, po["jobnum"], po["phsnum"], line.get("cstcde"), line.get("csttyp"))
        else:
            if line.get("cstcde") is not None:
                b.cost_code(line["cstcde"], "pcorln", record, "cstcde")
            if line.get("csttyp") is not None:
                b.cost_type(line["csttyp"], "pcorln", record, "csttyp")
        total = (dec(line.get("linqty")) * dec(line.get("linprc"))).quantize(CENT, ROUND_HALF_UP)
        if abs(total) > TABLES["pcorln"].column("extttl").limit:  # type: ignore[union-attr]
            raise b.refuse("pcorln", record, "linprc", "digits", f"quantity times price {total} is too large")
        line["extttl"] = total
        for name in ("linqty", "linprc", "cancel"):
            if line.get(name) is None:
                line[name] = ZERO

    def add(self, po: Row, values: dict[str, Any]) -> Row:
        v = with_defaults(self.table, values)
        v["recnum"] = po["recnum"]
        # A change appends below the existing lines [PC-ttk100].
        v["linnum"] = v.get("linnum") or self.next_line(po.id)
        record = f"{po['recnum']}:{v['linnum']}"
        if self.b.by_key("pcorln", record) is not None:
            raise self.duplicate(record, "linnum", f"line {v['linnum']} of purchase order {po['recnum']}")
        self._fill(po, v, record)
        return self.b.create(self.table, v, key=record, parent=po.id)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        po = self._header(values["recnum"], f"{values['recnum']}:{values.get('linnum') or 'new'}")
        with POChange(self.b, po, "pcorln", po["recnum"], "extttl"):
            line = self.add(po, values)
        return line

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        po = self._header(row["recnum"], row.label)
        merged = {**row.values, **values}
        self._fill(po, merged, row.label)
        with POChange(self.b, po, "pcorln", row.label, "extttl"):
            row.values.update(merged)
            self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        po = self._header(row["recnum"], row.label)
        with POChange(self.b, po, "pcorln", row.label, "linnum"):
            self.b.remove(row)


# -- change orders --------------------------------------------------------------------


def _reverse(books: Books, applied: dict[str, Any]) -> None:
    for job, phase, code, ctype, amount, hours, target in applied.get("budget", []):
        combo = (job, phase, code, ctype)
        if target == "bdglin":
            add_to_budget(books, combo, -Decimal(amount), -Decimal(hours))
        else:
            books.bump("co", combo, -Decimal(amount))
    for line_id, amount in applied.get("sub", []):
        line = books.get("sbcnln", line_id)
        if line is not None:
            change_subcontract_line(books, line, "change", -Decimal(amount))


def reapply_change_order(books: Books, co: Row) -> None:
    """Undo what the change order last did, then do what it says now.

    An approved change order adds each effective line's budget price to the
    budget cell and, for lines naming a subcontract, to that subcontract's
    changes: a blank subcontract line adds a new line, a filled one changes it.
    """
    _reverse(books, co["_applied"] or {})
    applied: dict[str, list[Any]] = {"budget": [], "sub": []}
    lines = books.children("sbcgln", co.id)
    for line in lines:
        if line["vndctc"] is not None:
            sub = books.get("subcon", line["vndctc"])
            if sub is None or sub["jobnum"] != co["jobnum"]:
                raise books.refuse("sbcgln", line.label, "vndctc", "subcontract_job",
                                   f"subcontract record {line['vndctc']} is not on job {co['jobnum']}")
    if co["status"] == APPROVED:
        target = "bdglin" if books.settings.change_orders_update_budget else "co"
        for line in lines:
            if line["chgsts"] not in (None, APPROVED):
                continue
            amount, hours = dec(line["bdgprc"]), dec(line["chghrs"])
            combo = books.combo(co["jobnum"], co["phsnum"], line["cstcde"], line["csttyp"])
            if amount or hours:
                if target == "bdglin":
                    add_to_budget(books, combo, amount, hours)
                else:
                    books.bump("co", combo, amount)
                applied["budget"].append([*combo, str(amount), str(hours), target])
            if line["vndctc"] is not None:
                sub = books.get("subcon", line["vndctc"])
                assert sub is not None
                if line["ctclin"] is None:
                    with SubcontractChange(books, sub, "sbcgln", line.label, "ctclin"):
                        new = SubcontractLines(books).add(sub, {
                            "cstcde": line["cstcde"], "csttyp": line["csttyp"], "amount": ZERO,
                            "dscrpt": line["dscrpt"] or co["dscrpt"]})
                    line.values["ctclin"] = new["linnum"]
                    books.save(line)
                target_line = books.by_key("sbcnln", f"{sub['recnum']}:{line['ctclin']}")
                assert target_line is not None
                change_subcontract_line(books, target_line, "change", amount)
                applied["sub"].append([target_line.id, str(amount)])
    co.values["_applied"] = applied
    books.save(co)


class ChangeOrders(Handler):
    name = "prmchg"

    def _number(self, job: Row, phsnum: int, chgnum: int | None, record: Any, own_id: int | None = None) -> int:
        siblings = [r for r in self.b.children("prmchg", job.id) if r["phsnum"] == phsnum and r.id != own_id]
        if chgnum is None:
            # Numbering runs independently per phase [SH-conum].
            return max((int(r["chgnum"]) for r in siblings), default=0) + 1
        if any(r["chgnum"] == chgnum for r in siblings):
            raise self.duplicate(record, "chgnum", f"change order {chgnum} on job {job['recnum']} phase {phsnum}")
        return chgnum

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        b = self.b
        v = with_defaults(self.table, values)
        recnum = v.get("recnum")
        if recnum is not None and b.get("prmchg", recnum) is not None:
            raise self.duplicate(recnum, "recnum", f"change order record {recnum}")
        recnum = recnum or b.next_recnum(self.table)
        v["recnum"] = recnum
        job = b.job(v["jobnum"], "prmchg", recnum, "jobnum")
        b.phase(v["jobnum"], v["phsnum"], "prmchg", recnum)
        v["chgnum"] = self._number(job, v["phsnum"], v.get("chgnum"), recnum)
        if v.get("chgdte") is None:
            v["chgdte"] = b.today
        if v["status"] == APPROVED and not v.get("aprdte"):
            v["aprdte"] = b.today
        v["_applied"] = {}
        co = b.create(self.table, v, key=None, parent=job.id, id=recnum)
        for body in lines or []:
            ChangeOrderLines(b).add(co, body)
        reapply_change_order(b, co)
        return co

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        b = self.b
        diff = changed(row, values)
        if ("status" in diff and row["status"] == VOID_CHANGE_ORDER
                and b.settings.void_change_orders_are_final):
            raise b.refuse("prmchg", row["recnum"], "status", "void_is_final",
                           "a 5-Void change order cannot change status in this company")
        job = b.job(values.get("jobnum", row["jobnum"]), "prmchg", row["recnum"], "jobnum")
        phsnum = values.get("phsnum", row["phsnum"])
        if diff & {"jobnum", "phsnum"}:
            b.phase(job["recnum"], phsnum, "prmchg", row["recnum"])
        if diff & {"jobnum", "phsnum", "chgnum"}:
            values["chgnum"] = self._number(job, phsnum, values.get("chgnum", row["chgnum"]), row["recnum"], row.id)
        if values.get("status") == APPROVED and not values.get("aprdte", row["aprdte"]):
            values["aprdte"] = b.today
        row.values.update(values)
        b.save(row, parent=job.id)
        if "chgnum" in diff:
            for line in b.children("sbcgln", row.id):
                line.values["chgnum"] = row["chgnum"]
                b.save(line)
        reapply_change_order(b, row)
        return row

    def delete(self, row: Row) -> None:
        _reverse(self.b, row["_applied"] or {})
        for line in self.b.children("sbcgln", row.id):
            self.b.remove(line)
        self.b.remove(row)


class ChangeOrderLines(Handler):
    name = "sbcgln"

    def _header(self, recnum: int, record: Any) -> Row:
        co = self.b.get("prmchg", recnum)
        if co is None:
            raise self.b.refuse("sbcgln", record, "recnum", "header_exists", f"change order record {recnum} does not exist")
        return co

    def _check(self, co: Row, v: dict[str, Any], record: Any) -> None:
        b = self.b
        b.cost_code(v["cstcde"], "sbcgln", record, "cstcde")
        b.cost_type(v["csttyp"], "sbcgln", record, "csttyp")
        if v.get("vndnum") is not None:
            b.vendor(v["vndnum"], "sbcgln", record)
        if v.get("ctclin") is not None and v.get("vndctc") is None:
            raise b.refuse("sbcgln", record, "ctclin", "subcontract_line_needs_subcontract",
                           "a subcontract line needs its subcontract (vndctc)")
        if v.get("vndctc") is None:
            return
        sub = b.get("subcon", v["vndctc"])
        if sub is None:
            raise b.refuse("sbcgln", record, "vndctc", "subcontract_exists",
                           f"subcontract record {v['vndctc']} does not exist")
        if sub["jobnum"] != co["jobnum"]:
            raise b.refuse("sbcgln", record, "vndctc", "subcontract_job",
                           f"subcontract record {v['vndctc']} is on job {sub['jobnum']}, not {co['jobnum']}")
        if v.get("vndnum") is None:
            v["vndnum"] = sub["vndnum"]
        elif v["vndnum"] != sub["vndnum"]:
            raise b.refuse("sbcgln", record, "vndnum", "subcontract_vendor",
                           f"subcontract record {v['vndctc']} is with vendor {sub['vndnum']}, not {v['vndnum']}")
        if v.get("ctclin") is not None and b.by_key("sbcnln", f"{sub['recnum']}:{v['ctclin']}") is None:
            raise b.refuse("sbcgln", record, "ctclin", "subcontract_line_exists",
                           f"subcontract record {sub['recnum']} has no line {v['ctclin']}")

    def add(self, co: Row, values: dict[str, Any]) -> Row:
        v = with_defaults(self.table, values)
        v["recnum"] = co["recnum"]
        v["linnum"] = v.get("linnum") or self.next_line(co.id)
        record = f"{co['recnum']}:{v['linnum']}"
        if self.b.by_key("sbcgln", record) is not None:
            raise self.duplicate(record, "linnum", f"line {v['linnum']} of change order record {co['recnum']}")
        self._check(co, v, record)
        v["chgnum"] = co["chgnum"]
        return self.b.create(self.table, v, key=record, parent=co.id)

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        co = self._header(values["recnum"], f"{values['recnum']}:{values.get('linnum') or 'new'}")
        line = self.add(co, values)
        reapply_change_order(self.b, co)
        fresh = self.b.get("sbcgln", line.id)
        assert fresh is not None
        return fresh

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        co = self._header(row["recnum"], row.label)
        merged = {**row.values, **values}
        self._check(co, merged, row.label)
        row.values.update(merged)
        self.b.save(row)
        reapply_change_order(self.b, co)
        fresh = self.b.get("sbcgln", row.id)
        assert fresh is not None
        return fresh

    def delete(self, row: Row) -> None:
        co = self._header(row["recnum"], row.label)
        self.b.remove(row)
        reapply_change_order(self.b, co)

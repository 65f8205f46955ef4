"""Master tables: jobs, phases, cost codes, cost types, vendors and budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.sage100.books import ZERO, Books, Combo, Row, code_text, dec
from simulator.sage100.handler import Handler, changed, with_defaults
from simulator.sage100.tables import BUDGET_COLUMNS, FIXED_COST_TYPES, TABLES

# Tables whose rows hang off a job (their store parent is the job's _idnum).
JOB_CHILDREN = ("jobphs", "bdglin", "prmchg", "subcon", "pchord", "acpinv", "jobcst", "acrinv")
# Line tables that name a job in a column rather than hanging off it.
JOB_LINES = ("apivln", "lgtnln", "tmcdln")


class Jobs(Handler):
    name = "actrec"

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        v = with_defaults(self.table, values)
        recnum = v["recnum"]
        digits = self.b.settings.job_number_max_digits
        if len(str(recnum)) > digits:
            raise self.b.refuse("actrec", recnum, "recnum", "job_number_digits",
                                f"job numbers have at most {digits} digits in this company")
        if self.b.by_key("actrec", str(recnum)) is not None:
            raise self.duplicate(recnum, "recnum", f"job {recnum}")
        return self.b.create(self.table, v, key=str(recnum), parent=None)

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        row.values.update(values)
        self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        busy = [t for t in JOB_CHILDREN if self.b.has_children(t, row.id)]
        if not busy:
            busy = [t for t in JOB_LINES if any(line["jobnum"] == row["recnum"] for line in self.b.scan(t))]
        if busy:
            raise self.b.refuse("actrec", row["recnum"], "recnum", "job_in_use",
                                f"job {row['recnum']} still has records in {', '.join(busy)}; a job can be "
                                "removed only when nothing refers to it")
        self.b.remove(row)

    def action(self, row: Row, name: str) -> Row:
        if name != "setbdgt":
            return super().action(row, name)
        # Set Budget: the current budget becomes the original budget [SH-budget].
        for line in self.b.children("bdglin", row.id):
            for current, original in BUDGET_COLUMNS.values():
                line.values[original] = line[current]
            line.values["hrsorg"] = line["hrsbdg"]
            refresh_budget_totals(line)
            self.b.save(line)
        self.b.save(row)
        return row


class Phases(Handler):
    name = "jobphs"

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        v = with_defaults(self.table, values)
        label = f"{v['recnum']}:{v['phsnum']}"
        job = self.b.job(v["recnum"], "jobphs", label, "recnum")
        if self.b.by_key("jobphs", label) is not None:
            raise self.duplicate(label, "phsnum", f"phase {v['phsnum']} of job {v['recnum']}")
        return self.b.create(self.table, v, key=label, parent=job.id)

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        row.values.update(values)
        self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        job = self.b.by_key("actrec", str(row["recnum"]))
        if job is not None:
            for table in ("bdglin", "prmchg", "subcon", "pchord", "acpinv", "jobcst", "acrinv"):
                if any(r["phsnum"] == row["phsnum"] for r in self.b.children(table, job.id)):
                    raise self.b.refuse("jobphs", row.label, "phsnum", "phase_in_use",
                                        f"phase {row['phsnum']} of job {row['recnum']} is used by {table}")
            for table in JOB_LINES:
                if any(r["jobnum"] == row["recnum"] and r["phsnum"] == row["phsnum"] for r in self.b.scan(table)):
                    raise self.b.refuse("jobphs", row.label, "phsnum", "phase_in_use",
                                        f"phase {row['phsnum']} of job {row['recnum']} is used by {table}")
        self.b.remove(row)


class CostCodes(Handler):
    name = "cstcde"
    USERS = (("bdglin", "cstcde"), ("sbcnln", "cstcde"), ("pcorln", "cstcde"), ("sbcgln", "cstcde"),
             ("apivln", "cstcde"), ("actpay", "cdedft"), ("jobcst", "cstcde"), ("lgtnln", "cstcde"),
             ("tmcdln", "cstcde"), ("arivln", "cstcde"))

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        v = with_defaults(self.table, values)
        key = code_text(v["recnum"])
        if self.b.by_key("cstcde", key) is not None:
            raise self.duplicate(key, "recnum", f"cost code {key}")
        return self.b.create(self.table, v, key=key, parent=None)

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        row.values.update(values)
        self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        for table, column in self.USERS:
            if any(r[column] == row["recnum"] for r in self.b.scan(table)):
                raise self.b.refuse("cstcde", row.label, "recnum", "cost_code_in_use",
                                    f"cost code {row.label} is used by {table}.{column}")
        self.b.remove(row)


class CostTypes(Handler):
    name = "csttyp"

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        raise self.b.refuse("csttyp", values.get("recnum"), "recnum", "nine_cost_types",
                            "Sage has exactly nine cost types; rename 6-9 instead of adding one")

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        if row["recnum"] in FIXED_COST_TYPES and "typnme" in changed(row, values):
            raise self.b.refuse("csttyp", row["recnum"], "typnme", "fixed_cost_type",
                                "cost types 1-5 (Material, Labor, Equipment, Subcontract, Other) are fixed; "
                                "only 6-9 can be renamed")
        row.values.update(values)
        self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        raise self.b.refuse("csttyp", row["recnum"], "recnum", "nine_cost_types",
                            "Sage has exactly nine cost types; none can be removed")


class Vendors(Handler):
    name = "actpay"
    USERS = (("subcon", "vndnum"), ("pchord", "vndnum"), ("acpinv", "vndnum"), ("jobcst", "vndnum"),
             ("sbcgln", "vndnum"), ("lgrtrn", "vndnum"))

    def _check(self, record: Any, values: dict[str, Any]) -> None:
        if values.get("cdedft") is not None:
            self.b.cost_code(values["cdedft"], "actpay", record, "cdedft")
        if values.get("typdft") is not None:
            self.b.cost_type(values["typdft"], "actpay", record, "typdft")

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        v = with_defaults(self.table, values)
        if self.b.by_key("actpay", str(v["recnum"])) is not None:
            raise self.duplicate(v["recnum"], "recnum", f"vendor {v['recnum']}")
        self._check(v["recnum"], v)
        return self.b.create(self.table, v, key=str(v["recnum"]), parent=None)

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        self._check(row["recnum"], {k: values[k] for k in changed(row, values)})
        row.values.update(values)
        self.b.save(row)
        return row

    def delete(self, row: Row) -> None:
        for table, column in self.USERS:
            if any(r[column] == row["recnum"] for r in self.b.scan(table)):
                raise self.b.refuse("actpay", row["recnum"], "recnum", "vendor_in_use",
                                    f"vendor {row['recnum']} is used by {table}")
        self.b.remove(row)


def refresh_budget_totals(line: Row) -> None:
    line.values["ttlbdg"] = sum((dec(line[c]) for c, _ in BUDGET_COLUMNS.values()), ZERO)
    line.values["ttlorg"] = sum((dec(line[o]) for _, o in BUDGET_COLUMNS.values()), ZERO)


def add_to_budget(books: Books, combo: Combo, amount: Decimal, hours: Decimal) -> None:
    """An approved change order's budget change, written into the budget line (created when missing)."""
    job, phase, code, ctype = combo
    key = f"{job}:{phase}:{code}"
    line = books.by_key("bdglin", key)
    if line is None:
        job_row = books.by_key("actrec", str(job))
        assert job_row is not None  # the change order checked its job
        values = {"recnum": job, "phsnum": phase, "cstcde": Decimal(code),
                  **{name: ZERO for name in Budgets.zeroed}}
        line = books.create(TABLES["bdglin"], values, key=key, parent=job_row.id)
    column = BUDGET_COLUMNS[ctype][0]
    line.values[column] = dec(line[column]) + amount
    if hours:
        line.values["hrsbdg"] = dec(line["hrsbdg"]) + hours
    refresh_budget_totals(line)
    books.save(line)


class Budgets(Handler):
    name = "bdglin"
    # Amount columns a budget line always carries (blank means zero).
    zeroed = ("hrsbdg", "hrsorg", *(c for pair in BUDGET_COLUMNS.values() for c in pair))

    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        v = with_defaults(self.table, values)
        key = f"{v['recnum']}:{v['phsnum']}:{code_text(v['cstcde'])}"
        job = self.b.job(v["recnum"], "bdglin", key, "recnum")
        self.b.phase(v["recnum"], v["phsnum"], "bdglin", key)
        self.b.cost_code(v["cstcde"], "bdglin", key, "cstcde")
        if self.b.by_key("bdglin", key) is not None:
            raise self.duplicate(key, "cstcde", f"a budget line for job {v['recnum']} phase {v['phsnum']} "
                                                f"cost code {code_text(v['cstcde'])}")
        for name in self.zeroed:
            if v.get(name) is None:
                v[name] = ZERO
        row = Row(self.table, 0, v)
        refresh_budget_totals(row)
        return self.b.create(self.table, row.values, key=key, parent=job.id)

    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        for name, value in values.items():
            row.values[name] = ZERO if value is None and name in self.zeroed else value
        refresh_budget_totals(row)
        self.b.save(row)
        return row


    def delete(self, row: Row) -> None:
        self.b.remove(row)

"""One company's books for the length of one request: rows, references, running totals, checks.

Every table's logic (``jobs.py``, ``commitments.py``, ``payables.py``) works
through a ``Books``. It stores records under ``sage100.<table>`` kinds; values
are typed in memory (``Decimal`` for decimals) and strings in the store.

Running totals per job / phase / cost code / cost type (cost posted, amount
subcontracted, amount ordered, approved change orders) live in an internal
kind so the over-budget checks never scan job cost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from simulator.sage100.config import CHECKS, Settings
from simulator.sage100.errors import Problem, Sage100Error, refused
from simulator.sage100.tables import BUDGET_COLUMNS, COST_TYPE, TABLES, Table, kind
from simulator.store import Record, Records

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TOTALS = "sage100._totals"

# A budget cell: job, phase, cost code (canonical text), cost type.
Combo = tuple[int, int, str, int]
# Which check guards which running total.
CHECK_FOR = {"cost": "cost_over_budget", "subcon": "subcontract_over_budget", "po": "po_over_budget"}
MEASURE_LABEL = {"cost": "job cost", "subcon": "subcontracted amount", "po": "purchase order amount"}


def dec(value: Any) -> Decimal:
    """A stored or typed amount as a Decimal; blanks count as zero."""
    if value is None or value == "":
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def code_text(code: Decimal | str) -> str:
    """A cost code as Sage shows it: three decimals (2010.000)."""
    return f"{Decimal(str(code)):.3f}"


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclass
class Row:
    table: Table
    id: int
    values: dict[str, Any]
    key: str | None = None
    parent: int | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    @property
    def label(self) -> str:
        """How messages name this record: ``subcon 7``, ``sbcnln 7:2``, ``bdglin 1001:0:3.100``."""
        t = self.table
        if t.header is not None:
            return f"{self[t.link or 'recnum']}:{self['linnum']}"
        if t.name == "jobphs":
            return f"{self['recnum']}:{self['phsnum']}"
        if t.name == "bdglin":
            return f"{self['recnum']}:{self['phsnum']}:{code_text(self['cstcde'])}"
        if t.name == "cstcde":
            return code_text(self["recnum"])
        return str(self["recnum"])

    @property
    def ident(self) -> Any:
        """The value the API addresses this record by (its path key)."""
        return self.id if self.table.key_column == "_idnum" else self["recnum"]


def encode(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def decode(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for column in table.columns:
        if column.type == "decimal" and out.get(column.name) is not None:
            out[column.name] = Decimal(out[column.name])
    return out


class Books:
    def __init__(self, records: Records, settings: Settings, now: datetime, user: str) -> None:
        self.records = records
        self.settings = settings
        self.user = user
        self.today = now.date().isoformat()
        self.stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.warnings: list[Problem] = []
        self._increased: dict[tuple[str, Combo], tuple[str, Any, str]] = {}

    # -- rows -------------------------------------------------------------------

    def _row(self, table: Table, record: Record) -> Row:
        return Row(table, record.id, decode(table, record.data), record.key, record.parent)

    def get(self, table: str, id: int) -> Row | None:
        t = TABLES[table]
        record = self.records.get(kind(table), id)
        return None if record is None else self._row(t, record)

    def by_key(self, table: str, key: str) -> Row | None:
        t = TABLES[table]
        record = self.records.get_by_key(kind(table), key)
        return None if record is None else self._row(t, record)

    def children(self, table: str, parent: int) -> list[Row]:
        t = TABLES[table]
        return [self._row(t, r) for r in self.records.children(kind(table), parent)]

    def children_page(self, table: str, parent: int, *, after: int = 0, limit: int = 1000) -> list[Row]:
        """One keyset page of a parent's children, by the store's parent index.

        ``Records.children`` has no paging, and a job can own a hundred thousand job
        cost rows, so this reads the store's table directly.
        """
        t = TABLES[table]
        return [self._row(t, r) for r in self.children_records(table, parent, after=after, limit=limit)]

    def children_records(self, table: str, parent: int, *, after: int = 0, limit: int = 1000) -> list[Record]:
        # Named index: left alone, SQLite walks the primary key and filters on parent.
        rows = self.records.store.execute(
            "SELECT id, key, parent, data FROM records INDEXED BY records_by_parent "
            "WHERE tenant = ? AND kind = ? AND parent = ? AND id > ? ORDER BY id LIMIT ?",
            (self.records.tenant, kind(table), parent, after, limit),
        ).fetchall()
        return [Record(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def has_children(self, table: str, parent: int) -> bool:
        return bool(self.children_page(table, parent, limit=1))

    def scan(self, table: str) -> list[Row]:
        t = TABLES[table]
        return [self._row(t, r) for r in self.records.iter(kind(table))]

    def create(self, table: Table, values: dict[str, Any], *, key: str | None, parent: int | None,
               id: int | None = None) -> Row:
        values = {**values, "insdte": self.stamp, "insusr": self.user, "upddte": self.stamp, "updusr": self.user}
        new_id = self.records.insert(kind(table.name), encode(values), key=key, parent=parent, id=id)
        return Row(table, new_id, values, key, parent)

    def save(self, row: Row, *, key: str | None = None, parent: int | None = None) -> None:
        row.values["upddte"] = self.stamp
        row.values["updusr"] = self.user
        self.records.update(kind(row.table.name), row.id, encode(row.values), key=key, parent=parent)
        if key is not None:
            row.key = key
        if parent is not None:
            row.parent = parent

    def remove(self, row: Row) -> None:
        self.records.delete(kind(row.table.name), row.id)

    def next_recnum(self, table: Table) -> int:
        """Sage's next record number for an auto-numbered table, skipping numbers a client chose."""
        while True:
            candidate = self.records.next_value(f"{kind(table.name)}.recnum")
            if self.records.get(kind(table.name), candidate) is None:
                return candidate

    # -- refusals and warnings -----------------------------------------------------

    def refuse(self, table: str, record: Any, field: str | None, rule: str, message: str,
               code: str = "RuleViolation") -> Sage100Error:
        where = table if record is None else f"{table} {record}"
        return refused(f"{where}: {message}", table=table, record=record, field=field, rule=rule, code=code)

    def warn(self, table: str, record: Any, field: str | None, rule: str, message: str) -> None:
        where = table if record is None else f"{table} {record}"
        problem = Problem(f"{where}: {message}", table, record, field, rule)
        if all(p.message != problem.message for p in self.warnings):
            self.warnings.append(problem)

    def apply_mode(self, mode: str, table: str, record: Any, field: str | None, rule: str, message: str) -> None:
        """Sage's three-way program warning: nothing, a warning with the saved record, or a refusal."""
        if mode == "Not allow":
            raise self.refuse(table, record, field, rule, f"{message} (setting: Not allow)")
        if mode == "Warning":
            self.warn(table, record, field, rule, message)

    # -- references ------------------------------------------------------------------

    def job(self, jobnum: int, table: str, record: Any, field: str) -> Row:
        row = self.by_key("actrec", str(jobnum))
        if row is None:
            raise self.refuse(table, record, field, "job_exists", f"job {jobnum} does not exist (3-5 Jobs)")
        return row

    def phase(self, jobnum: int, phsnum: int | None, table: str, record: Any, field: str = "phsnum") -> None:
        if not phsnum:
            return
        if self.by_key("jobphs", f"{jobnum}:{phsnum}") is None:
            raise self.refuse(table, record, field, "phase_belongs_to_job",
                              f"phase {phsnum} does not belong to job {jobnum} (phase 0 means no phase)")

    def cost_code(self, code: Decimal, table: str, record: Any, field: str) -> Row:
        row = self.by_key("cstcde", code_text(code))
        if row is None:
            raise self.refuse(table, record, field, "cost_code_exists",
                              f"cost code {code_text(code)} does not exist (6-5 Cost Codes)")
        return row

    def cost_type(self, number: int, table: str, record: Any, field: str) -> Row:
        row = self.by_key("csttyp", str(number))
        if row is None:
            raise self.refuse(table, record, field, "cost_type_exists", f"cost type {number} does not exist")
        return row

    def vendor(self, vndnum: int, table: str, record: Any, field: str = "vndnum") -> Row:
        row = self.by_key("actpay", str(vndnum))
        if row is None:
            raise self.refuse(table, record, field, "vendor_exists", f"vendor {vndnum} does not exist (4-4 Vendors)")
        if row["inactv"] and self.settings.refuse_inactive_vendor:
            raise self.refuse(table, record, field, "vendor_active", f"vendor {vndnum} is inactive")
        return row

    def distribution(self, table: str, record: Any, jobnum: int, phsnum: int | None, cstcde: Decimal | None,
                     csttyp: int | None) -> None:
        """A job cost distribution: the job, its phase, a cost code and a cost type, all existing."""
        self.job(jobnum, table, record, "jobnum" if table != "bdglin" else "recnum")
        self.phase(jobnum, phsnum, table, record)
        if cstcde is None:
            raise self.refuse(table, record, "cstcde", "job_cost_distribution",
                              f"a cost code is required when costing to job {jobnum}")
        if csttyp is None:
            raise self.refuse(table, record, "csttyp", "job_cost_distribution",
                              f"a cost type is required when costing to job {jobnum}")
        self.cost_code(cstcde, table, record, "cstcde")
        self.cost_type(csttyp, table, record, "csttyp")

    # -- running totals and budget checks -----------------------------------------

    @staticmethod
    def combo(jobnum: int, phsnum: int | None, cstcde: Decimal, csttyp: int) -> Combo:
        return (int(jobnum), int(phsnum or 0), code_text(cstcde), int(csttyp))

    def total(self, measure: str, combo: Combo) -> Decimal:
        record = self.records.get_by_key(TOTALS, ":".join(map(str, combo)))
        return ZERO if record is None else dec(record.data.get(measure))

    def bump(self, measure: str, combo: Combo, delta: Decimal) -> None:
        if not delta:
            return
        key = ":".join(map(str, combo))
        record = self.records.get_by_key(TOTALS, key)
        if record is None:
            self.records.insert(TOTALS, {measure: str(delta)}, key=key)
        else:
            data = dict(record.data)
            data[measure] = str(dec(data.get(measure)) + delta)
            self.records.update(TOTALS, record.id, data)

    def shift(self, before: dict[tuple[str, Combo], Decimal], after: dict[tuple[str, Combo], Decimal],
              table: str, record: Any, field: str) -> None:
        """Move running totals from one state of some records to the next; remember what grew."""
        for item in set(before) | set(after):
            delta = after.get(item, ZERO) - before.get(item, ZERO)
            if delta:
                self.bump(item[0], item[1], delta)
                if delta > 0 and item[0] in CHECK_FOR:
                    self._increased[item] = (table, record, field)

    def budget(self, combo: Combo) -> Decimal:
        """Current budget for a cell: the bdglin column for the cost type (plus approved COs when kept apart)."""
        job, phase, code, ctype = combo
        line = self.by_key("bdglin", f"{job}:{phase}:{code}")
        amount = ZERO if line is None else dec(line[BUDGET_COLUMNS[ctype][0]])
        if not self.settings.change_orders_update_budget:
            amount += self.total("co", combo)
        return amount

    def cost_type_label(self, number: int) -> str:
        row = self.by_key("csttyp", str(number))
        return f"{number}-{row['typnme'] if row is not None else COST_TYPE[number]}"

    def run_checks(self) -> None:
        """Sage's over-budget checks for every cell whose committed or posted amount grew in this request."""
        pending, self._increased = self._increased, {}
        for (measure, combo), (table, record, field) in sorted(pending.items(), key=lambda kv: str(kv[0])):
            name = CHECK_FOR[measure]
            check = self.settings.checks[name]
            if check.mode == "No message":
                continue
            amount = self.total(measure, combo)
            budget = self.budget(combo)
            if amount > check.allowed(budget):
                job, phase, code, ctype = combo
                self.apply_mode(
                    check.mode, table, record, field, name,
                    f"{MEASURE_LABEL[measure]} {money(amount)} exceeds the budget {money(budget)} for job {job} "
                    f"phase {phase} cost code {code} cost type {self.cost_type_label(ctype)} ({CHECKS[name]})")

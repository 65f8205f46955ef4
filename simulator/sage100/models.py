"""The record API's operations: insert, modify, delete, retrieve, list and actions, on any table.

Each write runs in one store transaction: the table's rules, the effects on
other records and the over-budget checks either all happen or none do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from simulator.sage100 import commitments, jobs, ledger, payables
from simulator.sage100.books import Books, Row, code_text
from simulator.sage100.config import MAX_PAGE_SIZE, Settings
from simulator.sage100.errors import Problem, Sage100Error, bad_request, invalid, not_found
from simulator.sage100.handler import Handler
from simulator.sage100.tables import MAX_JOB_NUMBER, TABLES, Column, Table, kind
from simulator.sage100.wire import DATE, check_record, coerce, render, render_stored
from simulator.journal.hook import did_you_mean, near_miss
from simulator.store import Cond, Record, Records

HANDLERS: dict[str, type[Handler]] = {
    "actrec": jobs.Jobs, "jobphs": jobs.Phases, "cstcde": jobs.CostCodes, "csttyp": jobs.CostTypes,
    "actpay": jobs.Vendors, "bdglin": jobs.Budgets,
    "prmchg": commitments.ChangeOrders, "sbcgln": commitments.ChangeOrderLines,
    "subcon": commitments.Subcontracts, "sbcnln": commitments.SubcontractLines,
    "pchord": commitments.PurchaseOrders, "pcorln": commitments.POLines,
    "acpinv": payables.Invoices, "apivln": payables.InvoiceLines, "acppmt": payables.Payments,
    "jobcst": payables.JobCosts,
    "lgrtrn": ledger.Journals, "lgtnln": ledger.JournalLines, "payrec": ledger.Payrolls, "tmcdln": ledger.TimeCards,
    "acrinv": ledger.Receivables, "arivln": ledger.ReceivableLines,
}

# Filters that follow the store's parent index: column -> how to turn its value into the parent id.
JOB_PARENTED = {"jobphs": "recnum", "bdglin": "recnum", "prmchg": "jobnum", "subcon": "jobnum",
                "pchord": "jobnum", "acpinv": "jobnum", "jobcst": "jobnum", "acrinv": "jobnum"}
PAGING = {"limit", "after", "updated_since"}
INTEGER = re.compile(r"^[+-]?\d+$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def table_of(name: str) -> Table:
    table = TABLES.get(name)
    if table is None:
        hint = did_you_mean(near_miss("table", name, TABLES))
        raise not_found(f"no table {name!r}; " + (hint + " " if hint else "") + f"the tables are: {', '.join(TABLES)}",
                        table=name, code="UnknownTable")
    return table


@dataclass
class Outcome:
    record: dict[str, Any]
    warnings: list[Problem]


class Company:
    """One company's books as the API sees them, for one authenticated request."""

    def __init__(self, records: Records, settings: Settings, now: datetime, user: str) -> None:
        self.records = records
        self.settings = settings
        self.books = Books(records, settings, now, user)

    # -- reads ---------------------------------------------------------------------

    def render(self, row: Row, *, lines: bool = True) -> dict[str, Any]:
        out = render(row.table, row.id, row.values)
        if lines and row.table.lines:
            line_table = TABLES[row.table.lines]
            out[row.table.lines] = [render(line_table, r.id, r.values)
                                    for r in self.books.children(row.table.lines, row.id)]
        return out

    def parse_key(self, table: Table, raw: str) -> Any:
        column = table.key
        try:
            if column.type == "decimal":
                value: Any = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
            else:
                if not INTEGER.match(raw):
                    raise ValueError
                value = int(raw)
        except (InvalidOperation, ValueError):
            kind = "a number" if column.type == "decimal" else "an integer"
            if column.job_number:
                raise bad_request(f"{table.name} {raw}: job numbers are numeric, with no letters or separators",
                                  code="InvalidKey", table=table.name, record=raw, field=column.name,
                                  rule="numeric_job_number") from None
            raise bad_request(f"{table.name} key {raw!r} is not {kind} ({column.name})", code="InvalidKey",
                              table=table.name, record=raw, field=column.name, rule="type") from None
        return value

    def find(self, table: Table, raw: str) -> tuple[Handler, Row]:
        handler = HANDLERS[table.name](self.books)
        key = self.parse_key(table, raw)
        row = handler.find(key) if self._storable(table.key, key) else None
        if row is None:
            shown = code_text(key) if table.key.cost_code and self._storable(table.key, key) else raw
            raise not_found(f"{table.name} {shown} does not exist ({table.title}, {table.window})",
                            table=table.name, record=key if isinstance(key, int) else raw)
        return handler, row

    @staticmethod
    def _storable(column: Column, key: Any) -> bool:
        """Whether a key could name a stored record at all (in range, with no extra decimals)."""
        if column.type == "decimal":
            return bool(abs(key) <= column.limit and key == key.quantize(column.scale))
        return column.minimum is None or column.minimum <= key <= (column.maximum or key)

    def retrieve(self, table_name: str, raw: str) -> dict[str, Any]:
        table = table_of(table_name)
        _, row = self.find(table, raw)
        return self.render(row)

    def page(self, table_name: str, query: Mapping[str, str]) -> dict[str, Any]:
        table = table_of(table_name)
        limit, after, since, filters = self._query(table, query)
        parent_column = table.link if table.header else JOB_PARENTED.get(table.name)
        if table.name == "acppmt":
            parent_column = "_idref"
        parent: int | None = None
        if parent_column is not None and parent_column in filters:
            value = filters[parent_column]
            if table.name in JOB_PARENTED:
                job = self.books.by_key("actrec", str(value))
                parent = job.id if job is not None else -1
            else:
                parent = int(value)
            del filters[parent_column]  # the index answers it

        # Every other filter is an indexed equality in SQL; decimals are stored as text and compared as numbers.
        decimals = {name: value for name, value in filters.items() if table.by_name[name].type == "decimal"}
        where = [Cond("id" if name == "_idnum" else name, "=", value)
                 for name, value in filters.items() if name not in decimals]
        if parent is not None:
            where.append(Cond("parent", "=", parent))
        if since is not None:
            where.append(Cond("upddte", ">=", since))

        def matches(record: Record) -> bool:
            for name, value in decimals.items():
                have = record.data.get(name)
                if (Decimal(have) if have is not None else None) != value:
                    return False
            return True

        found: list[Record] = []
        cursor = after
        batch = limit if not decimals else max(limit, 500)
        while len(found) < limit:
            records = self.records.select(kind(table.name), [*where, Cond("id", ">", cursor)], limit=batch)
            for record in records:
                cursor = record.id
                if matches(record):
                    found.append(record)
                    if len(found) == limit:
                        break
            if len(records) < batch:
                break
        more = len(found) == limit
        return {"table": table.name, "count": len(found), "next_after": found[-1].id if more else None,
                "records": [render_stored(table, r.id, r.data) for r in found]}

    def _query(self, table: Table, query: Mapping[str, str]) -> tuple[int, int, str | None, dict[str, Any]]:
        problems: list[Problem] = []
        filters: dict[str, Any] = {}
        limit, after, since = self.settings.page_size, 0, None

        def wrong(name: str, rule: str, message: str) -> None:
            problems.append(Problem(message, table.name, None, name, rule))

        for name, raw in query.items():
            if name == "limit":
                if INTEGER.match(raw) and 1 <= int(raw) <= MAX_PAGE_SIZE:
                    limit = int(raw)
                else:
                    wrong(name, "limit", f"limit must be an integer from 1 to {MAX_PAGE_SIZE} (got {raw!r})")
            elif name == "after":
                if INTEGER.match(raw) and 0 <= int(raw) <= MAX_JOB_NUMBER:
                    after = int(raw)
                else:
                    wrong(name, "after", f"after must be an _idnum of 0 or more (got {raw!r})")
            elif name == "updated_since":
                if STAMP.match(raw):
                    since = raw if "T" in raw else f"{raw}T00:00:00Z"
                else:
                    wrong(name, "format", f"updated_since must be a date or date-time (got {raw!r})")
            else:
                column = table.column(name)
                if column is None or not (column.filter or column.name == "_idnum"):
                    allowed = ", ".join(c.name for c in table.columns if c.filter)
                    wrong(name, "unknown_filter", f"{table.name} cannot be filtered by {name!r}; filters: {allowed}")
                    continue
                try:
                    filters[name] = self._filter_value(table, column, raw)
                except Problem as exc:
                    problems.append(exc)
        if problems:
            raise invalid(problems)
        return limit, after, since, filters

    @staticmethod
    def _filter_value(table: Table, column: Column, raw: str) -> Any:
        value: Any = raw
        if column.type == "int":
            value = int(raw) if INTEGER.match(raw) else raw
        elif column.type == "decimal":
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    value = raw
            except InvalidOperation:
                value = raw
        elif column.type == "bool":
            value = {"true": True, "false": False}.get(raw, raw)
        elif column.type == "date" and not DATE.match(raw):
            value = raw
        return coerce(table, replace(column, required=False, default=None), value)

    # -- writes ----------------------------------------------------------------------

    def _run(self, work: Any) -> Outcome:
        store = self.records.store
        with store.transaction():
            row = work()
            self.books.run_checks()
            fresh = self.books.get(row.table.name, row.id) if row is not None else None
            record = self.render(fresh) if fresh is not None else {}
        return Outcome(record, list(self.books.warnings))

    def insert(self, table_name: str, body: dict[str, Any]) -> Outcome:
        table = table_of(table_name)
        lines: list[dict[str, Any]] | None = None
        allow: tuple[str, ...] = ()
        if table.lines:
            allow = (table.lines,)
            lines = self._nested_lines(table, body)
        values = check_record(table, body, insert=True, record=body.get("recnum"), allow=allow)
        handler = HANDLERS[table.name](self.books)
        return self._run(lambda: handler.insert(values, lines))

    def _nested_lines(self, table: Table, body: dict[str, Any]) -> list[dict[str, Any]]:
        assert table.lines is not None
        raw = body.get(table.lines, [])
        line_table = TABLES[table.lines]
        if not isinstance(raw, list):
            raise bad_request(f"{table.name}.{table.lines} must be an array of {line_table.title.lower()}",
                              code="InvalidType", table=table.name, field=table.lines, rule="type")
        out: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for i, line in enumerate(raw, start=1):
            where = f"line {i}"
            if not isinstance(line, dict):
                problems.append(Problem(f"{table.lines} {where}: must be an object", line_table.name, where, None,
                                        "type"))
                continue
            assert line_table.link is not None
            if line_table.link in line:
                problems.append(Problem(f"{table.lines} {where}: {line_table.link} comes from the {table.name} "
                                        "record the line is nested in", line_table.name, where, line_table.link,
                                        "read_only"))
                continue
            try:
                values = check_record(line_table, {**line, line_table.link: 1}, insert=True, record=where)
            except Sage100Error as exc:
                problems.extend(exc.details or [exc.problem])
                continue
            values.pop(line_table.link)
            out.append(values)
        if problems:
            raise invalid(problems)
        return out

    def modify(self, table_name: str, raw_key: str, body: dict[str, Any]) -> Outcome:
        table = table_of(table_name)
        with self.records.store.transaction():  # the record read is the record changed
            return self._modify(table, raw_key, body)

    def _modify(self, table: Table, raw_key: str, body: dict[str, Any]) -> Outcome:
        handler, row = self.find(table, raw_key)
        if table.lines and table.lines in body:
            raise bad_request(f"{table.name} {row.label}: change lines through table {table.lines}, not inside "
                              f"the {table.name} record", code="InvalidRecord", table=table.name, record=row.ident,
                              field=table.lines, rule="lines_separately")
        current = {**row.values, "_idnum": row.id}
        values = check_record(table, body, insert=False, current=current, record=row.ident)
        return self._run(lambda: handler.modify(row, values))

    def delete(self, table_name: str, raw_key: str) -> Outcome:
        table = table_of(table_name)
        with self.records.store.transaction():
            return self._delete(table, raw_key)

    def _delete(self, table: Table, raw_key: str) -> Outcome:
        handler, row = self.find(table, raw_key)
        gone = {"_idnum": row.id, "recnum": row["recnum"] if table.key_column != "_idnum" else row.label}

        def work() -> None:
            handler.delete(row)

        outcome = self._run(work)
        outcome.record = gone
        return outcome

    def action(self, table_name: str, raw_key: str, name: str) -> Outcome:
        table = table_of(table_name)
        if name not in table.actions:
            raise not_found(f"{table.name} has no action {name!r}"
                            + (f"; its actions are: {', '.join(table.actions)}" if table.actions else ""),
                            table=table.name, code="UnknownAction")
        with self.records.store.transaction():
            handler, row = self.find(table, raw_key)
            return self._run(lambda: handler.action(row, name))

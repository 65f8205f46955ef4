"""What every table's logic provides, and the defaults shared by all of them."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from decimal import Decimal
from typing import Any, ClassVar

from simulator.sage100.books import Books, Row, code_text
from simulator.sage100.errors import bad_request
from simulator.sage100.tables import TABLES, Table


def with_defaults(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """Insert values plus each unset column's default."""
    out = dict(values)
    for column in table.columns:
        if column.name not in out and column.default is not None and not column.readonly:
            default = column.default
            out[column.name] = Decimal(default) if column.type == "decimal" else default
    return out


def changed(row: Row, values: dict[str, Any]) -> set[str]:
    return {name for name, value in values.items() if row.values.get(name) != value}


class Handler(metaclass=ABCMeta):
    """One table's insert / modify / delete / actions. Subclasses add Sage's rules."""

    name: ClassVar[str]

    def __init__(self, books: Books) -> None:
        self.b = books
        self.table: Table = TABLES[self.name]

    def find(self, ident: Any) -> Row | None:
        t = self.table
        if t.key_column == "_idnum" or t.numbering == "auto":
            return self.b.get(t.name, int(ident))
        if t.key.cost_code:
            return self.b.by_key(t.name, code_text(ident))
        return self.b.by_key(t.name, str(ident))

    @abstractmethod
    def insert(self, values: dict[str, Any], lines: list[dict[str, Any]] | None) -> Row:
        ...

    @abstractmethod
    def modify(self, row: Row, values: dict[str, Any]) -> Row:
        ...

    @abstractmethod
    def delete(self, row: Row) -> None:
        ...

    def action(self, row: Row, name: str) -> Row:
        raise bad_request(f"{self.table.name} has no action {name!r}", code="UnknownAction", table=self.table.name,
                          record=row.ident, rule="action")

    # -- shared helpers ------------------------------------------------------------

    def duplicate(self, record: Any, field: str, what: str) -> Exception:
        return self.b.refuse(self.table.name, record, field, f"{field}_unique", f"{what} already exists",
                             code="DuplicateRecord")

    def next_line(self, parent: int) -> int:
        """The line below the last one; refused once the last line holds linnum's declared maximum."""
        lines = self.b.children(self.table.name, parent)
        last = max((int(r["linnum"]) for r in lines), default=0)
        limit = self.table.by_name["linnum"].maximum
        if limit is not None and last >= limit:
            raise self.b.refuse(self.table.name, f"{parent}:new", "linnum", "linnum_range",
                                f"the last line is number {last}, the largest linnum ({limit}); new lines go below "
                                "the last one, so give linnum for a free number above 0 instead")
        return last + 1

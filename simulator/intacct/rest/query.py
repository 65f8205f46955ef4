"""The query service, ``POST /services/core/query``: fields, filters, ``filterExpression``, ``orderBy``, paging.

Rows are flat: a dotted field (``vendor.id``) comes back under its dotted name.
Values are compared by the Intacct field's type (decimal, date, boolean,
text), case-sensitively unless ``filterParameters.caseSensitiveComparison`` is
false. Paging with no filter and no order reads one page from the store's index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from simulator.intacct.functions import aggregate
from simulator.intacct.models import Row, kind
from simulator.intacct.rest import company
from simulator.intacct.rest.convert import Reader, leaf_paths
from simulator.intacct.rest.resources import Ref, Resource
from simulator.intacct.rest.wire import Detail, RestError, page_meta

Predicate = Callable[[Row], bool]
COMPARE = ("$eq", "$ne", "$lt", "$lte", "$gt", "$gte")
LISTS = ("$in", "$notIn")
RANGES = ("$between", "$notBetween")
TEXT = ("$contains", "$notContains", "$startsWith", "$notStartsWith", "$endsWith", "$notEndsWith")
OPERATORS = (*COMPARE, *LISTS, *RANGES, *TEXT, "$has")
AGGREGATES = ("count", "sum", "avg", "min", "max")
_TOKEN = re.compile(r"\s*(\d+|\(|\)|and\b|or\b)", re.IGNORECASE)


def problem(message: str, target: str) -> RestError:
    return RestError(400, "Query request is invalid", error_id="REST-1064", message_id="IA.QUERY_REQUEST_INVALID",
                     details=[Detail(message, target=target, error_id="REST-1051", message_id="IA.INVALID_QUERY")])


def kind_of(res: Resource, path: str) -> str:
    """The type a field compares as: the Intacct field's type, or text for references."""
    spec = res.fields.get(path)
    if spec is not None and not isinstance(spec, Ref):
        fdef = res.obj.field(res.xml_field(spec))
        return fdef.type if fdef is not None else "text"
    if path == "key" or path.endswith(".key"):
        return "int"
    if path.startswith("audit.") and path.endswith("DateTime"):
        return "ts"
    return "text"


def relative_date(word: str, as_of: date) -> date | None:
    days = {"today": 0, "yesterday": -1, "tomorrow": 1}
    return as_of + timedelta(days=days[word]) if word in days else None


class Typer:
    def __init__(self, fold: bool, as_of: date) -> None:
        self.fold = fold
        self.as_of = as_of

    def __call__(self, kind_: str, value: Any, name: str = "", target: str = "") -> Any:
        if value is None or value == "":
            return None
        try:
            if kind_ in ("int", "dec", "cur", "pct"):
                if isinstance(value, bool):
                    raise ValueError(value)
                return Decimal(str(value))
            if kind_ in ("date", "ts"):
                text = str(value)
                relative = relative_date(text, self.as_of)
                return relative if relative is not None else date.fromisoformat(text[:10])
            if kind_ == "bool":
                if isinstance(value, bool):
                    return value
                if str(value).lower() in ("true", "false"):
                    return str(value).lower() == "true"
                raise ValueError(value)
        except (InvalidOperation, ValueError) as exc:
            raise problem(f"'{value}' is not a valid value for {name or kind_}.", target) from exc
        text = str(value)
        return text.casefold() if self.fold else text


class Query:
    def __init__(self, api: Any, res: Resource, body: dict[str, Any]) -> None:
        self.api = api
        self.res = res
        self.body = body
        self.reader = Reader(api.ctx)
        self.valid = set(leaf_paths(res))
        params = body.get("filterParameters") or {}
        if not isinstance(params, dict):
            raise problem("filterParameters must be an object.", "/filterParameters")
        fold = params.get("caseSensitiveComparison", True) is False
        as_of = api.clock.now().date()
        if params.get("asOfDate"):
            try:
                as_of = date.fromisoformat(str(params["asOfDate"]))
            except ValueError as exc:
                raise problem(f"asOfDate '{params['asOfDate']}' is not a date.", "/filterParameters/asOfDate") from exc
        self.typed = Typer(fold, as_of)

    def check_field(self, path: Any, target: str) -> str:
        if not isinstance(path, str) or path not in self.valid:
            raise problem(f"{path} is not a valid field of {self.res.path}.", target)
        return path

    def value(self, row: Row, path: str) -> Any:
        return self.reader.leaf(self.res, row, path)

    # -- filters ----------------------------------------------------------------------

    def condition(self, number: int, item: Any) -> Predicate:
        target = f"/filters/{number}"
        if not isinstance(item, dict) or len(item) != 1:
            raise problem("Each filter is one operator object, such as {\"$eq\": {\"id\": \"V-1\"}}.", target)
        op, operand = next(iter(item.items()))
        if op not in OPERATORS:
            raise problem(f"{op} is not a filter operator; use one of {', '.join(OPERATORS)}.", target)
        if not isinstance(operand, dict) or len(operand) != 1:
            raise problem(f"{op} takes one field and its value.", target)
        path, wanted = next(iter(operand.items()))
        self.check_field(path, target)
        kind_ = kind_of(self.res, path)
        typed = self.typed

        def have(row: Row) -> Any:
            return typed(kind_, self.value(row, path), path)

        if op == "$has":
            raise problem(f"$has tests membership in a list field; {path} is not one.", target)
        if op in TEXT:
            if kind_ in ("date", "ts"):
                raise problem(f"{op} cannot be used with the date field {path}.", target)
            needle = typed("text", wanted, path, target) or ""
            test = {"contains": lambda s: needle in s, "startsWith": lambda s: s.startswith(needle),
                    "endsWith": lambda s: s.endswith(needle)}[op[4].lower() + op[5:] if op.startswith("$not")
                                                                else op[1:]]
            negate = op.startswith("$not")
            return lambda row: (test(typed("text", self.value(row, path), path) or "")) != negate
        if op in LISTS:
            if not isinstance(wanted, list) or not wanted:
                raise problem(f"{op} takes a non-empty array of values.", target)
            members = {typed(kind_, v, path, target) for v in wanted}
            negate = op == "$notIn"
            return lambda row: (have(row) in members) != negate
        if op in RANGES:
            if not isinstance(wanted, list) or len(wanted) != 2:
                raise problem(f"{op} takes [from, to].", target)
            low, high = typed(kind_, wanted[0], path, target), typed(kind_, wanted[1], path, target)
            negate = op == "$notBetween"

            def between(row: Row) -> bool:
                value = have(row)
                inside = value is not None and low is not None and high is not None and low <= value <= high
                return inside != negate

            return between
        target_value = typed(kind_, wanted, path, target)

        def compare(row: Row) -> bool:
            value = have(row)
            if op in ("$eq", "$ne"):
                return (value == target_value) == (op == "$eq")
            if value is None or target_value is None:
                return False
            return bool({"$lt": value < target_value, "$lte": value <= target_value, "$gt": value > target_value,
                         "$gte": value >= target_value}[op])

        return compare

    def predicate(self) -> Predicate | None:
        filters = self.body.get("filters") or []
        if not isinstance(filters, list):
            raise problem("filters must be an array.", "/filters")
        if not filters:
            return None
        conditions = [self.condition(n, f) for n, f in enumerate(filters)]
        expression = self.body.get("filterExpression") or "and"
        if not isinstance(expression, str):
            raise problem("filterExpression must be a string.", "/filterExpression")
        if expression.strip().lower() in ("and", "or"):
            join = all if expression.strip().lower() == "and" else any
            return lambda row: join(c(row) for c in conditions)
        return Expression(expression, conditions).parse()

    # -- running ------------------------------------------------------------------------

    def rows(self) -> tuple[list[Row], int, bool]:
        """The matching rows (or only the requested page, when paged is True) and their total."""
        predicate = self.predicate()
        order = self.order()
        start, size = self.paging()
        if company.serves(self.res):
            source: Any = company.rows(self.api.ctx, self.res)
        elif predicate is None and not order and not self.aggregates() and self.every_row:
            # Paging in key order needs no scan: the store pages by its primary key.
            records = self.api.ctx.records
            total = records.count(kind(self.res.xml))
            wanted = self.stored_fields()
            if wanted is not None:
                # Only the stored fields the page shows, pulled out by SQLite: no document is decoded.
                values = records.scan_fields(kind(self.res.xml), wanted, offset=start - 1, limit=size)
                return [{k: "" if v is None else str(v) for k, v in zip(wanted, found)} for found in values], \
                    total, True
            page = records.scan(kind(self.res.xml), offset=start - 1, limit=size)
            return [r.data for r in page], total, True
        else:
            source = (r.data for r in self.api.ctx.records.iter(kind(self.res.xml)))
        chosen = [row for row in source if self.wanted(row) and (predicate is None or predicate(row))]
        for path, descending in reversed(order):
            kind_ = kind_of(self.res, path)
            chosen.sort(key=lambda row, p=path, k=kind_: _sort_key(self.typed(k, self.value(row, p), p)),
                        reverse=descending)
        return chosen, len(chosen), False

    def stored_fields(self) -> list[str] | None:
        """The Intacct fields behind the requested plain fields, or None when one needs more (a reference)."""
        names = {"RECORDNO"}
        for path in self.fields():
            spec = self.res.fields.get(path)
            if path == "id" and self.res.id_field:
                names.add(self.res.id_field)
            elif path in ("key", "href", "id"):
                continue
            elif isinstance(spec, str):
                names.add(spec)
            else:
                return None
        return sorted(names)

    every_row = True
    """False when the object holds only some records of its kind (one transaction definition's documents)."""

    def wanted(self, row: Row) -> bool:
        return True

    def order(self) -> list[tuple[str, bool]]:
        raw = self.body.get("orderBy") or []
        if not isinstance(raw, list):
            raise problem("orderBy must be an array of {field: asc|desc}.", "/orderBy")
        out = []
        for number, item in enumerate(raw):
            if not isinstance(item, dict) or len(item) != 1:
                raise problem("Each orderBy entry is {field: asc|desc}.", f"/orderBy/{number}")
            path, direction = next(iter(item.items()))
            self.check_field(path, f"/orderBy/{number}")
            if direction not in ("asc", "desc"):
                raise problem(f"Sort direction must be asc or desc, not {direction}.", f"/orderBy/{number}")
            out.append((path, direction == "desc"))
        return out

    def paging(self) -> tuple[int, int]:
        settings = self.api.settings
        start, size = self.body.get("start", 1), self.body.get("size", settings.get("query_default_size", 100))
        maximum = int(settings.get("query_max_size", 4000))
        if isinstance(start, bool) or not isinstance(start, int) or start < 1:
            raise problem("start must be a whole number of 1 or more.", "/start")
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= maximum:
            raise problem(f"size must be a whole number from 1 to {maximum}.", "/size")
        return start, size

    def fields(self) -> list[str]:
        raw = self.body.get("fields") or ["key", "id", "href"]
        if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
            raise problem("fields must be an array of field names.", "/fields")
        for number, name in enumerate(raw):
            function, colon, path = name.partition(":")
            if colon:
                if function not in AGGREGATES:
                    raise problem(f"{function} is not an aggregate; use one of {', '.join(AGGREGATES)}.",
                                  f"/fields/{number}")
                self.check_field(path, f"/fields/{number}")
            else:
                self.check_field(name, f"/fields/{number}")
        return raw

    def aggregates(self) -> bool:
        return any(":" in f for f in self.body.get("fields") or [] if isinstance(f, str))

    def run(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        names = self.fields()
        start, size = self.paging()
        rows, total, paged = self.rows()
        if self.aggregates():
            grouped = self.grouped(rows, names)
            page = grouped[start - 1:start - 1 + size]
            return page, page_meta(len(grouped), start, size, len(page))
        page_rows = rows if paged else rows[start - 1:start - 1 + size]
        getters = [(name, self.reader.getter(self.res, name)) for name in names]
        page = [{name: get(row) for name, get in getters} for row in page_rows]
        return page, page_meta(total, start, size, len(page))

    def grouped(self, rows: list[Row], names: list[str]) -> list[dict[str, Any]]:
        """Aggregates by the XML ``query`` function's own grouping, over REST field values."""
        plain = [n for n in names if ":" not in n]
        aggregates = [(function, path) for function, colon, path in (n.partition(":") for n in names) if colon]
        query = self

        class Values:
            """The XML grouping reads ``value(row, name)`` and takes '' for a missing value."""

            def value(self, row: Row, path: str) -> Any:
                found = query.value(row, path)
                return "" if found is None else found

        out = []
        for found in aggregate(Values(), rows, plain, aggregates):  # type: ignore[arg-type]
            result: dict[str, Any] = {p: None if found[p] == "" else found[p] for p in plain}
            for function, path in aggregates:
                value = found[f"{function.upper()}.{path}"]
                result[f"{function}:{path}"] = int(value) if function == "count" else (value or None)
            out.append(result)
        return out


class DocumentQuery(Query):
    """``purchasing/document::{Definition}`` holds only that definition's documents."""

    every_row = False

    def wanted(self, row: Row) -> bool:
        name = self.res.path.partition("::")[2]
        if self.res.xml == "PODOCUMENT":
            return row.get("DOCPARID") == name
        return row.get("DOCHDRID", "").startswith(f"{name}-")


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


class Expression:
    """``(1 and 2) or 3``: filters by 1-based position, ``and`` binding tighter than ``or``."""

    def __init__(self, source: str, conditions: list[Predicate]) -> None:
        self.conditions = conditions
        self.tokens: list[str] = []
        pos = 0
        text = source.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None:
                raise problem(f"filterExpression: unexpected text at position {pos + 1}.", "/filterExpression")
            self.tokens.append(match.group(1).lower())
            pos = match.end()
        self.pos = 0

    def parse(self) -> Predicate:
        pred = self.either()
        if self.pos != len(self.tokens):
            raise problem(f"filterExpression: unexpected '{self.tokens[self.pos]}'.", "/filterExpression")
        return pred

    def either(self) -> Predicate:
        parts = [self.both()]
        while self.peek() == "or":
            self.pos += 1
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def both(self) -> Predicate:
        parts = [self.atom()]
        while self.peek() == "and":
            self.pos += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def atom(self) -> Predicate:
        token = self.peek()
        self.pos += 1
        if token == "(":
            inner = self.either()
            if self.peek() != ")":
                raise problem("filterExpression: missing ')'.", "/filterExpression")
            self.pos += 1
            return inner
        if token is not None and token.isdigit() and 1 <= int(token) <= len(self.conditions):
            return self.conditions[int(token) - 1]
        raise problem(f"filterExpression: '{token}' is not a filter number from 1 to {len(self.conditions)}.",
                      "/filterExpression")

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None


def run(api: Any, body: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from simulator.intacct.rest.api import resolve_object

    if not isinstance(body, dict):
        raise problem("The query body must be a JSON object.", "/")
    name = body.get("object")
    if not isinstance(name, str) or not name:
        raise problem("object is required, for example accounts-payable/vendor.", "/object")
    res = resolve_object(name)
    cls = DocumentQuery if "::" in res.path else Query
    return cls(api, res, body).run()

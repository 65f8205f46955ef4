"""Filters: the ``query`` function's XML grammar and readByQuery's SQL-like strings.

Both compile to a predicate over stored rows. ``query`` compares display
values (``STATUS equalto active``); readByQuery compares database codes
(``STATUS = 'T'``), as the real gateway does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from simulator.intacct import errors
from simulator.intacct.models import Ctx, Row, find, get, kind
from simulator.intacct.schema import OBJECTS, PARENT_FIELD, Field, ObjectDef
from simulator.store import Cond, declared_indexes
from simulator.intacct.wire import text

Test = Callable[[Row], bool]


class Predicate:
    """A compiled filter: the test for one row, the store conditions every match meets (``conds``,
    answered by indexes), and whether those conditions alone decide (``exact``): then the store can
    count, order and page the matches itself."""

    __slots__ = ("test", "conds", "exact")

    def __init__(self, test: Test, conds: list[Cond] | None = None, exact: bool = False) -> None:
        self.test = test
        self.conds = conds or []
        self.exact = exact

    def __call__(self, row: Row) -> bool:
        return self.test(row)


EVERYTHING = Predicate(lambda row: True, [], True)
MAX_IN_VALUES = 1000
COMPARE_OPS = {"equalto", "notequalto", "lessthan", "lessthanorequalto", "greaterthan", "greaterthanorequalto"}
ALL_OPS = COMPARE_OPS | {"between", "in", "notin", "like", "notlike", "isnull", "isnotnull", "and", "or"}


class QueryProblem(Exception):
    pass


def query_error(message: str) -> errors.FunctionFailure:
    return errors.FunctionFailure(errors.ErrorDetail(
        "DL02000001", description="Error", description2=f"There was an error processing the request: {message}",
        correction="Check the query's fields, operators and values."))


# -- field resolution ---------------------------------------------------------------

RELATED = {"VENDOR": "VENDORID", "PROJECT": "PROJECTID", "CUSTOMER": "CUSTOMERID", "TASK": "TASKID",
           "ITEM": "ITEMID", "STANDARDCOSTTYPE": "STANDARDCOSTTYPEID", "STANDARDTASK": "STANDARDTASKID",
           "PROJECTCONTRACT": "PROJECTCONTRACTID", "GLACCOUNT": "ACCOUNTNO"}


class Resolver:
    """Reads a (possibly dotted) field of a row, following one relationship hop."""

    def __init__(self, ctx: Ctx, obj: ObjectDef) -> None:
        self.ctx = ctx
        self.obj = obj
        self._cache: dict[tuple[str, str], Row | None] = {}

    def field(self, path: str) -> Field:
        fdef = self.obj.field(path)
        if fdef is not None:
            return fdef
        head, _, rest = path.partition(".")
        if rest:
            related = OBJECTS.get(head)
            if related is not None and (head == self.obj.line_of or head in RELATED) and related.field(rest):
                return related.fields[rest]
        raise QueryProblem(f"'{path}' is not a field of {self.obj.name}")

    def value(self, row: Row, path: str) -> str:
        if path in row or self.obj.field(path) is not None:
            return row.get(path, "")
        head, _, rest = path.partition(".")
        target = self._related(row, head)
        return "" if target is None else target.get(rest, "")

    def _related(self, row: Row, head: str) -> Row | None:
        if head == self.obj.line_of:
            parent_key = row.get(PARENT_FIELD[self.obj.name], "")
            cache_key = (head, parent_key)
            if cache_key not in self._cache:
                self._cache[cache_key] = get(self.ctx, head, parent_key) if parent_key else None
            return self._cache[cache_key]
        id_value = row.get(RELATED[head], "")
        if head == "TASK":
            id_value = f"{row.get('PROJECTID', '')}|{id_value}"
        cache_key = (head, id_value)
        if cache_key not in self._cache:
            self._cache[cache_key] = find(self.ctx, head, id_value) if id_value else None
        return self._cache[cache_key]


# -- typed comparison -------------------------------------------------------------


def typed(fdef: Field, value: str, *, fold: bool = False) -> Any:
    if value == "":
        return None
    try:
        if fdef.type in ("int", "dec", "cur", "pct"):
            return Decimal(value)
        if fdef.type == "date":
            return datetime.strptime(value, "%m/%d/%Y").date()
        if fdef.type == "ts":
            for fmt in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
                try:
                    return datetime.strptime(value, fmt)
                except ValueError:
                    continue
            raise ValueError(value)
    except (InvalidOperation, ValueError) as exc:
        raise QueryProblem(f"'{value}' is not a valid value for {fdef.name} ({fdef.datatype})") from exc
    return value.casefold() if fold else value


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, datetime) and isinstance(b, date) and not isinstance(b, datetime):
        return a.date(), b
    if isinstance(b, datetime) and isinstance(a, date) and not isinstance(a, datetime):
        return a, b.date()
    return a, b


def like_regex(pattern: str, fold: bool) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL | (re.IGNORECASE if fold else 0))


def comparison(resolver: Resolver, path: str, op: str, values: list[str], fold: bool,
               codes: bool = False) -> Predicate:
    fdef = resolver.field(path)
    test = _comparison(resolver, fdef, path, op, values, fold, codes)
    conds, exact = narrowing(resolver.obj, fdef, path, op, values, fold, codes)
    return Predicate(test, conds, exact)


def narrowing(obj: ObjectDef, fdef: Field, path: str, op: str, values: list[str], fold: bool,
              codes: bool) -> tuple[list[Cond], bool]:
    """Store conditions every row passing this comparison meets, and whether they decide it exactly.

    Only what an index answers: RECORDNO (the id), a line's header key (its parent), equality on a
    declared text field (case-sensitive, readByQuery codes mapped back to stored values), and a lower
    bound on a declared timestamp (to the day, so it stays a superset).
    """
    if not values or any(v == "" for v in values):
        return [], False
    if path == "RECORDNO" or path == PARENT_FIELD.get(obj.name):
        column = "id" if path == "RECORDNO" else "parent"
        try:
            numbers = [Decimal(v) for v in values]
        except InvalidOperation:
            return [], False
        if any(n != n.to_integral_value() for n in numbers):
            return [], False
        ints = [int(n) for n in numbers]
        sql_op = {"equalto": "=", "lessthan": "<", "lessthanorequalto": "<=", "greaterthan": ">",
                  "greaterthanorequalto": ">="}.get(op)
        if op == "in":
            return [Cond(column, "in", ints)], True
        if op == "between":
            return [Cond(column, ">=", ints[0]), Cond(column, "<=", ints[1])], True
        return ([Cond(column, sql_op, ints[0])], True) if sql_op else ([], False)
    if path not in declared_indexes(kind(obj.name)):
        return [], False
    if fdef.type in ("text", "enum", "ref") and not fold and op in ("equalto", "in"):
        stored: list[str] = []
        for value in values:
            if codes and fdef.codes:
                stored += [shown for shown, code in fdef.codes.items() if code == value]
                if fdef.codes.get(value, value) != value:
                    continue
            stored.append(value)
        return [Cond(path, "in", sorted(set(stored)))], True
    if fdef.type == "ts" and op in ("greaterthan", "greaterthanorequalto", "between"):
        try:
            day = typed(fdef, values[0])
        except QueryProblem:
            return [], False
        return [Cond(path, ">=", day.strftime("%Y%m%d"))], False
    return [], False


def _comparison(resolver: Resolver, fdef: Field, path: str, op: str, values: list[str], fold: bool,
                codes: bool) -> Test:

    def stored(row: Row) -> Any:
        raw = resolver.value(row, path)
        if codes and fdef.codes:
            raw = fdef.codes.get(raw, raw)
        return typed(fdef, raw, fold=fold)

    if op in ("isnull", "isnotnull"):
        want_null = op == "isnull"
        return lambda row: (stored(row) is None) == want_null
    if op in ("like", "notlike"):
        regex = like_regex(values[0], fold)
        negate = op == "notlike"
        return lambda row: bool(regex.match(resolver.value(row, path))) != negate
    wanted = [typed(fdef, v, fold=fold) for v in values]
    if op in ("in", "notin"):
        members = set(wanted)
        negate = op == "notin"
        return lambda row: (stored(row) in members) != negate
    if op == "between":
        low, high = wanted

        def between(row: Row) -> bool:
            have = stored(row)
            if have is None:
                return False
            a, lo = _comparable(have, low)
            b, hi = _comparable(have, high)
            return bool(lo <= a and b <= hi)

        return between
    target = wanted[0]

    def compare(row: Row) -> bool:
        have = stored(row)
        if have is None or target is None:
            return (have is target) if op == "equalto" else (op == "notequalto" and have is not target)
        a, b = _comparable(have, target)
        if op in ("equalto", "notequalto"):
            return (a == b) == (op == "equalto")
        return bool({"lessthan": a < b, "lessthanorequalto": a <= b, "greaterthan": a > b,
                     "greaterthanorequalto": a >= b}[op])

    return compare


def both(preds: list[Predicate]) -> Predicate:
    tests = [p.test for p in preds]
    return Predicate(lambda row: all(t(row) for t in tests), [c for p in preds for c in p.conds],
                     all(p.exact for p in preds))


def either(preds: list[Predicate]) -> Predicate:
    tests = [p.test for p in preds]
    return Predicate(lambda row: any(t(row) for t in tests))


# -- the query function's XML filter ------------------------------------------------


def compile_filter(resolver: Resolver, el: etree._Element, fold: bool) -> Predicate:
    op = el.tag
    if op not in ALL_OPS:
        raise QueryProblem(f"'{op}' is not a filter operator")
    if op in ("and", "or"):
        children = [c for c in el if isinstance(c.tag, str)]
        if len(children) < 2:
            raise QueryProblem(f"<{op}> needs at least two conditions")
        preds = [compile_filter(resolver, c, fold) for c in children]
        return both(preds) if op == "and" else either(preds)
    field_el = el.find("field")
    if field_el is None or not text(field_el):
        raise QueryProblem(f"<{op}> needs a <field>")
    values = [text(v) for v in el.findall("value")]
    if op in ("isnull", "isnotnull"):
        if values:
            raise QueryProblem(f"<{op}> takes only a <field>")
    elif op == "between":
        if len(values) != 2:
            raise QueryProblem("<between> takes exactly two <value>s")
    elif op in ("in", "notin"):
        if not 1 <= len(values) <= MAX_IN_VALUES:
            raise QueryProblem(f"<{op}> takes 1 to {MAX_IN_VALUES} <value>s")
    elif len(values) != 1:
        raise QueryProblem(f"<{op}> takes exactly one <value>")
    return comparison(resolver, text(field_el), op, values, fold)


# -- readByQuery's query string -----------------------------------------------------

TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>'(?:\\.|[^'\\])*')
    | (?P<op><=|>=|<>|!=|=|<|>)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<num>-?\d+(?:\.\d+)?)
    )""", re.VERBOSE)


def tokenize(source: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    source = source.rstrip()
    while pos < len(source):
        match = TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            raise QueryProblem(f"unexpected text at position {pos + 1}: {source[pos:pos + 20]!r}")
        kind_ = match.lastgroup or ""
        value = match.group(kind_)
        if kind_ == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind_, value))
        pos = match.end()
    return tokens


class LegacyParser:
    def __init__(self, resolver: Resolver, source: str) -> None:
        self.resolver = resolver
        self.tokens = tokenize(source)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise QueryProblem("the query ends too early")
        self.pos += 1
        return token

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].upper() in words:
            self.pos += 1
            return True
        return False

    def parse(self) -> Predicate:
        if not self.tokens:
            return EVERYTHING
        pred = self.expr()
        if self.peek() is not None:
            raise QueryProblem(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return pred

    def expr(self) -> Predicate:
        parts = [self.term()]
        while self.keyword("OR"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else either(parts)

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.keyword("AND"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else both(parts)

    def factor(self) -> Predicate:
        if self.keyword("NOT"):
            inner = self.factor()
            return Predicate(lambda row: not inner(row))
        token = self.peek()
        if token == ("punct", "("):
            self.take()
            inner = self.expr()
            if self.take() != ("punct", ")"):
                raise QueryProblem("missing ')'")
            return inner
        return self.condition()

    def value(self) -> str:
        kind_, value = self.take()
        if kind_ not in ("str", "num"):
            raise QueryProblem(f"expected a value, found {value!r}")
        return value

    def condition(self) -> Predicate:
        kind_, path = self.take()
        if kind_ != "word":
            raise QueryProblem(f"expected a field name, found {path!r}")
        if "." in path and self.resolver.obj.field(path) is None:
            raise QueryProblem("joins are not supported in readByQuery; use the query function")
        if self.keyword("IS"):
            negate = self.keyword("NOT")
            if not self.keyword("NULL"):
                raise QueryProblem("expected NULL after IS")
            return comparison(self.resolver, path, "isnotnull" if negate else "isnull", [], False, codes=True)
        negate = self.keyword("NOT")
        if self.keyword("LIKE"):
            return comparison(self.resolver, path, "notlike" if negate else "like", [self.value()], False, codes=True)
        if self.keyword("IN"):
            if self.take() != ("punct", "("):
                raise QueryProblem("expected '(' after IN")
            values = [self.value()]
            while self.peek() == ("punct", ","):
                self.take()
                values.append(self.value())
            if self.take() != ("punct", ")"):
                raise QueryProblem("missing ')' after the IN list")
            return comparison(self.resolver, path, "notin" if negate else "in", values, False, codes=True)
        if negate:
            raise QueryProblem("expected LIKE or IN after NOT")
        kind_, op = self.take()
        if kind_ != "op":
            raise QueryProblem(f"expected an operator after {path}, found {op!r}")
        name = {"=": "equalto", "!=": "notequalto", "<>": "notequalto", "<": "lessthan", "<=": "lessthanorequalto",
                ">": "greaterthan", ">=": "greaterthanorequalto"}[op]
        return comparison(self.resolver, path, name, [self.value()], False, codes=True)


def compile_legacy(resolver: Resolver, source: str) -> Predicate:
    return LegacyParser(resolver, source).parse()

"""``$filter``: the OData v3 subset the contract-based API accepts.

Parsed once into a small AST, then compiled into a predicate over stored
nodes. String comparisons ignore case, as the server's database collation does.

Grammar (lowest precedence first)::

    or    := and ("or" and)*
    and   := not ("and" not)*
    not   := "not" not | cmp
    cmp   := add (("eq"|"ne"|"gt"|"ge"|"lt"|"le") add)?
    add   := mul (("add"|"sub") mul)*
    mul   := unary (("mul"|"div"|"mod") unary)*
    unary := "-" unary | primary
    primary := literal | "(" or ")" | function "(" args ")" | path
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from simulator.acumatica.entities import Entity, in_version, schema
from simulator.acumatica.models import field_column, folded, indexed_fields
from simulator.acumatica.wire import CUSTOM_TYPES, Unconvertible, parse_datetime, store_datetime

MAX_LENGTH = 4000
MAX_DEPTH = 64


class FilterError(Exception):
    """A ``$filter`` the server cannot parse or resolve."""


# -- tokens -------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<typed>(?:datetimeoffset|datetime|date|time|guid|binary|X)'(?:[^']|'')*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?)
  | (?P<cf>cf\.[A-Za-z]+)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_]*)
  | (?P<punct>[()/,=\-])
    """,
    re.VERBOSE,
)

COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
ARITHMETIC = {"add", "sub", "mul", "div", "mod"}
KEYWORDS = COMPARISONS | ARITHMETIC | {"and", "or", "not", "true", "false", "null"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FilterError(f"Syntax error at position {pos} in '{text}'.")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# -- AST --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Path:
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Custom:
    type: str
    view: str
    field: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Binary:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class Not:
    operand: Any


@dataclass(frozen=True)
class Negate:
    operand: Any


FUNCTIONS: dict[str, int | tuple[int, int]] = {
    "substringof": 2, "startswith": 2, "endswith": 2, "contains": 2, "indexof": 2, "length": 1,
    "tolower": 1, "toupper": 1, "trim": 1, "concat": 2, "substring": (2, 3),
    "year": 1, "month": 1, "day": 1, "hour": 1, "minute": 1, "second": 1,
    "round": 1, "floor": 1, "ceiling": 1,
}


class Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise FilterError(f"The $filter expression is longer than {MAX_LENGTH} characters.")
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, token: Token | None = None) -> FilterError:
        token = token or self.tok
        return FilterError(f"Syntax error at position {token.pos} in '{self.text}'.")

    def word(self, *words: str) -> bool:
        return self.tok.kind == "name" and self.tok.text in words

    def take(self) -> Token:
        token = self.tok
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        if self.tok.text != text:
            raise self.error()
        self.i += 1

    def parse(self) -> Any:
        if self.tok.kind == "end":
            raise FilterError("The $filter expression is empty.")
        node = self.or_()
        if self.tok.kind != "end":
            raise self.error()
        return node

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError("The $filter expression is nested too deeply.")

    def or_(self) -> Any:
        left = self.and_()
        while self.word("or"):
            self.take()
            left = Binary("or", left, self.and_())
        return left

    def and_(self) -> Any:
        left = self.not_()
        while self.word("and"):
            self.take()
            left = Binary("and", left, self.not_())
        return left

    def not_(self) -> Any:
        if self.word("not"):
            self.take()
            self.nest()
            return Not(self.not_())
        return self.cmp()

    def cmp(self) -> Any:
        left = self.add()
        if self.tok.kind == "name" and self.tok.text in COMPARISONS:
            op = self.take().text
            return Binary(op, left, self.add())
        return left

    def add(self) -> Any:
        left = self.mul()
        while self.word("add", "sub"):
            op = self.take().text
            left = Binary(op, left, self.mul())
        return left

    def mul(self) -> Any:
        left = self.unary()
        while self.word("mul", "div", "mod"):
            op = self.take().text
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.tok.text == "-":
            self.take()
            self.nest()
            return Negate(self.unary())
        return self.primary()

    def primary(self) -> Any:
        tok = self.tok
        if tok.text == "(":
            self.take()
            self.nest()
            inner = self.or_()
            self.expect(")")
            self.depth -= 1
            return inner
        if tok.kind == "string":
            self.take()
            return Literal(tok.text[1:-1].replace("''", "'"))
        if tok.kind == "number":
            self.take()
            return Literal(_number(tok.text))
        if tok.kind == "typed":
            self.take()
            return Literal(_typed(tok))
        if tok.kind == "cf":
            return self.custom()
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.take()
                return Literal(tok.text == "true")
            if tok.text == "null":
                self.take()
                return Literal(None)
            if tok.text in KEYWORDS:
                raise self.error()
            if self.tokens[self.i + 1].text == "(":
                return self.call()
            return self.path()
        raise self.error()

    def path(self) -> Path:
        parts = [self.take().text]
        while self.tok.text == "/":
            self.take()
            if self.tok.kind != "name":
                raise self.error()
            parts.append(self.take().text)
        return Path(tuple(parts))

    def call(self) -> Call:
        name_tok = self.take()
        name = name_tok.text
        if name not in FUNCTIONS:
            raise FilterError(f"Unknown function '{name}' at position {name_tok.pos} in '{self.text}'.")
        self.expect("(")
        self.nest()
        args = []
        if self.tok.text != ")":
            args.append(self.or_())
            while self.tok.text == ",":
                self.take()
                args.append(self.or_())
        self.expect(")")
        self.depth -= 1
        arity = FUNCTIONS[name]
        low, high = arity if isinstance(arity, tuple) else (arity, arity)
        if not low <= len(args) <= high:
            raise FilterError(f"Function '{name}' takes {low} argument(s) at position {name_tok.pos} in "
                              f"'{self.text}'.")
        return Call(name, tuple(args))

    def custom(self) -> Custom:
        tok = self.take()
        ctype = "Custom" + tok.text[3:] + "Field"
        if ctype not in CUSTOM_TYPES:
            raise FilterError(f"Unknown custom field type '{tok.text}' at position {tok.pos} in '{self.text}'.")
        self.expect("(")
        if not (self.tok.kind == "name" and self.tok.text == "f"):
            raise self.error()
        self.take()
        self.expect("=")
        ref = self.take()
        if ref.kind != "string":
            raise self.error(ref)
        view, dot, name = ref.text[1:-1].partition(".")
        if not dot or not view or not name:
            raise FilterError(f"Custom field '{ref.text[1:-1]}' must be written as 'View.Field'.")
        self.expect(")")
        return Custom(ctype, view, name)


def _number(text: str) -> Decimal | int:
    body = text.rstrip("mMdDfFlL")
    if re.fullmatch(r"\d+", body) and text[-1:] not in ("m", "M", "d", "D", "f", "F"):
        return int(body)
    return Decimal(body)


def _typed(tok: Token) -> Any:
    prefix, _, rest = tok.text.partition("'")
    value = rest[:-1].replace("''", "'")
    if prefix in ("datetimeoffset", "datetime", "date"):
        try:
            return parse_datetime(value)
        except Unconvertible as exc:
            raise FilterError(f"Unrecognized '{prefix}' literal '{value}' at position {tok.pos}.") from exc
    if prefix == "guid":
        return value.lower()
    raise FilterError(f"Literals of type '{prefix}' are not supported at position {tok.pos}.")


def parse(text: str) -> Any:
    return Parser(text).parse()


# -- resolution and evaluation --------------------------------------------------------------


Getter = Callable[[dict[str, Any]], Any]


def _field_getter(ent: Entity, parts: tuple[str, ...], version: str) -> tuple[Getter, str]:
    """A function reading a field path off a stored node, and the field's type."""
    head, rest = parts[0], parts[1:]
    if head == "id" and not rest:
        # The record's id (its NoteID) filters like a Guid field.
        return (lambda node: node.get("id")), "Guid"
    if not rest:
        fld = ent.field(head)
        if fld is None or not in_version(fld.since, version):
            raise FilterError(f"The field '{head}' is not defined in the '{ent.name}' entity.")
        name = fld.name

        def get_field(node: dict[str, Any]) -> Any:
            return node.get("fields", {}).get(name)

        return get_field, fld.type
    lnk = ent.link(head)
    if lnk is not None and in_version(lnk.since, version):
        inner, ftype = _field_getter(schema(lnk.entity), rest, version)

        def get_linked(node: dict[str, Any]) -> Any:
            linked = node.get("links", {}).get(head)
            return None if linked is None else inner(linked)

        return get_linked, ftype
    det = ent.detail(head)
    if det is not None and in_version(det.since, version):
        # Unsupported by the server and unpredictable there; here a detail path matches if any row does.
        inner, ftype = _field_getter(schema(det.entity), rest, version)

        def get_rows(node: dict[str, Any]) -> Any:
            return _Many([inner(row) for row in node.get("details", {}).get(head, [])])

        return get_rows, ftype
    raise FilterError(f"The field '{'/'.join(parts)}' is not defined in the '{ent.name}' entity.")


class _Many(list):  # type: ignore[type-arg]
    """Values of a detail field across rows: a comparison holds if it holds for any row."""


def _norm(value: Any, ftype: str | None = None) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        if ftype == "DateTime":
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return value
        return value
    return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, _Many):
        return any(_compare(op, v, right) for v in left)
    if isinstance(right, _Many):
        return any(_compare(op, left, v) for v in right)
    if left is None or right is None:
        if op == "eq":
            return left is None and right is None
        if op == "ne":
            return not (left is None and right is None)
        return False
    left, right = _align(left, right)
    if isinstance(left, str) and isinstance(right, str):
        left, right = left.casefold(), right.casefold()
    try:
        if op == "eq":
            return bool(left == right)
        if op == "ne":
            return bool(left != right)
        if op == "gt":
            return bool(left > right)
        if op == "ge":
            return bool(left >= right)
        if op == "lt":
            return bool(left < right)
        return bool(left <= right)
    except TypeError:
        return False


def _align(left: Any, right: Any) -> tuple[Any, Any]:
    """Bring a literal to its field's type the way the server converts parameters."""
    if isinstance(left, datetime) and isinstance(right, str):
        try:
            return left, parse_datetime(right)
        except Unconvertible:
            return left, right
    if isinstance(right, datetime) and isinstance(left, str):
        a, b = _align(right, left)
        return b, a
    if isinstance(left, Decimal) and isinstance(right, str):
        try:
            return left, Decimal(right)
        except InvalidOperation:
            return str(left), right
    if isinstance(right, Decimal) and isinstance(left, str):
        a, b = _align(right, left)
        return b, a
    if isinstance(left, bool) and isinstance(right, str) and right.lower() in ("true", "false"):
        return left, right.lower() == "true"
    if isinstance(left, str) and isinstance(right, bool):
        return left.lower() == "true" if left.lower() in ("true", "false") else left, right
    return left, right


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _arith(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if not isinstance(a, Decimal) or not isinstance(b, Decimal):
        raise FilterError(f"Operator '{op}' needs numbers.")
    try:
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if op == "div":
            return a / b
        return a % b
    except (DivisionByZero, InvalidOperation):
        return None


class Compiler:
    def __init__(self, ent: Entity, version: str, custom_types: Callable[[str, str], str | None] | None) -> None:
        self.ent = ent
        self.version = version
        self.custom_types = custom_types

    def predicate(self, node: Any) -> Callable[[dict[str, Any]], bool]:
        fn = self.compile(node)

        def test(record: dict[str, Any]) -> bool:
            return fn(record) is True

        return test

    def compile(self, node: Any) -> Callable[[dict[str, Any]], Any]:
        if isinstance(node, Literal):
            value = _norm(node.value)
            return lambda r: value
        if isinstance(node, Path):
            getter, ftype = _field_getter(self.ent, node.parts, self.version)

            def read(r: dict[str, Any]) -> Any:
                value = getter(r)
                if isinstance(value, _Many):
                    return _Many([_norm(v, ftype) for v in value])
                return _norm(value, ftype)

            return read
        if isinstance(node, Custom):
            view, name = node.view, node.field
            if self.custom_types is not None and self.custom_types(view, name) is None:
                raise FilterError(f"The custom field '{view}.{name}' is not found in the '{self.ent.name}' entity.")

            def read_custom(r: dict[str, Any]) -> Any:
                return _norm(r.get("custom", {}).get(view, {}).get(name), CUSTOM_TYPES[node.type])

            return read_custom
        if isinstance(node, Not):
            inner = self.compile(node.operand)

            def negate(r: dict[str, Any]) -> Any:
                value = inner(r)
                return None if value is None else not value

            return negate
        if isinstance(node, Negate):
            inner = self.compile(node.operand)
            return lambda r: _arith("sub", Decimal(0), inner(r))
        if isinstance(node, Binary):
            left, right = self.compile(node.left), self.compile(node.right)
            op = node.op
            if op == "and":
                return lambda r: bool(left(r) is True and right(r) is True)
            if op == "or":
                return lambda r: bool(left(r) is True or right(r) is True)
            if op in COMPARISONS:
                return lambda r: _compare(op, left(r), right(r))
            return lambda r: _arith(op, left(r), right(r))
        if isinstance(node, Call):
            return self.call(node)
        raise FilterError("Unsupported $filter expression.")

    def call(self, node: Call) -> Callable[[dict[str, Any]], Any]:
        args = [self.compile(a) for a in node.args]
        name = node.name

        def text_args(r: dict[str, Any]) -> list[str | None]:
            out = []
            for a in args:
                value = a(r)
                if isinstance(value, _Many):
                    value = value[0] if value else None
                out.append(_text(value))
            return out

        if name in ("substringof", "contains", "startswith", "endswith", "indexof"):
            def search(r: dict[str, Any]) -> Any:
                a, b = text_args(r)
                if a is None or b is None:
                    return None if name == "indexof" else False
                if name == "substringof":
                    return a.casefold() in b.casefold()
                if name == "contains":
                    return b.casefold() in a.casefold()
                if name == "startswith":
                    return a.casefold().startswith(b.casefold())
                if name == "endswith":
                    return a.casefold().endswith(b.casefold())
                return Decimal(a.casefold().find(b.casefold()))

            return search
        if name in ("tolower", "toupper", "trim", "length"):
            def string_fn(r: dict[str, Any]) -> Any:
                (a,) = text_args(r)
                if a is None:
                    return None
                return {"tolower": a.lower, "toupper": a.upper, "trim": a.strip}.get(
                    name, lambda: Decimal(len(a)))()

            return string_fn
        if name == "concat":
            def concat(r: dict[str, Any]) -> Any:
                a, b = text_args(r)
                return None if a is None or b is None else a + b

            return concat
        if name == "substring":
            def substring(r: dict[str, Any]) -> Any:
                values = [a(r) for a in args]
                text = _text(values[0])
                if text is None or any(not isinstance(v, Decimal) for v in values[1:]):
                    return None
                start = int(values[1])
                if len(values) == 3:
                    return text[start:start + int(values[2])]
                return text[start:]

            return substring
        if name in ("year", "month", "day", "hour", "minute", "second"):
            (inner,) = args

            def part(r: dict[str, Any]) -> Any:
                value = inner(r)
                if not isinstance(value, datetime):
                    return None
                return Decimal(getattr(value, name))

            return part
        (inner,) = args

        def rounding(r: dict[str, Any]) -> Any:
            value = inner(r)
            if not isinstance(value, Decimal):
                return None
            mode = {"round": "ROUND_HALF_UP", "floor": "ROUND_FLOOR", "ceiling": "ROUND_CEILING"}[name]
            return value.quantize(Decimal(1), rounding=mode)

        return rounding


def compile_filter(
    text: str, ent: Entity, version: str, custom_types: Callable[[str, str], str | None] | None = None
) -> tuple[Callable[[dict[str, Any]], bool], Any]:
    """Parse and resolve a ``$filter``; FilterError names what is wrong.

    ``custom_types`` answers a custom field's type (None when the entity has no such field); without it any
    custom field is taken.
    """
    tree = parse(text)
    compiler = Compiler(ent, version, custom_types)
    return compiler.predicate(tree), tree


def key_equalities(tree: Any) -> dict[str, Any]:
    """``Field eq 'literal'`` terms of a top-level ``and`` chain: lets a keyed filter skip the scan."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Binary) and node.op == "and":
            walk(node.left)
            walk(node.right)
        elif isinstance(node, Binary) and node.op == "eq":
            left, right = node.left, node.right
            if isinstance(right, Path) and isinstance(left, Literal):
                left, right = right, left
            if isinstance(left, Path) and len(left.parts) == 1 and isinstance(right, Literal) \
                    and isinstance(right.value, (str, int)) and not isinstance(right.value, bool):
                found.setdefault(left.parts[0], str(right.value))

    walk(tree)
    return found


def index_hint(tree: Any, ent: Entity, derived: frozenset[str] = frozenset()) -> str | None:
    """The indexed field a top-level ``and`` chain is most selective on (an equality before a range).

    A range comes back as ``~Field`` (the store's spelling): its matches leave the index out of id order.
    """
    indexed = set(indexed_fields(ent)) - set(derived)
    found: list[tuple[int, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, Binary) and node.op == "and":
            walk(node.left)
            walk(node.right)
            return
        target = None
        if isinstance(node, Binary) and node.op in ("eq", "gt", "ge", "lt", "le"):
            target = node.left if isinstance(node.left, Path) else node.right
            other = node.right if target is node.left else node.left
            if not isinstance(other, Literal) or other.value is None:
                return
        elif isinstance(node, Call) and node.name == "startswith" and node.args:
            target = node.args[0]
        if isinstance(target, Path) and len(target.parts) == 1 and target.parts[0] in indexed:
            found.append((0 if getattr(node, "op", "") == "eq" else 1, target.parts[0]))

    walk(tree)
    if not found:
        return None
    rank, name = min(found)
    return name if rank == 0 else "~" + name


# -- narrowing in the database ----------------------------------------------------------------

_SQL_OPS = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_FLIP = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
_NUMERIC = ("Decimal", "Int", "Short", "Long")
# Non-ASCII text may case-fold in ways SQLite's lower() does not; such rows always stay candidates.
_NON_ASCII = "{col} GLOB '*[^\x01-\x7f]*'"


def prefilter(tree: Any, ent: Entity, version: str, derived: frozenset[str] = frozenset()
              ) -> tuple[str, list[Any]] | None:
    """A SQL condition on the stored JSON that every record matching ``tree`` meets.

    It only narrows the rows read; the compiled predicate still decides each one, so any term this
    cannot express simply drops out (reads as true). None when nothing narrows.
    """

    indexed = set(indexed_fields(ent)) - set(derived)

    def column(node: Any) -> tuple[str, str, bool] | None:
        """The field's SQL, its type, and whether a declared index keeps it (folded, for text)."""
        if not isinstance(node, Path):
            return None
        current, json_path = ent, "$"
        for part in node.parts[:-1]:  # linked entities only: detail rows are arrays
            lnk = current.link(part)
            if lnk is None or not in_version(lnk.since, version):
                return None
            current, json_path = schema(lnk.entity), f"{json_path}.links.{lnk.name}"
        fld = current.field(node.parts[-1])
        if fld is None or not in_version(fld.since, version) or (current is ent and fld.name in derived):
            return None
        return field_column(fld.name, json_path), fld.type, current is ent and fld.name in indexed

    def compare(op: str, col: str, ftype: str, value: Any, keyed: bool) -> tuple[str, list[Any]] | None:
        if value is None:
            if op == "eq":
                return f"{col} IS NULL", []
            if op == "ne":
                return f"{col} IS NOT NULL", []
            return None
        if ftype == "String" and isinstance(value, str) and op == "eq" and keyed:
            return f"{folded(col)} = ?", [value.casefold()]
        if ftype == "String" and isinstance(value, str) and op in ("eq", "ne") and value.isascii():
            guard = _NON_ASCII.format(col=col)
            if op == "eq":
                return f"(lower({col}) = ? OR {guard})", [value.lower()]
            return f"({col} IS NULL OR lower({col}) <> ? OR {guard})", [value.lower()]
        if ftype in _NUMERIC and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            number = float(value)
            if op == "ne":
                return f"({col} IS NULL OR {col} <> ?)", [number]
            return f"{col} {_SQL_OPS[op]} ?", [number]
        if ftype == "Boolean" and isinstance(value, bool) and op in ("eq", "ne"):
            if op == "eq":
                return f"{col} = ?", [int(value)]
            return f"({col} IS NULL OR {col} <> ?)", [int(value)]
        if ftype == "DateTime" and isinstance(value, datetime) and op != "ne":
            # Stored as ISO text in UTC; a day's margin each side covers offsets and date-only values.
            day = datetime.fromisoformat(store_datetime(value)[:10])
            low, high = (day - timedelta(days=1)).isoformat()[:10], (day + timedelta(days=2)).isoformat()[:10]
            if op in ("gt", "ge"):
                return f"{col} >= ?", [low]
            if op in ("lt", "le"):
                return f"{col} < ?", [high]
            return f"{col} >= ? AND {col} < ?", [low, high]
        return None

    def like(name: str, args: tuple[Any, ...]) -> tuple[str, list[Any]] | None:
        if name == "substringof":
            args = (args[1], args[0])
        target, needle = args
        found = column(target)
        if found is None or found[1] != "String" or not isinstance(needle, Literal) or \
                not isinstance(needle.value, str) or not needle.value.isascii():
            return None
        col = found[0]
        if name == "startswith" and found[2] and needle.value:
            # A range on the folded index: every string with the prefix sorts below prefix + U+10FFFF.
            prefix = needle.value.casefold()
            return f"{folded(col)} >= ? AND {folded(col)} < ?", [prefix, prefix + "\U0010ffff"]
        escaped = needle.value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = {"startswith": f"{escaped}%", "endswith": f"%{escaped}"}.get(name, f"%{escaped}%")
        return f"(lower({col}) LIKE ? ESCAPE '\\' OR {_NON_ASCII.format(col=col)})", [pattern]

    def go(node: Any) -> tuple[str, list[Any]] | None:
        if isinstance(node, Binary) and node.op in ("and", "or"):
            left, right = go(node.left), go(node.right)
            if node.op == "and":
                if left is None or right is None:
                    return left or right
                return f"({left[0]}) AND ({right[0]})", left[1] + right[1]
            if left is None or right is None:
                return None
            return f"({left[0]}) OR ({right[0]})", left[1] + right[1]
        if isinstance(node, Binary) and node.op in COMPARISONS:
            op, left, right = node.op, node.left, node.right
            if isinstance(left, Literal):
                left, right, op = right, left, _FLIP[op]
            found = column(left)
            if found is None or not isinstance(right, Literal):
                return None
            return compare(op, found[0], found[1], right.value, found[2])
        if isinstance(node, Call) and node.name in ("startswith", "endswith", "substringof", "contains"):
            return like(node.name, node.args)
        return None

    return go(tree)

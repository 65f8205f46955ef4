"""The dtdversion 2.1 legacy reads, ``get_list`` and ``get``, over the same records as the 3.0 functions.

Legacy answers name objects and fields in lowercase (reference §5: ``get_list`` answers
``<listtype start="0" end="1" total="2">class</listtype>`` beside ``data`` with lowercase field data).
Filters are the 2.1 ``expression``/``logical`` grammar, compiled through the 3.0 ``query`` filter so both
compare values the same way.
"""

from __future__ import annotations

from lxml import etree

from simulator.intacct import errors, models
from simulator.intacct.errors import ControlFailure, ErrorDetail
from simulator.intacct.functions import Call, Result, fail, rows_by_ids
from simulator.intacct.models import Row, kind
from simulator.intacct.query import QueryProblem, Resolver, compile_filter, query_error, typed
from simulator.intacct.schema import OBJECTS, ObjectDef
from simulator.intacct.wire import child_text, sub, text

# The 2.1 object names (the DTD's enumeration) served here, and the object each reads.
OBJECT_NAMES = {
    "vendor": "VENDOR", "customer": "CUSTOMER", "project": "PROJECT", "task": "TASK", "class": "CLASS",
    "department": "DEPARTMENT", "location": "LOCATION", "employee": "EMPLOYEE", "glaccount": "GLACCOUNT",
    "item": "ITEM", "warehouse": "WAREHOUSE", "checkingaccount": "CHECKINGACCOUNT",
    "savingsaccount": "SAVINGSACCOUNT", "journal": "GLJOURNAL", "bill": "APBILL", "invoice": "ARINVOICE",
    "apadjustment": "APADJUSTMENT", "aradjustment": "ARADJUSTMENT", "contract": "CONTRACT",
    # Attachments are not modelled: a list of them is always empty.
    "supdoc": "",
}
OPERATORS = {"=": "equalto", "!=": "notequalto", "<": "lessthan", "<=": "lessthanorequalto", ">": "greaterthan",
             ">=": "greaterthanorequalto", "like": "like", "not like": "notlike", "is null": "isnull",
             "is not null": "isnotnull"}


def check_request(operations: list[etree._Element]) -> None:
    """The DTD enumerates legacy object names; an unknown one fails the whole request (§1.4b)."""
    for op in operations:
        for fn in op.iterfind("content/function"):
            for call in fn:
                if isinstance(call.tag, str) and call.tag in FUNCTIONS and call.get("object") not in OBJECT_NAMES:
                    raise ControlFailure(ErrorDetail("XL03000003", description2=(
                        f'XML Parse error: Error 502: Value "{call.get("object", "")}" for attribute object of '
                        f"{call.tag} is not among the enumerated set.")))


def legacy_tag(name: str) -> list[str]:
    return [part.lower() for part in name.split(".")]


def render(parent: etree._Element, tag: str, obj: ObjectDef, row: Row, names: list[str]) -> None:
    el = sub(parent, tag)
    groups: dict[tuple[str, ...], etree._Element] = {}
    for name in names:
        parts = legacy_tag(name)
        holder = el
        for depth in range(1, len(parts)):
            prefix = tuple(parts[:depth])
            if prefix not in groups:
                groups[prefix] = sub(holder, parts[depth - 1])
            holder = groups[prefix]
        sub(holder, parts[-1], row.get(name, ""))


def field_names(obj: ObjectDef, fn: etree._Element) -> list[str]:
    box = fn.find("fields")
    wanted = [text(f).upper() for f in box.findall("field")] if box is not None else []
    if not wanted or wanted == ["*"]:
        return list(obj.fields)
    bad = [name.lower() for name in wanted if obj.field(name) is None]
    if bad:
        raise fail(f"Invalid field(s) {', '.join(bad)} for {obj.name.lower()}.", "XL03000003")
    return wanted


def translate(el: etree._Element) -> etree._Element:
    """A 2.1 ``expression``/``logical`` as the 3.0 filter element that means the same."""
    if el.tag == "logical":
        op = (el.get("logical_operator") or "and").lower()
        if op not in ("and", "or"):
            raise QueryProblem(f"logical_operator '{op}' is not and/or")
        out = etree.Element(op)
        for child in el:
            if isinstance(child.tag, str):
                out.append(translate(child))
        return out
    if el.tag != "expression":
        raise QueryProblem(f"<{el.tag}> is not allowed in <filter>; use <expression> or <logical>")
    operator = " ".join((child_text(el, "operator") or "").lower().split())
    if operator not in OPERATORS:
        raise QueryProblem(f"operator '{operator}' is not one of {', '.join(OPERATORS)}")
    out = etree.Element(OPERATORS[operator])
    sub(out, "field", (child_text(el, "field") or "").upper())
    if not operator.startswith("is "):
        sub(out, "value", child_text(el, "value") or "")
    return out


def matching(call: Call, obj: ObjectDef, fn: etree._Element) -> list[Row]:
    resolver = Resolver(call.ctx, obj)
    rows: list[Row]
    try:
        filter_el = fn.find("filter")
        ops = [c for c in filter_el if isinstance(c.tag, str)] if filter_el is not None else []
        if len(ops) > 1:
            raise QueryProblem("<filter> takes one <expression> or <logical>")
        predicate = compile_filter(resolver, translate(ops[0]), False) if ops else (lambda row: True)
        rows = [r.data for r in call.ctx.records.iter(kind(obj.name)) if predicate(r.data)]
        sorts = fn.find("sorts")
        for sort in reversed(sorts.findall("sortfield") if sorts is not None else []):
            name = text(sort).upper()
            fdef = resolver.field(name)
            rows.sort(key=lambda row, n=name, f=fdef: (0, "") if (v := typed(f, row.get(n, ""))) is None else (1, v),
                      reverse=(sort.get("order") or "asc").lower() == "desc")
    except QueryProblem as exc:
        raise query_error(str(exc)) from exc
    return rows


def whole(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise fail(f"{name} must be a whole number; '{raw}' is not.", "XL03000003")
    return int(raw)


def get_list(call: Call, fn: etree._Element) -> Result:
    """``<get_list object="vendor" maxitems="2" start="0">`` with optional filter, sorts and fields."""
    legacy_name = fn.get("object", "")
    start = whole(fn.get("start"), "start", 0)
    maxitems = whole(fn.get("maxitems"), "maxitems", int(call.ctx.config.get("get_list_maxitems", 100)))
    data = etree.Element("data")
    if not OBJECT_NAMES[legacy_name]:
        return Result(data=data, listtype=(legacy_name, {"start": str(start), "end": str(start - 1), "total": "0"}))
    obj = OBJECTS[OBJECT_NAMES[legacy_name]]
    names = field_names(obj, fn)
    rows = matching(call, obj, fn)
    page = rows[start:start + maxitems]
    for row in page:
        render(data, legacy_name, obj, row, names)
    return Result(data=data, listtype=(legacy_name, {"start": str(start), "end": str(start + len(page) - 1),
                                                     "total": str(len(rows))}))


def get(call: Call, fn: etree._Element) -> Result:
    """``<get object="vendor" key="V100">``: the key is the object's ID, or its RECORDNO where it has none."""
    legacy_name, key = fn.get("object", ""), fn.get("key", "")
    if not key:
        raise fail(f"<get> needs a key attribute naming the {legacy_name}.", "XL03000003")
    data = etree.Element("data")
    row = None
    if OBJECT_NAMES[legacy_name]:
        obj = OBJECTS[OBJECT_NAMES[legacy_name]]
        row = models.find(call.ctx, obj.name, key) if obj.id_field else (
            next(iter(rows_by_ids(call, obj, [int(key)])), None) if key.isdigit() else None)
        if row is not None:
            render(data, legacy_name, obj, row, field_names(obj, fn))
    if row is None and call.ctx.config.get("read_missing") == "error":
        raise errors.FunctionFailure(ErrorDetail(
            "BL01001973", description2=f"No {legacy_name} record with key '{key}' was found."))
    return Result(data=data)


FUNCTIONS = {"get_list": get_list, "get": get}

"""The gateway's functions: each turns one ``<function>`` element into a result.

Response casing follows the real gateway because clients index on it:
``query`` and ``read`` answer UPPERCASE rows, readByQuery/readMore lowercase
rows with UPPERCASE fields, create/update ``listtype="objects"`` lowercase.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lxml import etree

from simulator.intacct import errors, ledger, models, purchasing, rules  # noqa: F401  (rules, ledger register hooks)
from simulator.intacct.models import Ctx, Row, kind
from simulator.intacct.query import (EVERYTHING, QueryProblem, Resolver, compile_filter, compile_legacy, query_error,
                                     typed)
from simulator.intacct.schema import OBJECTS, ObjectDef
from simulator.intacct.wire import append_rows, child_text, sub, text
from simulator.journal.hook import did_you_mean, near_miss
from simulator.store import Cond

READ_MAX_KEYS = 100
READBYQUERY_MAX = 1000
QUERY_MAX = 2000
DEFAULT_PAGESIZE = 100
RESULT_TTL_SECONDS = 30 * 60
WRITE_FUNCTIONS = {"create", "update", "delete", "create_potransaction", "update_potransaction",
                   "delete_potransaction", "approve", "decline"}


@dataclass
class Result:
    status: str = "success"
    data: etree._Element | None = None
    key: str | None = None
    errors: list[errors.ErrorDetail] = field(default_factory=list)
    listtype: tuple[str, dict[str, str]] | None = None
    """Legacy ``get_list``'s ``<listtype start end total>object</listtype>`` beside the data."""


@dataclass
class ResultSet:
    """What readMore needs to continue a readByQuery."""

    tenant: str
    obj: str
    ids: list[int]
    fields: list[str] | None
    pagesize: int
    position: int
    expires: float


@dataclass
class Call:
    ctx: Ctx
    tenant: str
    endpoint: Callable[[], str]
    """This server's gateway URL; built only when a function hands it out."""
    results: dict[str, ResultSet]
    session: dict[str, Any]


def fail(message: str, errorno: str = "BL01001973", description: str = "") -> errors.FunctionFailure:
    return errors.FunctionFailure(errors.ErrorDetail(errorno, description=description, description2=message))


def object_def(name: str, *, query: bool = False) -> ObjectDef:
    obj = OBJECTS.get(name.strip().upper())
    if obj is None or name.strip() == "":
        hint = did_you_mean(near_miss("object", name.strip(), OBJECTS))
        raise errors.FunctionFailure(errors.ErrorDetail(
            "Query Failed" if query else "BL01001973", description2=f"Object definition {name or '(empty)'} not found",
            correction=hint))
    return obj


def required_child(fn: etree._Element, tag: str) -> str:
    value = child_text(fn, tag)
    if value is None:
        raise fail(f"<{fn.tag}> needs a <{tag}> element.")
    return value


def page_size(fn: etree._Element, maximum: int) -> int:
    raw = child_text(fn, "pagesize")
    if raw is None or raw == "" or raw == "0":
        return DEFAULT_PAGESIZE
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise fail(f"pagesize must be a whole number from 1 to {maximum}; '{raw}' is not.",
                   "Query Failed" if maximum == READBYQUERY_MAX else "DL02000001")
    return int(raw)


def check_format(fn: etree._Element) -> None:
    fmt = (child_text(fn, "returnFormat") or child_text(fn, "returnformat") or "xml").lower()
    if fmt != "xml":
        raise fail(f"returnFormat '{fmt}' is not served by this gateway; use xml.")


# -- rendering ---------------------------------------------------------------------


def field_list(obj: ObjectDef, raw: str | None) -> list[str] | None:
    """``*`` or empty means every field; otherwise a validated list."""
    if raw is None or raw.strip() in ("", "*"):
        return None
    names = [n.strip().upper() for n in raw.split(",") if n.strip()]
    bad = [n for n in names if obj.field(n) is None]
    if bad:
        joined = ",".join(bad)
        raise errors.FunctionFailure(errors.ErrorDetail(
            f"Invalid fields list {joined}", description2=f"Invalid fields list {joined} for object {obj.name}."))
    return names


def render(parent: etree._Element, tag: str, obj: ObjectDef, row: Row, names: list[str] | None, *,
           nest: bool, ctx: Ctx | None = None, with_lines: bool = False) -> etree._Element:
    el = sub(parent, tag)
    groups: dict[str, etree._Element] = {}
    for name in names if names is not None else list(obj.fields):
        value = row.get(name, "")
        if nest and "." in name:
            parts = name.split(".")
            holder = el
            for depth in range(1, len(parts)):
                prefix = ".".join(parts[:depth])
                if prefix not in groups:
                    groups[prefix] = sub(holder, parts[depth - 1])
                holder = groups[prefix]
            sub(holder, parts[-1], value)
        else:
            sub(el, name, value)
    if with_lines and names is None and ctx is not None and obj.lines is not None:  # lines come with "*"
        line_def = OBJECTS[obj.lines.object]
        box = sub(el, obj.lines.collection)
        for line in models.lines_of(ctx, obj, row["RECORDNO"]):
            render(box, line_def.tag, line_def, line, None, nest=True)
    return el


def rows_by_ids(call: Call, obj: ObjectDef, ids: list[int]) -> list[Row]:
    """The rows of a page, in the page's order, read in one statement."""
    return [rec.data for rec in call.ctx.records.get_many(kind(obj.name), ids)]


Shape = tuple[tuple[int, str, str | None], ...]


@lru_cache(maxsize=256)
def shape_of(names: tuple[str, ...]) -> Shape:
    """A listing's element layout, worked out once per field list rather than once per cell.

    Each step is ``(holder, tag, field)``: append ``<tag>`` under element number ``holder`` (0 is the
    record); a group step (field None) becomes the next numbered element, a leaf takes the field's value.
    Dotted names nest under their groups, as ``render`` nests them.
    """
    steps: list[tuple[int, str, str | None]] = []
    groups: dict[str, int] = {}
    for name in names:
        parts = name.split(".")
        holder = 0
        for depth in range(1, len(parts)):
            prefix = ".".join(parts[:depth])
            if prefix not in groups:
                steps.append((holder, parts[depth - 1], None))
                groups[prefix] = len(groups) + 1
            holder = groups[prefix]
        steps.append((holder, parts[-1], name))
    return tuple(steps)


def render_rows(parent: etree._Element, tag: str, names: list[str], rows: list[Row]) -> None:
    """``render(..., nest=True)`` for many rows of plain fields, without per-cell bookkeeping."""
    steps = shape_of(tuple(names))
    element = etree.SubElement
    for row in rows:
        made = [element(parent, tag)]
        for holder, child, name in steps:
            el = element(made[holder], child)
            if name is None:
                made.append(el)
            else:
                el.text = row.get(name, "")


def docpar_filter(obj: ObjectDef, fn: etree._Element) -> Callable[[Row], bool]:
    docpar = child_text(fn, "docparid")
    if obj.name == "PODOCUMENT" and docpar:
        return lambda row: row.get("DOCPARID") == docpar
    return lambda row: True


# -- functions ---------------------------------------------------------------------


def get_api_session(call: Call, fn: etree._Element) -> Result:
    data = etree.Element("data")
    api = sub(data, "api")
    sub(api, "sessionid", call.session["sessionid"])
    sub(api, "endpoint", call.endpoint())
    sub(api, "locationid", call.session.get("locationid", ""))
    return Result(data=data)


def read(call: Call, fn: etree._Element) -> Result:
    obj = object_def(required_child(fn, "object"))
    if obj.line_of is not None:
        raise fail(f"{obj.name} is read through its {obj.line_of}.")
    check_format(fn)
    names = field_list(obj, child_text(fn, "fields"))
    keys = [k.strip() for k in (child_text(fn, "keys") or "").split(",") if k.strip()]
    if len(keys) > READ_MAX_KEYS:
        raise fail(f"read takes at most {READ_MAX_KEYS} keys; {len(keys)} were given.")
    wanted = docpar_filter(obj, fn)
    if keys:
        rows = []
        for key in keys:
            row = models.get(call.ctx, obj.name, key) if key.isdigit() else None
            if row is None or not wanted(row):
                if call.ctx.config.get("read_missing") == "error":
                    raise fail(f"No {obj.name} record with key '{key}' was found.")
                continue
            rows.append(row)
    else:
        rows = [r.data for r in call.ctx.records.scan(kind(obj.name), limit=READ_MAX_KEYS) if wanted(r.data)]
    return Result(data=listing(call, obj, rows, names, obj.name, with_lines=True))


def read_by_name(call: Call, fn: etree._Element) -> Result:
    obj = object_def(required_child(fn, "object"))
    if not obj.read_by_name or not obj.id_field:
        raise fail(f"readByName is not available for {obj.name}; use read with RECORDNO keys.")
    check_format(fn)
    names = field_list(obj, child_text(fn, "fields"))
    keys = [k.strip() for k in (child_text(fn, "keys") or "").split(",") if k.strip()]
    if len(keys) > READ_MAX_KEYS:
        raise fail(f"readByName takes at most {READ_MAX_KEYS} names; {len(keys)} were given.")
    rows = [row for key in keys if (row := models.find(call.ctx, obj.name, key)) is not None]
    if len(rows) < len(keys) and call.ctx.config.get("read_missing") == "error":
        missing = [k for k in keys if models.find(call.ctx, obj.name, k) is None]
        raise fail(f"No {obj.name} record named {', '.join(missing)} was found.")
    return Result(data=listing(call, obj, rows, names, obj.name, with_lines=True))


def listing(call: Call, obj: ObjectDef, rows: list[Row], names: list[str] | None, tag: str,
            with_lines: bool = False) -> etree._Element:
    data = etree.Element("data", listtype=tag, count=str(len(rows)))
    for row in rows:
        render(data, tag, obj, row, names, nest=True, ctx=call.ctx, with_lines=with_lines)
    return data


def read_by_query(call: Call, fn: etree._Element) -> Result:
    obj = object_def(required_child(fn, "object"), query=True)
    if fn.find("query") is None:
        raise fail("readByQuery needs a <query> element (it may be empty).", "Query Failed")
    check_format(fn)
    names = field_list(obj, child_text(fn, "fields"))
    pagesize = page_size(fn, READBYQUERY_MAX)
    try:
        source = (child_text(fn, "query") or "").strip()
        predicate = compile_legacy(Resolver(call.ctx, obj), source)
        wanted = docpar_filter(obj, fn)
        by_docpar = obj.name == "PODOCUMENT" and bool(child_text(fn, "docparid"))
        if not source and not by_docpar:
            # Nothing to filter: take the ids from the index instead of reading every document.
            ids = call.ctx.records.ids(kind(obj.name))
        elif predicate.exact and not by_docpar:
            # The indexes decide: the ids come from them without reading a document.
            ids = call.ctx.records.select_ids(kind(obj.name), predicate.conds)
        else:
            ids = [r.id for r in call.ctx.records.iter_select(kind(obj.name), predicate.conds)
                   if wanted(r.data) and predicate(r.data)]
    except QueryProblem as exc:
        raise query_error(str(exc)) from exc
    result_id = secrets.token_urlsafe(24) if ids else ""
    rs = ResultSet(call.tenant, obj.name, ids, names, pagesize, 0, time.time() + RESULT_TTL_SECONDS)
    if result_id:
        prune(call.results)
        call.results[result_id] = rs
        call.session.setdefault("last_result", {})[obj.name] = result_id
    return Result(data=next_page(call, rs, result_id))


def prune(results: dict[str, ResultSet]) -> None:
    now = time.time()
    for key in [k for k, v in results.items() if v.expires < now]:
        del results[key]


def next_page(call: Call, rs: ResultSet, result_id: str) -> etree._Element:
    obj = OBJECTS[rs.obj]
    page_ids = rs.ids[rs.position:rs.position + rs.pagesize]
    rs.position += len(page_ids)
    rows = rows_by_ids(call, obj, page_ids)
    data = etree.Element("data", listtype=obj.tag, count=str(len(rows)), totalcount=str(len(rs.ids)),
                         numremaining=str(len(rs.ids) - rs.position), resultId=result_id)
    render_rows(data, obj.tag, rs.fields if rs.fields is not None else list(obj.fields), rows)
    return data


def read_more(call: Call, fn: etree._Element) -> Result:
    result_id = child_text(fn, "resultId")
    if not result_id:
        name = (child_text(fn, "object") or "").upper()
        result_id = call.session.get("last_result", {}).get(name, "") if name else ""
        if not name:
            raise fail("readMore needs a <resultId> (or an <object> read by readByQuery in this session).",
                       "readMore failed")
    rs = call.results.get(result_id)
    if rs is None or rs.tenant != call.tenant or rs.expires < time.time():
        raise fail(f"Attempt to readMore with an invalid or expired resultId: {result_id}", "readMore failed")
    rs.expires = time.time() + RESULT_TTL_SECONDS
    return Result(data=next_page(call, rs, result_id))


AGGREGATES = ("count", "sum", "avg", "min", "max")


def query(call: Call, fn: etree._Element) -> Result:
    obj = object_def(required_child(fn, "object"), query=True)
    resolver = Resolver(call.ctx, obj)
    select = fn.find("select")
    if select is None or len(select) == 0:
        raise fail("query needs a <select> with at least one <field>.", "Query Failed")
    plain: list[str] = []
    aggregates: list[tuple[str, str]] = []
    try:
        for el in select:
            name = text(el).upper()
            if name == "*":
                raise QueryProblem("returning all fields with '*' is not supported; list the fields")
            resolver.field(name)
            if el.tag == "field":
                plain.append(name)
            elif el.tag in AGGREGATES:
                aggregates.append((el.tag, name))
            else:
                raise QueryProblem(f"<{el.tag}> is not allowed in <select>")
        options = fn.find("options")
        fold = options is not None and (child_text(options, "caseinsensitive") or "").lower() == "true"
        filter_el = fn.find("filter")
        predicate = EVERYTHING
        if filter_el is not None:
            ops = [c for c in filter_el if isinstance(c.tag, str)]
            if len(ops) != 1:
                raise QueryProblem("<filter> takes exactly one top-level operator")
            predicate = compile_filter(resolver, ops[0], fold)
        order = []
        orderby = fn.find("orderby")
        for order_el in orderby.findall("order") if orderby is not None else []:
            name = (child_text(order_el, "field") or "").upper()
            order.append((name, resolver.field(name), order_el.find("descending") is not None))
        pagesize = page_size(fn, QUERY_MAX)
        offset_raw = child_text(fn, "offset") or "0"
        if not offset_raw.isdigit():
            raise fail(f"offset must be a whole number; '{offset_raw}' is not.", "DL02000001")
        offset = int(offset_raw)
        unfiltered = filter_el is None and not aggregates and not (obj.name == "PODOCUMENT" and
                                                                   child_text(fn, "docparid"))
        by_recordno = not order or (len(order) == 1 and order[0][0] == "RECORDNO")
        if unfiltered and by_recordno:
            # Paging in record order needs no scan: the store pages by its primary key.
            return Result(data=query_page(call, obj, resolver, plain, offset, pagesize,
                                          descending=bool(order and order[0][2])))
        by_docpar = obj.name == "PODOCUMENT" and bool(child_text(fn, "docparid"))
        if predicate.exact and not aggregates and not by_docpar and by_recordno:
            # The indexes decide the filter: count, order and page in the store.
            return Result(data=query_page(call, obj, resolver, plain, offset, pagesize,
                                          descending=bool(order and order[0][2]), where=predicate.conds))
        wanted = docpar_filter(obj, fn)
        rows = [r.data for r in call.ctx.records.iter_select(kind(obj.name), predicate.conds)
                if wanted(r.data) and predicate(r.data)]
        for name, fdef, descending in reversed(order):
            rows.sort(key=lambda row, n=name, f=fdef: _sort_key(typed(f, resolver.value(row, n), fold=fold)),
                      reverse=descending)
    except QueryProblem as exc:
        raise query_error(str(exc)) from exc
    if aggregates:
        names = plain + [f"{fn_.upper()}.{name}" for fn_, name in aggregates]
        grouped = aggregate(resolver, rows, plain, aggregates)
        values = [tuple(row.get(name, "") for name in names) for row in grouped]
    else:
        names = plain
        values = [tuple(resolver.value(row, name) for name in plain) for row in rows]
    return Result(data=query_data(obj, names, values[offset:offset + pagesize], len(values), offset))


def query_page(call: Call, obj: ObjectDef, resolver: Resolver, names: list[str], offset: int, pagesize: int,
               descending: bool, where: list[Cond] | None = None) -> etree._Element:
    records = call.ctx.records
    total = records.count_where(kind(obj.name), where or [])
    order = [("id", descending)]
    if all(obj.field(name) is not None for name in names):
        values = records.select_fields(kind(obj.name), names, where or [], order=order, offset=offset,
                                       limit=pagesize)
        rows = [tuple("" if v is None else str(v) for v in row) for row in values]
    else:
        found = records.select(kind(obj.name), where or [], order=order, offset=offset, limit=pagesize)
        rows = [tuple(resolver.value(r.data, name) for name in names) for r in found]
    return query_data(obj, names, rows, total, offset)


def query_data(obj: ObjectDef, names: list[str], page: list[tuple[str, ...]], total: int,
               offset: int) -> etree._Element:
    data = etree.Element("data", listtype=obj.name, totalcount=str(total), offset=str(offset),
                         count=str(len(page)), numremaining=str(max(0, total - offset - len(page))))
    append_rows(data, obj.name, names, page)
    return data


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def aggregate(resolver: Resolver, rows: list[Row], group_by: list[str], aggs: list[tuple[str, str]]) -> list[Row]:
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(resolver.value(row, g) for g in group_by), []).append(row)
    out = []
    for key, members in groups.items():
        result: Row = dict(zip(group_by, key))
        for fn_, name in aggs:
            values = [resolver.value(m, name) for m in members]
            present = [v for v in values if v != ""]
            label = f"{fn_.upper()}.{name}"
            if fn_ == "count":
                result[label] = str(len(present))
            elif not present:
                result[label] = ""
            else:
                numbers = [Decimal(v) for v in present]
                if fn_ == "sum":
                    result[label] = str(sum(numbers))
                elif fn_ == "avg":
                    result[label] = str(sum(numbers) / len(numbers))
                else:
                    result[label] = str(min(numbers) if fn_ == "min" else max(numbers))
        out.append(result)
    return out


def lookup(call: Call, fn: etree._Element) -> Result:
    name = child_text(fn, "object") or ""
    if not name and child_text(fn, "docparid"):
        name = "PODOCUMENT"
    obj = object_def(name)
    data = etree.Element("data", listtype="All", count="1")
    type_el = sub(data, "Type", Name=obj.name, DocumentType=child_text(fn, "docparid") or "")
    fields_el = sub(type_el, "Fields")
    for fdef in obj.fields.values():
        f = sub(fields_el, "Field")
        sub(f, "ID", fdef.name)
        sub(f, "LABEL", fdef.label)
        sub(f, "DESCRIPTION", fdef.label)
        sub(f, "REQUIRED", "true" if fdef.required or fdef.name == obj.id_field else "false")
        sub(f, "READONLY", "true" if fdef.readonly else "false")
        sub(f, "DATATYPE", fdef.datatype)
        sub(f, "ISCUSTOM", "false")
        if fdef.values:
            valid = sub(f, "VALIDVALUES")
            for v in fdef.values:
                sub(valid, "VALIDVALUE", v)
    rels = sub(type_el, "Relationships")
    for fdef in obj.fields.values():
        if fdef.ref:
            rel = sub(rels, "Relationship")
            path = fdef.name[:-2] if fdef.name.endswith("ID") else fdef.ref
            sub(rel, "OBJECTPATH", path)
            sub(rel, "OBJECTNAME", fdef.ref)
            sub(rel, "LABEL", OBJECTS[fdef.ref].label)
            sub(rel, "RELATIONSHIPTYPE", "MANY2ONE")
            sub(rel, "RELATEDBY", fdef.name)
    return Result(data=data)


def inspect(call: Call, fn: etree._Element) -> Result:
    name = required_child(fn, "object")
    detail = fn.get("detail", "0") == "1"
    data = etree.Element("data", listtype="All", count="1")
    if name.strip() == "*":
        for obj in OBJECTS.values():
            sub(data, "type", obj.label, typename=obj.name)
        data.set("count", str(len(OBJECTS)))
        return Result(data=data)
    obj = object_def(name)
    type_el = sub(data, "Type", Name=obj.name)
    if detail:
        attrs = sub(type_el, "Attributes")
        sub(attrs, "SingularName", obj.label)
        sub(attrs, "PluralName", f"{obj.label}s")
        sub(attrs, "Description", obj.label)
    fields_el = sub(type_el, "Fields")
    for fdef in obj.fields.values():
        if not detail:
            sub(fields_el, "Field", fdef.name)
            continue
        f = sub(fields_el, "Field")
        sub(f, "Name", fdef.name)
        sub(f, "GroupName", "")
        sub(f, "dataName", fdef.name)
        sub(f, "externalDataName", fdef.name)
        sub(f, "isRequired", "true" if fdef.required else "false")
        sub(f, "isReadOnly", "true" if fdef.readonly else "false")
        sub(f, "maxLength", str(fdef.max_length or 0))
        sub(f, "DisplayLabel", fdef.label)
        sub(f, "Description", fdef.label)
        sub(f, "id", fdef.name)
        sub(f, "relatedObject", fdef.ref or "")
    return Result(data=data)


# -- writes ------------------------------------------------------------------------


def flatten(el: etree._Element, obj: ObjectDef) -> tuple[Row, list[Row] | None]:
    """An object element as dotted fields, plus its line collection if present."""
    fields: Row = {}
    lines: list[Row] | None = None

    def walk(node: etree._Element, prefix: str) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = f"{prefix}{child.tag}"
            if not prefix and obj.lines is not None and child.tag == obj.lines.collection:
                nonlocal lines
                lines = []
                for line_el in child:
                    if not isinstance(line_el.tag, str):
                        continue
                    if line_el.tag.upper() != obj.lines.object:
                        raise fail(f"<{line_el.tag}> is not allowed inside <{obj.lines.collection}>; use "
                                   f"<{obj.lines.object}>.")
                    line, _ = flatten(line_el, OBJECTS[obj.lines.object])
                    lines.append(line)
            elif len(child) and obj.field(name) is None:
                walk(child, f"{name}.")
            else:
                fields[name.upper() if not prefix else name] = text(child)

    walk(el, "")
    return fields, lines


def write_objects(call: Call, fn: etree._Element, action: str) -> Result:
    objects = [el for el in fn if isinstance(el.tag, str)]
    if not objects:
        raise fail(f"<{action}> needs at least one object element.")
    data = etree.Element("data", listtype="objects", count="0")
    problems: list[errors.ErrorDetail] = []
    done = 0
    for el in objects:
        obj = object_def(el.tag)
        try:
            with call.ctx.records.store.transaction():
                row = write_one(call, obj, el, action)
        except errors.FunctionFailure as exc:
            problems.extend(exc.details)
            continue
        out = sub(data, obj.tag)
        sub(out, "RECORDNO", row["RECORDNO"])
        if obj.id_field:
            sub(out, obj.id_field, row.get(obj.id_field, ""))
        done += 1
    data.set("count", str(done))
    return Result(status="failure" if problems else "success", data=data, errors=problems)


def write_one(call: Call, obj: ObjectDef, el: etree._Element, action: str) -> Row:
    if obj.name == "PODOCUMENT" and action in ("create", "update"):
        raise fail(f"PODOCUMENT cannot be written with {action}; use {action}_potransaction.")
    if obj.line_of is None and obj.name != "PODOCUMENT" and not (
            obj.generic_create if action == "create" else obj.generic_update):
        raise errors.invalid(obj.name, f"{obj.name} records are maintained by Intacct and cannot be {action}d "
                                       "through the API.", action)
    fields, lines = flatten(el, obj)
    if obj.line_of is not None:
        return write_line(call, obj, fields, action)
    if action == "create":
        return models.create(call.ctx, obj, fields, lines)
    return models.update(call.ctx, obj, fields, lines)


def write_line(call: Call, obj: ObjectDef, fields: Row, action: str) -> Row:
    """Lines are written through their header; PJESTIMATEENTRY may be created on its own."""
    if obj.name != "PJESTIMATEENTRY" or action != "create":
        raise fail(f"{obj.name} cannot be written on its own; {action} its {obj.line_of} instead.")
    estimate_id = fields.pop("PJESTIMATEID", "")
    if not estimate_id:
        raise errors.invalid("PJESTIMATEENTRY", "Required field PJESTIMATEID is missing.")
    header = OBJECTS["PJESTIMATE"]
    current = models.find(call.ctx, "PJESTIMATE", estimate_id)
    if current is None:
        raise models.invalid_reference(call.ctx, obj, header.label, estimate_id)
    before = {line["RECORDNO"] for line in models.lines_of(call.ctx, header, current["RECORDNO"])}
    models.update(call.ctx, header, {"PJESTIMATEID": estimate_id}, [fields])
    added = [line for line in models.lines_of(call.ctx, header, current["RECORDNO"]) if line["RECORDNO"] not in before]
    return added[-1]


def create(call: Call, fn: etree._Element) -> Result:
    return write_objects(call, fn, "create")


def update(call: Call, fn: etree._Element) -> Result:
    return write_objects(call, fn, "update")


def delete(call: Call, fn: etree._Element) -> Result:
    obj = object_def(required_child(fn, "object"))
    keys = [k.strip() for k in required_child(fn, "keys").split(",") if k.strip()]
    if not keys:
        raise fail("<delete> needs at least one key in <keys>.")
    if obj.line_of is not None:
        raise fail(f"{obj.name} cannot be deleted on its own; update its {obj.line_of} instead.")
    if not (obj.generic_create or obj.generic_update or obj.name == "PODOCUMENT"):
        raise errors.invalid(obj.name, f"{obj.name} records are maintained by Intacct and cannot be deleted "
                                       "through the API.", "delete")
    for key in keys:
        if obj.name == "PODOCUMENT":
            row = models.get(call.ctx, "PODOCUMENT", key)
            if row is None:
                raise fail(f"Cannot find podocument with key '{key}' to delete.")
            purchasing.delete_transaction(call.ctx, row["DOCID"])
        else:
            models.delete(call.ctx, obj, key)
    return Result()


def create_potransaction(call: Call, fn: etree._Element) -> Result:
    return Result(key=purchasing.create_transaction(call.ctx, fn))


def update_potransaction(call: Call, fn: etree._Element) -> Result:
    if not fn.get("key"):
        raise fail("update_potransaction needs a key attribute (the DOCID).")
    return Result(key=purchasing.update_transaction(call.ctx, fn))


def delete_potransaction(call: Call, fn: etree._Element) -> Result:
    if not fn.get("key"):
        raise fail("delete_potransaction needs a key attribute (the DOCID).")
    purchasing.delete_transaction(call.ctx, fn.get("key", ""))
    return Result()


def approve(call: Call, fn: etree._Element) -> Result:
    return Result(key=purchasing.decide(call.ctx, fn, "approve"))


def decline(call: Call, fn: etree._Element) -> Result:
    return Result(key=purchasing.decide(call.ctx, fn, "decline"))


Handler = Callable[[Call, etree._Element], Result]
FUNCTIONS: dict[str, Handler] = {
    "getAPISession": get_api_session,
    "read": read,
    "readByName": read_by_name,
    "readByQuery": read_by_query,
    "readMore": read_more,
    "query": query,
    "lookup": lookup,
    "inspect": inspect,
    "create": create,
    "update": update,
    "delete": delete,
    "create_potransaction": create_potransaction,
    "update_potransaction": update_potransaction,
    "delete_potransaction": delete_potransaction,
    "approve": approve,
    "decline": decline,
}
LEGACY = {"getAPISession", "create_potransaction", "update_potransaction", "delete_potransaction"}

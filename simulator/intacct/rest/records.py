"""Records under ``/objects/{app}/{object}``: list, create, get, update (PATCH), delete.

Headers are written with ``models.create``/``models.update``/``models.delete``,
the same calls the XML gateway's functions make, so every rule and side
effect runs once, in one place. A line object (``bill-line``) is written
through its header, as Intacct itself owns lines.
"""

from __future__ import annotations

from typing import Any

from simulator.intacct import models
from simulator.intacct.models import Ctx, Row, kind
from simulator.intacct.rest.convert import Reader, Writer, href, id_of
from simulator.intacct.rest.resources import Resource, header_of, line_resource
from simulator.intacct.rest.wire import RestError, not_found, payload_error
from simulator.intacct.schema import OBJECTS, PARENT_FIELD


def method_not_allowed(res: Resource, verb: str) -> RestError:
    return RestError(405, f"{verb} is not allowed on {res.path}", code="methodNotAllowed", error_id="REST-1007",
                     message_id="IA.METHOD_NOT_ALLOWED", placeholders={"METHOD": verb})


def reference(res: Resource, row: Row) -> dict[str, Any]:
    return {"key": row["RECORDNO"], "id": id_of(res, row), "href": href(res, row["RECORDNO"])}


def find_row(ctx: Ctx, res: Resource, key: str) -> Row:
    row = models.get(ctx, res.xml, key) if key.isdigit() else None
    if row is None:
        raise not_found(res.path, key)
    return row


def list_refs(ctx: Ctx, res: Resource, limit: int) -> tuple[list[dict[str, Any]], int]:
    records = ctx.records.scan(kind(res.xml), limit=limit)
    return [reference(res, r.data) for r in records], ctx.records.count(kind(res.xml))


def get_record(ctx: Ctx, res: Resource, key: str) -> dict[str, Any]:
    return Reader(ctx).record(res, find_row(ctx, res, key))


def writable(line_def_name: str, row: Row) -> Row:
    """A stored line as a line entry of an update: its own editable fields and its RECORDNO."""
    line_def = OBJECTS[line_def_name]
    out = {k: v for k, v in row.items() if (f := line_def.field(k)) is not None and not f.readonly}
    out["RECORDNO"] = row["RECORDNO"]
    return out


def line_rows(ctx: Ctx, res: Resource, items: list[dict[str, Any]]) -> list[Row]:
    line_res = line_resource(res)
    assert line_res is not None
    writer = Writer(ctx, line_res)
    return [writer.parse(item, allow_lines=False)[0] for item in items]


def merged_lines(ctx: Ctx, res: Resource, key: str, items: list[dict[str, Any]]) -> list[Row]:
    """PATCH semantics for owned lines: ``key`` edits a line, no key adds one, ``ia::operation: delete`` drops one.

    Lines the payload does not name stay as they are.
    """
    line_res = line_resource(res)
    assert line_res is not None
    current = {row["RECORDNO"]: writable(line_res.xml, row) for row in models.lines_of(ctx, res.obj, key)}
    added: list[Row] = []
    writer = Writer(ctx, line_res)
    for number, item in enumerate(items):
        line_key = str(item.get("key") or "")
        target = f"/{res.lines[0] if res.lines else 'lines'}/{number}"
        if line_key and line_key not in current:
            raise payload_error(f"{target}/key: line {line_key} is not a line of this record.", f"{target}/key",
                                message_id="IA.INVALID_LINE_KEY", error_id="REST-1050")
        operation = item.get("ia::operation")
        if operation == "delete":
            if not line_key:
                raise payload_error(f"{target}: a line to delete needs its key.", target)
            del current[line_key]
            continue
        if operation not in (None, "update", "create"):
            raise payload_error(f"{target}/ia::operation: '{operation}' is not an operation; use delete.",
                                f"{target}/ia::operation")
        fields, _ = writer.parse(item, allow_lines=False)
        if line_key:
            current[line_key].update(fields)
        else:
            added.append(fields)
    return [*current.values(), *added]


def create(ctx: Ctx, res: Resource, body: Any) -> Row:
    if "c" not in res.ops:
        raise method_not_allowed(res, "POST")
    owner = header_of(res)
    if owner is not None:
        return create_line(ctx, res, owner, body)
    raw, items = Writer(ctx, res).parse(body)
    lines = line_rows(ctx, res, items) if items is not None else None
    return models.create(ctx, res.obj, raw, lines)


def update(ctx: Ctx, res: Resource, key: str, body: Any) -> Row:
    if "u" not in res.ops:
        raise method_not_allowed(res, "PATCH")
    row = find_row(ctx, res, key)
    owner = header_of(res)
    if owner is not None:
        return update_line(ctx, res, owner, row, body)
    raw, items = Writer(ctx, res).parse(body)
    raw["RECORDNO"] = row["RECORDNO"]
    lines = merged_lines(ctx, res, row["RECORDNO"], items) if items is not None else None
    return models.update(ctx, res.obj, raw, lines)


def delete(ctx: Ctx, res: Resource, key: str) -> None:
    if "d" not in res.ops:
        raise method_not_allowed(res, "DELETE")
    row = find_row(ctx, res, key)
    owner = header_of(res)
    if owner is None:
        models.delete(ctx, res.obj, row["RECORDNO"])
        return
    header_res, _ = owner
    header_key = row[PARENT_FIELD[res.xml]]
    lines = [writable(res.xml, line) for line in models.lines_of(ctx, header_res.obj, header_key)
             if line["RECORDNO"] != row["RECORDNO"]]
    models.update(ctx, header_res.obj, {"RECORDNO": header_key}, lines)


# -- line objects, written through their header ---------------------------------------


def create_line(ctx: Ctx, res: Resource, owner: tuple[Resource, str], body: Any) -> Row:
    header_res, ref_name = owner
    if not isinstance(body, dict) or not isinstance(body.get(ref_name), dict):
        raise payload_error(f"/{ref_name} is required: the {header_res.path} this line belongs to.", f"/{ref_name}",
                            message_id="IA.REQUIRED_FIELD_MISSING", error_id="REST-1045")
    header_key = str(body[ref_name].get("key") or body[ref_name].get("id") or "")
    header = find_row(ctx, header_res, header_key)
    fields, _ = Writer(ctx, res).parse({k: v for k, v in body.items() if k != ref_name}, allow_lines=False)
    before = [writable(res.xml, line) for line in models.lines_of(ctx, header_res.obj, header["RECORDNO"])]
    known = {line["RECORDNO"] for line in before}
    models.update(ctx, header_res.obj, {"RECORDNO": header["RECORDNO"]}, [*before, fields])
    added = [line for line in models.lines_of(ctx, header_res.obj, header["RECORDNO"])
             if line["RECORDNO"] not in known]
    return added[-1]


def update_line(ctx: Ctx, res: Resource, owner: tuple[Resource, str], row: Row, body: Any) -> Row:
    header_res, ref_name = owner
    header_key = row[PARENT_FIELD[res.xml]]
    fields, _ = Writer(ctx, res).parse({k: v for k, v in (body or {}).items() if k != ref_name}
                                       if isinstance(body, dict) else body, allow_lines=False)
    lines = []
    for line in models.lines_of(ctx, header_res.obj, header_key):
        entry = writable(res.xml, line)
        if line["RECORDNO"] == row["RECORDNO"]:
            entry.update(fields)
        lines.append(entry)
    models.update(ctx, header_res.obj, {"RECORDNO": header_key}, lines)
    return models.get(ctx, res.xml, row["RECORDNO"]) or row

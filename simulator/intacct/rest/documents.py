"""Purchasing documents by transaction definition: ``purchasing/document::{Definition}``.

Intacct has no generic create for PODOCUMENT; both wires go through
``purchasing.create_transaction``/``update_transaction``/``decide``, the
functions behind the XML gateway's ``create_potransaction`` family. This module
only restates a REST payload as the element those functions read.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from simulator.intacct import models, purchasing
from simulator.intacct.models import Ctx, Row, kind
from simulator.intacct.rest.convert import Reader, Writer, camel, href
from simulator.intacct.rest.records import find_row, method_not_allowed, reference
from simulator.intacct.rest.resources import Resource, get, line_resource
from simulator.intacct.rest.wire import RestError, not_found, payload_error

HEADER_TAGS = {name: tag for tag, name in purchasing.HEADER_FIELDS.items()}
LINE_TAGS = {name: tag for tag, name in purchasing.LINE_FIELDS.items()}
WORKFLOWS = ("submit", "approve", "decline")


def definition(res: Resource) -> str:
    return res.path.partition("::")[2]


def _sub(parent: etree._Element, tag: str, value: str = "") -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = value
    return el


def _date(parent: etree._Element, tag: str, us_date: str) -> None:
    month, day, year = us_date.split("/")
    box = _sub(parent, tag)
    for part, value in (("year", year), ("month", month), ("day", day)):
        _sub(box, part, value)


def _header(el: etree._Element, raw: Row) -> None:
    for name, value in raw.items():
        if name in ("WHENCREATED", "WHENDUE"):
            if value:
                _date(el, "datecreated" if name == "WHENCREATED" else "datedue", value)
        elif name == "DOCNO":
            _sub(el, "documentno", value)
        elif name in ("PAYTO.CONTACTNAME", "RETURNTO.CONTACTNAME"):
            _sub(_sub(el, name.split(".")[0].lower()), "contactname", value)
        elif name in HEADER_TAGS:
            _sub(el, HEADER_TAGS[name], value)
        elif name != "DOCPARID":
            raise payload_error(f"{name.lower()} cannot be written on a purchasing document.", None)


def _line(parent: etree._Element, tag: str, raw: Row) -> etree._Element:
    el = _sub(parent, tag)
    for name, value in raw.items():
        if name in LINE_TAGS:
            _sub(el, LINE_TAGS[name], value)
    return el


def _parse(ctx: Ctx, res: Resource, body: Any) -> tuple[Row, list[dict[str, Any]] | None, Writer]:
    line_res = line_resource(res)
    assert line_res is not None
    raw, items = Writer(ctx, res).parse(body)
    return raw, items, Writer(ctx, line_res)


def _check_definition(ctx: Ctx, res: Resource) -> str:
    name = definition(res)
    if not name:
        raise method_not_allowed(res, "a write")
    if name not in purchasing.definitions(ctx):
        raise RestError(404, f"Transaction definition {name} was not found", code="notFound",
                        error_id="REST-1003", message_id="IA.OBJECT_NOT_FOUND", placeholders={"OBJECT": res.path})
    return name


def create(ctx: Ctx, res: Resource, body: Any) -> Row:
    name = _check_definition(ctx, res)
    raw, items, line_writer = _parse(ctx, res, body)
    el = etree.Element("create_potransaction")
    _sub(el, "transactiontype", name)
    _header(el, raw)
    box = _sub(el, "potransitems")
    for item in items or []:
        _line(box, "potransitem", line_writer.parse(item, allow_lines=False)[0])
    docid = purchasing.create_transaction(ctx, el)
    row = models.find(ctx, "PODOCUMENT", docid)
    assert row is not None
    return row


def _own(ctx: Ctx, res: Resource, key: str) -> Row:
    row = find_row(ctx, res, key)
    name = definition(res)
    if name and row.get("DOCPARID") != name:
        raise not_found(res.path, key)
    return row


def update(ctx: Ctx, res: Resource, key: str, body: Any) -> Row:
    _check_definition(ctx, res)
    row = _own(ctx, res, key)
    raw, items, line_writer = _parse(ctx, res, body)
    el = etree.Element("update_potransaction", key=row["DOCID"])
    _header(el, raw)
    if items:
        existing = [line["RECORDNO"] for line in models.lines_of(ctx, res.obj, row["RECORDNO"])]
        box = _sub(el, "updatepotransitems")
        for number, item in enumerate(items):
            line_key = str(item.get("key") or "")
            if item.get("ia::operation") == "delete":
                raise payload_error(f"/lines/{number}: lines of a purchasing document cannot be deleted; change "
                                    "its quantity or create a change order.", f"/lines/{number}")
            if line_key and line_key not in existing:
                raise payload_error(f"/lines/{number}/key: line {line_key} is not a line of this document.",
                                    f"/lines/{number}/key")
            fields = line_writer.parse(item, allow_lines=False)[0]
            if line_key:
                _line(box, "updatepotransitem", fields).set("line_num", str(existing.index(line_key) + 1))
            else:
                _line(box, "potransitem", fields)
    purchasing.update_transaction(ctx, el)
    return models.get(ctx, "PODOCUMENT", row["RECORDNO"]) or row


def delete(ctx: Ctx, res: Resource, key: str) -> None:
    _check_definition(ctx, res)
    purchasing.delete_transaction(ctx, _own(ctx, res, key)["DOCID"])


def get_record(ctx: Ctx, res: Resource, key: str) -> dict[str, Any]:
    return Reader(ctx).record(res, _own(ctx, res, key))


def list_refs(ctx: Ctx, res: Resource, limit: int) -> tuple[list[dict[str, Any]], int]:
    name = definition(res)
    rows = [r.data for r in ctx.records.iter(kind("PODOCUMENT")) if not name or r.data.get("DOCPARID") == name]
    return [reference(res, row) for row in rows[:limit]], len(rows)


def workflow(api: Any, path: str, body: Any) -> dict[str, Any]:
    """``POST /workflows/purchasing/document/{submit|approve|decline}`` with ``{key, notes?}``."""
    parts = path.strip("/").split("/")
    if len(parts) != 4 or parts[1:3] != ["purchasing", "document"] or parts[3] not in WORKFLOWS:
        raise RestError(404, f"The resource {path} was not found", code="notFound", error_id="REST-1001",
                        message_id="IA.RESOURCE_NOT_FOUND", placeholders={"RESOURCE": path})
    if not isinstance(body, dict) or not body.get("key"):
        raise payload_error("/key is required: the key of the document.", "/key",
                            message_id="IA.REQUIRED_FIELD_MISSING", error_id="REST-1045")
    res = get("purchasing/document")
    assert res is not None
    ctx: Ctx = api.ctx
    row = find_row(ctx, res, str(body["key"]))
    action = parts[3]
    if action == "submit":
        if row.get("STATE") != "Draft":
            raise payload_error(f"Document {row['DOCID']} is {row.get('STATE')}; only a draft can be submitted.",
                                "/key", message_id="IA.INVALID_STATE", error_id="REST-1064")
        el = etree.Element("update_potransaction", key=row["DOCID"])
        _sub(el, "state", "Pending")
        purchasing.update_transaction(ctx, el)
    else:
        el = etree.Element(action)
        _sub(_sub(el, "PODOCUMENT"), "DOCID", row["DOCID"])
        purchasing.decide(ctx, el, action)
    done = models.get(ctx, "PODOCUMENT", row["RECORDNO"]) or row
    return {"key": done["RECORDNO"], "id": done["DOCID"], "href": href(res, done["RECORDNO"]),
            "state": camel(done.get("STATE", ""))}

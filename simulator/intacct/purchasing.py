"""Purchasing transactions (PODOCUMENT): purchase orders, subcontracts and their change orders.

There is no generic create for PODOCUMENT; clients use the legacy
``create_potransaction``/``update_potransaction``/``delete_potransaction`` with
lowercase elements and ``<year><month><day>`` dates. The transaction
definition (``transactiontype``, the ``docparid`` of reads) decides whether a
document is a source or a change order of one.
"""

from __future__ import annotations


from lxml import etree

from simulator.intacct import errors
from simulator.intacct.models import Ctx, Row, find, get, kind, lines_of
from simulator.intacct.rules import ZERO, check_dimensions, check_open_period, fail, retainage
from simulator.intacct.schema import OBJECTS, Field
from simulator.intacct.values import ValueProblem, coerce, dec, fmt_date, legacy_date, money
from simulator.intacct.wire import text

OBJ = OBJECTS["PODOCUMENT"]
LINE = OBJECTS["PODOCUMENTENTRY"]
BLOCKED_STATES = {"Submitted", "In Progress", "Converted", "Partially Converted"}

HEADER_FIELDS = {
    "vendorid": "VENDORID", "referenceno": "PONUMBER", "vendordocno": "VENDORDOCNO", "termname": "TERMNAME",
    "message": "MESSAGE", "projectid": "PROJECTID", "state": "STATE", "currency": "CURRENCY",
}
HEADER_IGNORED = {"dateposted", "createdfrom", "shippingmethod", "basecurr", "exchratetype", "exchratedate",
                  "exchrate", "customfields", "shipto", "supdocid", "externalid", "changelognumber"}
LINE_FIELDS = {
    "itemid": "ITEMID", "quantity": "QUANTITY", "unit": "UNIT", "price": "PRICE", "memo": "MEMO",
    "projectid": "PROJECTID", "taskid": "TASKID", "costtypeid": "COSTTYPEID", "locationid": "LOCATIONID",
    "departmentid": "DEPARTMENTID", "retainagepercentage": "RETAINAGEPERCENTAGE",
    "trx_amountretained": "TRX_AMOUNTRETAINED", "relateddockey": "RELATEDDOCKEY",
    "relateddoclinekey": "RELATEDDOCLINEKEY",
}
LINE_IGNORED = {"itemdesc", "warehouseid", "sourcelinekey", "sourcedocid", "sourcedoclineid", "conversiontype",
                "classid", "customfields", "tax", "linelevelsimpletaxtype", "billable", "form1099", "discsurchargememo"}


def _value(field: Field, raw: str, where: str) -> str:
    try:
        return coerce(field, raw)
    except ValueProblem as exc:
        raise errors.bad_format("podocument", f"Illegal format for {where} : {exc}") from exc


def _legacy_date(el: etree._Element, what: str) -> str:
    parts = {child.tag: text(child) for child in el}
    try:
        return fmt_date(legacy_date(parts, what))
    except ValueProblem as exc:
        raise errors.bad_format("podocument", str(exc)) from exc


def parse_header(el: etree._Element, *, creating: bool) -> tuple[Row, list[Row], list[tuple[int, Row]]]:
    """Header fields, new lines, and (1-based line_num, changes) for updated lines."""
    header: Row = {}
    new_lines: list[Row] = []
    changed: list[tuple[int, Row]] = []
    for child in el:
        tag = child.tag
        if tag == "transactiontype":
            header["DOCPARID"] = text(child)
        elif tag in ("datecreated", "datedue"):
            header["WHENCREATED" if tag == "datecreated" else "WHENDUE"] = _legacy_date(child, tag)
        elif tag in ("payto", "returnto"):
            header[f"{tag.upper()}.CONTACTNAME"] = text(child.find("contactname"))
        elif tag == "documentno":
            header["DOCNO"] = text(child)
        elif tag in HEADER_FIELDS:
            name = HEADER_FIELDS[tag]
            fdef = OBJ.fields[name]
            header[name] = _value(fdef, text(child), tag) if fdef.type != "ref" else text(child)
        elif tag in ("potransitems", "updatepotransitems"):
            for item in child:
                if item.tag == "potransitem":
                    new_lines.append(parse_line(item))
                elif item.tag == "updatepotransitem" and not creating:
                    line_num = item.get("line_num", "")
                    if not line_num.isdigit() or int(line_num) < 1:
                        raise errors.invalid("podocument", "updatepotransitem needs a line_num of 1 or more.",
                                             "update")
                    changed.append((int(line_num), parse_line(item)))
                else:
                    raise errors.invalid("podocument", f"<{item.tag}> is not allowed inside <{tag}>.")
        elif tag in HEADER_IGNORED:
            continue
        else:
            raise errors.invalid("podocument", f"<{tag}> is not a valid element of a purchasing transaction.")
    return header, new_lines, changed


def parse_line(el: etree._Element) -> Row:
    line: Row = {}
    for child in el:
        if child.tag in LINE_FIELDS:
            name = LINE_FIELDS[child.tag]
            fdef = LINE.fields[name]
            raw = text(child)
            line[name] = raw if fdef.type in ("ref", "text") or name.startswith("RELATED") else _value(fdef, raw,
                                                                                                  child.tag)
            if name.startswith("RELATED") and raw and not raw.isdigit():
                raise errors.bad_format("podocument", f"Illegal format for {child.tag} : '{raw}' is not a record "
                                                      "number.")
        elif child.tag in LINE_IGNORED:
            continue
        else:
            raise errors.invalid("podocument", f"<{child.tag}> is not a valid element of a transaction line.")
    return line


def definitions(ctx: Ctx) -> dict[str, dict[str, str]]:
    defs = ctx.config.get("transaction_definitions")
    return defs if isinstance(defs, dict) else {}


def _check_line(ctx: Ctx, line: Row, number: int, header: Row, action: str) -> None:
    for name in ("ITEMID", "QUANTITY"):
        if not line.get(name):
            raise fail(OBJ, f"Required field {name.lower()} is missing on line {number}.", action)
    item = find(ctx, "ITEM", line["ITEMID"])
    if item is None or item.get("STATUS") == "inactive":
        raise errors.invalid("podocument", f"Invalid Item '{line['ITEMID']}' specified.", action)
    line["ITEMNAME"] = item.get("NAME", "")
    default_price = line.get("PRICE") or "0"
    line["PRICE"] = default_price
    value = money(dec(line["QUANTITY"]) * dec(default_price))
    line["TRX_VALUE"] = line["UIVALUE"] = value
    if not line.get("PROJECTID") and header.get("PROJECTID"):
        line["PROJECTID"] = header["PROJECTID"]
    retainage(OBJ, line, "TRX_VALUE", number, action)
    check_dimensions(ctx, LINE, line, "PO", action, owner=OBJ)


def create_transaction(ctx: Ctx, el: etree._Element) -> str:
    header, new_lines, _ = parse_header(el, creating=True)
    docpar = header.get("DOCPARID", "")
    if not docpar:
        raise fail(OBJ, "Required field transactiontype is missing.")
    definition = definitions(ctx).get(docpar)
    if definition is None:
        raise fail(OBJ, f"Invalid transaction definition '{docpar}' specified. Defined: "
                        f"{', '.join(definitions(ctx))}.")
    for name, label in (("WHENCREATED", "datecreated"), ("VENDORID", "vendorid")):
        if not header.get(name):
            raise fail(OBJ, f"Required field {label} is missing.")
    vendor = find(ctx, "VENDOR", header["VENDORID"])
    if vendor is None or vendor.get("STATUS") == "inactive":
        raise errors.invalid("podocument", f"Invalid Vendor '{header['VENDORID']}' specified.")
    if not new_lines:
        raise fail(OBJ, "A purchasing transaction needs at least one line in potransitems.")
    check_open_period(ctx, OBJ, header["WHENCREATED"], "create")
    if header.get("PROJECTID"):
        check_dimensions(ctx, OBJ, {"PROJECTID": header["PROJECTID"]}, "PO", "create")
    recordno = ctx.records.next_value(kind("PODOCUMENT"))
    docno = header.get("DOCNO") or f"{definition.get('prefix', 'PO')}{ctx.records.next_value('intacct.docno.' + docpar):04d}"
    docid = f"{docpar}-{docno}"
    if find(ctx, "PODOCUMENT", docid) is not None:
        raise errors.duplicate("Document", docid, "PODOCUMENT")
    source = None
    changes = definition.get("changes")
    for number, line in enumerate(new_lines, start=1):
        _check_line(ctx, line, number, header, "create")
        if changes:
            source = _check_change_line(ctx, line, number, header, changes, source)
        elif line.get("RELATEDDOCKEY") or line.get("RELATEDDOCLINEKEY"):
            raise fail(OBJ, f"Line {number}: relateddockey is only for change-order transaction definitions.")
    stamp = ctx.now_stamp()
    data: Row = {
        **header, "RECORDNO": str(recordno), "DOCID": docid, "DOCNO": docno, "DOCPARID": docpar,
        "DOCPARKEY": "", "STATE": header.get("STATE") or "Pending", "VENDORNAME": vendor.get("NAME", ""),
        "CHANGELOGNUMBER": "1" if changes else "0", "CURRENCY": header.get("CURRENCY") or "USD",
        "RELATEDDOCKEY": source["RECORDNO"] if source else "", "WHENMODIFIED": stamp,
        "REFERENCENO": header.get("PONUMBER", ""),
    }
    if data["STATE"] not in ("Draft", "Pending", "Closed"):
        raise fail(OBJ, f"A new transaction can be Draft, Pending or Closed, not '{data['STATE']}'.")
    data["STATE"] = submitted(definition, data["STATE"])
    ctx.records.insert(kind("PODOCUMENT"), data, key=docid, id=recordno)
    for number, line in enumerate(new_lines, start=1):
        _insert_line(ctx, line, recordno, docid, number)
        if changes and source is not None:
            _apply_change(ctx, line, source, sign=1)
    recompute(ctx, recordno)
    if source is not None:
        recompute(ctx, int(source["RECORDNO"]))
    return docid


def submitted(definition: dict[str, str], state: str) -> str:
    """A definition with approvals holds a saved (Pending) document as Submitted until it is approved."""
    return "Submitted" if state == "Pending" and definition.get("approval") else state


def _check_change_line(ctx: Ctx, line: Row, number: int, header: Row, changes: str, source: Row | None) -> Row:
    if not line.get("RELATEDDOCKEY"):
        raise fail(OBJ, f"Line {number}: a change order line needs relateddockey (the source document's RECORDNO).")
    found = get(ctx, "PODOCUMENT", line["RELATEDDOCKEY"])
    if found is None or found.get("DOCPARID") != changes:
        raise fail(OBJ, f"Line {number}: relateddockey {line['RELATEDDOCKEY']} is not a '{changes}' document.")
    if source is not None and found["RECORDNO"] != source["RECORDNO"]:
        raise fail(OBJ, f"Line {number}: all lines of a change order must change the same document.")
    if found.get("VENDORID") != header.get("VENDORID"):
        raise fail(OBJ, f"Line {number}: the change order's vendor must match the source document's vendor "
                        f"'{found.get('VENDORID')}'.")
    if found.get("STATE") in ("Closed", "Draft"):
        raise fail(OBJ, f"Line {number}: document {found['DOCID']} is {found['STATE']} and cannot take change "
                        "orders.")
    if line.get("RELATEDDOCLINEKEY"):
        if line["RELATEDDOCLINEKEY"] not in {x["RECORDNO"] for x in lines_of(ctx, OBJ, found["RECORDNO"])}:
            raise fail(OBJ, f"Line {number}: relateddoclinekey {line['RELATEDDOCLINEKEY']} is not a line of "
                            f"{found['DOCID']}.")
    return found


def _insert_line(ctx: Ctx, line: Row, header_no: int, docid: str, number: int) -> int:
    line_no = ctx.records.next_value(kind("PODOCUMENTENTRY"))
    stamp = ctx.now_stamp()
    line.update({"RECORDNO": str(line_no), "DOCHDRNO": str(header_no), "DOCHDRID": docid, "LINE_NO": str(number - 1),
                 "WHENCREATED": stamp, "WHENMODIFIED": stamp})
    line.setdefault("CHANGEAMOUNT", "0.00")
    line["REVISEDVALUE"] = money(dec(line["TRX_VALUE"]) + dec(line.get("CHANGEAMOUNT")))
    ctx.records.insert(kind("PODOCUMENTENTRY"), line, parent=header_no, id=line_no)
    return line_no


def _apply_change(ctx: Ctx, change_line: Row, source: Row, sign: int) -> None:
    """Add (or, on delete, take back) a change line's value on its source document."""
    delta = dec(change_line["TRX_VALUE"]) * sign
    target_no = change_line.get("RELATEDDOCLINEKEY")
    if not target_no:
        if sign < 0:
            return  # the line the change added is removed with the change itself
        added: Row = {k: change_line[k] for k in ("ITEMID", "ITEMNAME", "QUANTITY", "UNIT", "PRICE", "MEMO",
                                                  "PROJECTID", "TASKID", "COSTTYPEID") if change_line.get(k)}
        added.update({"TRX_VALUE": "0.00", "UIVALUE": "0.00", "CHANGEAMOUNT": money(delta),
                      "RELATEDDOCKEY": change_line["DOCHDRNO"], "RELATEDDOCLINEKEY": change_line["RECORDNO"]})
        count = len(lines_of(ctx, OBJ, source["RECORDNO"]))
        _insert_line(ctx, added, int(source["RECORDNO"]), source["DOCID"], count + 1)
        change_line["RELATEDDOCLINEKEY"] = added["RECORDNO"]
        ctx.records.update(kind("PODOCUMENTENTRY"), int(change_line["RECORDNO"]), change_line)
        return
    rec = ctx.records.get(kind("PODOCUMENTENTRY"), int(target_no))
    if rec is None:
        return
    target = rec.data
    target["CHANGEAMOUNT"] = money(dec(target.get("CHANGEAMOUNT")) + delta)
    target["REVISEDVALUE"] = money(dec(target.get("TRX_VALUE")) + dec(target["CHANGEAMOUNT"]))
    ctx.records.update(kind("PODOCUMENTENTRY"), rec.id, target)


def recompute(ctx: Ctx, recordno: int) -> None:
    doc = get(ctx, "PODOCUMENT", recordno)
    assert doc is not None
    lines = lines_of(ctx, OBJ, recordno)
    subtotal = sum((dec(x.get("TRX_VALUE")) for x in lines), ZERO)
    changes = sum((dec(x.get("CHANGEAMOUNT")) for x in lines), ZERO)
    doc["SUBTOTAL"] = doc["TOTAL"] = money(subtotal)
    doc["TOTALRETAINED"] = money(sum((dec(x.get("TRX_AMOUNTRETAINED")) for x in lines), ZERO))
    doc["CHANGEORDERTOTAL"] = money(changes)
    doc["REVISEDTOTAL"] = money(subtotal + changes)
    ctx.records.update(kind("PODOCUMENT"), recordno, doc)


def locate(ctx: Ctx, key: str, action: str) -> Row:
    doc = find(ctx, "PODOCUMENT", key)
    if doc is None:
        raise errors.invalid("podocument", f"Cannot find a purchasing transaction with key '{key}'.", action)
    return doc


def update_transaction(ctx: Ctx, el: etree._Element) -> str:
    key = el.get("key", "")
    doc = locate(ctx, key, "update")
    if doc.get("STATE") in BLOCKED_STATES:
        raise fail(OBJ, f"Transaction {key} is {doc['STATE']} and cannot be updated.", "update")
    header, new_lines, changed = parse_header(el, creating=False)
    if header.get("DOCPARID") and header["DOCPARID"] != doc["DOCPARID"]:
        raise fail(OBJ, "The transaction definition of an existing document cannot be changed.", "update")
    if header.get("VENDORID") and header["VENDORID"] != doc["VENDORID"]:
        vendor = find(ctx, "VENDOR", header["VENDORID"])
        if vendor is None or vendor.get("STATUS") == "inactive":
            raise errors.invalid("podocument", f"Invalid Vendor '{header['VENDORID']}' specified.", "update")
        doc["VENDORNAME"] = vendor.get("NAME", "")
    if header.get("STATE") and header["STATE"] not in ("Draft", "Pending", "Closed"):
        raise fail(OBJ, f"A transaction can be set to Draft, Pending or Closed, not '{header['STATE']}'.", "update")
    recordno = int(doc["RECORDNO"])
    is_change = bool(definitions(ctx).get(doc["DOCPARID"], {}).get("changes"))
    if is_change and (new_lines or changed):
        raise fail(OBJ, "Lines of a change order cannot be edited; create another change order.", "update")
    if not is_change and any(line.get("RELATEDDOCKEY") or line.get("RELATEDDOCLINEKEY")
                             for line in new_lines + [values for _, values in changed]):
        raise fail(OBJ, "relateddockey is only for change-order transaction definitions.", "update")
    existing = lines_of(ctx, OBJ, recordno)
    for line_num, values in changed:
        if line_num > len(existing):
            raise fail(OBJ, f"updatepotransitem line_num {line_num} does not exist; the transaction has "
                            f"{len(existing)} lines.", "update")
        old = existing[line_num - 1]
        # A line a change order added holds no original value: its amount lives in CHANGEAMOUNT.
        added_by_change = bool(old.get("RELATEDDOCLINEKEY"))
        if added_by_change and any(values.get(k) and values[k] != old.get(k) for k in ("QUANTITY", "PRICE")):
            raise fail(OBJ, f"Line {line_num} was added by a change order; change its amount with another change "
                            "order.", "update")
        line = {**old, **values}
        # Retainage follows what the update names: a new percentage or amount re-derives the other.
        if "TRX_AMOUNTRETAINED" in values and "RETAINAGEPERCENTAGE" not in values:
            line.pop("RETAINAGEPERCENTAGE", None)
        elif "TRX_AMOUNTRETAINED" not in values and line.get("RETAINAGEPERCENTAGE"):
            line.pop("TRX_AMOUNTRETAINED", None)
        _check_line(ctx, line, line_num, {**doc, **header}, "update")
        if added_by_change:
            line["TRX_VALUE"] = line["UIVALUE"] = "0.00"
        line["REVISEDVALUE"] = money(dec(line["TRX_VALUE"]) + dec(line.get("CHANGEAMOUNT")))
        line["WHENMODIFIED"] = ctx.now_stamp()
        ctx.records.update(kind("PODOCUMENTENTRY"), int(line["RECORDNO"]), line)
    for offset, line in enumerate(new_lines, start=len(existing) + 1):
        _check_line(ctx, line, offset, {**doc, **header}, "update")
        _insert_line(ctx, line, recordno, doc["DOCID"], offset)
    doc.update({k: v for k, v in header.items() if k not in ("DOCPARID", "DOCNO")})
    doc["STATE"] = submitted(definitions(ctx).get(doc["DOCPARID"], {}), doc.get("STATE", ""))
    doc["WHENMODIFIED"] = ctx.now_stamp()
    ctx.records.update(kind("PODOCUMENT"), recordno, doc)
    recompute(ctx, recordno)
    return doc["DOCID"]


def delete_transaction(ctx: Ctx, key: str) -> None:
    doc = locate(ctx, key, "delete")
    recordno = int(doc["RECORDNO"])
    for other in ctx.records.iter(kind("PODOCUMENT")):
        if other.data.get("RELATEDDOCKEY") == doc["RECORDNO"]:
            raise fail(OBJ, f"Transaction {key} has change order {other.data['DOCID']} and cannot be deleted.",
                       "delete")
    if doc.get("RELATEDDOCKEY"):
        source = get(ctx, "PODOCUMENT", doc["RELATEDDOCKEY"])
        for line in lines_of(ctx, OBJ, recordno):
            if source is None:
                break
            if line.get("RELATEDDOCLINEKEY"):
                added = ctx.records.get(kind("PODOCUMENTENTRY"), int(line["RELATEDDOCLINEKEY"]))
                if added is not None and added.data.get("RELATEDDOCLINEKEY") == line["RECORDNO"]:
                    ctx.records.delete(kind("PODOCUMENTENTRY"), added.id)
                    continue
            _apply_change(ctx, line, source, sign=-1)
        if source is not None:
            recompute(ctx, int(source["RECORDNO"]))
    ctx.records.delete_children(kind("PODOCUMENTENTRY"), recordno)
    ctx.records.delete(kind("PODOCUMENT"), recordno)



def decide(ctx: Ctx, el: etree._Element, verb: str) -> str:
    """``approve`` or ``decline`` a Submitted document: ``<PODOCUMENT><DOCID>…</DOCID></PODOCUMENT>``."""
    doc_el = el.find("PODOCUMENT")
    docid = text(doc_el.find("DOCID")) if doc_el is not None else ""
    if not docid:
        raise fail(OBJ, f"{verb} needs <PODOCUMENT><DOCID>.", "update")
    doc = locate(ctx, docid, "update")
    if doc.get("STATE") != "Submitted":
        raise fail(OBJ, f"Transaction {docid} is {doc.get('STATE')}; only a Submitted transaction can be {verb}d.",
                   "update")
    doc["STATE"] = "Pending" if verb == "approve" else "Declined"
    doc["WHENMODIFIED"] = ctx.now_stamp()
    ctx.records.update(kind("PODOCUMENT"), int(doc["RECORDNO"]), doc)
    return docid


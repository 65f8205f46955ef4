"""Rules for the standard ledger objects: AR/AP documents, budgets, and the GL detail behind entries.

GLENTRY lines carry their batch's date (``ENTRY_DATE``), title, journal and
state, and every posted journal entry writes one GLDETAIL row per line, so
extraction tools that read the general ledger find what the company posted.
"""

from __future__ import annotations

from decimal import Decimal

from simulator.intacct.models import AFTER, AFTER_DELETE, PREPARE, Ctx, Draft, Row, find, get, kind, lines_of
from simulator.intacct.rules import check_dimensions, check_open_period, default, fail
from simulator.intacct.schema import OBJECTS, ObjectDef
from simulator.intacct.values import dec, money

ZERO = Decimal("0")
# Object -> (the party's object and field, the name field it fills, readByQuery record type).
DOCUMENTS = {
    "ARINVOICE": ("CUSTOMER", "CUSTOMERID", "CUSTOMERNAME", "ri"),
    "ARADJUSTMENT": ("CUSTOMER", "CUSTOMERID", "CUSTOMERNAME", "ra"),
    "APADJUSTMENT": ("VENDOR", "VENDORID", "VENDORNAME", "pa"),
}


def prepare_document(ctx: Ctx, draft: Draft, action: str) -> None:
    """An invoice or adjustment: lines with amounts, totals from its lines, Draft or Posted."""
    data, obj = draft.data, draft.obj
    party_obj, party_field, name_field, record_type = DOCUMENTS[obj.name]
    default(data, "ACTION", "Submit")
    if action == "update" and draft.existing and dec(draft.existing.get("TOTALPAID")) != 0:
        raise fail(obj, f"{obj.label} {draft.existing['RECORDNO']} has payments applied and cannot be changed.",
                   action)
    default(data, "WHENPOSTED", data.get("WHENCREATED", ""))
    check_open_period(ctx, obj, data.get("WHENPOSTED", ""), action)
    party = find(ctx, party_obj, data.get(party_field, "")) if data.get(party_field) else None
    data[name_field] = party.get("NAME", "") if party else ""
    for name, value in (("CURRENCY", "USD"), ("BASECURR", "USD"), ("RECORDTYPE", record_type),
                        ("TOTALPAID", "0.00"), ("TRX_TOTALPAID", "0.00")):
        default(data, name, value)
    data["STATE"] = "Draft" if data["ACTION"] == "Draft" else "Posted"
    assert obj.lines is not None
    if draft.lines is None:
        if action == "update":
            return
        draft.lines = []
    if not draft.lines:
        raise fail(obj, f"A {obj.label.lower()} needs at least one line in {obj.lines.collection}.", action)
    line_obj = OBJECTS[obj.lines.object]
    total = retained = ZERO
    for number, line in enumerate(draft.lines, start=1):
        if not line.get("TRX_AMOUNT"):
            raise fail(obj, f"Line {number}: TRX_AMOUNT is required.", action)
        line["AMOUNT"] = line["TRX_AMOUNT"]
        total += dec(line["TRX_AMOUNT"])
        if "TRX_AMOUNTRETAINED" in line_obj.fields:
            percent = line.get("RETAINAGEPERCENTAGE")
            if percent and not line.get("TRX_AMOUNTRETAINED"):
                line["TRX_AMOUNTRETAINED"] = money(dec(line["TRX_AMOUNT"]) * dec(percent) / 100)
            retained += dec(line.get("TRX_AMOUNTRETAINED"))
        default(line, party_field, data.get(party_field, ""))
        check_dimensions(ctx, line_obj, line, None, action, owner=obj)
        account = find(ctx, "GLACCOUNT", line.get("ACCOUNTNO", "")) if line.get("ACCOUNTNO") else None
        # What a line reports of its document; only fields the line object defines.
        derived = {"ENTRY_DATE": data.get("WHENCREATED", ""), "CURRENCY": data["CURRENCY"],
                   "BASECURR": data["BASECURR"], "STATE": data["STATE"], "RECORDTYPE": record_type,
                   "ACCOUNTTITLE": account.get("TITLE", "") if account else "", name_field: data[name_field]}
        line.update({k: v for k, v in derived.items() if k in line_obj.fields})
    due = total - dec(data.get("TOTALPAID")) - retained
    for name, value in (("TOTALENTERED", total), ("TRX_TOTALENTERED", total), ("TOTALDUE", due),
                        ("TRX_TOTALDUE", due)):
        data[name] = money(value)
    if "TOTALRETAINED" in obj.fields:
        data["TOTALRETAINED"] = data["TRX_TOTALRETAINED"] = money(retained)


def prepare_budget(ctx: Ctx, draft: Draft, action: str) -> None:
    for line in draft.lines or []:
        line["BUDGETID"] = draft.data.get("BUDGETID", "")


# -- the general ledger behind journal entries ---------------------------------------------


def after_journal(ctx: Ctx, draft: Draft, recordno: int, action: str) -> None:
    """Stamp each GLENTRY with its batch's fields; a posted batch writes its GLDETAIL rows."""
    batch = get(ctx, "GLBATCH", recordno) or draft.data
    header = {"BATCH_DATE": batch.get("BATCH_DATE", ""), "ENTRY_DATE": batch.get("BATCH_DATE", ""),
              "BATCH_TITLE": batch.get("BATCH_TITLE", ""), "JOURNAL": batch.get("JOURNAL", ""),
              "STATE": batch.get("STATE", "")}
    detail_kind = kind("GLDETAIL")
    ctx.records.delete_children(detail_kind, recordno)
    for line in lines_of(ctx, OBJECTS["GLBATCH"], recordno):
        account = find(ctx, "GLACCOUNT", line.get("ACCOUNTNO", ""))
        line.update(header, ACCOUNTTITLE=account.get("TITLE", "") if account else "")
        ctx.records.update(kind("GLENTRY"), int(line["RECORDNO"]), line)
        if header["STATE"] == "Posted":
            write_detail(ctx, recordno, line)


def write_detail(ctx: Ctx, batchno: int, line: Row) -> None:
    debit = line.get("TR_TYPE") == "1"
    amount = line.get("AMOUNT", "")
    row: Row = {name: line.get(name, "") for name in (
        "BATCH_DATE", "BATCH_TITLE", "JOURNAL", "ENTRY_DATE", "LINE_NO", "DOCUMENT", "ACCOUNTNO", "ACCOUNTTITLE",
        "TR_TYPE", "AMOUNT", "TRX_AMOUNT", "CURRENCY", "DESCRIPTION", "PROJECTID", "TASKID", "COSTTYPEID",
        "VENDORID", "CUSTOMERID", "EMPLOYEEID", "ITEMID", "CLASSID", "STATE")}
    batch = get(ctx, "GLBATCH", batchno) or {}
    row.update(BATCHNO=str(batchno), BATCHKEY=str(batchno), BATCH_NO=str(batchno), SYMBOL=line.get("JOURNAL", ""),
               REFERENCENO=batch.get("REFERENCENO", ""), MODULEKEY="2.GL", ADJ="false", STATISTICAL="false",
               BASECURR=line.get("CURRENCY") or "USD", DEPARTMENTID=line.get("DEPARTMENT", ""),
               LOCATIONID=line.get("LOCATION", ""), DEBITAMOUNT=amount if debit else "0.00",
               CREDITAMOUNT="0.00" if debit else amount)
    number = ctx.records.next_value(kind("GLDETAIL"))
    row["RECORDNO"] = str(number)
    row["WHENCREATED"] = row["WHENMODIFIED"] = row["MODIFIED"] = ctx.now_stamp()
    ctx.records.insert(kind("GLDETAIL"), row, parent=batchno, id=number)


def after_delete_journal(ctx: Ctx, obj: ObjectDef, row: Row) -> None:
    ctx.records.delete_children(kind("GLDETAIL"), int(row["RECORDNO"]))


for _name in DOCUMENTS:
    PREPARE[_name] = prepare_document
PREPARE["GLBUDGETHEADER"] = prepare_budget
AFTER["GLBATCH"] = after_journal
AFTER_DELETE["GLBATCH"] = after_delete_journal

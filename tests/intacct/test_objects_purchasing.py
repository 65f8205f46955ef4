"""Purchasing transactions over the wire: create/update/delete_potransaction, change orders, reads by docparid."""

from __future__ import annotations

from typing import Any

from .helpers import Api, api, failed, lines, xml  # noqa: F401  (api is a fixture)

GENERIC = "Could not create podocument record!"


def date(tag: str, year: int = 2026, month: int = 3, day: int = 1) -> str:
    return f"<{tag}><year>{year}</year><month>{month}</month><day>{day}</day></{tag}>"


def item(item_id: str = "SUBCONTRACT", quantity: str = "1", price: str = "1000", **extra: str) -> dict[str, str]:
    return {"itemid": item_id, "quantity": quantity, "price": price, **extra}


def transaction(kind: str = "Purchase Order", vendor: str = "V109", *items: dict[str, str], when: str | None = None,
                **header: str) -> str:
    body = f"<transactiontype>{kind}</transactiontype>" if kind else ""
    body += when if when is not None else date("datecreated")
    body += f"<vendorid>{vendor}</vendorid>" if vendor else ""
    body += "".join(xml(k, v) for k, v in header.items())
    body += "<potransitems>" + xml("potransitem", list(items or [item()])) + "</potransitems>"
    return body


def create(api: Api, *args: Any, **kw: Any) -> str:
    """Create a purchasing transaction; returns its DOCID."""
    key = api.legacy("create_potransaction", transaction(*args, **kw)).ok().findtext("key")
    assert key
    return key


def document(api: Api, docid: str) -> dict[str, Any]:
    found = api.read_by_query("PODOCUMENT", f"DOCID = '{docid}'")
    assert len(found) == 1, found
    return api.get("PODOCUMENT", found[0]["RECORDNO"])


def entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return lines(doc, "PODOCUMENTENTRIES")


def subcontract(api: Api) -> dict[str, Any]:
    """A subcontract on project 1001 with two lines, 10% retainage on each."""
    docid = create(api, "Subcontract", "V109",
                   item(quantity="1", price="10000", taskid="03-300", costtypeid="Subcontract",
                        retainagepercentage="10"),
                   item(quantity="1", price="5000", taskid="31-200", costtypeid="Subcontract",
                        retainagepercentage="10"),
                   projectid="1001", referenceno="SC-42")
    return document(api, docid)


def change(api: Api, source: dict[str, Any], *items: dict[str, str], vendor: str = "V109") -> str:
    return create(api, "Subcontract Change Order", vendor, *items)


# -- create ---------------------------------------------------------------------------


def test_purchase_order_create_and_read_back(api: Api) -> None:
    docid = create(api, "Purchase Order", "V100",
                   item("MATERIAL", "12", "15.5", memo="Anchor bolts", unit="Each"),
                   item("MATERIAL", "3", "99.999"),
                   when=date("datecreated", 2026, 3, 9), referenceno="PO-7781", vendordocno="Q-11",
                   message="Deliver to gate 2", payto={"contactname": "Flores PLC"})
    assert docid == "Purchase Order-PO0001"
    doc = document(api, docid)
    assert (doc["DOCNO"], doc["DOCPARID"], doc["STATE"], doc["CHANGELOGNUMBER"]) == ("PO0001", "Purchase Order",
                                                                                      "Pending", "0")
    assert (doc["VENDORID"], doc["VENDORNAME"], doc["PONUMBER"], doc["VENDORDOCNO"]) == (
        "V100", "Flores PLC", "PO-7781", "Q-11")
    assert (doc["WHENCREATED"], doc["MESSAGE"], doc["CURRENCY"]) == ("03/09/2026", "Deliver to gate 2", "USD")
    assert doc["PAYTO"]["CONTACTNAME"] == "Flores PLC"
    assert (doc["SUBTOTAL"], doc["TOTAL"], doc["REVISEDTOTAL"]) == ("486.00", "486.00", "486.00")
    rows = entries(doc)
    # read numbers lines from 0.
    assert [(r["LINE_NO"], r["ITEMID"], r["TRX_VALUE"]) for r in rows] == [("0", "MATERIAL", "186.00"),
                                                                          ("1", "MATERIAL", "300.00")]
    assert (rows[0]["ITEMNAME"], rows[0]["MEMO"], rows[0]["DOCHDRID"]) == ("Materials", "Anchor bolts", docid)
    # A second document of the same definition numbers on.
    assert create(api, "Purchase Order", "V100") == "Purchase Order-PO0002"


def test_subcontract_with_retainage_both_ways(api: Api) -> None:
    docid = create(api, "Subcontract", "V110",
                   item(price="10000", retainagepercentage="10"),
                   item(price="4000", trx_amountretained="200"),
                   item(price="300", retainagepercentage="5", trx_amountretained="15"))
    assert docid.startswith("Subcontract-SC")
    doc = document(api, docid)
    rows = entries(doc)
    assert [(r["RETAINAGEPERCENTAGE"], r["TRX_AMOUNTRETAINED"]) for r in rows] == [
        ("10", "1000.00"), ("5", "200.00"), ("5", "15.00")]
    assert (doc["TOTAL"], doc["TOTALRETAINED"]) == ("14300.00", "1215.00")
    message = failed(api.legacy("create_potransaction", transaction(
        "Subcontract", "V110", item(price="100", retainagepercentage="10", trx_amountretained="20"))), GENERIC)[1]
    assert message == "Line 1: TRX_AMOUNTRETAINED 20.00 does not match RETAINAGEPERCENTAGE 10% of 100.00."
    assert "cannot exceed the line amount" in failed(api.legacy("create_potransaction", transaction(
        "Subcontract", "V110", item(price="100", trx_amountretained="150"))))[1]


def test_create_required_fields_and_references(api: Api) -> None:
    def attempt(body: str) -> tuple[str, str]:
        return failed(api.legacy("create_potransaction", body), GENERIC)

    assert attempt(transaction("")) == ("BL01001973", "Required field transactiontype is missing.")
    assert "Invalid transaction definition 'Sales Order'" in attempt(transaction("Sales Order"))[1]
    assert attempt(transaction(when="")) == ("BL01001973", "Required field datecreated is missing.")
    assert attempt(transaction(vendor="")) == ("BL01001973", "Required field vendorid is missing.")
    assert attempt(transaction(vendor="NOPE"))[1] == "Invalid Vendor 'NOPE' specified."
    assert attempt(transaction(vendor="V123"))[1] == "Invalid Vendor 'V123' specified."
    assert attempt(transaction("Purchase Order", "V100", {"quantity": "1"}))[1] == (
        "Required field itemid is missing on line 1.")
    assert attempt(transaction("Purchase Order", "V100", item(), {"itemid": "MATERIAL"}))[1] == (
        "Required field quantity is missing on line 2.")
    assert attempt(transaction("Purchase Order", "V100", item("NOPE")))[1] == "Invalid Item 'NOPE' specified."
    errorno, message = attempt(transaction(when=date("datecreated", 2026, 13, 1)))
    assert errorno == "BL03000018" and "datecreated" in message
    errorno, message = attempt(transaction("Purchase Order", "V100", item(quantity="lots")))
    assert errorno == "BL03000018"
    assert "not a valid element" in attempt(transaction(color="blue"))[1]
    empty = "<transactiontype>Purchase Order</transactiontype>" + date("datecreated") + "<vendorid>V100</vendorid>"
    assert "at least one line" in attempt(empty)[1]
    assert api.read_by_query("PODOCUMENT", "", docparid="Purchase Order") == []


def test_line_dimensions_and_header_project(api: Api) -> None:
    def attempt(*items: dict[str, str], **header: str) -> str:
        return failed(api.legacy("create_potransaction", transaction("Purchase Order", "V100", *items, **header)),
                      GENERIC)[1]

    assert attempt(item(taskid="03-300")) == "TASKID is only valid when PROJECTID is also specified."
    assert attempt(item(projectid="1001", costtypeid="Labor")) == (
        "COSTTYPEID is only valid when PROJECTID and TASKID are specified.")
    assert attempt(item(projectid="NOPE")) == "Invalid Project 'NOPE' specified."
    assert attempt(item(projectid="1001", taskid="99-999")) == "Invalid Task '99-999' specified."
    assert attempt(item(projectid="1001", taskid="31-200", costtypeid="Labor")) == (
        "Invalid Cost Type 'Labor' specified.")
    # The header project flows down to lines that name none.
    docid = create(api, "Purchase Order", "V100", item(taskid="31-200", costtypeid="Equipment"), projectid="1001")
    assert entries(document(api, docid))[0]["PROJECTID"] == "1001"


def test_generic_create_and_update_are_refused(api: Api) -> None:
    assert "use create_potransaction" in failed(api.create("PODOCUMENT", {"VENDORID": "V100"}))[1]
    assert "use update_potransaction" in failed(api.update("PODOCUMENT", {"RECORDNO": "1"}))[1]


# -- change orders --------------------------------------------------------------------


def test_change_order_modifies_a_source_line(api: Api) -> None:
    source = subcontract(api)
    first = entries(source)[0]
    co = change(api, source, item(price="750", relateddockey=source["RECORDNO"],
                                  relateddoclinekey=first["RECORDNO"], taskid="03-300", costtypeid="Subcontract",
                                  projectid="1001"))
    assert co.startswith("Subcontract Change Order-SCCO")
    change_doc = document(api, co)
    assert (change_doc["CHANGELOGNUMBER"], change_doc["RELATEDDOCKEY"]) == ("1", source["RECORDNO"])
    after = document(api, source["DOCID"])
    line = entries(after)[0]
    assert (line["TRX_VALUE"], line["CHANGEAMOUNT"], line["REVISEDVALUE"]) == ("10000.00", "750.00", "10750.00")
    assert (after["TOTAL"], after["CHANGEORDERTOTAL"], after["REVISEDTOTAL"]) == ("15000.00", "750.00", "15750.00")
    # A second change to the same line accumulates.
    change(api, source, item(price="-250", relateddockey=source["RECORDNO"], relateddoclinekey=first["RECORDNO"]))
    line = entries(document(api, source["DOCID"]))[0]
    assert (line["CHANGEAMOUNT"], line["REVISEDVALUE"]) == ("500.00", "10500.00")


def test_change_order_without_line_key_adds_a_source_line(api: Api) -> None:
    source = subcontract(api)
    co = change(api, source, item(quantity="2", price="400", memo="Extra footing", relateddockey=source["RECORDNO"],
                                  projectid="1001", taskid="03-300", costtypeid="Subcontract"))
    after = document(api, source["DOCID"])
    rows = entries(after)
    assert len(rows) == 3
    added = rows[2]
    assert (added["LINE_NO"], added["TRX_VALUE"], added["CHANGEAMOUNT"], added["REVISEDVALUE"]) == (
        "2", "0.00", "800.00", "800.00")
    assert (added["MEMO"], added["TASKID"]) == ("Extra footing", "03-300")
    change_doc = document(api, co)
    co_no = change_doc["RECORDNO"]
    assert entries(change_doc)[0]["RELATEDDOCLINEKEY"] == added["RECORDNO"]
    assert (after["CHANGEORDERTOTAL"], after["REVISEDTOTAL"]) == ("800.00", "15800.00")

    # Editing the added line's memo on the source must not count the change twice.
    api.legacy("update_potransaction", '<updatepotransitems><updatepotransitem line_num="3"><memo>Footing F2</memo>'
                                       "</updatepotransitem></updatepotransitems>", key=source["DOCID"]).ok()
    after = document(api, source["DOCID"])
    assert entries(after)[2]["MEMO"] == "Footing F2"
    assert (after["TOTAL"], after["REVISEDTOTAL"]) == ("15000.00", "15800.00")
    message = failed(api.legacy("update_potransaction", '<updatepotransitems><updatepotransitem line_num="3">'
                                "<price>500</price></updatepotransitem></updatepotransitems>",
                                key=source["DOCID"]))[1]
    assert message == "Line 3 was added by a change order; change its amount with another change order."
    message = failed(api.legacy("update_potransaction", '<updatepotransitems><updatepotransitem line_num="1">'
                                f"<relateddockey>{co_no}</relateddockey></updatepotransitem>"
                                "</updatepotransitems>", key=source["DOCID"]))[1]
    assert message == "relateddockey is only for change-order transaction definitions."
    assert document(api, source["DOCID"])["REVISEDTOTAL"] == "15800.00"


def test_change_order_rules(api: Api) -> None:
    source = subcontract(api)
    line_key = entries(source)[0]["RECORDNO"]

    def attempt(*items: dict[str, str], vendor: str = "V109", kind: str = "Subcontract Change Order") -> str:
        return failed(api.legacy("create_potransaction", transaction(kind, vendor, *items)), GENERIC)[1]

    assert attempt(item()) == "Line 1: a change order line needs relateddockey (the source document's RECORDNO)."
    po = document(api, create(api, "Purchase Order", "V109"))
    assert attempt(item(relateddockey=po["RECORDNO"])) == (
        f"Line 1: relateddockey {po['RECORDNO']} is not a 'Subcontract' document.")
    assert attempt(item(relateddockey=source["RECORDNO"]), vendor="V110") == (
        "Line 1: the change order's vendor must match the source document's vendor 'V109'.")
    assert attempt(item(relateddockey=source["RECORDNO"], relateddoclinekey="99999")) == (
        f"Line 1: relateddoclinekey 99999 is not a line of {source['DOCID']}.")
    other = subcontract(api)
    assert attempt(item(relateddockey=source["RECORDNO"]), item(relateddockey=other["RECORDNO"])) == (
        "Line 2: all lines of a change order must change the same document.")
    assert attempt(item(relateddockey=source["RECORDNO"]), kind="Subcontract") == (
        "Line 1: relateddockey is only for change-order transaction definitions.")
    assert "Illegal format for relateddockey" in attempt(item(relateddockey="SC0001"))
    draft = document(api, create(api, "Subcontract", "V109", state="Draft"))
    assert attempt(item(relateddockey=draft["RECORDNO"])) == (
        f"Line 1: document {draft['DOCID']} is Draft and cannot take change orders.")
    # Nothing of the refused change orders reached the source.
    after = document(api, source["DOCID"])
    assert (after["CHANGEORDERTOTAL"], len(entries(after))) == ("0.00", 2)
    assert entries(after)[0]["RECORDNO"] == line_key


# -- update ---------------------------------------------------------------------------


def test_update_line_num_is_one_based_while_read_is_zero_based(api: Api) -> None:
    docid = create(api, "Purchase Order", "V100", item("MATERIAL", "1", "10", memo="first"),
                   item("MATERIAL", "2", "20", memo="second"))
    reply = api.legacy("update_potransaction",
                       "<referenceno>PO-9</referenceno><message>Revised</message><updatepotransitems>"
                       '<updatepotransitem line_num="2"><quantity>5</quantity><memo>second, more</memo>'
                       "</updatepotransitem><potransitem><itemid>MATERIAL</itemid><quantity>1</quantity>"
                       "<price>7.25</price></potransitem></updatepotransitems>", key=docid)
    assert reply.ok().findtext("key") == docid
    doc = document(api, docid)
    rows = entries(doc)
    assert [(r["LINE_NO"], r["MEMO"], r["QUANTITY"], r["TRX_VALUE"]) for r in rows] == [
        ("0", "first", "1", "10.00"), ("1", "second, more", "5", "100.00"), ("2", "", "1", "7.25")]
    assert (doc["PONUMBER"], doc["MESSAGE"], doc["TOTAL"]) == ("PO-9", "Revised", "117.25")


def test_update_recomputes_retainage_from_the_percentage(api: Api) -> None:
    source = subcontract(api)
    api.legacy("update_potransaction", '<updatepotransitems><updatepotransitem line_num="1"><price>12000</price>'
                                       "</updatepotransitem></updatepotransitems>", key=source["DOCID"]).ok()
    doc = document(api, source["DOCID"])
    first = entries(doc)[0]
    assert (first["TRX_VALUE"], first["RETAINAGEPERCENTAGE"], first["TRX_AMOUNTRETAINED"]) == (
        "12000.00", "10", "1200.00")
    assert doc["TOTALRETAINED"] == "1700.00"
    # Giving only an amount retained re-derives the percentage.
    api.legacy("update_potransaction", '<updatepotransitems><updatepotransitem line_num="2">'
                                       "<trx_amountretained>250</trx_amountretained></updatepotransitem>"
                                       "</updatepotransitems>", key=source["DOCID"]).ok()
    second = entries(document(api, source["DOCID"]))[1]
    assert (second["RETAINAGEPERCENTAGE"], second["TRX_AMOUNTRETAINED"]) == ("5", "250.00")


def test_update_failures(api: Api) -> None:
    docid = create(api, "Purchase Order", "V100", item("MATERIAL", "1", "10"))

    def attempt(body: str, key: str = docid) -> tuple[str, str]:
        return failed(api.legacy("update_potransaction", body, key=key), "Could not update podocument record!")

    assert attempt("<message>x</message>", key="Purchase Order-PO9999")[1] == (
        "Cannot find a purchasing transaction with key 'Purchase Order-PO9999'.")
    assert "needs a key attribute" in failed(api.legacy("update_potransaction", "<message>x</message>"))[1]
    assert attempt('<updatepotransitems><updatepotransitem line_num="2"><quantity>3</quantity>'
                   "</updatepotransitem></updatepotransitems>")[1] == (
        "updatepotransitem line_num 2 does not exist; the transaction has 1 lines.")
    assert "line_num of 1 or more" in attempt('<updatepotransitems><updatepotransitem line_num="0">'
                                              "<quantity>3</quantity></updatepotransitem></updatepotransitems>")[1]
    assert attempt("<transactiontype>Subcontract</transactiontype>")[1] == (
        "The transaction definition of an existing document cannot be changed.")
    assert attempt("<vendorid>V123</vendorid>")[1] == "Invalid Vendor 'V123' specified."
    assert "not 'Submitted'" in attempt("<state>Submitted</state>")[1]
    doc = document(api, docid)
    assert (doc["VENDORID"], doc["STATE"], entries(doc)[0]["QUANTITY"]) == ("V100", "Pending", "1")

    source = subcontract(api)
    co = change(api, source, item(price="10", relateddockey=source["RECORDNO"]))
    assert attempt('<updatepotransitems><updatepotransitem line_num="1"><price>20</price></updatepotransitem>'
                   "</updatepotransitems>", key=co)[1] == (
        "Lines of a change order cannot be edited; create another change order.")


def test_closing_and_vendor_change(api: Api) -> None:
    docid = create(api, "Purchase Order", "V100")
    api.legacy("update_potransaction", "<vendorid>V101</vendorid><state>Closed</state>", key=docid).ok()
    doc = document(api, docid)
    assert (doc["VENDORID"], doc["VENDORNAME"], doc["STATE"]) == ("V101", "Hutchinson, Sanders and Warren", "Closed")


def test_submitted_documents_cannot_be_updated(api: Api) -> None:
    # A definition with approvals sends new documents to Submitted until approved.
    api.configure(transaction_definitions={"Purchase Order": {"approval": True}})
    docid = create(api, "Purchase Order", "V100")
    assert document(api, docid)["STATE"] == "Submitted"
    message = failed(api.legacy("update_potransaction", "<message>x</message>", key=docid),
                     "Could not update podocument record!")[1]
    assert message == f"Transaction {docid} is Submitted and cannot be updated."
    # A draft is not submitted for approval.
    draft = create(api, "Purchase Order", "V100", state="Draft")
    assert document(api, draft)["STATE"] == "Draft"
    api.legacy("update_potransaction", "<message>ok</message>", key=draft).ok()
    # Saving the draft submits it.
    api.legacy("update_potransaction", "<state>Pending</state>", key=draft).ok()
    assert document(api, draft)["STATE"] == "Submitted"


# -- delete ---------------------------------------------------------------------------


def test_delete_change_order_reverses_its_effects(api: Api) -> None:
    source = subcontract(api)
    first = entries(source)[0]["RECORDNO"]
    modify = change(api, source, item(price="750", relateddockey=source["RECORDNO"], relateddoclinekey=first))
    add = change(api, source, item(price="300", relateddockey=source["RECORDNO"]))
    doc = document(api, source["DOCID"])
    assert (len(entries(doc)), doc["REVISEDTOTAL"]) == (3, "16050.00")

    message = failed(api.legacy("delete_potransaction", "", key=source["DOCID"]),
                     "Could not delete podocument record!")[1]
    assert message.startswith(f"Transaction {source['DOCID']} has change order")

    api.legacy("delete_potransaction", "", key=add).ok()
    doc = document(api, source["DOCID"])
    assert (len(entries(doc)), doc["CHANGEORDERTOTAL"], doc["REVISEDTOTAL"]) == (2, "750.00", "15750.00")
    api.legacy("delete_potransaction", "", key=modify).ok()
    doc = document(api, source["DOCID"])
    line = entries(doc)[0]
    assert (line["CHANGEAMOUNT"], line["REVISEDVALUE"], doc["REVISEDTOTAL"]) == ("0.00", "10000.00", "15000.00")
    assert api.read_by_query("PODOCUMENT", f"DOCID = '{modify}'") == []

    # With its change orders gone, the source itself may go; generic delete takes RECORDNOs.
    api.delete("PODOCUMENT", source["RECORDNO"]).ok()
    assert api.read("PODOCUMENT", source["RECORDNO"]) is None


def test_delete_failures(api: Api) -> None:
    assert failed(api.legacy("delete_potransaction", "", key="Purchase Order-PO9999"))[1] == (
        "Cannot find a purchasing transaction with key 'Purchase Order-PO9999'.")
    assert failed(api.delete("PODOCUMENT", "99999"))[1] == "Cannot find podocument with key '99999' to delete."
    assert "cannot be deleted on its own" in failed(api.delete("PODOCUMENTENTRY", "1"))[1]


# -- reads by definition --------------------------------------------------------------


def test_reads_filter_by_docparid(api: Api) -> None:
    po = create(api, "Purchase Order", "V100", referenceno="PO-1")
    create(api, "Purchase Order", "V101", referenceno="PO-2")
    sc = subcontract(api)
    by_query = api.read_by_query("PODOCUMENT", "PONUMBER = 'PO-1'", docparid="Purchase Order", fields="DOCID")
    assert [r["DOCID"] for r in by_query] == [po]
    assert len(api.read_by_query("PODOCUMENT", "", docparid="Purchase Order")) == 2
    assert [r["DOCID"] for r in api.read_by_query("PODOCUMENT", "", docparid="Subcontract")] == [sc["DOCID"]]
    queried = api.query("PODOCUMENT", ["DOCID", "TOTAL"], docparid="Subcontract")
    assert queried == [{"DOCID": sc["DOCID"], "TOTAL": "15000.00"}]
    assert api.read("PODOCUMENT", sc["RECORDNO"], docparid="Purchase Order") is None
    assert api.read("PODOCUMENT", sc["RECORDNO"], docparid="Subcontract") is not None
    rows = api.query("PODOCUMENTENTRY", ["DOCHDRID", "LINE_NO", "TASKID"],
                     f"<equalto><field>DOCHDRNO</field><value>{sc['RECORDNO']}</value></equalto>")
    assert [(r["LINE_NO"], r["TASKID"]) for r in rows] == [("0", "03-300"), ("1", "31-200")]


def test_project_status_and_closed_period_block_purchasing(api: Api) -> None:
    api.updated("PROJECT", {"PROJECTID": "1001", "PROJECTSTATUS": "On Hold"})
    message = failed(api.legacy("create_potransaction", transaction("Purchase Order", "V100", item(),
                                                                    projectid="1001")), GENERIC)[1]
    assert message == ("Project '1001' has the project status 'On Hold', which does not allow Purchasing "
                       "transactions.")
    assert api.legacy("create_potransaction", transaction("Purchase Order", "V100", item(projectid="1001"))
                      ).result.findtext("status") == "failure"
    api.configure(closed_before="03/01/2026")
    message = failed(api.legacy("create_potransaction", transaction(
        "Purchase Order", "V100", when=date("datecreated", 2026, 2, 27))))[1]
    assert message.startswith("Date must be on or after 03/01/2026.") and "closed" in message
    create(api, "Purchase Order", "V100", when=date("datecreated", 2026, 3, 1))


def test_approve_and_decline_submitted_documents(client, call) -> None:  # type: ignore[no-untyped-def]
    """A definition with approvals holds documents as Submitted until approve or decline."""
    defs = {"Approved PO": {"prefix": "APO", "approval": True}}
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"transaction_definitions": defs}})

    def create() -> str:
        reply = call("<create_potransaction><transactiontype>Approved PO</transactiontype><datecreated><year>2026"
                     "</year><month>3</month><day>2</day></datecreated><vendorid>V105</vendorid><potransitems>"
                     "<potransitem><itemid>MATERIAL</itemid><quantity>2</quantity><price>50</price></potransitem>"
                     "</potransitems></create_potransaction>")
        return reply.ok().findtext("key") or ""

    def state(docid: str) -> str:
        row = call(f"<readByName><object>PODOCUMENT</object><keys>{docid}</keys><fields>STATE</fields>"
                   "</readByName>").ok()
        return row.findtext("data/PODOCUMENT/STATE") or ""

    first, second = create(), create()
    assert state(first) == "Submitted"
    assert call(f"<approve><PODOCUMENT><DOCID>{first}</DOCID></PODOCUMENT></approve>").ok().findtext("key") == first
    assert state(first) == "Pending"
    call(f"<decline><PODOCUMENT><DOCID>{second}</DOCID></PODOCUMENT></decline>").ok()
    assert state(second) == "Declined"
    again = call(f"<approve><PODOCUMENT><DOCID>{first}</DOCID></PODOCUMENT></approve>")
    assert "only a Submitted transaction can be approved" in again.first_error()[1]

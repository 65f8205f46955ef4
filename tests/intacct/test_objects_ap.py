"""Accounts payable over the wire: bills, payments, retainage releases, closed periods, project status."""

from __future__ import annotations

from typing import Any

from .helpers import Api, api, failed, lines  # noqa: F401  (api is a fixture)

GENERIC = "Could not create apbill record!"


def bill_line(amount: str = "1000.00", **extra: str) -> dict[str, str]:
    return {"ACCOUNTNO": "5200", "TRX_AMOUNT": amount, **extra}


def job_line(amount: str = "1000.00", task: str = "03-300", cost_type: str = "Subcontract",
             **extra: str) -> dict[str, str]:
    return bill_line(amount, PROJECTID="1001", TASKID=task, COSTTYPEID=cost_type, **extra)


def bill(vendor: str = "V100", *items: dict[str, str], **header: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"VENDORID": vendor, "WHENCREATED": "03/01/2026", "WHENDUE": "03/31/2026", **header}
    fields["APBILLITEMS"] = {"APBILLITEM": list(items or [bill_line()])}
    return fields


def vendor_due(api: Api, vendor: str = "V100") -> str:
    return api.named("VENDOR", vendor)["TOTALDUE"]


def items_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    return lines(row, "APBILLITEMS")


def payment(bill_no: str, amount: str | None = None, vendor: str = "V100", **extra: str) -> dict[str, Any]:
    detail = {"RECORDKEY": bill_no, **({"TRX_PAYMENTAMOUNT": amount} if amount is not None else {})}
    for key in ("ENTRYKEY",):
        if key in extra:
            detail[key] = extra.pop(key)
    return {"FINANCIALENTITY": "BOA", "PAYMENTMETHOD": "Printed Check", "VENDORID": vendor,
            "PAYMENTDATE": "04/05/2026", **extra, "APPYMTDETAILS": {"APPYMTDETAIL": [detail]}}


# -- APBILL -------------------------------------------------------------------------


def test_bill_create_reads_back_with_totals_and_dimension_keys(api: Api) -> None:
    recordno = api.created("APBILL", bill("V100", job_line("1200.00", ENTRYDESCRIPTION="Footings"),
                                          bill_line("300.00", DEPARTMENTID="FIELD"),
                                          RECORDID="INV-1001", DOCNUMBER="Ref 5678", DESCRIPTION="March work"))
    row = api.get("APBILL", recordno)
    assert (row["STATE"], row["RAWSTATE"], row["RECORDTYPE"], row["VENDORNAME"]) == (
        "Posted", "A", "pi", "Flores PLC")
    assert (row["TOTALENTERED"], row["TOTALDUE"], row["TOTALPAID"], row["TOTALRETAINED"]) == (
        "1500.00", "1500.00", "0.00", "0.00")
    assert (row["WHENCREATED"], row["WHENPOSTED"], row["WHENDUE"]) == ("03/01/2026", "03/01/2026", "03/31/2026")
    assert (row["RECORDID"], row["DOCNUMBER"], row["CURRENCY"]) == ("INV-1001", "Ref 5678", "USD")
    items = items_of(row)
    assert [(i["LINE_NO"], i["AMOUNT"], i["RECORDKEY"]) for i in items] == [
        ("1", "1200.00", recordno), ("2", "300.00", recordno)]
    task = api.where("TASK", ["RECORDNO"], PROJECTID="1001", TASKID="03-300")[0]["RECORDNO"]
    cost_type = api.where("COSTTYPE", ["RECORDNO"], PROJECTID="1001", TASKID="03-300",
                          COSTTYPEID="Subcontract")[0]["RECORDNO"]
    assert (items[0]["PROJECTKEY"], items[0]["TASKKEY"], items[0]["COSTTYPEKEY"]) == (
        api.named("PROJECT", "1001")["RECORDNO"], task, cost_type)
    assert vendor_due(api) == "1500.00"
    found = api.read_by_query("APBILL", "VENDORID = 'V100' AND STATE = 'A'", fields="RECORDNO,TOTALDUE")
    assert found == [{"RECORDNO": recordno, "TOTALDUE": "1500.00"}]


def test_bill_dimension_rules(api: Api) -> None:
    def attempt(*items: dict[str, str], vendor: str = "V100") -> str:
        return failed(api.create("APBILL", bill(vendor, *items)), GENERIC)[1]

    assert attempt(bill_line(TASKID="03-300")) == "TASKID is only valid when PROJECTID is also specified."
    assert attempt(bill_line(PROJECTID="1001", COSTTYPEID="Labor")) == (
        "COSTTYPEID is only valid when PROJECTID and TASKID are specified.")
    assert attempt(bill_line(COSTTYPEID="Labor")) == "COSTTYPEID is only valid when PROJECTID and TASKID are specified."
    assert attempt(bill_line(PROJECTID="10064")) == "Invalid Project '10064' specified."
    assert attempt(job_line(task="99-999", cost_type="")) == "Invalid Task '99-999' specified."
    # Labor is not a cost type of 31-200 on 1001, and 03-300 is not a task of 1003.
    assert attempt(job_line(task="31-200", cost_type="Labor")) == "Invalid Cost Type 'Labor' specified."
    assert attempt(bill_line(PROJECTID="1003", TASKID="03-300")) == "Invalid Task '03-300' specified."
    cost_type = api.where("COSTTYPE", ["RECORDNO"], PROJECTID="1001", TASKID="31-200", COSTTYPEID="Equipment")[0]
    api.updated("COSTTYPE", {"RECORDNO": cost_type["RECORDNO"], "STATUS": "inactive"})
    assert attempt(job_line(task="31-200", cost_type="Equipment")) == "Invalid Cost Type 'Equipment' specified."
    api.created("PROJECT", {"PROJECTID": "2002", "NAME": "Shelved", "PROJECTCATEGORY": "Contract",
                            "STATUS": "inactive"})
    assert attempt(bill_line(PROJECTID="2002")) == "Invalid Project '2002' specified."
    assert attempt(bill_line(ACCOUNTNO="9999")) == "Invalid Account '9999' specified."
    assert attempt(bill_line(), vendor="V123") == "Invalid Vendor 'V123' specified."
    assert attempt(bill_line(), vendor="NOPE") == "Invalid Vendor 'NOPE' specified."
    assert vendor_due(api) == "0.00"
    assert api.read_by_query("APBILL") == []


def test_bill_header_and_line_requirements(api: Api) -> None:
    for missing in ("VENDORID", "WHENCREATED", "WHENDUE"):
        fields = bill()
        del fields[missing]
        assert failed(api.create("APBILL", fields), GENERIC) == ("BL01001973", f"Required field {missing} is missing.")
    assert failed(api.create("APBILL", bill("V100", {"TRX_AMOUNT": "5"})))[1] == (
        "Line 1: ACCOUNTNO or ACCOUNTLABEL is required.")
    assert failed(api.create("APBILL", bill("V100", {"ACCOUNTNO": "5200"})))[1] == "Line 1: TRX_AMOUNT is required."
    no_lines = bill()
    no_lines["APBILLITEMS"] = {}
    assert failed(api.create("APBILL", no_lines))[1] == "A bill needs at least one line in APBILLITEMS."
    del no_lines["APBILLITEMS"]
    assert failed(api.create("APBILL", no_lines))[1] == "A bill needs at least one line in APBILLITEMS."
    assert failed(api.create("APBILL", bill(WHENDUE="02/01/2026")))[1] == (
        "WHENDUE must be on or after the bill date (WHENCREATED).")
    errorno, message = failed(api.create("APBILL", bill(WHENCREATED="2026-03-01")))
    assert errorno == "BL03000018" and "mm/dd/yyyy" in message
    errorno, _ = failed(api.create("APBILL", bill("V100", bill_line("12,50"))))
    assert errorno == "BL03000018"


def test_amounts_round_half_up_to_two_decimals(api: Api) -> None:
    recordno = api.created("APBILL", bill("V100", bill_line("300.005"), bill_line("0.125"), bill_line("10.004")))
    row = api.get("APBILL", recordno)
    assert [i["TRX_AMOUNT"] for i in items_of(row)] == ["300.01", "0.13", "10.00"]
    assert row["TOTALENTERED"] == "310.14"


def test_line_retainage_both_ways(api: Api) -> None:
    recordno = api.created("APBILL", bill("V109", job_line("1200.00", RETAINAGEPERCENTAGE="10"),
                                          job_line("500.00", TRX_AMOUNTRETAINED="25"),
                                          job_line("333.33", RETAINAGEPERCENTAGE="7.5")))
    row = api.get("APBILL", recordno)
    assert [(i["RETAINAGEPERCENTAGE"], i["TRX_AMOUNTRETAINED"], i["AMOUNTRETAINED"]) for i in items_of(row)] == [
        ("10", "120.00", "120.00"), ("5", "25.00", "25.00"), ("7.5", "25.00", "25.00")]
    assert (row["TOTALENTERED"], row["TOTALRETAINED"], row["TOTALDUE"]) == ("2033.33", "170.00", "1863.33")
    assert vendor_due(api, "V109") == "1863.33"
    assert failed(api.create("APBILL", bill("V109", bill_line("100", RETAINAGEPERCENTAGE="10",
                                                              TRX_AMOUNTRETAINED="20"))), GENERIC)[1] == (
        "Line 1: TRX_AMOUNTRETAINED 20.00 does not match RETAINAGEPERCENTAGE 10% of 100.00.")
    assert failed(api.create("APBILL", bill("V109", bill_line("100", TRX_AMOUNTRETAINED="120"))))[1] == (
        "Line 1: the amount retained cannot exceed the line amount.")
    assert failed(api.create("APBILL", bill("V109", bill_line("100", RETAINAGEPERCENTAGE="101"))))[0] == "BL03000018"


def test_line_retainage_can_be_switched_off(api: Api) -> None:
    api.configure(apbill_line_retainage=False)
    assert failed(api.create("APBILL", bill("V109", bill_line("100", RETAINAGEPERCENTAGE="10"))), GENERIC)[1] == (
        "RETAINAGEPERCENTAGE is not a valid field of APBILLITEM.")
    api.created("APBILL", bill("V109", bill_line("100")))


def test_draft_bill_lifecycle(api: Api) -> None:
    recordno = api.created("APBILL", {"ACTION": "Draft", "DESCRIPTION": "Waiting on lien waiver",
                                      "APBILLITEMS": {"APBILLITEM": [bill_line("400.00")]}})
    row = api.get("APBILL", recordno)
    assert (row["STATE"], row["RAWSTATE"], row["VENDORID"]) == ("Draft", "D", "")
    # A draft owes nothing yet, and cannot be paid.
    api.updated("APBILL", {"RECORDNO": recordno, "VENDORID": "V100", "WHENCREATED": "03/02/2026",
                           "WHENDUE": "04/01/2026"})
    assert api.get("APBILL", recordno)["STATE"] == "Draft"
    assert vendor_due(api) == "0.00"
    assert failed(api.create("APPYMT", payment(recordno, "10.00")), "Could not create appymt record!")[1] == (
        f"There is no due on the bill {recordno}: it is a draft.")
    # Submitting posts it, and only then does the vendor owe it.
    api.updated("APBILL", {"RECORDNO": recordno, "ACTION": "Submit"})
    row = api.get("APBILL", recordno)
    assert (row["STATE"], row["TOTALDUE"]) == ("Posted", "400.00")
    assert vendor_due(api) == "400.00"
    assert failed(api.update("APBILL", {"RECORDNO": recordno, "ACTION": "Draft"}), "Could not update apbill record!")[
        1] == "A posted bill cannot be returned to draft."
    api.delete("APBILL", recordno).ok()
    assert vendor_due(api) == "0.00"


def test_draft_bill_posting_still_requires_its_header(api: Api) -> None:
    recordno = api.created("APBILL", {"ACTION": "Draft", "APBILLITEMS": {"APBILLITEM": [bill_line("5.00")]}})
    assert failed(api.update("APBILL", {"RECORDNO": recordno, "ACTION": "Submit"}))[1] == (
        "Required field VENDORID is missing.")
    # A draft without a date has none; it gets no audit timestamp in its date field.
    assert api.get("APBILL", recordno)["WHENCREATED"] == ""
    api.configure(closed_before="01/01/2026")
    assert failed(api.update("APBILL", {"RECORDNO": recordno, "ACTION": "Submit", "VENDORID": "V100",
                                        "WHENDUE": "04/01/2026"}))[1] == "Required field WHENCREATED is missing."
    assert api.get("APBILL", recordno)["STATE"] == "Draft"


def test_header_only_update_keeps_lines_and_line_set_replaces(api: Api) -> None:
    recordno = api.created("APBILL", bill("V100", bill_line("100.00", ENTRYDESCRIPTION="a"),
                                          bill_line("200.00", ENTRYDESCRIPTION="b")))
    first, second = items_of(api.get("APBILL", recordno))
    api.updated("APBILL", {"RECORDNO": recordno, "DESCRIPTION": "Header only", "WHENDUE": "04/15/2026"})
    row = api.get("APBILL", recordno)
    assert (row["DESCRIPTION"], row["WHENDUE"], row["TOTALENTERED"]) == ("Header only", "04/15/2026", "300.00")
    assert [i["RECORDNO"] for i in items_of(row)] == [first["RECORDNO"], second["RECORDNO"]]

    # The line list is a complete set: keep the second (changed), drop the first, add one.
    api.updated("APBILL", {"RECORDNO": recordno, "APBILLITEMS": {"APBILLITEM": [
        {"RECORDNO": second["RECORDNO"], "ACCOUNTNO": "5200", "TRX_AMOUNT": "250.00", "ENTRYDESCRIPTION": "b2"},
        bill_line("75.50", ENTRYDESCRIPTION="c")]}})
    row = api.get("APBILL", recordno)
    assert [(i["RECORDNO"] == second["RECORDNO"], i["LINE_NO"], i["ENTRYDESCRIPTION"], i["TRX_AMOUNT"])
            for i in items_of(row)] == [(True, "1", "b2", "250.00"), (False, "2", "c", "75.50")]
    assert (row["TOTALENTERED"], row["TOTALDUE"]) == ("325.50", "325.50")
    assert vendor_due(api) == "325.50"
    assert api.query("APBILLITEM", ["RECORDNO"], f"<equalto><field>RECORDNO</field>"
                                                 f"<value>{first['RECORDNO']}</value></equalto>") == []


def test_moving_a_bill_to_another_vendor_moves_what_is_owed(api: Api) -> None:
    recordno = api.created("APBILL", bill("V100", bill_line("80.00")))
    api.updated("APBILL", {"RECORDNO": recordno, "VENDORID": "V101"})
    assert (vendor_due(api, "V100"), vendor_due(api, "V101")) == ("0.00", "80.00")
    assert api.get("APBILL", recordno)["VENDORNAME"] == "Hutchinson, Sanders and Warren"


def test_update_refuses_a_line_of_another_bill(api: Api) -> None:
    mine = api.created("APBILL", bill("V100", bill_line("10.00")))
    other = api.created("APBILL", bill("V100", bill_line("20.00")))
    foreign = items_of(api.get("APBILL", other))[0]["RECORDNO"]
    message = failed(api.update("APBILL", {"RECORDNO": mine, "APBILLITEMS": {"APBILLITEM": [
        {"RECORDNO": foreign, "ACCOUNTNO": "5200", "TRX_AMOUNT": "1.00"}]}}), "Could not update apbill record!")[1]
    assert message == f"APBILLITEM with RECORDNO {foreign} does not belong to this Bill."
    assert items_of(api.get("APBILL", other))[0]["TRX_AMOUNT"] == "20.00"
    assert vendor_due(api) == "30.00"


def test_create_ignores_line_record_numbers_sent_back(api: Api) -> None:
    first = api.created("APBILL", bill("V100", bill_line("10.00")))
    line_no = items_of(api.get("APBILL", first))[0]["RECORDNO"]
    copy = api.created("APBILL", bill("V100", {**bill_line("99.00"), "RECORDNO": line_no}))
    assert items_of(api.get("APBILL", first))[0]["TRX_AMOUNT"] == "10.00"
    assert items_of(api.get("APBILL", copy))[0]["TRX_AMOUNT"] == "99.00"
    assert items_of(api.get("APBILL", copy))[0]["RECORDNO"] != line_no


def test_bill_update_and_delete_of_missing_records(api: Api) -> None:
    assert failed(api.update("APBILL", {"RECORDNO": "99999", "DESCRIPTION": "x"}))[0] == (
        "Cannot update non-existing APBILL with RECORDNO=99999.")
    assert failed(api.delete("APBILL", "99999")) == ("BL01001973", "Cannot find apbill with key '99999' to delete.")


# -- APPYMT -------------------------------------------------------------------------


def test_partial_then_full_payment(api: Api) -> None:
    bill_no = api.created("APBILL", bill("V100", bill_line("600.00"), bill_line("400.00")))
    pay_no = api.created("APPYMT", payment(bill_no, "250.00", DOCNUMBER="1001"))
    row = api.get("APBILL", bill_no)
    assert (row["TOTALPAID"], row["TOTALDUE"], row["STATE"], row["RAWSTATE"]) == (
        "250.00", "750.00", "Partially Paid", "PA")
    assert vendor_due(api) == "750.00"
    pay = api.get("APPYMT", pay_no)
    assert (pay["STATE"], pay["AMOUNTTOPAY"], pay["VENDORNAME"], pay["CURRENCY"]) == (
        "Complete", "250.00", "Flores PLC", "USD")
    assert lines(pay, "APPYMTDETAILS")[0]["PAYMENTAMOUNT"] == "250.00"
    assert api.read_by_query("APPYMT", "STATE = 'C'", fields="RECORDNO") == [{"RECORDNO": pay_no}]

    # Without an amount, a detail pays what is left.
    api.created("APPYMT", payment(bill_no, None, PAYMENTDATE="04/20/2026"))
    row = api.get("APBILL", bill_no)
    assert (row["TOTALPAID"], row["TOTALDUE"], row["STATE"], row["RAWSTATE"], row["WHENPAID"]) == (
        "1000.00", "0.00", "Paid", "P", "04/20/2026")
    assert vendor_due(api) == "0.00"


def test_payment_of_one_bill_line(api: Api) -> None:
    bill_no = api.created("APBILL", bill("V100", bill_line("600.00"), bill_line("400.00")))
    first, second = items_of(api.get("APBILL", bill_no))
    api.created("APPYMT", payment(bill_no, "400.00", ENTRYKEY=second["RECORDNO"]))
    after = items_of(api.get("APBILL", bill_no))
    assert [i["TOTALPAID"] for i in after] == ["0.00", "400.00"]
    message = failed(api.create("APPYMT", payment(bill_no, "1.00", ENTRYKEY=second["RECORDNO"])))[1]
    assert message == f"Payment cannot be processed because one or more bills are already paid (bill {bill_no})."
    message = failed(api.create("APPYMT", payment(bill_no, "1.00", ENTRYKEY="99999")))[1]
    assert message.startswith("Oops, we can't find this transaction; enter a valid ENTRYKEY")


def test_overpayment_and_paid_bills_are_refused(api: Api) -> None:
    bill_no = api.created("APBILL", bill("V100", bill_line("100.00")))
    message = failed(api.create("APPYMT", payment(bill_no, "100.01")), "Could not create appymt record!")[1]
    assert message == f"Detail 1: the payment amount 100.01 exceeds total amount due (100.00) on bill {bill_no}."
    assert api.get("APBILL", bill_no)["TOTALPAID"] == "0.00"
    assert api.read_by_query("APPYMT") == []
    # Two details on the same bill cannot together pay more than is due.
    twice = payment(bill_no, "60.00")
    twice["APPYMTDETAILS"]["APPYMTDETAIL"].append({"RECORDKEY": bill_no, "TRX_PAYMENTAMOUNT": "60.00"})
    assert "exceeds total amount due (40.00)" in failed(api.create("APPYMT", twice))[1]
    api.created("APPYMT", payment(bill_no, "100.00"))
    assert failed(api.create("APPYMT", payment(bill_no, "1.00")))[1] == (
        f"Payment cannot be processed because one or more bills are already paid (bill {bill_no}).")
    # A bill with payments can no longer change or go away.
    assert failed(api.update("APBILL", {"RECORDNO": bill_no, "DESCRIPTION": "x"}))[1] == (
        f"Bill {bill_no} has payments applied and cannot be changed.")
    assert failed(api.delete("APBILL", bill_no), "Could not delete apbill record!")[1] == (
        f"Bill {bill_no} has payments applied and cannot be deleted.")


def test_payment_reference_rules(api: Api) -> None:
    bill_no = api.created("APBILL", bill("V100", bill_line("100.00")))
    generic = "Could not create appymt record!"
    assert failed(api.create("APPYMT", payment(bill_no, "10", vendor="V101")), generic)[1].startswith(
        "Oops, we can't find this transaction; enter a valid bill RECORDKEY for vendor V101")
    assert failed(api.create("APPYMT", payment("99999", "10")))[1].startswith("Oops, we can't find this transaction")
    assert failed(api.create("APPYMT", payment(bill_no, "10", FINANCIALENTITY="NOPE")))[1] == (
        "Invalid Checking Account 'NOPE' specified.")
    assert failed(api.create("APPYMT", payment(bill_no, "10", PAYMENTMETHOD="Barter")))[0] == "BL03000018"
    assert failed(api.create("APPYMT", payment(bill_no, "0")))[1] == (
        "Detail 1: TRX_PAYMENTAMOUNT must be greater than zero.")
    no_details = payment(bill_no)
    del no_details["APPYMTDETAILS"]
    assert failed(api.create("APPYMT", no_details))[1] == (
        "No line items found: APPYMTDETAILS needs at least one bill to pay.")
    missing_date = payment(bill_no, "10")
    del missing_date["PAYMENTDATE"]
    assert failed(api.create("APPYMT", missing_date), generic) == (
        "BL01001973", "Required field PAYMENTDATE is missing.")
    api.configure(appymt_currency_required=True)
    assert failed(api.create("APPYMT", payment(bill_no, "10")))[1] == "Required field CURRENCY is missing."
    api.created("APPYMT", payment(bill_no, "10", CURRENCY="USD"))


def test_draft_payment_lifecycle(api: Api) -> None:
    bill_no = api.created("APBILL", bill("V100", bill_line("100.00")))
    pay_no = api.created("APPYMT", payment(bill_no, "30.00", ACTION="Draft"))
    assert api.get("APPYMT", pay_no)["STATE"] == "Draft"
    assert (api.get("APBILL", bill_no)["TOTALPAID"], vendor_due(api)) == ("0.00", "100.00")
    # A draft is replaced wholesale by an update.
    api.updated("APPYMT", {"RECORDNO": pay_no, "APPYMTDETAILS": {"APPYMTDETAIL": [
        {"RECORDKEY": bill_no, "TRX_PAYMENTAMOUNT": "40.00"}]}})
    assert api.get("APPYMT", pay_no)["AMOUNTTOPAY"] == "40.00"
    assert len(lines(api.get("APPYMT", pay_no), "APPYMTDETAILS")) == 1
    api.updated("APPYMT", {"RECORDNO": pay_no, "ACTION": "Submit"})
    assert api.get("APPYMT", pay_no)["STATE"] == "Complete"
    assert (api.get("APBILL", bill_no)["TOTALPAID"], vendor_due(api)) == ("40.00", "60.00")
    assert failed(api.update("APPYMT", {"RECORDNO": pay_no, "DESCRIPTION": "x"}),
                  "Could not update appymt record!")[1] == "Only a draft payment can be updated."
    assert failed(api.delete("APPYMT", pay_no), "Could not delete appymt record!")[1] == (
        f"Payment {pay_no} is posted; only a draft payment can be deleted.")
    draft = api.created("APPYMT", payment(bill_no, "5.00", ACTION="Draft"))
    api.delete("APPYMT", draft).ok()
    assert api.read("APPYMT", draft) is None


# -- APRETAINAGERELEASE -------------------------------------------------------------


def retained_bill(api: Api) -> str:
    return api.created("APBILL", bill("V109", job_line("1000.00", RETAINAGEPERCENTAGE="10"),
                                      job_line("500.00", RETAINAGEPERCENTAGE="10")))


def release(bill_no: str, amount: str, **extra: str) -> dict[str, Any]:
    entry = {"RETAINAGEBILLKEY": bill_no, "TRX_AMOUNTRELEASED": amount}
    if "RETAINAGEBILLITEMKEY" in extra:
        entry["RETAINAGEBILLITEMKEY"] = extra.pop("RETAINAGEBILLITEMKEY")
    return {"DESCRIPTION": "Release at substantial completion", "RELEASEDATE": "05/01/2026", **extra,
            "APRETAINAGERELEASEENTRIES": {"APRETAINAGERELEASEENTRY": [entry]}}


def test_retainage_release_makes_retainage_due(api: Api) -> None:
    bill_no = retained_bill(api)
    api.created("APPYMT", payment(bill_no, None, vendor="V109"))
    row = api.get("APBILL", bill_no)
    assert (row["STATE"], row["TOTALDUE"], row["TOTALRETAINED"]) == ("Paid", "0.00", "150.00")
    assert vendor_due(api, "V109") == "0.00"

    first_line = items_of(row)[0]["RECORDNO"]
    release_no = api.created("APRETAINAGERELEASE", release(bill_no, "60.00", RETAINAGEBILLITEMKEY=first_line))
    assert (api.get("APRETAINAGERELEASE", release_no)["STATE"],
            api.get("APRETAINAGERELEASE", release_no)["TOTALRELEASED"]) == ("Released", "60.00")
    row = api.get("APBILL", bill_no)
    assert (row["TOTALRELEASED"], row["TOTALDUE"], row["STATE"]) == ("60.00", "60.00", "Partially Paid")
    assert items_of(row)[0]["TRX_AMOUNTRELEASED"] == "60.00"
    assert vendor_due(api, "V109") == "60.00"
    # The released retainage can now be paid.
    api.created("APPYMT", payment(bill_no, "60.00", vendor="V109"))
    assert api.get("APBILL", bill_no)["STATE"] == "Paid"

    assert failed(api.create("APRETAINAGERELEASE", release(bill_no, "40.01", RETAINAGEBILLITEMKEY=first_line)),
                  "Could not create apretainagerelease record!")[1] == (
        f"Entry 1: the amount to release 40.01 exceeds the retainage balance (40.00) on bill {bill_no}.")
    assert failed(api.delete("APRETAINAGERELEASE", release_no))[1] == "Only a draft retainage release can be deleted."
    assert failed(api.delete("APBILL", bill_no))[1] == f"Bill {bill_no} has payments applied and cannot be deleted."


def test_draft_release_and_release_rules(api: Api) -> None:
    bill_no = retained_bill(api)
    draft = api.created("APRETAINAGERELEASE", release(bill_no, "150.00", STATE="Draft"))
    assert api.get("APBILL", bill_no)["TOTALDUE"] == "1350.00"
    api.updated("APRETAINAGERELEASE", {"RECORDNO": draft, "STATE": "Released"})
    row = api.get("APBILL", bill_no)
    assert (row["TOTALRELEASED"], row["TOTALDUE"]) == ("150.00", "1500.00")
    assert vendor_due(api, "V109") == "1500.00"
    assert failed(api.update("APRETAINAGERELEASE", {"RECORDNO": draft, "DESCRIPTION": "x"}))[1] == (
        "Only a draft retainage release can be updated.")
    generic = "Could not create apretainagerelease record!"
    assert failed(api.create("APRETAINAGERELEASE", release(bill_no, "1.00")), generic)[1] == (
        f"Entry 1: the amount to release 1.00 exceeds the retainage balance (0.00) on bill {bill_no}.")
    missing = release(bill_no, "1.00")
    del missing["DESCRIPTION"]
    assert failed(api.create("APRETAINAGERELEASE", missing))[1] == "Required field DESCRIPTION is missing."
    assert failed(api.create("APRETAINAGERELEASE", release("99999", "1.00")))[1] == (
        "Entry 1: RETAINAGEBILLKEY '99999' is not a bill.")
    assert failed(api.create("APRETAINAGERELEASE", release(bill_no, "0")))[1] == (
        "Entry 1: TRX_AMOUNTRELEASED must be greater than zero.")
    # A bill whose retainage was released keeps it: the bill cannot be deleted.
    assert failed(api.delete("APBILL", bill_no))[1] == f"Bill {bill_no} has retainage releases and cannot be deleted."


def test_bill_with_released_retainage_cannot_be_rewritten(api: Api) -> None:
    bill_no = retained_bill(api)
    api.created("APRETAINAGERELEASE", release(bill_no, "50.00"))
    line = items_of(api.get("APBILL", bill_no))[0]
    message = failed(api.update("APBILL", {"RECORDNO": bill_no, "APBILLITEMS": {"APBILLITEM": [
        {"RECORDNO": line["RECORDNO"], "ACCOUNTNO": "5200", "TRX_AMOUNT": "1000.00"}]}}))[1]
    assert message == f"Bill {bill_no} has retainage released and its lines cannot be changed."
    assert api.get("APBILL", bill_no)["TOTALRELEASED"] == "50.00"
    api.updated("APBILL", {"RECORDNO": bill_no, "DESCRIPTION": "Header edits stay allowed"})
    assert api.get("APBILL", bill_no)["TOTALRELEASED"] == "50.00"


def test_draft_release_can_be_deleted(api: Api) -> None:
    bill_no = retained_bill(api)
    draft = api.created("APRETAINAGERELEASE", release(bill_no, "10.00", STATE="Draft"))
    api.delete("APRETAINAGERELEASE", draft).ok()
    assert api.read("APRETAINAGERELEASE", draft) is None
    api.delete("APBILL", bill_no).ok()
    assert vendor_due(api, "V109") == "0.00"


# -- periods and project status -----------------------------------------------------


def test_closed_period_refuses_bills_and_payments(api: Api) -> None:
    bill_no = api.created("APBILL", bill("V100", bill_line("100.00"), WHENCREATED="02/15/2026"))
    api.configure(closed_before="03/01/2026")
    generic = "Could not create apbill record!"
    message = failed(api.create("APBILL", bill(WHENCREATED="02/20/2026")), generic)[1]
    assert message == "Date must be on or after 03/01/2026. The period for 02/20/2026 is closed."
    # WHENPOSTED decides the period when given.
    assert failed(api.create("APBILL", bill(WHENCREATED="03/05/2026", WHENPOSTED="02/28/2026")))[1].startswith(
        "Date must be on or after 03/01/2026.")
    api.created("APBILL", bill(WHENCREATED="02/20/2026", WHENPOSTED="03/02/2026", WHENDUE="03/31/2026"))
    assert failed(api.create("APPYMT", payment(bill_no, "10", PAYMENTDATE="02/28/2026")))[1].startswith(
        "Date must be on or after 03/01/2026.")
    api.created("APPYMT", payment(bill_no, "10", PAYMENTDATE="03/01/2026"))


def test_project_status_blocks_ap_postings(api: Api) -> None:
    api.updated("PROJECT", {"PROJECTID": "1001", "PROJECTSTATUS": "On Hold"})
    message = failed(api.create("APBILL", bill("V100", job_line())), GENERIC)[1]
    assert message == ("Project '1001' has the project status 'On Hold', which does not allow Accounts Payable "
                       "transactions.")
    api.created("APBILL", bill("V100", bill_line(PROJECTID="1002")))
    api.updated("PROJECT", {"PROJECTID": "1001", "PROJECTSTATUS": "In Progress"})
    api.created("APBILL", bill("V100", job_line()))
    # Which statuses block which modules is per-company configuration.
    api.configure(project_statuses={"In Progress": ["AP"]})
    assert "does not allow Accounts Payable" in failed(api.create("APBILL", bill("V100", job_line())))[1]

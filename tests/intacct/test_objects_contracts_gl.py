"""Project contracts and their lines, and journal entries, over the wire."""

from __future__ import annotations

from typing import Any

from .helpers import Api, api, failed, lines  # noqa: F401  (api is a fixture)


def contract(contract_id: str = "PC-1", **extra: str) -> dict[str, str]:
    return {"PROJECTCONTRACTID": contract_id, "NAME": "Prime contract", "PROJECTID": "1001", "CUSTOMERID": "C100",
            "CONTRACTDATE": "2026-04-01", **extra}


def contract_line(line_id: str = "L-1", *prices: str, contract_id: str = "PC-1", **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "PROJECTCONTRACTID": contract_id, "PROJECTCONTRACTLINEID": line_id, "NAME": "Sitework",
        "CONTRACTLINEDATE": "04/01/2026", "ACCOUNTNO": "4000", "BILLINGTYPE": "Progress",
        "MAXIMUMBILLING": "Total revised price", "ITEMID": "BILLING", "PROJECTID": "1001", **extra,
    }
    if prices:
        fields["PROJECTCONTRACTLINEENTRIES"] = {"PROJECTCONTRACTLINEENTRY": [
            {"PRICE": price, "PRICEEFFECTIVEDATE": "04/01/2026"} for price in prices]}
    return fields


# -- PROJECTCONTRACT ----------------------------------------------------------------


def test_contract_create_accepts_iso_contract_date_and_derives_keys(api: Api) -> None:
    recordno = api.created("PROJECTCONTRACT", contract(RETAINAGEPERCENTAGE="5", BILLABLE="true"))
    row = api.named("PROJECTCONTRACT", "PC-1")
    assert row["RECORDNO"] == recordno
    assert (row["CONTRACTDATE"], row["STATUS"], row["TOTALPRICE"], row["RETAINAGEPERCENTAGE"]) == (
        "04/01/2026", "active", "0.00", "5")
    assert (row["PROJECTKEY"], row["CUSTOMERKEY"]) == (api.named("PROJECT", "1001")["RECORDNO"],
                                                       api.named("CUSTOMER", "C100")["RECORDNO"])
    api.created("PROJECTCONTRACT", contract("PC-2", CONTRACTDATE="04/02/2026"))
    assert api.named("PROJECTCONTRACT", "PC-2")["CONTRACTDATE"] == "04/02/2026"
    api.updated("PROJECTCONTRACT", {"PROJECTCONTRACTID": "PC-2", "NAME": "Renamed"})
    assert api.named("PROJECTCONTRACT", "PC-2")["NAME"] == "Renamed"


def test_contract_rules(api: Api) -> None:
    generic = "Could not create projectcontract record!"
    for missing in ("NAME", "PROJECTID", "CUSTOMERID", "CONTRACTDATE"):
        fields = contract()
        del fields[missing]
        assert failed(api.create("PROJECTCONTRACT", fields), generic) == (
            "BL01001973", f"Required field {missing} is missing.")
    assert failed(api.create("PROJECTCONTRACT", contract(PROJECTID="NOPE")))[1] == "Invalid Project 'NOPE' specified."
    assert failed(api.create("PROJECTCONTRACT", contract(CUSTOMERID="NOPE")))[1] == (
        "Invalid Customer 'NOPE' specified.")
    api.created("PROJECT", {"PROJECTID": "2002", "NAME": "Shelved", "PROJECTCATEGORY": "Contract",
                            "STATUS": "inactive"})
    assert failed(api.create("PROJECTCONTRACT", contract(PROJECTID="2002")))[1] == "Invalid Project '2002' specified."
    assert failed(api.create("PROJECTCONTRACT", contract(RETAINAGEPERCENTAGE="100.01")))[0] == "BL03000018"
    assert failed(api.create("PROJECTCONTRACT", contract(CONTRACTDATE="April 1")))[0] == "BL03000018"
    api.created("PROJECTCONTRACT", contract())
    assert failed(api.create("PROJECTCONTRACT", contract()), generic) == (
        "BL34000061", "Another Project Contract with the given value(s) PC-1  already exists")
    assert failed(api.update("PROJECTCONTRACT", {"PROJECTCONTRACTID": "PC-9", "NAME": "x"}))[0] == (
        "Cannot update non-existing PROJECTCONTRACT with PROJECTCONTRACTID=PC-9.")


def test_contract_delete_cascades_to_lines(api: Api) -> None:
    recordno = api.created("PROJECTCONTRACT", contract())
    line = api.created("PROJECTCONTRACTLINE", contract_line("L-1", "1000.00"))
    api.delete("PROJECTCONTRACT", recordno).ok()
    assert api.by_name("PROJECTCONTRACT", "PC-1") is None
    assert api.read("PROJECTCONTRACTLINE", line) is None
    assert api.query("PROJECTCONTRACTLINEENTRY", ["RECORDNO"]) == []
    assert failed(api.delete("PROJECTCONTRACT", recordno))[1] == (
        f"Cannot find projectcontract with key '{recordno}' to delete.")
    # The customer is free again once no contract refers to it... but project 1001 still does.
    assert failed(api.delete("CUSTOMER", api.named("CUSTOMER", "C100")["RECORDNO"]))[1].startswith(
        "Customer 'C100' cannot be deleted because Project")


def test_customer_on_a_contract_cannot_be_deleted(api: Api) -> None:
    api.created("PROJECTCONTRACT", contract(CUSTOMERID="C104"))
    message = failed(api.delete("CUSTOMER", api.named("CUSTOMER", "C104")["RECORDNO"]))[1]
    assert message.startswith("Customer 'C104' cannot be deleted because Project Contract")


# -- PROJECTCONTRACTLINE ------------------------------------------------------------


def test_contract_line_prices_roll_up(api: Api) -> None:
    contract_no = api.created("PROJECTCONTRACT", contract())
    first = api.created("PROJECTCONTRACTLINE", contract_line("L-1", "1000.00", "250.50"))
    api.created("PROJECTCONTRACTLINE", contract_line("L-2", "99.50", BILLINGTYPE="TM",
                                                     MAXIMUMBILLING="Specific amount", TASKID="03-300"))
    row = api.get("PROJECTCONTRACTLINE", first)
    assert (row["PRICE"], row["PROJECTCONTRACTKEY"], row["STATUS"]) == ("1250.50", contract_no, "active")
    entries = lines(row, "PROJECTCONTRACTLINEENTRIES")
    assert [(e["WFTYPE"], e["PRICE"], e["PROJECTCONTRACTLINEKEY"]) for e in entries] == [
        ("original", "1000.00", first), ("original", "250.50", first)]
    assert api.get("PROJECTCONTRACT", contract_no)["TOTALPRICE"] == "1350.00"

    # Update: entries with a RECORDNO change, the others are added.
    api.updated("PROJECTCONTRACTLINE", {"RECORDNO": first, "PROJECTCONTRACTLINEENTRIES": {
        "PROJECTCONTRACTLINEENTRY": [{"RECORDNO": entries[1]["RECORDNO"], "PRICE": "300.00"},
                                     {"WFTYPE": "approved change", "PRICE": "50.00"}]}})
    after = lines(api.get("PROJECTCONTRACTLINE", first), "PROJECTCONTRACTLINEENTRIES")
    assert [(e["WFTYPE"], e["PRICE"]) for e in after] == [
        ("original", "1000.00"), ("original", "300.00"), ("approved change", "50.00")]
    assert api.get("PROJECTCONTRACTLINE", first)["PRICE"] == "1350.00"
    assert api.get("PROJECTCONTRACT", contract_no)["TOTALPRICE"] == "1449.50"

    # Deleting a line takes its price off the contract.
    api.delete("PROJECTCONTRACTLINE", first).ok()
    assert api.get("PROJECTCONTRACT", contract_no)["TOTALPRICE"] == "99.50"


def test_contract_line_required_fields(api: Api) -> None:
    api.created("PROJECTCONTRACT", contract())
    generic = "Could not create projectcontractline record!"
    for missing in ("PROJECTCONTRACTID", "PROJECTCONTRACTLINEID", "NAME", "CONTRACTLINEDATE", "ACCOUNTNO",
                    "BILLINGTYPE", "MAXIMUMBILLING", "ITEMID", "PROJECTID"):
        fields = contract_line()
        del fields[missing]
        assert failed(api.create("PROJECTCONTRACTLINE", fields), generic) == (
            "BL01001973", f"Required field {missing} is missing."), missing
    assert failed(api.create("PROJECTCONTRACTLINE", contract_line(BILLINGTYPE="Fixed")))[0] == "BL03000018"


def test_contract_line_rules(api: Api) -> None:
    api.created("PROJECTCONTRACT", contract())
    api.created("PROJECTCONTRACT", contract("PC-2"))

    def attempt(**extra: Any) -> str:
        return failed(api.create("PROJECTCONTRACTLINE", contract_line("L-X", **extra)),
                      "Could not create projectcontractline record!")[1]

    assert attempt(PROJECTCONTRACTID="NOPE") == "Invalid Project Contract 'NOPE' specified."
    assert attempt(MAXIMUMBILLING="Specific amount") == (
        "MAXIMUMBILLING must be Total revised price when BILLINGTYPE is Progress.")
    api.created("ITEM", {"ITEMID": "STOCK", "NAME": "Stocked part", "ITEMTYPE": "Inventory"})
    assert attempt(ITEMID="STOCK") == "Item 'STOCK' must be an active Non-Inventory item."
    api.updated("ITEM", {"ITEMID": "MATERIAL", "STATUS": "inactive"})
    assert attempt(ITEMID="MATERIAL") == "Invalid Item 'MATERIAL' specified."
    assert attempt(ACCOUNTNO="9999") == "Invalid Account '9999' specified."
    assert attempt(PROJECTID="1002") == (
        "Project '1002' must be the contract's project '1001' or one of its sub-projects.")
    assert attempt(TASKID="01-100") == "Invalid Task '01-100' specified."  # a task of 1002, not 1001
    api.created("PROJECTCONTRACTLINE", contract_line("L-1", TASKID="03-300"))
    assert attempt(TASKID="03-300") == (
        "Task '03-300' is already used on project contract line 'L-1'. A task can be on only one contract line.")
    assert failed(api.create("PROJECTCONTRACTLINE", contract_line("L-1"))) == (
        "BL34000061", "Another Project Contract Line with the given value(s) L-1  already exists")
    # Line IDs are unique within a contract only.
    api.created("PROJECTCONTRACTLINE", contract_line("L-1", contract_id="PC-2"))
    # A sub-project of the contract's project is allowed.
    api.created("PROJECT", {"PROJECTID": "1001-A", "NAME": "Annex", "PROJECTCATEGORY": "Contract",
                            "PARENTID": "1001"})
    api.created("PROJECTCONTRACTLINE", contract_line("L-2", PROJECTID="1001-A"))


def test_project_change_order_on_a_contract_line(api: Api) -> None:
    api.created("PROJECTCONTRACT", contract())
    api.created("PROJECTCONTRACTLINE", contract_line("L-1", "100.00"))
    order = {"PROJECTCHANGEORDERID": "PCO-1", "PROJECTID": "1001", "PROJECTCHANGEORDERDATE": "06/30/2026",
             "PROJECTCONTRACTID": "PC-1"}
    assert failed(api.create("PROJECTCHANGEORDER", order))[1] == (
        "PROJECTCONTRACTID and PROJECTCONTRACTLINEID must be given together.")
    assert failed(api.create("PROJECTCHANGEORDER", {**order, "PROJECTCONTRACTLINEID": "L-9"}))[1] == (
        "Invalid Project Contract Line 'L-9' specified.")
    recordno = api.created("PROJECTCHANGEORDER", {**order, "PROJECTCONTRACTLINEID": "L-1"})
    assert api.get("PROJECTCHANGEORDER", recordno)["PROJECTCONTRACTLINEID"] == "L-1"
    # The line a change order bills through cannot be deleted from under it.
    line_no = api.where("PROJECTCONTRACTLINE", ["RECORDNO"], PROJECTCONTRACTLINEID="L-1")[0]["RECORDNO"]
    assert failed(api.delete("PROJECTCONTRACTLINE", line_no), "Could not delete projectcontractline record!")[1] == (
        f"Project contract line 'L-1' cannot be deleted because Project Change Order {recordno} refers to it.")
    contract_no = api.named("PROJECTCONTRACT", "PC-1")["RECORDNO"]
    assert failed(api.delete("PROJECTCONTRACT", contract_no))[1] == (
        f"Project Contract 'PC-1' cannot be deleted because Project Change Order {recordno} refers to it.")
    assert api.read("PROJECTCONTRACTLINE", line_no) is not None


# -- GLBATCH ------------------------------------------------------------------------


def entry(account: str, side: str, amount: str, field: str = "TRX_AMOUNT", **extra: str) -> dict[str, str]:
    return {"ACCOUNTNO": account, "TR_TYPE": side, field: amount, **extra}


def journal(*entries: dict[str, str], **header: str) -> dict[str, Any]:
    return {"JOURNAL": "GJ", "BATCH_DATE": "03/31/2026", "BATCH_TITLE": "Accrual", **header,
            "ENTRIES": {"GLENTRY": list(entries or [entry("5000", "1", "1450.80"), entry("2000", "-1", "1450.80")])}}


def test_balanced_entry_posts_and_reads_back(api: Api) -> None:
    recordno = api.created("GLBATCH", journal(
        entry("5000", "1", "1000.00", "AMOUNT", PROJECTID="1001", TASKID="03-300", COSTTYPEID="Labor"),
        entry("5100", "1", "450.80", DESCRIPTION="Materials accrual"),
        entry("2000", "-1", "1450.80", "AMOUNT"), REVERSEDATE="04/01/2026"))
    row = api.get("GLBATCH", recordno)
    assert (row["STATE"], row["BATCHNO"], row["REVERSEDATE"], row["JOURNAL"]) == (
        "Posted", recordno, "04/01/2026", "GJ")
    items = lines(row, "ENTRIES")
    assert [(e["LINE_NO"], e["TR_TYPE"], e["AMOUNT"], e["TRX_AMOUNT"]) for e in items] == [
        ("1", "1", "1000.00", "1000.00"), ("2", "1", "450.80", "450.80"), ("3", "-1", "1450.80", "1450.80")]
    assert {e["BATCHNO"] for e in items} == {recordno}
    assert api.read_by_query("GLBATCH", "STATE = 'P'", fields="RECORDNO") == [{"RECORDNO": recordno}]


def test_journal_entry_balance_rules(api: Api) -> None:
    generic = "Could not create glbatch record!"

    def attempt(*entries: dict[str, str], **header: str) -> str:
        return failed(api.create("GLBATCH", journal(*entries, **header)), generic)[1]

    assert attempt(entry("5000", "1", "100.00"), entry("2000", "-1", "99.99")) == (
        "The journal entry is not balanced: debits 100.00, credits 99.99.")
    assert attempt(entry("5000", "1", "100.00")) == "A journal entry needs at least two lines, a debit and a credit."
    assert attempt(entry("5000", "1", "100.00"), entry("5100", "1", "100.00")) == (
        "A journal entry needs at least one debit (TR_TYPE 1) and one credit (TR_TYPE -1).")
    assert attempt(entry("5000", "1", "-100.00"), entry("2000", "-1", "-100.00")) == (
        "Line 1: give the amount as a positive number and the side in TR_TYPE.")
    assert attempt({"ACCOUNTNO": "5000", "TR_TYPE": "1"}, entry("2000", "-1", "1.00")) == (
        "Line 1: AMOUNT or TRX_AMOUNT is required.")
    assert attempt(entry("5000", "1", "1.00"), {"TR_TYPE": "-1", "AMOUNT": "1.00"}) == (
        "Required field ACCOUNTNO is missing on GLENTRY 2.")
    assert attempt(entry("9999", "1", "1.00"), entry("2000", "-1", "1.00")) == "Invalid Account '9999' specified."
    errorno, _ = failed(api.create("GLBATCH", journal(entry("5000", "2", "1.00"), entry("2000", "-1", "1.00"))))
    assert errorno == "BL03000018"
    assert api.read_by_query("GLBATCH") == []


def test_journal_entry_header_rules(api: Api) -> None:
    generic = "Could not create glbatch record!"
    for missing in ("JOURNAL", "BATCH_DATE", "BATCH_TITLE"):
        fields = journal()
        del fields[missing]
        assert failed(api.create("GLBATCH", fields), generic) == ("BL01001973", f"Required field {missing} is missing.")
    assert failed(api.create("GLBATCH", journal(JOURNAL="PYRJ")))[1] == "Invalid Journal 'PYRJ' specified."
    assert failed(api.create("GLBATCH", journal(REVERSEDATE="03/31/2026")))[1] == (
        "REVERSEDATE must be later than BATCH_DATE.")
    assert failed(api.create("GLBATCH", journal(REVERSEDATE="03/30/2026")))[1] == (
        "REVERSEDATE must be later than BATCH_DATE.")
    assert failed(api.create("GLBATCH", journal(REVERSEDATE="2026-04-01")))[0] == "BL03000018"


def test_journal_entry_dimensions_status_and_period(api: Api) -> None:
    def attempt(*entries: dict[str, str], **header: str) -> str:
        return failed(api.create("GLBATCH", journal(*entries, **header)), "Could not create glbatch record!")[1]

    assert attempt(entry("5000", "1", "1.00", TASKID="03-300"), entry("2000", "-1", "1.00")) == (
        "TASKID is only valid when PROJECTID is also specified.")
    assert attempt(entry("5000", "1", "1.00", PROJECTID="1001", COSTTYPEID="Labor"), entry("2000", "-1", "1.00")) == (
        "COSTTYPEID is only valid when PROJECTID and TASKID are specified.")
    assert attempt(entry("5000", "1", "1.00", VENDORID="V123"), entry("2000", "-1", "1.00")) == (
        "Invalid Vendor 'V123' specified.")
    api.updated("PROJECT", {"PROJECTID": "1001", "PROJECTSTATUS": "Completed"})
    assert attempt(entry("5000", "1", "1.00", PROJECTID="1001"), entry("2000", "-1", "1.00")) == (
        "Project '1001' has the project status 'Completed', which does not allow General Ledger transactions.")
    api.configure(closed_before="04/01/2026")
    assert attempt() == "Date must be on or after 04/01/2026. The period for 03/31/2026 is closed."
    api.created("GLBATCH", journal(BATCH_DATE="04/01/2026"))


def test_draft_entry_can_change_and_go_posted_cannot(api: Api) -> None:
    draft = api.created("GLBATCH", journal(ACTION="Draft"))
    assert api.get("GLBATCH", draft)["STATE"] == "Draft"
    assert api.read_by_query("GLBATCH", "STATE = 'I'", fields="RECORDNO") == [{"RECORDNO": draft}]
    api.updated("GLBATCH", {"RECORDNO": draft, "BATCH_TITLE": "Accrual, revised", "ENTRIES": {"GLENTRY": [
        entry("5000", "1", "10.00"), entry("2000", "-1", "10.00")]}})
    row = api.get("GLBATCH", draft)
    assert (row["BATCH_TITLE"], row["STATE"], [e["AMOUNT"] for e in lines(row, "ENTRIES")]) == (
        "Accrual, revised", "Draft", ["10.00", "10.00"])
    # A draft still has to balance.
    assert failed(api.update("GLBATCH", {"RECORDNO": draft, "ENTRIES": {"GLENTRY": [
        entry("5000", "1", "10.00"), entry("2000", "-1", "9.00")]}}))[1].startswith("The journal entry is not balanced")
    api.updated("GLBATCH", {"RECORDNO": draft, "ACTION": "Submit"})
    assert api.get("GLBATCH", draft)["STATE"] == "Posted"
    assert failed(api.update("GLBATCH", {"RECORDNO": draft, "BATCH_TITLE": "x"}), "Could not update glbatch record!")[
        1] == "A posted journal entry cannot be changed; reverse it instead."
    assert failed(api.delete("GLBATCH", draft), "Could not delete glbatch record!")[1] == (
        f"Journal entry {draft} is posted and cannot be deleted; reverse it instead.")
    other = api.created("GLBATCH", journal(ACTION="Draft"))
    api.delete("GLBATCH", other).ok()
    assert api.read("GLBATCH", other) is None
    assert failed(api.delete("GLBATCH", other))[1] == f"Cannot find glbatch with key '{other}' to delete."

"""Bills (with retainage through custom fields) and checks: rules, status flows and postings."""

from __future__ import annotations

from typing import Any

from tests.acumatica.conftest import Acu, val, wrap

RETAINAGE = "Document.RetainageApply,CurrentDocument.DefRetainagePct,CurrentDocument.CuryRetainageTotal," \
            "CurrentDocument.CuryRetainageUnreleasedAmt"


def bill(acu: Acu, *lines: dict[str, Any], **header: Any) -> dict[str, Any]:
    body = {"Vendor": "V101", "VendorRef": "INV-100", **header,
            "Details": list(lines) or [{"Project": "1001", "CostCode": "03-100", "Amount": 1000}]}
    return acu.ok("Bill", body, **{"$expand": "Details"})


def release(acu: Acu, ref: str, doc_type: str = "Bill") -> None:
    acu.run("Bill", "ReleaseBill", {"Type": doc_type, "ReferenceNbr": ref})


def retainage_bill(acu: Acu, pct: float = 10, amount: float = 1000) -> str:
    body = wrap({"Vendor": "V101", "Hold": False,
                 "Details": [{"Project": "1001", "CostCode": "03-100", "Amount": amount}]})
    body["custom"] = {"Document": {"RetainageApply": {"type": "CustomBooleanField", "value": True}},
                      "CurrentDocument": {"DefRetainagePct": {"type": "CustomDecimalField", "value": pct}}}
    r = acu.client.put(f"{acu.base}/Bill", json=body, params={"$custom": RETAINAGE})
    assert r.status_code == 200, r.text
    return str(val(r.json(), "ReferenceNbr"))


def test_new_bill_defaults(acu: Acu) -> None:
    b = bill(acu, Date="2026-03-10")
    assert val(b, "Type") == "Bill"
    assert val(b, "ReferenceNbr") == "000001"
    assert val(b, "Status") == "On Hold"
    assert val(b, "Hold") is True
    assert val(b, "Terms") == "30D"
    assert val(b, "DueDate") == "2026-04-09T00:00:00+00:00"
    assert val(b, "PostPeriod") == "032026"
    assert val(b, "Amount") == 1000.0
    line = b["Details"][0]
    assert val(line, "ProjectTask") == "0000"
    assert val(line, "Account") == "52000"
    assert val(line, "Qty") == 1.0 and val(line, "UnitCost") == 1000.0
    assert val(line, "Amount") == val(line, "ExtendedCost") == 1000.0


def test_hold_balanced_release_flow_posts_costs(acu: Acu) -> None:
    ref = val(bill(acu), "ReferenceNbr")
    assert acu.action("Bill", "ReleaseBill", {"Type": "Bill", "ReferenceNbr": ref}).status_code == 500
    assert val(acu.ok("Bill", {"Type": "Bill", "ReferenceNbr": ref, "Hold": False}), "Status") == "Balanced"
    release(acu, ref)
    released = acu.one(f"Bill/Bill/{ref}")
    assert val(released, "Status") == "Open"
    assert val(released, "Balance") == 1000.0
    trans = acu.one("ProjectTransaction", **{"$filter": f"OriginalDocNbr eq '{ref}'", "$expand": "Details"})
    assert len(trans) == 1
    assert val(trans[0], "Module") == "AP" and val(trans[0], "Status") == "Released"
    assert val(trans[0]["Details"][0], "AccountGroup") == "SUBCONTRACT"
    cost = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and AccountGroup eq 'SUBCONTRACT' and "
                                                  "CostCode eq '03-100'"})[0]
    assert val(cost, "ActualAmount") == 1000.0
    r = acu.put("Bill", {"Type": "Bill", "ReferenceNbr": ref, "Description": "late"})
    assert r.status_code == 422
    assert r.json()["error"] == "The document has been released and cannot be edited."
    assert acu.ok("Bill", {"Type": "Bill", "ReferenceNbr": ref, "ApprovedForPayment": True})  # still allowed
    assert acu.delete(f"Bill/Bill/{ref}").status_code == 500


def test_workflow_hold_actions_and_approvals(acu: Acu) -> None:
    acu.configure(approvals={"Bill": True})
    keys = {"Type": "Bill", "ReferenceNbr": val(bill(acu), "ReferenceNbr")}
    acu.run("Bill", "RemoveHold", keys)
    assert val(acu.one(f"Bill/Bill/{keys['ReferenceNbr']}"), "Status") == "Pending Approval"
    acu.run("Bill", "Approve", keys)
    assert val(acu.one(f"Bill/Bill/{keys['ReferenceNbr']}"), "Status") == "Balanced"
    acu.run("Bill", "PutOnHold", keys)
    assert val(acu.one(f"Bill/Bill/{keys['ReferenceNbr']}"), "Status") == "On Hold"


def test_vendor_must_exist_and_be_active(acu: Acu) -> None:
    r = acu.put("Bill", {"Vendor": "NOBODY"})
    assert r.json()["Vendor"]["error"] == "'Vendor' cannot be found in the system."
    r = acu.put("Bill", {"Vendor": "V123"})
    assert r.json()["Vendor"]["error"] == "The vendor status is 'Inactive'."
    acu.ok("Vendor", {"VendorID": "V104", "Status": "Hold Payments"})
    assert acu.put("Bill", {"Vendor": "V104"}).status_code == 200  # bills still come in
    r = acu.put("Check", {"Vendor": "V104"})
    assert r.json()["Vendor"]["error"] == "The vendor status is 'Hold Payments'."


def test_project_must_be_active_and_task_in_the_project(acu: Acu) -> None:
    acu.ok("Project", {"ProjectID": "PLAN", "Description": "Not started", "Customer": "C100"})
    acu.ok("ProjectTask", {"ProjectID": "1002", "ProjectTaskID": "22", "Description": "Elsewhere"})
    r = acu.put("Bill", {"Vendor": "V101", "Details": [
        {"Project": "PLAN", "CostCode": "03-100", "Amount": 1},
        {"Project": "1001", "ProjectTask": "22", "CostCode": "03-100", "Amount": 1},
        {"Project": "1001", "Amount": 1},
        {"Project": "1001", "CostCode": "77-777", "Amount": 1},
        {"Account": "60000", "Amount": 1},
    ]})
    assert r.status_code == 422
    lines = r.json()["Details"]
    assert lines[0]["Project"]["error"] == "Given Project/Contract 'PLAN' is inactive"
    assert lines[1]["ProjectTask"]["error"] == "Project Task '22' cannot be found in the system."
    assert lines[2]["CostCode"]["error"] == "'Cost Code' cannot be empty."
    assert lines[3]["CostCode"]["error"] == "'Cost Code' cannot be found in the system."
    assert "error" not in lines[4]["Project"]  # a non-project line needs none of it
    acu.run("Project", "ActivateProject", {"ProjectID": "PLAN"})
    acu.ok("ProjectTask", {"ProjectID": "PLAN", "ProjectTaskID": "01", "Description": "Main", "Default": True})
    assert acu.put("Bill", {"Vendor": "V101", "Details": [
        {"Project": "PLAN", "CostCode": "03-100", "Amount": 1}]}).status_code == 200


def test_suspended_project_and_invisible_module(acu: Acu) -> None:
    acu.run("Project", "SuspendProject", {"ProjectID": "1002"})
    acu.ok("Project", {"ProjectID": "1003", "VisibilitySettings": {"AP": False}})
    r = acu.put("Bill", {"Vendor": "V101", "Details": [
        {"Project": "1002", "CostCode": "03-100", "Amount": 1},
        {"Project": "1003", "CostCode": "03-100", "Amount": 1}]})
    lines = r.json()["Details"]
    assert lines[0]["Project"]["error"] == "Project is Suspended and cannot be used for data entry."
    assert lines[1]["Project"]["error"] == "The '1003' project is invisible in the module."


def test_cost_code_requirement_follows_the_feature(acu: Acu) -> None:
    acu.configure(features={"cost_codes": False})
    assert acu.put("Bill", {"Vendor": "V101", "Details": [{"Project": "1001", "Amount": 1}]}).status_code == 200


def test_negative_bill_must_be_a_debit_adjustment(acu: Acu) -> None:
    r = acu.put("Bill", {"Vendor": "V101", "Details": [{"Project": "1001", "CostCode": "03-100", "Amount": -50}]})
    assert r.status_code == 422
    assert "debit adjustment" in r.json()["Amount"]["error"]
    adj = acu.ok("Bill", {"Type": "Debit Adj.", "Vendor": "V101", "Hold": False,
                          "Details": [{"Project": "1001", "CostCode": "03-100", "Amount": 50}]})
    release(acu, val(adj, "ReferenceNbr"), "Debit Adj.")
    cost = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and AccountGroup eq 'SUBCONTRACT' and "
                                                  "CostCode eq '03-100'"})[0]
    assert val(cost, "ActualAmount") == -50.0


def test_document_totals_validation_when_enabled(acu: Acu) -> None:
    acu.configure(validate_document_totals=True)
    ref = val(bill(acu, Amount=900), "ReferenceNbr")
    r = acu.put("Bill", {"Type": "Bill", "ReferenceNbr": ref, "Hold": False})
    assert r.status_code == 422
    assert r.json()["Amount"]["error"] == "The document is out of balance."
    assert val(acu.ok("Bill", {"Type": "Bill", "ReferenceNbr": ref, "Hold": False, "Amount": 1000}),
               "Status") == "Balanced"


def test_duplicate_vendor_reference_when_configured(acu: Acu) -> None:
    bill(acu)
    assert acu.put("Bill", {"Vendor": "V101", "VendorRef": "INV-100"}).status_code == 200  # a warning by default
    acu.configure(duplicate_vendor_ref="error")
    r = acu.put("Bill", {"Vendor": "V101", "VendorRef": "inv-100"})
    assert r.status_code == 422
    assert "already exists" in r.json()["VendorRef"]["error"]
    assert acu.put("Bill", {"Vendor": "V102", "VendorRef": "INV-100"}).status_code == 200


def test_bill_against_subcontract_line_bills_the_commitment(acu: Acu) -> None:
    sc = acu.ok("Subcontract", {"VendorID": "V101", "ApplyRetainage": True, "RetainagePct": 5, "Details": [
        {"Project": "1001", "CostCode": "03-100", "ExtendedCost": 2000}]})
    nbr = val(sc, "SubcontractNbr")
    r = acu.put("Bill", {"Vendor": "V101", "Details": [{"POOrderType": "Subcontract", "POOrderNbr": nbr,
                                                         "POLine": 1, "Amount": 500}]})
    assert r.json()["Details"][0]["POOrderNbr"]["error"] == f"The {nbr} document has the On Hold status and cannot " \
                                                           f"be billed."
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    r = acu.put("Bill", {"Vendor": "V102", "Details": [{"POOrderType": "Subcontract", "POOrderNbr": nbr,
                                                         "POLine": 1, "Amount": 500}]})
    assert "another vendor" in r.json()["Details"][0]["POOrderNbr"]["error"]
    linked = acu.client.put(f"{acu.base}/Bill", params={"$expand": "Details", "$custom": RETAINAGE}, json=wrap({
        "Vendor": "V101", "Hold": False, "Details": [{"POOrderType": "Subcontract", "POOrderNbr": nbr,
                                                      "POLine": 1, "Amount": 500}]})).json()
    line = linked["Details"][0]
    assert (val(line, "Project"), val(line, "ProjectTask"), val(line, "CostCode")) == ("1001", "0000", "03-100")
    assert linked["custom"]["Document"]["RetainageApply"]["value"] is True  # carried from the subcontract
    assert linked["custom"]["CurrentDocument"]["CuryRetainageTotal"]["value"] == 25.0
    assert val(linked, "Balance") == 475.0
    release(acu, val(linked, "ReferenceNbr"))
    cost = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and AccountGroup eq 'SUBCONTRACT' and "
                                                  "CostCode eq '03-100'"})[0]
    assert val(cost, "CommittedInvoicedAmount") == 500.0
    assert val(cost, "CommittedOpenAmount") == 1500.0
    assert val(cost, "ActualAmount") == 500.0
    final = acu.ok("Bill", {"Vendor": "V101", "Hold": False, "Details": [
        {"POOrderType": "Subcontract", "POOrderNbr": nbr, "POLine": 1, "Amount": 1500}]})
    release(acu, val(final, "ReferenceNbr"))
    assert val(acu.one(f"Subcontract/{nbr}"), "Status") == "Closed"


def test_retainage_through_custom_fields_and_release(acu: Acu) -> None:
    ref = retainage_bill(acu)
    keys = {"Type": "Bill", "ReferenceNbr": ref}
    doc = acu.one(f"Bill/Bill/{ref}", **{"$custom": RETAINAGE, "$expand": "Details",
                                         "$select": "Balance,Details/Amount"})
    assert doc["custom"]["CurrentDocument"]["CuryRetainageTotal"]["value"] == 100.0
    assert val(doc, "Balance") == 900.0
    line = acu.one(f"Bill/Bill/{ref}", **{"$expand": "Details",
                                          "$custom": "Details/Transactions.RetainagePct,"
                                                     "Details/Transactions.CuryRetainageAmt"})["Details"][0]
    assert line["custom"]["Transactions"] == {"RetainagePct": {"type": "CustomDecimalField", "value": 10.0},
                                              "CuryRetainageAmt": {"type": "CustomDecimalField", "value": 100.0}}
    assert acu.action("Bill", "ReleaseRetainage", keys).status_code == 500  # not released yet
    release(acu, ref)
    for amount, message in ((0, "greater than zero"), (150, "cannot exceed")):
        r = acu.action("Bill", "ReleaseRetainage", keys, {"AmtToRelease": amount})
        assert r.status_code == 500
        assert message in r.json()["exceptionMessage"]
    acu.run("Bill", "ReleaseRetainage", keys, {"AmtToRelease": 40, "Date": "2026-06-30", "PostPeriod": "06-2026"})
    after = acu.one(f"Bill/Bill/{ref}", **{"$custom": RETAINAGE})
    assert after["custom"]["CurrentDocument"]["CuryRetainageUnreleasedAmt"]["value"] == 60.0
    retainage_docs = acu.one("Bill", **{"$filter": "cf.Boolean(f='Document.IsRetainageDocument') eq true",
                                        "$custom": "Document.OrigRefNbr"})
    assert len(retainage_docs) == 1
    doc = retainage_docs[0]
    assert val(doc, "Amount") == 40.0
    assert val(doc, "Status") == "Balanced"
    assert val(doc, "PostPeriod") == "062026"
    assert doc["custom"]["Document"]["OrigRefNbr"]["value"] == ref
    acu.run("Bill", "ReleaseRetainage", keys)  # the rest
    assert acu.action("Bill", "ReleaseRetainage", keys).status_code == 500  # nothing left


def test_retainage_needs_the_feature_and_can_be_switched_off(acu: Acu) -> None:
    acu.configure(features={"retainage": False})
    body = wrap({"Vendor": "V101"})
    body["custom"] = {"Document": {"RetainageApply": {"type": "CustomBooleanField", "value": True}}}
    r = acu.client.put(f"{acu.base}/Bill", json=body)
    assert r.status_code == 422
    assert "Retainage Support" in r.json()["error"]
    acu.configure(features={"retainage": True}, bill_retainage={"via_custom": False})
    r = acu.client.put(f"{acu.base}/Bill", json=body, params={"$custom": "Document.RetainageApply"})
    assert r.status_code == 200
    assert r.json()["custom"] == {}


def test_reverse_bill_creates_a_debit_adjustment(acu: Acu) -> None:
    ref = val(bill(acu, Hold=False), "ReferenceNbr")
    assert acu.action("Bill", "ReverseBill", {"Type": "Bill", "ReferenceNbr": ref}).status_code == 500
    release(acu, ref)
    acu.run("Bill", "ReverseBill", {"Type": "Bill", "ReferenceNbr": ref})
    adj = acu.one("Bill", **{"$filter": "Type eq 'Debit Adj.'", "$expand": "Details"})[0]
    assert val(adj, "Amount") == 1000.0
    assert val(adj, "Status") == "On Hold"
    assert val(adj, "Description") == f"Reversal of Bill {ref}"
    assert acu.action("Bill", "ReverseBill", {"Type": "Bill", "ReferenceNbr": ref}).status_code == 500


def test_check_pays_bills_and_void_restores_them(acu: Acu) -> None:
    ref = val(bill(acu, Hold=False), "ReferenceNbr")
    r = acu.put("Check", {"Vendor": "V101", "Details": [{"ReferenceNbr": ref}]})
    assert r.json()["Details"][0]["ReferenceNbr"]["error"] == "'Reference Nbr.' cannot be found in the system."
    release(acu, ref)
    check = acu.ok("Check", {"Vendor": "V101", "PaymentRef": "10001", "Hold": False,
                             "Details": [{"DocType": "Bill", "ReferenceNbr": ref, "AmountPaid": 600}]},
                   **{"$expand": "Details"})
    assert val(check, "Type") == "Payment"
    assert val(check, "PaymentMethod") == "CHECK" and val(check, "CashAccount") == "10200"
    assert val(check, "PaymentAmount") == 600.0
    assert val(check, "UnappliedBalance") == 0.0
    assert val(check["Details"][0], "Balance") == 400.0
    nbr = val(check, "ReferenceNbr")
    acu.run("Check", "ReleaseCheck", {"Type": "Payment", "ReferenceNbr": nbr})
    assert val(acu.one(f"Check/Payment/{nbr}"), "Status") == "Closed"
    paid = acu.one(f"Bill/Bill/{ref}", **{"$expand": "Applications"})
    assert val(paid, "Balance") == 400.0 and val(paid, "Status") == "Open"
    assert [val(a, "AmountPaid") for a in paid["Applications"]] == [600.0]
    history = acu.one(f"Check/Payment/{nbr}", **{"$expand": "History"})["History"]
    assert val(history[0], "ReferenceNbr") == ref
    second = acu.ok("Check", {"Vendor": "V101", "Hold": False, "Details": [{"ReferenceNbr": ref}]})
    acu.run("Check", "ReleaseCheck", {"Type": "Payment", "ReferenceNbr": val(second, "ReferenceNbr")})
    assert val(acu.one(f"Bill/Bill/{ref}"), "Status") == "Closed"
    acu.run("Check", "VoidCheck", {"Type": "Payment", "ReferenceNbr": nbr})
    assert val(acu.one(f"Check/Payment/{nbr}"), "Status") == "Voided"
    voided = acu.one(f"Check/Voided Payment/{nbr}")
    assert val(voided, "PaymentAmount") == -600.0
    restored = acu.one(f"Bill/Bill/{ref}")
    assert val(restored, "Balance") == 600.0 and val(restored, "Status") == "Open"


def test_check_rules(acu: Acu) -> None:
    ref = val(bill(acu, Hold=False), "ReferenceNbr")
    release(acu, ref)
    r = acu.put("Check", {"Vendor": "V101", "PaymentMethod": "BITCOIN", "PaymentAmount": 100, "Details": [
        {"ReferenceNbr": ref, "AmountPaid": 5000}, {"ReferenceNbr": ref, "AmountPaid": 1}]})
    body = r.json()
    assert body["PaymentMethod"]["error"] == "'Payment Method' cannot be found in the system."
    assert body["Details"][0]["AmountPaid"]["error"] == ("The amount paid cannot be greater than the balance of the "
                                                         "document.")
    assert body["Details"][1]["ReferenceNbr"]["error"] == "The document is already applied in this payment."
    r = acu.put("Check", {"Vendor": "V101", "PaymentAmount": 10, "Details": [{"ReferenceNbr": ref,
                                                                             "AmountPaid": 20}]})
    assert r.json()["PaymentAmount"]["error"] == "The total amount applied exceeds the payment amount."
    r = acu.put("Check", {"Type": "Refund", "Vendor": "V101"})
    assert "cannot be entered" in r.json()["Type"]["error"]


def test_long_running_actions_poll_from_202_to_204(acu: Acu) -> None:
    acu.configure(async_polls=2)
    ref = val(bill(acu, Hold=False), "ReferenceNbr")
    r = acu.action("Bill", "ReleaseBill", {"Type": "Bill", "ReferenceNbr": ref})
    assert r.status_code == 202
    location = r.headers["Location"]
    assert location.startswith("/acumatica/entity/Default/24.200.001/Bill/ReleaseBill/status/")
    assert [acu.client.get(location).status_code for _ in range(3)] == [202, 202, 204]
    assert acu.client.get(location.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000").status_code == 404
    acu.configure(async_actions=[])
    other = val(bill(acu, Hold=False), "ReferenceNbr")
    r = acu.action("Bill", "ReleaseBill", {"Type": "Bill", "ReferenceNbr": other})
    assert r.status_code == 204


def test_action_by_id_and_wrong_parameter_types(acu: Acu) -> None:
    b = bill(acu)
    r = acu.client.post(f"{acu.base}/Bill/RemoveHold", json={"entity": {"id": b["id"]}})
    assert r.status_code == 204
    r = acu.client.post(f"{acu.base}/Bill/ReleaseRetainage", json={
        "entity": {"id": b["id"]}, "parameters": {"AmtToRelease": {"value": "lots"}}})
    assert r.status_code == 400


def test_business_date_header_sets_defaults(acu: Acu) -> None:
    r = acu.put("Bill", {"Vendor": "V101"}, headers={"PX-CbApiBusinessDate": "2025/01/01"})
    assert val(r.json(), "Date") == "2025-01-01T00:00:00+00:00"
    assert val(r.json(), "PostPeriod") == "012025"
    r = acu.put("Bill", {"Vendor": "V101"}, headers={"PX-CbApiBranch": "NOWHERE"})
    assert r.status_code == 500

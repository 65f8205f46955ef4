"""The bookkeeper's actions inside Acumatica, through /_erpsim/, checked over the contract-based API."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.acumatica.conftest import Acu, val, wrap

BASE = "/_erpsim/tenants/demo/backoffice/acumatica"
RETAINAGE = "Document.RetainageApply,CurrentDocument.CuryRetainageTotal,CurrentDocument.CuryRetainageUnreleasedAmt"


def test_actions_are_listed(raw: TestClient) -> None:
    actions = raw.get(BASE).json()["actions"]
    assert {"create_job", "create_vendor", "pay_bill", "post_job_cost", "delete_record", "release_retainage",
            "update_record"} <= set(actions)
    assert raw.post(f"{BASE}/fly").status_code == 404


def test_create_job_with_default_task_budget_and_a_sub_job(raw: TestClient, acu: Acu) -> None:
    made = raw.post(f"{BASE}/create_job", json={
        "job_id": "P2001", "name": "Harbor Clinic", "begin_date": "2026-04-01", "customer": "C100",
        "tasks": [{"task_id": "03-300", "name": "Concrete", "cost_types": ["MATERIAL"],
                   "amounts": {"SUBCONTRACT": 5000}}]})
    assert made.status_code == 200, made.text
    assert made.json() == {"entity": "Project", "ProjectID": "P2001", "Status": "Active", "tasks": ["03-300"]}
    project = acu.one("Project/P2001", **{"$expand": "ProjectProperties"})
    assert (val(project, "Description"), val(project, "Status")) == ("Harbor Clinic", "Active")
    assert val(project["ProjectProperties"], "StartDate").startswith("2026-04-01")
    task = acu.one("ProjectTask/P2001/0000")
    assert (val(task, "Default"), val(task, "Status")) == (True, "Active")
    lines = acu.one("ProjectBudget", **{"$filter": "ProjectID eq 'P2001'"})
    assert sorted((val(r, "CostCode"), val(r, "AccountGroup"), val(r, "OriginalBudgetedAmount")) for r in lines) == [
        ("03-300", "MATERIAL", 0.0), ("03-300", "SUBCONTRACT", 5000.0)]
    sub = raw.post(f"{BASE}/create_job", json={"parent_id": "P2001", "job_id": "A", "name": "Phase A",
                                               "tasks": [{"task_id": "03-300", "cost_types": ["LABOR"]}]})
    assert sub.status_code == 200, sub.text
    assert val(acu.one("ProjectTask/P2001/A"), "Description") == "Phase A"
    again = raw.post(f"{BASE}/create_job", json={"job_id": "P2001", "name": "Twice"})
    assert again.status_code == 422
    assert again.json()["error"]["message"] == "Another Project with the same key already exists."


def test_refusals_use_acumaticas_words_and_change_nothing(raw: TestClient, acu: Acu) -> None:
    dup = raw.post(f"{BASE}/create_vendor", json={"vendor_id": "V100", "name": "Again"})
    assert dup.status_code == 422 and dup.json()["error"] == {
        "status": 422, "erp": "acumatica", "message": "Another Vendor with the same key already exists."}
    bad = raw.post(f"{BASE}/create_job", json={"job_id": "P2002", "name": "x",
                                               "tasks": [{"task_id": "03-300", "cost_types": ["NOPE"]}]})
    assert bad.status_code == 422
    assert "AccountGroup: 'Account Group' cannot be found in the system." in bad.json()["error"]["message"]
    assert acu.get("Project/P2002").status_code == 500  # rolled back with the budget line
    no_name = raw.post(f"{BASE}/create_job", json={"job_id": "P2003", "name": " "})
    assert no_name.status_code == 422 and "'Description' cannot be empty." in no_name.json()["error"]["message"]
    assert raw.post(f"{BASE}/create_vendor", json={"name": "no id"}).status_code == 422


def retainage_bill(acu: Acu) -> str:
    body = wrap({"Vendor": "V101", "VendorRef": "INV-77", "Details": [
        {"Project": "1001", "CostCode": "03-100", "Amount": 1000}]})
    body["custom"] = {"Document": {"RetainageApply": {"type": "CustomBooleanField", "value": True}},
                      "CurrentDocument": {"DefRetainagePct": {"type": "CustomDecimalField", "value": 10}}}
    r = acu.client.put(f"{acu.base}/Bill", json=body, params={"$custom": RETAINAGE})
    assert r.status_code == 200, r.text
    return str(val(r.json(), "ReferenceNbr"))


def test_pay_bill_releases_then_pays_and_retainage_is_released(raw: TestClient, acu: Acu) -> None:
    ref = retainage_bill(acu)
    on_hold = raw.post(f"{BASE}/pay_bill", json={"bill": ref, "release": False})
    assert on_hold.status_code == 422
    assert "'Reference Nbr.' cannot be found in the system." in on_hold.json()["error"]["message"]
    partial = raw.post(f"{BASE}/pay_bill", json={"bill": "INV-77", "amount": "400", "check_number": "5001",
                                                 "date": "2026-04-01"}).json()
    assert (partial["released"], partial["bill_status"], partial["bill_balance"]) == (True, "Open", "500.00")
    check = acu.one(f"Check/Payment/{partial['ReferenceNbr']}", **{"$expand": "Details"})
    assert (val(check, "Status"), val(check, "PaymentRef"), val(check, "PaymentAmount")) == ("Closed", "5001", 400)
    assert val(check, "ApplicationDate").startswith("2026-04-01")
    rest = raw.post(f"{BASE}/pay_bill", json={"bill": ref}).json()
    assert (rest["amount"], rest["bill_status"], rest["bill_balance"]) == ("500.00", "Closed", "0.00")
    again = raw.post(f"{BASE}/pay_bill", json={"bill": ref})
    assert again.status_code == 422
    released = raw.post(f"{BASE}/release_retainage", json={"bill": ref}).json()
    assert (released["amount"], released["status"]) == ("100.00", "Balanced")
    after = acu.one(f"Bill/Bill/{ref}", **{"$custom": RETAINAGE})
    assert after["custom"]["CurrentDocument"]["CuryRetainageUnreleasedAmt"]["value"] == 0
    nothing = raw.post(f"{BASE}/release_retainage", json={"bill": ref})
    assert nothing.status_code == 422
    assert nothing.json()["error"]["message"] == "The document has no unreleased retainage."
    paid = raw.post(f"{BASE}/pay_bill", json={"bill": released["ReferenceNbr"]}).json()
    assert (paid["amount"], paid["bill_status"]) == ("100.00", "Closed")


def test_post_job_cost_update_and_delete_records(raw: TestClient, acu: Acu) -> None:
    posted = raw.post(f"{BASE}/post_job_cost", json={"job": "1001", "cost_code": "03-100", "cost_type": "labor",
                                                      "amount": "250.5", "date": "2026-03-15",
                                                      "description": "Small tools"})
    assert posted.status_code == 200, posted.text
    assert (posted.json()["Status"], posted.json()["amount"]) == ("Released", "250.50")
    tran = acu.one(f"ProjectTransaction/PM/{posted.json()['ReferenceNbr']}", **{"$expand": "Details"})
    detail = tran["Details"][0]
    assert (val(detail, "AccountGroup"), val(detail, "Amount"), val(detail, "CostCode")) == ("LABOR", 250.5, "03-100")
    budget = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and CostCode eq '03-100' and "
                                                    "AccountGroup eq 'LABOR'"})
    assert val(budget[0], "ActualAmount") == 250.5
    bad = raw.post(f"{BASE}/post_job_cost", json={"job": "NOPE", "cost_code": "03-100", "cost_type": "LABOR",
                                                   "amount": 1})
    assert bad.status_code == 422 and "Project" in bad.json()["error"]["message"]
    updated = raw.post(f"{BASE}/update_record", json={"object": "vendor", "key": "V101",
                                                       "fields": {"Status": "On Hold"}})
    assert updated.status_code == 200, updated.text
    assert val(acu.one("Vendor/V101"), "Status") == "On Hold"
    wrong = raw.post(f"{BASE}/update_record", json={"object": "Vendor", "key": "V101", "fields": {"Status": "Gone"}})
    assert wrong.status_code == 422 and "is not a valid value" in wrong.json()["error"]["message"]
    raw.post(f"{BASE}/create_vendor", json={"vendor_id": "VGONE", "name": "Temp"})
    gone = raw.post(f"{BASE}/delete_record", json={"object": "Vendor", "key": "VGONE"})
    assert gone.status_code == 200 and gone.json()["deleted"] is True
    assert acu.get("Vendor/VGONE").status_code == 500
    missing = raw.post(f"{BASE}/delete_record", json={"object": "Vendor", "key": "VGONE"})
    assert missing.status_code == 422 and missing.json()["error"]["message"] == "No entity satisfies the condition."
    unknown = raw.post(f"{BASE}/delete_record", json={"object": "Spaceship", "key": "1"})
    assert unknown.status_code == 422 and unknown.json()["error"]["message"] == "Entity Spaceship not found"

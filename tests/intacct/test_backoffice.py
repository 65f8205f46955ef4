"""The bookkeeper's actions inside Intacct, through /_erpsim/, checked over the gateway."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.intacct.conftest import Post

BASE = "/_erpsim/tenants/demo/backoffice/intacct"


def test_actions_are_listed(client: TestClient) -> None:
    actions = client.get(BASE).json()["actions"]
    assert {"create_job", "create_vendor", "pay_bill", "post_job_cost", "delete_record",
            "release_retainage"} <= set(actions)
    assert client.get("/_erpsim/tenants/demo/backoffice/quickbooks").status_code == 404
    assert client.post(f"{BASE}/fly").status_code == 404


def test_create_job_with_tasks_visible_over_the_gateway(client: TestClient, call: Post) -> None:
    made = client.post(f"{BASE}/create_job", json={
        "job_id": "2001", "name": "Harbor Clinic", "begin_date": "2026-04-01",
        "tasks": [{"task_id": "03-300", "name": "Concrete", "cost_types": ["Material", "Subcontract"]}]})
    assert made.status_code == 200, made.text
    assert made.json()["PROJECTID"] == "2001"
    rows = call("<query><object>COSTTYPE</object><select><field>COSTTYPEID</field></select><filter><equalto>"
                "<field>PROJECTID</field><value>2001</value></equalto></filter></query>").ok()
    assert sorted(r.findtext("COSTTYPEID") for r in rows.find("data")) == ["Material", "Subcontract"]
    project = call("<readByName><object>PROJECT</object><keys>2001</keys><fields>BEGINDATE</fields></readByName>")
    assert project.ok().findtext("data/PROJECT/BEGINDATE") == "04/01/2026"


def test_refusals_use_the_erps_words_and_change_nothing(client: TestClient, call: Post) -> None:
    dup = client.post(f"{BASE}/create_vendor", json={"vendor_id": "V100", "name": "Again"})
    assert dup.status_code == 422
    assert dup.json()["error"]["message"] == "Another Vendor with the given value(s) V100  already exists"
    bad = client.post(f"{BASE}/create_job", json={"job_id": "2002", "name": "x",
                                                 "tasks": [{"task_id": "01-100", "cost_types": ["Nope"]}]})
    assert bad.status_code == 422 and "Standard Cost Type" in bad.json()["error"]["message"]
    # The project made before the failing cost type was rolled back with it.
    assert call("<readByName><object>PROJECT</object><keys>2002</keys></readByName>").ok().find("data").get(
        "count") == "0"
    assert client.post(f"{BASE}/create_vendor", json={"name": "no id"}).status_code == 422


def bill(call: Post) -> str:
    result = call("<create><APBILL><VENDORID>V105</VENDORID><RECORDID>INV-77</RECORDID><WHENCREATED>03/01/2026"
                  "</WHENCREATED><WHENDUE>03/31/2026</WHENDUE><APBILLITEMS><APBILLITEM><ACCOUNTNO>5200</ACCOUNTNO>"
                  "<TRX_AMOUNT>1000</TRX_AMOUNT><RETAINAGEPERCENTAGE>10</RETAINAGEPERCENTAGE></APBILLITEM>"
                  "</APBILLITEMS></APBILL></create>").ok()
    return result.findtext("data/apbill/RECORDNO") or ""


def read_bill(call: Post, recordno: str) -> dict[str, str]:
    row = call(f"<read><object>APBILL</object><keys>{recordno}</keys><fields>STATE,TOTALPAID,TOTALDUE,TOTALRETAINED"
               "</fields></read>").ok().find("data/APBILL")
    return {c.tag: c.text or "" for c in row}


def test_pay_bill_then_release_retainage(client: TestClient, call: Post) -> None:
    recordno = bill(call)
    partial = client.post(f"{BASE}/pay_bill", json={"bill": "INV-77", "amount": "400", "date": "2026-04-01"}).json()
    assert partial["bill_state"] == "Partially Paid"
    assert read_bill(call, recordno) == {"STATE": "Partially Paid", "TOTALPAID": "400.00", "TOTALDUE": "500.00",
                                         "TOTALRETAINED": "100.00"}
    client.post(f"{BASE}/pay_bill", json={"bill": recordno})
    assert read_bill(call, recordno)["STATE"] == "Paid"
    again = client.post(f"{BASE}/pay_bill", json={"bill": recordno})
    assert again.status_code == 422 and "already paid" in again.json()["error"]["message"]
    released = client.post(f"{BASE}/release_retainage", json={"bill": recordno}).json()
    assert released["amount"] == "100.00" and released["bill_due"] == "100.00"
    client.post(f"{BASE}/pay_bill", json={"bill": recordno})
    assert read_bill(call, recordno) == {"STATE": "Paid", "TOTALPAID": "1000.00", "TOTALDUE": "0.00",
                                         "TOTALRETAINED": "100.00"}


def test_post_job_cost_and_delete_record(client: TestClient, call: Post) -> None:
    posted = client.post(f"{BASE}/post_job_cost", json={"job": "1001", "cost_code": "03-300", "cost_type": "Labor",
                                                         "amount": "250.5", "date": "2026-03-15"})
    assert posted.status_code == 200, posted.text
    lines = call("<query><object>GLENTRY</object><select><field>AMOUNT</field><field>TR_TYPE</field></select>"
                 "<filter><equalto><field>PROJECTID</field><value>1001</value></equalto></filter></query>").ok()
    assert [(r.findtext("AMOUNT"), r.findtext("TR_TYPE")) for r in lines.find("data")] == [("250.50", "1")]
    made = client.post(f"{BASE}/create_vendor", json={"vendor_id": "V-GONE", "name": "Temp"}).json()
    assert client.post(f"{BASE}/delete_record", json={"object": "VENDOR", "key": "V-GONE"}).status_code == 200
    assert call(f"<read><object>VENDOR</object><keys>{made['RECORDNO']}</keys></read>").ok().find("data").get(
        "count") == "0"
    missing = client.post(f"{BASE}/delete_record", json={"object": "VENDOR", "key": "V-GONE"})
    assert missing.status_code == 422 and "Cannot find vendor" in missing.json()["error"]["message"]

"""The bookkeeper's actions inside Sage 100 Contractor, through /_erpsim/, checked over the record API."""

from __future__ import annotations

from starlette.testclient import TestClient

from .helpers import Api

BASE = "/_erpsim/tenants/demo/backoffice/sage100"


def test_actions_are_listed(sage_client: TestClient) -> None:
    actions = sage_client.get(BASE).json()["actions"]
    assert {"create_job", "create_vendor", "pay_bill", "post_job_cost", "delete_record", "release_retainage",
            "update_record"} <= set(actions)
    assert sage_client.post(f"{BASE}/fly").status_code == 404


def test_create_job_with_budget_lines_and_a_phase(sage_client: TestClient, api: Api) -> None:
    made = sage_client.post(f"{BASE}/create_job", json={
        "job_id": "2001", "name": "Harbor Clinic", "begin_date": "2026-04-01", "department": 1,
        "tasks": [{"task_id": "3.300", "cost_types": ["Material"], "amounts": {"Subcontract": "5000"}},
                  {"task_id": "44-100", "name": "Brand new code", "cost_types": ["2"]}]})
    assert made.status_code == 200, made.text
    assert made.json() == {"table": "actrec", "recnum": 2001, "tasks": ["3.300", "44.100"]}
    job = api.get("actrec", 2001)
    assert (job["jobnme"], job["strdte"], job["dptmnt"], job["status"]) == ("Harbor Clinic", "2026-04-01", 1, 4)
    lines = {r["cstcde"]: r for r in api.list("bdglin", recnum=2001)["records"]}
    assert (lines[3.3]["subbdg"], lines[3.3]["suborg"], lines[3.3]["matbdg"]) == (5000, 5000, 0)
    assert api.get("cstcde", "44.1")["cdenme"] == "Brand new code"  # made in 6-5 on the way
    phase = sage_client.post(f"{BASE}/create_job", json={
        "parent_id": 2001, "job_id": 1, "name": "Shell", "tasks": [{"task_id": "3.300", "amounts": {"4": 800}}]})
    assert phase.status_code == 200, phase.text
    assert [(p["phsnum"], p["phsnme"]) for p in api.list("jobphs", recnum=2001)["records"]] == [(1, "Shell")]
    assert sorted(r["phsnum"] for r in api.list("bdglin", recnum=2001)["records"]) == [0, 0, 1]


def test_refusals_use_sages_words_and_change_nothing(sage_client: TestClient, api: Api) -> None:
    dup = sage_client.post(f"{BASE}/create_vendor", json={"vendor_id": 100, "name": "Again"})
    assert dup.status_code == 422
    assert dup.json()["error"]["message"] == "actpay 100: vendor 100 already exists"
    bad = sage_client.post(f"{BASE}/create_job", json={"job_id": "2002", "name": "x",
                                                       "tasks": [{"task_id": "3.300", "amounts": {"Nope": 1}}]})
    assert bad.status_code == 422 and "nine cost types" in bad.json()["error"]["message"]
    assert api.get("actrec", 2002, status=404)["error"]["rule"] == "exists"  # rolled back with the budget line
    letters = sage_client.post(f"{BASE}/create_job", json={"job_id": "26-A", "name": "x"})
    assert letters.status_code == 422 and "numeric" in letters.json()["error"]["message"]
    assert sage_client.post(f"{BASE}/create_vendor", json={"name": "no id"}).status_code == 422


def invoice(api: Api, number: str = "INV-77") -> dict:
    body = {"invnum": number, "vndnum": 100, "jobnum": 1001, "invdte": "2026-03-01", "retain": 100,
            "apivln": [{"cstcde": 3.3, "csttyp": 4, "extttl": 1000, "hldamt": 100}]}
    return api.add("acpinv", body)


def test_pay_bill_posts_then_pays_and_retainage_is_released(sage_client: TestClient, api: Api) -> None:
    recnum = invoice(api)["recnum"]
    unposted = sage_client.post(f"{BASE}/pay_bill", json={"bill": "INV-77", "post": False, "amount": 1})
    assert unposted.status_code == 422 and "not posted" in unposted.json()["error"]["message"]
    partial = sage_client.post(f"{BASE}/pay_bill", json={"bill": "INV-77", "amount": "400", "check_number": "5001",
                                                         "date": "2026-04-01"}).json()
    assert (partial["posted"], partial["bill_status"], partial["bill_due"]) == (True, 1, "500.00")
    inv = api.get("acpinv", recnum)
    assert (inv["posted"], inv["amtpad"], inv["invbal"], inv["retain"]) == (True, 400, 600, 100)
    assert [c["cstamt"] for c in api.list("jobcst", trnnum="INV-77")["records"]] == [1000]
    rest = sage_client.post(f"{BASE}/pay_bill", json={"bill": recnum}).json()
    assert (rest["amount"], rest["bill_status"], rest["bill_due"], rest["bill_balance"]) == (
        "500.00", 1, "0.00", "100.00")
    again = sage_client.post(f"{BASE}/pay_bill", json={"bill": recnum})
    assert again.status_code == 422
    assert again.json()["error"]["message"] == f"invoice record {recnum} has nothing due; 100.00 is retention held"
    over = sage_client.post(f"{BASE}/pay_bill", json={"bill": recnum, "amount": 101})
    assert over.status_code == 422 and "balance" in over.json()["error"]["message"]
    released = sage_client.post(f"{BASE}/release_retainage", json={"bill": recnum}).json()
    assert (released["released"], released["retain"], released["bill_due"]) == ("100.00", "0.00", "100.00")
    too_much = sage_client.post(f"{BASE}/release_retainage", json={"bill": recnum, "amount": 5})
    assert too_much.status_code == 422 and "0.00 is held" in too_much.json()["error"]["message"]
    paid = sage_client.post(f"{BASE}/pay_bill", json={"bill": recnum}).json()
    assert (paid["bill_status"], paid["bill_balance"]) == (4, "0.00")
    payments = api.list("acppmt", _idref=recnum)["records"]
    assert [(p["chknum"], p["amount"]) for p in payments] == [("5001", 400), (None, 500), (None, 100)]


def test_post_job_cost_update_and_delete_records(sage_client: TestClient, api: Api) -> None:
    posted = sage_client.post(f"{BASE}/post_job_cost", json={
        "job": 1001, "cost_code": "03-300", "cost_type": "Labor", "amount": "250.5", "date": "2026-03-15",
        "description": "Small tools", "reference": "JC-9", "source": "payroll"})
    assert posted.status_code == 200, posted.text
    cost = api.get("jobcst", posted.json()["recnum"])
    assert (cost["cstcde"], cost["csttyp"], cost["cstamt"], cost["srcnum"], cost["trnnum"]) == (
        3.3, 2, 250.5, 3, "JC-9")
    payable = sage_client.post(f"{BASE}/post_job_cost", json={"job": 1001, "cost_code": "3.3", "cost_type": 4,
                                                               "amount": 1, "source": 2})
    assert payable.status_code == 422 and "4-2 invoices" in payable.json()["error"]["message"]
    updated = sage_client.post(f"{BASE}/update_record", json={"object": "actpay", "key": 101,
                                                               "fields": {"duedte": "45DY", "e_mail": "ap@x.test"}})
    assert updated.status_code == 200, updated.text
    assert (api.get("actpay", 101)["duedte"], api.get("actpay", 101)["e_mail"]) == ("45DY", "ap@x.test")
    bad_terms = sage_client.post(f"{BASE}/update_record", json={"object": "actpay", "key": 101,
                                                                 "fields": {"duedte": "someday"}})
    assert bad_terms.status_code == 422 and "duedte" in bad_terms.json()["error"]["message"]
    sage_client.post(f"{BASE}/create_vendor", json={"vendor_id": 990, "name": "Temp", "due_terms": "30DY"})
    gone = sage_client.post(f"{BASE}/delete_record", json={"object": "actpay", "key": "990"})
    assert gone.status_code == 200 and gone.json()["deleted"] is True
    assert api.get("actpay", 990, status=404)["error"]["rule"] == "exists"
    missing = sage_client.post(f"{BASE}/delete_record", json={"object": "actpay", "key": "990"})
    assert missing.status_code == 422 and "does not exist" in missing.json()["error"]["message"]
    invoice(api, "INV-88")
    in_use = sage_client.post(f"{BASE}/delete_record", json={"object": "actpay", "key": 100})
    assert in_use.status_code == 422 and "is used by" in in_use.json()["error"]["message"]
    unknown = sage_client.post(f"{BASE}/delete_record", json={"object": "nosuch", "key": 1})
    assert unknown.status_code == 422 and "no table" in unknown.json()["error"]["message"]

"""The bookkeeper's books and back-office forms, per ERP, through the console's pages."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from simulator.console import books
from simulator.console.erp import parse_fields, parse_tasks
from simulator.services import BackofficeError

ERPS = ("intacct", "sage100", "acumatica")


@pytest.mark.parametrize("erp", ERPS)
def test_every_book_opens(client: TestClient, erp: str) -> None:
    home = client.get(f"/seats/demo/erp/{erp}")
    assert home.status_code == 200
    for b in books.BOOKS[erp]:
        assert f"/seats/demo/erp/{erp}/books/{b.slug}" in home.text
        page = client.get(f"/seats/demo/erp/{erp}/books/{b.slug}")
        assert page.status_code == 200, b.slug
        assert all(c.label.replace("'", "&#39;") in page.text for c in b.columns) or "Nothing here yet" in page.text


def test_books_speak_each_erps_vocabulary(client: TestClient) -> None:
    assert "Vendor ID" in client.get("/seats/demo/erp/intacct/books/vendors").text
    sage = client.get("/seats/demo/erp/sage100/books/vendors").text
    assert "Vendors (4-4)" in sage and "Due terms" in sage
    acu = client.get("/seats/demo/erp/acumatica/books/cost-budget").text
    assert "Account group" in acu and "SUBCONTRACT" in acu


def test_a_record_in_full(client: TestClient) -> None:
    page = client.get("/seats/demo/erp/intacct/books/vendors")
    link = page.text.split('href="/seats/demo/erp/intacct/books/vendors/')[1].split('"')[0]
    record = client.get(f"/seats/demo/erp/intacct/books/vendors/{link}")
    assert record.status_code == 200 and "VENDORID" in record.text and "The whole record" in record.text
    assert client.get("/seats/demo/erp/intacct/books/vendors/999999").status_code == 404
    assert client.get("/seats/demo/erp/intacct/books/nothing").status_code == 404
    assert client.get("/seats/demo/erp/oracle").status_code == 404


@pytest.mark.parametrize("erp, vendor, job, code, ctype", [
    ("intacct", "V700", "3001", "03-300", "Subcontract"),
    ("sage100", "700", "3001", "3.300", "4"),
    ("acumatica", "V700", "3001", "03-300", "SUBCONTRACT"),
])
def test_back_office_forms_run_the_erps_own_actions(client: TestClient, erp: str, vendor: str, job: str, code: str,
                                                   ctype: str) -> None:
    base = f"/seats/demo/erp/{erp}/actions"
    page = client.post(f"{base}/create_vendor", data={"vendor_id": vendor, "name": "Prairie Drywall"})
    assert "Create a vendor: done." in page.text, page.text
    again = client.post(f"{base}/create_vendor", data={"vendor_id": vendor, "name": "Prairie Drywall"})
    assert "Create a vendor: " in again.text and "refused" in again.text
    page = client.post(f"{base}/create_job", data={"job_id": job, "name": "Depot", "begin_date": "2026-04-01",
                                                   "tasks": f"{code} | Concrete | {ctype}=1000"})
    assert "Create a job: done." in page.text, page.text
    assert "Depot" in client.get(f"/seats/demo/erp/{erp}/books/{'jobs' if erp == 'sage100' else 'projects'}").text
    page = client.post(f"{base}/post_job_cost", data={"job": job, "cost_code": code, "cost_type": ctype,
                                                      "amount": "125.50", "date": "2026-04-02"})
    assert "Post a job cost: done." in page.text, page.text
    missing = client.post(f"{base}/pay_bill", data={"bill": "NOPE-1"})
    assert "Pay a bill: " in missing.text and "refused" in missing.text
    empty = client.post(f"{base}/post_job_cost", data={"job": job})
    assert "Cost code is required." in empty.text
    assert client.post(f"{base}/launch_rockets", data={}).status_code == 404


def test_form_text_becomes_the_actions_parameters() -> None:
    assert parse_tasks("03-300 | Concrete | Subcontract=150000, Material\n\n09-200") == [
        {"task_id": "03-300", "name": "Concrete", "cost_types": ["Subcontract", "Material"],
         "amounts": {"Subcontract": "150000"}},
        {"task_id": "09-200", "name": "09-200", "cost_types": []}]
    assert parse_fields("duedte = 30DY\nvndnme=Acme") == {"duedte": "30DY", "vndnme": "Acme"}
    with pytest.raises(BackofficeError, match="line 1"):
        parse_fields("no equals sign")

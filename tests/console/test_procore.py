"""Procore in the console: the project manager's pages and forms, the approver's ERP Integrations tool, the
refusals, and a whole lifecycle by form posts, checked in the ERP's books and back in Procore."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.console.helpers import INTACCT, Console, facts, item_id, lifecycle


@pytest.fixture
def console(client: TestClient) -> Console:
    return Console(client)


def test_the_headline_by_clicking_agrees_to_the_cent(console: Console) -> None:
    pages = lifecycle(console, INTACCT)
    invoice = facts(console.get(pages["invoice"]))
    assert invoice["Amount this period"] == "60,000.00"
    assert invoice["Total retainage"] == "6,000.00"
    assert invoice["Current payment due"] == "54,000.00"
    assert "Synced" in console.get(pages["invoice"])
    subcontract = facts(console.get(pages["subcontract"]))
    assert subcontract["Revised contract"] == "158,000.00"
    bills = console.get("/erp/intacct/books/bills")
    assert "G-1" in bills and "6,000.00" in bills and "54,000.00" in bills
    console.ok("/erp/intacct/actions/pay_bill", {"bill": "G-1", "date": "2026-04-10"})
    _, imported = console.post("/erp-integrations/imports/payments")
    assert "import commitment payments from Sage Intacct: 1 created" in imported["ok"]
    console.ok("/erp-integrations/imports/job_costs")
    report = console.get("/erp-integrations/job-costs")
    assert re.search(r"03-300</td><td>Subcontract</td>\s*<td class=\"num\">50,000.00", report), report
    synced = console.get("/erp-integrations/queues/synced")
    assert all(name in synced for name in ("Riverside Library", "Granite Subs Inc", "G-1", "Thicker slab"))


def test_the_approver_sees_the_prefilled_accept_fields(console: Console) -> None:
    pages = lifecycle(console, INTACCT)
    subcontract = item_id(pages["subcontract"])
    invoice = console.ok("/procore/new/invoice", {"parent": subcontract, "number": "G-2",
                                                  "billing_date": "2026-04-30", "work_completed_1": "10000"})
    console.ok(f"{invoice}/approve")
    console.ok(f"{invoice}/send")
    assert ("erp_invoice_id", "G-2") in console.accept_fields()
    assert ("accounting_date", "2026-04-30") in console.accept_fields()


def test_reject_with_a_reason_then_resend(console: Console) -> None:
    project = console.ok("/procore/new/project", {"name": "Depot", "number": "2002",
                                                  "cost_codes": "03-300: Subcontract"})
    console.ok(f"{project}/send")
    console.ok(f"/erp-integrations/projects/{item_id(project)}/reject", {"reason": "Use job number 2102"})
    rejected = console.get("/erp-integrations/queues/rejected")
    assert "Depot" in rejected and "Use job number 2102" in rejected
    page = console.get(project)
    assert "Rejected: Use job number 2102" in page and "Resend to ERP" in page
    assert "reject" in page and "Alex Reyes" in page  # the timeline says who rejected it, and why
    console.ok(f"{project}/resend")
    console.ok(f"/erp-integrations/projects/{item_id(project)}/accept", {"field_erp_job_id": "2102"})
    assert "2102" in console.get("/erp/intacct/books/projects")


def test_refusals_are_the_tools_own_words(console: Console) -> None:
    project = console.ok("/procore/new/project", {"name": "Annex", "number": "2003",
                                                  "cost_codes": "03-300: Subcontract"})
    pm = console.users()["project manager"]
    console.ok(f"{project}/send")
    refusal = console.refused(f"/erp-integrations/projects/{item_id(project)}/accept", {"user": pm})
    assert "Pat Morgan cannot accept" in refusal and "'Admin' on the ERP Integrations tool" in refusal
    assert "cannot import vendors" in console.refused("/erp-integrations/imports/vendors", {"user": pm})
    assert "Procore refused" in console.refused(f"{project}/send")
    assert "not on the company's ERP Standard Cost Code list" in console.refused(
        "/procore/new/project", {"name": "Bad", "cost_codes": "99-999: Subcontract"})
    assert "Fill in: name" in console.refused("/procore/new/project", {"name": ""})
    assert "Reason" in console.get("/erp-integrations")
    assert "reason" in console.refused(f"/erp-integrations/projects/{item_id(project)}/reject", {"reason": ""}) \
        .lower()


def test_acting_as_is_remembered_per_seat(console: Console, client: TestClient) -> None:
    pm = console.users()["project manager"]
    console.ok("/acting-as", {"user": pm, "back": "/seats/demo/erp-integrations"})
    page = console.get("/erp-integrations")
    assert re.search(rf'<option value="{pm}" selected>Pat Morgan', page)
    console.ok("/acting-as", {"user": ""})
    assert re.search(r'<option value="\d+" selected>Alex Reyes', console.get("/erp-integrations"))


def test_switch_the_seats_erp_until_something_is_synced(console: Console) -> None:
    console.ok("/connect", {"erp": "sage100"})
    assert "Sage 100 Contractor" in console.get("")
    project = console.ok("/procore/new/project", {"name": "Sage Job", "number": "2004",
                                                  "cost_codes": "3.300: 4"})
    console.ok(f"{project}/send")
    console.ok(f"/erp-integrations/projects/{item_id(project)}/accept", {"field_erp_job_id": "2004"})
    assert "Sage Job" in console.get("/erp/sage100/books/jobs")
    assert "synced item" in console.refused("/connect", {"erp": "acumatica"})
    assert "Choose one of" in console.refused("/connect", {"erp": "oracle"})


def test_every_procore_page_opens(console: Console) -> None:
    pages = lifecycle(console, INTACCT)
    for path in (*pages.values(), "/procore", "/procore/directory", "/erp-integrations/job-costs",
                 *(f"/erp-integrations/queues/{q}" for q in ("ready_to_export", "synced", "rejected",
                                                             "failed_to_export", "ready_to_import")),
                 "/erp-integrations/queues/ready_to_import?type=vendors",
                 "/erp-integrations/queues/synced?type=commitments"):
        console.get(path)
    assert console.client.get("/seats/demo/procore/projects/999").status_code == 404
    assert console.client.get("/seats/demo/procore/spaceships/1").status_code == 404
    assert console.client.get("/seats/demo/erp-integrations/queues/nope").status_code == 404


def test_an_items_timeline_shows_each_event_and_the_erp_exchanges_it_caused(console: Console) -> None:
    pages = lifecycle(console, INTACCT)
    page = console.get(pages["invoice"])
    timeline = page.split('id="timeline"')[1]
    events = re.findall(r"<strong>(\w+)</strong> by ([^<]*)<", timeline)
    assert events[0] == ("create", "Pat Morgan")
    assert ("send", "Pat Morgan") in events and ("accept", "Alex Reyes") in events
    assert ("exported", "Alex Reyes") in events
    assert "erp_invoice_id=G-1, accounting_date=2026-03-31" in timeline
    # The accept reached Intacct: the journal's exchanges, pretty-printed, credentials masked.
    assert "POST /ia/xml/xmlgw.phtml" in timeline and "APBILL" in timeline
    assert "&lt;password&gt;***&lt;/password&gt;" in timeline
    assert "&lt;password&gt;erpsim&lt;/password&gt;" not in timeline
    assert "\n  &lt;control&gt;" in timeline  # indented XML
    rejected = console.ok("/procore/new/project", {"name": "Spur", "number": "2009",
                                                   "cost_codes": "03-300: Subcontract"})
    console.ok(f"{rejected}/send")
    console.ok(f"/erp-integrations/projects/{item_id(rejected)}/reject", {"reason": "Wrong job number"})
    assert "Wrong job number" in console.get(rejected).split('id="timeline"')[1]


def test_unlink_only_once_the_erp_record_is_gone(console: Console) -> None:
    vendor = console.ok("/procore/new/company", {"name": "Gone Glass"})
    console.ok(f"{vendor}/send")
    console.ok(f"/erp-integrations/vendors/{item_id(vendor)}/accept", {"field_erp_vendor_id": "V901"})
    assert "Gone Glass" in console.get("/erp-integrations/queues/synced") and "Unlink" in console.get(
        "/erp-integrations/queues/synced")
    still = console.refused(f"/erp-integrations/vendors/{item_id(vendor)}/unlink")
    assert "V901" in still or "still" in still.lower()
    console.ok("/erp/intacct/actions/delete_record", {"object": "VENDOR", "key": "V901"})
    console.ok(f"/erp-integrations/vendors/{item_id(vendor)}/unlink")
    assert "Not in ERP" in console.get(vendor)


def test_every_other_procore_form(console: Console) -> None:
    pages = lifecycle(console, INTACCT)
    project = item_id(pages["project"])
    console.ok("/procore/new/cost_codes", {"parent": project, "cost_codes": "09-200: Material"})
    console.ok("/procore/new/budget_modification", {
        "parent": project, "from_cost_code": "03-300", "from_cost_type": "Subcontract", "to_cost_code": "09-200",
        "to_cost_type": "Subcontract", "amount": "5000"})
    order = console.ok("/procore/new/purchase_order", {"parent": project, "title": "Rebar",
                                                       "lines": "03-300 | Subcontract | 10 | 250 | ton | Rebar"})
    assert facts(console.get(order))["Original contract"] == "2,500.00"
    prime = console.ok("/procore/new/prime_contract", {"parent": project, "title": "Owner contract",
                                                       "lines": "Base building | 500000 | 03-300 | Subcontract"})
    pcco = console.ok("/procore/new/pcco", {"parent": item_id(prime), "title": "Owner upgrade",
                                            "lines": "03-300 | Subcontract | 12000 | Upgrade"})
    console.ok(f"{pcco}/approve")
    assert "Owner upgrade" in console.get(prime)
    release = console.ok("/procore/new/invoice", {"parent": item_id(pages["subcontract"]), "number": "G-9",
                                                  "billing_date": "2026-05-31", "work_completed_1": "0",
                                                  "retainage_released_1": "5000"})
    assert facts(console.get(release))["Retainage released"] == "5,000.00"
    assert "Bill at least one SOV line" in console.refused(
        "/procore/new/invoice", {"parent": item_id(pages["subcontract"]), "number": "G-10",
                                 "billing_date": "2026-05-31"})
    assert "write cost_code | cost_type | amount | description" in console.refused(
        "/procore/new/budget_lines", {"parent": project, "lines": "a | b | c | d | e"})
    for what in ("jobs", "vendors", "job_costs", "direct_costs", "payments", "cost_codes"):
        console.ok(f"/erp-integrations/imports/{what}")
    assert "managed in Procore and cannot be imported" in console.refused("/erp-integrations/imports/budgets",
                                                                          {"project": project})
    assert "choose the project" in console.refused("/erp-integrations/imports/budgets")
    assert console.client.post("/seats/demo/procore/new/spaceship").status_code == 404

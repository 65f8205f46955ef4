"""Both sides by clicking in Chromium: the project manager sends, the approver accepts and rejects, a project
manager acting as approver is refused, the bookkeeper pays; pictures of each for the docs."""

from __future__ import annotations

import pytest

from tests.console.browser import Watched

pytestmark = pytest.mark.browser


def new_seat(web: Watched, seat: str) -> None:
    web.goto("/")
    web.page.locator("input[name=id]").fill(seat)
    web.page.get_by_role("button", name="Make seats").click()
    assert web.flash() == f"Seat {seat} is ready."


def fill(web: Watched, form: str, values: dict[str, str]) -> None:
    scope = web.page.locator(form)
    for name, value in values.items():
        field = scope.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    scope.locator("button[type=submit], button:not([type])").last.click()


def click(web: Watched, label: str) -> str:
    web.page.get_by_role("button", name=label, exact=True).click()
    return web.flash()


def accept(web: Watched, seat: str, item: str, fields: dict[str, str] | None = None) -> str:
    web.goto(f"/seats/{seat}/erp-integrations")
    card = web.page.locator("section.queue-item", has_text=item)
    for name, value in (fields or {}).items():
        card.locator(f"input[name=field_{name}]").fill(value)
    card.get_by_role("button", name="Accept").click()
    return web.flash()


def test_a_subcontract_invoice_from_procore_to_a_paid_bill(web: Watched) -> None:
    seat = "browser-headline"
    new_seat(web, seat)
    page = web.page
    web.goto(f"/seats/{seat}/procore")
    fill(web, "#new-project form", {"name": "Riverside Library", "number": "2001",
                                    "cost_codes": "03-300: Subcontract\n09-200: Subcontract"})
    assert "is made" in web.flash()
    assert "sent to ERP" in click(web, "Send to ERP")
    assert "accepted and synced (2001)" in accept(web, seat, "Riverside Library", {"erp_job_id": "2001"})

    web.goto(f"/seats/{seat}/procore/directory")
    fill(web, "#new-company form", {"name": "Granite Subs Inc", "city": "Fargo"})
    click(web, "Send to ERP")
    assert "synced (V500)" in accept(web, seat, "Granite Subs Inc", {"erp_vendor_id": "V500"})

    web.goto(f"/seats/{seat}/procore")
    page.get_by_role("link", name="Riverside Library").click()
    fill(web, "#new-subcontract form", {"company": "Granite Subs Inc (V500)", "title": "Structural concrete",
                                        "retainage": "10",
                                        "lines": "03-300 | Subcontract | 120000 | Foundations\n"
                                                 "09-200 | Subcontract | 30000 | Drywall"})
    assert "Subcontract SC-001 (Structural concrete) is made." in web.flash()
    assert "approved" in click(web, "Approve")
    click(web, "Send to ERP")
    assert "accepted and synced" in accept(web, seat, "Structural concrete")

    web.goto(f"/seats/{seat}/procore")
    page.get_by_role("link", name="Riverside Library").click()
    page.get_by_role("link", name="Subcontract SC-001 (Structural concrete)").click()
    form = page.locator("#new-invoice form")
    form.locator("input[name=number]").fill("G-1")
    form.locator("input[name=billing_date]").fill("2026-03-31")
    form.get_by_label("Work completed, line 1").fill("50000")
    form.get_by_label("Work completed, line 2").fill("10000")
    form.get_by_role("button", name="Create the invoice").click()
    assert "Subcontractor invoice G-1 is made." in web.flash()
    invoice_url = page.url
    click(web, "Approve")
    click(web, "Send to ERP")

    web.goto(f"/seats/{seat}/erp-integrations")
    card = page.locator("section.queue-item", has_text="G-1")
    assert card.locator("input[name=field_erp_invoice_id]").input_value() == "G-1"
    web.screenshot("approval-queue")
    card.get_by_role("button", name="Accept").click()
    assert "Subcontractor invoice G-1 is accepted and synced" in web.flash()

    page.goto(invoice_url)
    assert "Synced" in page.locator("h1").inner_text()
    assert page.locator("dl.facts").get_by_text("6,000.00").count() >= 1
    web.screenshot("item-timeline")

    web.goto(f"/seats/{seat}/erp/intacct")
    fill(web, "#pay_bill form", {"bill": "G-1", "date": "2026-04-10"})
    assert "Pay a bill: done." in web.flash()
    web.goto(f"/seats/{seat}/erp/intacct/books/bills")
    row = page.locator("table.grid tbody tr", has_text="G-1")
    assert "54,000.00" in row.inner_text() and "6,000.00" in row.inner_text()
    web.screenshot("bookkeeper-books")

    web.goto(f"/seats/{seat}/erp-integrations")
    page.locator("form", has_text="Commitment payments").get_by_role("button").click()
    assert "1 created" in web.flash()


def test_reject_resend_and_a_refusal_by_clicking(web: Watched) -> None:
    seat = "browser-reject"
    new_seat(web, seat)
    page = web.page
    web.goto(f"/seats/{seat}/procore")
    fill(web, "#new-project form", {"name": "Depot", "number": "2002", "cost_codes": "03-300: Subcontract"})
    click(web, "Send to ERP")

    web.goto(f"/seats/{seat}/erp-integrations")
    page.locator("form.acting select").select_option(label="Pat Morgan (project manager)")
    page.locator("form.acting").get_by_role("button", name="Switch").click()
    assert web.flash() == "You are now acting as Pat Morgan."
    card = page.locator("section.queue-item", has_text="Depot")
    card.locator("input[name=field_erp_job_id]").fill("2002")
    card.get_by_role("button", name="Accept").click()
    assert "Pat Morgan cannot accept" in web.flash()

    page.locator("form.acting select").select_option(label="Alex Reyes (accounting approver)")
    page.locator("form.acting").get_by_role("button", name="Switch").click()
    card = page.locator("section.queue-item", has_text="Depot")
    card.locator("input[name=reason]").fill("Use job number 2102")
    card.get_by_role("button", name="Reject").click()
    assert "rejected: Use job number 2102" in web.flash()
    page.get_by_role("link", name="Rejected").click()
    assert "Use job number 2102" in page.locator("section.queue-item").inner_text()

    page.locator("section.queue-item").get_by_role("link").first.click()
    # Still acting as the approver, who is only Standard on the project tools: Procore refuses.
    assert "needs 'Admin' on the projects tool" in click(web, "Resend to ERP")
    page.locator("form.acting select").select_option(label="each page's own role")
    page.locator("form.acting").get_by_role("button", name="Switch").click()
    assert "sent to ERP again (as Pat Morgan)" in click(web, "Resend to ERP")
    assert "synced (2102)" in accept(web, seat, "Depot", {"erp_job_id": "2102"})


def test_the_other_procore_forms_by_clicking(web: Watched) -> None:
    seat = "browser-forms"
    new_seat(web, seat)
    page = web.page
    web.goto(f"/seats/{seat}")
    page.locator("select[name=erp]").select_option("acumatica")
    page.get_by_role("button", name="Connect").click()
    assert web.flash() == "The Procore company is now connected to Acumatica."

    web.goto(f"/seats/{seat}/procore")
    fill(web, "#new-project form", {"name": "Annex", "number": "4001", "cost_codes": "03-300: SUBCONTRACT"})
    project_url = page.url
    click(web, "Send to ERP")
    assert "Retrieve from ERP" in page.content()
    assert "retrieved from ERP" in click(web, "Retrieve from ERP")
    click(web, "Send to ERP")
    assert "synced (4001)" in accept(web, seat, "Annex", {"erp_job_id": "4001"})

    def on_project(form: str, values: dict[str, str], made: str) -> None:
        page.goto(project_url)
        scope = page.locator("section.card", has_text=form)
        for name, value in values.items():
            scope.locator(f"[name={name}]").fill(value)
        scope.get_by_role("button").last.click()
        assert made in web.flash(), form

    on_project("Add cost codes", {"cost_codes": "09-200: SUBCONTRACT"}, "Done.")
    on_project("Add budget lines", {"lines": "03-300 | SUBCONTRACT | 90000\n09-200 | SUBCONTRACT | 10000"}, "Done.")
    on_project("Create a budget modification", {"from_cost_code": "03-300", "from_cost_type": "SUBCONTRACT",
                                                "to_cost_code": "09-200", "to_cost_type": "SUBCONTRACT",
                                                "amount": "2500"}, "is made")
    on_project("Create a purchase order", {"title": "Rebar",
                                           "lines": "03-300 | SUBCONTRACT | 4 | 500 | ton | Rebar"}, "is made")
    order_url = page.url
    on_project("Create the prime contract", {"title": "Owner contract",
                                             "lines": "Base building | 400000 | 03-300 | SUBCONTRACT"}, "is made")
    page.locator("section.card", has_text="Create a prime contract change order").locator("[name=lines]") \
        .fill("03-300 | SUBCONTRACT | 9000 | Upgrade")
    page.get_by_role("button", name="Create the PCCO").click()
    assert "is made" in web.flash()
    assert "approved" in click(web, "Approve")

    page.goto(order_url)
    page.locator("#new-change-order [name=lines]").fill("1 | 500 | More rebar")
    page.get_by_role("button", name="Create the change order").click()
    assert "is made" in web.flash()

    page.goto(project_url)
    page.get_by_role("link", name="Budget #").first.click()
    assert "locked" in click(web, "Lock the budget")
    click(web, "Send to ERP")
    assert "accepted and synced" in accept(web, seat, "Budget")

    web.goto(f"/seats/{seat}/erp-integrations")
    for label in ("Jobs", "Vendors", "Job costs", "Commitment payments"):
        page.locator("form.card", has_text=label).first.get_by_role("button").click()
        assert "Procore refused" not in web.flash(), label
    page.locator("form.card", has_text="Refresh cost codes").get_by_role("button").click()
    assert "cost" in web.flash()
    page.get_by_role("link", name="Ready to Import").click()
    assert page.locator("h2", has_text="Ready to Import").count() == 1
    page.get_by_role("link", name="ERP Job Costs").click()
    assert "Annex" in page.content()

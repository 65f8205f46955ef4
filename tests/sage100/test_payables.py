"""Payable invoices, vendor payments and job cost."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from simulator.clock import Clock
from simulator.sage100.payables import term_date

from .helpers import Api, configure, refused, set_check

JOB, CODE = 1003, 2.4


@pytest.fixture
def sub(api: Api) -> dict[str, Any]:
    """Subcontract SC-1 with vendor 102 on job 1003: one 6,000 line at 10% retention, budget 10,000."""
    api.add("bdglin", {"recnum": JOB, "cstcde": CODE, "subbdg": 10000, "matbdg": 5000})
    return api.add("subcon", {"ctcnum": "SC-1", "vndnum": 102, "jobnum": JOB, "rtnrte": 10,
                              "sbcnln": [{"cstcde": CODE, "csttyp": 4, "amount": 6000}]})


def invoice(api: Api, amount: float = 1000, expect: int = 201, **extra: Any) -> Any:
    body = {"invnum": extra.pop("invnum", "INV-1"), "vndnum": 102, "ctcnum": "SC-1",
            "apivln": [{"cstcde": CODE, "csttyp": 4, "extttl": amount, "prtdsc": "Progress"}], **extra}
    result = api.insert("acpinv", body, status=expect)
    return result["record"] if expect == 201 else result


def pay(api: Api, inv: dict[str, Any], amount: float, status: int = 201) -> Any:
    return api.insert("acppmt", {"_idref": inv["_idnum"], "amount": amount, "chknum": "1001"}, status=status)


def sub_figures(api: Api) -> tuple[float, float]:
    record = api.get("subcon", 1)
    return record["invttl"], record["balttl"]


# -- entry ----------------------------------------------------------------------------


@pytest.mark.parametrize(("terms", "due"), [("30DY", "2026-04-14"), ("10TH", "2026-04-10"), ("02MO", "2026-05-15"),
                                            (None, None)])
def test_terms_give_due_dates(terms: str | None, due: str | None) -> None:
    assert term_date("2026-03-15", terms) == due


def test_month_end_terms_clamp() -> None:
    assert term_date("2026-01-31", "01MO") == "2026-02-28"
    assert term_date("2026-12-20", "31TH") == "2027-01-31"


def test_invoice_defaults_come_from_vendor_and_subcontract(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api, invdte="2026-03-15")
    assert inv["jobnum"] == JOB and inv["phsnum"] == 0  # from the subcontract
    assert inv["duedte"] == "2026-04-14" and inv["dscdte"] is None and inv["actper"] == 3
    assert (inv["invttl"], inv["retain"], inv["invnet"], inv["invbal"]) == (1000, 100, 900, 1000)
    assert (inv["status"], inv["invtyp"], inv["posted"]) == (1, 1, False)
    assert inv["apivln"][0]["ctclin"] == 1 and inv["apivln"][0]["jobnum"] == JOB
    api.modify("actpay", 102, {"dscdte": "10TH"})
    assert invoice(api, invnum="INV-2", invdte="2026-03-15")["dscdte"] == "2026-04-10"


def test_retention_can_be_flat_or_per_line(api: Api, sub: dict[str, Any]) -> None:
    assert invoice(api, retain=55)["retain"] == 55
    inv = api.add("acpinv", {"invnum": "INV-2", "vndnum": 102, "ctcnum": "SC-1", "apivln": [
        {"cstcde": CODE, "csttyp": 4, "extttl": 100, "hldamt": 7}, {"cstcde": CODE, "csttyp": 4, "extttl": 50}]})
    assert inv["retain"] == 7 and inv["invnet"] == 143
    line = api.add("apivln", {"_idref": inv["_idnum"], "cstcde": CODE, "csttyp": 4, "extttl": 10, "hldamt": 1})
    assert line["linnum"] == 3 and api.get("acpinv", inv["recnum"])["retain"] == 8
    # Back to the subcontract's rate once the flat amount is cleared.
    assert api.modify("acpinv", 1, {"retain": None})["record"]["retain"] == 100


def test_invoice_lines_are_checked(api: Api, sub: dict[str, Any]) -> None:
    api.add("actpay", {"recnum": 800, "vndnme": "Office Supply"})
    inv = api.add("acpinv", {"invnum": "OFF-1", "vndnum": 800, "apivln": [{"extttl": 25, "actnum": 6100}]})
    assert inv["jobnum"] is None and inv["invttl"] == 25
    base = {"_idref": inv["_idnum"]}
    refused(api.insert("apivln", {**base, "jobnum": JOB, "extttl": 1}, status=409), "job_cost_distribution",
            field="cstcde")
    refused(api.insert("apivln", {**base, "prtdsc": "no amount"}, status=409), "required", field="extttl")
    refused(api.insert("apivln", {**base, "linqty": 2, "linprc": 3, "extttl": 7}, status=409), "extended_total")
    line = api.add("apivln", {**base, "linqty": 2, "linprc": 3.5})
    assert line["extttl"] == 7
    assert api.modify("apivln", line["_idnum"], {"linqty": 4})["record"]["extttl"] == 14
    refused(api.insert("apivln", {**base, "jobnum": 4444, "cstcde": CODE, "csttyp": 1, "extttl": 1}, status=409),
            "job_exists")
    refused(api.insert("apivln", {"_idref": 999, "extttl": 1}, status=409), "header_exists")


def test_subcontract_lines_are_matched_or_named(api: Api, sub: dict[str, Any]) -> None:
    api.add("sbcnln", {"recnum": 1, "cstcde": CODE, "csttyp": 4, "amount": 10})
    body = invoice(api, expect=409)
    refused(body, "subcontract_line_exists", field="ctclin")
    assert "2 lines" in body["error"]["message"]
    inv = api.add("acpinv", {"invnum": "INV-1", "vndnum": 102, "ctcnum": "SC-1",
                             "apivln": [{"cstcde": CODE, "csttyp": 4, "extttl": 10, "ctclin": 2}]})
    assert inv["apivln"][0]["ctclin"] == 2
    refused(api.insert("apivln", {"_idref": inv["_idnum"], "cstcde": CODE, "csttyp": 4, "extttl": 1, "ctclin": 7},
                       status=409), "subcontract_line_exists")
    refused(api.insert("apivln", {"_idref": inv["_idnum"], "cstcde": CODE, "csttyp": 1, "extttl": 1},
                       status=409), "subcontract_line_exists")


def test_invoice_links_must_agree(api: Api, sub: dict[str, Any]) -> None:
    api.add("pchord", {"ordnum": "PO-1", "vndnum": 104, "jobnum": JOB})
    cases = [({"ctcnum": "SC-404"}, "subcontract_exists"), ({"ctcnum": None, "pchord": "PO-404"}, "po_exists"),
             ({"pchord": "PO-1"}, "one_commitment"), ({"vndnum": 103}, "commitment_vendor"),
             ({"jobnum": 1001}, "commitment_job"), ({"vndnum": 4040}, "vendor_exists"),
             ({"status": 4}, "status_set_by_system"), ({"status": 5}, "status_set_by_system")]
    for extra, rule in cases:
        refused(invoice(api, expect=409, **extra), rule, table="acpinv")
    assert api.list("acpinv")["count"] == 0


# -- status ---------------------------------------------------------------------------------


def test_users_set_open_review_and_dispute_only(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api)
    for status in (2, 3, 1, 3, 2):
        assert api.modify("acpinv", inv["recnum"], {"status": status})["record"]["status"] == status
    for status in (4, 5):
        refused(api.modify("acpinv", inv["recnum"], {"status": status}, status=409), "status_set_by_system")


def test_payment_sets_paid_and_removing_it_restores_the_status(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api)
    api.modify("acpinv", inv["recnum"], {"status": 2})
    api.action("acpinv", inv["recnum"], "post")
    payment = pay(api, inv, 1000)["record"]
    assert (payment["vndnum"], payment["invnum"], payment["jobnum"]) == (102, "INV-1", JOB)
    paid = api.get("acpinv", inv["recnum"])
    assert (paid["status"], paid["amtpad"], paid["invbal"]) == (4, 1000, 0)
    refused(api.modify("acpinv", inv["recnum"], {"status": 1}, status=409), "status_set_by_system")
    api.delete("acppmt", payment["recnum"])
    back = api.get("acpinv", inv["recnum"])
    assert (back["status"], back["amtpad"], back["invbal"]) == (2, 0, 1000)


def test_retention_keeps_an_invoice_open_until_paid(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api)
    api.action("acpinv", inv["recnum"], "post")
    pay(api, inv, 900)
    after = api.get("acpinv", inv["recnum"])
    assert (after["status"], after["invbal"], after["retain"]) == (1, 100, 100)
    pay(api, inv, 100)
    assert api.get("acpinv", inv["recnum"])["status"] == 4


def test_void_is_set_by_the_void_action(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api)
    api.action("acpinv", inv["recnum"], "post")
    assert api.list("jobcst", jobnum=JOB)["records"][0]["status"] == 1
    pay(api, inv, 10)
    refused(api.action("acpinv", inv["recnum"], "void", status=409), "invoice_has_payments")
    api.delete("acppmt", 1)
    voided = api.action("acpinv", inv["recnum"], "void")["record"]
    assert voided["status"] == 5
    assert api.list("jobcst", jobnum=JOB)["records"][0]["status"] == 2
    refused(api.modify("acpinv", inv["recnum"], {"dscrpt": "x"}, status=409), "void_invoice")
    refused(api.action("acpinv", inv["recnum"], "void", status=409), "void_invoice")
    refused(api.action("acpinv", inv["recnum"], "post", status=409), "void_invoice")
    refused(pay(api, inv, 1, status=409), "invoice_void")


# -- posting and job cost ------------------------------------------------------------------


def test_posting_writes_job_cost(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api, invdte="2026-03-02", apivln=[
        {"cstcde": CODE, "csttyp": 4, "extttl": 700, "prtdsc": "Haul"},
        {"cstcde": CODE, "csttyp": 4, "extttl": 300, "ctclin": 1}])
    assert api.list("jobcst")["count"] == 0  # invoices from the API arrive unposted
    posted = api.action("acpinv", inv["recnum"], "post")["record"]
    assert posted["posted"] is True
    costs = api.list("jobcst", jobnum=JOB)["records"]
    assert [(c["cstamt"], c["srcnum"], c["trnnum"], c["trndte"], c["vndnum"], c["csttyp"]) for c in costs] == [
        (700, 2, "INV-1", "2026-03-02", 102, 4), (300, 2, "INV-1", "2026-03-02", 102, 4)]
    assert costs[0]["dscrpt"] == "Haul"
    refused(api.action("acpinv", inv["recnum"], "post", status=409), "already_posted")
    refused(api.modify("acpinv", inv["recnum"], {"invnum": "INV-9"}, status=409), "posted_invoice", field="invnum")
    refused(api.insert("apivln", {"_idref": inv["_idnum"], "extttl": 1, "cstcde": CODE, "csttyp": 4}, status=409),
            "posted_invoice")
    refused(api.delete("apivln", inv["apivln"][0]["_idnum"], status=409), "posted_invoice")
    refused(api.delete("acpinv", inv["recnum"], status=409), "posted_invoice")
    refused(api.modify("jobcst", costs[0]["recnum"], {"cstamt": 1}, status=409), "payables_source")
    refused(api.delete("jobcst", costs[0]["recnum"], status=409), "payables_source")
    # Releasing retention on a posted invoice is allowed [SH-ret].
    assert api.modify("acpinv", inv["recnum"], {"retain": 0})["record"]["invnet"] == 1000


def test_companies_can_post_on_entry(sage_app: Starlette, api: Api, sub: dict[str, Any]) -> None:
    configure(sage_app, invoices_arrive_unposted=False)
    assert invoice(api)["posted"] is True
    assert api.list("jobcst")["count"] == 1


def test_cost_over_budget_on_posting(sage_app: Starlette, api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api, amount=9000, apivln=[{"cstcde": CODE, "csttyp": 1, "extttl": 6000, "ctclin": 1}])
    set_check(sage_app, "cost_over_budget", "Not allow")
    err = refused(api.action("acpinv", inv["recnum"], "post", status=409), "cost_over_budget", table="jobcst")
    assert "6,000.00" in err["message"] and "5,000.00" in err["message"] and "1-Material" in err["message"]
    assert api.get("acpinv", inv["recnum"])["posted"] is False and api.list("jobcst")["count"] == 0
    set_check(sage_app, "cost_over_budget", "Warning")
    result = api.action("acpinv", inv["recnum"], "post")
    assert [w["rule"] for w in result["warnings"]] == ["cost_over_budget"]
    api.action("acpinv", inv["recnum"], "void")
    set_check(sage_app, "cost_over_budget", "Not allow")
    # The voided cost no longer counts against the budget.
    api.add("jobcst", {"jobnum": JOB, "cstcde": CODE, "csttyp": 1, "cstamt": 5000, "trnnum": "JC-1",
                       "trndte": "2026-03-01", "dscrpt": "Stock"})


def test_direct_job_cost(sage_app: Starlette, api: Api) -> None:
    body = {"jobnum": 1001, "cstcde": 3.3, "csttyp": 2, "cstamt": 125.5, "csthrs": 4, "trnnum": "PR-17",
            "trndte": "2026-03-01", "dscrpt": "Crew", "srcnum": 3, "empnum": 12}
    cost = api.add("jobcst", body)
    assert (cost["status"], cost["srcnum"]) == (1, 3)
    refused(api.insert("jobcst", {**body, "srcnum": 2}, status=409), "payables_source", field="srcnum")
    refused(api.insert("jobcst", {**body, "phsnum": 4}, status=409), "phase_belongs_to_job")
    refused(api.insert("jobcst", {**body, "vndnum": 4040}, status=409), "vendor_exists")
    refused(api.insert("jobcst", {**body, "jobnum": 4040}, status=409), "job_exists")
    assert api.modify("jobcst", cost["recnum"], {"cstamt": 99})["record"]["cstamt"] == 99
    api.modify("jobcst", cost["recnum"], {"status": 2})
    refused(api.modify("jobcst", cost["recnum"], {"status": 1}, status=409), "void_is_final")
    api.delete("jobcst", cost["recnum"])


def test_cost_over_budget_modes(sage_app: Starlette, api: Api) -> None:
    line = api.list("bdglin", recnum=1001, cstcde=3.3)["records"][0]
    body = {"jobnum": 1001, "cstcde": 3.3, "csttyp": 2, "cstamt": line["labbdg"], "trnnum": "JC-1",
            "trndte": "2026-03-01", "dscrpt": "Labor"}
    assert api.insert("jobcst", body)["warnings"] == []  # exactly on budget
    over = api.insert("jobcst", {**body, "cstamt": 0.01})
    assert [w["rule"] for w in over["warnings"]] == ["cost_over_budget"]
    set_check(sage_app, "cost_over_budget", "No message")
    assert api.insert("jobcst", {**body, "cstamt": 1})["warnings"] == []
    set_check(sage_app, "cost_over_budget", "Not allow", tolerance_amount="5")
    api.insert("jobcst", {**body, "cstamt": 3.99})
    refused(api.insert("jobcst", {**body, "cstamt": 0.01}, status=409), "cost_over_budget", field="cstamt")
    # Lowering a cost is never refused.
    api.modify("jobcst", 1, {"cstamt": 0})


# -- commitments and checks ---------------------------------------------------------------


def test_invoice_over_subcontract(sage_app: Starlette, api: Api, sub: dict[str, Any]) -> None:
    invoice(api, amount=5000)
    second = api.insert("acpinv", {"invnum": "INV-2", "vndnum": 102, "ctcnum": "SC-1",
                                   "apivln": [{"cstcde": CODE, "csttyp": 4, "extttl": 1500}]})
    [warning] = second["warnings"]
    assert warning["rule"] == "invoice_over_subcontract" and "6,500.00" in warning["message"]
    set_check(sage_app, "invoice_over_subcontract", "Not allow")
    refused(api.insert("apivln", {"_idref": 1, "cstcde": CODE, "csttyp": 4, "extttl": 1}, status=409),
            "invoice_over_subcontract", table="acpinv")
    api.action("acpinv", 2, "void")  # a void invoice no longer counts
    api.add("apivln", {"_idref": 1, "cstcde": CODE, "csttyp": 4, "extttl": 1000})


def test_invoice_over_po_and_po_balance(sage_app: Starlette, api: Api) -> None:
    po = api.add("pchord", {"ordnum": "PO-1", "vndnum": 104, "jobnum": 1001, "pcorln": [
        {"cstcde": 3.3, "csttyp": 1, "linqty": 10, "linprc": 50}]})
    inv = api.add("acpinv", {"invnum": "M-1", "vndnum": 104, "pchord": "po-1",
                             "apivln": [{"cstcde": 3.3, "csttyp": 1, "extttl": 200}]})
    assert inv["jobnum"] == 1001 and api.get("pchord", po["recnum"])["pchbal"] == 300
    set_check(sage_app, "invoice_over_po", "Not allow")
    refused(api.insert("acpinv", {"invnum": "M-2", "vndnum": 104, "pchord": "PO-1",
                                  "apivln": [{"cstcde": 3.3, "csttyp": 1, "extttl": 300.01}]}, status=409),
            "invoice_over_po")
    refused(api.modify("pchord", po["recnum"], {"vndnum": 105}, status=409), "po_has_invoices")
    api.delete("acpinv", inv["recnum"])
    assert api.get("pchord", po["recnum"])["pchbal"] == 500
    api.delete("pchord", po["recnum"])


def test_duplicate_invoice_numbers(sage_app: Starlette, api: Api, sub: dict[str, Any]) -> None:
    invoice(api)
    dup = api.insert("acpinv", {"invnum": "inv-1", "vndnum": 102, "ctcnum": "SC-1"})
    assert [w["rule"] for w in dup["warnings"]] == ["duplicate_invoice_number"]
    assert dup["record"]["invnum"] == "inv-1"  # saved, with the warning
    configure(sage_app, duplicate_invoice_check="Not allow")
    refused(api.insert("acpinv", {"invnum": "Inv-1", "vndnum": 102, "ctcnum": "SC-1"}, status=409),
            "duplicate_invoice_number", field="invnum")
    api.modify("actpay", 102, {"dupchk": False})
    api.insert("acpinv", {"invnum": "INV-1", "vndnum": 102, "ctcnum": "SC-1"})
    api.modify("actpay", 102, {"dupchk": True})
    configure(sage_app, duplicate_invoice_check="No message")
    assert api.insert("acpinv", {"invnum": "INV-1", "vndnum": 102, "ctcnum": "SC-1"})["warnings"] == []


def test_vendor_purchase_order_rule(api: Api) -> None:
    api.add("actpay", {"recnum": 600, "vndnme": "Warns", "pomesg": 1, "intrnl": True})
    api.add("actpay", {"recnum": 601, "vndnme": "Requires", "pomesg": 2})
    warned = api.insert("acpinv", {"invnum": "W-1", "vndnum": 600})
    assert sorted(w["rule"] for w in warned["warnings"]) == ["internal_vendor", "vendor_requires_po"]
    refused(api.insert("acpinv", {"invnum": "R-1", "vndnum": 601}, status=409), "vendor_requires_po")
    api.add("pchord", {"ordnum": "PO-R", "vndnum": 601})
    assert api.insert("acpinv", {"invnum": "R-1", "vndnum": 601, "pchord": "PO-R"})["warnings"] == []


# -- payments ------------------------------------------------------------------------------


def test_payment_rules(sage_app: Starlette, api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api)
    refused(pay(api, inv, 10, status=409), "invoice_not_posted", field="_idref")
    api.action("acpinv", inv["recnum"], "post")
    refused(pay(api, inv, 1000.01, status=409), "overpayment", field="amount")
    refused(api.insert("acppmt", {"_idref": 999, "amount": 1}, status=409), "invoice_exists")
    refused(api.insert("acppmt", {"_idref": inv["_idnum"], "amount": 0}, status=400), "minimum")
    api.modify("acpinv", inv["recnum"], {"status": 3})
    refused(pay(api, inv, 10, status=409), "invoice_disputed")
    configure(sage_app, refuse_payment_on_dispute=False)
    payment = pay(api, inv, 10)["record"]
    api.modify("subcon", 1, {"paysts": True})
    refused(pay(api, inv, 10, status=409), "hold_pay")
    api.modify("subcon", 1, {"paysts": False})
    refused(api.modify("acppmt", payment["recnum"], {"amount": 1000.5}, status=409), "overpayment")
    assert api.modify("acppmt", payment["recnum"], {"amount": 1000})["record"]["amount"] == 1000
    assert api.get("acpinv", inv["recnum"])["status"] == 4
    refused(api.modify("acppmt", payment["recnum"], {"_idref": 5}, status=400), "read_only")


def test_paying_updates_the_subcontract(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api, amount=1000)
    api.action("acpinv", inv["recnum"], "post")
    assert sub_figures(api) == (0, 6000)  # invoiced moves as the invoice is paid (the default)
    pay(api, inv, 450)
    assert sub_figures(api) == (450, 5550)
    assert api.get("sbcnln", sub["sbcnln"][0]["_idnum"])["billed"] == 450
    pay(api, inv, 550)
    assert api.get("acpinv", inv["recnum"])["status"] == 4
    assert sub_figures(api) == (1000, 5000)
    assert api.get("sbcnln", sub["sbcnln"][0]["_idnum"])["remain"] == 5000
    api.delete("acppmt", 2)
    assert sub_figures(api) == (450, 5550)


def test_subcontract_invoiced_on_posting(sage_app: Starlette, api: Api, sub: dict[str, Any]) -> None:
    configure(sage_app, subcontract_invoiced_on="post")
    inv = invoice(api, amount=1000)
    assert sub_figures(api) == (0, 6000)
    api.action("acpinv", inv["recnum"], "post")
    assert sub_figures(api) == (1000, 5000)
    pay(api, inv, 1000)
    assert sub_figures(api) == (1000, 5000)
    refused(api.delete("sbcnln", sub["sbcnln"][0]["_idnum"], status=409), "line_has_activity")


def test_keyset_paging_and_filters(api: Api, clock: Clock) -> None:
    base = {"jobnum": 1002, "cstcde": 3.2, "csttyp": 2, "cstamt": 1, "trndte": "2026-03-01", "dscrpt": "x"}
    for i in range(25):
        api.insert("jobcst", {**base, "trnnum": f"T{i}", "jobnum": 1002 if i % 2 else 1003,
                              "cstcde": 3.2 if i % 2 else 6.1})
    seen, after = [], 0
    while True:
        page = api.list("jobcst", jobnum=1002, limit=4, after=after)
        seen += [r["trnnum"] for r in page["records"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert seen == [f"T{i}" for i in range(1, 25, 2)]
    assert api.list("jobcst", trnnum="T3")["records"][0]["jobnum"] == 1002
    assert api.list("jobcst", jobnum=4242)["count"] == 0
    clock.advance(120)
    api.modify("jobcst", 5, {"dscrpt": "changed"})
    later = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [r["recnum"] for r in api.list("jobcst", updated_since=later)["records"]] == [5]


def test_unposted_invoice_lines_can_change_and_go(api: Api, sub: dict[str, Any]) -> None:
    inv = invoice(api, amount=600)
    line = api.add("apivln", {"_idref": inv["_idnum"], "cstcde": CODE, "csttyp": 4, "extttl": 400})
    assert api.get("acpinv", inv["recnum"])["invttl"] == 1000
    api.modify("apivln", line["_idnum"], {"extttl": 150})
    assert api.get("acpinv", inv["recnum"])["invttl"] == 750
    api.delete("apivln", line["_idnum"])
    after = api.get("acpinv", inv["recnum"])
    assert (after["invttl"], after["retain"], len(after["apivln"])) == (600, 60, 1)
    api.delete("acpinv", inv["recnum"])
    assert api.list("apivln")["count"] == 0
    api.delete("subcon", 1)  # nothing refers to the subcontract any more

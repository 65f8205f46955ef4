"""Subcontracts, purchase orders and change orders: totals kept true, Sage's checks, status transitions."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from .helpers import Api, configure, refused, set_check

JOB, CODE = 1003, 2.4  # a job and a cost code the demo budget leaves alone


@pytest.fixture
def budget(api: Api) -> dict[str, Any]:
    """Job 1003, cost code 2.400: subcontract budget 10,000, material 5,000."""
    return api.add("bdglin", {"recnum": JOB, "cstcde": CODE, "subbdg": 10000, "suborg": 10000, "matbdg": 5000})


def subcontract(api: Api, *amounts: float, ctcnum: str = "SC-1", **extra: Any) -> dict[str, Any]:
    lines = [{"cstcde": CODE, "csttyp": 4, "amount": a, "dscrpt": f"line {i}"} for i, a in enumerate(amounts, 1)]
    result = api.insert("subcon", {"ctcnum": ctcnum, "vndnum": 102, "jobnum": JOB, "dscrpt": "Demolition",
                                   "rtnrte": 10, "sbcnln": lines, **extra})
    return result["record"]  # type: ignore[no-any-return]


def figures(record: dict[str, Any]) -> tuple[float, ...]:
    return tuple(record[k] for k in ("cntttl", "chgttl", "ctcttl", "invttl", "balttl"))


# -- subcontracts --------------------------------------------------------------------


def test_subcontract_totals_follow_its_lines(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 6000, 3000)
    assert figures(sub) == (9000, 0, 9000, 0, 9000)
    assert [(line["linnum"], line["cntrct"], line["remain"]) for line in sub["sbcnln"]] == [(1, 6000, 6000),
                                                                                              (2, 3000, 3000)]
    assert sub["entdte"] and sub["usrnme"] == "api" and sub["status"] == 3
    line = api.add("sbcnln", {"recnum": sub["recnum"], "cstcde": CODE, "amount": 500})
    assert line["linnum"] == 3 and line["csttyp"] == 4
    assert figures(api.get("subcon", sub["recnum"])) == (9500, 0, 9500, 0, 9500)
    api.modify("sbcnln", line["_idnum"], {"amount": 250.5})
    assert api.get("subcon", sub["recnum"])["ctcttl"] == 9250.5
    api.delete("sbcnln", line["_idnum"])
    assert api.get("subcon", sub["recnum"])["ctcttl"] == 9000
    assert api.list("sbcnln", recnum=sub["recnum"])["count"] == 2


def test_subcontract_line_rules(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 100)
    refused(api.insert("sbcnln", {"recnum": sub["recnum"], "linnum": 1, "cstcde": CODE}, status=409),
            "linnum_unique")
    refused(api.insert("sbcnln", {"recnum": 999, "cstcde": CODE}, status=409), "header_exists", field="recnum")
    refused(api.insert("sbcnln", {"recnum": sub["recnum"], "cstcde": 42.0}, status=409), "cost_code_exists")
    refused(api.insert("sbcnln", {"recnum": sub["recnum"], "cstcde": CODE, "change": 5}, status=400), "read_only")
    refused(api.insert("subcon", {"ctcnum": "sc-1", "vndnum": 102, "jobnum": JOB}, status=409), "ctcnum_unique")
    refused(api.insert("subcon", {"ctcnum": "SC-2", "vndnum": 102, "jobnum": 4444}, status=409), "job_exists")
    refused(api.insert("subcon", {"ctcnum": "SC-2", "vndnum": 102, "jobnum": JOB, "phsnum": 3}, status=409),
            "phase_belongs_to_job")


def test_lock_edit_freezes_a_subcontract(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 100)
    api.modify("subcon", sub["recnum"], {"lckedt": True})
    refused(api.modify("subcon", sub["recnum"], {"dscrpt": "changed"}, status=409), "subcontract_locked")
    refused(api.insert("sbcnln", {"recnum": sub["recnum"], "cstcde": CODE}, status=409), "subcontract_locked")
    refused(api.modify("sbcnln", sub["sbcnln"][0]["_idnum"], {"amount": 1}, status=409), "subcontract_locked")
    api.modify("subcon", sub["recnum"], {"lckedt": False})
    assert api.modify("subcon", sub["recnum"], {"dscrpt": "changed"})["record"]["dscrpt"] == "changed"


def test_subcontract_over_budget_warns_by_default(api: Api, budget: dict[str, Any]) -> None:
    result = api.insert("subcon", {"ctcnum": "SC-1", "vndnum": 102, "jobnum": JOB,
                                   "sbcnln": [{"cstcde": CODE, "amount": 12000}]})
    assert result["record"]["ctcttl"] == 12000  # saved
    [warning] = result["warnings"]
    assert warning["rule"] == "subcontract_over_budget" and warning["table"] == "subcon"
    assert "12,000.00" in warning["message"] and "10,000.00" in warning["message"]
    assert "2.400" in warning["message"] and "4-Subcontract" in warning["message"]


def test_subcontract_over_budget_no_message(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    set_check(sage_app, "subcontract_over_budget", "No message")
    assert api.insert("subcon", {"ctcnum": "SC-1", "vndnum": 102, "jobnum": JOB,
                                 "sbcnln": [{"cstcde": CODE, "amount": 12000}]})["warnings"] == []


def test_subcontract_over_budget_not_allow(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    set_check(sage_app, "subcontract_over_budget", "Not allow")
    body = api.insert("subcon", {"ctcnum": "SC-1", "vndnum": 102, "jobnum": JOB,
                                 "sbcnln": [{"cstcde": CODE, "amount": 12000}]}, status=409)
    err = refused(body, "subcontract_over_budget", table="subcon")
    assert "Not allow" in err["message"]
    assert api.list("subcon")["count"] == 0 and api.list("sbcnln")["count"] == 0
    sub = subcontract(api, 8000)  # within budget
    # A second subcontract on the same cell counts with the first.
    refused(api.insert("subcon", {"ctcnum": "SC-2", "vndnum": 103, "jobnum": JOB,
                                  "sbcnln": [{"cstcde": CODE, "amount": 2001}]}, status=409), "subcontract_over_budget")
    refused(api.modify("sbcnln", sub["sbcnln"][0]["_idnum"], {"amount": 10000.01}, status=409),
            "subcontract_over_budget", table="sbcnln")
    assert api.get("subcon", sub["recnum"])["ctcttl"] == 8000


def test_tolerance_widens_the_budget(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    set_check(sage_app, "subcontract_over_budget", "Not allow", tolerance_percent="10", tolerance_amount="50")
    subcontract(api, 11050)  # 10,000 + 10% + 50
    refused(api.insert("sbcnln", {"recnum": 1, "cstcde": CODE, "amount": 0.01}, status=409),
            "subcontract_over_budget")


def test_refused_subcontracts_commit_nothing(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    set_check(sage_app, "subcontract_over_budget", "Not allow")
    first = subcontract(api, 9000)
    refused(api.insert("subcon", {"ctcnum": "SC-2", "vndnum": 103, "jobnum": JOB,
                                  "sbcnln": [{"cstcde": CODE, "amount": 5000}]}, status=409), "subcontract_over_budget")
    api.modify("subcon", first["recnum"], {"status": 2})  # 2-Refused
    subcontract(api, 5000, ctcnum="SC-2")
    refused(api.modify("subcon", first["recnum"], {"status": 3}, status=409), "subcontract_over_budget")


def test_subcontract_can_move_job_until_invoiced(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 100)
    api.add("bdglin", {"recnum": 1002, "cstcde": CODE, "subbdg": 100})
    assert api.modify("subcon", sub["recnum"], {"jobnum": 1002})["warnings"] == []
    api.insert("acpinv", {"invnum": "A1", "vndnum": 102, "ctcnum": "SC-1", "apivln": [{"extttl": 10,
                                                                                      "cstcde": CODE,
                                                                                      "csttyp": 4}]})
    refused(api.modify("subcon", sub["recnum"], {"jobnum": JOB}, status=409), "subcontract_has_invoices")
    refused(api.delete("subcon", sub["recnum"], status=409), "subcontract_has_invoices")


def test_a_subcontract_without_invoices_can_be_removed(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 100, 200)
    api.delete("subcon", sub["recnum"])
    assert api.list("sbcnln")["count"] == 0
    subcontract(api, 10000, ctcnum="SC-1")  # its commitment was released: no warning
    assert api.insert("sbcnln", {"recnum": sub["recnum"] + 1, "cstcde": CODE, "amount": 1})["warnings"]


# -- purchase orders --------------------------------------------------------------------


def test_purchase_order_totals_and_appended_lines(api: Api, budget: dict[str, Any]) -> None:
    po = api.add("pchord", {"ordnum": "PO-7", "vndnum": 104, "jobnum": JOB, "slstax": 12.5, "pcorln": [
        {"cstcde": CODE, "csttyp": 1, "linqty": 10, "linprc": 12.345, "dscrpt": "Rebar"},
        {"cstcde": CODE, "csttyp": 1, "linqty": 2.5, "linprc": 100}]})
    assert [line["extttl"] for line in po["pcorln"]] == [123.45, 250]
    assert (po["subttl"], po["pchttl"], po["pchbal"], po["status"]) == (373.45, 385.95, 385.95, 1)
    # A change order appends below the existing lines.
    added = api.add("pcorln", {"recnum": po["recnum"], "cstcde": CODE, "csttyp": 1, "linqty": 1, "linprc": 10})
    assert added["linnum"] == 3
    api.modify("pcorln", po["pcorln"][0]["_idnum"], {"cancel": 23.45})
    po = api.get("pchord", po["recnum"])
    assert (po["subttl"], po["cancel"], po["pchttl"], po["pchbal"]) == (383.45, 23.45, 395.95, 372.5)
    refused(api.insert("pcorln", {"recnum": po["recnum"], "linnum": 2, "cstcde": CODE, "csttyp": 1}, status=409),
            "linnum_unique")
    refused(api.insert("pcorln", {"recnum": po["recnum"], "linqty": 1}, status=409), "job_cost_distribution",
            field="cstcde")
    refused(api.insert("pchord", {"ordnum": "po-7", "vndnum": 104}, status=409), "ordnum_unique")


def test_non_job_purchase_orders_need_no_cost_codes(api: Api) -> None:
    po = api.add("pchord", {"ordnum": "STOCK-1", "vndnum": 104, "pcorln": [{"linqty": 3, "linprc": 2}]})
    assert po["jobnum"] is None and po["pchttl"] == 6
    refused(api.insert("pchord", {"ordnum": "STOCK-2", "vndnum": 104, "phsnum": 1}, status=409),
            "phase_belongs_to_job")


def test_po_over_budget(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    lines = [{"cstcde": CODE, "csttyp": 1, "linqty": 1, "linprc": 6000}]
    result = api.insert("pchord", {"ordnum": "PO-1", "vndnum": 104, "jobnum": JOB, "pcorln": lines})
    assert [w["rule"] for w in result["warnings"]] == ["po_over_budget"]
    set_check(sage_app, "po_over_budget", "Not allow")
    refused(api.insert("pchord", {"ordnum": "PO-2", "vndnum": 104, "jobnum": JOB, "pcorln": lines}, status=409),
            "po_over_budget")
    api.modify("pchord", result["record"]["recnum"], {"status": 5})  # a void PO commits nothing
    api.add("pchord", {"ordnum": "PO-2", "vndnum": 104, "jobnum": JOB,
                       "pcorln": [{**lines[0], "linprc": 5000}]})


# -- change orders ------------------------------------------------------------------------


def change_order(api: Api, sub: dict[str, Any], status: int = 1, **extra: Any) -> dict[str, Any]:
    lines = [{"cstcde": CODE, "csttyp": 4, "bdgprc": 2000, "vndctc": sub["recnum"], "dscrpt": "Extra haul"},
             {"cstcde": CODE, "csttyp": 4, "bdgprc": 500, "vndctc": sub["recnum"], "ctclin": 1}]
    return api.insert("prmchg", {"jobnum": JOB, "dscrpt": "Added scope", "status": status, "sbcgln": lines,
                                 **extra})["record"]  # type: ignore[no-any-return]


def cell(api: Api) -> tuple[float, float]:
    line = api.list("bdglin", recnum=JOB, cstcde=CODE)["records"][0]
    return line["subbdg"], line["suborg"]


def test_approved_change_order_changes_budget_and_subcontract(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 6000)
    co = change_order(api, sub)
    assert co["chgnum"] == 1 and co["aprdte"] == co["chgdte"]
    # Blank subcontract line -> a new line (2); filled line 1 -> changed.
    assert [line["ctclin"] for line in co["sbcgln"]] == [2, 1]
    after = api.get("subcon", sub["recnum"])
    assert figures(after) == (6000, 2500, 8500, 0, 8500)
    assert [(l["amount"], l["change"], l["cntrct"]) for l in after["sbcnln"]] == [(6000, 500, 6500), (0, 2000, 2000)]
    assert cell(api) == (12500, 10000)  # budget + approved change; original untouched


@pytest.mark.parametrize("status", [2, 3, 4, 5, 6])
def test_unapproved_change_orders_change_nothing(api: Api, budget: dict[str, Any], status: int) -> None:
    sub = subcontract(api, 6000)
    co = change_order(api, sub, status=status)
    assert co["aprdte"] is None and [line["ctclin"] for line in co["sbcgln"]] == [None, 1]
    assert figures(api.get("subcon", sub["recnum"])) == (6000, 0, 6000, 0, 6000)
    assert cell(api) == (10000, 10000)


def test_change_order_status_transitions(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 6000)
    co = change_order(api, sub, status=2)
    seen = []
    for status in (1, 3, 1, 4, 1, 6, 1, 5, 2, 1):
        api.modify("prmchg", co["recnum"], {"status": status})
        seen.append((status, api.get("subcon", sub["recnum"])["chgttl"], cell(api)[0]))
    approved = [(s, c, b) for s, c, b in seen if s == 1]
    other = [(s, c, b) for s, c, b in seen if s != 1]
    assert all((c, b) == (2500, 12500) for _, c, b in approved)
    assert all((c, b) == (0, 10000) for _, c, b in other)
    # The line added on the first approval is reused afterwards, not added again.
    assert api.list("sbcnln", recnum=sub["recnum"])["count"] == 2


def test_void_can_be_final(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    configure(sage_app, void_change_orders_are_final=True)
    co = change_order(api, subcontract(api, 6000), status=5)
    refused(api.modify("prmchg", co["recnum"], {"status": 1}, status=409), "void_is_final", field="status")
    assert api.modify("prmchg", co["recnum"], {"dscrpt": "still editable"})["record"]["status"] == 5


def test_change_order_lines_are_approved_individually(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 6000)
    co = change_order(api, sub)
    first, second = co["sbcgln"]
    api.modify("sbcgln", second["_idnum"], {"chgsts": 6})  # line 2 rejected
    assert api.get("subcon", sub["recnum"])["chgttl"] == 2000 and cell(api)[0] == 12000
    api.modify("sbcgln", first["_idnum"], {"bdgprc": 2500})
    assert api.get("subcon", sub["recnum"])["chgttl"] == 2500 and cell(api)[0] == 12500
    api.delete("sbcgln", first["_idnum"])
    assert api.get("subcon", sub["recnum"])["chgttl"] == 0 and cell(api)[0] == 10000
    api.add("sbcgln", {"recnum": co["recnum"], "cstcde": CODE, "csttyp": 1, "bdgprc": 300})
    assert api.list("bdglin", recnum=JOB, cstcde=CODE)["records"][0]["matbdg"] == 5300


def test_deleting_an_approved_change_order_reverses_it(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 6000)
    co = change_order(api, sub)
    api.delete("prmchg", co["recnum"])
    assert figures(api.get("subcon", sub["recnum"])) == (6000, 0, 6000, 0, 6000)
    assert cell(api) == (10000, 10000) and api.list("sbcgln")["count"] == 0


def test_change_orders_can_leave_budget_lines_alone(sage_app: Starlette, api: Api, budget: dict[str, Any]) -> None:
    configure(sage_app, change_orders_update_budget=False)
    set_check(sage_app, "subcontract_over_budget", "Not allow")
    sub = subcontract(api, 10000)
    change_order(api, sub)
    assert cell(api) == (10000, 10000)
    # ... but the checks still count approved changes: 10,000 + 2,500 of budget for 12,500 committed.
    assert api.get("subcon", sub["recnum"])["ctcttl"] == 12500


def test_change_orders_create_budget_lines_when_missing(api: Api) -> None:
    co = api.insert("prmchg", {"jobnum": 1002, "status": 1, "sbcgln": [{"cstcde": 2.8, "csttyp": 3, "bdgprc": 75}]})
    line = api.list("bdglin", recnum=1002, cstcde=2.8)["records"][0]
    assert (line["eqpbdg"], line["eqporg"], line["ttlbdg"]) == (75, 0, 75)
    api.modify("prmchg", co["record"]["recnum"], {"status": 6})
    assert api.get("bdglin", line["_idnum"])["eqpbdg"] == 0


def test_change_order_numbers_run_per_phase(api: Api) -> None:
    api.add("jobphs", {"recnum": JOB, "phsnum": 1, "phsnme": "Shell"})
    numbers = [api.add("prmchg", {"jobnum": JOB, "phsnum": p})["chgnum"] for p in (0, 0, 1, 0, 1)]
    assert numbers == [1, 2, 1, 3, 2]
    refused(api.insert("prmchg", {"jobnum": JOB, "phsnum": 1, "chgnum": 2}, status=409), "chgnum_unique")
    assert api.add("prmchg", {"jobnum": JOB, "phsnum": 1, "chgnum": 9})["chgnum"] == 9


def test_change_order_line_rules(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 6000)
    api.add("bdglin", {"recnum": 1002, "cstcde": CODE, "subbdg": 10})
    other = api.add("subcon", {"ctcnum": "SC-OTHER", "vndnum": 102, "jobnum": 1002})
    co = api.add("prmchg", {"jobnum": JOB})
    base = {"recnum": co["recnum"], "cstcde": CODE, "csttyp": 4, "bdgprc": 1}
    refused(api.insert("sbcgln", {**base, "vndctc": other["recnum"]}, status=409), "subcontract_job")
    refused(api.insert("sbcgln", {**base, "vndctc": 77}, status=409), "subcontract_exists")
    refused(api.insert("sbcgln", {**base, "vndctc": sub["recnum"], "vndnum": 103}, status=409),
            "subcontract_vendor")
    refused(api.insert("sbcgln", {**base, "ctclin": 1}, status=409), "subcontract_line_needs_subcontract")
    refused(api.insert("sbcgln", {**base, "vndctc": sub["recnum"], "ctclin": 9}, status=409),
            "subcontract_line_exists")
    refused(api.insert("sbcgln", {**base, "recnum": 9999}, status=409), "header_exists")
    line = api.add("sbcgln", {**base, "vndctc": sub["recnum"]})
    assert line["vndnum"] == 102 and line["chgnum"] == co["chgnum"]
    refused(api.delete("subcon", sub["recnum"], status=409), "subcontract_in_change_order")


def test_subcontract_and_po_statuses(api: Api, budget: dict[str, Any]) -> None:
    sub = subcontract(api, 100)
    for status in (1, 2, 3, 4, 5, 6, 3):
        assert api.modify("subcon", sub["recnum"], {"status": status})["record"]["status"] == status
    refused(api.modify("subcon", sub["recnum"], {"status": 7}, status=400), "enum", field="status")
    po = api.add("pchord", {"ordnum": "PO-S", "vndnum": 104, "jobnum": JOB,
                            "pcorln": [{"cstcde": CODE, "csttyp": 1, "linqty": 1, "linprc": 10}]})
    for status in (2, 3, 4, 5, 6, 1):
        assert api.modify("pchord", po["recnum"], {"status": status})["record"]["status"] == status
    refused(api.modify("pchord", po["recnum"], {"status": 0}, status=400), "enum", field="status")


def test_purchase_order_lines_can_be_removed(api: Api, budget: dict[str, Any]) -> None:
    po = api.add("pchord", {"ordnum": "PO-D", "vndnum": 104, "jobnum": JOB, "pcorln": [
        {"cstcde": CODE, "csttyp": 1, "linqty": 1, "linprc": 10}, {"cstcde": CODE, "csttyp": 1, "linqty": 2,
                                                                   "linprc": 10}]})
    api.delete("pcorln", po["pcorln"][0]["_idnum"])
    after = api.get("pchord", po["recnum"])
    assert [line["linnum"] for line in after["pcorln"]] == [2] and after["pchttl"] == 20
    # The next appended line still goes below the last one.
    assert api.add("pcorln", {"recnum": po["recnum"], "cstcde": CODE, "csttyp": 1})["linnum"] == 3

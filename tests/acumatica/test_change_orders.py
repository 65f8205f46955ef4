"""Change orders (cost budget, revenue budget, commitments) and project transactions."""

from __future__ import annotations

from typing import Any

from tests.acumatica.conftest import Acu, val


def budget(acu: Acu, group: str, code: str, project: str = "1001") -> dict[str, Any]:
    lines = acu.one("ProjectBudget", **{"$filter": f"ProjectID eq '{project}' and AccountGroup eq '{group}' and "
                                                   f"CostCode eq '{code}'"})
    assert len(lines) == 1, lines
    return lines[0]


def open_subcontract(acu: Acu) -> str:
    sc = acu.ok("Subcontract", {"VendorID": "V101", "Details": [
        {"Project": "1001", "CostCode": "03-100", "ExtendedCost": 1000}]})
    nbr = val(sc, "SubcontractNbr")
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    return str(nbr)


def change_order(acu: Acu, **extra: Any) -> dict[str, Any]:
    return acu.ok("ChangeOrder", {
        "ProjectID": "1001", "Description": "Owner change 1", **extra,
        "CostBudget": [{"AccountGroup": "LABOR", "CostCode": "01-100", "Amount": 400}],
        "RevenueBudget": [{"AccountGroup": "REVENUE", "CostCode": "00-000", "Amount": 600}],
    }, **{"$expand": "CostBudget,RevenueBudget"})


def test_change_order_totals_and_defaults(acu: Acu) -> None:
    co = change_order(acu)
    assert val(co, "RefNbr") == "000001"
    assert val(co, "Status") == "On Hold"
    assert val(co, "Customer") == "C100"
    assert val(co, "CostBudgetChangeTotal") == 400.0
    assert val(co, "RevenueBudgetChangeTotal") == 600.0
    assert val(co, "GrossMarginAmount") == 200.0
    assert val(co, "GrossMargin") == 33.33
    revenue = co["RevenueBudget"][0]
    assert val(revenue, "ProjectTaskID") == "0000"
    assert val(revenue, "RevisedBudgetedAmount") == 1500600.0


def test_release_moves_budgets(acu: Acu) -> None:
    co = change_order(acu)
    keys = {"RefNbr": val(co, "RefNbr")}
    assert acu.action("ChangeOrder", "ReleaseChangeOrder", keys).status_code == 500  # still on hold
    acu.run("ChangeOrder", "RemoveChangeOrderFromHold", keys)
    assert val(acu.one(f"ChangeOrder/{keys['RefNbr']}"), "Status") == "Open"
    acu.run("ChangeOrder", "ReleaseChangeOrder", keys)
    assert val(acu.one(f"ChangeOrder/{keys['RefNbr']}"), "Status") == "Closed"
    revenue = budget(acu, "REVENUE", "00-000")
    assert val(revenue, "BudgetedCOAmount") == 600.0
    assert val(revenue, "RevisedBudgetedAmount") == 1500600.0
    labor = budget(acu, "LABOR", "01-100")
    assert val(labor, "BudgetedCOAmount") == 400.0
    r = acu.put("ChangeOrder", {"RefNbr": keys["RefNbr"], "Description": "late edit"})
    assert r.status_code == 422
    assert "not on hold" in r.json()["error"]


def test_change_order_revises_a_commitment(acu: Acu) -> None:
    nbr = open_subcontract(acu)
    co = acu.ok("ChangeOrder", {"ProjectID": "1001", "Hold": False, "Commitments": [
        {"POType": "Subcontract", "PONbr": nbr, "POLineNbr": 1, "Amount": 250},
        {"POType": "Subcontract", "PONbr": nbr, "CostCode": "03-200", "ProjectTaskID": "0000", "Amount": 75},
    ]}, **{"$expand": "Commitments"})
    assert val(co, "Status") == "Open"
    assert val(co, "CommitmentsChangeTotal") == 325.0
    line = co["Commitments"][0]
    assert val(line, "Vendor") == "V101"
    assert val(line, "CostCode") == "03-100"
    assert val(line, "PotentiallyRevisedAmount") == 1250.0
    acu.run("ChangeOrder", "ReleaseChangeOrder", {"RefNbr": val(co, "RefNbr")})
    sc = acu.one(f"Subcontract/{nbr}", **{"$expand": "Details"})
    assert [val(d, "ExtendedCost") for d in sc["Details"]] == [1250.0, 75.0]
    assert val(sc, "SubcontractTotal") == 1325.0
    revised = budget(acu, "SUBCONTRACT", "03-100")
    assert val(revised, "OriginalCommittedAmount") == 1000.0
    assert val(revised, "CommittedCOAmount") == 250.0
    assert val(revised, "RevisedCommittedAmount") == 1250.0
    assert val(budget(acu, "SUBCONTRACT", "03-200"), "CommittedOpenAmount") == 75.0


def test_change_order_rules(acu: Acu) -> None:
    acu.ok("Project", {"ProjectID": "NOCO", "Description": "x", "Hold": False,
                       "ProjectProperties": {"ChangeOrderWorkflow": False}})
    r = acu.put("ChangeOrder", {"ProjectID": "NOCO"})
    assert "change order workflow is not enabled" in r.json()["ProjectID"]["error"]
    r = acu.put("ChangeOrder", {"ProjectID": "1001",
                                "CostBudget": [{"AccountGroup": "REVENUE", "CostCode": "01-100", "Amount": 1}],
                                "RevenueBudget": [{"AccountGroup": "LABOR", "CostCode": "01-100", "Amount": 1}],
                                "Commitments": [{"PONbr": "NOPE", "Amount": 1}]})
    assert r.status_code == 422
    body = r.json()
    assert body["CostBudget"][0]["AccountGroup"]["error"] == "The account group must be of the Expense type."
    assert body["RevenueBudget"][0]["AccountGroup"]["error"] == "The account group must be of the Income type."
    assert body["Commitments"][0]["PONbr"]["error"] == "'PO Nbr.' cannot be found in the system."
    assert acu.put("ChangeOrder", {"Description": "no project"}).json()["ProjectID"]["error"] == \
        "'Project' cannot be empty."


def test_change_order_approval_flow(acu: Acu) -> None:
    acu.configure(approvals={"ChangeOrder": True})
    keys = {"RefNbr": val(change_order(acu), "RefNbr")}
    acu.run("ChangeOrder", "RemoveChangeOrderFromHold", keys)
    assert val(acu.one(f"ChangeOrder/{keys['RefNbr']}"), "Status") == "Pending Approval"
    acu.run("ChangeOrder", "RejectChangeOrder", keys)
    assert val(acu.one(f"ChangeOrder/{keys['RefNbr']}"), "Status") == "Rejected"
    acu.run("ChangeOrder", "HoldChangeOrder", keys)
    acu.run("ChangeOrder", "RemoveChangeOrderFromHold", keys)
    acu.run("ChangeOrder", "ApproveChangeOrder", keys)
    assert val(acu.one(f"ChangeOrder/{keys['RefNbr']}"), "Status") == "Open"


def test_reverse_change_order(acu: Acu) -> None:
    keys = {"RefNbr": val(change_order(acu, Hold=False), "RefNbr")}
    assert acu.action("ChangeOrder", "ReverseChangeOrder", keys).status_code == 500  # not released
    acu.run("ChangeOrder", "ReleaseChangeOrder", keys)
    acu.run("ChangeOrder", "ReverseChangeOrder", keys)
    original = acu.one(f"ChangeOrder/{keys['RefNbr']}")
    assert val(original, "ReverseStatus") == "Reversed"
    reversal = acu.one("ChangeOrder", **{"$filter": f"OriginalCORefNbr eq '{keys['RefNbr']}'",
                                         "$expand": "CostBudget"})[0]
    assert val(reversal, "Status") == "On Hold"
    assert val(reversal["CostBudget"][0], "Amount") == -400.0
    acu.run("ChangeOrder", "RemoveChangeOrderFromHold", {"RefNbr": val(reversal, "RefNbr")})
    acu.run("ChangeOrder", "ReleaseChangeOrder", {"RefNbr": val(reversal, "RefNbr")})
    assert val(budget(acu, "LABOR", "01-100"), "BudgetedCOAmount") == 0.0


def test_project_transaction_posts_actuals_on_release(acu: Acu) -> None:
    tran = acu.ok("ProjectTransaction", {"Description": "Labor week 1", "Details": [
        {"Project": "1001", "CostCode": "01-100", "AccountGroup": "LABOR", "Qty": 40, "UnitRate": 55,
         "Date": "2026-03-02"},
    ]}, **{"$expand": "Details"})
    assert val(tran, "Module") == "PM"
    assert val(tran, "ReferenceNbr") == "PM000001"
    assert val(tran, "Status") == "Balanced"
    assert val(tran, "TotalAmount") == 2200.0
    line = tran["Details"][0]
    assert val(line, "ProjectTask") == "0000"
    assert val(line, "FinPeriod") == "032026"
    assert val(line, "TransactionID") >= 1
    assert acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and AccountGroup eq 'LABOR' and "
                                                  "CostCode eq '01-100' and ActualAmount gt 0"}) == []
    keys = {"Module": "PM", "ReferenceNbr": "PM000001"}
    acu.run("ProjectTransaction", "ReleaseTransactions", keys)
    released = acu.one("ProjectTransaction/PM/PM000001", **{"$expand": "Details"})
    assert val(released, "Status") == "Released"
    assert val(released["Details"][0], "Released") is True
    labor = budget(acu, "LABOR", "01-100")
    assert val(labor, "ActualAmount") == 2200.0
    assert val(labor, "ActualQty") == 40.0
    project = acu.one("Project/1001")
    assert val(project, "Expenses") == 2200.0
    r = acu.put("ProjectTransaction", {**keys, "Description": "edit"})
    assert r.status_code == 422
    assert acu.delete("ProjectTransaction/PM/PM000001").status_code == 500


def test_project_transaction_rules(acu: Acu) -> None:
    acu.ok("Project", {"ProjectID": "PLAN", "Description": "Planning"})
    r = acu.put("ProjectTransaction", {"Module": "AP", "Details": [
        {"Project": "PLAN", "CostCode": "01-100", "AccountGroup": "LABOR", "Amount": 1},
        {"Project": "1001", "CostCode": "01-100", "Amount": 1},
        {"CostCode": "01-100", "AccountGroup": "LABOR", "Amount": 1},
    ]})
    assert r.status_code == 422
    body = r.json()
    assert body["Module"]["error"] == "Only transactions of the PM module can be entered on this form."
    lines = body["Details"]
    assert lines[0]["Project"]["error"] == "Given Project/Contract 'PLAN' is inactive"
    assert lines[1]["AccountGroup"]["error"] == "'Account Group' cannot be empty."
    assert lines[2]["Project"]["error"] == "'Project' cannot be empty."


def test_inactive_account_group_and_task_refuse_postings(acu: Acu) -> None:
    acu.ok("AccountGroup", {"AccountGroupID": "OLD", "Description": "Retired", "Active": False})
    acu.ok("ProjectTask", {"ProjectID": "1001", "ProjectTaskID": "09", "Description": "Later"})
    acu.run("ProjectTask", "CancelProjectTask", {"ProjectID": "1001", "ProjectTaskID": "09"})
    r = acu.put("ProjectTransaction", {"Details": [
        {"Project": "1001", "ProjectTask": "09", "CostCode": "01-100", "AccountGroup": "OLD", "Amount": 1}]})
    line = r.json()["Details"][0]
    assert line["AccountGroup"]["error"] == "Account Group 'OLD' is inactive."
    assert line["ProjectTask"]["error"] == "Task is Canceled and cannot be used for data entry."

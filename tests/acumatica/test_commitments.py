"""Subcontracts and purchase orders: status flows, retainage, editing locks and committed costs."""

from __future__ import annotations

from typing import Any

from tests.acumatica.conftest import V23, Acu, val


def subcontract(acu: Acu, amount: float = 10000, **extra: Any) -> dict[str, Any]:
    return acu.ok("Subcontract", {"VendorID": "V101", "Description": "Concrete", **extra, "Details": [
        {"Project": "1001", "Task": "0000", "CostCode": "03-100", "ExtendedCost": amount,
         "LineDescription": "Forms"}]}, **{"$expand": "Details"})


def committed(acu: Acu, code: str = "03-100", group: str = "SUBCONTRACT") -> dict[str, Any]:
    lines = acu.one("ProjectBudget", **{"$filter": f"ProjectID eq '1001' and CostCode eq '{code}' and "
                                                   f"AccountGroup eq '{group}'"})
    assert len(lines) <= 1
    # No line yet reads as zero: a line appears when the first commitment or cost posts to it.
    return lines[0] if lines else {"CommittedOpenAmount": {"value": 0.0}}


def test_subcontract_starts_on_hold_then_opens_and_commits(acu: Acu) -> None:
    sc = subcontract(acu)
    nbr = val(sc, "SubcontractNbr")
    assert nbr == "SC000001"
    assert val(sc, "Status") == "On Hold"
    line = sc["Details"][0]
    assert val(line, "LineNbr") == 1
    assert val(line, "OrderNbr") == nbr
    assert val(line, "Account") == "52000"
    assert val(committed(acu), "CommittedOpenAmount") == 0.0  # nothing committed on hold
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    assert val(acu.one(f"Subcontract/{nbr}"), "Status") == "Open"
    budget = committed(acu)
    assert val(budget, "OriginalCommittedAmount") == 10000.0
    assert val(budget, "CommittedOpenAmount") == 10000.0
    acu.run("Subcontract", "PutOnHold", {"SubcontractNbr": nbr})
    assert val(committed(acu), "CommittedOpenAmount") == 0.0


def test_subcontract_retainage(acu: Acu) -> None:
    sc = subcontract(acu, ApplyRetainage=True, RetainagePct=10)
    assert val(sc, "RetainageTotal") == 1000.0
    assert val(sc["Details"][0], "RetainagePct") == 10.0
    assert val(sc["Details"][0], "RetainageAmount") == 1000.0
    assert val(sc, "SubcontractTotal") == 10000.0
    r = acu.put("Subcontract", {"VendorID": "V101", "ApplyRetainage": True, "RetainagePct": 120})
    assert r.json()["RetainagePct"]["error"] == "The value must be between 0 and 100."


def test_retainage_needs_the_feature(acu: Acu) -> None:
    acu.configure(features={"retainage": False})
    r = acu.put("Subcontract", {"VendorID": "V101", "ApplyRetainage": True, "RetainagePct": 10})
    assert r.status_code == 422
    assert "Retainage Support" in r.json()["ApplyRetainage"]["error"]


def test_open_commitment_cannot_be_edited(acu: Acu) -> None:
    nbr = val(subcontract(acu), "SubcontractNbr")
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    r = acu.put("Subcontract", {"SubcontractNbr": nbr, "Description": "Edited"})
    assert r.status_code == 422
    assert r.json()["error"] == "The document cannot be edited because it is not on hold."
    assert val(acu.one(f"Subcontract/{nbr}"), "Description") == "Concrete"


def test_commitment_line_rules(acu: Acu) -> None:
    r = acu.put("Subcontract", {"VendorID": "V123", "Details": [  # V123 is the seeded inactive vendor
        {"Project": "1001", "Task": "NOPE", "CostCode": "03-100", "ExtendedCost": 1},
        {"Project": "1001", "Task": "0000", "ExtendedCost": 1},
        {"Project": "1001", "Task": "0000", "CostCode": "03-100", "Account": "99999", "ExtendedCost": 1},
        {"Project": "1001", "Task": "0000", "CostCode": "03-100", "Account": "60000", "ExtendedCost": 1},
    ]})
    assert r.status_code == 422
    body = r.json()
    assert body["VendorID"]["error"] == "The vendor status is 'Inactive'."
    errors = [{k: v["error"] for k, v in line.items() if isinstance(v, dict) and "error" in v}
              for line in body["Details"]]
    assert errors[0] == {"Task": "Project Task 'NOPE' cannot be found in the system."}
    assert errors[1] == {"CostCode": "'Cost Code' cannot be empty."}
    assert errors[2] == {"Account": "'Account' cannot be found in the system."}
    assert errors[3] == {"Account": "The 60000 account is not included in any account group."}


def test_commitment_on_inactive_project_is_refused(acu: Acu) -> None:
    acu.ok("Project", {"ProjectID": "NEW", "Description": "Planning"})
    r = acu.put("Subcontract", {"VendorID": "V101", "Details": [{"Project": "NEW", "CostCode": "03-100",
                                                                  "ExtendedCost": 5}]})
    assert r.json()["Details"][0]["Project"]["error"] == "Given Project/Contract 'NEW' is inactive"
    acu.run("Project", "LockProjectCommitments", {"ProjectID": "1001"})
    r = acu.put("Subcontract", {"VendorID": "V101", "Details": [{"Project": "1001", "CostCode": "03-100",
                                                                  "ExtendedCost": 5}]})
    assert "locked" in r.json()["Details"][0]["Project"]["error"]


def test_purchase_order_hold_flag_drives_status(acu: Acu) -> None:
    po = acu.ok("PurchaseOrder", {"VendorID": "V102", "Project": "1002", "Details": [
        {"CostCode": "09-900", "OrderQty": 4, "UnitCost": 12.5}]}, **{"$expand": "Details"})
    assert val(po, "Type") == "Normal"
    assert val(po, "OrderNbr") == "PO000001"
    assert val(po, "OrderTotal") == 50.0
    line = po["Details"][0]
    assert val(line, "Project") == "1002"
    assert val(line, "ProjectTask") == "0000"
    assert val(line, "ExtendedCost") == 50.0
    assert val(line, "Account") == "51000"
    keys = {"Type": "Normal", "OrderNbr": "PO000001"}
    assert val(acu.ok("PurchaseOrder", {**keys, "Hold": False}), "Status") == "Open"
    budget = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1002' and CostCode eq '09-900' and "
                                                    "AccountGroup eq 'MATERIAL'"})
    assert val(budget[0], "CommittedOpenAmount") == 50.0
    assert val(acu.ok("PurchaseOrder", {**keys, "Hold": True}), "Status") == "On Hold"
    acu.run("PurchaseOrder", "RemoveHold", keys)  # a workflow action, any case
    acu.run("PurchaseOrder", "complete", keys)
    assert val(acu.one("PurchaseOrder/Normal/PO000001"), "Status") == "Completed"
    budget = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1002' and CostCode eq '09-900' and "
                                                    "AccountGroup eq 'MATERIAL'"})
    assert val(budget[0], "CommittedOpenAmount") == 0.0
    assert val(budget[0], "OriginalCommittedAmount") == 50.0


def test_commitment_approvals(acu: Acu) -> None:
    acu.configure(approvals={"Subcontract": True})
    nbr = val(subcontract(acu), "SubcontractNbr")
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    assert val(acu.one(f"Subcontract/{nbr}"), "Status") == "Pending Approval"
    assert val(committed(acu), "CommittedOpenAmount") == 0.0
    acu.run("Subcontract", "Approve", {"SubcontractNbr": nbr})
    assert val(acu.one(f"Subcontract/{nbr}"), "Status") == "Open"
    assert val(committed(acu), "CommittedOpenAmount") == 10000.0
    other = val(subcontract(acu), "SubcontractNbr")
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": other})
    acu.run("Subcontract", "Reject", {"SubcontractNbr": other})
    assert val(acu.one(f"Subcontract/{other}"), "Status") == "Rejected"


def test_control_total_when_validated(acu: Acu) -> None:
    acu.configure(validate_control_total={"Subcontract": True})
    nbr = val(subcontract(acu, ControlTotal=9000), "SubcontractNbr")
    r = acu.action("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    assert r.status_code == 422
    assert r.json()["ControlTotal"]["error"] == "The document is out of balance."
    acu.ok("Subcontract", {"SubcontractNbr": nbr, "ControlTotal": 10000})
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})


def test_cancel_and_delete(acu: Acu) -> None:
    nbr = val(subcontract(acu), "SubcontractNbr")
    acu.run("Subcontract", "ReleaseFromHold", {"SubcontractNbr": nbr})
    assert acu.delete(f"Subcontract/{nbr}").status_code == 500
    acu.run("Subcontract", "Cancel", {"SubcontractNbr": nbr})
    assert val(acu.one(f"Subcontract/{nbr}"), "Status") == "Canceled"
    assert val(committed(acu), "CommittedOpenAmount") == 0.0
    assert acu.delete(f"Subcontract/{nbr}").status_code == 204


def test_unknown_action_is_404_and_unknown_record_is_500(acu: Acu) -> None:
    r = acu.action("Subcontract", "Teleport", {"SubcontractNbr": "SC000001"})
    assert r.status_code == 404
    r = acu.action("Subcontract", "PutOnHold", {"SubcontractNbr": "SC999999"})
    assert r.status_code == 500
    assert r.json()["exceptionType"] == "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
    r = acu.client.post(f"{acu.base}/Subcontract/PutOnHold", json={"parameters": {}})
    assert r.status_code == 400


def test_subcontract_served_by_the_23_contract(acu: Acu) -> None:
    acu.version = V23
    sc = subcontract(acu)
    assert val(sc, "SubcontractNbr") == "SC000001"

"""Projects, tasks and budget lines: status flows, actions, rules and roll-ups."""

from __future__ import annotations

from tests.acumatica.conftest import Acu, val


def new_project(acu: Acu, project_id: str = "P-1", **extra: object) -> dict:
    return acu.ok("Project", {"ProjectID": project_id, "Description": "New building", "Customer": "C100", **extra})


def test_new_project_starts_in_planning_and_hold_false_activates(acu: Acu) -> None:
    project = new_project(acu)
    assert val(project, "Status") == "In Planning"
    assert val(project, "Hold") is True
    active = acu.ok("Project", {"ProjectID": "P-1", "Hold": False}, **{"$expand": "ProjectProperties"})
    assert val(active, "Status") == "Active"
    assert val(active["ProjectProperties"], "StartDate")
    on_hold = acu.ok("Project", {"ProjectID": "P-1", "Hold": True})
    assert val(on_hold, "Status") == "On Hold"


def test_project_without_hold_is_created_active(acu: Acu) -> None:
    assert val(new_project(acu, Hold=False), "Status") == "Active"


def test_project_actions_walk_the_status_flow(acu: Acu) -> None:
    new_project(acu)
    keys = {"ProjectID": "P-1"}
    assert acu.action("Project", "SuspendProject", keys).status_code == 500  # not active yet
    acu.run("Project", "ActivateProject", keys)
    assert val(acu.one("Project/P-1"), "Status") == "Active"
    acu.run("Project", "SuspendProject", keys)
    assert val(acu.one("Project/P-1"), "Status") == "Suspended"
    acu.run("Project", "ActivateProject", keys)
    acu.run("Project", "HoldProject", keys)
    assert val(acu.one("Project/P-1"), "Status") == "On Hold"
    acu.run("Project", "ActivateProject", keys)
    acu.run("Project", "CompleteProject", keys)
    assert val(acu.one("Project/P-1"), "Status") == "Completed"
    r = acu.action("Project", "SuspendProject", keys)
    assert r.status_code == 500
    assert r.json()["exceptionType"] == "PX.Data.PXActionDisabledException"


def test_project_approval_when_enabled(acu: Acu) -> None:
    acu.configure(approvals={"Project": True})
    new_project(acu)
    assert val(acu.ok("Project", {"ProjectID": "P-1", "Hold": False}), "Status") == "Pending Approval"
    acu.run("Project", "ApproveProject", {"ProjectID": "P-1"})
    assert val(acu.one("Project/P-1"), "Status") == "Active"
    new_project(acu, "P-2")
    acu.ok("Project", {"ProjectID": "P-2", "Hold": False})
    acu.run("Project", "RejectProject", {"ProjectID": "P-2"})
    assert val(acu.one("Project/P-2"), "Status") == "Rejected"


def test_complete_needs_every_task_complete(acu: Acu) -> None:
    new_project(acu, Hold=False)
    acu.ok("ProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "01", "Description": "Phase 1"})
    r = acu.action("Project", "CompleteProject", {"ProjectID": "P-1"})
    assert r.status_code == 500
    assert r.json()["exceptionMessage"] == ("Project can only be Completed if all Tasks are completed. 1 Task(s) are "
                                            "still incomplete.")
    acu.run("ProjectTask", "CompleteProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "01"})
    acu.run("Project", "CompleteProject", {"ProjectID": "P-1"})


def test_project_rules(acu: Acu) -> None:
    r = acu.put("Project", {"ProjectID": "P-1", "Customer": "NOBODY"})
    assert r.status_code == 422
    assert r.json()["Description"]["error"] == "'Description' cannot be empty."
    assert r.json()["Customer"]["error"] == "'Customer' cannot be found in the system."
    new_project(acu, Hold=False)
    r = acu.put("Project", {"ProjectID": "P-1", "Customer": "C101"})
    assert r.json()["Customer"]["error"] == "The customer cannot be changed on an Active project."
    new_project(acu, "P-2")
    r = acu.put("Project", {"ProjectID": "P-2", "BillingAndAllocationSettings": {"NextBillingDate": "2026-02-01"}})
    assert r.status_code == 422
    assert "In Planning" in r.json()["BillingAndAllocationSettings"]["NextBillingDate"]["error"]
    r = acu.put("Project", {"ProjectID": "P-2", "ProjectTemplateID": "NOPE"})
    assert r.json()["ProjectTemplateID"]["error"] == "'Template ID' cannot be found in the system."


def test_change_project_id_follows_the_references(acu: Acu) -> None:
    acu.run("Project", "ChangeProjectID", {"ProjectID": "1001"}, {"ProjectID": "J-1001"})
    assert acu.get("Project/1001").status_code == 500
    assert val(acu.one("Project/J-1001"), "Status") == "Active"
    assert val(acu.one("ProjectTask/J-1001/0000"), "ProjectID") == "J-1001"
    r = acu.action("Project", "ChangeProjectID", {"ProjectID": "J-1001"}, {"ProjectID": "1002"})
    assert r.status_code == 500


def test_tasks_belong_to_their_project(acu: Acu) -> None:
    new_project(acu, Hold=False)
    task = acu.ok("ProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "02", "Description": "Sitework"})
    assert val(task, "Status") == "Active"  # created in an active project
    r = acu.put("ProjectTask", {"ProjectID": "NOPE", "ProjectTaskID": "02", "Description": "x"})
    assert r.json()["ProjectID"]["error"] == "Project 'NOPE' cannot be found in the system."
    assert acu.get("ProjectTask/1001/02").status_code == 500


def test_task_in_planning_project_starts_planned_and_activates_with_it(acu: Acu) -> None:
    new_project(acu)
    assert val(acu.ok("ProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "01", "Description": "A"}),
               "Status") == "Planned"
    acu.run("Project", "ActivateProject", {"ProjectID": "P-1"})
    assert val(acu.one("ProjectTask/P-1/01"), "Status") == "Active"


def test_only_one_default_task(acu: Acu) -> None:
    acu.ok("ProjectTask", {"ProjectID": "1001", "ProjectTaskID": "99", "Description": "New default",
                           "Default": True})
    assert val(acu.one("ProjectTask/1001/0000"), "Default") is False
    assert val(acu.one("ProjectTask/1001/99"), "Default") is True


def test_task_actions_and_delete_rules(acu: Acu) -> None:
    new_project(acu)
    keys = {"ProjectID": "P-1", "ProjectTaskID": "01"}
    acu.ok("ProjectTask", {**keys, "Description": "A"})
    acu.run("ProjectTask", "ActivateProjectTask", keys)
    r = acu.delete("ProjectTask/P-1/01")
    assert r.status_code == 500
    assert r.json()["exceptionMessage"] == ("The task cannot be deleted. You can delete a task with only the "
                                            "Planning or Canceled status.")
    acu.run("ProjectTask", "CompleteProjectTask", keys)
    task = acu.one("ProjectTask/P-1/01", **{"$expand": "Properties"})
    assert val(task, "Status") == "Completed"
    assert val(task["Properties"], "Completed") == 100.0
    assert acu.action("ProjectTask", "CancelProjectTask", keys).status_code == 500
    acu.ok("ProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "02", "Description": "B"})
    acu.run("ProjectTask", "CancelProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "02"})
    assert acu.delete("ProjectTask/P-1/02").status_code == 204


def test_budget_lines_are_keyed_and_checked(acu: Acu) -> None:
    line = acu.ok("ProjectBudget", {"ProjectID": "1001", "AccountGroup": "LABOR", "CostCode": "01-100",
                                    "OriginalBudgetedQty": 10, "UnitRate": 55.5, "Description": "PM labor"})
    assert val(line, "ProjectTaskID") == "0000"  # the project's default task
    assert val(line, "InventoryID") == "<N/A>"
    assert val(line, "OriginalBudgetedAmount") == 555.0
    assert val(line, "Type") == "Expense"
    again = acu.ok("ProjectBudget", {"ProjectID": "1001", "ProjectTaskID": "0000", "AccountGroup": "LABOR",
                                     "CostCode": "01-100", "InventoryID": "<N/A>", "OriginalBudgetedAmount": 700})
    assert again["id"] == line["id"]
    assert val(again, "OriginalBudgetedAmount") == 700.0
    r = acu.put("ProjectBudget", {"ProjectID": "1001", "ProjectTaskID": "0000", "AccountGroup": "NOPE",
                                  "CostCode": "99-999"})
    assert r.json()["AccountGroup"]["error"] == "'Account Group' cannot be found in the system."
    assert r.json()["CostCode"]["error"] == "'Cost Code' cannot be found in the system."
    r = acu.put("ProjectBudget", {"ProjectID": "1001", "ProjectTaskID": "77", "AccountGroup": "LABOR",
                                  "CostCode": "01-100"})
    assert r.json()["ProjectTaskID"]["error"] == "Project Task '77' cannot be found in the system."


def test_budget_on_completed_task_is_refused(acu: Acu) -> None:
    acu.ok("ProjectTask", {"ProjectID": "1001", "ProjectTaskID": "05", "Description": "Done"})
    acu.run("ProjectTask", "CompleteProjectTask", {"ProjectID": "1001", "ProjectTaskID": "05"})
    r = acu.put("ProjectBudget", {"ProjectID": "1001", "ProjectTaskID": "05", "AccountGroup": "LABOR",
                                  "CostCode": "01-100"})
    assert r.json()["ProjectTaskID"]["error"] == "Project Task '05' is completed."


def test_locked_budget_refuses_original_changes(acu: Acu) -> None:
    acu.run("Project", "LockProjectBudget", {"ProjectID": "1001"})
    r = acu.put("ProjectBudget", {"ProjectID": "1001", "AccountGroup": "REVENUE", "CostCode": "00-000",
                                  "OriginalBudgetedAmount": 1})
    assert r.status_code == 422
    assert "locked" in r.json()["error"]
    assert acu.put("ProjectBudget", {"ProjectID": "1001", "AccountGroup": "REVENUE", "CostCode": "00-000",
                                     "Completed": 25}).status_code == 200  # progress is not the budget
    assert acu.action("Project", "LockProjectBudget", {"ProjectID": "1001"}).status_code == 500
    acu.run("Project", "UnlockProjectBudget", {"ProjectID": "1001"})
    assert acu.put("ProjectBudget", {"ProjectID": "1001", "AccountGroup": "REVENUE", "CostCode": "00-000",
                                     "OriginalBudgetedAmount": 1}).status_code == 200


def test_project_balances_sum_budget_lines_by_account_group(acu: Acu) -> None:
    acu.ok("ProjectBudget", {"ProjectID": "1001", "AccountGroup": "LABOR", "CostCode": "01-100",
                             "OriginalBudgetedAmount": 1000})
    project = acu.one("Project/1001", **{"$expand": "Balances"})
    balances = {val(b, "AccountGroup"): b for b in project["Balances"]}
    assert val(balances["REVENUE"], "RevisedBudgetedAmount") == 1500000.0
    assert val(balances["LABOR"], "OriginalBudgetedAmount") >= 1000.0
    assert val(balances["LABOR"], "Description") == "Labor"
    assert "Balances" not in acu.one("Project/1001")


def test_project_delete_rules(acu: Acu) -> None:
    new_project(acu)
    acu.ok("ProjectTask", {"ProjectID": "P-1", "ProjectTaskID": "01", "Description": "A"})
    assert acu.delete("Project/P-1").status_code == 204
    assert acu.get("ProjectTask/P-1/01").status_code == 500

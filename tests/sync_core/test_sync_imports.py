"""Imports and their schedule (including the hh2 5-minute / 30-minute cycle), against the scripted ERP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from simulator.clock import Clock
from sync_core import ErpStatus, Locked, PreconditionFailed, Refused, ValidationFailed
from sync_core import payloads as p
from sync_helpers import World, synced_project, synced_subcontract

D = Decimal


def test_jobs_import_fills_the_project_number_and_refuses_a_clash(world: World) -> None:
    world.erp.feeds["jobs"] = [
        p.ErpJob("2019001", "Warehouse", city="Fargo", start_date=dt.date(2026, 3, 5),
                 cost_codes=(p.ErpCostCode("03-300", "Concrete", ("S",)), p.ErpCostCode("77-001", "Owner", ("L",)))),
        p.ErpJob("1001", "Library in ERP"),
        p.ErpJob("2019001-A", "Sub", parent_job_id="2019001"),
    ]
    report = world.company.imports.jobs()
    assert [pr.data["name"] for pr in report.created] == ["Warehouse"]
    project = report.created[0]
    assert project.data["project_number"] == "2019001" and project.erp_job_id == "2019001"
    assert project.erp_status is ErpStatus.SYNCED and project.start_date == dt.date(2026, 3, 5)
    codes = {c.code: c for c in project.cost_codes.all()}
    assert codes["03-300"].cost_type_codes == ["S"]
    assert codes["77-001"].data["project_specific"] is True  # made in the ERP for this job only
    assert report.skipped[0][0] == "job 1001" and "cannot create a job in both systems" in report.skipped[0][1]
    assert world.project.refresh().erp_status is ErpStatus.NOT_IN_ERP
    # Importing again updates rather than duplicates.
    world.erp.feeds["jobs"][0] = p.ErpJob("2019001", "Warehouse B")
    again = world.company.imports.jobs(["2019001", "404"])
    assert [pr.data["name"] for pr in again.updated] == ["Warehouse B"]
    assert ("job 404", "no such job in the ERP") in again.skipped
    assert len(world.company.projects) == 2


def test_vendors_import_creates_companies_with_the_erp_vendor_id(world: World) -> None:
    world.erp.feeds["vendors"] = [p.ErpVendor("V200", "Frank Ltd", city="Lake Tiffanyfort", phone="876"),
                                  p.ErpVendor("V201", "beck concrete")]
    report = world.company.imports.vendors()
    created = report.created[0]
    assert (created.data["name"], created.erp_vendor_id, created.data["business_phone"]) == ("Frank Ltd", "V200",
                                                                                             "876")
    assert created.synced and world.company.directory.by_erp_vendor_id("V200") == created
    assert "created in both" in report.skipped[0][1]


def test_cost_codes_and_types_import_and_structure_rules(world: World) -> None:
    world.erp.feeds["cost_types"] = [p.ErpCostType("E", "Equipment", "equipment"), p.ErpCostType("L", "Labour")]
    report = world.company.imports.cost_types()
    assert [c.data["code"] for c in report.created] == ["E"]
    assert world.company.cost_types.by_code("L").data["name"] == "Labour"
    world.erp.feeds["cost_codes"] = [p.ErpCostCode("02-400", "Demolition", ("S", "E")),
                                     p.ErpCostCode("03-300", "Concrete (ERP)", ("S",))]
    report = world.company.imports.cost_codes()
    assert [c.data["code"] for c in report.created] == ["02-400"]
    assert world.company.cost_codes.by_code("02-400").data["cost_types"] == ["S", "E"]
    assert world.company.cost_codes.by_code("03-300").data["description"] == "Concrete (ERP)"
    for bad, rule in ((["1234567"], "wbs.sectioned"), (["01-20.05"], "wbs.one_delimiter"),
                      (["01-200", "01-200-10"], "wbs.same_tiers")):
        world.erp.feeds["cost_codes"] = [p.ErpCostCode(c, "x") for c in bad]
        with pytest.raises(Refused) as info:
            world.company.imports.cost_codes()
        assert info.value.rule == rule


def test_sub_jobs_need_a_synced_parent(world: World) -> None:
    world.erp.feeds["sub_jobs"] = [p.ErpSubJob("1001", "1", "Phase 1", (p.ErpCostCode("03-300", "C", ("S",)),))]
    with pytest.raises(PreconditionFailed, match="parent job must be synced"):
        world.company.imports.sub_jobs(world.project)
    project = synced_project(world)
    report = world.company.imports.sub_jobs(project)
    sub = report.created[0]
    assert (sub.code, sub.data["name"], sub.synced) == ("1", "Phase 1", True)
    assert project.cost_codes.by_code("03-300", sub_job=sub) is not None


def test_budget_import_only_when_set_up_in_no_other_system(world: World) -> None:
    project = synced_project(world)
    world.erp.feeds["budgets"] = {"1001": p.ErpBudget("EST-1", (p.ErpBudgetLine("03-300", "S", D("1200")),
                                                               p.ErpBudgetLine("03-300", "S", D("300")),
                                                               p.ErpBudgetLine("03-300", "Q", D("1"))))}
    report = world.company.imports.budget(project)
    budget = project.budget
    assert budget.synced and budget.locked and budget.origin_id == "EST-1"
    assert [(ln.data["cost_type"], ln.amount) for ln in budget.lines] == [("S", D("1500.00"))]
    assert "cost type Q" in report.skipped[0][1]
    with pytest.raises(PreconditionFailed, match="cannot be imported"):
        world.company.imports.budget(project)
    # a budget started in Procore is not overwritten from the ERP
    other = world.company.projects.create(name="Annex")
    other.send_to_erp()
    world.approver.accept(other, erp_job_id="1002")
    other.budget.add_line("03-300", "S", 10)
    with pytest.raises(PreconditionFailed, match="both systems"):
        world.company.imports.budget(other)


def test_job_costs_land_on_budget_lines(world: World) -> None:
    project = synced_project(world)
    project.budget.add_line("03-300", "S", 5000)
    world.erp.feeds["job_costs"] = {"1001": [p.ErpJobCost("03-300", "S", D("900"), D("150"), D("600"), D("500"))]}
    report = world.company.imports.job_costs()
    assert len(report.created) == 1
    line = project.budget.lines[0]
    assert line.jtd_cost == D("900.00") and line.direct_costs == D("300.00")
    assert world.company.imports.job_costs().unchanged


def test_direct_costs_import_only_allowed_statuses(world: World) -> None:
    project = synced_project(world)
    line = p.ErpCostTransactionLine("03-300", "M", D("125.50"), "Rebar ties")
    world.erp.feeds["transactions"] = {"1001": [
        p.ErpCostTransaction("T1", "invoice", "Approved", dt.date(2026, 2, 3), (line,), invoice_number="55"),
        p.ErpCostTransaction("T2", "payroll", "Draft", dt.date(2026, 2, 4), (line,)),
    ]}
    report = world.company.imports.direct_costs(project)
    cost = report.created[0]
    assert (cost.data["direct_cost_type"], cost.data["status"], cost.grand_total) == ("invoice", "approved",
                                                                                      D("125.50"))
    assert cost.data["line_items"][0]["cost_code"] == "03-300"
    assert report.skipped == [("transaction T2", "status 'Draft' is not imported (only Approved)")]
    assert world.company.imports.direct_costs(project).unchanged == ["transaction T1"]
    with pytest.raises(Locked):
        cost.update(description="no")


def test_payments_only_for_synced_invoices(world: World) -> None:
    sc, line = synced_subcontract(world)
    invoice = sc.invoices.create(invoice_number="INV-1", billing_date="2026-02-28", status="approved")
    invoice.add_line(line, work_completed=1000)
    world.approver.accept(invoice.send_to_erp())
    world.erp.feeds["payments"] = [
        p.ErpPayment("PAY-1", "INV-1", D("900"), dt.date(2026, 3, 15), check_number="1044", payment_method="check"),
        p.ErpPayment("PAY-2", "OTHER", D("5"), dt.date(2026, 3, 15)),
    ]
    report = world.company.imports.payments()
    payment = report.created[0]
    assert (payment.amount, payment.data["check_number"], payment.data["invoice_number"]) == (D("900.00"), "1044",
                                                                                              "INV-1")
    assert sc.payments.all() == [payment]
    assert "synced invoices only" in report.skipped[0][1]


def test_direct_schedule_runs_when_due(world: World, pm_clock: Clock) -> None:
    synced_project(world)
    world.erp.feeds["job_costs"] = {"1001": [p.ErpJobCost("03-300", "S", D("10"))]}
    world.company.imports.schedule.every(3600, "job_costs")
    assert world.company.tick() == []
    pm_clock.advance(3599)
    assert world.company.tick() == []
    pm_clock.advance(2)
    reports = world.company.tick()
    assert [r.object for r in reports] == ["job costs"] and reports[0].created
    pm_clock.advance(3 * 3600)  # missed runs collapse into one
    assert len(world.company.tick()) == 1
    assert world.company.tick() == []
    with pytest.raises(ValidationFailed, match="schedule one or more"):
        world.company.imports.schedule.every(60, "jobs")


def test_hh2_cycle_five_then_thirty_minutes(world: World, pm_clock: Clock) -> None:
    synced_project(world)
    imports = world.company.imports
    imports.schedule.hh2("job_costs")
    costs = world.erp.feeds.setdefault("job_costs", {})
    # minute 1: a cost is posted in the ERP
    pm_clock.advance(60)
    costs["1001"] = [p.ErpJobCost("03-300", "S", D("10"))]
    pm_clock.advance(4 * 60)  # minute 5: step 1 copies the ERP to the cloud, nothing reaches Procore yet
    assert world.company.tick() == []
    assert world.company.projects.get(world.project.id).job_costs.all() == []
    # minute 12: the ERP changes again; only the minute-10 snapshot will carry it
    pm_clock.advance(7 * 60)
    costs["1001"] = [p.ErpJobCost("03-300", "S", D("25"))]
    world.company.tick()  # minute 12: nothing due
    pm_clock.advance(18 * 60)  # minute 30: step 1 and step 2 together; Procore sees the fresh snapshot
    reports = world.company.tick()
    assert [r.source for r in reports] == ["hh2 snapshot"]
    assert world.project.job_costs.all()[0].jtd_cost == D("25.00")
    # a change at minute 31 waits for the minute-60 step 2
    pm_clock.advance(60)
    costs["1001"] = [p.ErpJobCost("03-300", "S", D("40"))]
    pm_clock.advance(28 * 60)
    world.company.tick()
    assert world.project.job_costs.all()[0].jtd_cost == D("25.00")
    pm_clock.advance(60)
    world.company.tick()
    assert world.project.job_costs.all()[0].jtd_cost == D("40.00")
    # on-demand sync runs both steps now
    costs["1001"] = [p.ErpJobCost("03-300", "S", D("41"))]
    imports.schedule.sync_now()
    assert world.project.job_costs.all()[0].jtd_cost == D("41.00")

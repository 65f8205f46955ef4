"""Every send precondition, every lock, and the refusals that happen before any HTTP call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync_core import Direction, ErpStatus, Locked, PreconditionFailed, Refused, ValidationFailed
from sync_core.capabilities import Limit
from sync_helpers import (
    FakeErp,
    World,
    approved_subcontract,
    matrix,
    synced_project,
    synced_subcontract,
    synced_vendor,
)


def problems_of(exc: pytest.ExceptionInfo[PreconditionFailed]) -> str:
    return "\n".join(exc.value.problems)


# -- commitments ----------------------------------------------------------------------


def test_commitment_needs_approved_status_linked_vendor_and_a_standard_cost_code(world: World) -> None:
    project = synced_project(world)
    sc = project.commitments.create_subcontract(title="Concrete", vendor=world.vendor)
    with pytest.raises(PreconditionFailed) as info:
        sc.send_to_erp()
    text = problems_of(info)
    assert "only Approved commitments can be sent" in text
    assert "not linked to an ERP vendor" in text
    assert "schedule of values has no lines" in text
    assert sc.refresh().erp_status is ErpStatus.NOT_IN_ERP
    assert world.erp.calls == [c for c in world.erp.calls if "commitment" not in c]


def test_commitment_without_a_contract_company(world: World) -> None:
    project = synced_project(world)
    sc = project.commitments.create_subcontract(title="Concrete")
    sc.add_line("03-300", "S", 100)
    sc.update(status="Approved")
    with pytest.raises(PreconditionFailed, match="no contract company"):
        sc.send_to_erp()


def test_commitment_lines_on_project_specific_codes_only_are_refused(world: World) -> None:
    sc, _ = approved_subcontract(world)
    # a line whose code is not on the standard list (as a project-specific code imported from the ERP would be)
    sc.update(status="Draft")
    line = sc.lines[0]
    world.company.records.update(line.kind, line.id, dict(line.data, cost_code="99-999"))
    sc.update(status="Approved")
    with pytest.raises(PreconditionFailed, match="ERP Standard Cost Code list"):
        sc.send_to_erp()


def test_commitment_needs_its_project_synced(world: World) -> None:
    vendor = synced_vendor(world)
    sc = world.project.commitments.create_subcontract(title="Concrete", vendor=vendor)
    sc.add_line("03-300", "S", 100)
    sc.update(status="Approved")
    with pytest.raises(PreconditionFailed, match="project .* is not synced"):
        sc.send_to_erp()


def test_sending_locks_company_title_status_retainage_and_they_stay_locked(world: World) -> None:
    sc, _ = approved_subcontract(world)
    sc.send_to_erp()
    with pytest.raises(Locked, match="retrieve it from ERP"):
        sc.update(description="anything")
    world.approver.accept(sc)
    for field, value in (("title", "New"), ("status", "Complete"), ("default_retainage", 5), ("vendor", 1)):
        with pytest.raises(Locked, match=f"{field} of Subcontract"):
            sc.update(**{field: value})
    sc.update(description="free text stays editable")
    with pytest.raises(Locked, match="change orders"):
        sc.add_line("03-300", "M", 50)
    with pytest.raises(Locked):
        sc.lines[0].update(amount=1)
    with pytest.raises(Locked, match="cannot be deleted"):
        sc.delete()


def test_approved_commitment_sov_is_locked_before_export(world: World) -> None:
    sc, _ = approved_subcontract(world)
    with pytest.raises(Locked, match="Approved"):
        sc.add_line("03-300", "M", 10)


def test_unit_based_lines_price_quantity_times_unit_cost(world: World) -> None:
    project = synced_project(world)
    po = project.commitments.create_purchase_order(title="Rebar", vendor=world.vendor, accounting_method="unit")
    line = po.add_line("03-300", "M", quantity="12.5", unit_cost="40", uom="TON")
    assert line.amount == Decimal("500.00")
    with pytest.raises(ValidationFailed, match="quantity and a unit cost"):
        po.add_line("03-300", "M", 10)
    with pytest.raises(ValidationFailed, match="does not equal"):
        po.add_line("03-300", "M", 10, quantity=2, unit_cost=3)


# -- change orders ------------------------------------------------------------------------


def test_cco_needs_a_synced_commitment_and_approval(world: World) -> None:
    sc, line = approved_subcontract(world)
    cco = sc.change_orders.create(title="Extra pour")
    cco.add_line(500, line=line)
    with pytest.raises(PreconditionFailed) as info:
        cco.send_to_erp()
    assert "change orders can only be sent for synced commitments" in problems_of(info)
    assert "only Approved change orders" in problems_of(info)
    world.approver.accept(sc.send_to_erp())
    cco.update(status="Approved")
    outcome = world.approver.accept(cco.send_to_erp())
    assert outcome.ok
    with pytest.raises(Locked):
        cco.update(title="changed")
    assert sc.refresh().revised_contract == Decimal("10500.00")


# -- budgets ------------------------------------------------------------------------------


def test_budget_must_be_locked_and_its_project_synced(world: World) -> None:
    budget = world.project.budget
    budget.add_line("03-300", "S", 5000)
    with pytest.raises(PreconditionFailed) as info:
        budget.send_to_erp()
    assert "must be locked" in problems_of(info)
    assert "not synced" in problems_of(info)
    with pytest.raises(ValidationFailed, match="empty budget"):
        world.company.projects.create(name="Empty").budget.lock()


def test_locked_budget_fixes_original_amounts_but_takes_new_lines(world: World) -> None:
    project = synced_project(world)
    budget = project.budget
    line = budget.add_line("03-300", "S", 5000)
    budget.lock()
    with pytest.raises(Locked, match="budget is locked"):
        line.update(amount=6000)
    assert world.approver.accept(budget.send_to_erp()).ok
    assert line.refresh().origin_id
    with pytest.raises(Locked, match="budget modification"):
        line.update(description="x")
    # a partial line item added later goes out as an update of the synced budget
    budget.add_line("03-300", "M", 750)
    with pytest.raises(Locked, match="cannot be unlocked"):
        budget.unlock()
    budget.send_to_erp()
    assert budget.history()[-1].action == "update"
    assert world.approver.accept(budget).ok
    assert world.erp.records[("budget", "EST-1001")]["lines"] == ["5000.00", "750.00"]
    with pytest.raises(PreconditionFailed, match="already in the ERP"):
        budget.send_to_erp()


def test_budget_modification_needs_a_synced_budget(world: World) -> None:
    project = synced_project(world)
    budget = project.budget
    budget.add_line("03-300", "S", 5000)
    budget.add_line("03-300", "M", 1000)
    budget.lock()
    with pytest.raises(ValidationFailed, match="no line 09-200 L"):
        project.budget_modifications.create(from_cost_code="09-200", from_cost_type="L", to_cost_code="03-300",
                                            to_cost_type="M", amount=10)
    mod = project.budget_modifications.create(from_cost_code="03-300", from_cost_type="S", to_cost_code="03-300",
                                              to_cost_type="M", amount=400, notes="rebar")
    with pytest.raises(PreconditionFailed, match="only after the budget is synced"):
        mod.send_to_erp()
    world.approver.accept(budget.send_to_erp())
    assert world.approver.accept(mod.send_to_erp()).ok
    lines = {ln.data["cost_type"]: ln for ln in budget.lines}
    assert lines["S"].revised_budget == Decimal("4600.00")
    assert lines["M"].revised_budget == Decimal("1400.00")


# -- invoices ------------------------------------------------------------------------------


def test_invoice_retainage_held_and_released(world: World) -> None:
    sc, line = synced_subcontract(world)
    first = sc.invoices.create(invoice_number="1", billing_date="2026-02-28", status="approved")
    first.add_line(line, work_completed=4000, materials_stored=1000)
    assert first.retainage_this_period == Decimal("500.00")
    assert first.total_retainage == Decimal("500.00")
    assert first.current_payment_due == Decimal("4500.00")
    second = sc.invoices.create(invoice_number="2", billing_date="2026-03-31", status="approved")
    with pytest.raises(ValidationFailed, match="only \\$500.00 is held"):
        second.add_line(line, work_completed=0, work_retainage_released=600)
    second.add_line(line, work_completed=5000, work_retainage_released=500)
    assert second.total_completed_and_stored_to_date == Decimal("10000.00")
    assert second.total_retainage == Decimal("500.00")
    assert second.current_payment_due == Decimal("5000.00")


def test_invoice_needs_a_synced_commitment_and_approval(world: World) -> None:
    sc, line = approved_subcontract(world)
    invoice = sc.invoices.create(invoice_number="1", billing_date="2026-02-28")
    invoice.add_line(line, work_completed=100)
    with pytest.raises(PreconditionFailed) as info:
        invoice.send_to_erp()
    assert "only be sent for synced commitments" in problems_of(info)
    assert "only approved invoices" in problems_of(info)


def test_accepted_invoice_uses_the_prefilled_erp_id_and_accounting_date(world: World) -> None:
    sc, line = synced_subcontract(world)
    invoice = sc.invoices.create(invoice_number="INV-9", billing_date="2026-02-28", status="approved")
    invoice.add_line(line, work_completed=1000)
    invoice.send_to_erp()
    outcome = world.approver.accept(invoice, description="Feb progress")
    assert outcome.ok and outcome.origin_id == "INV-9"
    bill = world.erp.records[("bill", "INV-9")]
    assert bill == {"amount": "1000.00", "retainage": "100.00", "date": "2026-02-28", "description": "Feb progress"}
    with pytest.raises(Locked, match="synced with ERP"):
        invoice.update(description="changed")
    # the approver may override both
    second = sc.invoices.create(invoice_number="INV-10", billing_date="2026-03-31", status="approved")
    second.add_line(line, work_completed=10)
    second.send_to_erp()
    assert world.approver.accept(second, erp_invoice_id="AP-77", accounting_date="2026-04-02").origin_id == "AP-77"
    assert world.erp.records[("bill", "AP-77")]["date"] == "2026-04-02"


# -- prime contracts -----------------------------------------------------------------------


def test_prime_contract_and_pcco_preconditions(world: World) -> None:
    project = synced_project(world)
    contract = project.prime_contracts.create(title="Owner contract", customer_id="C100")
    contract.add_line("Base building", 0, cost_code="03-300", cost_type="S")
    with pytest.raises(PreconditionFailed) as info:
        contract.send_to_erp()
    assert "only Approved prime contracts" in problems_of(info)
    assert "non-zero amount" in problems_of(info)
    contract.add_line("Sitework", 250000, cost_code="03-300", cost_type="M")
    contract.update(status="Approved")
    pcco = contract.change_orders.create(title="Add canopy", status="Approved")
    pcco.add_line("03-300", "S", 12000, markup_amount=1200)
    with pytest.raises(PreconditionFailed, match="synced prime contract"):
        pcco.send_to_erp()
    assert world.approver.accept(contract.send_to_erp()).ok
    assert world.approver.accept(pcco.send_to_erp()).ok
    assert pcco.refresh().total == Decimal("13200.00")


# -- capability matrix and field limits, all before any HTTP call ------------------------------


def test_matrix_refusal_names_the_rule_and_makes_no_call(pm) -> None:  # type: ignore[no-untyped-def]
    from sync_helpers import build_company

    erp = FakeErp(matrix(sub_jobs=(False, True), budget_modifications=(True, False)))
    company = build_company(pm, erp)
    project = company.projects.create(name="Library")
    sub = project.sub_jobs.create(code="01", name="Phase 1")
    with pytest.raises(Refused) as info:
        sub.send_to_erp()
    assert info.value.rule == "fake.sub_jobs.import_only"
    assert "imports sub jobs only" in str(info.value)
    with pytest.raises(Refused) as info:
        company.require_connector().matrix.require("budget_modifications", Direction.IMPORT)
    assert info.value.rule == "fake.budget_modifications.export_only"
    assert erp.calls == []


def test_vendor_name_over_the_erp_limit_is_blocked_at_send(world: World) -> None:
    world.vendor.update(name="A" * 31)
    with pytest.raises(Refused) as info:
        world.vendor.send_to_erp()
    assert info.value.rule == "fake.vendor_name_length"
    assert "30 characters or fewer" in str(info.value)
    assert str(info.value).count("[rule: fake.vendor_name_length]") == 1
    assert world.vendor.refresh().erp_status is ErpStatus.NOT_IN_ERP


def test_each_broken_limit_names_its_rule_once(world: World) -> None:
    connector = world.company.require_connector()
    connector.matrix.limits += (Limit("vendors", "name", "company name", "fake.vendor_name_letters",
                                      pattern=r"[A-Za-z ]*", pattern_text="must be letters only"),)
    world.vendor.update(name="A" * 30 + "1")
    with pytest.raises(Refused) as info:
        world.vendor.send_to_erp()
    text = str(info.value)
    assert info.value.rule == "fake.vendor_name_length"
    assert text.count("[rule: fake.vendor_name_length]") == 1
    assert text.count("[rule: fake.vendor_name_letters]") == 1
    assert "must be letters only in Fake ERP" in text and text.count("[rule:") == 2


def test_long_commitment_title_is_truncated_not_refused(world: World) -> None:
    sc, _ = approved_subcontract(world)
    sc.update(status="Draft")
    sc.update(title="Cast-in-place concrete, foundations and slabs", status="Approved")
    assert world.approver.accept(sc.send_to_erp()).ok
    assert world.erp.records[("commitment", "1001:SC-001")]["title"] == "Cast-in-place concrete, founda"
    assert sc.refresh().data["title"].startswith("Cast-in-place concrete, foundations")


def test_cost_code_structure_rules_refuse_the_project(world: World) -> None:
    world.company.cost_codes.create(code="0120.05", description="Odd", cost_types=["L"])
    world.project.cost_codes.add("0120.05")
    with pytest.raises(Refused) as info:
        world.project.send_to_erp()
    assert info.value.rule == "wbs.one_delimiter"
    assert world.erp.calls == []


def test_project_cost_codes_come_from_the_standard_list(world: World) -> None:
    with pytest.raises(ValidationFailed, match="not on the company's ERP Standard Cost Code list"):
        world.project.cost_codes.add("99-999")
    with pytest.raises(ValidationFailed, match="unknown cost type"):
        world.project.cost_codes.add("01-100", ["Q"])


def test_every_cost_code_needs_a_cost_type_before_export(world: World) -> None:
    world.project.cost_codes.add("09-200", [])
    with pytest.raises(PreconditionFailed, match="09-200 has no cost type"):
        world.project.send_to_erp()


def test_sub_job_needs_a_synced_parent(world: World) -> None:
    sub = world.project.sub_jobs.create(code="01", name="Phase 1")
    with pytest.raises(PreconditionFailed, match="parent job must be synced"):
        sub.send_to_erp()
    synced_project(world)
    assert world.approver.accept(sub.send_to_erp()).ok
    assert ("sub_job", "1001:01") in world.erp.records


def test_new_project_cost_codes_are_exported_before_a_financial_export(world: World) -> None:
    project = synced_project(world)
    budget = project.budget
    budget.add_line("09-200", "L", 800)  # 09-200 joins the project after it was synced
    budget.lock()
    assert world.approver.accept(budget.send_to_erp()).ok
    assert ("task", "1001:09-200") in world.erp.records
    assert project.cost_codes.by_code("09-200").origin_id == "1001:09-200"
    assert project.history()[-1].action == "refresh_cost_codes"


def test_standard_cost_codes_cannot_be_made_up_when_the_erp_owns_them(pm) -> None:  # type: ignore[no-untyped-def]
    from sync_helpers import build_company

    company = build_company(pm, FakeErp(matrix(standard_cost_codes=(False, True), cost_types=(False, True))))
    with pytest.raises(Refused) as info:
        company.cost_codes.create(code="10-100", description="Specialties")
    assert info.value.rule == "fake.standard_cost_codes.import_only"
    with pytest.raises(Refused, match="import them"):
        company.cost_types.create(code="E", name="Equipment")


def test_an_arrow_a_connector_does_not_carry_is_a_named_refusal() -> None:
    """Behind the capability matrix, the base connector refuses what a connector does not implement."""
    from sync_core.connectors.sage100 import Sage100Connector
    from sync_core.errors import Refused

    connector = Sage100Connector.__new__(Sage100Connector)
    try:
        connector.fetch_payments({})
    except Refused as exc:
        assert exc.rule == "sage100.fetch_payments.not_offered"
        assert "does not offer fetch payments" in str(exc)
    else:
        raise AssertionError("fetch_payments should be refused")

"""The ERP Integrations state machine: every arrow, every refusal, the audit trail."""

from __future__ import annotations

import pytest

from sync_core import (
    DuplicateOriginId,
    ErpStatus,
    InvalidTransition,
    Locked,
    NotConnected,
    PermissionDenied,
    Refused,
    StillInErp,
    SyncError,
    ValidationFailed,
)
from sync_core.workflow import MOVES, next_status
from sync_helpers import World, synced_project, synced_vendor


def test_send_then_retrieve_returns_the_item_to_editable(world: World) -> None:
    project = world.project.send_to_erp()
    assert project.erp_status is ErpStatus.READY_TO_EXPORT
    with pytest.raises(Locked, match="Ready to Export"):
        project.update(name="Renamed")
    project.retrieve_from_erp()
    assert project.erp_status is ErpStatus.NOT_IN_ERP
    project.update(name="Renamed")
    assert project.refresh().data["name"] == "Renamed"
    assert world.erp.calls == []


def test_accept_exports_and_links_by_origin_id(world: World) -> None:
    project = synced_project(world)
    assert project.erp_status is ErpStatus.SYNCED
    assert project.origin_id == "1001" and project.erp_job_id == "1001"
    assert world.erp.records[("job", "1001")]["codes"] == ["03-300"]
    assert world.company.records.by_origin("project", "1001") == (project.kind, project.id)
    actions = [(e.action, e.from_status, e.to_status) for e in project.history()]
    assert actions[-3:] == [("send", "not_in_erp", "ready_to_export"), ("accept", "ready_to_export", "exporting"),
                            ("exported", "exporting", "synced")]
    assert project.history()[-2].actor == "Ann Accountant"


def test_reject_needs_a_reason_and_allows_resend(world: World) -> None:
    vendor = world.vendor.send_to_erp()
    with pytest.raises(ValidationFailed, match="needs a reason"):
        world.approver.reject(vendor, "  ")
    world.approver.reject(vendor, "Use the legal name")
    assert vendor.refresh().erp_status is ErpStatus.REJECTED
    assert vendor.rejection_reason == "Use the legal name"
    with pytest.raises(InvalidTransition, match="resend_to_erp"):
        vendor.send_to_erp()
    vendor.update(name="Beck Concrete LLC")  # rejected items are editable
    vendor.resend_to_erp()
    assert vendor.erp_status is ErpStatus.READY_TO_EXPORT and vendor.rejection_reason is None
    assert world.approver.accept(vendor, erp_vendor_id="V100").ok
    assert world.erp.records[("vendor", "V100")]["name"] == "Beck Concrete LLC"


@pytest.mark.parametrize("action", ["retrieve", "accept", "reject", "resend", "unlink"])
def test_actions_unavailable_from_not_in_erp(world: World, action: str) -> None:
    vendor = world.vendor
    with pytest.raises(InvalidTransition) as info:
        if action == "retrieve":
            vendor.retrieve_from_erp()
        elif action == "accept":
            world.approver.accept(vendor, erp_vendor_id="V1")
        elif action == "reject":
            world.approver.reject(vendor, "no")
        elif action == "resend":
            vendor.resend_to_erp()
        else:
            world.approver.unlink(vendor)
    assert info.value.status == "not_in_erp" and info.value.action == action
    assert "Not in ERP" in str(info.value)


def test_the_transition_table_is_closed() -> None:
    for move in MOVES.values():
        for status in ErpStatus:
            if status in move.sources:
                assert next_status(status, move.action, "x") is move.target
            else:
                with pytest.raises(InvalidTransition):
                    next_status(status, move.action, "x")


def test_only_an_admin_on_the_tool_can_send(world: World) -> None:
    clerk = world.company.users.create(name="Carl Clerk", tool_permissions={"projects": "standard"})
    with pytest.raises(PermissionDenied, match="'Admin' on the projects tool"):
        world.project.send_to_erp(by=clerk)
    assert world.project.refresh().erp_status is ErpStatus.NOT_IN_ERP


@pytest.mark.parametrize("perms, missing", [
    ({"erp_integrations": "standard", "can_push_to_accounting": True}, "'Admin' on the ERP Integrations tool"),
    ({"erp_integrations": "admin", "can_push_to_accounting": False}, "Can Push to Accounting"),
])
def test_only_an_accounting_approver_can_accept_or_reject(world: World, perms: dict, missing: str) -> None:
    user = world.company.users.create(name="Pat", **perms)
    world.project.send_to_erp()
    with pytest.raises(PermissionDenied, match=missing):
        user.accept(world.project, erp_job_id="1001")
    with pytest.raises(PermissionDenied, match=missing):
        user.reject(world.project, "no")
    assert world.project.refresh().erp_status is ErpStatus.READY_TO_EXPORT
    assert world.erp.calls == []


def test_accept_asks_for_the_erp_ids_the_connector_wants(world: World) -> None:
    world.project.send_to_erp()
    with pytest.raises(ValidationFailed, match="enter the Sage Job ID"):
        world.approver.accept(world.project)
    with pytest.raises(ValidationFailed, match="must be capital letters"):
        world.approver.accept(world.project, erp_job_id="job 1")
    with pytest.raises(ValidationFailed, match="does not ask for erp_vendor_id"):
        world.approver.accept(world.project, erp_job_id="1001", erp_vendor_id="V1")
    assert world.project.refresh().erp_status is ErpStatus.READY_TO_EXPORT
    assert world.erp.calls == []


def test_origin_ids_are_unique_per_object_type(world: World) -> None:
    synced_project(world)
    other = world.company.projects.create(name="Annex", project_number="1002")
    other.send_to_erp()
    with pytest.raises(ValidationFailed, match="already linked to another project"):
        world.approver.accept(other, erp_job_id="1001")
    # the same id may be used by another object type
    assert world.approver.accept(world.vendor.send_to_erp(), erp_vendor_id="1001").ok
    with pytest.raises(DuplicateOriginId):
        world.company.records.link_origin("project", "1001", other.kind, other.id)


def test_create_in_both_systems_then_link_is_refused(world: World) -> None:
    with pytest.raises(Refused) as info:
        world.company.projects.link(world.project, "1001")
    assert info.value.rule == "workflow.create_in_one_system"
    assert "cannot create a job in both systems" in str(info.value)
    with pytest.raises(Refused, match="created in both systems"):
        world.company.directory.link(world.vendor, "V100")


def test_exporting_a_job_that_already_exists_in_the_erp_fails_with_a_clear_message(world: World) -> None:
    world.erp.records[("job", "1001")] = {"name": "made in the ERP"}
    world.project.send_to_erp()
    outcome = world.approver.accept(world.project, erp_job_id="1001")
    assert not outcome.ok and outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "cannot create a job in both systems" in outcome.message
    project = world.project.refresh()
    assert project.erp_message == outcome.message and project.origin_id is None
    assert world.erp.records[("job", "1001")] == {"name": "made in the ERP"}
    # a failed item is editable and can be re-sent with another id
    project.resend_to_erp()
    assert world.approver.accept(project, erp_job_id="1001-B").ok


def test_erp_rejection_lands_in_failed_to_export_with_the_erps_message(world: World) -> None:
    project = synced_project(world)
    vendor = synced_vendor(world)
    sc = project.commitments.create_subcontract(title="Concrete", vendor=vendor)
    line = sc.add_line("03-300", "S", 1000)
    sc.update(status="Approved")
    assert world.approver.accept(sc.send_to_erp()).ok
    invoice = sc.invoices.create(invoice_number="7", billing_date="2026-03-01", status="approved")
    invoice.add_line(line, work_completed=100)
    invoice.send_to_erp()
    outcome = world.approver.accept(invoice, erp_invoice_id="REFUSE")
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert outcome.message == "Fake ERP: BL01001973 Could not create Bill record!"
    assert invoice.refresh().erp_message == outcome.message
    assert invoice.history()[-1].action == "export_failed"


def test_unlink_only_when_the_record_is_gone_from_the_erp(world: World) -> None:
    vendor = synced_vendor(world)
    with pytest.raises(StillInErp, match="still in Fake ERP"):
        world.approver.unlink(vendor)
    assert vendor.refresh().synced
    del world.erp.records[("vendor", "V100")]
    world.approver.unlink(vendor)
    vendor.refresh()
    assert vendor.erp_status is ErpStatus.NOT_IN_ERP and vendor.erp_vendor_id is None
    assert world.company.records.by_origin("vendor", "V100") is None
    assert vendor.history()[-1].action == "unlink"


def test_unlink_needs_standard_or_admin_and_is_not_offered_for_projects(world: World) -> None:
    project = synced_project(world)
    with pytest.raises(SyncError, match="reset"):
        world.approver.unlink(project)
    vendor = synced_vendor(world)
    viewer = world.company.users.create(name="Vic", erp_integrations="read_only")
    with pytest.raises(PermissionDenied, match="'Standard' or 'Admin'"):
        viewer.unlink(vendor)


def test_unlink_a_commitment_waits_for_its_change_orders(world: World) -> None:
    project = synced_project(world)
    vendor = synced_vendor(world)
    sc = project.commitments.create_subcontract(title="Concrete", vendor=vendor)
    sc.add_line("03-300", "S", 1000)
    sc.update(status="Approved")
    world.approver.accept(sc.send_to_erp())
    cco = sc.change_orders.create(title="Extra pour", status="Approved")
    cco.add_line(250, cost_code="03-300", cost_type="M")
    world.approver.accept(cco.send_to_erp())
    world.erp.records.clear()
    with pytest.raises(SyncError, match="unlink CCO 001"):
        world.approver.unlink(sc)
    world.approver.unlink(cco)
    world.approver.unlink(sc)
    assert sc.refresh().erp_status is ErpStatus.NOT_IN_ERP
    assert all(line.origin_id is None for line in sc.lines)


def test_nothing_moves_without_a_connector(pm) -> None:  # type: ignore[no-untyped-def]
    company = pm.create_company("Solo Builders")
    project = company.projects.create(name="Shed")
    with pytest.raises(NotConnected, match="not integrated with an ERP"):
        project.send_to_erp()


def test_interrupted_export_can_be_accepted_again(world: World) -> None:
    project = world.project.send_to_erp()
    project._write({"erp_status": "exporting"})  # as a crash mid-export would leave it
    assert world.approver.accept(project, erp_job_id="1001").ok


def test_audit_log_covers_the_company(world: World) -> None:
    synced_project(world)
    world.approver.reject(world.vendor.send_to_erp(), "wrong address")
    log = world.company.erp.audit_log()
    assert [e.action for e in log if e.object_type == "vendor"][-2:] == ["send", "reject"]
    assert "wrong address" in str(log[-1])
    assert world.company.erp.rejected() == [world.vendor]

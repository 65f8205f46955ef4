"""Exactly-once delivery: retries, backoff, adoption after a lost response, giving up."""

from __future__ import annotations

import pytest

from simulator.clock import Clock
from sync_core import ErpStatus
from sync_core.delivery import AlreadyInErp, Deliverer, GaveUp, RetryPolicy, TransientError
from sync_helpers import World


def flaky(*reasons: str):  # type: ignore[no-untyped-def]
    def fault() -> None:
        raise TransientError(reasons[0], f"HTTP trouble: {reasons[0]}", retry_after=None)
    return fault


def test_backoff_grows_and_caps() -> None:
    policy = RetryPolicy(attempts=6, base_delay=0.5, multiplier=2, max_delay=3)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]
    assert policy.delay(1, retry_after=2.5) == 2.5
    assert policy.delay(1, retry_after=99) == 3


def test_retries_throttling_then_succeeds_with_backoff_on_the_clock(world: World, pm_clock: Clock) -> None:
    world.erp.faults = [flaky(TransientError.RATE_LIMITED), flaky(TransientError.SERVER_ERROR)]
    before = pm_clock.time()
    world.project.send_to_erp()
    outcome = world.approver.accept(world.project, erp_job_id="1001")
    assert outcome.ok
    assert [c for c in world.erp.calls if c.startswith("create")] == ["create job 1001"] * 3
    assert pm_clock.time() - before >= 0.5 + 1.0  # waited by the injectable clock, not for real
    assert any("rate_limited" in n for n in outcome.notes)
    assert "retrying in 0.5s" in world.project.history()[-1].detail


def test_expired_session_retries_at_once(world: World, pm_clock: Clock) -> None:
    world.erp.faults = [flaky(TransientError.SESSION_EXPIRED)]
    before = pm_clock.time()
    assert world.approver.accept(world.vendor.send_to_erp(), erp_vendor_id="V1").ok
    assert pm_clock.time() - before < 0.5


def test_lost_response_after_commit_adopts_instead_of_creating_twice(world: World) -> None:
    world.erp.lost_after_commit = 1
    world.project.send_to_erp()
    outcome = world.approver.accept(world.project, erp_job_id="1001")
    assert outcome.ok and outcome.origin_id == "1001"
    creates = [c for c in world.erp.calls if c.startswith("create job")]
    assert creates == ["create job 1001"]
    assert "adopted, not created again" in " ".join(outcome.notes)
    assert len([k for k in world.erp.records if k[0] == "job"]) == 1


def test_giving_up_leaves_failed_to_export_then_a_resend_adopts_the_committed_record(world: World) -> None:
    # The create commits but its response is lost, then the ERP goes down; after five attempts we give up.
    world.erp.down = 1  # the very first lookup fails too
    world.erp.lost_after_commit = 1
    world.erp.faults = [lambda: setattr(world.erp, "down", 99)]  # down from the create on
    world.vendor.send_to_erp()
    outcome = world.approver.accept(world.vendor, erp_vendor_id="V7")
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert outcome.message.startswith("gave up on vendor V7 after 5 attempts")
    assert "503 Service Unavailable" in outcome.message
    assert [c for c in world.erp.calls if c.startswith("create")] == ["create vendor V7"]
    assert world.company.records.ledger("vendor", world.vendor.id)["attempts"] == 1
    assert world.vendor.refresh().origin_id is None
    # The ERP recovers; re-sending finds the vendor the first attempt created and links it.
    world.erp.down = 0
    world.vendor.resend_to_erp()
    again = world.approver.accept(world.vendor, erp_vendor_id="V7")
    assert again.ok and "adopted" in again.message
    assert [c for c in world.erp.calls if c.startswith("create")] == ["create vendor V7"]


def test_persistent_server_errors_give_up_with_the_erps_message(world: World, pm_clock: Clock) -> None:
    world.erp.faults = [flaky(TransientError.SERVER_ERROR)] * 10
    outcome = world.approver.accept(world.vendor.send_to_erp(), erp_vendor_id="V8")
    assert outcome.status is ErpStatus.FAILED_TO_EXPORT
    assert "HTTP trouble: server_error" in outcome.message
    assert world.vendor.refresh().erp_message == outcome.message
    assert ("vendor", "V8") not in world.erp.records


def test_deliverer_refuses_a_record_it_never_tried_to_create() -> None:
    deliverer = Deliverer(RetryPolicy(), sleep=lambda s: None)
    with pytest.raises(AlreadyInErp):
        deliverer.ensure("job 1", find=lambda: "1", create=lambda: "never", may_adopt=False)
    key, adopted = deliverer.ensure("job 1", find=lambda: "1", create=lambda: "never", may_adopt=True)
    assert (key, adopted) == ("1", True)


def test_deliverer_call_gives_up_after_the_policy() -> None:
    slept: list[float] = []
    deliverer = Deliverer(RetryPolicy(attempts=3, base_delay=1), sleep=slept.append)

    def always() -> None:
        raise TransientError(TransientError.RATE_LIMITED, "429 Too Many Requests", retry_after=4)

    with pytest.raises(GaveUp) as info:
        deliverer.call("read vendors", always)
    assert info.value.attempts == 3
    assert slept == [4, 4]
    assert "429 Too Many Requests" in str(info.value)

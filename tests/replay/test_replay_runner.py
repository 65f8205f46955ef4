"""Running scenarios: what passes, and what a failure shows (expected, found, the ERP's own exchange)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync_core.replay import Runner, Simulators, parse
from sync_core.replay.report import failure_text

START = """
name: mini
today: 2026-04-01
given: [demo company, ERP cost types and cost codes imported, an accounting approver]
vars:
  code: {intacct: 03-300, sage100: "3.300", acumatica: 03-300}
  ctype: {intacct: Subcontract, sage100: "4", acumatica: SUBCONTRACT}
  vendor_id: {intacct: V600, sage100: "600", acumatica: V600}
steps:
  - pm: create project
    name: Mini Job
    number: "2901"
    cost codes: [{code: "${code}", cost types: ["${ctype}"]}]
    as: project
  - pm: send to erp
    item: project
  - pm: accept
    item: project
    erp job id: "2901"
"""


@pytest.fixture(scope="module")
def pool() -> Iterator[Simulators]:
    with Simulators() as simulators:
        yield simulators


def run(pool: Simulators, text: str, erp: str) -> object:
    return Runner(pool).run(parse(START + text, "mini.yaml"), erp)


def test_a_passing_run_cleans_up_its_tenant(pool: Simulators) -> None:
    result = run(pool, """
  - expect: erp
    job: "2901"
    has: {exists: true, name: Mini Job, cost codes: ["${code}"]}
  - expect: pm
    item: project
    has: {erp status: Synced, erp job id: "2901", name: {contains: mini}}
""", "intacct")
    assert result.ok, failure_text(result)
    assert [s.status for s in result.steps] == ["passed"] * 5
    assert pool.get("intacct").admin("GET", "/tenants")["tenants"] == []


def test_a_failed_expectation_shows_expected_found_and_the_erps_exchange(pool: Simulators) -> None:
    result = run(pool, """
  - say: The job name reads back from Sage 100
    expect: erp
    job: "2901"
    has: {name: Maxi Job}
  - pm: create company
    name: never runs
""", "sage100")
    assert not result.ok
    step = result.failed_step
    assert (step.index, step.line, step.label, step.say) == (4, 21, "expect: erp", "The job name reads back from Sage 100")
    assert step.differences == [("Sage 100 Contractor's job 2901: name", "'Maxi Job'", "'Mini Job'")]
    assert [s.status for s in result.steps][-1] == "not run"
    login, exchange = step.exchanges[0], step.exchanges[1]
    assert (login.method, login.url, login.status) == ("POST", "/sage100/session", 201)
    assert '"password": "***"' in login.request or '"password":"***"' in login.request  # never shown
    assert (exchange.source, exchange.method, exchange.status) == ("read back", "GET", 200)
    assert exchange.url.startswith("/sage100/records/actrec/2901")
    assert '"jobnme":"Mini Job"' in exchange.response
    story = failure_text(result)
    assert "mini[sage100] failed" in story and "file: mini.yaml" in story
    assert "at step 4 (expect: erp, line 21): The job name reads back from Sage 100" in story
    assert "expected: 'Maxi Job'" in story and "found:    'Mini Job'" in story
    assert "GET /sage100/records/actrec/2901" in story


def test_an_export_the_erp_refuses_shows_its_request_and_answer(pool: Simulators) -> None:
    result = run(pool, """
  - bookkeeper: create job
    job id: "2902"
    name: Made in the ERP
  - pm: create project
    name: Made in Procore
    number: "2902"
    as: twin
  - pm: send to erp
    item: twin
  - pm: accept
    item: twin
    erp job id: "2902"
""", "acumatica")
    step = result.failed_step
    assert step.label == "pm: accept"
    assert step.problem.startswith("failed to export: Project #2 (Made in Procore) failed to export: project 2902 "
                                   "already exists in the ERP in Acumatica")
    assert any(x.source == "connector" and "/Project" in x.url for x in step.exchanges)
    back_office = [x for x in result.steps[3].exchanges if x.source == "back office"]
    assert back_office and back_office[0].status == 200 and "create_job" in back_office[0].url


def test_expected_errors_must_happen_and_must_match(pool: Simulators) -> None:
    succeeded = run(pool, """
  - pm: create company
    name: Fine Co
    error: {kind: refused}
""", "intacct")
    step = succeeded.failed_step
    assert step.problem == "the step succeeded, but the scenario says it must fail"
    assert step.differences == [("error", "an error: refused", "success (Company #1 (Fine Co))")]
    other = run(pool, """
  - pm: create company
    name: Consolidated Mechanical Contractors of ND
    as: long
  - pm: send to erp
    item: long
    error: {kind: refused, rule: sage100.vendor_name_length_typo}
""", "sage100")
    step = other.failed_step
    assert step.problem == "the step failed, but not with the error the scenario expects"
    assert step.differences[0][1] == "an error: refused, rule sage100.vendor_name_length_typo"
    assert step.differences[0][2].startswith("refused (rule sage100.vendor_name_length): Company #1")
    matched = run(pool, """
  - pm: create company
    name: Consolidated Mechanical Contractors of ND
    as: long
  - pm: send to erp
    item: long
    error: {kind: refused, rule: sage100.vendor_name_length, message: "30 characters or fewer"}
""", "sage100")
    assert matched.ok and "30 characters or fewer" in matched.steps[-1].expected_error


def test_the_bookkeepers_refusal_is_in_the_erps_words(pool: Simulators) -> None:
    result = run(pool, """
  - bookkeeper: create vendor
    vendor id: V100
    name: Flores again
""", "intacct")
    assert result.failed_step.problem == "erp refused: Another Vendor with the given value(s) V100 already exists"
    unknown = run(pool, """
  - bookkeeper: update record
    object: VENDOR
    key: V100
    fields: {NAME: x}
""", "intacct")
    assert "no back-office action 'update_record' for intacct" in unknown.failed_step.problem


def test_variables_flow_between_steps_and_the_clock_moves_both_sides(pool: Simulators) -> None:
    result = run(pool, """
  - pm: create company
    name: Granite ${erp}
    as: granite
  - pm: send to erp
    item: granite
  - pm: accept
    item: granite
    erp vendor id: ${vendor_id}
  - expect: erp
    vendor: ${granite.erp_vendor_id}
    has: {name: Granite acumatica}
  - sync: advance clock
    by: 2 days
  - expect: pm
    item: project
    has: {erp status: Synced}
  - pm: create invoice
    commitment: project
    number: G-1
    billing date: ${today}
    lines: [{line: 1}]
""", "acumatica")
    step = result.failed_step
    assert step.index == 10 and step.problem == "Project #1 (Mini Job) is not a commitment"
    assert result.steps[7].notes == ["no scheduled import was due"]
    binding_clock_day = pool.get("acumatica").app.state.clock.now().date().isoformat()
    assert binding_clock_day == "2026-04-03"


def test_in_process_requests_work_from_inside_an_event_loop() -> None:
    import asyncio

    from sync_core.replay import Simulator

    async def call(sim: Simulator) -> str:
        tenant = sim.create_tenant(None)
        sim.delete_tenant(tenant.id)
        return str(sim.admin("GET", "/health")["status"])

    with Simulator() as sim:
        assert asyncio.run(call(sim)) == "ok"  # an async test's own loop is running meanwhile
        assert sim.admin("GET", "/tenants")["tenants"] == []


def test_named_starting_states_make_what_the_erp_lacks(pool: Simulators) -> None:
    scenario = parse("""
name: states
given: [demo company, vendor 999 exists in the ERP, job 5001 exists in the ERP, ERP vendors imported]
erps: [sage100]
steps:
  - expect: erp
    vendor: "999"
    has: {exists: true, name: Vendor 999}
  - expect: erp
    job: "5001"
    has: {exists: true, name: Job 5001}
  - pm: find company
    erp vendor id: "999"
    as: made
  - expect: pm
    item: made
    has: {erp status: Synced}
""", "states.yaml")
    result = Runner(pool).run(scenario, "sage100")
    assert result.ok, failure_text(result)
    empty = parse("""
name: empty
given: [empty company, ERP vendors imported]
erps: [acumatica]
steps:
  - expect: erp
    vendor: V100
    has: {exists: false}
""", "empty.yaml")
    assert Runner(pool).run(empty, "acumatica").ok

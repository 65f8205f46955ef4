"""Faults and the journal in scenario files: the fault: step, a scenario's faults:, expect: journal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync_core.replay import Runner, Simulators, parse
from sync_core.replay.format import ScenarioInvalid
from sync_core.replay.report import failure_text

HEAD = """
name: faulted
today: 2026-04-01
given: [demo company, ERP cost types and cost codes imported, an accounting approver]
vars:
  code: {intacct: 03-300, sage100: "3.300", acumatica: 03-300}
  ctype: {intacct: Subcontract, sage100: "4", acumatica: SUBCONTRACT}
  create_job: {intacct: create, sage100: insert, acumatica: PUT}
  job_object: {intacct: PROJECT, sage100: actrec, acumatica: Project}
"""
PROJECT = """
  - pm: create project
    name: Faulted Job
    number: "2901"
    cost codes: [{code: "${code}", cost types: ["${ctype}"]}]
    as: project
  - pm: send to erp
    item: project
  - pm: accept
    item: project
    erp job id: "2901"
  - expect: erp
    job: "2901"
    has: {exists: true, name: Faulted Job}
"""


@pytest.fixture(scope="module")
def pool() -> Iterator[Simulators]:
    with Simulators() as simulators:
        yield simulators


@pytest.mark.parametrize("erp", ["intacct", "sage100", "acumatica"])
def test_a_job_export_survives_drop_after_commit_exactly_once(pool: Simulators, erp: str) -> None:
    text = HEAD + """steps:
  - fault: drop after commit
    operation: ${create_job}
    object: ${job_object}
    first: 1
""" + PROJECT + """
  - expect: journal
    operation: ${create_job}
    object: ${job_object}
    faulted: drop after commit
    count: 1
  - expect: journal
    operation: ${create_job}
    object: ${job_object}
    status: 2xx
    at most: 1
"""
    result = Runner(pool).run(parse(text, "faulted.yaml"), erp)
    assert result.ok, failure_text(result)


def test_scenario_level_faults_and_clearing_them(pool: Simulators) -> None:
    text = HEAD + """faults:
  - fault: {kind: error, error: rate limit}
    first: 2
steps:
  - expect: journal
    faulted: error
    count: 0
""" + PROJECT + """
  - expect: journal
    faulted: error
    count: 2
  - fault: clear
  - fault: http
    client: any
    status: 418
  - expect: erp
    job: "2901"
    has: {exists: true}
"""
    result = Runner(pool).run(parse(text, "faulted.yaml"), "intacct")
    assert not result.ok
    failed = result.failed_step
    assert failed is not None and failed.label == "expect: erp"  # the read back met the teapot: client any
    assert [s.status for s in result.steps[:-1]] == ["passed"] * (len(result.steps) - 1)


def test_a_journal_expectation_that_does_not_hold_says_what_it_counted(pool: Simulators) -> None:
    text = HEAD + "steps:\n" + PROJECT + """
  - expect: journal
    operation: create
    object: PROJECT
    count: 2
"""
    result = Runner(pool).run(parse(text, "faulted.yaml"), "intacct")
    assert not result.ok
    assert "expected: 2" in failure_text(result) and "found:    1" in failure_text(result)


@pytest.mark.parametrize("bad, message", [
    ("  - fault: mix\n    of: [explode]\n", "unknown fault kind 'explode'"),
    ("  - fault: reset\n    colour: red\n", "unknown fault parameter 'colour'"),
    ("  - fault: reset\n    client: browser\n", "client is one of"),
    ("  - fault: reset\n    first: 0\n", "'first' must be"),
    ("  - fault: latency\n", "needs 'ms'"),
    ("  - expect: journal\n    operation: create\n", "needs count, at least or at most"),
    ("  - fault: explode\n", "unknown fault action 'explode'"),
])
def test_bad_faults_are_refused_before_anything_runs(bad: str, message: str) -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        parse(HEAD + "steps:\n" + bad, "bad.yaml")
    assert message in str(caught.value)


def test_bad_scenario_level_faults_are_refused() -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        parse(HEAD + "faults:\n  - fault: {kind: latency}\nsteps:\n" + PROJECT, "bad.yaml")
    assert "fault 1: fault 'latency' needs 'ms'" in str(caught.value)

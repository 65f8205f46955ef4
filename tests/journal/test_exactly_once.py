"""Exactly once under faults: the headline lifecycle on each ERP with 30 % of the sync's calls faulted.

A seeded mix (drop after commit, resets, cut answers, throttling, busy records, expired sessions)
hits the connector through a served simulator. Each run must pass its own expectations (Procore
and the ERP agree to the cent) and leave the ERP's books exactly as a clean run does. A few seeds
run in the suite; all twenty behind ``-m slow`` (and in ``benchmarks/exactly_once.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync_core.replay import load
from sync_core.replay.chaos import run
from sync_core.replay.env import Simulator
from sync_core.replay.format import Scenario
from sync_core.replay.report import failure_text

HEADLINE = Path(__file__).resolve().parents[2] / "scenarios" / "headline.yaml"
ERPS = ("intacct", "sage100", "acumatica")
SUITE_SEEDS = (1, 2, 3)
ALL_SEEDS = tuple(range(1, 21))


@pytest.fixture(scope="module")
def served() -> Iterator[Simulator]:
    simulator = Simulator.threaded()
    yield simulator
    simulator.close()


@pytest.fixture(scope="module")
def headline() -> Scenario:
    return load(HEADLINE)


@pytest.fixture(scope="module")
def clean(served: Simulator, headline: Scenario) -> dict[str, Counter[str]]:
    books = {}
    for erp in ERPS:
        outcome = run(served, headline, erp, None)
        assert outcome.result.ok, failure_text(outcome.result)
        assert outcome.journal["faulted"] == 0 and sum(outcome.books.values()) > 0
        books[erp] = outcome.books
    return books


def check(served: Simulator, headline: Scenario, clean: dict[str, Counter[str]], erp: str, seed: int) -> None:
    outcome = run(served, headline, erp, seed)
    assert outcome.result.ok, failure_text(outcome.result)
    assert outcome.differences(clean[erp]) == []  # 0 duplicate, 0 missing
    assert outcome.journal["faulted"] > 0  # the faults really hit


@pytest.mark.parametrize("seed", SUITE_SEEDS)
@pytest.mark.parametrize("erp", ERPS)
def test_headline_exactly_once_under_faults(served: Simulator, headline: Scenario, clean: dict[str, Counter[str]],
                                            erp: str, seed: int) -> None:
    check(served, headline, clean, erp, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [s for s in ALL_SEEDS if s not in SUITE_SEEDS])
@pytest.mark.parametrize("erp", ERPS)
def test_headline_exactly_once_under_faults_every_seed(served: Simulator, headline: Scenario,
                                                       clean: dict[str, Counter[str]], erp: str, seed: int) -> None:
    check(served, headline, clean, erp, seed)


def test_the_same_seed_meets_the_same_faults(served: Simulator, headline: Scenario) -> None:
    first = run(served, headline, "sage100", 5)
    again = run(served, headline, "sage100", 5)
    assert first.journal == again.journal and first.journal["faulted"] > 0

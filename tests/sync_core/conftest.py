from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.clock import Clock
from simulator.store import Store
from sync_core import Procore
from sync_helpers import World, make_world


@pytest.fixture
def pm_clock() -> Clock:
    return Clock()


@pytest.fixture
def pm(pm_clock: Clock) -> Iterator[Procore]:
    store = Store(":memory:")
    yield Procore(store, clock=pm_clock, sleep=pm_clock.advance)
    store.close()


@pytest.fixture
def world(pm: Procore) -> World:
    return make_world(pm)

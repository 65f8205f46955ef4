"""A simulator served by real uvicorn, fresh per test, with a client for each ERP room."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from simulator.app import create_app
from simulator.store import Store
from simulator.testing import ThreadedServer

from .clients import CLIENTS, ErpClient


@pytest.fixture
def served() -> Iterator[str]:
    store = Store(":memory:")
    with ThreadedServer(create_app(store)) as server:
        yield server.url
    store.close()


@pytest.fixture
def control(served: str) -> Iterator[httpx.Client]:
    """The control plane for the demo tenant."""
    with httpx.Client(base_url=f"{served}/_erpsim/tenants/demo", timeout=10) as client:
        yield client


@pytest.fixture(params=sorted(CLIENTS))
def erp(request: pytest.FixtureRequest, served: str) -> Iterator[ErpClient]:
    client = CLIENTS[request.param](served)
    client.login()
    yield client
    client.close()


@pytest.fixture
def connect(served: str) -> Iterator[Callable[[str], ErpClient]]:
    """Make a client of the named room (not signed in); all are closed after the test."""
    made: list[ErpClient] = []

    def make(name: str) -> ErpClient:
        made.append(CLIENTS[name](served))
        return made[-1]

    yield make
    for client in made:
        client.close()

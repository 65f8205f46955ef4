from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.clock import Clock
from simulator.sage100 import service
from simulator.store import Store

from .helpers import Api, login


@pytest.fixture
def sage_app(store: Store, clock: Clock) -> Starlette:
    """Only the Sage 100 room, with the demo company seeded."""
    return create_app(store, services=[service], clock=clock)


@pytest.fixture
def sage_client(sage_app: Starlette) -> Iterator[TestClient]:
    with TestClient(sage_app) as client:
        yield client


@pytest.fixture
def api(sage_client: TestClient) -> Api:
    response = login(sage_client)
    assert response.status_code == 201, response.text
    return Api(sage_client, response.json()["token"])

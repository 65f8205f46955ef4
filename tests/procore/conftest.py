from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.procore import side
from sync_core.procore import Company

REST = "/procore/rest/v1.0"


@pytest.fixture
def config(app: Starlette) -> dict[str, Any]:
    return dict(app.state.store.get_tenant("demo").config["procore"])


@pytest.fixture
def demo(app: Starlette) -> Company:
    """The demo company, its cost codes imported from Intacct."""
    side.prepare(app, "demo")
    return side.company(app, "demo")


@pytest.fixture
def token(client: TestClient, config: dict[str, Any]) -> str:
    response = client.post("/procore/oauth/token", data={"grant_type": "client_credentials",
                                                         "client_id": config["client_id"],
                                                         "client_secret": config["client_secret"]})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
def api(client: TestClient, token: str, config: dict[str, Any], demo: Company) -> Iterator[TestClient]:
    """A client signed in as the company's service account, sending Procore-Company-Id."""
    client.headers.update({"Authorization": f"Bearer {token}", "Procore-Company-Id": str(config["company_id"])})
    yield client


@pytest.fixture
def configure(client: TestClient) -> Callable[..., None]:
    def change(**settings: Any) -> None:
        assert client.patch("/_erpsim/tenants/demo/config", json={"procore": settings}).status_code == 200
    return change

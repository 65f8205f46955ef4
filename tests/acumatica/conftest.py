"""Fixtures for the Acumatica room: a fresh simulator with only this room, and a signed-in client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.acumatica import service
from simulator.app import create_app
from simulator.clock import Clock
from simulator.store import Store

V24 = "24.200.001"
V23 = "23.200.001"


def wrap(values: dict[str, Any]) -> dict[str, Any]:
    """Plain values -> the contract's wrappers; lists stay lists of wrapped rows, dicts become linked entities.

    Keys starting with '_' pass through unwrapped (``_delete`` -> ``delete``, ``_id`` -> ``id``, ``_custom``).
    """
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith("_"):
            out[key[1:]] = value
        elif isinstance(value, list):
            out[key] = [wrap(v) for v in value]
        elif isinstance(value, dict):
            out[key] = wrap(value)
        else:
            out[key] = {"value": value}
    return out


def val(record: dict[str, Any], name: str) -> Any:
    return record.get(name, {}).get("value")


class Acu:
    """A signed-in Acumatica client over the in-process app."""

    def __init__(self, client: TestClient, clock: Clock, version: str = V24) -> None:
        self.client = client
        self.clock = clock
        self.version = version

    @property
    def base(self) -> str:
        return f"/acumatica/entity/Default/{self.version}"

    def login(self, name: str = "admin", password: str = "admin", tenant: str = "Demo", **extra: Any
              ) -> httpx.Response:
        return self.client.post("/acumatica/entity/auth/login",
                                json={"name": name, "password": password, "tenant": tenant, **extra})

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(f"{self.base}/{path}", params=params)

    def put(self, entity: str, body: dict[str, Any], headers: dict[str, str] | None = None, **params: Any
            ) -> httpx.Response:
        return self.client.put(f"{self.base}/{entity}", json=wrap(body), params=params, headers=headers)

    def put_raw(self, entity: str, content: Any, **kwargs: Any) -> httpx.Response:
        return self.client.put(f"{self.base}/{entity}", content=content,
                               headers={"Content-Type": "application/json"}, **kwargs)

    def delete(self, path: str) -> httpx.Response:
        return self.client.delete(f"{self.base}/{path}")

    def action(self, entity: str, action: str, keys: dict[str, Any], parameters: dict[str, Any] | None = None
               ) -> httpx.Response:
        body: dict[str, Any] = {"entity": wrap(keys)}
        if parameters is not None:
            body["parameters"] = wrap(parameters)
        return self.client.post(f"{self.base}/{entity}/{action}", json=body)

    def ok(self, entity: str, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        r = self.put(entity, body, **params)
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    def one(self, path: str, **params: Any) -> dict[str, Any]:
        r = self.get(path, **params)
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    def run(self, entity: str, action: str, keys: dict[str, Any], parameters: dict[str, Any] | None = None
            ) -> httpx.Response:
        """An action that must succeed (204, or 202 polled to 204)."""
        r = self.action(entity, action, keys, parameters)
        assert r.status_code in (202, 204), r.text
        if r.status_code == 202:
            location = r.headers["Location"]
            for _ in range(10):
                polled = self.client.get(location)
                if polled.status_code == 204:
                    break
                assert polled.status_code == 202, polled.text
            else:
                raise AssertionError("action never finished")
        return r

    def configure(self, **changes: Any) -> None:
        r = self.client.patch("/_erpsim/tenants/demo/config", json={"acumatica": changes})
        assert r.status_code == 200, r.text


@pytest.fixture
def app(store: Store, clock: Clock) -> Starlette:
    return create_app(store, services=[service], clock=clock)


@pytest.fixture
def raw(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def acu(raw: TestClient, clock: Clock) -> Acu:
    client = Acu(raw, clock)
    r = client.login()
    assert r.status_code == 204, r.text
    return client


def pytest_ignore_collect(collection_path: Any, config: pytest.Config) -> bool | None:
    """Build the coverage-phase schema (slow to collect) only when slow tests are selected."""
    if collection_path.name == "test_schemathesis_coverage.py":
        expr = str(config.getoption("markexpr") or "")
        if "slow" not in expr or "not slow" in expr:
            return True
    return None

"""Webhooks: hooks, triggers and deliveries over the API, and real deliveries to a receiver the test starts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from simulator.clock import Clock
from simulator.testing import ThreadedServer

REST = "/procore/rest/v1.0"


class Receiver:
    def __init__(self, failures: int = 0) -> None:
        self.events: list[tuple[dict[str, Any], dict[str, str]]] = []
        self.failures = failures

        async def receive(request: Request) -> JSONResponse:
            if self.failures > 0:
                self.failures -= 1
                return JSONResponse({"error": "busy"}, status_code=500)
            self.events.append((await request.json(), dict(request.headers)))
            return JSONResponse({"ok": True})

        self.app = Starlette(routes=[Route("/hook", receive, methods=["POST"])])


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    got = Receiver()
    with ThreadedServer(got.app) as server:
        yield got, f"{server.url}/hook"


def wait_for(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def hook(api: TestClient, config: dict[str, Any], url: str, version: str = "v2.0",
         resource: str = "Projects", event: str = "create") -> dict[str, Any]:
    made = api.post(f"{REST}/webhooks/hooks", json={"company_id": config["company_id"], "hook": {
        "api_version": version, "namespace": "erpsim-test", "destination_url": url,
        "destination_headers": {"Authorization": "Bearer shared-secret"}}})
    assert made.status_code == 201, made.text
    trigger = api.post(f"{REST}/webhooks/hooks/{made.json()['id']}/triggers", json={
        "company_id": config["company_id"], "trigger": {"resource_name": resource, "event_type": event}})
    assert trigger.status_code == 201, trigger.text
    return dict(made.json())


def test_a_created_project_is_delivered_with_the_v2_payload(api: TestClient, config: dict[str, Any],
                                                            receiver: tuple[Receiver, str]) -> None:
    got, url = receiver
    made = hook(api, config, url)
    project = api.post(f"{REST}/projects", json={"project": {"name": "Library"}}).json()
    wait_for(lambda: len(got.events) == 1)
    payload, headers = got.events[0]
    assert headers["authorization"] == "Bearer shared-secret"
    assert payload["api_version"] == "v2.0" and payload["event_type"] == "create"
    assert payload["resource_name"] == "Projects" and payload["resource_id"] == project["id"]
    assert payload["company_id"] == config["company_id"] and len(payload["ulid"]) == 26
    assert payload["timestamp"].endswith("Z") and "source_user_id" in payload["metadata"]
    listing = f"{REST}/webhooks/hooks/{made['id']}/deliveries"
    wait_for(lambda: api.get(listing).json()[0]["outcome"] == "ok")  # the receiver answers before it is recorded
    assert api.get(listing).json()[0]["response_status"] == 200


def test_erp_status_changes_are_update_events_in_v4(api: TestClient, config: dict[str, Any],
                                                     receiver: tuple[Receiver, str]) -> None:
    got, url = receiver
    project = api.post(f"{REST}/projects", json={"project": {"name": "Library"}}).json()
    hook(api, config, url, version="v4.0", event="update")
    sent = api.post(f"/_erpsim/tenants/demo/procore/items/projects/{project['id']}/send",
                    json={"user": "pm@demo.example.com"})
    assert sent.status_code == 200
    wait_for(lambda: len(got.events) >= 1)
    payload = got.events[0][0]
    assert payload["reason"] == "update" and payload["resource_type"] == "Projects"
    assert payload["resource_id"] == str(project["id"]) and payload["project_id"] == str(project["id"])


def test_a_failing_receiver_is_retried_on_the_clock_and_shows_in_deliveries(
        api: TestClient, config: dict[str, Any], clock: Clock) -> None:
    got = Receiver(failures=1)
    with ThreadedServer(got.app) as server:
        made = hook(api, config, f"{server.url}/hook")
        api.post(f"{REST}/projects", json={"project": {"name": "Library"}})
        failing = f"{REST}/webhooks/hooks/{made['id']}/deliveries"
        wait_for(lambda: [d["attempts"] for d in api.get(failing, params={"filters[status]": "failing"}).json()]
                 == [1])
        first = api.get(failing).json()[0]
        assert first["outcome"] == "retried" and first["response_status"] == 500
        clock.advance(2)
        wait_for(lambda: len(got.events) == 1)
        wait_for(lambda: api.get(failing, params={"filter[status]": "successful"}).json() != [])
        assert api.get(failing, params={"filter[status]": "successful"}).json()[0]["attempts"] == 2


def test_an_unreachable_receiver_is_discarded_after_the_last_attempt(
        api: TestClient, config: dict[str, Any], clock: Clock, configure: Callable[..., None]) -> None:
    configure(webhook_attempts=2, webhook_timeout=0.5)
    made = hook(api, config, "http://127.0.0.1:9/nothing-listens-here")
    api.post(f"{REST}/projects", json={"project": {"name": "Library"}})
    deliveries = f"{REST}/webhooks/hooks/{made['id']}/deliveries"
    wait_for(lambda: api.get(deliveries).json()[0]["attempts"] == 1)
    assert api.get(deliveries).json()[0]["response_error"]
    clock.advance(5)
    wait_for(lambda: api.get(deliveries, params={"filters[status]": "discarded"}).json() != [])


def test_hooks_and_triggers_are_managed_and_validated(api: TestClient, config: dict[str, Any]) -> None:
    made = hook(api, config, "http://127.0.0.1:9/x")
    assert [h["id"] for h in api.get(f"{REST}/webhooks/hooks", params={"namespace": "erpsim-test"}).json()] == \
        [made["id"]]
    patched = api.patch(f"{REST}/webhooks/hooks/{made['id']}", json={"hook": {"api_version": "v3.0"}}).json()
    assert patched["api_version"] == "v3.0"
    bad = api.post(f"{REST}/webhooks/hooks", json={"company_id": config["company_id"], "hook": {
        "namespace": "Bad Name", "destination_url": "http://x"}})
    assert bad.status_code == 422 and "namespace" in bad.json()["errors"]
    wrong = api.post(f"{REST}/webhooks/hooks/{made['id']}/triggers", json={"trigger": {
        "resource_name": "Nothing", "event_type": "create"}})
    assert wrong.status_code == 422
    triggers = api.get(f"{REST}/webhooks/hooks/{made['id']}/triggers").json()
    assert api.delete(f"{REST}/webhooks/hooks/{made['id']}/triggers/{triggers[0]['id']}").status_code == 204
    assert api.delete(f"{REST}/webhooks/hooks/{made['id']}").status_code == 204
    assert api.get(f"{REST}/webhooks/hooks/{made['id']}").status_code == 404
    assert "Work Order Contracts" in {r["name"] for r in api.get(f"{REST}/webhooks/resources").json()}


def test_a_change_that_rolls_back_sends_nothing(api: TestClient, config: dict[str, Any],
                                                 receiver: tuple[Receiver, str], app: Starlette) -> None:
    got, url = receiver
    made = hook(api, config, url)
    clash = api.patch(f"{REST}/projects/sync", json={"updates": [{"name": "A", "origin_id": "J1"},
                                                                 {"name": "B", "project_number": "x",
                                                                  "start_date": "2026-05-01",
                                                                  "completion_date": "2026-01-01"}]}).json()
    assert len(clash["entities"]) == 1 and len(clash["errors"]) == 1
    wait_for(lambda: len(got.events) == 1)
    time.sleep(0.5)
    assert len(got.events) == 1
    assert len(api.get(f"{REST}/webhooks/hooks/{made['id']}/deliveries").json()) == 1

"""The REST wire in the request journal and under fault rules, named in its own terms."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from .rest_helpers import BASE, CLIENT, Rest, error_of, rest  # noqa: F401  (rest is a fixture)

ADMIN = "/_erpsim/tenants/demo"


def journal(client: TestClient, **filters: Any) -> list[dict[str, Any]]:
    reply = client.get(f"{ADMIN}/journal", params=filters)
    assert reply.status_code == 200, reply.text
    entries: list[dict[str, Any]] = reply.json()["entries"]
    return entries


def test_rest_calls_are_journaled_by_operation_and_object(rest: Rest, client: TestClient) -> None:
    rest.created("accounts-payable/vendor", {"id": "J-1", "name": "Journaled",
                                             "contacts": {"default": {"printAs": "Journaled"}}})
    rest.rows("projects/task", ["id"], size=1)
    rest.call("POST", "/services/core/composite", [{"method": "GET", "path": "/objects/projects/project/1"}])
    entries = journal(client, erp="intacct")
    assert [e["operations"][0] for e in entries][:4] == [
        {"name": "get", "object": "projects/project"}, {"name": "query", "object": "projects/task"},
        {"name": "create", "object": "accounts-payable/vendor"}, {"name": "token", "object": "oauth2"}]
    whole = str(client.get(f"{ADMIN}/journal/{entries[-1]['id']}").json())
    assert CLIENT[1] not in whole and rest.token not in whole


def test_fault_rules_answer_in_the_rest_shape(rest: Rest, client: TestClient) -> None:
    def add(**rule: Any) -> None:
        reply = client.post(f"{ADMIN}/faults", json={"erp": "intacct", "first": 1, **rule})
        assert reply.status_code == 201, reply.text

    add(fault={"kind": "error", "error": "rate_limit", "retry_after": 7}, operation="query")
    limited = rest.query("projects/task", ["id"])
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert error_of(limited, 429)["code"] == "tooManyRequests"
    add(fault={"kind": "error", "error": "session"})
    reply = rest.call("GET", "/objects/projects/project/1")
    assert reply.status_code == 401 and reply.json()["error"]["errorId"] == "REST-2102"
    add(fault="session_expiry")
    assert rest.call("GET", "/objects/projects/project/1").status_code == 401
    assert rest.call("GET", "/objects/projects/project/1").status_code == 401  # the token is gone for good
    rest.sign_in()
    assert rest.call("GET", "/objects/projects/project/1").status_code == 200

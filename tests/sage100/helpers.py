"""A small client for the Sage 100 Contractor record API, for tests."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

LOGIN = {"company": "Demo Construction", "username": "api", "password": "api"}
DEMO = "demo"


def login(client: TestClient, **overrides: str) -> Any:
    return client.post("/sage100/session", json={**LOGIN, **overrides})


def configure(app: Starlette, tenant: str = DEMO, **settings: Any) -> None:
    app.state.tenants.configure(tenant, {"sage100": settings})


def set_check(app: Starlette, name: str, mode: str, **tolerance: str) -> None:
    configure(app, checks={name: {"mode": mode, **tolerance}})


class Api:
    """Authenticated calls; each helper asserts the status it expects and returns the JSON."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, **kw: Any) -> Any:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, f"/sage100{path}", headers=headers, **kw)

    def _expect(self, response: Any, status: int) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    def insert(self, table: str, body: dict[str, Any], status: int = 201) -> Any:
        return self._expect(self.call("POST", f"/records/{table}", json=body), status)

    def add(self, table: str, body: dict[str, Any]) -> dict[str, Any]:
        """Insert that must succeed with no warnings; returns the record."""
        result = self.insert(table, body)
        assert result["warnings"] == [], result["warnings"]
        return result["record"]  # type: ignore[no-any-return]

    def get(self, table: str, key: Any, status: int = 200) -> Any:
        body = self._expect(self.call("GET", f"/records/{table}/{key}"), status)
        return body["record"] if status == 200 else body

    def modify(self, table: str, key: Any, body: dict[str, Any], status: int = 200) -> Any:
        return self._expect(self.call("PATCH", f"/records/{table}/{key}", json=body), status)

    def delete(self, table: str, key: Any, status: int = 200) -> Any:
        return self._expect(self.call("DELETE", f"/records/{table}/{key}"), status)

    def action(self, table: str, key: Any, name: str, status: int = 200) -> Any:
        return self._expect(self.call("POST", f"/records/{table}/{key}/{name}"), status)

    def list(self, table: str, status: int = 200, **params: Any) -> Any:
        return self._expect(self.call("GET", f"/records/{table}", params=params), status)

    def count(self, table: str) -> int:
        total, after = 0, 0
        while True:
            page = self.list(table, limit=1000, after=after)
            total += page["count"]
            if page["next_after"] is None:
                return total
            after = page["next_after"]


def error(body: Any) -> dict[str, Any]:
    assert "error" in body, body
    return body["error"]  # type: ignore[no-any-return]


def refused(body: Any, rule: str, *, field: str | None = None, table: str | None = None) -> dict[str, Any]:
    """The error names the rule (and field, table when given) and says so in words."""
    err = error(body)
    assert err["rule"] == rule, err
    if field is not None:
        assert err["field"] == field, err
    if table is not None:
        assert err["table"] == table, err
        assert err["message"].startswith(table), err
    assert err["message"], err
    return err

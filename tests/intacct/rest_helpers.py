"""Helpers to speak Intacct's REST API (``/ia/api/v1``) from tests, beside the XML gateway helpers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

BASE = "/ia/api/v1"
CLIENT = ("demo.erpsim.app", "demo-rest-secret")


def grant(client: TestClient, **form: str) -> httpx.Response:
    return client.post(f"{BASE}/oauth2/token", data=form)


def client_credentials(client: TestClient, username: str = "admin@DEMO") -> dict[str, Any]:
    reply = grant(client, grant_type="client_credentials", client_id=CLIENT[0], client_secret=CLIENT[1],
                  username=username)
    assert reply.status_code == 200, reply.text
    token: dict[str, Any] = reply.json()
    return token


class Rest:
    """The demo company through the REST wire, signed in with client credentials."""

    def __init__(self, client: TestClient, app: Starlette) -> None:
        self.client = client
        self.app = app
        self.token = client_credentials(client)["access_token"]

    def sign_in(self) -> None:
        self.token = client_credentials(self.client)["access_token"]

    def configure(self, **changes: Any) -> None:
        self.app.state.tenants.configure("demo", {"intacct": {"rest": changes}})

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             **params: Any) -> httpx.Response:
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        kwargs: dict[str, Any] = {"headers": sent, "params": params or None}
        if body is not None:
            kwargs["json"] = body
        return self.client.request(method, BASE + path, **kwargs)

    # -- records -----------------------------------------------------------------------

    def create(self, obj: str, body: Any, **kw: Any) -> httpx.Response:
        return self.call("POST", f"/objects/{obj}", body, **kw)

    def created(self, obj: str, body: Any) -> dict[str, Any]:
        reply = self.create(obj, body)
        assert reply.status_code == 201, reply.text
        result: dict[str, Any] = reply.json()["ia::result"]
        assert result["href"] == f"/objects/{obj}/{result['key']}"
        return result

    def get(self, obj: str, key: str) -> dict[str, Any]:
        reply = self.call("GET", f"/objects/{obj}/{key}")
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        assert body["ia::meta"] == {"totalCount": 1, "totalSuccess": 1, "totalError": 0}
        result: dict[str, Any] = body["ia::result"]
        return result

    def patch(self, obj: str, key: str, body: Any) -> httpx.Response:
        return self.call("PATCH", f"/objects/{obj}/{key}", body)

    def patched(self, obj: str, key: str, body: Any) -> dict[str, Any]:
        reply = self.patch(obj, key, body)
        assert reply.status_code == 200, reply.text
        result: dict[str, Any] = reply.json()["ia::result"]
        return result

    def delete(self, obj: str, key: str) -> httpx.Response:
        return self.call("DELETE", f"/objects/{obj}/{key}")

    # -- services ----------------------------------------------------------------------

    def query(self, obj: str, fields: list[str], **body: Any) -> httpx.Response:
        return self.call("POST", "/services/core/query", {"object": obj, "fields": fields, **body})

    def rows(self, obj: str, fields: list[str], **body: Any) -> list[dict[str, Any]]:
        reply = self.query(obj, fields, **body)
        assert reply.status_code == 200, reply.text
        rows: list[dict[str, Any]] = reply.json()["ia::result"]
        return rows

    def key_of(self, obj: str, id_value: str) -> str:
        found = self.rows(obj, ["key"], filters=[{"$eq": {"id": id_value}}])
        assert len(found) == 1, found
        return str(found[0]["key"])


def error_of(reply: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an ``ia::error`` answer with this status; returns the error."""
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["ia::meta"] == {"totalCount": 1, "totalSuccess": 0, "totalError": 1}
    error: dict[str, Any] = body["ia::result"]["ia::error"]
    assert error["errorId"] and error["code"] and error["supportId"]
    return error


def detail_of(reply: httpx.Response, status: int = 400) -> dict[str, Any]:
    error = error_of(reply, status)
    assert error.get("details"), error
    detail: dict[str, Any] = error["details"][0]
    return detail


@pytest.fixture
def rest(client: TestClient, app: Starlette) -> Rest:
    return Rest(client, app)

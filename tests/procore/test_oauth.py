"""Procore's OAuth under /procore/oauth: each grant, expiry on the simulator clock, rotation, info, revoke."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

from starlette.testclient import TestClient

from simulator.clock import Clock

TOKEN = "/procore/oauth/token"
ME = "/procore/rest/v1.0/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_client_credentials_in_the_body_or_as_basic(client: TestClient, config: dict[str, Any]) -> None:
    body = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": config["client_id"],
                                    "client_secret": config["client_secret"]}).json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 5400 and "refresh_token" not in body
    basic = base64.b64encode(f"{config['client_id']}:{config['client_secret']}".encode()).decode()
    again = client.post(TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    assert again.status_code == 200 and again.json()["access_token"] != body["access_token"]
    me = client.get(ME, headers=bearer(body["access_token"])).json()
    assert me["login"] == "api" and isinstance(me["id"], int)


def test_bad_clients_and_grants_are_refused_in_oauths_shape(client: TestClient, config: dict[str, Any]) -> None:
    wrong = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": config["client_id"],
                                     "client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    unknown = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": "who", "client_secret": "x"})
    assert unknown.status_code == 401
    grant = client.post(TOKEN, data={"grant_type": "password", "client_id": config["client_id"],
                                     "client_secret": config["client_secret"]})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    assert grant.headers["content-type"] == "application/json; charset=utf-8"


def test_tokens_expire_on_the_simulator_clock(client: TestClient, token: str, clock: Clock,
                                              configure: Callable[..., None], config: dict[str, Any]) -> None:
    assert client.get(ME, headers=bearer(token)).status_code == 200
    clock.advance(5401)
    expired = client.get(ME, headers=bearer(token))
    assert expired.status_code == 401 and expired.json() == {"errors": "The access token is invalid"}
    configure(token_expires_in=60)
    short = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": config["client_id"],
                                     "client_secret": config["client_secret"]}).json()
    assert short["expires_in"] == 60


def authorization_code(client: TestClient, config: dict[str, Any], redirect: str = "http://localhost/callback") -> str:
    params = {"client_id": config["client_id"], "redirect_uri": redirect, "response_type": "code", "state": "xyz"}
    form = client.get("/procore/oauth/authorize", params=params)
    assert form.status_code == 200 and "<form" in form.text
    bad = client.post("/procore/oauth/authorize", params=params, data={"login": "pm@demo.example.com",
                                                                       "password": "wrong"})
    assert bad.status_code == 401
    signed = client.post("/procore/oauth/authorize", params=params, follow_redirects=False,
                         data={"login": "pm@demo.example.com", "password": "pm"})
    assert signed.status_code == 302
    query = parse_qs(urlparse(signed.headers["location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def test_authorization_code_then_refresh_with_rotation(client: TestClient, config: dict[str, Any]) -> None:
    code = authorization_code(client, config)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost/callback",
            "client_id": config["client_id"], "client_secret": config["client_secret"]}
    issued = client.post(TOKEN, data=form).json()
    assert client.get(ME, headers=bearer(issued["access_token"])).json()["login"] == "pm@demo.example.com"
    assert client.post(TOKEN, data=form).status_code == 400  # a code is single use
    refresh = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"],
               "client_id": config["client_id"], "client_secret": config["client_secret"]}
    renewed = client.post(TOKEN, data=refresh).json()
    assert renewed["refresh_token"] != issued["refresh_token"]
    replay = client.post(TOKEN, data=refresh)
    assert replay.status_code == 401 and replay.json()["error_description"] == "The refresh token is invalid"


def test_rotation_off_lets_a_client_resend_its_first_refresh_token(client: TestClient, config: dict[str, Any],
                                                                   configure: Callable[..., None]) -> None:
    configure(rotate_refresh_tokens=False)
    code = authorization_code(client, config)
    issued = client.post(TOKEN, data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": "http://localhost/callback", "client_id": config["client_id"],
                                      "client_secret": config["client_secret"]}).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"],
               "client_id": config["client_id"], "client_secret": config["client_secret"]}
    for _ in range(2):
        again = client.post(TOKEN, data=refresh)
        assert again.status_code == 200 and again.json()["refresh_token"] == issued["refresh_token"]


def test_the_out_of_band_redirect_shows_the_code(client: TestClient, config: dict[str, Any]) -> None:
    params = {"client_id": config["client_id"], "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "response_type": "code"}
    page = client.post("/procore/oauth/authorize", params=params, data={"login": "approver@demo.example.com",
                                                                        "password": "approver"})
    assert page.status_code == 200 and 'id="code"' in page.text
    assert client.get("/procore/oauth/authorize", params=dict(params, redirect_uri="http://evil.example")
                      ).status_code == 400


def test_token_info_and_revoke(client: TestClient, token: str, config: dict[str, Any]) -> None:
    info = client.get("/procore/oauth/token/info", headers=bearer(token)).json()
    assert info["application"]["uid"] == config["client_id"] and 0 < info["expires_in"] <= 5400
    assert client.post("/procore/oauth/revoke", data={"token": token, "client_id": config["client_id"]}).status_code \
        == 200
    assert client.get(ME, headers=bearer(token)).status_code == 401
    assert client.post("/procore/oauth/revoke", data={"token": "never-issued"}).status_code == 200
    assert client.get("/procore/oauth/token/info", headers=bearer(token)).status_code == 401


def test_revoking_a_refresh_token_revokes_its_access_token(client: TestClient, config: dict[str, Any]) -> None:
    code = authorization_code(client, config)
    issued = client.post(TOKEN, data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": "http://localhost/callback", "client_id": config["client_id"],
                                      "client_secret": config["client_secret"]}).json()
    client.post("/procore/oauth/revoke", data={"token": issued["refresh_token"]})
    assert client.get(ME, headers=bearer(issued["access_token"])).status_code == 401

"""OAuth 2.0 / OpenID Connect (ref §1.3 [CS-AUTH][PM-I330][GRP][GOTCHA]) and connected applications."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from simulator.acumatica import service
from simulator.acumatica.config import banner
from simulator.app import create_app
from simulator.clock import Clock
from simulator.store import Store

TOKEN = "/acumatica/identity/connect/token"
VENDORS = "/acumatica/entity/Default/24.200.001/Vendor"
APPS = "/_erpsim/tenants/demo/acumatica/applications"


def demo_app(raw: TestClient) -> tuple[str, str]:
    apps = raw.get(APPS).json()["applications"]
    return apps[0]["client_id"], apps[0]["secret"]


def password_grant(raw: TestClient, scope: str = "api offline_access", **extra: Any) -> Any:
    cid, secret = demo_app(raw)
    form = {"grant_type": "password", "username": "admin", "password": "admin", "client_id": cid,
            "client_secret": secret, "scope": scope, **extra}
    return raw.post(TOKEN, data=form)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_discovery_names_the_endpoints(raw: TestClient) -> None:
    r = raw.get("/acumatica/identity/.well-known/openid-configuration")
    assert r.status_code == 200
    doc = r.json()
    assert doc["token_endpoint"] == "http://testserver/acumatica/identity/connect/token"
    assert doc["authorization_endpoint"].endswith("/acumatica/identity/connect/authorize")
    assert doc["revocation_endpoint"].endswith("/acumatica/identity/connect/revocation")
    assert {"api", "offline_access", "api:concurrent_access"} <= set(doc["scopes_supported"])
    assert "S256" in doc["code_challenge_methods_supported"]
    assert raw.get(doc["jwks_uri"]).json() == {"keys": []}


def test_client_ids_are_guid_at_tenant(raw: TestClient) -> None:
    cid, secret = demo_app(raw)
    guid, _, tenant = cid.partition("@")
    assert tenant == "Demo" and len(guid) == 36 and guid == guid.upper()
    assert secret


def test_password_grant_then_bearer_on_every_entity_call(raw: TestClient) -> None:
    r = password_grant(raw)
    assert r.status_code == 200, r.text
    token = r.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "api offline_access" and token["refresh_token"]
    assert r.headers["cache-control"] == "no-store"
    r = raw.get(VENDORS, headers=bearer(token["access_token"]))
    assert r.status_code == 200 and r.json()
    created = raw.put(VENDORS, json={"VendorID": {"value": "OA-1"}, "VendorName": {"value": "Bearer Co"}},
                      headers=bearer(token["access_token"]))
    assert created.status_code == 200, created.text
    assert raw.get(f"{VENDORS}/OA-1", headers=bearer("nope")).status_code == 401
    assert raw.get(VENDORS).status_code == 401


def test_refresh_token_only_with_offline_access(raw: TestClient) -> None:
    assert "refresh_token" not in password_grant(raw, scope="api").json()
    first = password_grant(raw).json()
    cid, secret = demo_app(raw)
    r = raw.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                              "client_id": cid, "client_secret": secret})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["access_token"] != first["access_token"] and second["refresh_token"]
    assert raw.get(VENDORS, headers=bearer(second["access_token"])).status_code == 200
    # A refresh token is used once.
    again = raw.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                  "client_id": cid, "client_secret": secret})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_access_tokens_expire_on_the_simulator_clock(raw: TestClient, clock: Clock) -> None:
    token = password_grant(raw).json()["access_token"]
    clock.advance(3599)
    assert raw.get(VENDORS, headers=bearer(token)).status_code == 200
    clock.advance(2)
    r = raw.get(VENDORS, headers=bearer(token))
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


@pytest.mark.parametrize(("change", "error"), [
    ({"client_secret": "wrong"}, "invalid_client"),
    ({"client_id": "00000000-0000-0000-0000-000000000000@Demo"}, "invalid_client"),
    ({"client_id": "no-tenant"}, "invalid_client"),
    ({"password": "wrong"}, "invalid_grant"),
    ({"scope": "api nope"}, "invalid_scope"),
    ({"grant_type": "implicit"}, "unsupported_grant_type"),
    ({"grant_type": ""}, "invalid_request"),
    # Not offered by Acumatica's identity server (ref §1.3 [GOTCHA]).
    ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
])
def test_token_errors_follow_rfc_6749(raw: TestClient, change: dict[str, str], error: str) -> None:
    r = password_grant(raw, **change)
    assert r.status_code == 400
    assert r.json()["error"] == error


def test_client_secret_in_http_basic_and_json_bodies_refused(raw: TestClient) -> None:
    cid, secret = demo_app(raw)
    basic = base64.b64encode(f"{cid}:{secret}".encode()).decode()
    r = raw.post(TOKEN, data={"grant_type": "password", "username": "admin", "password": "admin", "scope": "api"},
                 headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200, r.text
    r = raw.post(TOKEN, json={"grant_type": "password", "client_id": cid})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert raw.get(TOKEN).status_code == 405


def test_client_credentials_when_the_tenant_allows_it(raw: TestClient) -> None:
    r = raw.post(APPS, json={"name": "Nightly export", "flow": "Client Credentials", "user": "admin"})
    assert r.status_code == 201, r.text
    app = r.json()
    form = {"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["secret"],
            "scope": "api"}
    assert raw.post(TOKEN, data=form).json()["error"] == "unsupported_grant_type"
    raw.patch("/_erpsim/tenants/demo/config", json={"acumatica": {"oauth_client_credentials": True}})
    r = raw.post(TOKEN, data=form)
    assert r.status_code == 200, r.text
    assert "refresh_token" not in r.json()
    assert raw.get(VENDORS, headers=bearer(r.json()["access_token"])).status_code == 200
    # A password-flow application still cannot use it.
    assert password_grant(raw, grant_type="client_credentials").json()["error"] == "unauthorized_client"


def test_authorization_code_with_pkce_and_refresh(raw: TestClient) -> None:
    r = raw.post(APPS, json={"name": "Desktop", "flow": "Authorization Code",
                             "redirect_uris": ["https://app.example/callback"]})
    app = r.json()
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": "https://app.example/callback",
              "scope": "api offline_access", "state": "xyz", "code_challenge": challenge,
              "code_challenge_method": "S256"}
    page = raw.get("/acumatica/identity/connect/authorize", params=params)
    assert page.status_code == 200 and "<form" in page.text
    wrong = raw.post("/acumatica/identity/connect/authorize", params=params,
                     data={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    r = raw.post("/acumatica/identity/connect/authorize", params=params,
                 data={"username": "admin", "password": "admin"}, follow_redirects=False)
    assert r.status_code == 302
    target = urlsplit(r.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://app.example/callback"
    query = parse_qs(target.query)
    assert query["state"] == ["xyz"]
    code = query["code"][0]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://app.example/callback",
                "client_id": app["client_id"], "client_secret": app["secret"], "code_verifier": "x" * 50}
    assert raw.post(TOKEN, data=exchange).json()["error"] == "invalid_grant"  # wrong verifier uses the code up
    r = raw.post("/acumatica/identity/connect/authorize", params=params,
                 data={"username": "admin", "password": "admin"}, follow_redirects=False)
    exchange["code"] = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
    exchange["code_verifier"] = verifier
    token = raw.post(TOKEN, data=exchange)
    assert token.status_code == 200, token.text
    assert token.json()["refresh_token"]
    assert raw.get(VENDORS, headers=bearer(token.json()["access_token"])).status_code == 200
    assert raw.post(TOKEN, data=exchange).json()["error"] == "invalid_grant"  # codes are single-use


def test_authorize_never_redirects_to_an_unregistered_uri(raw: TestClient) -> None:
    r = raw.post(APPS, json={"name": "Web", "flow": "Authorization Code", "allow_loopback": False,
                             "redirect_uris": ["https://app.example/cb"]})
    params = {"response_type": "code", "client_id": r.json()["client_id"], "redirect_uri": "https://evil.example/"}
    r = raw.get("/acumatica/identity/connect/authorize", params=params, follow_redirects=False)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    params["redirect_uri"] = "http://localhost:8742/callback"
    assert raw.get("/acumatica/identity/connect/authorize", params=params).status_code == 400
    # The password-flow demo application cannot start an authorization-code flow.
    cid, _ = demo_app(raw)
    r = raw.get("/acumatica/identity/connect/authorize", follow_redirects=False,
                params={"response_type": "code", "client_id": cid, "redirect_uri": "http://127.0.0.1:9/cb"})
    assert r.status_code == 302 and "error=unauthorized_client" in r.headers["location"]


def test_a_bearer_holds_one_reused_session_and_a_seat(raw: TestClient) -> None:
    """Each bearer maps to a single reused server session; logout frees the seat but does not revoke the
    token, whose next call silently opens a new session (ref §1.2, §1.3 [GOTCHA])."""
    raw.patch("/_erpsim/tenants/demo/config", json={"acumatica": {"max_api_sessions": 1}})
    token = password_grant(raw).json()["access_token"]
    assert raw.get(VENDORS, headers=bearer(token)).status_code == 200
    assert raw.get(VENDORS, headers=bearer(token)).status_code == 200  # same session, same seat
    with TestClient(raw.app) as other:
        r = other.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin", "tenant": "Demo"})
        assert r.status_code == 429 and "API Login Limit" in r.json()["exceptionMessage"]
        assert raw.post("/acumatica/entity/auth/logout", headers=bearer(token)).status_code == 204
        r = other.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin", "tenant": "Demo"})
        assert r.status_code == 204
        # The token is still good, but the only seat is taken now.
        r = raw.get(VENDORS, headers=bearer(token))
        assert r.status_code == 429
        other.post("/acumatica/entity/auth/logout")
    assert raw.get(VENDORS, headers=bearer(token)).status_code == 200


def test_revocation_forgets_the_token(raw: TestClient) -> None:
    token = password_grant(raw).json()
    cid, secret = demo_app(raw)
    r = raw.post("/acumatica/identity/connect/revocation",
                 data={"token": token["refresh_token"], "client_id": cid, "client_secret": secret})
    assert r.status_code == 200
    r = raw.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"],
                              "client_id": cid, "client_secret": secret})
    assert r.json()["error"] == "invalid_grant"
    raw.post("/acumatica/identity/connect/revocation",
             data={"token": token["access_token"], "client_id": cid, "client_secret": secret})
    assert raw.get(VENDORS, headers=bearer(token["access_token"])).status_code == 401


def test_userinfo_names_the_user(raw: TestClient) -> None:
    token = password_grant(raw).json()["access_token"]
    r = raw.get("/acumatica/identity/connect/userinfo", headers=bearer(token))
    assert r.json()["name"] == "admin"
    assert raw.get("/acumatica/identity/connect/userinfo").status_code == 401


def test_a_token_without_the_api_scope_cannot_call_the_api(raw: TestClient) -> None:
    token = password_grant(raw, scope="openid").json()["access_token"]
    assert raw.get(VENDORS, headers=bearer(token)).status_code == 403


def test_tokens_live_in_the_store_so_another_worker_accepts_them(store: Store, clock: Clock) -> None:
    with TestClient(create_app(store, services=[service], clock=clock)) as first:
        token = password_grant(first).json()["access_token"]
    with TestClient(create_app(store, services=[service], clock=clock)) as second:
        assert second.get(VENDORS, headers=bearer(token)).status_code == 200


def test_connected_applications_in_the_admin_api(raw: TestClient) -> None:
    assert len(raw.get(APPS).json()["applications"]) == 1
    r = raw.post(APPS, json={"name": "Sync", "redirect_uris": ["https://x.example/cb"]})
    assert r.status_code == 201
    app = r.json()
    assert app["client_id"].endswith("@Demo") and app["flow"] == "Resource Owner Password Credentials"
    one = f"{APPS}/{app['client_id']}"
    assert raw.get(one).json()["name"] == "Sync"
    rotated = raw.patch(one, json={"new_secret": True, "name": "Sync 2"}).json()
    assert rotated["secret"] != app["secret"] and rotated["name"] == "Sync 2"
    form = {"grant_type": "password", "username": "admin", "password": "admin", "client_id": app["client_id"],
            "client_secret": app["secret"]}
    assert raw.post(TOKEN, data=form).json()["error"] == "invalid_client"
    raw.patch(one, json={"active": False})
    form["client_secret"] = rotated["secret"]
    assert raw.post(TOKEN, data=form).json()["error"] == "invalid_client"
    assert raw.delete(one).status_code == 204
    assert raw.get(one).status_code == 404
    for bad in ({"name": ""}, {"name": "x", "flow": "Implicit"}, {"name": "x", "colour": 1},
                {"name": "x", "client_id": "abc@Other"}, [1]):
        r = raw.post(APPS, json=bad)
        assert r.status_code == 400, bad
        assert r.json()["error"]["status"] == 400
    assert raw.get("/_erpsim/tenants/nope/acumatica/applications").status_code == 404


def test_the_banner_prints_the_client_id_and_secret(raw: TestClient) -> None:
    cid, secret = demo_app(raw)
    config = raw.get("/_erpsim/tenants/demo").json()["config"]["acumatica"]
    lines = banner("http://127.0.0.1:8000", config)
    assert any(cid in line for line in lines)
    assert any(secret in line for line in lines)


def test_a_refresh_token_is_redeemed_once_across_worker_processes(store: Store, clock: Clock) -> None:
    with TestClient(create_app(store, services=[service], clock=clock)) as first, \
            TestClient(create_app(store, services=[service], clock=clock)) as second:
        token = password_grant(first).json()
        cid, secret = demo_app(first)
        form = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": cid,
                "client_secret": secret}
        assert first.post(TOKEN, data=form).status_code == 200
        # Both apps share one Store object here; put back the entry another process's cache would still hold.
        store._sessions[token["refresh_token"]] = ("demo", "acumatica.oauth.refresh", "admin", clock.time() + 60,
                                                   {"client_id": cid, "scope": ["api", "offline_access"]})
        assert second.post(TOKEN, data=form).json()["error"] == "invalid_grant"


def test_concurrent_access_hands_out_a_session_per_call_as_cookies(raw: TestClient) -> None:
    """With `api:concurrent_access` the client manages session cookies and signs out (ref §1.3 [GOTCHA])."""
    raw.patch("/_erpsim/tenants/demo/config", json={"acumatica": {"max_api_sessions": 2}})
    token = password_grant(raw, scope="api api:concurrent_access").json()["access_token"]
    with TestClient(raw.app) as a, TestClient(raw.app) as b:
        ra = a.get(VENDORS, headers=bearer(token))
        rb = b.get(VENDORS, headers=bearer(token))
        assert ra.status_code == rb.status_code == 200
        assert a.cookies[".ASPXAUTH"] != b.cookies[".ASPXAUTH"]
        # Both seats are taken now; a third cookie-less call is refused until one signs out.
        with TestClient(raw.app) as c:
            assert c.get(VENDORS, headers=bearer(token)).status_code == 429
            assert a.post("/acumatica/entity/auth/logout").status_code == 204
            assert c.get(VENDORS, headers=bearer(token)).status_code == 200
        # A client sending its cookie back stays in its session and gets no new one.
        again = b.get(VENDORS, headers=bearer(token))
        assert again.status_code == 200 and "set-cookie" not in again.headers


def test_an_expired_cookie_falls_back_to_the_bearer(raw: TestClient, clock: Clock) -> None:
    token = password_grant(raw).json()["access_token"]
    assert raw.post("/acumatica/entity/auth/login",
                    json={"name": "admin", "password": "admin", "tenant": "Demo"}).status_code == 204
    clock.advance(11 * 60)  # the cookie's session idles out; the token (3600 s) does not
    assert raw.get(VENDORS).status_code == 401
    assert raw.get(VENDORS, headers=bearer(token)).status_code == 200

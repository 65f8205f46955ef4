"""OAuth 2.0 on the REST wire (reference intacct-rest.md §1): grants, expiry on the clock, the token error."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlparse

from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.clock import Clock
from simulator.store import Store

from .rest_helpers import BASE, CLIENT, Rest, client_credentials, grant, rest  # noqa: F401  (rest is a fixture)


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def test_client_credentials_answers_every_field_the_sdk_reads(client: TestClient) -> None:
    token = client_credentials(client)
    # §1.3 / §5.2: access_token, refresh_token and expires_in, even for client_credentials.
    assert token["token_type"] == "Bearer" and token["expires_in"] == 43200 and token["refresh_token"]
    header, payload, _ = token["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert (claims["sub"], claims["cnyId"], claims["exp"] - claims["iat"]) == ("admin", "DEMO", 43200)
    reply = client.get(f"{BASE}/objects/accounts-payable/vendor", headers=bearer(token["access_token"]))
    assert reply.status_code == 200


def test_client_credentials_as_json_body(client: TestClient) -> None:
    reply = client.post(f"{BASE}/oauth2/token", json={"grant_type": "client_credentials", "client_id": CLIENT[0],
                                                      "client_secret": CLIENT[1], "username": "admin@demo"})
    assert reply.status_code == 200, reply.text


def test_bad_credentials_answer_the_gateway_error_shape(client: TestClient) -> None:
    for form in ({"client_secret": "wrong", "username": "admin@DEMO"},
                 {"client_secret": CLIENT[1], "username": "nobody@DEMO"},
                 {"client_secret": CLIENT[1], "username": "admin@OTHER"},
                 {"client_secret": CLIENT[1], "username": "admin"}):
        reply = grant(client, grant_type="client_credentials", client_id=CLIENT[0], **form)
        assert reply.status_code == 401, form
        assert reply.json()["error"]["code"] == "invalidRequest"
        assert reply.json()["error"]["message"] == "Credentials are invalid."
    assert grant(client, grant_type="password", client_id=CLIENT[0]).json()["error"]["code"] == "unsupportedGrantType"
    assert grant(client, client_id=CLIENT[0]).status_code == 400


def test_entity_in_username_and_header(client: TestClient, app: Starlette) -> None:
    app.state.tenants.configure("demo", {"intacct": {"entities": ["EAST", "WEST"]}})
    token = client_credentials(client, "admin@DEMO|EAST")["access_token"]
    assert client.get(f"{BASE}/objects/company-config/entity", headers=bearer(token)).json()["ia::meta"][
        "totalCount"] == 2
    # A token minted for one entity stays in it; the header may only repeat it.
    assert client.get(f"{BASE}/objects/projects/project",
                      headers=bearer(token, **{"X-IA-API-Param-Entity": "EAST"})).status_code == 200
    assert client.get(f"{BASE}/objects/projects/project",
                      headers=bearer(token, **{"X-IA-API-Param-Entity": "WEST"})).status_code == 400
    top = client_credentials(client)["access_token"]
    assert client.get(f"{BASE}/objects/projects/project",
                      headers=bearer(top, **{"X-IA-API-Param-Entity": "WEST"})).status_code == 200
    reply = client.get(f"{BASE}/objects/projects/project", headers=bearer(top, **{"X-IA-API-Param-Entity": "NORTH"}))
    assert reply.status_code == 400 and "NORTH" in reply.json()["error"]["message"]
    assert grant(client, grant_type="client_credentials", client_id=CLIENT[0], client_secret=CLIENT[1],
                 username="admin@DEMO|NORTH").status_code == 400


def test_token_expires_on_the_simulator_clock(client: TestClient, clock: Clock) -> None:
    token = client_credentials(client)["access_token"]
    clock.advance(43199)
    assert client.get(f"{BASE}/objects/projects/project", headers=bearer(token)).status_code == 200
    clock.advance(2)
    reply = client.get(f"{BASE}/objects/projects/project", headers=bearer(token))
    # §1.5: the real REST-2102 body, a top-level "error".
    assert reply.status_code == 401
    error = reply.json()["error"]
    assert (error["code"], error["message"], error["errorId"], error["additionalInfo"]["messageId"]) == (
        "tokenInvalid", "Token is not valid", "REST-2102", "IA.TOKEN_IS_INVALID")


def test_token_invalid_status_is_a_setting(rest: Rest, client: TestClient) -> None:
    rest.configure(token_invalid_status=400)
    reply = client.get(f"{BASE}/objects/projects/project", headers=bearer("nonsense"))
    assert reply.status_code == 401  # no tenant is known from a token that does not exist
    token = rest.token
    rest.app.state.clock.advance(50000)
    assert client.get(f"{BASE}/objects/projects/project", headers=bearer(token)).status_code == 400
    assert client.get(f"{BASE}/objects/projects/project").status_code == 401


def test_refresh_token_grant_rotates_and_keeps_the_entity(client: TestClient, app: Starlette) -> None:
    app.state.tenants.configure("demo", {"intacct": {"entities": ["EAST"]}})
    first = client_credentials(client, "admin@DEMO|EAST")
    reply = grant(client, grant_type="refresh_token", client_id=CLIENT[0], client_secret=CLIENT[1],
                  refresh_token=first["refresh_token"])
    assert reply.status_code == 200, reply.text
    second = reply.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    assert app.state.store.get_session(second["access_token"], "intacct.rest")[3]["entity"] == "EAST"
    # The old refresh token was rotated away.
    again = grant(client, grant_type="refresh_token", client_id=CLIENT[0], client_secret=CLIENT[1],
                  refresh_token=first["refresh_token"])
    assert again.status_code == 401
    # entity_id mints a token for another entity, or refuses an unknown one.
    assert grant(client, grant_type="refresh_token", client_id=CLIENT[0], client_secret=CLIENT[1],
                 refresh_token=second["refresh_token"], entity_id="WEST").status_code == 400


def test_refresh_without_rotation_keeps_the_refresh_token(client: TestClient, app: Starlette) -> None:
    app.state.tenants.configure("demo", {"intacct": {"rest": {"rotate_refresh_token": False}}})
    first = client_credentials(client)
    second = grant(client, grant_type="refresh_token", client_id=CLIENT[0], client_secret=CLIENT[1],
                   refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] == first["refresh_token"]


def authorize(client: TestClient, **extra: str) -> str:
    form = {"response_type": "code", "client_id": CLIENT[0], "redirect_uri": "http://localhost/cb", "state": "xyz",
            "companyid": "DEMO", "userid": "admin", "password": "admin", **extra}
    page = client.get(f"{BASE}/oauth2/authorize", params={k: v for k, v in form.items() if k not in (
        "companyid", "userid", "password")})
    assert page.status_code == 200 and "<form" in page.text
    reply = client.post(f"{BASE}/oauth2/authorize", data=form, follow_redirects=False)
    assert reply.status_code == 302, reply.text
    location = urlparse(reply.headers["location"])
    query = parse_qs(location.query)
    assert location.netloc == "localhost" and query["state"] == ["xyz"]
    return query["code"][0]


def test_authorization_code_grant(client: TestClient) -> None:
    code = authorize(client)
    reply = grant(client, grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb",
                  client_id=CLIENT[0], client_secret=CLIENT[1])
    assert reply.status_code == 200, reply.text
    assert set(reply.json()) == {"token_type", "access_token", "expires_in", "refresh_token"}
    # A code is good once.
    assert grant(client, grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb",
                 client_id=CLIENT[0], client_secret=CLIENT[1]).status_code == 400


def test_authorization_code_with_pkce_and_bad_sign_in(client: TestClient) -> None:
    verifier = "a-long-enough-code-verifier-for-the-test-0123456789"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = authorize(client, code_challenge=challenge, code_challenge_method="S256")
    wrong = grant(client, grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb",
                  client_id=CLIENT[0], code_verifier="not-it")
    assert wrong.status_code == 400
    code = authorize(client, code_challenge=challenge, code_challenge_method="S256")
    assert grant(client, grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb",
                 client_id=CLIENT[0], code_verifier=verifier).status_code == 200
    bad = client.post(f"{BASE}/oauth2/authorize", data={"client_id": CLIENT[0], "redirect_uri": "http://localhost/cb",
                                                        "companyid": "DEMO", "userid": "admin", "password": "x"},
                      follow_redirects=False)
    assert bad.status_code == 401


def test_tokens_live_in_the_store_not_the_process(store: Store, clock: Clock) -> None:
    first = TestClient(create_app(store, clock=clock))
    token = client_credentials(first)["access_token"]
    store.forget_sessions()  # what another worker process sees: only the database
    second = TestClient(create_app(store, clock=clock, demo=False))
    assert second.get(f"{BASE}/objects/projects/project", headers=bearer(token)).status_code == 200


def test_revoke_and_introspect(client: TestClient) -> None:
    token = client_credentials(client)["access_token"]
    seen = client.post(f"{BASE}/oauth2/introspect", data={"token": token}, headers=bearer(token)).json()
    assert seen["active"] is True and seen["user_id"] == "admin" and seen["cny_id"] == "DEMO"
    assert client.post(f"{BASE}/oauth2/revoke", data={"token": token, "client_id": CLIENT[0],
                                                      "client_secret": CLIENT[1]}).status_code == 200
    assert client.get(f"{BASE}/objects/projects/project", headers=bearer(token)).status_code == 401


def test_banner_prints_the_rest_client(app: Starlette) -> None:
    from simulator.intacct import service

    lines = service.banner("http://127.0.0.1:8080", app.state.tenants.get("demo").config["intacct"])
    assert any("http://127.0.0.1:8080/ia/api/v1" in line for line in lines)
    assert any(CLIENT[0] in line and CLIENT[1] in line for line in lines)


def test_a_code_or_refresh_token_used_by_another_worker_is_refused(client: TestClient, store: Store) -> None:
    code = authorize(client)
    refresh = client_credentials(client)["refresh_token"]
    # Another worker process redeemed both: gone from the database, still in this process's cache.
    for token in (code, refresh):
        store.execute("DELETE FROM sessions WHERE token = ?", (token,))
    assert grant(client, grant_type="authorization_code", code=code, redirect_uri="http://localhost/cb",
                 client_id=CLIENT[0], client_secret=CLIENT[1]).status_code == 400
    assert grant(client, grant_type="refresh_token", client_id=CLIENT[0], client_secret=CLIENT[1],
                 refresh_token=refresh).status_code == 401

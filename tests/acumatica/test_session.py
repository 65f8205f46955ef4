"""Sign-in, sign-out, session expiry and the licence limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.acumatica.conftest import Acu

LOGIN = "/acumatica/entity/auth/login"
LOGOUT = "/acumatica/entity/auth/logout"
VENDORS = "/acumatica/entity/Default/24.200.001/Vendor"


def test_login_answers_204_with_the_real_cookie_jar(raw: TestClient) -> None:
    r = raw.post(LOGIN, json={"name": "admin", "password": "admin", "tenant": "Demo"})
    assert r.status_code == 204
    assert r.content == b""
    for cookie in (".ASPXAUTH", "ASP.NET_SessionId", "UserBranch", "CompanyID", "Locale"):
        assert cookie in r.cookies, cookie
    assert r.cookies["CompanyID"] == "Demo"
    assert raw.get(VENDORS, params={"$top": 1}).status_code == 200


@pytest.mark.parametrize("body", [
    {"name": "admin", "password": "admin", "company": "Demo"},
    {"name": "ADMIN", "password": "admin", "tenant": "demo"},
    {"name": "admin", "password": "admin"},
    {"name": "admin", "password": "admin", "tenant": ""},
    {"name": "admin", "password": "admin", "tenant": "Demo", "branch": "main", "locale": "EN-US"},
])
def test_login_accepts_tenant_company_alias_and_default_tenant(raw: TestClient, body: dict[str, str]) -> None:
    assert raw.post(LOGIN, json=body).status_code == 204
    assert raw.get(VENDORS, params={"$top": 1}).status_code == 200


def test_login_accepts_form_encoding(raw: TestClient) -> None:
    r = raw.post(LOGIN, content="name=admin&password=admin&tenant=Demo",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 204


def test_tenant_and_company_together_are_refused(raw: TestClient) -> None:
    r = raw.post(LOGIN, json={"name": "admin", "password": "admin", "tenant": "Demo", "company": "Demo"})
    assert r.status_code == 400
    assert "modelState" in r.json()


def test_unknown_tenant_is_an_undefined_company(raw: TestClient) -> None:
    r = raw.post(LOGIN, json={"name": "admin", "password": "admin", "tenant": "Nope"})
    assert r.status_code == 500
    body = r.json()
    assert body["exceptionType"] == "PX.Data.PXUndefinedCompanyException"
    assert body["message"] == "An error has occurred."
    assert "company ID cannot be determined" in body["exceptionMessage"]


def test_bad_password_is_a_px_exception_by_default(raw: TestClient) -> None:
    r = raw.post(LOGIN, json={"name": "admin", "password": "wrong", "tenant": "Demo"})
    assert r.status_code == 500
    assert r.json()["exceptionType"] == "PX.Data.PXException"
    assert "Invalid credentials" in r.json()["exceptionMessage"]
    assert ".ASPXAUTH" not in r.cookies
    assert raw.get(VENDORS).status_code == 401


def test_bad_password_status_is_configurable(acu: Acu, raw: TestClient) -> None:
    acu.configure(bad_login_status=401)
    r = raw.post(LOGIN, json={"name": "nobody", "password": "x", "tenant": "Demo"})
    assert r.status_code == 401
    assert "Invalid credentials" in r.json()["message"]


def test_repeated_bad_passwords_lock_the_account(acu: Acu, raw: TestClient) -> None:
    acu.configure(lockout_attempts=2)
    for _ in range(2):
        assert raw.post(LOGIN, json={"name": "admin", "password": "bad", "tenant": "Demo"}).status_code == 500
    r = raw.post(LOGIN, json={"name": "admin", "password": "admin", "tenant": "Demo"})
    assert r.status_code == 500
    assert "locked out" in r.json()["exceptionMessage"]


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"name": 5}'])
def test_malformed_login_bodies_are_400(raw: TestClient, content: bytes) -> None:
    r = raw.post(LOGIN, content=content, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["message"] == "The request is invalid."


def test_unknown_branch_is_refused(raw: TestClient) -> None:
    r = raw.post(LOGIN, json={"name": "admin", "password": "admin", "tenant": "Demo", "branch": "NOPE"})
    assert r.status_code == 500
    assert "branch" in r.json()["exceptionMessage"]


def test_missing_or_garbage_cookie_is_401(raw: TestClient) -> None:
    r = raw.get(VENDORS)
    assert r.status_code == 401
    assert r.json() == {"message": "You are not logged in."}
    raw.cookies.set(".ASPXAUTH", "forged", path="/acumatica")
    assert raw.get(VENDORS).status_code == 401


def test_logout_ends_the_session(acu: Acu, raw: TestClient) -> None:
    token = raw.cookies.get(".ASPXAUTH")
    r = raw.post(LOGOUT)
    assert r.status_code == 204
    raw.cookies.set(".ASPXAUTH", token, path="/acumatica")
    assert raw.get(VENDORS).status_code == 401
    assert raw.post(LOGOUT).status_code == 204  # signing out twice is harmless


def test_idle_session_expires_on_the_simulator_clock(acu: Acu, raw: TestClient) -> None:
    acu.clock.advance(9 * 60)
    assert raw.get(VENDORS, params={"$top": 1}).status_code == 200  # activity slides the expiry
    acu.clock.advance(9 * 60)
    assert raw.get(VENDORS, params={"$top": 1}).status_code == 200
    acu.clock.advance(10 * 60 + 1)
    r = raw.get(VENDORS, params={"$top": 1})
    assert r.status_code == 401
    assert acu.login().status_code == 204


def test_idle_timeout_is_configurable(acu: Acu, raw: TestClient) -> None:
    acu.configure(session_idle_minutes=20)
    acu.clock.advance(15 * 60)
    assert raw.get(VENDORS, params={"$top": 1}).status_code == 200


def test_seat_limit_refuses_a_third_session_with_api_login_limit(app: Starlette) -> None:
    clients = [TestClient(app) for _ in range(3)]
    body = {"name": "admin", "password": "admin", "tenant": "Demo"}
    assert clients[0].post(LOGIN, json=body).status_code == 204
    assert clients[1].post(LOGIN, json=body).status_code == 204
    r = clients[2].post(LOGIN, json=body)
    assert r.status_code == 429
    assert "API Login Limit" in r.json()["exceptionMessage"]
    # Signing in again inside a live session keeps the same seat.
    assert clients[0].post(LOGIN, json=body).status_code == 204
    # Signing out frees a seat.
    assert clients[1].post(LOGOUT).status_code == 204
    assert clients[2].post(LOGIN, json=body).status_code == 204


def test_seat_limit_frees_seats_of_expired_sessions(app: Starlette, acu: Acu) -> None:
    other = TestClient(app)
    body = {"name": "admin", "password": "admin", "tenant": "Demo"}
    assert other.post(LOGIN, json=body).status_code == 204
    assert TestClient(app).post(LOGIN, json=body).status_code == 429
    acu.clock.advance(11 * 60)
    assert TestClient(app).post(LOGIN, json=body).status_code == 204


def test_per_minute_request_limit_answers_429(acu: Acu, raw: TestClient) -> None:
    acu.configure(max_requests_per_minute=3, retry_after_seconds=30)
    statuses = [raw.get(VENDORS, params={"$top": 1}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = raw.get(VENDORS, params={"$top": 1})
    assert r.headers["Retry-After"] == "30"
    assert "limit imposed by the license" in r.json()["exceptionMessage"]
    acu.clock.advance(61)
    assert raw.get(VENDORS, params={"$top": 1}).status_code == 200


def test_concurrent_requests_queue_then_429(acu: Acu, app: Starlette) -> None:
    acu.configure(max_concurrent_requests=1, request_queue_limit=1, request_queue_timeout_seconds=5)
    cookies = {".ASPXAUTH": acu.client.cookies[".ASPXAUTH"]}

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as client:
            release = asyncio.Event()

            async def slow_body() -> AsyncIterator[bytes]:
                yield b'{"VendorID": {"value": "SLOW1"}, '
                await release.wait()  # holds the only processing slot until told to finish
                yield b'"VendorName": {"value": "Slow Upload"}}'

            holder = asyncio.create_task(client.put(f"{VENDORS}", content=slow_body(),
                                                    headers={"Content-Type": "application/json"}))
            await asyncio.sleep(0.05)
            queued = asyncio.create_task(client.get(VENDORS, params={"$top": 1}))
            await asyncio.sleep(0.05)
            refused = await client.get(VENDORS, params={"$top": 1})  # the queue is full
            release.set()
            done = await holder
            waited = await queued
            return [done.status_code, waited.status_code, refused.status_code]

    assert asyncio.run(scenario()) == [200, 200, 429]


def test_queued_request_times_out_with_429(acu: Acu, app: Starlette) -> None:
    acu.configure(max_concurrent_requests=1, request_queue_limit=5, request_queue_timeout_seconds=0.1)
    cookies = {".ASPXAUTH": acu.client.cookies[".ASPXAUTH"]}

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=cookies) as client:
            release = asyncio.Event()

            async def slow_body() -> AsyncIterator[bytes]:
                yield b'{"VendorID": {"value": "SLOW2"}, '
                await release.wait()
                yield b'"VendorName": {"value": "Slow"}}'

            holder = asyncio.create_task(client.put(VENDORS, content=slow_body(),
                                                    headers={"Content-Type": "application/json"}))
            await asyncio.sleep(0.05)
            timed_out = await client.get(VENDORS, params={"$top": 1})
            release.set()
            return [(await holder).status_code, timed_out.status_code]

    assert asyncio.run(scenario()) == [200, 429]

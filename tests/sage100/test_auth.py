"""Logging in: the API security group, no supervisor, licence seats, sessions."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.clock import Clock

from .helpers import Api, configure, error, login

USERS = [
    {"name": "api", "password": "api", "groups": ["API"]},
    {"name": "api2", "password": "pw2", "groups": ["API", "Accounting"]},
    {"name": "api3", "password": "pw3", "groups": ["API"]},
    {"name": "clerk", "password": "clerk", "groups": ["Accounting"]},
    {"name": "supervisor", "password": "supervisor", "groups": ["API"]},
]


def second_company(app: Starlette, **config: object) -> None:
    app.state.tenants.create("other", "Other Builders",
                             config={"sage100": {"users": USERS, **config}}, fixture="demo")


def test_demo_login_opens_the_company(sage_client: TestClient) -> None:
    response = login(sage_client)
    assert response.status_code == 201
    body = response.json()
    assert body["company"] == "Demo Construction" and body["username"] == "api"
    assert body["token_type"] == "Bearer" and body["licence_seats"] == {"total": 2, "in_use": 1}
    api = Api(sage_client, body["token"])
    info = api.call("GET", "/session").json()
    assert info["company"] == "Demo Construction" and info["licence_seats"]["in_use"] == 1


def test_company_name_is_case_insensitive(sage_client: TestClient) -> None:
    assert login(sage_client, company="demo construction").status_code == 201


def test_wrong_password_and_unknown_user_are_401(sage_client: TestClient) -> None:
    for overrides in ({"password": "nope"}, {"username": "ghost"}):
        response = login(sage_client, **overrides)
        assert response.status_code == 401
        assert error(response.json())["rule"] == "credentials"
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_company_is_401(sage_client: TestClient) -> None:
    response = login(sage_client, company="Nobody Builds")
    assert response.status_code == 401
    err = error(response.json())
    assert err["rule"] == "company" and "Nobody Builds" in err["message"]


def test_credentials_for_the_wrong_company_are_refused(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app)
    # api2 exists only in Other Builders.
    assert login(sage_client, company="Other Builders", username="api2", password="pw2").status_code == 201
    response = login(sage_client, company="Demo Construction", username="api2", password="pw2")
    assert response.status_code == 401 and error(response.json())["rule"] == "credentials"


def test_a_session_sees_only_its_own_company(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app)
    other = Api(sage_client, login(sage_client, company="Other Builders", username="api2",
                                   password="pw2").json()["token"])
    other.add("actpay", {"recnum": 9001, "vndnme": "Only in Other"})
    demo = Api(sage_client, login(sage_client).json()["token"])
    assert demo.get("actpay", 9001, status=404)["error"]["code"] == "NotFound"
    assert other.get("actpay", 9001)["vndnme"] == "Only in Other"


def test_supervisor_is_refused_even_with_the_right_password(sage_app: Starlette, sage_client: TestClient) -> None:
    response = login(sage_client, username="supervisor", password="supervisor")
    assert response.status_code == 403
    assert error(response.json())["rule"] == "supervisor"
    second_company(sage_app)  # there supervisor is even in the API group
    response = login(sage_client, company="Other Builders", username="Supervisor", password="supervisor")
    assert response.status_code == 403 and error(response.json())["rule"] == "supervisor"


def test_user_outside_the_api_group_is_refused(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app)
    response = login(sage_client, company="Other Builders", username="clerk", password="clerk")
    assert response.status_code == 403
    err = error(response.json())
    assert err["rule"] == "security_group" and "API" in err["message"]


def test_the_api_group_must_exist(sage_app: Starlette, sage_client: TestClient) -> None:
    sage_app.state.tenants.create("nogroup", "No Group Co", fixture="demo",
                                  config={"sage100": {"security_groups": []}})
    response = login(sage_client, company="No Group Co")
    assert response.status_code == 403 and error(response.json())["rule"] == "security_group"


def test_an_unseeded_company_says_it_has_no_users(sage_app: Starlette, sage_client: TestClient) -> None:
    sage_app.state.tenants.create("empty", "Empty Co")
    response = login(sage_client, company="Empty Co")
    assert response.status_code == 401 and "no users" in error(response.json())["message"]


def test_each_user_takes_a_licence_seat(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app)  # two seats by default
    assert login(sage_client, company="Other Builders", username="api", password="api").status_code == 201
    assert login(sage_client, company="Other Builders", username="api2", password="pw2").status_code == 201
    third = login(sage_client, company="Other Builders", username="api3", password="pw3")
    assert third.status_code == 403
    err = error(third.json())
    assert err["code"] == "LicenceLimit" and err["rule"] == "licence_seats" and "2 licence seats" in err["message"]
    # The same user logging in again shares its seat.
    again = login(sage_client, company="Other Builders", username="api", password="api")
    assert again.status_code == 201 and again.json()["licence_seats"]["in_use"] == 2


def test_logout_frees_the_seat(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app, licence_seats=1)
    first = Api(sage_client, login(sage_client, company="Other Builders", username="api",
                                   password="api").json()["token"])
    assert login(sage_client, company="Other Builders", username="api2", password="pw2").status_code == 403
    assert first.call("DELETE", "/session").json() == {"logged_out": True}
    assert first.call("GET", "/session").status_code == 401
    assert login(sage_client, company="Other Builders", username="api2", password="pw2").status_code == 201


def test_seats_can_be_counted_per_session(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app, seat_counting="session")
    assert login(sage_client, company="Other Builders", username="api", password="api").status_code == 201
    assert login(sage_client, company="Other Builders", username="api", password="api").status_code == 201
    assert login(sage_client, company="Other Builders", username="api", password="api").status_code == 403


def test_no_seats_means_no_api_login(sage_app: Starlette, sage_client: TestClient) -> None:
    configure(sage_app, licence_seats=0)
    assert error(login(sage_client).json())["code"] == "LicenceLimit"


def test_sessions_time_out_by_the_simulator_clock(sage_app: Starlette, sage_client: TestClient, clock: Clock) -> None:
    configure(sage_app, session_timeout_minutes=10)
    api = Api(sage_client, login(sage_client).json()["token"])
    clock.advance(9 * 60)
    assert api.call("GET", "/records/csttyp").status_code == 200  # slides the session
    clock.advance(9 * 60)
    assert api.call("GET", "/records/csttyp").status_code == 200
    clock.advance(11 * 60)
    response = api.call("GET", "/records/csttyp")
    assert response.status_code == 401 and error(response.json())["rule"] == "session_timeout"
    # A timed-out session no longer holds a seat.
    configure(sage_app, licence_seats=1)
    assert login(sage_client, username="api").status_code == 201


def test_requests_without_usable_credentials_are_401(sage_client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Basic YXBpOmFwaQ=="}, {"Authorization": "Bearer"},
                    {"Authorization": "Bearer not-a-token"}):
        response = sage_client.get("/sage100/records/actrec", headers=headers)
        assert response.status_code == 401, headers
        assert error(response.json())["code"] == "Unauthorized"
    assert sage_client.post("/sage100/records/actrec", json={"recnum": 5, "jobnme": "x"}).status_code == 401


def test_login_body_is_checked(sage_client: TestClient) -> None:
    cases = [b"not json", b"[]", b'{"company": "Demo Construction"}',
             b'{"company": "Demo Construction", "username": "api", "password": 5}',
             b'{"company": "Demo Construction", "username": "api", "password": "api", "extra": 1}']
    for raw in cases:
        response = sage_client.post("/sage100/session", content=raw)
        assert response.status_code == 400, raw
        assert error(response.json())["message"]


def test_a_deleted_company_ends_its_sessions(sage_app: Starlette, sage_client: TestClient) -> None:
    second_company(sage_app)
    api = Api(sage_client, login(sage_client, company="Other Builders", username="api2",
                                 password="pw2").json()["token"])
    sage_app.state.tenants.delete("other")
    assert api.call("GET", "/records/actrec").status_code == 401


def test_a_bad_company_setting_is_named(sage_app: Starlette, sage_client: TestClient) -> None:
    api = Api(sage_client, login(sage_client).json()["token"])
    configure(sage_app, checks={"cost_over_budget": {"mode": "Sometimes"}})
    response = api.call("GET", "/records/actrec")
    assert response.status_code == 409
    err = error(response.json())
    assert err["code"] == "InvalidCompanySetting" and err["field"] == "checks.cost_over_budget.mode"

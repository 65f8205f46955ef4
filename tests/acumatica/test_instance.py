"""The instance API beside the endpoints: ``/entity/swagger.json`` (ref §2.1 [IDG:REST_Endpoint_API_Reference]),
the endpoint list (ref §0.9, §2.1), ``/entity/auth/companylist``, and the Company and Branch entities."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.acumatica.conftest import Acu, val


def test_instance_swagger_describes_sign_in_sign_out_and_the_lists(raw: TestClient) -> None:
    r = raw.get("/acumatica/entity/swagger.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"] == "3.0.1"
    assert doc["servers"] == [{"url": "http://testserver/acumatica"}]
    assert set(doc["paths"]) == {"/entity/auth/login", "/entity/auth/logout", "/entity/auth/companylist", "/entity"}
    login = doc["paths"]["/entity/auth/login"]["post"]
    assert "204" in login["responses"] and "securitySchemes" not in doc["components"]
    creds = doc["components"]["schemas"]["Credentials"]["properties"]
    assert {"name", "password", "tenant", "company", "branch", "locale"} == set(creds)
    # The endpoint list it describes is the one served.
    body = raw.get("/acumatica/entity").json()
    assert body["endpoints"] and {"name", "version", "href"} == set(body["endpoints"][0])


def test_company_list_names_the_tenants_without_a_session(raw: TestClient) -> None:
    assert raw.get("/acumatica/entity/auth/companylist").json() == ["Demo"]
    raw.post("/_erpsim/tenants", json={"id": "north", "name": "North Builders"})
    assert raw.get("/acumatica/entity/auth/companylist").json() == ["Demo", "North"]
    assert raw.post("/acumatica/entity/auth/companylist").status_code == 405


def test_company_and_branch_entities_follow_the_settings(acu: Acu) -> None:
    companies = acu.get("Company").json()
    assert [(val(c, "CompanyID"), val(c, "CompanyName")) for c in companies] == [("DEMO", "Demo Construction")]
    branch = acu.one("Branch/MAIN")
    assert val(branch, "Company") == "DEMO" and val(branch, "BranchName") == "Main branch"
    assert acu.one(f"Branch/{branch['id']}")["id"] == branch["id"]
    acu.configure(branches=["MAIN", "EAST"], branch_names={"EAST": "East yard"})
    rows = acu.get("Branch", **{"$filter": "startswith(BranchName, 'East')"}).json()
    assert [val(b, "BranchID") for b in rows] == ["EAST"]
    assert val(acu.one("Company/DEMO"), "CompanyType") == "With Branches Not Requiring Balancing"
    # The branches the API shows are the ones sign-in and PX-CbApiBranch take.
    assert acu.login(branch="EAST").status_code == 204
    assert acu.get("Branch/NOPE").status_code == 500


def test_company_and_branch_are_read_only_through_the_api(acu: Acu) -> None:
    r = acu.put("Branch", {"BranchID": "WEST", "BranchName": "West"})
    assert r.status_code == 403
    assert r.json()["exceptionType"] == "PX.Data.PXException"
    assert acu.delete("Branch/MAIN").status_code == 403
    assert acu.client.put(f"{acu.base}/Company/DEMO/files/logo.png", content=b"png").status_code == 403
    assert [val(b, "BranchID") for b in acu.get("Branch").json()] == ["MAIN"]

"""The demo company as Acumatica records, tenants, reset and the service wiring."""

from __future__ import annotations

from starlette.testclient import TestClient

from simulator import datasets
from simulator.acumatica import default_config, service
from simulator.acumatica.config import banner
from tests.acumatica.conftest import Acu, val


def test_default_config_derives_the_tenant_name() -> None:
    config = default_config("demo", "Demo Construction")
    assert config["tenant_name"] == "Demo"
    assert config["users"] == {"admin": "admin"}
    assert default_config("acme-builders", "Acme")["tenant_name"] == "Acme-builders"
    lines = banner("http://127.0.0.1:8080", config)
    assert any("/acumatica" in line for line in lines)
    assert service.name == "acumatica"


def test_demo_company_is_seeded(acu: Acu) -> None:
    demo = datasets.load("demo")
    groups = {val(g, "AccountGroupID"): val(g, "Type") for g in acu.one("AccountGroup")}
    assert groups == {"REVENUE": "Income", "LABOR": "Expense", "MATERIAL": "Expense", "SUBCONTRACT": "Expense",
                      "EQUIPMENT": "Expense", "OTHER": "Expense"}
    codes = [val(c, "CostCodeID") for c in acu.one("CostCode")]
    assert codes[0] == "00-000"
    assert codes[1:] == [c["code"] for c in demo.cost_codes]
    vendors = acu.one("Vendor", **{"$expand": "MainContact,MainContact/Address"})
    assert len(vendors) == len(demo.vendors)
    first = demo.vendors[0]
    assert val(vendors[0], "VendorName") == first["name"]
    assert val(vendors[0]["MainContact"], "Email") == first["email"]
    assert val(vendors[0]["MainContact"]["Address"], "City") == first["city"]
    assert [val(v, "Status") for v in vendors].count("Inactive") == 1
    assert len(acu.one("Customer")) == len(demo.customers)
    projects = acu.one("Project", **{"$expand": "ProjectProperties"})
    assert [val(p, "ProjectID") for p in projects] == [p["id"] for p in demo.projects]
    assert {val(p, "Status") for p in projects} == {"Active"}
    assert all(val(p["ProjectProperties"], "ChangeOrderWorkflow") for p in projects)
    tasks = acu.one("ProjectTask")
    assert {(val(t, "ProjectID"), val(t, "ProjectTaskID"), val(t, "Default"), val(t, "Status")) for t in tasks} == \
        {(p["id"], "0000", True, "Active") for p in demo.projects}
    revenue = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and Type eq 'Income'"})
    assert val(revenue[0], "OriginalBudgetedAmount") == float(demo.projects[0]["contract_amount"])
    cost_lines = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and Type eq 'Expense'"})
    expected = sum(len(t["cost_types"]) for t in demo.project_tasks if t["project_id"] == "1001")
    assert len(cost_lines) == expected


def test_reset_restores_the_seed(acu: Acu, raw: TestClient) -> None:
    acu.ok("Vendor", {"VendorID": "TEMP", "VendorName": "Temporary"})
    assert raw.post("/_erpsim/tenants/demo/reset").status_code == 200
    assert acu.login().status_code == 204  # reset signs everyone out
    assert acu.get("Vendor/TEMP").status_code == 500
    assert val(acu.one("Vendor/V100"), "VendorID") == "V100"


def test_a_second_tenant_signs_in_by_its_own_name(acu: Acu, raw: TestClient) -> None:
    r = raw.post("/_erpsim/tenants", json={"id": "acme", "name": "Acme Builders", "fixture": "demo",
                                            "config": {"acumatica": {"tenant_name": "ACME", "users": {"ap": "pw"}}}})
    assert r.status_code == 201, r.text
    other = TestClient(raw.app)
    assert other.post("/acumatica/entity/auth/login", json={"name": "ap", "password": "pw",
                                                            "tenant": "Acme"}).status_code == 204
    mine = Acu(other, acu.clock)
    mine.ok("Vendor", {"VendorID": "ONLYACME", "VendorName": "Acme only"})
    assert acu.get("Vendor/ONLYACME").status_code == 500  # tenants never see each other's books


def test_generated_company_seeds_cleanly(acu: Acu, raw: TestClient) -> None:
    r = raw.post("/_erpsim/tenants/demo/seed", json={"generate": {"seed": 7, "vendors": 40, "projects": 5}})
    assert r.status_code == 200, r.text
    assert len(acu.one("Project", **{"$select": "ProjectID"})) >= 5

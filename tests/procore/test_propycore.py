"""The published client ProPyCore, unmodified, against erpsim under real uvicorn: only its base URL and the demo
company's credentials are set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ProPyCore.exceptions import NotFoundClientError, UnauthorizedClientError
from ProPyCore.procore import Procore as ProcoreClient
from starlette.applications import Starlette

from simulator.procore import side
from simulator.testing import ThreadedServer
from sync_core.procore import Company


@pytest.fixture
def served(app: Starlette) -> Iterator[tuple[str, dict[str, Any], Company]]:
    side.prepare(app, "demo")
    config = dict(app.state.store.get_tenant("demo").config["procore"])
    with ThreadedServer(app) as server:
        yield f"{server.url}/procore", config, side.company(app, "demo")


def client_for(base: str, config: dict[str, Any]) -> ProcoreClient:
    return ProcoreClient(client_id=config["client_id"], client_secret=config["client_secret"], redirect_uri="",
                         base_url=base, oauth_url=base)


def test_propycore_reads_the_company_projects_directory_codes_budget_and_costs(
        served: tuple[str, dict[str, Any], Company]) -> None:
    base, config, company = served
    cid = config["company_id"]
    projects = []
    for n in range(4):
        job = company.projects.create(name=f"Job {n}", project_number=f"70{n}")
        job.cost_codes.add("03-300")
        job.budget.add_line("03-300", "Labor", "1000")
        projects.append(job)
    for n in range(3):
        company.directory.create(name=f"Vendor {n}")
    pc = client_for(base, config)
    assert pc.companies.get()[0]["id"] == cid
    found = pc.projects.get(company_id=cid, per_page=3)  # pages until it reads [] past the end
    assert [p["name"] for p in found] == [f"Job {n}" for n in range(4)]
    assert len(pc.directory.vendors.get(company_id=cid, per_page=2)) == 3
    codes = pc.cost_codes.get(company_id=cid, project_id=projects[0].id)
    assert [c["code"] for c in codes] == ["03-300"]
    views = pc.budgets.views.get(company_id=cid, project_id=projects[0].id)
    rows = pc.budgets.rows.get(company_id=cid, project_id=projects[0].id, budget_view_id=views[0]["id"])
    assert rows[0]["original_budget_amount"] == "1000.00"
    assert pc.budgets.columns.get(company_id=cid, project_id=projects[0].id, budget_view_id=views[0]["id"])
    assert pc.budgets.details.get(company_id=cid, project_id=projects[0].id, budget_view_id=views[0]["id"])


def test_propycore_writes_a_direct_cost_and_reads_commitments(served: tuple[str, dict[str, Any], Company]) -> None:
    base, config, company = served
    cid = config["company_id"]
    job = company.projects.create(name="Library", project_number="2001")
    vendor = company.directory.create(name="Concrete Co")
    commitment = job.commitments.create_subcontract(title="Concrete", vendor=vendor)
    commitment.add_line("03-300", "Subcontract", "50000")
    pc = client_for(base, config)
    made = pc.direct_costs.create(company_id=cid, project_id=job.id, direct_cost_data={
        "direct_cost_type": "invoice", "invoice_number": "INV-1", "direct_cost_date": "2026-03-01"},
        line_items=[{"amount": "12.50", "description": "nails"}])
    shown = pc.direct_costs.show(company_id=cid, project_id=job.id, direct_cost_id=made["id"])
    assert shown["invoice_number"] == "INV-1" and shown["line_items"][0]["description"] == "nails"
    assert [d["id"] for d in pc.direct_costs.get(company_id=cid, project_id=job.id)] == [made["id"]]
    # ProPyCore has no commitments module; its own transport reads them.
    contracts = pc.projects.get_request(api_url="/rest/v1.0/work_order_contracts",
                                        additional_headers={"Procore-Company-Id": str(cid)},
                                        params={"project_id": job.id})
    assert contracts[0]["title"] == "Concrete" and contracts[0]["grand_total"] == "50000.00"
    with pytest.raises(NotFoundClientError):
        pc.direct_costs.show(company_id=cid, project_id=job.id, direct_cost_id=987654)


def test_propycore_with_a_wrong_secret_cannot_read(served: tuple[str, dict[str, Any], Company]) -> None:
    base, config, _ = served
    with pytest.raises(KeyError):  # it reads access_token from the error body without checking the status
        client_for(base, dict(config, client_secret="wrong"))
    pc = client_for(base, config)
    with pytest.raises(UnauthorizedClientError):
        pc.projects.get_request(api_url="/rest/v1.0/me", additional_headers={"Authorization": "Bearer revoked"})

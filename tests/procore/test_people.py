"""The people's actions under /_erpsim/tenants/{id}/procore/: the ERP Integrations workflow with the mouse."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.procore import side
from simulator.testing import ThreadedServer
from sync_core import objects as o

PM = "pm@demo.example.com"
APPROVER = "approver@demo.example.com"
BASE = "/_erpsim/tenants/demo/procore"


def erp_record(app: Starlette, kind: str, field: str, value: str) -> dict[str, Any] | None:
    for record in app.state.store.records("demo").iter(kind):
        if record.data.get(field) == value:
            return dict(record.data)
    return None


def new_project(app: Starlette, client: TestClient, number: str = "2001", name: str = "Library") -> o.Project:
    assert client.post(f"{BASE}/refresh/cost_codes", json={"user": APPROVER}).status_code == 200
    company = side.company(app, "demo")
    project = company.projects.create(name=name, project_number=number)
    project.cost_codes.add("03-300")
    return project


def test_each_tenant_has_a_company_with_a_project_manager_and_an_approver(client: TestClient) -> None:
    body = client.get(f"{BASE}/").json()
    assert body["name"] == "Demo Construction" and body["erp"] == "intacct"
    assert isinstance(body["company_id"], int)
    logins = {u["login"]: u for u in body["users"]}
    assert logins[APPROVER]["can_push_to_accounting"] is True
    assert logins[PM]["erp_integrations"] == "read_only"
    assert body["queues"] == {"ready_to_export": 0, "synced": 0, "rejected": 0, "failed_to_export": 0}


def test_a_project_goes_from_send_to_synced_and_is_found_in_the_erp(app: Starlette, client: TestClient) -> None:
    project = new_project(app, client)
    sent = client.post(f"{BASE}/items/projects/{project.id}/send", json={"user": PM})
    assert sent.status_code == 200 and sent.json()["item"]["erp_status"] == "ready_to_export"
    queue = client.get(f"{BASE}/queues/ready_to_export", params={"type": "projects"}).json()["items"]
    assert [i["id"] for i in queue] == [project.id]
    shown = client.get(f"{BASE}/items/projects/{project.id}").json()
    assert [f["name"] for f in shown["accept_fields"]] == ["erp_job_id"]
    accepted = client.post(f"{BASE}/items/projects/{project.id}/accept",
                           json={"user": APPROVER, "fields": {"erp_job_id": "2001"}})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "synced" and accepted.json()["origin_id"] == "2001"
    assert erp_record(app, "intacct.PROJECT", "PROJECTID", "2001") is not None
    assert [i["id"] for i in client.get(f"{BASE}/queues/synced").json()["items"]] == [project.id]


def test_permission_refusals_speak_the_tools_words(app: Starlette, client: TestClient) -> None:
    project = new_project(app, client)
    refused = client.post(f"{BASE}/items/projects/{project.id}/send", json={"user": APPROVER})
    assert refused.status_code == 403
    assert "needs 'Admin' on the projects tool (they have 'standard')" in refused.json()["error"]["message"]
    client.post(f"{BASE}/items/projects/{project.id}/send", json={"user": PM})
    refused = client.post(f"{BASE}/items/projects/{project.id}/accept", json={"user": PM, "fields": {}})
    assert refused.status_code == 403
    assert "accounting approvers need 'Admin' on the ERP Integrations tool" in refused.json()["error"]["message"]
    refused = client.post(f"{BASE}/imports/vendors", json={"user": PM})
    assert refused.status_code == 403 and "'Admin' on the ERP Integrations tool" in refused.json()["error"]["message"]
    assert client.post(f"{BASE}/items/projects/{project.id}/send", json={}).status_code == 400
    assert client.post(f"{BASE}/items/projects/{project.id}/send", json={"user": "nobody"}).status_code == 404


def test_reject_with_a_reason_then_resend_and_retrieve(app: Starlette, client: TestClient) -> None:
    project = new_project(app, client)
    client.post(f"{BASE}/items/projects/{project.id}/send", json={"user": PM})
    no_reason = client.post(f"{BASE}/items/projects/{project.id}/reject", json={"user": APPROVER})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["problems"]
    rejected = client.post(f"{BASE}/items/projects/{project.id}/reject",
                           json={"user": APPROVER, "reason": "wrong job number"})
    assert rejected.json()["item"]["rejection_reason"] == "wrong job number"
    assert [i["id"] for i in client.get(f"{BASE}/queues/rejected").json()["items"]] == [project.id]
    wrong = client.post(f"{BASE}/items/projects/{project.id}/retrieve", json={"user": PM})
    assert wrong.status_code == 409 and wrong.json()["error"]["kind"] == "InvalidTransition"
    resent = client.post(f"{BASE}/items/projects/{project.id}/resend", json={"user": PM})
    assert resent.json()["item"]["erp_status"] == "ready_to_export"
    back = client.post(f"{BASE}/items/projects/{project.id}/retrieve", json={"user": PM})
    assert back.json()["item"]["erp_status"] == "not_in_erp"


def test_a_commitment_refused_before_its_project_is_synced_lists_each_problem(app: Starlette,
                                                                             client: TestClient) -> None:
    project = new_project(app, client)
    company = side.company(app, "demo")
    vendor = company.directory.create(name="Concrete Co")
    commitment = project.commitments.create_subcontract(title="Concrete", vendor=vendor)
    refused = client.post(f"{BASE}/items/work_order_contracts/{commitment.id}/send", json={"user": PM})
    assert refused.status_code == 422
    problems = refused.json()["error"]["problems"]
    assert any("not synced" in p for p in problems) and any("Approved" in p for p in problems)


def test_imports_and_ready_to_import(app: Starlette, client: TestClient) -> None:
    ready = client.get(f"{BASE}/queues/ready_to_import", params={"type": "projects"}).json()["items"]
    assert {"erp_id": "1001", "name": ready[0]["name"]} in ready
    report = client.post(f"{BASE}/imports/jobs", json={"user": APPROVER, "ids": ["1001"]})
    assert report.status_code == 200, report.text
    assert [c["origin_id"] for c in report.json()["created"]] == ["1001"]
    ready = client.get(f"{BASE}/queues/ready_to_import", params={"type": "projects"}).json()["items"]
    assert "1001" not in [i["erp_id"] for i in ready]
    vendors = client.post(f"{BASE}/refresh/companies", json={"user": APPROVER}).json()["reports"][0]
    assert len(vendors["created"]) > 0
    assert client.get(f"{BASE}/queues/ready_to_import", params={"type": "vendors"}).json()["items"] == []
    refused = client.post(f"{BASE}/imports/commitments", json={"user": APPROVER})
    assert refused.status_code == 422 and "rule" in refused.json()["error"]
    linked = client.post(f"{BASE}/vendors/{vendors['created'][0]['id']}/link",
                         json={"user": APPROVER, "erp_vendor_id": "V999"})
    assert linked.status_code == 422 and linked.json()["error"]["rule"] == "workflow.create_in_one_system"


def test_unknown_things_are_named(client: TestClient) -> None:
    assert client.get(f"{BASE}/queues/nope").status_code == 404
    assert client.get(f"{BASE}/items/widgets/1").status_code == 404
    assert client.get(f"{BASE}/items/projects/999").status_code == 404
    assert client.post(f"{BASE}/imports/everything", json={"user": APPROVER}).status_code == 404
    assert client.get("/_erpsim/tenants/nobody/procore/").status_code == 404


def test_snapshot_and_restore_carry_the_procore_side(app: Starlette, client: TestClient) -> None:
    project = new_project(app, client)
    snapshot = client.get("/_erpsim/tenants/demo/snapshot").json()
    assert "pm.project" in snapshot
    side.company(app, "demo").projects.get(project.id).delete()
    assert side.company(app, "demo").projects.all() == []
    assert client.post("/_erpsim/tenants/demo/restore", json=snapshot).status_code == 200
    assert [p.data["name"] for p in side.company(app, "demo").projects.all()] == ["Library"]


def test_the_company_follows_its_tenants_erp_setting(app: Starlette, client: TestClient) -> None:
    assert client.patch("/_erpsim/tenants/demo/config", json={"procore": {"erp": "sage100"}}).status_code == 200
    body = client.post(f"{BASE}/refresh/cost_codes", json={"user": APPROVER}).json()
    assert body["reports"][0]["source"] == "Sage 100 Contractor"
    assert client.get(f"{BASE}/").json()["setup"] == {"erp": "sage100", "imported": True}


def test_an_erp_call_from_inside_a_real_server_does_not_deadlock(app: Starlette) -> None:
    company = side.company(app, "demo")
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.post(f"{BASE}/refresh/cost_codes", json={"user": APPROVER}).status_code == 200
        project = company.projects.create(name="Gym", project_number="2002")
        project.cost_codes.add("03-300")
        assert http.post(f"{BASE}/items/projects/{project.id}/send", json={"user": PM}).status_code == 200
        accepted = http.post(f"{BASE}/items/projects/{project.id}/accept",
                             json={"user": APPROVER, "fields": {"erp_job_id": "2002"}})
        assert accepted.status_code == 200 and accepted.json()["ok"], accepted.text


def test_an_erp_call_on_the_event_loop_thread_is_refused_not_hung(app: Starlette) -> None:
    import asyncio

    async def on_the_loop() -> None:
        with pytest.raises(RuntimeError, match="worker thread"):
            with side.connected(app, "demo"):
                pass

    asyncio.run(on_the_loop())

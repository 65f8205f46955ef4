"""The published easy-acumatica client, unmodified, against the real server under uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from easy_acumatica import AcumaticaClient
from easy_acumatica.odata import F, QueryOptions

from simulator.acumatica import service
from simulator.app import create_app
from simulator.store import Store
from simulator.testing import ThreadedServer


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    store = Store(":memory:")
    with ThreadedServer(create_app(store, services=[service])) as running:
        yield running
    store.close()


def test_easy_acumatica_end_to_end(server: ThreadedServer, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    client = AcumaticaClient(
        base_url=f"{server.url}/acumatica", username="admin", password="admin", tenant="Demo",
        cache_methods=False, cache_dir=tmp_path, auto_load_env=False, rate_limit_calls_per_second=1000,
    )
    try:
        # It signed in, read /entity, picked the newest Default version and built itself from its swagger.
        assert client.endpoint_version == "25.200.001"
        assert {"Vendor", "Project", "Bill", "Subcontract", "ChangeOrder"} <= set(client.list_services())
        assert hasattr(client.models, "BillDetail")

        vendor = client.models.Vendor(VendorID="EA-SUB", VendorName="Easy Subcontracting", Status="Active")
        created = client.vendor.put_entity(vendor)
        assert created["VendorID"]["value"] == "EA-SUB"

        project = client.models.Project(ProjectID="EA-100", Description="Easy tower", Customer="C100", Hold=False)
        created = client.project.put_entity(project)
        assert created["Status"]["value"] == "Active"

        found = client.vendor.get_list(options=QueryOptions(
            filter=F.VendorName.startswith("Easy") & (F.Status == "Active"), select=["VendorID", "VendorName"]))
        assert [v["VendorID"]["value"] for v in found] == ["EA-SUB"]

        assert client.project.get_by_keys(ProjectID="EA-100")["Description"]["value"] == "Easy tower"
        by_id = client.vendor.get_by_id(found[0]["id"])
        assert by_id["VendorName"]["value"] == "Easy Subcontracting"

        task = client.models.ProjectTask(ProjectID="EA-100", ProjectTaskID="01", Description="Core",
                                         Default=True)
        client.project_task.put_entity(task)
        hold = client.models.HoldProject(entity=client.models.Project(ProjectID="EA-100"))
        client.project.invoke_action_hold_project(hold)
        assert client.project.get_by_keys(ProjectID="EA-100")["Status"]["value"] == "On Hold"

        # It read the generic inquiries' OData v4 metadata at start-up and queries them with Basic auth.
        found = client.inquiries.Vendors(QueryOptions(filter=F.VendorID == "EA-SUB", select=["VendorID", "Status"]))
        assert found["value"] == [{"VendorID": "EA-SUB", "Status": "Active"}]
    finally:
        client.close()
    capsys.readouterr()  # the client prints that the generic-inquiry metadata is absent, which is expected

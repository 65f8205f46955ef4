"""The published ``sageintacctrestsdk``, unmodified, against the real server under uvicorn.

The client binds Intacct's production base URL at import time in each module
that uses it (reference intacct-rest.md §5.1); the one thing changed is that
binding, so its requests reach our server. Everything else (the token grant,
headers, paging through the query service, error handling) is the client's own.
"""

from __future__ import annotations

from collections.abc import Iterator

import intacctsdk.apis.api_base as api_base
import intacctsdk.apis.reporting_periods as reporting_periods
import intacctsdk.intacctsdk as sdk_module
import pytest
from intacctsdk import IntacctRESTSDK
from intacctsdk.exceptions import BadRequestError

from simulator.testing import ThreadedServer

from .servers import with_bulk_company


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with with_bulk_company() as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def redirect(server: ThreadedServer) -> Iterator[None]:
    patcher = pytest.MonkeyPatch()
    for module in (sdk_module, api_base, reporting_periods):
        patcher.setattr(module, "BASE_URL", f"{server.url}/ia/api/v1")
    yield
    patcher.undo()


def connect(company: str = "demo", **kw: str) -> IntacctRESTSDK:
    return IntacctRESTSDK(username=f"admin@{company.upper()}", client_id=f"{company}.erpsim.app",
                          client_secret=f"{company}-rest-secret", **kw)


def test_token_from_client_credentials() -> None:
    sdk = connect()
    assert sdk.access_token.count(".") == 2 and sdk.refresh_token and sdk.access_token_expires_in == 43200
    again = IntacctRESTSDK(client_id="demo.erpsim.app", client_secret="demo-rest-secret",
                           refresh_token=sdk.refresh_token, use_client_credentials_auth=False)
    assert again.access_token != sdk.access_token


def test_vendor_project_task_cost_type_and_bill_with_project_lines() -> None:
    sdk = connect()
    made = sdk.vendors.post({"id": "SDK-V1", "name": "Client Steel Co",
                             "contacts": {"default": {"printAs": "Client Steel Co", "email1": "ap@steel.example"}}},
                            idempotent_key="sdk-vendor-1")
    key = made["ia::result"]["key"]
    assert sdk.vendors.get_by_key(key)["ia::result"]["contacts"]["default"]["email1"] == "ap@steel.example"
    sdk.vendors.update(key, {"creditLimit": "50000"})
    assert sdk.vendors.get_by_key(key)["ia::result"]["creditLimit"] == "50000.00"

    sdk.projects.post({"id": "SDK-P1", "name": "Client Tower", "projectCategory": "contract"})
    sdk.tasks.post({"id": "03-300", "name": "Cast-in-Place Concrete", "project": {"id": "SDK-P1"},
                    "taskStatus": "inProgress", "standardTask": {"id": "03-300"}})
    sdk.cost_types.post({"standardCostType": {"id": "Subcontract"}, "project": {"id": "SDK-P1"},
                         "task": {"id": "03-300"}})
    cost_types = next(sdk.cost_types.get_all_generator(
        fields=["id", "project.id", "task.id"], filters=[{"$eq": {"project.id": "SDK-P1"}}]))
    assert cost_types == [{"id": "Subcontract", "project.id": "SDK-P1", "task.id": "03-300"}]

    project_line = {"glAccount": {"id": "5200"}, "dimensions": {
        "project": {"id": "SDK-P1"}, "task": {"id": "03-300"}, "costType": {"id": "Subcontract"}}}
    bill = sdk.bills.post({"vendor": {"id": "SDK-V1"}, "createdDate": "2026-03-01", "dueDate": "2026-03-31",
                           "billNumber": "INV-1", "lines": [
                               {**project_line, "txnAmount": "1200.00", "retainagePercentage": "10"},
                               {**project_line, "txnAmount": "300.005"}]})
    read = sdk.bills.get_by_key(bill["ia::result"]["key"])["ia::result"]
    assert (read["totalTxnAmount"], read["totalTxnAmountRetained"], read["totalTxnAmountDue"]) == (
        "1500.01", "120.00", "1380.01")
    assert read["lines"][0]["dimensions"]["costType"]["id"] == "Subcontract"
    assert sdk.bills.get_model()["ia::result"]["refs"]["vendor"]["apiObject"] == "accounts-payable/vendor"
    spare = sdk.vendors.post({"id": "SDK-V2", "name": "Spare", "contacts": {"default": {"printAs": "Spare"}}})
    assert sdk.vendors.delete(spare["ia::result"]["key"]) is None


def test_paging_past_two_thousand_vendors_through_the_query_service() -> None:
    sdk = connect("bulk")
    pages = list(sdk.vendors.get_all_generator(fields=["id", "name"]))
    assert [len(page) for page in pages] == [2000, 100]
    assert len({row["id"] for page in pages for row in page}) == 2100
    assert sdk.vendors.count() == 2100
    assert sdk.vendors.count(filters=[{"$eq": {"status": "active"}}]) == 2099


def test_errors_reach_the_client_in_its_own_exceptions() -> None:
    sdk = connect()
    with pytest.raises(BadRequestError) as duplicate:
        sdk.vendors.post({"id": "V100", "name": "Again", "contacts": {"default": {"printAs": "Again"}}})
    assert "BL34000061" in duplicate.value.response and "already exists" in duplicate.value.response
    with pytest.raises(BadRequestError) as missing:
        sdk.tasks.post({"id": "X", "name": "No project", "project": {"id": "NOPE"}, "taskStatus": "planned"})
    assert "Invalid Project 'NOPE' specified." in missing.value.response
    with pytest.raises(BadRequestError) as in_use:
        sdk.vendors.delete(sdk.vendors.get_all_generator(fields=["key"], filters=[{"$eq": {"id": "SDK-V1"}}])
                           .__next__()[0]["key"])
    assert "SDK-V1" in in_use.value.response
    with pytest.raises(BadRequestError) as token:
        connect(access_token="not-a-token").projects.get_by_key("1")
    assert "REST-2102" in token.value.response
    with pytest.raises(BadRequestError):
        IntacctRESTSDK(username="admin@DEMO", client_id="demo.erpsim.app", client_secret="wrong")

"""The published ``sageintacctsdk`` package, unmodified, against the real server under uvicorn.

The client hard-codes Intacct's production URL in each API object, so the one
thing changed is where its HTTP posts go: the URL prefix is rewritten to our
server. Everything else (XML building, parsing, paging, errors) is the
client's own code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sageintacctsdk import SageIntacctSDK
from sageintacctsdk.apis import api_base
from sageintacctsdk.apis.api_base import ApiBase
from sageintacctsdk.apis.constants import dimensions_fields_mapping
from sageintacctsdk.exceptions import InvalidTokenError, WrongParamsError

from simulator.intacct.schema import OBJECTS
from simulator.testing import ThreadedServer

from .servers import with_bulk_company

PRODUCTION = "https://api.intacct.com"


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with with_bulk_company() as running:
        yield running


@pytest.fixture(scope="module")
def redirect(server: ThreadedServer) -> Iterator[list[str]]:
    seen: list[str] = []
    real_post = requests.post

    def post(url: str, *args: Any, **kwargs: Any) -> requests.Response:
        url = url.replace(PRODUCTION, server.url)
        seen.append(url)
        return real_post(url, *args, **kwargs)

    patcher = pytest.MonkeyPatch()
    patcher.setattr(api_base.requests, "post", post)
    yield seen
    patcher.undo()


def connect(company: str = "DEMO", password: str = "admin") -> SageIntacctSDK:
    return SageIntacctSDK(sender_id="erpsim", sender_password="erpsim", user_id="admin", company_id=company,
                          user_password=password)


def test_session_uses_our_endpoint(server: ThreadedServer, redirect: list[str]) -> None:
    sdk = connect()
    assert sdk.api_base._ApiBase__api_url == f"{server.url}/ia/xml/xmlgw.phtml"
    assert sdk.api_base._ApiBase__session_id.endswith("..")


def test_create_vendor_project_task_cost_type_and_bill(redirect: list[str]) -> None:
    sdk = connect()
    vendor = sdk.vendors.post({"VENDORID": "SDK-V1", "NAME": "Client Steel Co",
                               "DISPLAYCONTACT": {"PRINTAS": "Client Steel Co", "EMAIL1": "ap@steel.example"}})
    assert vendor["data"]["vendor"]["VENDORID"] == "SDK-V1"
    sdk.projects.post({"PROJECTID": "SDK-P1", "NAME": "Client Tower", "PROJECTCATEGORY": "Contract"})
    sdk.tasks.post({"TASKID": "03-300", "NAME": "Cast-in-Place Concrete", "PROJECTID": "SDK-P1",
                    "TASKSTATUS": "In Progress", "STANDARDTASKID": "03-300"})
    sdk.cost_types.post({"STANDARDCOSTTYPEID": "Subcontract", "PROJECTID": "SDK-P1", "TASKID": "03-300"})

    bill = sdk.bills.post({
        "VENDORID": "SDK-V1", "WHENCREATED": "03/01/2026", "WHENDUE": "03/31/2026", "RECORDID": "INV-1",
        "APBILLITEMS": {"APBILLITEM": [
            {"ACCOUNTNO": "5200", "TRX_AMOUNT": "1200.00", "PROJECTID": "SDK-P1", "TASKID": "03-300",
             "COSTTYPEID": "Subcontract", "RETAINAGEPERCENTAGE": "10"},
            {"ACCOUNTNO": "5200", "TRX_AMOUNT": "300.005", "PROJECTID": "SDK-P1", "TASKID": "03-300",
             "COSTTYPEID": "Subcontract"},
        ]},
    })
    record_no = bill["data"]["apbill"]["RECORDNO"]

    # Read back over the API, as any client would.
    rows = sdk.bills.get(field="RECORDNO", value=record_no)
    row = rows["apbill"]
    assert row["TOTALENTERED"] == "1500.01"
    assert row["TOTALRETAINED"] == "120.00"
    assert row["TOTALDUE"] == "1380.01"
    assert row["VENDORID"] == "SDK-V1"
    cost_types = sdk.cost_types.get_all(field="PROJECTID", value="SDK-P1")
    assert [c["COSTTYPEID"] for c in cost_types] == ["Subcontract"]


def test_get_all_pages_past_two_thousand_vendors(redirect: list[str]) -> None:
    sdk = connect("BULK")
    vendors = sdk.vendors.get_all()
    assert len(vendors) == 2100
    assert len({v["VENDORID"] for v in vendors}) == 2100
    assert sdk.vendors.count() == 2099  # count() counts STATUS=active; the generator makes one inactive


def test_errors_reach_the_client_in_its_own_exceptions(redirect: list[str]) -> None:
    sdk = connect()
    with pytest.raises(WrongParamsError) as duplicate:
        sdk.vendors.post({"VENDORID": "V100", "NAME": "Again", "DISPLAYCONTACT": {"PRINTAS": "Again"}})
    assert "already exists" in str(duplicate.value.response)
    with pytest.raises(WrongParamsError) as missing:
        sdk.tasks.post({"TASKID": "X", "NAME": "No project", "PROJECTID": "NOPE", "TASKSTATUS": "Planned"})
    assert "Invalid Project 'NOPE' specified." in str(missing.value.response)
    with pytest.raises(InvalidTokenError):
        connect(password="wrong")


def test_published_client_lists_every_object_we_serve(redirect: list[str]) -> None:
    """Each of the client's API objects for an object we serve pages through ``get_all`` with the fields the
    client selects (its dimensions_fields_mapping), as discovery and extraction runs do (reference §4.1)."""
    sdk = connect()
    listed = {}
    for name, api in vars(sdk).items():
        dimension = getattr(api, "_ApiBase__dimension", None) if isinstance(api, ApiBase) else None
        if dimension in OBJECTS and dimension in dimensions_fields_mapping:
            listed[dimension] = api.get_all()
    assert {"ARINVOICE", "ARINVOICEITEM", "ARPYMT", "CLASS", "CONTRACT", "CREDITCARD", "DEPARTMENT", "EMPLOYEE",
            "GLDETAIL", "LOCATION", "GLBATCH", "CHECKINGACCOUNT", "ITEM", "GLACCOUNT"} <= set(listed)
    assert len(listed["GLACCOUNT"]) >= 10 and listed["ARPYMT"] == []
    dimensions = sdk.dimensions.get_all()
    assert {"DEPARTMENT", "PROJECT"} <= {d["objectName"] for d in dimensions}

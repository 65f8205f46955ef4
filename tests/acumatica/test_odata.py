"""Generic inquiries over OData v3 and v4, and DACs over OData v4 (ref §2.9 [KB][EA]; the URL forms are
Acumatica's DAC-based OData guide's: ``/t/{tenant}/api/odata/dac/{DAC}``, by full, OData or short name)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.acumatica.conftest import Acu, val
from tests.acumatica.test_payables import bill

AUTH = ("admin", "admin")
DAC = "/acumatica/t/Demo/api/odata/dac"
GI4 = "/acumatica/t/Demo/api/odata/gi"
GI3 = "/acumatica/odata/Demo"


def test_dac_reads_what_the_contract_api_wrote(acu: Acu) -> None:
    acu.ok("Vendor", {"VendorID": "OD-1", "VendorName": "OData Supply", "Status": "Active"})
    r = acu.client.get(f"{DAC}/PX_Objects_AP_Vendor", params={"$filter": "AcctCD eq 'OD-1'"}, auth=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["@odata.context"].endswith("/api/odata/dac/$metadata#PX_Objects_AP_Vendor")
    assert [(v["AcctCD"], v["AcctName"], v["VStatus"]) for v in body["value"]] == [("OD-1", "OData Supply", "Active")]
    for name in ("Vendor", "PX.Objects.AP.Vendor", "vendor"):
        assert acu.client.get(f"{DAC}/{name}", params={"$filter": "AcctCD eq 'OD-1'"},
                              auth=AUTH).json()["value"] == body["value"]


def test_dac_fields_are_the_dac_names_the_endpoint_maps_to(acu: Acu) -> None:
    """Bill.VendorRef is APInvoice.InvoiceNbr, Amount is CuryOrigDocAmt (ref Appendix A mapping [META24]); the
    type is the code the database stores (ref §4.1: Bill is INV, Debit Adj. is ADR)."""
    bill(acu, VendorRef="OD-INV-1")
    bill(acu, {"Project": "1001", "CostCode": "03-100", "Amount": 50}, VendorRef="OD-ADR-1", Type="Debit Adj.")
    bills = acu.client.get(f"{DAC}/APInvoice", auth=AUTH).json()["value"]
    contract = acu.get("Bill").json()
    assert len(bills) == len(contract) == 2
    by_ref = {(b["DocType"], b["RefNbr"]): b for b in bills}
    codes = {"Bill": "INV", "Debit Adj.": "ADR"}
    for doc in contract:
        row = by_ref[(codes[val(doc, "Type")], val(doc, "ReferenceNbr"))]
        assert row["InvoiceNbr"] == val(doc, "VendorRef")
        assert row["CuryOrigDocAmt"] == val(doc, "Amount")
        assert row["CuryDocBal"] == val(doc, "Balance")
    found = acu.client.get(f"{DAC}/APInvoice", params={"$filter": "DocType eq 'ADR'"}, auth=AUTH).json()["value"]
    assert [b["InvoiceNbr"] for b in found] == ["OD-ADR-1"]
    # Inquiries keep the contract's labels.
    assert {r["Type"] for r in acu.client.get(f"{GI4}/Bills", auth=AUTH).json()["value"]} == {"Bill", "Debit Adj."}


def test_dac_project_status_is_the_stored_code(acu: Acu) -> None:
    active = acu.get("Project", **{"$filter": "Status eq 'Active'"}).json()
    rows = acu.client.get(f"{DAC}/PMProject", params={"$filter": "Status eq 'A'"}, auth=AUTH).json()["value"]
    assert sorted(r["ContractCD"] for r in rows) == sorted(val(p, "ProjectID") for p in active) != []


def test_dac_query_options(acu: Acu) -> None:
    everything = acu.client.get(f"{DAC}/PMBudget", params={"$count": "true"}, auth=AUTH).json()
    total = everything["@odata.count"]
    assert total == len(everything["value"]) > 3
    page = acu.client.get(f"{DAC}/PMBudget", auth=AUTH, params={
        "$select": "ProjectID,CostCodeID,CuryAmount", "$orderby": "CostCodeID desc,ProjectID", "$skip": "1",
        "$top": "2", "$count": "true"}).json()
    assert page["@odata.count"] == total
    assert len(page["value"]) == 2 and set(page["value"][0]) == {"ProjectID", "CostCodeID", "CuryAmount"}
    ordered = sorted((r["CostCodeID"] for r in everything["value"]), reverse=True)
    assert [r["CostCodeID"] for r in page["value"]] == ordered[1:3]


def test_dac_by_keys(acu: Acu) -> None:
    r = acu.client.get(f"{DAC}/Vendor(AcctCD='V100')", auth=AUTH)
    assert r.status_code == 200 and r.json()["AcctCD"] == "V100"
    assert r.json()["@odata.context"].endswith("#PX_Objects_AP_Vendor/$entity")
    assert acu.client.get(f"{DAC}/Vendor('V100')", auth=AUTH).json()["AcctCD"] == "V100"
    assert acu.client.get(f"{DAC}/Vendor(AcctCD='NOPE')", auth=AUTH).status_code == 404
    assert acu.client.get(f"{DAC}/Vendor(Colour='x')", auth=AUTH).status_code == 400


def test_dac_metadata_and_service_document(acu: Acu) -> None:
    r = acu.client.get(f"{DAC}/$metadata", auth=AUTH)
    assert r.status_code == 200
    root = etree.fromstring(r.content)
    ns = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}
    sets = root.xpath("//edm:EntitySet/@Name", namespaces=ns)
    assert "PX_Objects_AP_APInvoice" in sets and "PX_Objects_PO_POOrder" in sets
    props = root.xpath("//edm:EntityType[@Name='APInvoice']/edm:Property/@Name", namespaces=ns)
    assert {"DocType", "RefNbr", "InvoiceNbr", "CuryOrigDocAmt"} <= set(props)
    assert root.xpath("//edm:EntityType[@Name='APInvoice']/edm:Key/edm:PropertyRef/@Name",
                      namespaces=ns) == ["DocType", "RefNbr"]
    doc = acu.client.get(f"{DAC}/", auth=AUTH).json()
    assert {"name": "PX_Objects_AP_Vendor", "kind": "EntitySet", "url": "PX_Objects_AP_Vendor"} in doc["value"]
    # The older URL form answers the same.
    assert acu.client.get("/acumatica/odatav4/Demo/Vendor", auth=AUTH).json()["value"]


def test_gi_v4_metadata_and_rows(acu: Acu) -> None:
    root = etree.fromstring(acu.client.get(f"{GI4}/$metadata", auth=AUTH).content)
    ns = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}
    container = root.xpath("//edm:EntityContainer[@Name='Default']", namespaces=ns)[0]
    assert "ProjectBudgets" in container.xpath("edm:EntitySet/@Name", namespaces=ns)
    r = acu.client.get(f"{GI4}/Projects", params={"$filter": "Status eq 'Active'", "$select": "ProjectID,Status"},
                       auth=AUTH)
    rows = r.json()["value"]
    assert rows and all(row["Status"] == "Active" for row in rows)
    assert len(rows) == len(acu.get("Project", **{"$filter": "Status eq 'Active'"}).json())


def test_gi_v3_json_and_atom(acu: Acu) -> None:
    r = acu.client.get(f"{GI3}/Vendors", params={"$format": "json", "$top": "2", "$inlinecount": "allpages"},
                       auth=AUTH)
    body = r.json()
    assert body["odata.metadata"].endswith("/acumatica/odata/Demo/$metadata#Vendors")
    assert len(body["value"]) == 2 and int(body["odata.count"]) >= 2
    atom = acu.client.get(f"{GI3}/Vendors", params={"$top": "1", "$select": "VendorID"}, auth=AUTH)
    assert atom.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(atom.content)
    ns = {"a": "http://www.w3.org/2005/Atom", "m": "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata",
          "d": "http://schemas.microsoft.com/ado/2007/08/dataservices"}
    assert root.xpath("//a:entry/a:content/m:properties/d:VendorID/text()", namespaces=ns) == [
        body["value"][0]["VendorID"]]
    meta = etree.fromstring(acu.client.get(f"{GI3}/$metadata", auth=AUTH).content)
    assert meta.tag == "{http://schemas.microsoft.com/ado/2007/06/edmx}Edmx"
    assert acu.client.get(f"{GI3}/", auth=AUTH, headers={"Accept": "application/json"}).json()["value"]


@pytest.mark.parametrize("auth", [None, ("admin", "wrong"), ("nobody", "admin"), ("admin@Other", "admin")])
def test_odata_needs_credentials_of_the_urls_tenant(raw: TestClient, auth: Any) -> None:
    r = raw.get(f"{DAC}/Vendor", auth=auth)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic")
    assert raw.get(f"{GI3}/Vendors", auth=auth, params={"$format": "json"}).json()["odata.error"]["message"]


def test_odata_takes_a_bearer_token_and_the_session_cookie(acu: Acu) -> None:
    apps = acu.client.get("/_erpsim/tenants/demo/acumatica/applications").json()["applications"]
    token = acu.client.post("/acumatica/identity/connect/token", data={
        "grant_type": "password", "username": "admin", "password": "admin", "scope": "api",
        "client_id": apps[0]["client_id"], "client_secret": apps[0]["secret"]}).json()["access_token"]
    with TestClient(acu.client.app) as other:
        assert other.get(f"{DAC}/Vendor", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert other.get(f"{DAC}/Vendor", headers={"Authorization": "Bearer nope"}).status_code == 401
    # The signed-in client's cookies work too.
    assert acu.client.get(f"{DAC}/Vendor").status_code == 200


@pytest.mark.parametrize(("params", "fragment"), [
    ({"$filter": "Nope eq 1"}, "Nope"), ({"$filter": "AcctCD eq"}, ""), ({"$select": "Colour"}, "Colour"),
    ({"$top": "-1"}, "$top"), ({"$skip": "x"}, "$skip"), ({"$orderby": "Colour desc"}, "Colour"),
])
def test_bad_query_options_are_400_in_odata_shape(acu: Acu, params: dict[str, str], fragment: str) -> None:
    r = acu.client.get(f"{DAC}/Vendor", params=params, auth=AUTH)
    assert r.status_code == 400
    assert fragment in r.json()["error"]["message"]


def test_unknown_sets_tenants_and_methods(acu: Acu) -> None:
    assert acu.client.get(f"{DAC}/Nope", auth=AUTH).status_code == 404
    assert acu.client.get(f"{GI4}/Nope", auth=AUTH).status_code == 404
    assert acu.client.get("/acumatica/t/Nope/api/odata/dac/Vendor", auth=AUTH).status_code == 404
    assert acu.client.get("/acumatica/t/Demo/api/odata/xyz/Vendor", auth=AUTH).status_code == 404
    r = acu.client.post(f"{DAC}/Vendor", auth=AUTH, json={})
    assert r.status_code == 405 and r.headers["allow"] == "GET"

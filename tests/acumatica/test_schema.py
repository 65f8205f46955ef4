"""The endpoint list, the generated swagger.json and $adHocSchema."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from simulator.acumatica.entities import ENTITIES, SCHEMAS, in_version
from tests.acumatica.conftest import V23, V24, Acu


def test_endpoint_list_is_the_wrapper_form(raw: TestClient) -> None:
    r = raw.get("/acumatica/entity")
    assert r.status_code == 200
    body = r.json()
    assert set(body["version"]) == {"acumaticaBuildVersion", "databaseVersion"}
    assert [(e["name"], e["version"]) for e in body["endpoints"]] == [("Default", V23), ("Default", V24),
                                                                      ("Default", "25.200.001")]
    assert body["endpoints"][1]["href"] == "/acumatica/entity/Default/24.200.001/"
    assert raw.get("/acumatica/entity/").json() == body


@pytest.mark.parametrize("version", [V23, V24])
def test_swagger_is_openapi_3_built_from_the_contract(raw: TestClient, version: str) -> None:
    r = raw.get(f"/acumatica/entity/Default/{version}/swagger.json", params={"company": "Demo"})
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"] == "3.0.1"
    assert doc["info"] == {"title": f"Default/{version}", "version": "4"}
    assert doc["servers"][0]["url"].endswith(f"/acumatica/entity/Default/{version}")
    assert "securitySchemes" not in doc["components"]
    tags = {t["name"]: t["description"] for t in doc["tags"]}
    assert set(tags) == set(ENTITIES)
    assert tags["Bill"] == "Bills and Adjustments (AP301000)"
    ops = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    for name in ENTITIES:
        for suffix in ("GetList", "PutEntity", "GetById", "GetByKeys", "DeleteById", "DeleteByKeys", "PutFile",
                       "GetAdHocSchema", "InvokeAction_CustomAction"):
            assert f"{name}_{suffix}" in ops
    assert "Bill_InvokeAction_ReleaseRetainage" in ops
    assert "Project_InvokeAction_ActivateProject" in ops
    for path in doc["paths"].values():
        for op in path.values():
            assert op["tags"][0] in ENTITIES
            assert all("$ref" in p for p in op.get("parameters", []))


def test_swagger_schemas_mirror_the_entity_definitions(raw: TestClient) -> None:
    doc = raw.get(f"/acumatica/entity/Default/{V24}/swagger.json").json()
    schemas = doc["components"]["schemas"]
    for name, ent in SCHEMAS.items():
        if not in_version(ent.since, V24):
            assert name not in schemas
            continue
        props = schemas[name]["allOf"][1]["properties"]
        assert set(props) == {f.name for f in ent.fields_in(V24)} | {d.name for d in ent.details_in(V24)} | \
            {lk.name for lk in ent.links_in(V24)}, name
        assert schemas[name]["allOf"][0] == {"$ref": "#/components/schemas/Entity"}
    assert schemas["Bill"]["allOf"][1]["properties"]["Amount"] == {"$ref": "#/components/schemas/DecimalValue"}
    assert schemas["Bill"]["allOf"][1]["properties"]["Details"]["items"] == {"$ref": "#/components/schemas/BillDetail"}
    release = schemas["ReleaseRetainage"]
    assert release["required"] == ["entity", "parameters"]
    assert set(release["properties"]["parameters"]["properties"]) == {"AmtToRelease", "Date", "PostPeriod"}
    assert "RetainageApply" not in schemas["Bill"]["allOf"][1]["properties"]  # the contract has none


def test_versions_differ_where_the_real_contracts_do(raw: TestClient) -> None:
    v23 = raw.get(f"/acumatica/entity/Default/{V23}/swagger.json").json()["components"]["schemas"]
    v24 = raw.get(f"/acumatica/entity/Default/{V24}/swagger.json").json()["components"]["schemas"]
    lc = {"LCType", "LCNbr", "LCLineNbr"}
    assert lc <= set(v24["BillDetail"]["allOf"][1]["properties"])
    assert not lc & set(v23["BillDetail"]["allOf"][1]["properties"])
    assert "Subcontract" in v23


def test_fields_of_a_newer_contract_are_unknown_to_an_older_one(acu: Acu) -> None:
    acu.version = V23
    r = acu.get("Bill", **{"$filter": "Status eq 'Open'"})
    assert r.status_code == 200
    r = acu.client.get(f"{acu.base}/Bill", params={"$expand": "Details", "$select": "Details/LCType"})
    assert r.status_code == 400


def test_unknown_endpoint_version_is_404(acu: Acu) -> None:
    r = acu.client.get("/acumatica/entity/Default/20.200.001/Vendor")
    assert r.status_code == 404
    assert "20.200.001" in r.json()["message"]
    assert acu.client.get("/acumatica/entity/Default/99.1.1/swagger.json").status_code == 404


def test_endpoint_name_is_case_insensitive(acu: Acu) -> None:
    assert acu.client.get(f"/acumatica/entity/default/{V24}/Vendor", params={"$top": 1}).status_code == 200


def test_unknown_entity_is_404_with_the_real_message(acu: Acu) -> None:
    r = acu.get("$metadata")
    assert r.status_code == 404
    assert r.json() == {"message": "Entity $metadata not found"}
    assert acu.put("Widget", {"Name": "x"}).status_code == 404


def test_other_paths_under_the_site_are_404(acu: Acu) -> None:
    r = acu.client.get("/acumatica/Frames/Nope.aspx")
    assert r.status_code == 404
    assert "message" in r.json()


def test_ad_hoc_schema_lists_custom_fields(acu: Acu) -> None:
    body = acu.one("Bill/$adHocSchema")
    assert body["custom"]["Document"]["RetainageApply"] == {"type": "CustomBooleanField", "value": None}
    assert body["Details"][0]["custom"]["Transactions"]["RetainagePct"]["type"] == "CustomDecimalField"
    assert body["Amount"] == {}
    acu.configure(custom_fields={"Vendor": {"BAccount": {"UsrProcoreID": "CustomStringField"}}})
    vendor = acu.one("Vendor/$adHocSchema")
    assert vendor["custom"]["BAccount"]["UsrProcoreID"]["type"] == "CustomStringField"

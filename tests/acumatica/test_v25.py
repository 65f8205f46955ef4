"""The Default/25.200.001 endpoint beside 23.200.001 and 24.200.001 (ref: versions [IDG:Comparison_of_Endpoints];
§0.14 `Bill.RetainageDocuments`; §2.5 PATCH [IDG:Update_Particular_Fields]; §2.4 `date'…'` literals)."""

from __future__ import annotations

from typing import Any

from tests.acumatica.conftest import V24, Acu, val
from tests.acumatica.test_payables import RETAINAGE, bill, release, retainage_bill

V25 = "25.200.001"


def at(acu: Acu, version: str) -> Acu:
    return Acu(acu.client, acu.clock, version)


def test_the_endpoint_list_and_schemas_carry_25(acu: Acu) -> None:
    versions = [e["version"] for e in acu.client.get("/acumatica/entity").json()["endpoints"]]
    assert versions == ["23.200.001", "24.200.001", V25]
    doc25 = acu.client.get(f"/acumatica/entity/Default/{V25}/swagger.json").json()
    doc24 = acu.client.get(f"/acumatica/entity/Default/{V24}/swagger.json").json()
    assert doc25["info"]["title"] == f"Default/{V25}"
    bill25 = doc25["components"]["schemas"]["Bill"]["allOf"][1]["properties"]
    assert bill25["RetainageDocuments"]["items"] == {"$ref": "#/components/schemas/BillRetainageDocument"}
    assert "RetainageDocuments" not in doc24["components"]["schemas"]["Bill"]["allOf"][1]["properties"]
    assert doc25["paths"]["/Bill"]["patch"]["operationId"] == "Bill_PatchEntity"
    assert "patch" not in doc24["paths"]["/Bill"]


def test_patch_writes_the_given_fields_of_an_existing_record(acu: Acu) -> None:
    v25 = at(acu, V25)
    acu.ok("Vendor", {"VendorID": "PT-1", "VendorName": "Patch Co", "LegalName": "Patch Company LLC"})
    r = v25.client.patch(f"{v25.base}/Vendor", json={"VendorID": {"value": "PT-1"},
                                                     "VendorName": {"value": "Patched Co"}})
    assert r.status_code == 200, r.text
    vendor = acu.one("Vendor/PT-1")
    assert val(vendor, "VendorName") == "Patched Co" and val(vendor, "LegalName") == "Patch Company LLC"
    # By id too.
    r = v25.client.patch(f"{v25.base}/Vendor", json={"id": vendor["id"], "VendorName": {"value": "By Id"}})
    assert r.status_code == 200 and val(acu.one("Vendor/PT-1"), "VendorName") == "By Id"


def test_patch_never_inserts(acu: Acu) -> None:
    v25 = at(acu, V25)
    r = v25.client.patch(f"{v25.base}/Vendor", json={"VendorID": {"value": "PT-NEW"}, "VendorName": {"value": "x"}})
    assert r.status_code == 404
    assert acu.get("Vendor/PT-NEW").status_code == 500
    r = v25.client.patch(f"{v25.base}/Vendor", json={"VendorID": {"value": "V100"}, "VendorName": {"value": "x"}},
                         headers={"If-None-Match": "*"})
    assert r.status_code == 412


def test_patch_is_not_in_older_versions(acu: Acu) -> None:
    r = acu.client.patch(f"{acu.base}/Vendor", json={"VendorID": {"value": "V100"}})
    assert r.status_code == 405
    assert "PATCH" not in r.headers["Allow"]
    assert "PATCH" in acu.client.options(f"/acumatica/entity/Default/{V25}/Vendor").headers["Allow"]


def test_bill_retainage_documents_list_the_retainage_bills(acu: Acu) -> None:
    ref = retainage_bill(acu)
    release(acu, ref)
    keys = {"Type": "Bill", "ReferenceNbr": ref}
    acu.run("Bill", "ReleaseRetainage", keys, {"AmtToRelease": 40})
    acu.run("Bill", "ReleaseRetainage", keys)
    v25 = at(acu, V25)
    doc = v25.one(f"Bill/Bill/{ref}", **{"$expand": "RetainageDocuments", "$custom": RETAINAGE})
    rows: list[dict[str, Any]] = doc["RetainageDocuments"]
    assert [val(r, "Amount") for r in rows] == [40.0, 60.0]
    assert all(val(r, "DocType") == "Bill" and val(r, "Status") == "Balanced" for r in rows)
    for row in rows:
        raised = acu.one(f"Bill/Bill/{val(row, 'ReferenceNbr')}", **{"$custom": "Document.OrigRefNbr"})
        assert raised["custom"]["Document"]["OrigRefNbr"]["value"] == ref
    # 24.200.001 has no such detail.
    r = acu.get(f"Bill/Bill/{ref}", **{"$expand": "RetainageDocuments"})
    assert r.status_code == 400


def test_date_literals_filter_date_fields(acu: Acu) -> None:
    bill(acu, Date="2026-06-17")
    v25 = at(acu, V25)
    bills = v25.get("Bill", **{"$filter": "Date ge date'2026-06-17'"}).json()
    assert len(bills) == 1
    assert v25.get("Bill", **{"$filter": "Date lt date'2000-01-01'"}).json() == []

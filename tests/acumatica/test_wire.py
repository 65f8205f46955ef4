"""Payload shape in and out: value wrappers, system fields, query options, bad input."""

from __future__ import annotations

import json

import pytest

from simulator.acumatica.wire import Unconvertible, coerce, format_datetime, parse_datetime
from tests.acumatica.conftest import Acu, val, wrap


def test_fields_are_wrapped_and_empty_fields_are_empty_objects(acu: Acu) -> None:
    vendor = acu.one("Vendor/V100")
    assert vendor["VendorID"] == {"value": "V100"}
    assert vendor["AccountRef"] == {}
    assert vendor["rowNumber"] == 1
    assert vendor["note"] == {"value": ""}
    assert vendor["custom"] == {}
    assert vendor["_links"]["self"] == f"/acumatica/entity/Default/24.200.001/Vendor/{vendor['id']}"
    files_put = f"/files/PX.Objects.AP.VendorMaint/BAccount/{vendor['id']}/{{filename}}"
    assert vendor["_links"]["files:put"].endswith(files_put)
    assert "MainContact" not in vendor  # linked entities only when expanded
    assert "files" not in vendor


def test_dates_come_back_iso_with_offset(acu: Acu) -> None:
    project = acu.one("Project/1001", **{"$expand": "ProjectProperties"})
    assert project["ProjectProperties"]["StartDate"]["value"] == "2026-01-05T00:00:00+00:00"
    assert project["LastModifiedDateTime"]["value"].endswith("+00:00")


@pytest.mark.parametrize("text, expected", [
    ("2024-02-15", "2024-02-15T00:00:00"),
    ("2024-02-15T10:31:28.402+03:00", "2024-02-15T10:31:28.402000"),
    ("2024-02-15T10:31:28Z", "2024-02-15T10:31:28"),
    ("10/18/2021", "2021-10-18T00:00:00"),
    ("10/18/2021 3:05 PM", "2021-10-18T15:05:00"),
    ("2025/01/01", "2025-01-01T00:00:00"),
])
def test_date_formats_accepted(text: str, expected: str) -> None:
    assert parse_datetime(text).isoformat() == expected


def test_format_datetime_trims_milliseconds() -> None:
    assert format_datetime("2020-08-11T10:47:41.170000") == "2020-08-11T10:47:41.17+00:00"
    assert format_datetime("2020-08-11T10:47:41") == "2020-08-11T10:47:41+00:00"


@pytest.mark.parametrize("ftype, value, expected", [
    ("String", 12, "12"), ("String", True, "True"), ("Decimal", "12.50", 12.5), ("Decimal", 3, 3.0),
    ("Boolean", "true", True), ("Boolean", 0, False), ("Int", 7.0, 7), ("Int", "42", 42), ("Short", 32767, 32767),
    ("Guid", "A0F8594A-7DE2-E811-B816-00155D408001", "a0f8594a-7de2-e811-b816-00155d408001"),
])
def test_value_conversion(ftype: str, value: object, expected: object) -> None:
    assert coerce(ftype, value) == expected


@pytest.mark.parametrize("ftype, value", [
    ("Decimal", "abc"), ("Decimal", True), ("Decimal", [1]), ("Boolean", "yes"), ("Int", 1.5), ("Int", True),
    ("Short", 40000), ("DateTime", "31/31/2020"), ("DateTime", 5), ("Guid", "nope"), ("String", {"a": 1}),
])
def test_value_conversion_failures(ftype: str, value: object) -> None:
    with pytest.raises(Unconvertible):
        coerce(ftype, value)


def test_wrong_value_type_is_400_model_state_and_changes_nothing(acu: Acu) -> None:
    r = acu.put("Vendor", {"VendorID": "V100", "VendorName": "Changed", "MaxReceipt": "lots"})
    assert r.status_code == 400
    body = r.json()
    assert body["message"] == "The request is invalid."
    assert "entity.MaxReceipt.value" in body["modelState"]
    assert "Error converting value" in body["modelState"]["entity.MaxReceipt.value"][0]
    assert val(acu.one("Vendor/V100"), "VendorName") != "Changed"


def test_unwrapped_field_is_400(acu: Acu) -> None:
    r = acu.put_raw("Vendor", json.dumps({"VendorID": "V100"}))
    assert r.status_code == 400
    assert "entity.VendorID" in r.json()["modelState"]


@pytest.mark.parametrize("content", ["{bad json", "", "[1, 2]", '"text"', '{"VendorID": {"value": NaN}}'])
def test_malformed_bodies_are_400(acu: Acu, content: str) -> None:
    r = acu.put_raw("Vendor", content)
    assert r.status_code == 400
    assert r.json()["message"] == "The request is invalid."


def test_detail_must_be_an_array(acu: Acu) -> None:
    r = acu.put_raw("Bill", json.dumps({"Vendor": {"value": "V100"}, "Details": {"Amount": {"value": 1}}}))
    assert r.status_code == 400
    assert "entity.Details" in r.json()["modelState"]


def test_oversized_body_is_413_and_changes_nothing(acu: Acu) -> None:
    acu.configure(body_limit_bytes=1000)
    r = acu.put("Vendor", {"VendorID": "BIG", "VendorName": "x" * 2000})
    assert r.status_code == 413
    assert r.json()["message"] == "Maximum request length exceeded."
    assert acu.get("Vendor/BIG").status_code == 500


def test_unknown_fields_are_ignored_by_default_and_refused_in_strict_mode(acu: Acu) -> None:
    r = acu.put("Vendor", {"VendorID": "NEW1", "VendorName": "New", "Colour": "blue"})
    assert r.status_code == 200
    assert "Colour" not in r.json()
    acu.configure(unknown_fields="reject")
    r = acu.put("Vendor", {"VendorID": "NEW2", "VendorName": "New", "Colour": "blue"})
    assert r.status_code == 400
    assert "Could not find member 'Colour'" in r.json()["modelState"]["entity.Colour"][0]
    assert acu.get("Vendor/NEW2").status_code == 500


def test_system_fields_sent_back_are_harmless(acu: Acu) -> None:
    vendor = acu.one("Vendor/V100")
    vendor["VendorName"] = {"value": "Echoed"}
    r = acu.client.put(f"{acu.base}/Vendor", json=vendor)
    assert r.status_code == 200, r.text
    assert val(r.json(), "VendorName") == "Echoed"
    assert r.json()["id"] == vendor["id"]


def test_empty_wrapper_leaves_a_field_alone_and_null_clears_it(acu: Acu) -> None:
    acu.ok("Vendor", {"VendorID": "V100", "AccountRef": "REF-9"})
    r = acu.client.put(f"{acu.base}/Vendor", json={"VendorID": {"value": "V100"}, "AccountRef": {}})
    assert val(r.json(), "AccountRef") == "REF-9"
    r = acu.client.put(f"{acu.base}/Vendor", json={"VendorID": {"value": "V100"}, "AccountRef": {"value": None}})
    assert r.json()["AccountRef"] == {}


def test_select_expand_and_nested_paths(acu: Acu) -> None:
    vendors = acu.one("Vendor", **{"$top": 2, "$select": "VendorID,MainContact/Email",
                                   "$expand": "MainContact,MainContact/Address"})
    assert len(vendors) == 2
    first = vendors[0]
    assert set(first) == {"id", "rowNumber", "note", "VendorID", "MainContact", "custom", "_links"}
    assert set(first["MainContact"]) - {"id", "rowNumber", "note", "custom"} == {"Email", "Address"}
    assert [v["rowNumber"] for v in vendors] == [1, 2]
    nested = acu.one("Vendor/V100", **{"$expand": "MainContact/Address"})
    assert "MainContact" not in nested  # every level must be expanded


def test_bad_query_options_are_refused(acu: Acu) -> None:
    for params in ({"$select": "Nope"}, {"$expand": "VendorName"}, {"$expand": "Nope"}, {"$top": "-1"},
                   {"$skip": "x"}, {"$custom": "NoDot"}, {"$filter": "VendorID eq"}):
        r = acu.get("Vendor", **params)
        assert r.status_code == 400, params
        assert r.json()["exceptionMessage"], params


def test_unknown_dollar_parameters_are_ignored(acu: Acu) -> None:
    r = acu.get("Vendor", **{"$top": 1, "$orderby": "VendorName", "$count": "true", "$format": "json"})
    assert r.status_code == 200
    assert len(r.json()) == 1


def test_top_and_skip_page_the_list(acu: Acu) -> None:
    everything = acu.one("Vendor", **{"$select": "VendorID"})
    assert len(everything) == 24
    page = acu.one("Vendor", **{"$select": "VendorID", "$skip": 20, "$top": 10})
    assert [val(v, "VendorID") for v in page] == [val(v, "VendorID") for v in everything[20:]]
    assert acu.one("Vendor", **{"$top": 0}) == []


def test_method_not_allowed_is_web_api_405(acu: Acu) -> None:
    r = acu.client.post(f"{acu.base}/Vendor", json={})
    assert r.status_code == 405
    assert r.json()["message"] == "The requested resource does not support http method 'POST'."
    assert "PUT" in r.headers["Allow"]
    assert acu.client.patch(f"{acu.base}/Vendor/V100", json={}).status_code == 405


def test_custom_values_round_trip(acu: Acu) -> None:
    acu.configure(custom_fields={"Vendor": {"BAccount": {"UsrProcoreID": "CustomStringField",
                                                         "UsrScore": "CustomIntField"}}})
    body = wrap({"VendorID": "V100"})
    body["custom"] = {"BAccount": {"UsrProcoreID": {"type": "CustomStringField", "value": "PC-77"},
                                   "UsrScore": {"type": "CustomIntField", "value": 5},
                                   "UsrUnknown": {"type": "CustomStringField", "value": "dropped"}}}
    assert acu.client.put(f"{acu.base}/Vendor", json=body).status_code == 200
    vendor = acu.one("Vendor/V100", **{"$custom": "BAccount.UsrProcoreID,BAccount.UsrScore,BAccount.UsrUnknown"})
    assert vendor["custom"] == {"BAccount": {"UsrProcoreID": {"type": "CustomStringField", "value": "PC-77"},
                                             "UsrScore": {"type": "CustomIntField", "value": 5}}}
    assert acu.one("Vendor/V100")["custom"] == {}
    body["custom"] = {"BAccount": {"UsrScore": {"type": "CustomIntField", "value": "many"}}}
    r = acu.client.put(f"{acu.base}/Vendor", json=body)
    assert r.status_code == 400
    assert "entity.custom.BAccount.UsrScore.value" in r.json()["modelState"]


def test_files_attach_list_and_download(acu: Acu) -> None:
    r = acu.client.put(f"{acu.base}/Vendor/V100/files/w9.pdf", content=b"%PDF-1.4 test",
                       headers={"Content-Type": "application/octet-stream", "PX-CbFileComment": "W-9 form"})
    assert r.status_code == 204
    location = r.headers["Location"]
    vendor = acu.one("Vendor/V100", **{"$expand": "files"})
    assert vendor["files"][0]["filename"] == "Vendors (V100)\\w9.pdf"
    assert vendor["files"][0]["comment"] == "W-9 form"
    # The PUT's Location is an absolute URL (the schema declares a URI); the file link stays site-relative.
    assert location == f"http://testserver{vendor['files'][0]['href']}"
    assert acu.client.get(location).content == b"%PDF-1.4 test"
    template = vendor["_links"]["files:put"].replace("{filename}", "coi.pdf")
    assert acu.client.put(template, content=b"insurance").status_code == 204
    assert len(acu.one("Vendor/V100", **{"$expand": "files"})["files"]) == 2
    assert acu.client.put(f"{acu.base}/Vendor/NOPE/files/x.pdf", content=b"x").status_code == 500

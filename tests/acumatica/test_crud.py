"""PUT upserts, GET by key and id, DELETE, detail lines, 412 and 422 shapes."""

from __future__ import annotations

from tests.acumatica.conftest import Acu, val, wrap


def test_put_inserts_then_updates_by_keys(acu: Acu) -> None:
    created = acu.ok("Vendor", {"VendorID": "newsub", "VendorName": "New Sub LLC"})
    assert val(created, "VendorID") == "NEWSUB"  # the segmented key's mask upper-cases it
    assert val(created, "Status") == "Active"
    updated = acu.ok("Vendor", {"VendorID": "NEWSUB", "VendorName": "New Sub Inc"})
    assert updated["id"] == created["id"]
    assert val(updated, "VendorName") == "New Sub Inc"
    assert val(updated, "LastModifiedDateTime") >= val(created, "LastModifiedDateTime")


def test_put_finds_by_id_and_by_filter(acu: Acu) -> None:
    vendor = acu.one("Vendor/V101")
    r = acu.client.put(f"{acu.base}/Vendor", json={"id": vendor["id"], "VendorName": {"value": "By Id"}})
    assert r.status_code == 200
    assert r.json()["id"] == vendor["id"]
    r = acu.client.put(f"{acu.base}/Vendor", params={"$filter": "VendorID eq 'V102'"},
                       json={"VendorName": {"value": "By Filter"}})
    assert r.status_code == 200
    assert val(acu.one("Vendor/V102"), "VendorName") == "By Filter"


def test_if_none_match_inserts_only_and_if_match_updates_only(acu: Acu) -> None:
    r = acu.put("Vendor", {"VendorID": "V100", "VendorName": "Dup"}, headers={"If-None-Match": "*"})
    assert r.status_code == 412
    assert r.json()["exceptionMessage"]
    r = acu.put("Vendor", {"VendorID": "GHOST", "VendorName": "Ghost"}, headers={"If-Match": "*"})
    assert r.status_code == 412
    assert acu.get("Vendor/GHOST").status_code == 500
    assert acu.put("Vendor", {"VendorID": "FRESH", "VendorName": "Fresh"},
                   headers={"If-None-Match": "*"}).status_code == 200
    assert acu.put("Vendor", {"VendorID": "FRESH", "VendorName": "Fresher"},
                   headers={"If-Match": "*"}).status_code == 200


def test_get_by_keys_with_slash_or_pipe_and_by_id(acu: Acu) -> None:
    task = acu.one("ProjectTask/1001/0000")
    assert val(task, "ProjectTaskID") == "0000"
    assert acu.one("ProjectTask/1001|0000")["id"] == task["id"]
    assert acu.one(f"ProjectTask/{task['id']}")["id"] == task["id"]
    budget = acu.one("ProjectBudget/1001/0000/REVENUE/00-000/<N/A>")
    assert val(budget, "Type") == "Income"
    assert acu.one("ProjectBudget/1001|0000|REVENUE|00-000|%3CN%2FA%3E")["id"] == budget["id"]


def test_missing_record_is_500_no_entity(acu: Acu) -> None:
    for path in ("Vendor/NOPE", "ProjectTask/1001", "Vendor/3f1e8c2a-1111-2222-3333-444455556666"):
        r = acu.get(path)
        assert r.status_code == 500, path
        assert r.json() == {"message": "An error has occurred.",
                            "exceptionMessage": "No entity satisfies the condition.",
                            "exceptionType": "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException",
                            "stackTrace": ""}


def test_ids_are_per_entity(acu: Acu) -> None:
    vendor = acu.one("Vendor/V100")
    assert acu.get(f"Customer/{vendor['id']}").status_code == 500


def test_delete_by_keys_and_by_id(acu: Acu) -> None:
    acu.ok("Vendor", {"VendorID": "GONE1", "VendorName": "Gone"})
    gone2 = acu.ok("Vendor", {"VendorID": "GONE2", "VendorName": "Gone"})
    assert acu.delete("Vendor/GONE1").status_code == 204
    assert acu.delete(f"Vendor/{gone2['id']}").status_code == 204
    assert acu.get("Vendor/GONE1").status_code == 500
    assert acu.get(f"Vendor/{gone2['id']}").status_code == 500
    assert acu.delete("Vendor/GONE1").status_code == 500


def test_validation_failure_is_422_echo_and_writes_nothing(acu: Acu) -> None:
    r = acu.put("Vendor", {"VendorID": "NONAME", "Terms": "NET999"})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "Inserting  'Vendor' record raised at least one error. Please review the errors."
    assert body["VendorName"] == {"error": "'Vendor Name' cannot be empty."}
    assert body["Terms"] == {"value": "NET999", "error": "'Terms' cannot be found in the system."}
    assert body["VendorID"] == {"value": "NONAME"}
    assert acu.get("Vendor/NONAME").status_code == 500


def test_detail_errors_name_the_detail_table_and_new_numbers_echo_as_new(acu: Acu) -> None:
    r = acu.put("Bill", {"Vendor": "V101", "Details": [{"Project": "TES2323T", "Amount": 201.73}]})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "Inserting  'AP Transactions' record raised at least one error. Please review the errors."
    assert body["ReferenceNbr"] == {"value": "<NEW>"}
    line = body["Details"][0]
    assert line["Project"] == {"value": "TES2323T", "error": "Project 'TES2323T' cannot be found in the system."}
    assert line["Amount"] == {"value": 201.73}
    assert "files:put" in line["_links"]
    assert acu.one("Bill", **{"$select": "ReferenceNbr"}) == []


def test_drop_down_values_must_be_in_the_list(acu: Acu) -> None:
    r = acu.put("Vendor", {"VendorID": "V100", "Status": "Sleeping"})
    assert r.status_code == 422
    assert "not a valid value" in r.json()["Status"]["error"]
    assert val(acu.ok("Vendor", {"VendorID": "V100", "Status": "on hold"}), "Status") == "On Hold"


def test_read_only_fields_sent_are_dropped(acu: Acu) -> None:
    created = acu.ok("Project", {"ProjectID": "RO1", "Description": "x", "Status": "Completed", "Income": 5})
    assert val(created, "Status") == "In Planning"
    assert val(created, "Income") == 0.0


def test_key_fields_cannot_change_through_an_id(acu: Acu) -> None:
    vendor = acu.one("Vendor/V100")
    r = acu.client.put(f"{acu.base}/Vendor", json={"id": vendor["id"], "VendorID": {"value": "V999"}})
    assert r.status_code == 422
    assert "cannot be changed" in r.json()["VendorID"]["error"]


def test_detail_lines_add_update_and_delete(acu: Acu) -> None:
    bill = acu.ok("Bill", {"Vendor": "V101", "Details": [
        {"Project": "1001", "CostCode": "03-100", "Amount": 100},
        {"Project": "1001", "CostCode": "03-200", "Amount": 200},
    ]}, **{"$expand": "Details"})
    first, second = bill["Details"]
    assert val(bill, "Amount") == 300.0
    body = wrap({"Type": "Bill", "ReferenceNbr": val(bill, "ReferenceNbr"),
                 "Details": [{"_id": first["id"], "Amount": 150}, {"_id": second["id"], "_delete": True},
                             {"Project": "1001", "CostCode": "05-100", "Amount": 5}]})
    r = acu.client.put(f"{acu.base}/Bill", params={"$expand": "Details"}, json=body)
    assert r.status_code == 200, r.text
    lines = r.json()["Details"]
    assert [val(line, "Amount") for line in lines] == [150.0, 5.0]
    assert val(r.json(), "Amount") == 155.0
    # Lines not sent are left alone; a delete of an unknown line changes nothing.
    again = acu.client.put(f"{acu.base}/Bill", params={"$expand": "Details"}, json=wrap({
        "Type": "Bill", "ReferenceNbr": val(bill, "ReferenceNbr"),
        "Details": [{"_id": "0f0f0f0f-0000-0000-0000-000000000000", "_delete": True}]}))
    assert len(again.json()["Details"]) == 2


def test_put_response_carries_sent_details_and_expanded_ones_only(acu: Acu) -> None:
    created = acu.ok("Bill", {"Vendor": "V101", "Details": [{"Project": "X", "Account": "60000", "Amount": 10}]})
    assert "Details" in created and "Applications" not in created
    plain = acu.ok("Bill", {"Type": "Bill", "ReferenceNbr": val(created, "ReferenceNbr"), "Description": "d"})
    assert "Details" not in plain


def test_auto_numbering_ignores_an_unknown_number_unless_configured(acu: Acu) -> None:
    bill = acu.ok("Bill", {"ReferenceNbr": "MYNUM", "Vendor": "V101"})
    assert val(bill, "ReferenceNbr") == "000001"
    acu.configure(unknown_document_number="keep")
    bill = acu.ok("Bill", {"ReferenceNbr": "MYNUM", "Vendor": "V101"})
    assert val(bill, "ReferenceNbr") == "MYNUM"

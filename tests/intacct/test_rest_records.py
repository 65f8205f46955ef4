"""Records over the REST wire (reference intacct-rest.md §0, §2, §3): envelope, references, formats, errors."""

from __future__ import annotations

from typing import Any

from .rest_helpers import Rest, detail_of, error_of, rest  # noqa: F401  (rest is a fixture)

VENDOR = "accounts-payable/vendor"
BILL = "accounts-payable/bill"


def new_vendor(vendor_id: str = "V-REST", **extra: Any) -> dict[str, Any]:
    return {"id": vendor_id, "name": "Rest Framing LLC", "contacts": {"default": {"printAs": "Rest Framing"}},
            **extra}


def job_line(amount: str = "1000.00", **extra: Any) -> dict[str, Any]:
    return {"glAccount": {"id": "5200"}, "txnAmount": amount,
            "dimensions": {"project": {"id": "1001"}, "task": {"id": "03-300"}, "costType": {"id": "Subcontract"}},
            **extra}


def new_bill(*lines: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {"vendor": {"id": "V100"}, "createdDate": "2026-03-01", "dueDate": "2026-03-31",
            "lines": list(lines or [job_line()]), **header}


# -- the envelope ------------------------------------------------------------------


def test_vendor_create_get_update_delete(rest: Rest) -> None:
    reply = rest.create(VENDOR, new_vendor(creditLimit="2500", retainagePercentage=10, isOnHold=False,
                                           paymentPriority="high"))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["ia::meta"] == {"totalCount": 1, "totalSuccess": 1, "totalError": 0}
    key = body["ia::result"]["key"]
    assert body["ia::result"] == {"key": key, "id": "V-REST", "href": f"/objects/{VENDOR}/{key}"}
    vendor = rest.get(VENDOR, key)
    # Decimal strings, booleans, camelCase enums, nested groups, the audit group.
    assert (vendor["name"], vendor["creditLimit"], vendor["retainagePercentage"], vendor["isOnHold"],
            vendor["paymentPriority"], vendor["status"], vendor["totalDue"]) == (
        "Rest Framing LLC", "2500.00", "10", False, "high", "active", "0.00")
    assert vendor["contacts"]["default"]["printAs"] == "Rest Framing"
    assert vendor["audit"]["createdDateTime"].endswith("Z") and "whenCreated" not in vendor
    patched = rest.patched(VENDOR, key, {"name": "Renamed", "creditLimit": None, "status": "inactive"})
    assert patched == {"key": key, "id": "V-REST", "href": f"/objects/{VENDOR}/{key}"}
    vendor = rest.get(VENDOR, key)
    # Left-out fields stay; null clears.
    assert (vendor["name"], vendor["creditLimit"], vendor["status"], vendor["contacts"]["default"]["printAs"]) == (
        "Renamed", None, "inactive", "Rest Framing")
    deleted = rest.delete(VENDOR, key)
    assert deleted.status_code == 204 and deleted.content == b""
    error = error_of(rest.call("GET", f"/objects/{VENDOR}/{key}"), 404)
    assert error["code"] == "notFound"


def test_collection_lists_references_with_page_meta(rest: Rest) -> None:
    reply = rest.call("GET", f"/objects/{VENDOR}")
    body = reply.json()
    assert reply.status_code == 200 and body["ia::result"][0] == {
        "key": "1", "id": "V100", "href": f"/objects/{VENDOR}/1"}
    meta = body["ia::meta"]
    assert meta["start"] == 1 and meta["totalCount"] == len(body["ia::result"]) and meta["next"] is None


def test_payload_errors_name_the_field(rest: Rest) -> None:
    detail = detail_of(rest.create(VENDOR, new_vendor(newDate="2026-01-01")))
    assert (detail["message"], detail["target"], detail["errorId"]) == (
        "/newDate is not a valid field", "/newDate", "REST-1043")
    assert detail_of(rest.create(VENDOR, new_vendor(isOnHold="yes")))["target"] == "/isOnHold"
    assert detail_of(rest.create(VENDOR, new_vendor(paymentPriority="asap")))["target"] == "/paymentPriority"
    assert "high" in detail_of(rest.create(VENDOR, new_vendor(paymentPriority="asap")))["message"]
    assert detail_of(rest.create(BILL, new_bill(createdDate="03/01/2026")))["target"] == "/createdDate"
    error = error_of(rest.call("POST", f"/objects/{VENDOR}"), 400)
    assert (error["errorId"], error["message"]) == ("REST-1028", "A POST request requires a payload")
    error = error_of(rest.client.post("/ia/api/v1/objects/" + VENDOR, content=b"{not json",
                                      headers={"Authorization": f"Bearer {rest.token}"}), 400)
    assert error["errorId"] == "REST-1026"
    assert error_of(rest.call("PUT", f"/objects/{VENDOR}/1"), 405)["code"] == "methodNotAllowed"
    error_of(rest.call("GET", "/objects/accounts-payable/nothing"), 404)
    error_of(rest.call("GET", f"/objects/{VENDOR}/abc"), 404)


def test_rule_failures_keep_the_intacct_message_in_rest_names(rest: Rest) -> None:
    detail = detail_of(rest.create(VENDOR, new_vendor("V100")))
    # The duplicate rule of the XML gateway, BL34000061, named for REST.
    assert (detail["code"], detail["errorId"]) == ("duplicateValue", "BL34000061")
    assert "V100" in detail["message"]
    detail = detail_of(rest.create(VENDOR, {"id": "V-X", "name": "No print-as"}))
    assert (detail["message"], detail["target"]) == (
        "Required field contacts.default.printAs is missing.", "/contacts/default/printAs")
    error = error_of(rest.create(VENDOR, new_vendor("V100")), 400)
    assert error["message"] == "Could not create vendor record!"


def test_business_error_status_is_a_setting(rest: Rest) -> None:
    rest.configure(business_error_status=422)
    error_of(rest.create(VENDOR, new_vendor("V100")), 422)


# -- references ------------------------------------------------------------------------


def test_references_by_id_or_key_and_nested_on_read(rest: Rest) -> None:
    project_key = rest.key_of("projects/project", "1001")
    task = rest.created("projects/task", {"id": "99-100", "name": "Punch list", "project": {"key": project_key},
                                          "taskStatus": "inProgress", "plannedStartDate": "2026-05-01"})
    got = rest.get("projects/task", task["key"])
    assert got["project"] == {"key": project_key, "id": "1001", "name": got["project"]["name"],
                              "href": f"/objects/projects/project/{project_key}"}
    assert (got["taskStatus"], got["plannedStartDate"]) == ("inProgress", "2026-05-01")
    detail = detail_of(rest.create("projects/task", {"id": "99-101", "name": "x", "project": {"key": "99999"}}))
    assert detail["target"] == "/project/key"
    detail = detail_of(rest.create("projects/task", {"id": "99-101", "name": "x", "project": {"id": "NOPE"},
                                                     "taskStatus": "planned"}))
    assert detail["message"] == "Invalid Project 'NOPE' specified."


def test_project_task_and_cost_type(rest: Rest) -> None:
    project = rest.created("projects/project", {"id": "2001", "name": "Library", "projectCategory": "contract",
                                                "customer": {"id": "C100"}, "startDate": "2026-01-01",
                                                "endDate": "2026-12-31", "contractAmount": "1500000"})
    got = rest.get("projects/project", project["key"])
    assert (got["customer"]["id"], got["startDate"], got["contractAmount"], got["projectCategory"]) == (
        "C100", "2026-01-01", "1500000.00", "contract")
    task = rest.created("projects/task", {"id": "01-100", "name": "General", "project": {"id": "2001"},
                                          "taskStatus": "planned"})
    cost_type = rest.created("construction/cost-type", {"standardCostType": {"id": "Labor"},
                                                        "project": {"id": "2001"}, "task": {"key": task["key"]}})
    got = rest.get("construction/cost-type", cost_type["key"])
    assert (got["id"], got["task"]["id"], got["project"]["id"], got["glAccount"]["id"]) == (
        "Labor", "01-100", "2001", "5000")
    detail = detail_of(rest.patch("construction/cost-type", cost_type["key"], {"standardCostType": {"id": "Material"}}))
    assert "cannot be changed" in detail["message"]


def test_standard_task_with_its_cost_types(rest: Rest) -> None:
    made = rest.created("construction/standard-task", {"id": "ST-9", "name": "Drywall",
                                                       "standardCostTypes": [{"standardCostType": {"id": "Labor"}}]})
    got = rest.get("construction/standard-task", made["key"])
    assert [line["standardCostType"]["id"] for line in got["standardCostTypes"]] == ["Labor"]
    assert rest.created("construction/standard-cost-type", {"id": "EQ2", "name": "Equipment 2",
                                                            "glAccount": {"id": "5300"}})["id"] == "EQ2"


# -- bills, lines, retainage -----------------------------------------------------------------


def test_bill_with_project_lines_and_retainage(rest: Rest) -> None:
    made = rest.created(BILL, new_bill(job_line("1200.00", retainagePercentage="10", memo="Footings"),
                                       {"glAccount": {"id": "5100"}, "txnAmount": "300.00"},
                                       billNumber="INV-77", referenceNumber="Ref 1"))
    bill = rest.get(BILL, made["key"])
    assert (bill["state"], bill["billNumber"], bill["vendor"]["id"], bill["createdDate"], bill["dueDate"]) == (
        "posted", "INV-77", "V100", "2026-03-01", "2026-03-31")
    assert (bill["totalTxnAmount"], bill["totalTxnAmountRetained"], bill["totalTxnAmountDue"]) == (
        "1500.00", "120.00", "1380.00")
    first, second = bill["lines"]
    assert first["dimensions"]["task"]["id"] == "03-300" and first["dimensions"]["costType"]["id"] == "Subcontract"
    assert (first["txnAmount"], first["retainagePercentage"], first["txnAmountRetained"], first["lineNumber"]) == (
        "1200.00", "10", "120.00", 1)
    assert first["bill"]["key"] == made["key"] and first["href"].startswith("/objects/accounts-payable/bill-line/")
    assert second["dimensions"]["project"] == {"key": None, "id": None}
    line = rest.get("accounts-payable/bill-line", first["key"])
    assert line["memo"] == "Footings"


def test_bill_patch_edits_adds_and_deletes_lines(rest: Rest) -> None:
    made = rest.created(BILL, new_bill(job_line("100.00"), job_line("200.00")))
    first, second = rest.get(BILL, made["key"])["lines"]
    rest.patched(BILL, made["key"], {"description": "Edited", "lines": [
        {"key": first["key"], "txnAmount": "150.00"},
        {"key": second["key"], "ia::operation": "delete"},
        job_line("50.00"),
    ]})
    bill = rest.get(BILL, made["key"])
    assert bill["description"] == "Edited" and bill["totalTxnAmount"] == "200.00"
    assert [(line["key"] == first["key"], line["txnAmount"]) for line in bill["lines"]] == [
        (True, "150.00"), (False, "50.00")]
    detail = detail_of(rest.patch(BILL, made["key"], {"lines": [{"key": "99999", "txnAmount": "1"}]}))
    assert detail["target"] == "/lines/0/key"


def test_bill_line_object_is_written_through_its_bill(rest: Rest) -> None:
    made = rest.created(BILL, new_bill(job_line("100.00")))
    line = rest.created("accounts-payable/bill-line", {"bill": {"key": made["key"]}, **job_line("25.00")})
    assert rest.get(BILL, made["key"])["totalTxnAmount"] == "125.00"
    rest.patched("accounts-payable/bill-line", line["key"], {"txnAmount": "30.00"})
    assert rest.get(BILL, made["key"])["totalTxnAmount"] == "130.00"
    assert rest.delete("accounts-payable/bill-line", line["key"]).status_code == 204
    assert rest.get(BILL, made["key"])["totalTxnAmount"] == "100.00"
    assert detail_of(rest.create("accounts-payable/bill-line", job_line()))["target"] == "/bill"


def test_bill_rules_hold_on_the_rest_wire(rest: Rest) -> None:
    line = {"glAccount": {"id": "5200"}, "txnAmount": "10.00", "dimensions": {"task": {"id": "03-300"}}}
    detail = detail_of(rest.create(BILL, new_bill(line)))
    assert detail["message"] == "dimensions.task is only valid when dimensions.project is also specified."
    assert detail["target"] == "/dimensions/task"


def test_payment_pays_a_bill(rest: Rest) -> None:
    made = rest.created(BILL, new_bill(job_line("400.00")))
    payment = rest.created("accounts-payable/payment", {
        "financialEntity": {"id": "BOA"}, "paymentMethod": "printedCheck", "vendor": {"id": "V100"},
        "paymentDate": "2026-04-05", "details": [{"bill": {"key": made["key"]}, "txnAmountPaid": "150.00"}]})
    got = rest.get("accounts-payable/payment", payment["key"])
    assert (got["paymentMethod"], got["details"][0]["bill"]["key"], got["details"][0]["txnAmountPaid"]) == (
        "printedCheck", made["key"], "150.00")
    bill = rest.get(BILL, made["key"])
    assert (bill["state"], bill["totalTxnAmountDue"], bill["totalTxnAmountPaid"]) == (
        "partiallyPaid", "250.00", "150.00")


def test_retainage_release(rest: Rest) -> None:
    made = rest.created(BILL, new_bill(job_line("1000.00", retainagePercentage="10")))
    release = rest.created("construction/ap-retainage-release", {
        "description": "Substantial completion", "releaseDate": "2026-05-01",
        "lines": [{"bill": {"key": made["key"]}, "txnAmountReleased": "60.00"}]})
    got = rest.get("construction/ap-retainage-release", release["key"])
    assert (got["state"], got["totalReleased"], got["lines"][0]["bill"]["key"]) == ("released", "60.00", made["key"])
    detail = detail_of(rest.create("construction/ap-retainage-release", {
        "description": "Too much", "lines": [{"bill": {"key": made["key"]}, "txnAmountReleased": "41.00"}]}))
    assert detail["errorId"].startswith("BL")


# -- estimates, contracts, change management, GL ------------------------------------------


def test_project_estimate_with_lines(rest: Rest) -> None:
    made = rest.created("construction/project-estimate", {
        "id": "EST-9", "project": {"id": "1001"}, "description": "Rebudget", "estimateDate": "2026-02-01",
        "projectEstimateLines": [{"workflowType": "original", "amount": "5000.00",
                                  "dimensions": {"task": {"id": "03-300"}, "costType": {"id": "Labor"}}}]})
    got = rest.get("construction/project-estimate", made["key"])
    line = got["projectEstimateLines"][0]
    assert (got["totalAmount"], line["workflowType"], line["amount"], line["dimensions"]["costType"]["id"]) == (
        "5000.00", "original", "5000.00", "Labor")
    assert rest.get("construction/project-estimate-line", line["key"])["projectEstimate"]["key"] == made["key"]
    # Estimate lines are written through their estimate (reference §3: g only).
    error_of(rest.create("construction/project-estimate-line", {"amount": "1"}), 405)


def test_contract_lines_change_requests_and_change_orders(rest: Rest) -> None:
    contract = rest.created("construction/project-contract", {
        "id": "PC-9", "name": "Prime", "project": {"id": "1001"}, "customer": {"id": "C100"},
        "contractDate": "2026-04-01"})
    line = rest.created("construction/project-contract-line", {
        "id": "L-1", "projectContract": {"id": "PC-9"}, "name": "Sitework", "contractLineDate": "2026-04-01",
        "glAccount": {"id": "4000"}, "billingType": "progress", "maximumBilling": "totalRevisedPrice",
        "item": {"id": "BILLING"}, "project": {"id": "1001"},
        "projectContractLineEntries": [{"workflowType": "original", "price": "1000.00",
                                        "priceEffectiveDate": "2026-04-01"}]})
    got = rest.get("construction/project-contract-line", line["key"])
    assert (got["totalPrice"], got["projectContract"]["key"]) == ("1000.00", contract["key"])
    assert rest.get("construction/project-contract", contract["key"])["summary"]["totalPrice"] == "1000.00"
    order = rest.created("construction/project-change-order", {
        "id": "PCO-9", "project": {"id": "1001"}, "projectChangeOrderDate": "2026-04-10"})
    request = rest.created("construction/change-request", {
        "id": "CR-9", "project": {"id": "1001"}, "changeRequestDate": "2026-04-02",
        "projectChangeOrder": {"id": "PCO-9"}, "changeRequestState": "posted",
        "changeRequestLines": [{"dimensions": {"project": {"id": "1001"}, "task": {"id": "04-200"},
                                               "costType": {"id": "Material"}}, "cost": "100.00", "price": "120.00"}]})
    got = rest.get("construction/change-request", request["key"])
    assert (got["totalCost"], got["totalPrice"], got["projectChangeOrder"]["key"]) == ("100.00", "120.00",
                                                                                        order["key"])
    assert got["changeRequestLines"][0]["dimensions"]["task"]["id"] == "04-200"


def test_journal_entry(rest: Rest) -> None:
    made = rest.created("general-ledger/journal-entry", {
        "glJournal": {"id": "GJ"}, "postingDate": "2026-03-31", "description": "Accrual",
        "lines": [{"glAccount": {"id": "5000"}, "txnType": "debit", "txnAmount": "100.00",
                   "dimensions": {"project": {"id": "1001"}}},
                  {"glAccount": {"id": "2000"}, "txnType": "credit", "txnAmount": "100.00"}]})
    got = rest.get("general-ledger/journal-entry", made["key"])
    assert [(line["txnType"], line["glAccount"]["id"]) for line in got["lines"]] == [("debit", "5000"),
                                                                                     ("credit", "2000")]
    unbalanced = rest.create("general-ledger/journal-entry", {
        "glJournal": {"id": "GJ"}, "postingDate": "2026-03-31", "description": "Off",
        "lines": [{"glAccount": {"id": "5000"}, "txnType": "debit", "txnAmount": "100.00"},
                  {"glAccount": {"id": "2000"}, "txnType": "credit", "txnAmount": "90.00"}]})
    error_of(unbalanced, 400)
    assert detail_of(rest.create("general-ledger/journal-entry", {
        "glJournal": {"id": "GJ"}, "postingDate": "2026-03-31", "description": "x",
        "lines": [{"glAccount": {"id": "5000"}, "txnType": "up", "txnAmount": "1"}]}))["target"] == "/txnType"


# -- purchasing documents by transaction definition ------------------------------------------


def document(**extra: Any) -> dict[str, Any]:
    return {"vendor": {"id": "V100"}, "txnDate": "2026-03-01", "lines": [
        {"dimensions": {"item": {"id": "SUBCONTRACT"}, "project": {"id": "1001"}, "task": {"id": "03-300"},
                        "costType": {"id": "Subcontract"}}, "unitQuantity": "1", "unitPrice": "5000.00",
         "retainagePercentage": "10"}], **extra}


def test_purchasing_document_by_definition(rest: Rest) -> None:
    made = rest.created("purchasing/document::Subcontract", document(referenceNumber="SUB-1"))
    assert made["id"].startswith("Subcontract-SC")
    got = rest.get("purchasing/document::Subcontract", made["key"])
    assert (got["txnDefinition"]["id"], got["state"], got["total"], got["totalRetained"]) == (
        "Subcontract", "pending", "5000.00", "500.00")
    assert got["lines"][0]["dimensions"]["costType"]["id"] == "Subcontract"
    # The same document read through the plain object; another definition does not hold it.
    assert rest.get("purchasing/document", made["key"])["id"] == made["id"]
    error_of(rest.call("GET", f"/objects/purchasing/document::Purchase%20Order/{made['key']}"), 404)
    rest.patched("purchasing/document::Subcontract", made["key"], {"memo": "Scope agreed", "lines": [
        {"key": got["lines"][0]["key"], "unitPrice": "6000.00"}]})
    assert rest.get("purchasing/document", made["key"])["total"] == "6000.00"
    rows = rest.rows("purchasing/document::Subcontract", ["id", "total"])
    assert rows == [{"id": made["id"], "total": "6000.00"}]
    error_of(rest.create("purchasing/document", document()), 405)
    error_of(rest.create("purchasing/document::Nope", document()), 404)
    assert rest.delete("purchasing/document::Subcontract", made["key"]).status_code == 204


def test_purchasing_workflows(rest: Rest) -> None:
    definitions = {"Purchase Order": {"prefix": "PO", "approval": True}}
    rest.app.state.tenants.configure("demo", {"intacct": {"transaction_definitions": definitions}})
    made = rest.created("purchasing/document::Purchase Order", document(state="draft"))
    assert rest.get("purchasing/document", made["key"])["state"] == "draft"
    submitted = rest.call("POST", "/workflows/purchasing/document/submit", {"key": made["key"]})
    assert submitted.status_code == 200 and submitted.json()["ia::result"]["state"] == "submitted"
    error_of(rest.call("POST", "/workflows/purchasing/document/submit", {"key": made["key"]}), 400)
    approved = rest.call("POST", "/workflows/purchasing/document/approve", {"key": made["key"], "notes": "ok"})
    assert approved.json()["ia::result"]["state"] == "pending"
    declined = rest.call("POST", "/workflows/purchasing/document/decline", {"key": made["key"]})
    assert error_of(declined, 400)["message"].startswith("Could not update")
    error_of(rest.call("POST", "/workflows/purchasing/document/explode", {"key": made["key"]}), 404)


# -- company configuration -----------------------------------------------------------------


def test_entities_and_users(rest: Rest) -> None:
    rest.app.state.tenants.configure("demo", {"intacct": {"entities": ["EAST"]}})
    entity = rest.get("company-config/entity", "1")
    assert (entity["id"], entity["status"]) == ("EAST", "active")
    user = rest.get("company-config/user", "1")
    assert user["id"] == "admin"
    error_of(rest.create("company-config/user", {"id": "x"}), 405)
    assert rest.rows("company-config/user", ["id"]) == [{"id": "admin"}]

"""REST services (reference intacct-rest.md §4): query, model, composite, Idempotency-Key, session bridge."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from .conftest import envelope
from .rest_helpers import BASE, Rest, detail_of, error_of, rest  # noqa: F401  (rest is a fixture)

VENDOR = "accounts-payable/vendor"


def vendors(rest: Rest, *specs: tuple[str, str, str]) -> None:
    for vendor_id, name, limit in specs:
        rest.created(VENDOR, {"id": vendor_id, "name": name, "creditLimit": limit,
                              "contacts": {"default": {"printAs": name}}})


# -- query -------------------------------------------------------------------------------


def test_query_pages_with_next_and_previous(rest: Rest) -> None:
    everyone = rest.rows(VENDOR, ["id"], size=1000)
    reply = rest.query(VENDOR, ["key", "id", "name", "href"], start=2, size=2)
    body = reply.json()
    assert [row["id"] for row in body["ia::result"]] == [row["id"] for row in everyone[1:3]]
    assert body["ia::result"][0]["href"] == f"/objects/{VENDOR}/{body['ia::result'][0]['key']}"
    assert body["ia::meta"] == {"totalCount": len(everyone), "start": 2, "pageSize": 2, "next": 4, "previous": 1}
    last = rest.query(VENDOR, ["id"], start=len(everyone), size=2).json()["ia::meta"]
    assert last["next"] is None
    assert detail_of(rest.query(VENDOR, ["id"], size=4001))["target"] == "/size"
    assert rest.query(VENDOR, ["id"], size=4000).status_code == 200
    assert detail_of(rest.query(VENDOR, ["id"], start=0))["target"] == "/start"


def test_every_filter_operator(rest: Rest) -> None:
    vendors(rest, ("Q-1", "Alpha Concrete", "100"), ("Q-2", "Beta Steel", "250.50"), ("Q-3", "gamma concrete", "900"))

    def ids(*filters: dict[str, Any], **body: Any) -> list[str]:
        base = [{"$startsWith": {"id": "Q-"}}]
        return [row["id"] for row in rest.rows(VENDOR, ["id"], filters=base + list(filters), **body)]

    assert ids({"$eq": {"id": "Q-2"}}) == ["Q-2"]
    assert ids({"$ne": {"id": "Q-2"}}) == ["Q-1", "Q-3"]
    assert ids({"$lt": {"creditLimit": "250.50"}}) == ["Q-1"]
    assert ids({"$lte": {"creditLimit": "250.5"}}) == ["Q-1", "Q-2"]
    assert ids({"$gt": {"creditLimit": 250.5}}) == ["Q-3"]
    assert ids({"$gte": {"creditLimit": "250.50"}}) == ["Q-2", "Q-3"]
    assert ids({"$in": {"id": ["Q-1", "Q-3", "nope"]}}) == ["Q-1", "Q-3"]
    assert ids({"$notIn": {"id": ["Q-1"]}}) == ["Q-2", "Q-3"]
    assert ids({"$between": {"creditLimit": ["200", "900"]}}) == ["Q-2", "Q-3"]
    assert ids({"$notBetween": {"creditLimit": ["200", "900"]}}) == ["Q-1"]
    # Comparison is case-sensitive unless filterParameters says otherwise (reference §4.1).
    assert ids({"$contains": {"name": "concrete"}}) == ["Q-3"]
    assert ids({"$contains": {"name": "concrete"}}, filterParameters={"caseSensitiveComparison": False}) == [
        "Q-1", "Q-3"]
    assert ids({"$notContains": {"name": "Steel"}}) == ["Q-1", "Q-3"]
    assert ids({"$startsWith": {"name": "Beta"}}) == ["Q-2"]
    assert ids({"$notStartsWith": {"name": "Beta"}}) == ["Q-1", "Q-3"]
    assert ids({"$endsWith": {"name": "Steel"}}) == ["Q-2"]
    assert ids({"$notEndsWith": {"name": "Steel"}}) == ["Q-1", "Q-3"]
    assert detail_of(rest.query(VENDOR, ["id"], filters=[{"$has": {"name": "x"}}]))["target"] == "/filters/0"
    assert detail_of(rest.query(VENDOR, ["id"], filters=[{"$like": {"name": "x"}}]))["target"] == "/filters/0"
    assert detail_of(rest.query(VENDOR, ["id"], filters=[{"$eq": {"nope": "x"}}]))["target"] == "/filters/0"
    assert detail_of(rest.query(VENDOR, ["id"], filters=[{"$lt": {"creditLimit": "lots"}}]))["target"] == \
        "/filters/0"


def test_filter_expression_and_order(rest: Rest) -> None:
    vendors(rest, ("Q-1", "Alpha", "100"), ("Q-2", "Beta", "250"), ("Q-3", "Gamma", "900"))
    rows = rest.rows(VENDOR, ["id", "creditLimit"], filters=[
        {"$startsWith": {"id": "Q-"}}, {"$eq": {"name": "Alpha"}}, {"$gt": {"creditLimit": "500"}}],
        filterExpression="1 and (2 or 3)", orderBy=[{"creditLimit": "desc"}])
    assert rows == [{"id": "Q-3", "creditLimit": "900.00"}, {"id": "Q-1", "creditLimit": "100.00"}]
    either = rest.rows(VENDOR, ["id"], filters=[{"$eq": {"id": "Q-1"}}, {"$eq": {"id": "Q-2"}}], filterExpression="or")
    assert [r["id"] for r in either] == ["Q-1", "Q-2"]
    assert detail_of(rest.query(VENDOR, ["id"], filters=[{"$eq": {"id": "Q-1"}}], filterExpression="1 and 2"))[
        "target"] == "/filterExpression"
    assert detail_of(rest.query(VENDOR, ["id"], orderBy=[{"id": "up"}]))["target"] == "/orderBy/0"


def test_dotted_fields_dates_and_aggregates(rest: Rest) -> None:
    tasks = rest.rows("projects/task", ["id", "project.id", "project.key", "plannedStartDate"],
                      filters=[{"$eq": {"project.id": "1002"}}], orderBy=[{"id": "asc"}])
    assert tasks and all(row["project.id"] == "1002" for row in tasks)
    assert set(tasks[0]) == {"id", "project.id", "project.key", "plannedStartDate"}
    counted = rest.rows("projects/task", ["project.id", "count:id"], orderBy=[{"project.id": "asc"}])
    assert counted == [{"project.id": "1001", "count:id": 10}, {"project.id": "1002", "count:id": 10},
                       {"project.id": "1003", "count:id": 10}]
    rest.created(VENDOR, {"id": "Q-9", "name": "Nine", "contacts": {"default": {"printAs": "Nine"}}})
    today = rest.app.state.clock.now().date().isoformat()
    made = rest.rows(VENDOR, ["id"], filters=[{"$gte": {"audit.createdDateTime": today}}, {"$eq": {"id": "Q-9"}}])
    assert made == [{"id": "Q-9"}]
    assert detail_of(rest.query(VENDOR, ["id"], filters=[{"$contains": {"audit.createdDateTime": "20"}}]))[
        "message"].startswith("$contains cannot be used with the date field")
    error_of(rest.query("accounts-payable/nothing", ["id"]), 404)


# -- model ---------------------------------------------------------------------------


def test_model_describes_every_object_served(rest: Rest) -> None:
    listing = rest.call("GET", "/services/core/model").json()["ia::result"]
    names = {item["apiObject"] for item in listing}
    assert {VENDOR, "accounts-payable/bill", "projects/task", "construction/cost-type", "company-config/entity",
            "purchasing/document"} <= names
    for name in names:
        reply = rest.call("GET", "/services/core/model", name=name)
        assert reply.status_code == 200, name
    bill = rest.call("GET", "/services/core/model", name="accounts-payable/bill").json()["ia::result"]
    assert bill["refs"]["vendor"]["apiObject"] == VENDOR
    assert bill["fields"]["dueDate"]["format"] == "date"
    assert bill["fields"]["state"]["readOnly"] is True and "partiallyPaid" in bill["fields"]["state"]["enum"]
    assert bill["lists"] == [{"name": "lines", "apiObject": "accounts-payable/bill-line"}]
    assert bill["httpMethods"] == "OPTIONS,GET,POST,DELETE,PATCH" and bill["idempotenceSupported"] is True
    vendor = rest.call("GET", "/services/core/model", name=VENDOR).json()["ia::result"]
    assert vendor["groups"]["contacts"]["fields"]["default.printAs"]["required"] is True
    assert vendor["fields"]["creditLimit"]["format"] == "decimal-precision-2"


# -- composite ---------------------------------------------------------------------------


def test_composite_mixed_results_and_references(rest: Rest) -> None:
    reply = rest.call("POST", "/services/core/composite", [
        {"method": "POST", "path": f"/objects/{VENDOR}", "resultReference": "made",
         "body": {"id": "C-1", "name": "Composite", "contacts": {"default": {"printAs": "Composite"}}}},
        {"method": "GET", "path": f"/objects/{VENDOR}/@{{made.key}}"},
        {"method": "GET", "path": f"/objects/{VENDOR}/99999"},
        {"method": "PATCH", "path": f"/objects/{VENDOR}/@{{made.key}}", "body": {"name": "Renamed"}},
    ])
    assert reply.status_code == 207, reply.text
    results = reply.json()["ia::result"]
    assert [r["ia::status"] for r in results] == [201, 200, 404, 200]
    assert results[1]["ia::result"]["name"] == "Composite"
    assert results[2]["ia::error"]["code"] == "notFound"
    assert reply.json()["ia::meta"] == {"totalCount": 4, "totalSuccess": 3, "totalError": 1}
    ok = rest.call("POST", "/services/core/composite", [{"method": "GET", "path": f"/objects/{VENDOR}/1"}])
    assert ok.status_code == 200
    assert detail_of(rest.call("POST", "/services/core/composite", [{"method": "PUT", "path": "/objects/x"}]))[
        "target"] == "/0/method"


def test_atomic_composite_rolls_back(rest: Rest) -> None:
    body = [{"method": "POST", "path": f"/objects/{VENDOR}",
             "body": {"id": "C-2", "name": "Two", "contacts": {"default": {"printAs": "Two"}}}},
            {"method": "POST", "path": f"/objects/{VENDOR}", "body": {"id": "V100", "name": "Duplicate",
                                                                       "contacts": {"default": {"printAs": "x"}}}},
            {"method": "GET", "path": f"/objects/{VENDOR}/1"}]
    reply = rest.call("POST", "/services/core/composite", body, headers={"X-IA-API-Param-Transaction": "true"})
    results = reply.json()["ia::result"]
    assert reply.status_code == 207 and [r["ia::status"] for r in results] == [422, 400, 422]
    assert results[2]["ia::error"]["code"] == "unprocessed"
    assert rest.rows(VENDOR, ["id"], filters=[{"$eq": {"id": "C-2"}}]) == []


# -- Idempotency-Key -----------------------------------------------------------------------


def test_idempotency_replays_the_first_answer(rest: Rest) -> None:
    body = {"id": "I-1", "name": "Once", "contacts": {"default": {"printAs": "Once"}}}
    first = rest.create(VENDOR, body, headers={"Idempotency-Key": "k-1"})
    again = rest.create(VENDOR, body, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201) and first.json() == again.json()
    assert len(rest.rows(VENDOR, ["id"], filters=[{"$eq": {"id": "I-1"}}])) == 1
    changed = rest.create(VENDOR, {**body, "name": "Other"}, headers={"Idempotency-Key": "k-1"})
    assert error_of(changed, 409)["code"] == "conflict"
    # A failed request is not remembered: the client may fix it and retry with the same key.
    bad = {"id": "I-2", "name": "No print-as"}
    assert rest.create(VENDOR, bad, headers={"Idempotency-Key": "k-2"}).status_code == 400
    assert rest.create(VENDOR, {**bad, "contacts": {"default": {"printAs": "x"}}},
                       headers={"Idempotency-Key": "k-2"}).status_code == 201
    rest.app.state.clock.advance(25 * 3600)
    rest.sign_in()
    assert rest.create(VENDOR, {"id": "I-3", "name": "Later", "contacts": {"default": {"printAs": "x"}}},
                       headers={"Idempotency-Key": "k-1"}).status_code == 201


def test_idempotency_modes_are_settings(rest: Rest) -> None:
    body = {"id": "I-5", "name": "Five", "contacts": {"default": {"printAs": "Five"}}}
    rest.configure(idempotency="conflict")
    assert rest.create(VENDOR, body, headers={"Idempotency-Key": "k-5"}).status_code == 201
    assert error_of(rest.create(VENDOR, body, headers={"Idempotency-Key": "k-5"}), 409)["code"] == "conflict"
    rest.configure(idempotency="ignore")
    assert rest.create(VENDOR, body, headers={"Idempotency-Key": "k-5"}).status_code == 400  # now a duplicate


# -- session bridge ---------------------------------------------------------------------------


def test_session_id_opens_an_xml_gateway_session(rest: Rest, client: TestClient) -> None:
    reply = rest.call("GET", "/services/core/session/id")
    session = reply.json()["ia::result"]
    assert session["endpoint"].endswith("/ia/xml/xmlgw.phtml") and session["expiresIn"] > 0
    xml = client.post("/ia/xml/xmlgw.phtml", content=envelope(
        "<readByName><object>VENDOR</object><keys>V100</keys><fields>NAME</fields></readByName>",
        session=session["sessionId"]), headers={"content-type": "application/xml"})
    assert b"<status>success</status>" in xml.content and b"Flores PLC" in xml.content


def test_dimensions_list(rest: Rest) -> None:
    names = [d["dimensionName"] for d in rest.call("GET", "/services/company-config/dimensions/list").json()[
        "ia::result"]]
    assert {"project", "task", "costType", "vendor"} <= set(names)


def test_unknown_paths_answer_in_the_rest_shape(rest: Rest, client: TestClient) -> None:
    error_of(rest.call("GET", "/services/core/nothing"), 404)
    error_of(rest.call("GET", "/objects"), 404)
    reply = client.get(f"{BASE}/objects/{VENDOR}")
    assert reply.status_code == 401 and reply.json()["error"]["errorId"] == "REST-2102"


def test_sum_avg_min_max(rest: Rest) -> None:
    vendors(rest, ("A-1", "One", "100"), ("A-2", "Two", "250.50"), ("A-3", "Three", ""))
    found = rest.rows(VENDOR, ["count:id", "sum:creditLimit", "avg:creditLimit", "min:creditLimit",
                               "max:creditLimit"], filters=[{"$startsWith": {"id": "A-"}}])
    assert found == [{"count:id": 3, "sum:creditLimit": "350.50", "avg:creditLimit": "175.25",
                      "min:creditLimit": "100.00", "max:creditLimit": "250.50"}]

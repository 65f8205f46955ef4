"""Every fault kind on every ERP room, through a served simulator and a real HTTP client."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from lxml import etree

from .clients import ErpClient, Intacct, journal, keys

Connect = Callable[[str], ErpClient]


def add(control: httpx.Client, **rule: Any) -> dict[str, Any]:
    r = control.post("/faults", json=rule)
    assert r.status_code == 201, r.text
    found: dict[str, Any] = r.json()
    return found


def written(erp: ErpClient, key: str) -> bool:
    """Did the write reach the books? Asked with the faults cleared, through the room itself."""
    return erp.exists(key)


def write_rule(erp: ErpClient) -> dict[str, str]:
    name, obj = erp.write_operation
    return {"erp": erp.erp, "operation": name, "object": obj}


def test_latency_fixed_and_ranged_delays_the_answer(erp: ErpClient, control: httpx.Client) -> None:
    add(control, erp=erp.erp, fault={"kind": "latency", "ms": 300}, first=1)
    add(control, erp=erp.erp, fault={"kind": "latency", "ms": [100, 200]}, first=1, seed=3)
    started = time.perf_counter()
    first = erp.read("x")
    middle = time.perf_counter()
    second = erp.read("x")
    assert middle - started >= 0.3 and time.perf_counter() - middle >= 0.1
    assert first.status_code == second.status_code  # the room still answered
    entries = journal(_url(control), erp=erp.erp, fault="latency")
    assert [e["fault"]["delay_ms"] for e in entries][1] == 300
    assert 100 <= entries[0]["fault"]["delay_ms"] <= 200
    assert entries[1]["duration_ms"] >= 300


TRANSIENT = {
    "intacct": [("rate_limit", 429, "GW-0010"), ("gateway", 503, "503 Service Unavailable"),
                ("session", 200, "XL03000006"), ("concurrency", 429, "at most 2 requests")],
    "sage100": [("record_in_use", 409, "RecordInUse"), ("licence_seats", 403, "LicenceLimit"),
                ("session", 401, "session_timeout")],
    "acumatica": [("api_login_limit", 429, "API Login Limit"), ("request_limit", 429, "limit imposed by the license"),
                  ("record_lock", 500, "Another process has updated the 'Vendor' record"),
                  ("session", 401, "You are not logged in.")],
}


def test_each_transient_error_comes_in_the_rooms_own_shape(erp: ErpClient, control: httpx.Client) -> None:
    for name, status, text in TRANSIENT[erp.erp]:
        rule = add(control, **write_rule(erp), fault={"kind": "error", "error": name, "retry_after": 7}, first=1)
        key = keys(erp.erp, 1, start=len(name))[0]
        r = erp.write(key)
        assert r.status_code == status, (name, r.text)
        assert text in r.text, (name, r.text)
        if status in (429, 503, 403, 409):
            assert r.headers.get("retry-after") == "7" or name in ("gateway",), (name, dict(r.headers))
        assert not written(erp, key), name  # the room never ran
        control.delete(f"/faults/{rule['id']}")
    if erp.erp == "intacct":
        root = etree.fromstring(erp.write(keys("intacct", 1, start=99)[0]).content)
        assert root.findtext("operation/result/status") == "success"  # rules gone, all clean again


def test_shapes_parse_as_the_room_answers_them(served: str, control: httpx.Client, connect: Connect) -> None:
    intacct = connect("intacct")
    assert isinstance(intacct, Intacct)
    intacct.login()
    add(control, erp="intacct", fault={"kind": "error", "error": "rate_limit"}, first=1)
    root = etree.fromstring(intacct.read("x").content)
    assert root.findtext("control/status") == "failure"
    assert root.findtext("errormessage/error/errorno") == "GW-0010"
    assert "API rate limit exceeded" in (root.findtext("errormessage/error/description") or "")
    add(control, erp="intacct", fault={"kind": "error", "error": "session"}, first=1)
    root = etree.fromstring(intacct.read("x").content)
    assert root.findtext("control/status") == "success" and root.findtext("control/senderid") == "erpsim"
    assert root.findtext("operation/authentication/status") == "failure"
    assert (root.findtext("operation/errormessage/error/description2") or "").startswith("Invalid session")
    acu = connect("acumatica")
    acu.login()
    add(control, erp="acumatica", fault={"kind": "error", "error": "record_lock"}, first=1)
    body = acu.write("JV0001").json()
    assert body == {"message": "An error has occurred.", "exceptionMessage": body["exceptionMessage"],
                    "exceptionType": "PX.Data.PXException", "stackTrace": ""}


def test_session_expiry_on_the_next_call(erp: ErpClient, control: httpx.Client) -> None:
    add(control, erp=erp.erp, fault="session_expiry", first=1)
    r = erp.read("x")
    expected = {"intacct": "Invalid session", "sage100": "not valid", "acumatica": "You are not logged in."}
    assert expected[erp.erp] in r.text, r.text
    assert erp.read("x").status_code in (200, 401, 404)  # still expired: the session is gone for good
    erp.login()  # a client that signs in again carries on
    key = keys(erp.erp, 1)[0]
    erp.write(key)
    assert written(erp, key)


def test_plain_http_error_with_status_body_and_headers(erp: ErpClient, control: httpx.Client) -> None:
    add(control, erp=erp.erp, fault={"kind": "http", "status": 418, "body": "short and stout",
                                     "headers": {"X-Why": "because"}}, first=1)
    r = erp.read("x")
    assert (r.status_code, r.text, r.headers["x-why"]) == (418, "short and stout", "because")


def test_reset_drops_the_connection_without_an_answer(erp: ErpClient, control: httpx.Client) -> None:
    add(control, **write_rule(erp), fault="reset", first=1)
    key = keys(erp.erp, 1)[0]
    with pytest.raises(httpx.TransportError):
        erp.write(key)
    assert not written(erp, key)  # a reset before the room ran: nothing committed
    entry = journal(_url(control), fault="reset")[0]
    assert entry["fault"]["kind"] == "reset" and entry["operations"][0]["name"] == erp.write_operation[0]


def test_empty_and_truncated_answers(erp: ErpClient, control: httpx.Client) -> None:
    add(control, erp=erp.erp, fault="empty", first=1)
    r = erp.read("x")
    assert (r.status_code, r.content) == (200, b"")
    add(control, **write_rule(erp), fault={"kind": "truncated", "fraction": 0.5}, first=1)
    key = keys(erp.erp, 1)[0]
    r = erp.write(key)
    assert 0 < len(r.content) and r.headers["content-length"] == str(len(r.content))
    with pytest.raises((ValueError, etree.XMLSyntaxError)):  # half a document does not parse
        json.loads(r.content) if erp.erp != "intacct" else etree.fromstring(r.content)
    assert written(erp, key)  # the room ran and committed before the answer was cut


@pytest.mark.parametrize("then", ["reset", "502"])
def test_drop_after_commit(erp: ErpClient, control: httpx.Client, then: str) -> None:
    add(control, **write_rule(erp), fault={"kind": "drop_after_commit", "then": then}, first=1)
    key = keys(erp.erp, 1)[0]
    if then == "reset":
        with pytest.raises(httpx.TransportError):
            erp.write(key)
    else:
        r = erp.write(key)
        assert r.status_code == 502 and "Bad Gateway" in r.text
    assert written(erp, key)  # committed although the client never heard
    retry = erp.write(key)  # a naive retry meets its own first write
    assert retry.status_code in (200, 400, 409, 422, 500) and "success" not in _intacct_status(erp, retry)
    entry = journal(_url(control), fault="drop_after_commit")[0]
    assert entry["fault"]["room_status"] in (200, 201)


def test_concurrency_limit_is_an_opt_in_rule(served: str, control: httpx.Client, connect: Connect) -> None:
    clients = [connect("intacct") for _ in range(3)]
    for client in clients:
        client.login()
    add(control, erp="intacct", fault={"kind": "concurrency", "limit": 2})
    add(control, erp="intacct", fault={"kind": "latency", "ms": 1500})  # wide, for a loaded machine
    statuses: list[int] = []

    def call(client: ErpClient) -> None:
        statuses.append(client.read("x").status_code)

    threads = [threading.Thread(target=call, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 429]
    assert len(journal(served, fault="concurrency")) == 1
    assert clients[0].read("x").status_code == 200  # two slots free again


def test_first_n_and_seeded_probability_are_reproducible(erp: ErpClient, control: httpx.Client) -> None:
    def pattern(seed: int, probability: float = 0.5) -> list[bool]:
        control.delete("/faults")
        add(control, erp=erp.erp, fault={"kind": "http", "status": 503}, probability=probability, seed=seed)
        return [erp.read("x").status_code == 503 for _ in range(24)]

    first = pattern(11)
    assert first == pattern(11)  # the same seed meets the same faults
    assert first != pattern(12)
    assert 4 < sum(first) < 20
    assert not any(pattern(11, probability=0))
    control.delete("/faults")
    add(control, erp=erp.erp, fault={"kind": "http", "status": 503}, first=2)
    assert [erp.read("x").status_code == 503 for _ in range(4)] == [True, True, False, False]
    rule = control.get("/faults").json()["rules"][0]
    assert (rule["matched"], rule["applied"]) == (4, 2)


def test_rules_match_by_operation_object_method_and_path(served: str, control: httpx.Client,
                                                        connect: Connect) -> None:
    sage = connect("sage100")
    sage.login()
    add(control, erp="sage100", operation="insert", fault={"kind": "http", "status": 503})
    add(control, path="/sage100/records/jobcst*", fault={"kind": "http", "status": 502})
    add(control, method="DELETE", fault={"kind": "http", "status": 504})
    assert sage.write("70001").status_code == 503
    assert sage.read("1").status_code == 404  # a retrieve of an unknown vendor: untouched
    assert sage.http.get("/sage100/records/jobcst").status_code == 502
    assert sage.http.delete("/sage100/records/actpay/1").status_code == 504
    acu = connect("acumatica")
    acu.login()
    add(control, erp="acumatica", object="Bill", fault={"kind": "http", "status": 599})
    assert acu.write("JV0001").status_code == 200


def test_rule_administration(control: httpx.Client) -> None:
    added = control.post("/faults", json=[{"erp": "intacct", "fault": "reset", "name": "one"},
                                          {"erp": "sage100", "fault": {"kind": "latency", "ms": 5}}])
    assert added.status_code == 201 and [r["name"] for r in added.json()["rules"]] == ["one", ""]
    rules = control.get("/faults").json()["rules"]
    assert len(rules) == 2
    assert control.get(f"/faults/{rules[0]['id']}").json()["fault"] == {"kind": "reset"}
    assert control.delete(f"/faults/{rules[0]['id']}").status_code == 204
    assert control.delete(f"/faults/{rules[0]['id']}").status_code == 404
    assert control.delete("/faults").json()["deleted"] == 1
    for bad, message in (
        ({"fault": "explode"}, "unknown fault kind"),
        ({"fault": {"kind": "error", "error": "rate_limit"}}, "give the rule an 'erp'"),
        ({"erp": "sage100", "fault": {"kind": "error", "error": "rate_limit"}}, "record_in_use"),
        ({"erp": "oracle", "fault": "reset"}, "no ERP 'oracle'"),
        ({"fault": {"kind": "latency"}}, "needs 'ms'"),
        ({"fault": {"kind": "latency", "ms": [5, 1]}}, "range"),
        ({"fault": "reset", "probability": 2}, "probability"),
        ({"fault": "reset", "first": 0}, "first"),
        ({"fault": {"kind": "http", "status": 99}}, "HTTP status"),
        ({"fault": {"kind": "drop_after_commit", "then": "503"}}, "then"),
        ({"fault": "reset", "colour": "red"}, "unknown rule fields"),
        ([{"fault": "reset"}, {"fault": "nope"}], "rule 1:"),
        ([], "non-empty"),
    ):
        r = control.post("/faults", json=bad)
        assert r.status_code == 400 and message in r.json()["error"]["message"], (bad, r.text)
    assert control.get("/faults").json()["rules"] == []  # a refused list adds none of its rules


def _url(control: httpx.Client) -> str:
    return f"{control.base_url.scheme}://{control.base_url.netloc.decode()}"


def _intacct_status(erp: ErpClient, response: httpx.Response) -> str:
    return Intacct.status_of(response) if erp.erp == "intacct" else ""


def test_a_rule_can_pick_its_client_by_header_and_mix_faults_by_weight(served: str, control: httpx.Client,
                                                                      connect: Connect) -> None:
    robot, person = connect("sage100"), connect("sage100")
    for client in (robot, person):
        client.login()
    robot.http.headers["User-Agent"] = "robot/1.0"
    rule = add(control, erp="sage100", headers={"User-Agent": "robot/*"}, seed=4, fault=[
        {"kind": "http", "status": 503, "weight": 3}, {"kind": "http", "status": 429, "weight": 1}])
    assert [f["status"] for f in rule["fault"]] == [503, 429] and rule["headers"] == {"user-agent": "robot/*"}
    statuses = [robot.read("1").status_code for _ in range(40)]
    assert set(statuses) == {503, 429} and statuses.count(503) > statuses.count(429)
    assert person.read("1").status_code == 404  # another client is never hit
    control.delete("/faults")
    add(control, erp="sage100", headers={"User-Agent": "robot/*"}, seed=4, fault=[
        {"kind": "http", "status": 503, "weight": 3}, {"kind": "http", "status": 429, "weight": 1}])
    assert [robot.read("1").status_code for _ in range(40)] == statuses  # the same seed, the same mix
    for bad, message in (([], "at least one"), ([{"kind": "reset", "weight": 0}], "weight"),
                         ([{"kind": "concurrency"}], "rule of its own"), ([{"kind": "nope"}], "fault 0 of the mix")):
        r = control.post("/faults", json={"fault": bad})
        assert r.status_code == 400 and message in r.json()["error"]["message"], r.text
    r = control.post("/faults", json={"fault": "reset", "headers": {"x": 1}})
    assert r.status_code == 400 and "headers" in r.json()["error"]["message"]

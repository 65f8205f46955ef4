"""The request journal through a served simulator: what is recorded, found, counted, masked, cut and kept."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from simulator.app import create_app
from simulator.store import Store
from simulator.testing import ThreadedServer

from .clients import CLIENTS, Acumatica, ErpClient, Intacct, journal, keys

Connect = Callable[[str], ErpClient]


def test_every_room_records_its_operation_in_its_own_terms(served: str, connect: Connect) -> None:
    intacct, sage, acu = connect("intacct"), connect("sage100"), connect("acumatica")
    assert isinstance(intacct, Intacct)
    for client in (intacct, sage, acu):
        client.login()
        client.write(keys(client.erp, 1)[0])
    intacct.post(intacct.envelope("<readByQuery><object>PROJECT</object><query/><pagesize>1</pagesize></readByQuery>",
                                  controlid="q-1"))
    entries = journal(served)
    assert [e["erp"] for e in entries] == ["intacct", "acumatica", "acumatica", "sage100", "sage100", "intacct",
                                           "intacct"]
    assert entries[0]["operations"] == [{"name": "readByQuery", "object": "PROJECT", "controlid": "q-1"}]
    assert entries[1]["operations"] == [{"name": "PUT", "object": "Vendor"}]
    assert entries[2]["operations"] == [{"name": "login", "object": "auth"}]
    assert entries[3]["operations"] == [{"name": "insert", "object": "actpay"}]
    assert entries[3]["status"] == 201
    assert entries[5]["operations"][0]["name"] == "create" and entries[5]["operations"][0]["object"] == "VENDOR"
    assert entries[6]["operations"][0]["name"] == "getAPISession"
    assert all(e["fault"] is None and e["duration_ms"] >= 0 for e in entries)
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)  # newest first


def test_filters_select_by_erp_operation_object_status_since_and_limit(served: str, control: httpx.Client,
                                                                      connect: Connect) -> None:
    sage, acu = connect("sage100"), connect("acumatica")
    sage.login()
    acu.login()
    sage.write("70001")
    sage.write("70001")  # a duplicate: refused
    midpoint = datetime.now(timezone.utc).isoformat()
    time.sleep(0.01)
    acu.write("JV0001")
    acu.read("NOPE")

    def ids(**filters: object) -> list[int]:
        return [e["id"] for e in journal(served, **filters)]

    assert len(ids(erp="sage100")) == 3
    assert len(ids(erp="sage100", operation="insert")) == 2
    assert len(ids(object="actpay", status="201")) == 1
    assert len(ids(erp="sage100", status="4xx")) == 1
    assert len(ids(status="error")) == 2  # the duplicate and the unknown vendor
    assert len(ids(operation="PUT", object="vendor")) == 1  # names match without regard to case
    assert len(ids(object="Vend*")) == 2
    assert len(ids(since=midpoint)) == 2
    assert len(ids(limit=2)) == 2 and ids(limit=2) == ids()[:2]
    assert len(ids(before=ids()[1])) == len(ids()) - 2
    for bad, message in ((dict(since="yesterday"), "ISO 8601"), (dict(status="teapot"), "status"),
                         (dict(limit="0"), "limit"), (dict(colour="red"), "unknown journal filters")):
        r = control.get("/journal", params=bad)
        assert r.status_code == 400 and message in r.json()["error"]["message"], r.text


def test_one_entry_whole_and_clearing(served: str, control: httpx.Client, connect: Connect) -> None:
    acu = connect("acumatica")
    acu.login()
    acu.write("JV0001")
    entry_id = journal(served)[0]["id"]
    whole = control.get(f"/journal/{entry_id}").json()
    assert '"VendorID":{"value":"JV0001"}' in whole["request"]["body"]  # as sent, byte for byte
    assert '"VendorID"' in whole["response"]["body"] and whole["response"]["truncated"] is False
    assert ["content-type", "application/json"] in whole["request"]["headers"]
    assert control.get("/journal/999999").status_code == 404
    assert control.get("/journal/nope").status_code == 404
    assert control.delete("/journal").json()["cleared"] == 2
    assert journal(served) == []
    assert control.get("/journal/settings").json()["size"] == 0


def test_count_verifies_what_a_client_sent(served: str, control: httpx.Client, connect: Connect) -> None:
    intacct = connect("intacct")
    intacct.login()
    for key in keys("intacct", 3):
        intacct.write(key)

    def count(**matcher: object) -> int:
        r = control.post("/journal/count", json=matcher)
        assert r.status_code == 200, r.text
        return int(r.json()["count"])

    assert count(erp="intacct", operation="create", object="VENDOR") == 3
    assert count(operation="create", body="<VENDORID>JV0001</VENDORID>") == 1
    assert count(path="/ia/xml/*", method="POST") == 4
    assert count(erp="acumatica") == 0
    assert count(fault=False) == 4 and count(fault=True) == 0
    assert count() == 4
    r = control.post("/journal/count", json={"operation": 3})
    assert r.status_code == 400 and "'operation' must be a string" in r.json()["error"]["message"]
    assert control.post("/journal/count", json=["x"]).status_code == 400


def test_credentials_and_tokens_are_masked(served: str, control: httpx.Client, connect: Connect) -> None:
    intacct, sage, acu = connect("intacct"), connect("sage100"), connect("acumatica")
    assert isinstance(intacct, Intacct)
    for client in (intacct, sage, acu):
        client.login()
        client.read("x1")
    entries = {(e["erp"], e["operations"][0]["name"]): e["id"] for e in journal(served)}

    def whole(erp: str, op: str) -> dict[str, object]:
        found: dict[str, object] = control.get(f"/journal/{entries[(erp, op)]}").json()
        return found

    text = str(whole("intacct", "getAPISession"))
    assert "<password>***</password>" in text and "admin</password>" not in text
    assert "erpsim</password>" not in text  # the sender password too
    assert intacct.session not in text and "<sessionid>***</sessionid>" in text
    assert intacct.session not in str(whole("intacct", "readByName"))
    login = whole("sage100", "login")
    assert '"password": "***"' in login["request"]["body"]  # type: ignore[index]
    token = str(sage.http.headers["Authorization"]).split()[1]
    assert '"token": "***"' in login["response"]["body"] and token not in str(login)  # type: ignore[index]
    assert ["authorization", "Bearer ***"] in whole("sage100", "retrieve")["request"]["headers"]  # type: ignore[index]
    acu_login = whole("acumatica", "login")
    assert '"password": "***"' in acu_login["request"]["body"]  # type: ignore[index]
    cookies = [v for k, v in acu_login["response"]["headers"] if k == "set-cookie"]  # type: ignore[index]
    assert any(c.startswith(".ASPXAUTH=***;") for c in cookies)
    auth = acu.http.cookies[".ASPXAUTH"]
    assert auth not in str(acu_login) and auth not in str(whole("acumatica", "GET"))


def test_bodies_are_cut_at_the_configured_size(served: str, control: httpx.Client, connect: Connect) -> None:
    r = control.patch("/journal/settings", json={"body_limit": 40})
    assert r.status_code == 200 and r.json()["body_limit"] == 40
    acu = connect("acumatica")
    acu.login()
    acu.write("JV0001")
    whole = control.get(f"/journal/{journal(served)[0]['id']}").json()
    assert len(whole["request"]["body"]) == 40 and whole["request"]["truncated"] is True
    assert whole["request"]["size"] > 40 and whole["response"]["size"] > 1000
    assert len(whole["response"]["body"]) == 40 and whole["response"]["truncated"] is True
    for bad in ({"body_limit": -1}, {"limit": 0}, {"enabled": "yes"}, {"ring": 5}, ["x"]):
        assert control.patch("/journal/settings", json=bad).status_code == 400


def test_the_ring_keeps_the_newest_entries_per_tenant(served: str, control: httpx.Client, connect: Connect) -> None:
    assert control.get("/journal/settings").json()["limit"] == 10_000  # the default
    control.patch("/journal/settings", json={"limit": 5})
    other = httpx.post(f"{served}/_erpsim/tenants", json={"id": "other", "fixture": "demo",
                                                          "config": {"sage100": {"company": "Other Co"}}})
    assert other.status_code == 201, other.text
    sage = connect("sage100")
    sage.login()
    for key in keys("sage100", 8):
        sage.read(key)
    entries = journal(served)
    assert len(entries) == 5 and control.get("/journal/settings").json()["size"] == 5
    assert entries[-1]["path"].endswith(keys("sage100", 8)[3])  # the 4 oldest went first
    other_client = httpx.Client(base_url=served)
    r = other_client.post("/sage100/session", json={"company": "Other Co", "username": "api", "password": "api"})
    assert r.status_code == 201, r.text
    assert len(httpx.get(f"{served}/_erpsim/tenants/other/journal").json()["entries"]) == 1
    assert len(journal(served)) == 5  # one tenant's traffic never pushes out another's
    control.patch("/journal/settings", json={"limit": 2})  # shrinking trims at once
    assert len(journal(served)) == 2
    control.patch("/journal/settings", json={"enabled": False})
    sage.read("1")
    assert len(journal(served)) == 2
    other_client.close()


def test_the_journal_survives_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "erpsim.db")
    store = Store(path)
    with ThreadedServer(create_app(store)) as server:
        client = Acumatica(server.url)
        client.login()
        client.write("JV0001")
        client.close()
        before = journal(server.url)
    store.close()
    store = Store(path)
    with ThreadedServer(create_app(store)) as server:
        assert journal(server.url) == before
        assert len(before) == 2
    store.close()


def test_unknown_tenant_or_unnamed_requests_are_not_journaled(served: str) -> None:
    r = httpx.get(f"{served}/_erpsim/tenants/nobody/journal")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    # A login to no company cannot be told apart from noise: it belongs to no tenant.
    httpx.post(f"{served}/sage100/session", json={"company": "Nobody", "username": "a", "password": "b"})
    httpx.post(f"{served}/ia/xml/xmlgw.phtml", content=b"not xml")
    assert journal(served) == []


@pytest.mark.parametrize("erp", sorted(CLIENTS))
def test_a_client_of_each_room_sees_the_same_answers_with_the_journal_on(served: str, erp: str,
                                                                        connect: Connect) -> None:
    client = connect(erp)
    client.login()
    key = keys(erp, 1)[0]
    assert client.write(key).status_code in (200, 201)
    assert client.exists(key)
    assert len(journal(served, erp=erp)) == 3


def test_acumatica_oauth_token_and_bearer_calls_are_journaled_and_masked(served: str, control: httpx.Client) -> None:
    app = httpx.get(f"{served}/_erpsim/tenants/demo/acumatica/applications").json()["applications"][0]
    with httpx.Client(base_url=served) as client:
        r = client.post("/acumatica/identity/connect/token", data={
            "grant_type": "password", "username": "admin", "password": "admin", "client_id": app["client_id"],
            "client_secret": app["secret"], "scope": "api"})
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        assert client.get("/acumatica/entity/Default/24.200.001/Vendor/NOPE",
                          headers={"Authorization": f"Bearer {token}"}).status_code in (404, 500)
    entries = journal(served, erp="acumatica")
    assert [e["operations"][0] for e in entries] == [{"name": "GET", "object": "Vendor"},
                                                    {"name": "token", "object": "identity"}]
    whole = str(control.get(f"/journal/{entries[1]['id']}").json())
    assert token not in whole and app["secret"] not in whole and "client_secret=%2A%2A%2A" in whole


def test_a_name_the_erp_does_not_know_is_reported_with_the_closest_valid_ones(served: str,
                                                                           connect: Connect) -> None:
    intacct = connect("intacct")
    assert isinstance(intacct, Intacct)
    intacct.login()
    reply = intacct.post(intacct.envelope("<readByQuery><object>VENDR</object><query/></readByQuery>"))
    assert "Did you mean 'VENDOR'" in reply.text  # in Intacct's correction, where clients show it
    intacct.post(intacct.envelope("<creat><VENDOR/></creat>"))
    intacct.post(intacct.envelope("<create><VENDOR><VENDORID>JV1</VENDORID><NAM>x</NAM></VENDOR></create>"))
    sage = connect("sage100")
    sage.login()
    assert "Did you mean 'actpay'" in sage.http.get("/sage100/records/actpy").text
    assert "Did you mean 'vndnme'" in sage.http.post("/sage100/records/actpay", json={"recnum": 1,
                                                                                     "vndname": "x"}).text
    acu = connect("acumatica")
    acu.login()
    acu.http.get("/acumatica/entity/Default/24.200.001/Vendr")
    r = acu.http.get("/acumatica/entity/Default/24.200.001/Vendor", params={"$select": "VendorNam"})
    assert "Did you mean 'VendorName'" in r.text
    misses = {(e["erp"], m["kind"], m["name"]): m["closest"]
              for e in journal(served) for m in e.get("near_miss", [])}
    assert misses[("intacct", "object", "VENDR")][0] == "VENDOR"
    assert misses[("intacct", "function", "creat")][0] == "create"
    assert "NAME" in misses[("intacct", "field", "NAM")]
    assert misses[("sage100", "table", "actpy")][0] == "actpay"
    assert misses[("sage100", "column", "vndname")][0] == "vndnme"
    assert misses[("acumatica", "entity", "Vendr")][0] == "Vendor"
    assert misses[("acumatica", "field", "VendorNam")][0] == "VendorName"
    assert journal(served, erp="sage100", status="404")[0]["near_miss"][0]["closest"][0] == "actpay"

"""Seats in the console: the list, a class of new seats, reset, snapshot download and restore."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from simulator.console.seats import next_seat_ids


def flash(client: TestClient) -> dict[str, str]:
    raw = client.cookies.get("erpsim_flash")
    assert raw, "the action left no message"
    from urllib.parse import unquote

    return json.loads(unquote(raw))  # type: ignore[no-any-return]


def test_home_lists_the_seats_and_which_erp_each_is_connected_to(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/seats/demo"' in page.text
    assert "Demo Construction" in page.text
    assert "Sage Intacct" in page.text
    assert '<link rel="stylesheet" href="/static/console/console.css">' in page.text
    assert client.get("/static/console/console.css").status_code == 200


def test_a_class_of_seats_in_one_click(client: TestClient) -> None:
    made = client.post("/seats", data={"fixture": "demo", "count": "3", "name": "Class"}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/"
    assert flash(client)["ok"] == "3 seats are ready: seat-1 to seat-3."
    tenants = {t["id"]: t for t in client.get("/_erpsim/tenants").json()["tenants"]}
    assert {"seat-1", "seat-2", "seat-3"} <= set(tenants)
    assert tenants["seat-2"]["name"] == "Class 2" and tenants["seat-2"]["fixture"] == "demo"
    vendors = client.get("/seats/seat-2/erp/intacct/books/vendors")
    assert vendors.status_code == 200 and "V100" in vendors.text


def test_one_named_seat_opens_its_page(client: TestClient) -> None:
    made = client.post("/seats", data={"fixture": "", "count": "1", "id": "ann", "name": "Ann's company"})
    assert made.url.path == "/seats/ann"
    assert "Ann&#39;s company" in made.text and "empty books" in made.text
    again = client.post("/seats", data={"id": "ann"})
    assert again.url.path == "/"
    assert "already exists" in again.text


def test_bad_seat_requests_answer_a_clear_message(client: TestClient) -> None:
    for data, words in (({"count": "many"}, "whole number"), ({"count": "0"}, "between 1 and 50"),
                        ({"id": "Bad Id!"}, "tenant id must be"), ({"fixture": "nope"}, "unknown fixture")):
        page = client.post("/seats", data=data)
        assert page.status_code == 200, data
        assert words in page.text, data
    missing = client.get("/seats/nobody")
    assert missing.status_code == 404 and "no seat" in missing.text.lower()
    assert client.post("/seats/nobody/reset").status_code == 404


def test_free_seat_ids_skip_the_taken_ones() -> None:
    assert next_seat_ids({"seat-1", "seat-3"}, 3) == ["seat-2", "seat-4", "seat-5"]


def test_reset_brings_the_fixture_back(client: TestClient) -> None:
    client.post("/seats/demo/erp/intacct/actions/create_vendor", data={"vendor_id": "V900", "name": "Extra"})
    assert "V900" in client.get("/seats/demo/erp/intacct/books/vendors").text
    page = client.post("/seats/demo/reset")
    assert page.url.path == "/seats/demo" and "back to its fixture" in page.text
    assert "V900" not in client.get("/seats/demo/erp/intacct/books/vendors").text


def test_snapshot_download_and_restore_round_trip(client: TestClient) -> None:
    snap = client.get("/seats/demo/snapshot.json")
    assert snap.status_code == 200
    assert snap.headers["content-disposition"] == 'attachment; filename="erpsim-demo-snapshot.json"'
    client.post("/seats/demo/erp/intacct/actions/create_vendor", data={"vendor_id": "V901", "name": "Later"})
    page = client.post("/seats/demo/restore", files={"snapshot": ("before.json", snap.content, "application/json")})
    assert "restored from before.json" in page.text
    assert "V901" not in client.get("/seats/demo/erp/intacct/books/vendors").text


def test_restore_refuses_what_is_not_a_snapshot(client: TestClient) -> None:
    for content, words in ((b"{nope", "is not a JSON snapshot"), (b'{"a": 1}', "not a snapshot document")):
        page = client.post("/seats/demo/restore", files={"snapshot": ("x.json", content, "application/json")})
        assert page.url.path == "/seats/demo" and words in page.text
    page = client.post("/seats/demo/restore", data={})
    assert "Choose a snapshot file" in page.text


def test_delete_a_seat(client: TestClient) -> None:
    client.post("/seats", data={"id": "gone"})
    page = client.post("/seats/gone/delete")
    assert page.url.path == "/" and "Seat gone is deleted." in page.text
    assert client.get("/_erpsim/tenants/gone").status_code == 404

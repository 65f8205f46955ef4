"""The request journal's cost: each ERP's round trips with the journal on, against the same app without it.

Run: ``.venv/bin/python -m benchmarks.journal_bench`` (about a minute). Three servers run under uvicorn
in their own processes on WAL database files, as ``erpsim serve`` does: erpsim as shipped (journal on, its
ring already full at 10,000 entries so every call also trims), erpsim with the journal's middleware taken
out (the baseline), and erpsim with the journal on and five fault rules that match nothing (what rule
matching costs). The sides are timed in alternating batches. Target: journal on within 1.25x of off for a
write and a read on each ERP, and fault rules within 1.1x of none.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from itertools import count
from pathlib import Path
from typing import Any

import httpx
from lxml import etree
from starlette.applications import Starlette

from benchmarks.harness import compare, report, row, serve

DIRECTORY = Path(tempfile.gettempdir()) / f"erpsim-journal-bench-{uuid.uuid4().hex[:8]}"
RING = 10_000
ACU = "/acumatica/entity/Default/24.200.001"


def _app(name: str, *, journal: bool = True, rules: int = 0) -> Starlette:
    from simulator.app import create_app
    from simulator.faults.rules import Rules, parse_rule
    from simulator.journal.log import Entry, Journal
    from simulator.store import Store

    DIRECTORY.mkdir(exist_ok=True)
    app = create_app(Store(str(DIRECTORY / f"{name}.db")))
    if not journal:
        app.user_middleware = []  # the middleware stack is built on the first request
    store = app.state.store
    log = Journal(store)
    with store.transaction():  # a full ring: from the first call on, every entry also drops the oldest
        for n in range(RING):
            log.record(Entry("demo", time.time(), "intacct", "POST", "/ia/xml/xmlgw.phtml",
                             [{"name": "readByQuery", "object": "VENDOR"}], 200, 1.0, None,
                             {"headers": [], "body": "<request/>" * 20}, {"headers": [], "body": "<response/>" * 40},
                             {}), RING)
    for n in range(rules):
        Rules(store).add("demo", parse_rule({"erp": "intacct", "operation": f"nothing{n}", "fault": "reset"}))
    return app


def journal_on() -> Starlette:
    return _app("on")


def journal_off() -> Starlette:
    return _app("off", journal=False)


def with_rules() -> Starlette:
    return _app("rules", rules=5)


class Sides:
    """One client per ERP on one server, signed in, with a write and a read each."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)
        self.numbers = count(1)
        self.session = self._intacct_login()
        r = self.http.post("/sage100/session", json={"company": "Demo Construction", "username": "api",
                                                     "password": "api"})
        self.sage = {"Authorization": f"Bearer {r.json()['token']}"}
        self.acu = httpx.Client(base_url=url, timeout=60)
        self.acu.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin", "tenant": "Demo"})

    def _envelope(self, function: str, auth: str) -> bytes:
        return (f"<?xml version='1.0' encoding='UTF-8'?><request><control><senderid>erpsim</senderid><password>erpsim"
                f"</password><controlid>b</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion>"
                f"<includewhitespace>false</includewhitespace></control><operation><authentication>{auth}"
                f"</authentication><content><function controlid='{uuid.uuid4()}'>{function}</function></content>"
                f"</operation></request>").encode()

    def _intacct_login(self) -> str:
        auth = "<login><userid>admin</userid><companyid>DEMO</companyid><password>admin</password></login>"
        root = etree.fromstring(self.http.post("/ia/xml/xmlgw.phtml",
                                               content=self._envelope("<getAPISession/>", auth)).content)
        return root.findtext("operation/result/data/api/sessionid") or ""

    def intacct(self, function: str) -> None:
        r = self.http.post("/ia/xml/xmlgw.phtml", content=self._envelope(function, f"<sessionid>{self.session}"
                                                                                   "</sessionid>"))
        assert b"<status>success</status>" in r.content, r.text[:500]

    def intacct_create(self) -> None:
        n = next(self.numbers)
        self.intacct(f"<create><VENDOR><VENDORID>B{n}</VENDORID><NAME>Bench {n}</NAME><DISPLAYCONTACT><PRINTAS>"
                     f"Bench {n}</PRINTAS></DISPLAYCONTACT></VENDOR></create>")

    def intacct_read(self) -> None:
        self.intacct("<readByName><object>VENDOR</object><keys>V100</keys><fields>*</fields></readByName>")

    def sage_insert(self) -> None:
        r = self.http.post("/sage100/records/actpay", json={"recnum": 100_000 + next(self.numbers),
                                                            "vndnme": "Bench"}, headers=self.sage)
        assert r.status_code == 201, r.text

    def sage_retrieve(self) -> None:
        assert self.http.get("/sage100/records/actpay/100", headers=self.sage).status_code in (200, 404)

    def acu_put(self) -> None:
        r = self.acu.put(f"{ACU}/Vendor", json={"VendorID": {"value": f"B{next(self.numbers)}"},
                                                "VendorName": {"value": "Bench"}})
        assert r.status_code == 200, r.text

    def acu_get(self) -> None:
        assert self.acu.get(f"{ACU}/Vendor", params={"$top": "5"}).status_code == 200

    def close(self) -> None:
        self.http.close()
        self.acu.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100, help="calls per timed batch")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with serve(journal_on) as on_url, serve(journal_off) as off_url, serve(with_rules) as rules_url:
        on, off, ruled = Sides(on_url), Sides(off_url), Sides(rules_url)
        checks = [
            ("Intacct create VENDOR, journal on vs off", on.intacct_create, off.intacct_create, 1.25),
            ("Intacct readByName, journal on vs off", on.intacct_read, off.intacct_read, 1.25),
            ("Sage 100 insert actpay, journal on vs off", on.sage_insert, off.sage_insert, 1.25),
            ("Sage 100 retrieve, journal on vs off", on.sage_retrieve, off.sage_retrieve, 1.25),
            ("Acumatica PUT Vendor, journal on vs off", on.acu_put, off.acu_put, 1.25),
            ("Acumatica GET Vendor list, journal on vs off", on.acu_get, off.acu_get, 1.25),
            ("Intacct create, 5 idle fault rules vs none", ruled.intacct_create, on.intacct_create, 1.1),
            ("Acumatica GET, 5 idle fault rules vs none", ruled.acu_get, on.acu_get, 1.1),
        ]
        for name, measured, baseline, target in checks:
            rows.append(row(name, *compare(measured, baseline, args.calls, warmup=30), target))
        for side in (on, off, ruled):
            side.close()
        size = httpx.get(f"{on_url}/_erpsim/tenants/demo/journal/settings").json()["size"]
    ok = report(f"Request journal (ring of {RING:,} per tenant; it held {size:,} at the end)", rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Sage Intacct gateway: round trips against a floor server, and growth from 1k to 100k records.

Run: ``.venv/bin/python -m benchmarks.intacct_bench`` (about a minute). Targets: create VENDOR and a
100-row query within 1.5x the floor server; create and page-read within 1.2x from 1k to 100k vendors.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from typing import Any

import httpx
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.harness import compare, report, row, serve

PATH = "/ia/xml/xmlgw.phtml"
FIELDS = ["RECORDNO", "VENDORID", "NAME", "STATUS", "TOTALDUE", "DISPLAYCONTACT.EMAIL1"]
SIZES = {"small": 1_000, "large": 100_000}


def bulk_vendors(records: Any, count: int) -> None:
    """Insert vendors straight into the store: setup speed, not what is measured."""
    with records.store.transaction():
        for n in range(count):
            number = records.next_value("intacct.VENDOR")
            vid = f"B{n:06d}"
            records.insert("intacct.VENDOR", {
                "RECORDNO": str(number), "VENDORID": vid, "NAME": f"Bulk Vendor {n}", "STATUS": "active",
                "TOTALDUE": "0.00", "DISPLAYCONTACT.PRINTAS": f"Bulk Vendor {n}",
                "DISPLAYCONTACT.EMAIL1": f"ap{n}@vendor.example", "WHENCREATED": "01/01/2026 00:00:00",
                "WHENMODIFIED": "01/01/2026 00:00:00",
            }, key=vid, id=number)


def erpsim_app() -> Starlette:
    from simulator.app import create_app
    from simulator.intacct import service
    from simulator.store import Store

    app = create_app(Store(":memory:"), services=[service])
    for tenant, size in SIZES.items():
        app.state.tenants.create(tenant, tenant.title(), config={"intacct": {"company_id": tenant.upper()}})
        bulk_vendors(app.state.store.records(tenant), size)
    return app


def floor_app() -> Starlette:
    """Starlette plus the same lxml parse and serialize, with no gateway logic at all."""
    from simulator.intacct.wire import parse_request, serialize, sub

    async def gateway(request: Request) -> Response:
        root = parse_request(await request.body())
        response = etree.Element("response")
        control = sub(response, "control")
        for tag, value in (("status", "success"), ("senderid", root.findtext("control/senderid")),
                           ("controlid", root.findtext("control/controlid")), ("uniqueid", "false"),
                           ("dtdversion", "3.0")):
            sub(control, tag, value)
        op = sub(response, "operation")
        auth = sub(op, "authentication")
        for tag in ("status", "userid", "companyid", "locationid", "sessiontimestamp", "sessiontimeout"):
            sub(auth, tag, "x")
        fn = root.find("operation/content/function")
        result = sub(op, "result")
        sub(result, "status", "success")
        sub(result, "function", fn[0].tag)
        sub(result, "controlid", fn.get("controlid"))
        if fn[0].tag == "query":
            names = [f.text for f in fn[0].find("select")]
            data = sub(result, "data", listtype="VENDOR", totalcount="1000", offset="0", count="100",
                       numremaining="900")
            for n in range(int(fn[0].findtext("pagesize"))):
                rec = sub(data, "VENDOR")
                for name in names:
                    sub(rec, name, f"{name}-{n}")
        else:
            data = sub(result, "data", listtype="objects", count="1")
            vendor = sub(sub(data, "vendor"), "RECORDNO", "1")
            vendor.getparent().append(etree.fromstring("<VENDORID>x</VENDORID>"))
        return Response(serialize(response, False), media_type="text/xml")

    async def ready(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[Route(PATH, gateway, methods=["POST"]), Route("/", ready)])


def envelope(function: str, session: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?><request><control><senderid>erpsim</senderid>"
        "<password>erpsim</password><controlid>bench</controlid><uniqueid>false</uniqueid>"
        "<dtdversion>3.0</dtdversion><includewhitespace>false</includewhitespace></control>"
        f"<operation><authentication><sessionid>{session}</sessionid></authentication><content>"
        f'<function controlid="f">{function}</function></content></operation></request>'
    ).encode()


def login(client: httpx.Client, company: str) -> str:
    body = envelope("<getAPISession/>", "").replace(
        b"<sessionid></sessionid>",
        f"<login><userid>admin</userid><companyid>{company}</companyid><password>admin</password></login>".encode())
    root = etree.fromstring(client.post(PATH, content=body).content)
    session = root.findtext("operation/result/data/api/sessionid")
    if not session:
        raise RuntimeError(etree.tostring(root).decode())
    return session


class Driver:
    def __init__(self, client: httpx.Client, session: str) -> None:
        self.client = client
        self.session = session
        self.ids = itertools.count()

    def post(self, function: str) -> None:
        response = self.client.post(PATH, content=envelope(function, self.session))
        if b"<status>failure</status>" in response.content:
            raise RuntimeError(response.text[:2000])

    def create_vendor(self) -> None:
        n = next(self.ids)
        self.post(f"<create><VENDOR><VENDORID>NEW{n:07d}</VENDORID><NAME>New Vendor {n}</NAME>"
                  f"<DISPLAYCONTACT><PRINTAS>New Vendor {n}</PRINTAS></DISPLAYCONTACT></VENDOR></create>")

    def query(self, offset: int = 0) -> None:
        select = "".join(f"<field>{f}</field>" for f in FIELDS)
        self.post(f"<query><object>VENDOR</object><select>{select}</select><pagesize>100</pagesize>"
                  f"<offset>{offset}</offset></query>")

    def read_more_page(self) -> None:
        if not getattr(self, "result_id", None) or self.remaining < 100:
            root = etree.fromstring(self.client.post(PATH, content=envelope(
                "<readByQuery><object>VENDOR</object><fields>VENDORID,NAME</fields><query/>"
                "<pagesize>100</pagesize></readByQuery>", self.session)).content)
            data = root.find("operation/result/data")
            self.result_id, self.remaining = data.get("resultId"), int(data.get("numremaining"))
        root = etree.fromstring(self.client.post(PATH, content=envelope(
            f"<readMore><resultId>{self.result_id}</resultId></readMore>", self.session)).content)
        self.remaining = int(root.find("operation/result/data").get("numremaining"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200, help="calls per timed batch")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = []
    with serve(erpsim_app) as sim_url, serve(floor_app) as floor_url, \
            httpx.Client(base_url=sim_url, timeout=60) as sim, httpx.Client(base_url=floor_url, timeout=60) as floor:
        demo = Driver(sim, login(sim, "DEMO"))
        base = Driver(floor, "floor..")
        small, large = Driver(sim, login(sim, "SMALL")), Driver(sim, login(sim, "LARGE"))
        n = args.calls
        checks = [
            ("create VENDOR round trip vs floor", demo.create_vendor, base.create_vendor, 1.5, n),
            ("query 100 rows round trip vs floor", demo.query, base.query, 1.5, n),
            ("create VENDOR at 100k vs 1k", large.create_vendor, small.create_vendor, 1.2, n),
            ("query page (offset 500) at 100k vs 1k", lambda: large.query(500), lambda: small.query(500), 1.2, n),
            ("readMore page at 100k vs 1k", large.read_more_page, small.read_more_page, 1.2, n),
            ("query page at the middle, 100k vs 1k (info)", lambda: large.query(50_000), lambda: small.query(500),
             float("inf"), max(1, n // 4)),
        ]
        for name, measured, baseline, target, calls in checks:
            rows.append(row(name, *compare(measured, baseline, calls, warmup=100), target))
    ok = report("Sage Intacct gateway", rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

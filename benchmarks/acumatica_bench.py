"""Acumatica contract-based REST: round trips against a floor server, and $filter pages at 1k vs 100k.

Run: ``.venv/bin/python -m benchmarks.acumatica_bench`` (a minute or two, most of it loading 100k vendors).
The floor server is Starlette doing the same JSON parse and serialize with no logic. Targets: GET within 2x
the floor and PUT within 2.5x (it validates, writes the record and its id, and touches the session); a $filter
page at 100k within 1.5x of the same page at 1k when the filter pins a key or matches early; a selective
filter that has to consider every record is reported for information.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from datetime import datetime, timezone
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.harness import compare, report, row, serve

BASE = "/acumatica/entity/Default/24.200.001"
SIZES = {"small": 1_000, "large": 100_000}


def vendor_node(n: int, stamp: str) -> dict[str, Any]:
    from simulator.acumatica.models import new_id

    return {
        "id": new_id(), "note": "", "custom": {}, "files": [], "sys": {}, "details": {},
        "fields": {
            "VendorID": f"B{n:06d}", "VendorName": f"Bulk Vendor {n}", "LegalName": f"Bulk Vendor {n}",
            "Status": "Active" if n % 50 else "Inactive", "VendorClass": "DEFAULT", "Terms": "30D",
            "PaymentMethod": "CHECK", "CashAccount": "10200", "CurrencyID": "USD", "PaymentBy": "Due Date",
            "LocationName": "Primary Location", "TaxCalculationMode": "Tax Settings", "F1099Vendor": False,
            "CreatedDateTime": stamp, "LastModifiedDateTime": stamp,
        },
        "links": {"MainContact": {"id": new_id(), "fields": {"Email": f"ap{n}@vendor.example",
                                                             "CompanyName": f"Bulk Vendor {n}"}}},
    }


def bulk_vendors(records: Any, count: int) -> None:
    """Insert vendors straight into the books: setup speed, not what is measured."""
    from simulator.acumatica.entities import VENDOR
    from simulator.acumatica.models import Book

    book = Book(records)
    stamp = datetime.now(timezone.utc).replace(tzinfo=None).isoformat()
    with records.store.transaction():
        for n in range(count):
            book.insert(VENDOR, vendor_node(n, stamp))


def erpsim_app() -> Starlette:
    from simulator.acumatica import service
    from simulator.app import create_app
    from simulator.store import Store

    app = create_app(Store(":memory:"), services=[service])
    for tenant, size in SIZES.items():
        app.state.tenants.create(tenant, tenant.title(),
                                 config={"acumatica": {"tenant_name": tenant.title(), "max_api_sessions": 0}})
        bulk_vendors(app.state.store.records(tenant), size)
    app.state.tenants.configure("demo", {"acumatica": {"max_api_sessions": 0}})
    return app


def floor_app() -> Starlette:
    """Starlette plus the same JSON parse and wrapped-record serialize, with no contract logic at all."""
    from simulator.acumatica.entities import VENDOR

    template = {"id": "a0f8594a-7de2-e811-b816-00155d408001", "rowNumber": 1, "note": {"value": ""}}
    template.update({f.name: {"value": f"value of {f.name}"} for f in VENDOR.fields})
    template["custom"] = {}
    template["_links"] = {"self": f"{BASE}/Vendor/x", "files:put": f"{BASE}/files/x/{{filename}}"}

    async def put(request: Request) -> Response:
        body = json.loads(await request.body())
        record = dict(template)
        record.update(body)
        return Response(json.dumps(record), media_type="application/json")

    async def get_one(request: Request) -> Response:
        return Response(json.dumps(template), media_type="application/json")

    async def get_list(request: Request) -> Response:
        top = int(request.query_params.get("$top", "100"))
        return Response(json.dumps([template] * top), media_type="application/json")

    async def ready(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[
        Route(f"{BASE}/Vendor", put, methods=["PUT"]), Route(f"{BASE}/Vendor", get_list, methods=["GET"]),
        Route(f"{BASE}/Vendor/{{key}}", get_one, methods=["GET"]), Route("/", ready),
    ])


class Driver:
    def __init__(self, client: httpx.Client, tenant: str | None = None) -> None:
        self.client = client
        self.ids = itertools.count()
        if tenant is not None:
            r = client.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin",
                                                                   "tenant": tenant})
            if r.status_code != 204:
                raise RuntimeError(r.text)

    def check(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            raise RuntimeError(response.text[:2000])

    def put_vendor(self) -> None:
        n = next(self.ids)
        self.check(self.client.put(f"{BASE}/Vendor", json={
            "VendorID": {"value": f"NEW{n:07d}"}, "VendorName": {"value": f"New Vendor {n}"},
            "Terms": {"value": "30D"}}))

    def get_vendor(self) -> None:
        self.check(self.client.get(f"{BASE}/Vendor/V100"))

    def filter_page(self, flt: str, top: int = 100, skip: int = 0) -> None:
        r = self.client.get(f"{BASE}/Vendor", params={"$filter": flt, "$top": top, "$skip": skip,
                                                      "$select": "VendorID,VendorName,Status"})
        self.check(r)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200, help="calls per timed batch")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    calls = args.calls
    rows = []
    with serve(erpsim_app) as sim_url, serve(floor_app) as floor_url, \
            httpx.Client(base_url=sim_url, timeout=120) as sim, httpx.Client(base_url=floor_url, timeout=60) as flr:
        demo, base = Driver(sim, "Demo"), Driver(flr)
        rows.append(row("PUT Vendor (insert) round trip vs floor",
                        *compare(demo.put_vendor, base.put_vendor, calls), 2.5))
        rows.append(row("GET Vendor by key round trip vs floor",
                        *compare(demo.get_vendor, base.get_vendor, calls), 2.0))
        rows.append(row("GET 100 vendors ($top) vs floor",
                        *compare(lambda: demo.filter_page("Status ne 'x'"), lambda: base.filter_page(""),
                                 max(calls // 10, 5)), 2.0))
        # One client per tenant: the session lives in the cookie jar.
        small = Driver(httpx.Client(base_url=sim_url, timeout=120), "Small")
        large = Driver(httpx.Client(base_url=sim_url, timeout=120), "Large")
        for label, flt, skip, target, n in (
            ("$filter key eq, page at 100k vs 1k", "VendorID eq 'B000500'", 0, 1.5, calls),
            ("$filter early match, 100 rows at 100k vs 1k", "Status eq 'Active'", 0, 1.5, max(calls // 10, 5)),
            ("$filter early match, $skip 500, at 100k vs 1k", "Status eq 'Active'", 500, 1.5, max(calls // 10, 5)),
            ("$filter startswith, 100 rows at 100k vs 1k", "startswith(VendorName, 'Bulk')", 0, 1.5,
             max(calls // 10, 5)),
            ("$filter selective, narrowed in SQLite, 100k vs 1k (info)", "VendorName eq 'Bulk Vendor 700'", 0,
             float("inf"), 5),
            ("$filter linked field, narrowed, 100k vs 1k (info)", "MainContact/Email eq 'ap700@vendor.example'",
             0, float("inf"), 2),
        ):
            rows.append(row(label, *compare(lambda f=flt, s=skip: large.filter_page(f, skip=s),
                                            lambda f=flt, s=skip: small.filter_page(f, skip=s), n, rounds=3,
                                            warmup=1), target))
        small.client.close()
        large.client.close()
    ok = report("Acumatica contract-based REST", rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

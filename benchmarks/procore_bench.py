"""Procore REST API: a page of 100 vendors and a 10-item sync action, each against a floor server.

Run: ``.venv/bin/python -m benchmarks.procore_bench`` (under a minute). erpsim and the floor (bare Starlette doing
the same JSON parse and the room's own serialize, ``simulator.procore.wire.answer``, with no logic) each run under
uvicorn in their own process on loopback; the two sides are timed in alternating batches (7 rounds, medians).
erpsim's side does all its real work per call: the bearer token from the store, the rate-limit count written
to the store, the company header check, reading 100 vendors, and for the sync, one transaction per item with
its audit entry.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.harness import compare, report, row, serve

VENDORS = 100
SYNC_ITEMS = 10
CREDENTIALS = {"grant_type": "client_credentials", "client_id": "erpsim-demo", "client_secret": "erpsim-secret"}


def erpsim_app() -> Starlette:
    from simulator.app import create_app
    from simulator.procore import side
    from simulator.store import Store

    app = create_app(Store(":memory:"))
    # The counting stays on; the limit is raised so a benchmark's thousands of calls are not refused.
    app.state.tenants.configure("demo", {"procore": {"rate_limit_hourly": 10**9}})
    company = side.company(app, "demo")
    with app.state.store.transaction():
        for n in range(VENDORS):
            company.directory.create(name=f"Vendor {n:03d}", city="Austin", state="TX",
                                     email_address=f"ap{n}@vendor.example.com")
    return app


def floor_app() -> Starlette:
    from simulator.procore.wire import answer

    rows = [{"id": n, "name": f"Vendor {n:03d}", "abbreviated_name": None, "address": None, "city": "Austin",
             "state_code": "TX", "zip": None, "country_code": "US", "business_phone": None, "fax_number": None,
             "email_address": f"ap{n}@vendor.example.com", "website": None, "is_active": True,
             "synced_to_erp": False, "erp_vendor_id": None, "origin_id": None, "origin_data": None,
             "origin_code": None, "erp_status": "not_in_erp"} for n in range(VENDORS)]

    async def listing(request: Request) -> Response:
        return answer(rows, headers={"Total": str(VENDORS), "Per-Page": "100"})

    async def sync(request: Request) -> Response:
        data = json.loads(await request.body())
        return answer({"entities": [dict(rows[0], **u) for u in data["updates"]], "errors": []})

    async def root(request: Request) -> Response:
        return answer({})

    return Starlette(routes=[Route("/", root), Route("/procore/rest/v1.0/vendors", listing),
                             Route("/procore/rest/v1.0/vendors/sync", sync, methods=["PATCH"])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with serve(erpsim_app) as erpsim_url, serve(floor_app) as floor_url:
        token = httpx.post(f"{erpsim_url}/procore/oauth/token", data=CREDENTIALS).json()["access_token"]
        company = httpx.get(f"{erpsim_url}/procore/rest/v1.0/companies",
                            headers={"Authorization": f"Bearer {token}"}).json()[0]["id"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company)}
        ours, floor = httpx.Client(base_url=erpsim_url, headers=headers), httpx.Client(base_url=floor_url)
        params = {"company_id": company, "per_page": 100}
        updates = {"company_id": company, "updates": [{"origin_id": f"V-{n}", "name": f"Synced {n}"}
                                                      for n in range(SYNC_ITEMS)]}

        def get(client: httpx.Client) -> Any:
            def call() -> None:
                response = client.get("/procore/rest/v1.0/vendors", params=params)
                assert response.status_code == 200 and len(response.json()) == VENDORS, response.text[:200]
            return call

        def sync(client: httpx.Client) -> Any:
            def call() -> None:
                response = client.patch("/procore/rest/v1.0/vendors/sync", json=updates)
                assert response.status_code == 200 and not response.json()["errors"], response.text[:300]
            return call

        rows = [
            row("GET 100 vendors vs floor", *compare(get(ours), get(floor), 30, args.rounds), 3.0),
            row(f"sync action, {SYNC_ITEMS} vendors, vs floor", *compare(sync(ours), sync(floor), 10, args.rounds),
                5.0),
        ]
        ok = report("Procore REST API", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

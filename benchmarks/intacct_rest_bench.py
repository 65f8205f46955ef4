"""Sage Intacct REST API: a create and a 100-row query against a floor server of the same shape.

Run: ``.venv/bin/python -m benchmarks.intacct_rest_bench`` (about a minute). The floor server is
Starlette with the same JSON parse, a bearer-token lookup in a dict and the same envelope, and no
Intacct logic. Targets: both round trips within 1.5x the floor.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from benchmarks.harness import compare, finish, row, serve
from benchmarks.intacct_bench import bulk_vendors

BASE = "/ia/api/v1"
FIELDS = ["key", "id", "name", "status", "totalDue", "contacts.default.email1"]


def erpsim_app() -> Starlette:
    from simulator.app import create_app
    from simulator.intacct import service
    from simulator.store import Store

    app = create_app(Store(":memory:"), services=[service])
    app.state.tenants.create("bench", "Bench", config={"intacct": {"company_id": "BENCH"}})
    bulk_vendors(app.state.store.records("bench"), 1_000)
    return app


def floor_app() -> Starlette:
    """The REST wire's shape with nothing behind it: parse, look the token up, answer the envelope."""
    tokens = {"floor-token": "bench"}
    meta = {"totalCount": 1, "totalSuccess": 1, "totalError": 0}

    def signed_in(request: Request) -> bool:
        return tokens.get(request.headers.get("authorization", "").removeprefix("Bearer ")) is not None

    async def create(request: Request) -> Response:
        body = json.loads(await request.body())
        if not signed_in(request):
            return JSONResponse({"error": {"code": "tokenInvalid"}}, status_code=401)
        return JSONResponse({"ia::result": {"key": "1", "id": body["id"], "href": "/objects/x/1"},
                             "ia::meta": meta}, status_code=201)

    async def query(request: Request) -> Response:
        body = json.loads(await request.body())
        if not signed_in(request):
            return JSONResponse({"error": {"code": "tokenInvalid"}}, status_code=401)
        rows = [{name: f"{name}-{n}" for name in body["fields"]} for n in range(body["size"])]
        return JSONResponse({"ia::result": rows, "ia::meta": {"totalCount": 1000, "start": body["start"],
                                                              "pageSize": body["size"], "next": 101,
                                                              "previous": None}})

    async def ready(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[Route(f"{BASE}/objects/accounts-payable/vendor", create, methods=["POST"]),
                             Route(f"{BASE}/services/core/query", query, methods=["POST"]), Route("/", ready)])


def token(client: httpx.Client) -> str:
    reply = client.post(f"{BASE}/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": "bench.erpsim.app", "client_secret": "bench-rest-secret",
        "username": "admin@BENCH"})
    reply.raise_for_status()
    return str(reply.json()["access_token"])


class Driver:
    def __init__(self, client: httpx.Client, access_token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {access_token}"}
        self.ids = itertools.count()

    def create_vendor(self) -> None:
        n = next(self.ids)
        reply = self.client.post(f"{BASE}/objects/accounts-payable/vendor", headers=self.headers, json={
            "id": f"NEW{n:07d}", "name": f"New Vendor {n}", "contacts": {"default": {"printAs": f"New Vendor {n}"}}})
        if reply.status_code != 201:
            raise RuntimeError(reply.text[:2000])

    def query(self) -> None:
        reply = self.client.post(f"{BASE}/services/core/query", headers=self.headers, json={
            "object": "accounts-payable/vendor", "fields": FIELDS, "start": 101, "size": 100})
        if reply.status_code != 200 or len(reply.json()["ia::result"]) != 100:
            raise RuntimeError(reply.text[:2000])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=150, help="calls per timed batch")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with serve(erpsim_app) as sim_url, serve(floor_app) as floor_url, \
            httpx.Client(base_url=sim_url, timeout=60) as sim, httpx.Client(base_url=floor_url, timeout=60) as floor:
        rest, base = Driver(sim, token(sim)), Driver(floor, "floor-token")
        checks = [("REST create vendor round trip vs floor", rest.create_vendor, base.create_vendor, 1.5),
                  ("REST query 100 rows round trip vs floor", rest.query, base.query, 1.5)]
        for name, measured, baseline, target in checks:
            rows.append(row(name, *compare(measured, baseline, args.calls, warmup=100), target))
    return finish("Sage Intacct REST API", rows, args.json)


if __name__ == "__main__":
    sys.exit(main())

"""Sage 100 Contractor record API: round trips against a floor server, and job cost pages at 1k vs 100k rows.

Run: ``.venv/bin/python -m benchmarks.sage100_bench`` (about a minute). The floor server is bare
Starlette doing the same JSON parse and serialize (the room's own ``wire`` helpers) with no logic.
Targets: insert and retrieve within 2x the floor; page reads and inserts within 1.2x from 1k to 100k
job cost rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.harness import per_call, report, row, serve

SIZES = {"small": 1_000, "large": 100_000}
JOBS = (1001, 1002, 1003)


def bulk_job_cost(records: Any, count: int) -> None:
    """Job cost rows straight into the store, spread over the demo jobs: setup, not what is measured."""
    jobs = {j: records.get_by_key("sage100.actrec", str(j)).id for j in JOBS}
    with records.store.transaction():
        for n in range(count):
            number = records.next_value("sage100.jobcst.recnum")
            job = JOBS[n % len(JOBS)]
            records.insert("sage100.jobcst", {
                "recnum": number, "jobnum": job, "phsnum": 0, "cstcde": "3.300", "csttyp": 2, "cstamt": "125.00",
                "csthrs": "2.00", "trnnum": f"PR-{n}", "trndte": "2026-03-01", "dscrpt": f"Bulk cost {n}",
                "srcnum": 3, "vndnum": None, "empnum": n % 40, "eqpnum": None, "status": 1, "blgamt": None,
                "ovhamt": None, "insdte": "2026-03-01T00:00:00Z", "insusr": "bench", "upddte": "2026-03-01T00:00:00Z",
                "updusr": "bench"}, parent=jobs[job], id=number)


def erpsim_app() -> Starlette:
    from simulator.app import create_app
    from simulator.sage100 import service
    from simulator.store import Store

    app = create_app(Store(":memory:"), services=[service])
    for tenant, size in SIZES.items():
        app.state.tenants.create(tenant, f"{tenant.title()} Co", fixture="demo",
                                 config={"sage100": {"licence_seats": 10}})
        bulk_job_cost(app.state.store.records(tenant), size)
    app.state.tenants.configure("demo", {"sage100": {"licence_seats": 10}})
    return app


def _record(n: int) -> dict[str, Any]:
    from simulator.sage100.tables import TABLES

    # The same columns a real jobcst carries, so the floor serializes as much as erpsim does.
    return {c.name: (n if c.type == "int" else 1.5 if c.type == "decimal" else "2026-03-01" if "dte" in c.name
                     else None if c.type == "bool" else f"value {n}") for c in TABLES["jobcst"].columns}


def floor_app() -> Starlette:
    """Starlette plus the room's JSON parse and serialize, with no record logic at all."""
    from simulator.sage100.wire import SageJSON, parse_object

    page = {"table": "jobcst", "count": 100, "next_after": 100, "records": [_record(n) for n in range(100)]}

    async def records(request: Request) -> Response:
        if request.method == "POST":
            body = parse_object(await request.body())
            return SageJSON({"record": {**_record(1), **body}, "warnings": []}, status_code=201)
        return SageJSON(page)

    async def one(request: Request) -> Response:
        return SageJSON({"record": _record(int(request.path_params["key"]))})

    async def ready(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[Route("/sage100/records/{table}", records, methods=["GET", "POST"]),
                             Route("/sage100/records/{table}/{key}", one), Route("/", ready)])


def paired(name: str, measured: Callable[[], object], baseline: Callable[[], object], calls: int, target: float,
           rounds: int = 7) -> dict[str, Any]:
    """Time the two sides in alternating batches, so load that comes and goes hits both alike."""
    for fn in (measured, baseline):
        for _ in range(10):
            fn()
    samples: list[tuple[float, float]] = []
    for _ in range(rounds):
        pair = []
        for fn in (measured, baseline):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            pair.append((time.perf_counter() - start) / calls)
        samples.append((pair[0], pair[1]))
    return row(name, statistics.median(a for a, _ in samples), statistics.median(b for _, b in samples), target)


class Driver:
    def __init__(self, client: httpx.Client, company: str | None) -> None:
        self.client = client
        self.numbers = itertools.count(1)
        if company is not None:
            login = client.post("/sage100/session", json={"company": company, "username": "api", "password": "api"})
            login.raise_for_status()
            client.headers["Authorization"] = f"Bearer {login.json()['token']}"

    def ok(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            raise RuntimeError(response.text[:2000])
        return response

    def insert_cost(self) -> None:
        n = next(self.numbers)
        self.ok(self.client.post("/sage100/records/jobcst", json={
            "jobnum": 1001, "cstcde": 3.3, "csttyp": 1, "cstamt": 10.25, "trnnum": f"B-{n}",
            "trndte": "2026-03-02", "dscrpt": "Bench cost"}))

    def retrieve(self, recnum: int = 500) -> None:
        self.ok(self.client.get(f"/sage100/records/jobcst/{recnum}"))

    def page(self, after: int, **filters: Any) -> None:
        self.ok(self.client.get("/sage100/records/jobcst", params={"limit": 100, "after": after, **filters}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50, help="calls per timed batch (7 batches a side)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    calls = args.calls
    rows = []
    with serve(erpsim_app) as sim_url, serve(floor_app) as floor_url, \
            httpx.Client(base_url=sim_url, timeout=60) as sim, \
            httpx.Client(base_url=sim_url, timeout=60) as sim_small, \
            httpx.Client(base_url=sim_url, timeout=60) as sim_large, \
            httpx.Client(base_url=floor_url, timeout=60) as floor:
        demo, base = Driver(sim, "Demo Construction"), Driver(floor, None)
        small, large = Driver(sim_small, "Small Co"), Driver(sim_large, "Large Co")
        rows.append(paired("insert jobcst round trip vs floor", demo.insert_cost, base.insert_cost, calls, 2.0))
        rows.append(paired("retrieve one jobcst vs floor", lambda: small.retrieve(500), lambda: base.retrieve(500),
                           calls, 2.0))
        rows.append(paired("page of 100 jobcst vs floor", lambda: small.page(0), lambda: base.page(0), calls, 2.0))
        rows.append(paired("page of 100 (after=middle) at 100k vs 1k", lambda: large.page(50_000),
                           lambda: small.page(500), calls, 1.2))
        rows.append(paired("page of 100 for one job at 100k vs 1k", lambda: large.page(50_000, jobnum=1002),
                           lambda: small.page(500, jobnum=1002), calls, 1.2))
        rows.append(paired("retrieve one jobcst at 100k vs 1k", lambda: large.retrieve(99_000),
                           lambda: small.retrieve(900), calls, 1.2))
        rows.append(paired("insert jobcst at 100k vs 1k", large.insert_cost, small.insert_cost, calls, 1.2))
        rows.append(row("filtered page, rare match, 100k vs 1k (info)",
                        per_call(lambda: large.page(0, trnnum="PR-99999"), 3, rounds=3, warmup=1),
                        per_call(lambda: small.page(0, trnnum="PR-999"), 3, rounds=3, warmup=1), float("inf")))
    ok = report("Sage 100 Contractor record API", rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

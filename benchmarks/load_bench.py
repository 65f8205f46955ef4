"""Every ERP room against a floor of the same shape, in one interleaved run.

Run: ``.venv/bin/python -m benchmarks.load_bench`` (about five minutes). Options: ``--rows 1000000`` for the
large companies (growth to 1M rows), ``--workers N`` for both servers, ``--skip-throughput``.

erpsim runs as ``erpsim serve`` over a SQLite file seeded beforehand; the floor is one Starlette app doing
each room's own parse and serialize with no logic (``floor_app``), under uvicorn with the same worker count.
Both sides are timed in alternating batches (medians), so load on the shared machine hits both alike, and
every figure is a ratio:

- round trips, erpsim / floor, for each row of the performance issue's table;
- a filter that matches almost nothing, large company vs small (1k rows), on indexed fields;
- throughput (requests per second) at 1, 8 and 64 concurrent keep-alive clients, erpsim / floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks import acumatica_bench, intacct_bench, sage100_bench
from benchmarks.harness import compare, report, row
from simulator.testing import free_port

SMALL = 1_000
FIELDS = ["VENDORID", "NAME", "STATUS", "TOTALDUE", "WHENMODIFIED"]
ACU = acumatica_bench.BASE
STAMP_INTACCT = "01/01/2026 00:00:00"
STAMP_ISO = "2026-01-01T00:00:00"


# -- seeding: straight into the store, in batches (setup speed is reported, not compared) ----------------


def intacct_vendors(records: Any, n: int) -> None:
    start = records.next_value("intacct.VENDOR")
    records.insert_many("intacct.VENDOR", _intacct_vendors(start, n))


def _intacct_vendors(start: int, n: int) -> Iterator[tuple[int, str, None, dict[str, Any]]]:
    for i in range(n):
        vid = f"B{i:07d}"
        yield start + i, vid, None, {
            "RECORDNO": str(start + i), "VENDORID": vid, "NAME": f"Bulk Vendor {i}", "STATUS": "active" if i else
            "inactive", "TOTALDUE": "0.00", "DISPLAYCONTACT.PRINTAS": f"Bulk Vendor {i}",
            "DISPLAYCONTACT.EMAIL1": f"ap{i}@vendor.example", "WHENCREATED": STAMP_INTACCT,
            "WHENMODIFIED": STAMP_INTACCT}


def acumatica_vendors(records: Any, n: int) -> None:
    from simulator.acumatica.models import ID_INDEX, key_of

    nodes = []
    start, ref = records.next_value("acumatica.Vendor"), records.next_value(ID_INDEX)
    for i in range(n):
        node = acumatica_bench.vendor_node(i, STAMP_ISO)
        node["fields"]["Status"] = "Active" if i else "Inactive"
        nodes.append((start + i, key_of([node["fields"]["VendorID"]]), None, node))
    records.insert_many("acumatica.Vendor", iter(nodes))
    records.insert_many(ID_INDEX, ((ref + n, node["id"], None, {"entity": "Vendor", "row": rid})
                                   for n, (rid, _, _, node) in enumerate(nodes)))


def sage_job_cost(records: Any, n: int) -> None:
    jobs = {j: records.get_by_key("sage100.actrec", str(j)).id for j in sage100_bench.JOBS}
    start = records.next_value("sage100.jobcst.recnum")

    def rows() -> Iterator[tuple[int, None, int, dict[str, Any]]]:
        for i in range(n):
            number = start + i
            job = sage100_bench.JOBS[i % 3]
            yield number, None, jobs[job], {
                "recnum": number, "jobnum": job, "phsnum": 0, "cstcde": "3.300", "csttyp": 2, "cstamt": "125.00",
                "csthrs": "2.00", "trnnum": f"PR-{i}", "trndte": "2026-03-01", "dscrpt": f"Bulk cost {i}",
                "srcnum": 3, "vndnum": None, "empnum": i % 40, "eqpnum": None, "status": 2 if i == 0 else 1,
                "blgamt": None, "ovhamt": None, "insdte": "2026-03-01T00:00:00Z", "insusr": "bench",
                "upddte": "2026-03-01T00:00:00Z", "updusr": "bench"}

    records.insert_many("sage100.jobcst", rows())
    records.set_sequence("sage100.jobcst.recnum", start + n)


def seed(path: str, large: int) -> dict[str, float]:
    from simulator.app import create_app
    from simulator.store import Store

    store = Store(path)
    app = create_app(store)
    config = {"acumatica": {"max_api_sessions": 0}, "sage100": {"licence_seats": 1000}}
    app.state.tenants.configure("demo", config)
    took = {}
    for tenant, size in (("small", SMALL), ("large", large)):
        start = time.perf_counter()
        app.state.tenants.create(tenant, f"{tenant.title()} Co", fixture="demo", config={
            "acumatica": {"max_api_sessions": 0, "tenant_name": tenant.title()}, "sage100": {"licence_seats": 1000},
            "intacct": {"company_id": tenant.upper()}})
        records = store.records(tenant)
        with store.transaction():
            intacct_vendors(records, size)
            acumatica_vendors(records, size)
            sage_job_cost(records, size)
        took[tenant] = time.perf_counter() - start
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return took


# -- the floor: each room's parse and serialize, no logic -------------------------------------------------


def floor_app() -> Starlette:
    from simulator.intacct.wire import append_rows, parse_request, serialize, sub

    intacct = intacct_bench.floor_app()
    acumatica = acumatica_bench.floor_app()
    sage = sage100_bench.floor_app()
    vendor_rows = [tuple(f"{name}-{n}" for name in FIELDS) for n in range(1000)]
    other = next(r.endpoint for r in intacct.routes if getattr(r, "path", "") == intacct_bench.PATH)

    async def gateway(request: Request) -> Response:
        body = await request.body()
        root = parse_request(body)
        fn = root.find("operation/content/function")
        if fn is None or fn[0].tag != "readByQuery":
            return await other(_replay(request, body))
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
        result = sub(op, "result")
        sub(result, "status", "success")
        sub(result, "function", "readByQuery")
        sub(result, "controlid", fn.get("controlid"))
        size = int(fn[0].findtext("pagesize") or 100)
        data = sub(result, "data", listtype="vendor", count=str(size), totalcount="1000", numremaining="900",
                   resultId="floor")
        append_rows(data, "vendor", FIELDS, vendor_rows[:size])
        return Response(serialize(response, False), media_type="text/xml")

    routes = [Route(intacct_bench.PATH, gateway, methods=["POST"])]
    routes += [r for r in acumatica.routes if getattr(r, "path", "") != "/"]
    routes += [r for r in sage.routes if getattr(r, "path", "") != "/"]

    async def ready(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[*routes, Route("/", ready)])


def _replay(request: Request, body: bytes) -> Request:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


# -- servers -----------------------------------------------------------------------------------------------


@contextmanager
def server(command: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([*command, "--port", str(port)], env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    try:
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def erpsim_command(db: str, workers: int) -> list[str]:
    command = [sys.executable, "-m", "simulator.cli", "serve", "--db", db, "--log-level", "warning"]
    return command + (["--workers", str(workers)] if workers != 1 else [])


def floor_command(workers: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "benchmarks.load_bench:floor_app", "--factory", "--log-level",
            "warning", "--no-access-log", "--workers", str(workers)]


# -- drivers -----------------------------------------------------------------------------------------------


def intacct_read_by_query(driver: intacct_bench.Driver, query: str = "", size: int = 100) -> None:
    driver.post(f"<readByQuery><object>VENDOR</object><fields>{','.join(FIELDS)}</fields><query>{query}</query>"
                f"<pagesize>{size}</pagesize></readByQuery>")


def intacct_query(driver: intacct_bench.Driver, flt: str) -> None:
    select = "".join(f"<field>{f}</field>" for f in FIELDS)
    driver.post(f"<query><object>VENDOR</object><select>{select}</select><filter>{flt}</filter>"
                f"<pagesize>100</pagesize></query>")


def acumatica_list(driver: acumatica_bench.Driver, flt: str | None, top: int = 100) -> None:
    params: dict[str, Any] = {"$top": top}
    if flt:
        params["$filter"] = flt
    driver.check(driver.client.get(f"{ACU}/Vendor", params=params))


# -- throughput: raw keep-alive HTTP/1.1 clients, so the client's own cost stays small ---------------------


def raw_request(url: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    host = url.split("//", 1)[1]
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _client(url: str, request: bytes, stop: float, counts: list[int], errors: list[str]) -> None:
    host, port = url.split("//", 1)[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        while time.perf_counter() < stop:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            status = head[9:12]
            if status != b"200" or b"<status>failure</status>" in body:
                errors.append(status.decode() + " " + body[:200].decode(errors="replace"))
            else:
                counts[0] += 1
    finally:
        writer.close()


def throughput(url: str, requests: list[bytes], seconds: float) -> tuple[float, int]:
    """Requests per second with one keep-alive connection per request template, for ``seconds``."""
    counts = [0]
    errors: list[str] = []

    async def run() -> None:
        stop = time.perf_counter() + seconds
        await asyncio.gather(*(_client(url, r, stop, counts, errors) for r in requests))

    start = time.perf_counter()
    asyncio.run(run())
    return counts[0] / (time.perf_counter() - start), len(errors)


def paired_throughput(name: str, sim: Callable[[], tuple[float, int]], floor: Callable[[], tuple[float, int]],
                      target: float, rounds: int = 3) -> dict[str, Any]:
    sims, floors, errors = [], [], 0
    for _ in range(rounds):
        rate, errs = sim()
        sims.append(rate)
        errors += errs
        floors.append(floor()[0])
    sims.sort()
    floors.sort()
    s, f = sims[len(sims) // 2], floors[len(floors) // 2]
    # Reported as erpsim's share of the floor's rate (higher is better), in the ratio column.
    return {"check": name, "ms": round(1000 / s, 3), "baseline_ms": round(1000 / f, 3), "ratio": round(s / f, 2),
            "target": target, "ok": s / f >= target and errors == 0, "errors": errors, "rps": round(s),
            "floor_rps": round(f)}


def intacct_session(url: str, company: str) -> str:
    with httpx.Client(base_url=url, timeout=60) as client:
        return intacct_bench.login(client, company)


def acumatica_cookie(url: str, tenant: str) -> str:
    with httpx.Client(base_url=url, timeout=60) as client:
        r = client.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin", "tenant": tenant})
        if r.status_code != 204:
            raise RuntimeError(r.text)
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="rows per ERP in the large company")
    parser.add_argument("--calls", type=int, default=60, help="calls per timed batch")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for both servers")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one throughput sample")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    n = args.calls
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        took = seed(db, args.rows)
        size = os.path.getsize(db)
        print(f"seeded: small {took['small']:.1f} s, large ({args.rows} rows per ERP) {took['large']:.1f} s; "
              f"database {size / 1e6:.0f} MB")
        rows: list[dict[str, Any]] = []
        with server(erpsim_command(db, args.workers)) as sim_url, server(floor_command(args.workers)) as floor_url, \
                httpx.Client(base_url=sim_url, timeout=120) as sim, httpx.Client(base_url=floor_url, timeout=60) as flr:
            ia, ia_floor = intacct_bench.Driver(sim, intacct_bench.login(sim, "DEMO")), intacct_bench.Driver(flr, "x")
            rows.append(row("Intacct create VENDOR vs floor", *compare(ia.create_vendor, ia_floor.create_vendor, n),
                            1.3))
            rows.append(row("Intacct query 100 rows vs floor", *compare(ia.query, ia_floor.query, n), 1.3))
            rows.append(row("Intacct readByQuery 100 rows vs floor",
                            *compare(lambda: intacct_read_by_query(ia), lambda: intacct_read_by_query(ia_floor), n),
                            1.3))
            with httpx.Client(base_url=sim_url, timeout=120) as acu_client:
                acu, acu_floor = acumatica_bench.Driver(acu_client, "Demo"), acumatica_bench.Driver(flr)
                rows.append(row("Acumatica PUT Vendor vs floor", *compare(acu.put_vendor, acu_floor.put_vendor, n),
                                1.3))
                rows.append(row("Acumatica GET by key vs floor", *compare(acu.get_vendor, acu_floor.get_vendor, n),
                                1.3))
                rows.append(row("Acumatica GET 100 records vs floor",
                                *compare(lambda: acumatica_list(acu, None), lambda: acumatica_list(acu_floor, None),
                                         max(n // 4, 5)), 1.3))
            with httpx.Client(base_url=sim_url, timeout=120) as sage_client:
                sage, sage_floor = sage100_bench.Driver(sage_client, "Demo Construction"), sage100_bench.Driver(flr, None)
                rows.append(row("Sage 100 insert vs floor", *compare(sage.insert_cost, sage_floor.insert_cost, n), 1.3))
                rows.append(row("Sage 100 page of 100 vs floor",
                                *compare(lambda: sage.page(0), lambda: sage_floor.page(0), n), 1.3))
            # A filter that matches almost nothing, large company vs small, on indexed fields.
            with httpx.Client(base_url=sim_url, timeout=120) as a, httpx.Client(base_url=sim_url, timeout=120) as b:
                big, small = intacct_bench.Driver(a, intacct_bench.login(a, "LARGE")), \
                    intacct_bench.Driver(b, intacct_bench.login(b, "SMALL"))
                late = "<greaterthan><field>WHENMODIFIED</field><value>01/01/2030 00:00:00</value></greaterthan>"
                for label, fn in (
                    ("Intacct query WHENMODIFIED > (none match)", lambda d: intacct_query(d, late)),
                    ("Intacct query VENDORID =", lambda d: intacct_query(
                        d, "<equalto><field>VENDORID</field><value>B0000700</value></equalto>")),
                    ("Intacct readByQuery STATUS = 'F' (1 match)", lambda d: intacct_read_by_query(d, "STATUS = 'F'")),
                ):
                    rows.append(row(f"{label}, large vs 1k", *compare(lambda f=fn: f(big), lambda f=fn: f(small), max(n // 2, 5), rounds=5), 2.0))
            with httpx.Client(base_url=sim_url, timeout=120) as a, httpx.Client(base_url=sim_url, timeout=120) as b:
                big_a, small_a = acumatica_bench.Driver(a, "Large"), acumatica_bench.Driver(b, "Small")
                for label, flt in (
                    ("Acumatica $filter VendorName eq (1 match)", "VendorName eq 'Bulk Vendor 700'"),
                    ("Acumatica $filter Status eq 'Inactive' (1 match)", "Status eq 'Inactive'"),
                    ("Acumatica $filter LastModifiedDateTime gt (none)",
                     "LastModifiedDateTime gt datetimeoffset'2030-01-01T00:00:00Z'"),
                ):
                    rows.append(row(f"{label}, large vs 1k", *compare(lambda f=flt: acumatica_list(big_a, f),
                                                                     lambda f=flt: acumatica_list(small_a, f),
                                                                     max(n // 2, 5), rounds=5), 2.0))
            with httpx.Client(base_url=sim_url, timeout=120) as a, httpx.Client(base_url=sim_url, timeout=120) as b:
                big_s, small_s = sage100_bench.Driver(a, "Large Co"), sage100_bench.Driver(b, "Small Co")
                for label, filters in (
                    ("Sage 100 page trnnum= (1 match)", {"trnnum": "PR-700"}),
                    ("Sage 100 page status=2 (1 match)", {"status": 2}),
                    ("Sage 100 page updated_since (none)", {"updated_since": "2030-01-01"}),
                ):
                    rows.append(row(f"{label}, large vs 1k", *compare(lambda f=filters: big_s.page(0, **f),
                                                                     lambda f=filters: small_s.page(0, **f),
                                                                     max(n // 2, 5), rounds=5), 2.0))
            if not args.skip_throughput:
                session = intacct_session(sim_url, "DEMO")
                rbq = intacct_bench.envelope(
                    f"<readByQuery><object>VENDOR</object><fields>{','.join(FIELDS)}</fields><query/>"
                    f"<pagesize>100</pagesize></readByQuery>", session)
                rbq_floor = intacct_bench.envelope(
                    f"<readByQuery><object>VENDOR</object><fields>{','.join(FIELDS)}</fields><query/>"
                    f"<pagesize>100</pagesize></readByQuery>", "x")
                xml = {"Content-Type": "application/xml"}
                for clients in (1, 8, 64):
                    sim_reqs = [raw_request(sim_url, "POST", intacct_bench.PATH, rbq, xml)] * clients
                    floor_reqs = [raw_request(floor_url, "POST", intacct_bench.PATH, rbq_floor, xml)] * clients
                    rows.append(paired_throughput(
                        f"throughput Intacct readByQuery 100, {clients} clients",
                        lambda r=sim_reqs: throughput(sim_url, r, args.seconds),
                        lambda r=floor_reqs: throughput(floor_url, r, args.seconds), 0.7))
                for clients in (1, 8, 64):
                    cookies = [acumatica_cookie(sim_url, "Demo") for _ in range(clients)]
                    path = f"{ACU}/Vendor?$top=100"
                    sim_reqs = [raw_request(sim_url, "GET", path, headers={"Cookie": c}) for c in cookies]
                    floor_reqs = [raw_request(floor_url, "GET", path)] * clients
                    rows.append(paired_throughput(
                        f"throughput Acumatica GET 100 Vendors, {clients} clients",
                        lambda r=sim_reqs: throughput(sim_url, r, args.seconds),
                        lambda r=floor_reqs: throughput(floor_url, r, args.seconds), 0.7))
    ok = report(f"erpsim vs floor, {args.workers} worker(s), large = {args.rows} rows per ERP", rows)
    print("(throughput rows: ms = 1000 / req/s; ratio = erpsim's share of the floor's req/s, target a minimum)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"seed_seconds": took, "db_bytes": size, "rows": rows}, fh, indent=1, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

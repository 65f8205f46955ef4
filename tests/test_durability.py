"""Crash safety and isolation of the store under real processes (slow: run with ``-m slow``).

- Eight writers hammer one server, which is killed with SIGKILL mid-flight: after a restart on the
  same database every write the server acknowledged is there.
- Eight writer processes share one database file through ``Store`` and are each killed with SIGKILL:
  every commit they reported is there, and the per-kind counts agree with the rows.
- Sixty-four concurrent clients write through one server: no errors, no lost writes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from simulator.store import Store
from simulator.testing import free_port

pytestmark = pytest.mark.slow

ACU = "/acumatica/entity/Default/24.200.001"


@contextmanager
def erpsim(db: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simulator.cli", "serve", "--db", str(db), "--port", str(port),
                             "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                httpx.get(url + "/_erpsim/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "erpsim did not start"
                time.sleep(0.2)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(30)


def signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    r = client.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin", "tenant": "Demo"})
    assert r.status_code == 204, r.text
    return client


def allow_sessions(url: str, count: int) -> None:
    r = httpx.patch(url + "/_erpsim/tenants/demo/config", json={"acumatica": {"max_api_sessions": count}}, timeout=60)
    assert r.status_code == 200, r.text


def put_vendor(client: httpx.Client, vendor_id: str) -> bool:
    try:
        r = client.put(f"{ACU}/Vendor", json={"VendorID": {"value": vendor_id}, "VendorName": {"value": vendor_id},
                                              "Terms": {"value": "30D"}})
    except httpx.TransportError:
        return False
    return r.status_code == 200


def test_a_killed_server_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "erpsim.db"
    acknowledged: list[str] = []
    lock = threading.Lock()
    with erpsim(db) as (url, proc):
        allow_sessions(url, 0)
        stop = threading.Event()

        def writer(n: int) -> None:
            with closing(signed_in(url)) as client:
                for i in range(10_000):
                    if stop.is_set():
                        return
                    vendor_id = f"K{n}X{i:05d}"
                    if put_vendor(client, vendor_id):
                        with lock:
                            acknowledged.append(vendor_id)
                    elif proc.poll() is not None:
                        return

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 80 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        stop.set()
        for t in threads:
            t.join(60)
    assert len(acknowledged) >= 80
    with erpsim(db) as (url, _), closing(signed_in(url)) as client:
        missing = [v for v in acknowledged if client.get(f"{ACU}/Vendor/{v}").status_code != 200]
    assert missing == []


def _store_writer(path: str, n: int, acks: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = Store(path)
    records = store.records("t")
    for i in range(100_000):
        with store.transaction():
            rid = records.insert("test.crash", {"writer": n, "i": i}, key=f"{n}:{i}")
        acks.put((n, i, rid))


def test_writer_processes_killed_mid_write_lose_no_commit(tmp_path: Path) -> None:
    path = str(tmp_path / "crash.db")
    setup = Store(path)
    setup.create_tenant("t", "t", {})
    setup.close()
    ctx = multiprocessing.get_context("spawn")
    acks = ctx.Queue()
    procs = [ctx.Process(target=_store_writer, args=(path, n, acks)) for n in range(8)]
    for p in procs:
        p.start()
    seen: list[tuple[int, int, int]] = []
    deadline = time.monotonic() + 120
    while len(seen) < 400 and time.monotonic() < deadline:
        seen.append(acks.get(timeout=60))
    for p in procs:
        os.kill(p.pid, signal.SIGKILL)
    for p in procs:
        p.join(30)
    while not acks.empty():
        seen.append(acks.get())
    store = Store(path)
    records = store.records("t")
    assert len(seen) >= 400
    for n, i, rid in seen:
        found = records.get("test.crash", rid)
        assert found is not None and found.data == {"writer": n, "i": i}
    assert records.count("test.crash") == len(records.ids("test.crash"))
    assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sixty_four_concurrent_clients_see_no_errors_and_lose_no_writes(tmp_path: Path) -> None:
    per_client = 5
    errors: list[str] = []
    with erpsim(tmp_path / "erpsim.db") as (url, _):
        allow_sessions(url, 0)
        clients = [signed_in(url) for _ in range(64)]
        barrier = threading.Barrier(64)

        def work(n: int) -> None:
            barrier.wait()
            for i in range(per_client):
                r = clients[n].put(f"{ACU}/Vendor", json={"VendorID": {"value": f"C{n:02d}X{i}"},
                                                          "VendorName": {"value": f"Client {n}"},
                                                          "Terms": {"value": "30D"}})
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:200]}")
                r = clients[n].get(f"{ACU}/Vendor", params={"$filter": "VendorName eq 'Client 0'", "$top": 10})
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(64)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        assert errors == []
        r = clients[0].get(f"{ACU}/Vendor", params={"$filter": "startswith(VendorID, 'C')", "$select": "VendorID",
                                                    "$top": 10_000})
        found = {v["VendorID"]["value"] for v in r.json()}
        assert {f"C{n:02d}X{i}" for n in range(64) for i in range(per_client)} <= found
        for client in clients:
            client.close()

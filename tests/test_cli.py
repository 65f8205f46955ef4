"""The quickstart's ``erpsim serve``: a real process, the demo company, the printed credentials."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from simulator.cli import default_db_path
from simulator.testing import free_port


def test_serve_starts_with_the_demo_company(tmp_path: Path) -> None:
    port = free_port()
    db = tmp_path / "erpsim.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_erpsim/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert health.status_code == 200
        tenants = httpx.get(f"http://127.0.0.1:{port}/_erpsim/tenants").json()["tenants"]
        assert [t["id"] for t in tenants] == ["demo"]
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert output.splitlines()[0] == f"training console:  http://127.0.0.1:{port}/"
    assert "demo company seeded" in output
    assert f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml" in output
    assert "erpsim / erpsim" in output and "DEMO" in output
    assert db.exists()


def test_default_database_lives_in_the_user_data_directory(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ERPSIM_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/xdg-test")
    if sys.platform.startswith("linux"):
        assert default_db_path() == Path("/tmp/xdg-test/erpsim/erpsim.db")
    monkeypatch.setenv("ERPSIM_DB", "/tmp/elsewhere.db")
    assert default_db_path() == Path("/tmp/elsewhere.db")
    assert os.environ["ERPSIM_DB"] == "/tmp/elsewhere.db"

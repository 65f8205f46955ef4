"""`erpsim serve` prints the Procore credentials and is ready for a project to go to the ERP at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from simulator.testing import free_port


def test_serve_prints_procore_logins_and_a_new_project_reaches_the_erp(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "simulator.cli", "serve", "--port", str(port), "--db",
                             str(tmp_path / "erpsim.db"), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/_erpsim/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        summary = httpx.get(f"{base}/_erpsim/tenants/demo/procore/").json()
        assert summary["setup"] == {"erp": "intacct", "imported": True}  # cost codes are there before anyone asks
        token = httpx.post(f"{base}/procore/oauth/token", data={
            "grant_type": "client_credentials", "client_id": "erpsim-demo", "client_secret": "erpsim-secret"}).json()
        with httpx.Client(base_url=f"{base}/procore/rest/v1.0",
                          headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=30) as api:
            synced_project(base, api)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0]
    assert "Procore REST API" in output
    assert "client id:        erpsim-demo" in output and "approver@demo.example.com / approver" in output


def synced_project(base: str, api: httpx.Client) -> None:
    """A project made over the REST API, sent by the project manager and accepted by the approver."""
    job = api.post("/projects", json={"project": {"name": "Library", "project_number": "2001"}}).json()
    assert api.post("/cost_codes", json={"project_id": job["id"], "cost_code": {"code": "03-300"}}
                    ).status_code == 201
    people = f"{base}/_erpsim/tenants/demo/procore/items/projects/{job['id']}"
    assert httpx.post(f"{people}/send", json={"user": "pm@demo.example.com"}).status_code == 200
    accepted = httpx.post(f"{people}/accept", json={"user": "approver@demo.example.com",
                                                    "fields": {"erp_job_id": "2001"}}, timeout=30)
    assert accepted.json()["ok"], accepted.text
    assert api.get(f"/projects/{job['id']}").json()["erp_status"] == "synced"

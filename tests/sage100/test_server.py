"""The Sage 100 Contractor API through a real uvicorn server on loopback, spoken to with httpx."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from simulator.app import create_app
from simulator.sage100 import service
from simulator.store import Store
from simulator.testing import ThreadedServer

from .helpers import LOGIN


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    store = Store(":memory:")
    with ThreadedServer(create_app(store, services=[service])) as running:
        yield running
    store.close()


def test_a_sync_client_round_trip_over_http(server: ThreadedServer) -> None:
    with httpx.Client(base_url=f"{server.url}/sage100", timeout=10) as http:
        assert http.get("/openapi.json").json()["info"]["title"].startswith("Sage 100 Contractor")
        login = http.post("/session", json=LOGIN)
        assert login.status_code == 201
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"

        job = http.post("/records/actrec", json={"recnum": 2026001, "jobnme": "Over the wire", "status": 3})
        assert job.status_code == 201 and job.json()["record"]["status"] == 3
        http.post("/records/bdglin", json={"recnum": 2026001, "cstcde": 3.1, "labbdg": 100}).raise_for_status()
        cost = http.post("/records/jobcst", json={"jobnum": 2026001, "cstcde": 3.1, "csttyp": 2, "cstamt": 150,
                                                  "trnnum": "PR-1", "trndte": "2026-04-01", "dscrpt": "Crew"})
        assert cost.status_code == 201
        assert [w["rule"] for w in cost.json()["warnings"]] == ["cost_over_budget"]
        page = http.get("/records/jobcst", params={"jobnum": 2026001})
        assert page.json()["records"][0]["cstamt"] == 150

        bad = http.post("/records/actrec", content=b'{"recnum": ', headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "MalformedJSON"
        huge = http.post("/records/actrec", content=b" " * (2 * 1024 * 1024))
        assert huge.status_code == 413 and huge.json()["error"]["rule"] == "body_limit"
        wrong = http.get("/records/actrec/2026-001")
        assert wrong.status_code == 400 and wrong.json()["error"]["rule"] == "numeric_job_number"

        assert http.delete("/session").json() == {"logged_out": True}
        assert http.get("/records/actrec").status_code == 401


def test_login_for_the_wrong_company_over_http(server: ThreadedServer) -> None:
    with httpx.Client(base_url=f"{server.url}/sage100", timeout=10) as http:
        response = http.post("/session", json={**LOGIN, "company": "Someone Else Inc"})
        assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")

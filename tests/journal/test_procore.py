"""The Procore side through the journal and faults: served by uvicorn, called as a Procore client would."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from .clients import journal

REST = "/procore/rest/v1.0"


@pytest.fixture
def procore(served: str) -> Iterator[httpx.Client]:
    config = httpx.get(f"{served}/_erpsim/tenants/demo").json()["config"]["procore"]
    with httpx.Client(base_url=served, timeout=10) as client:
        r = client.post("/procore/oauth/token", data={"grant_type": "client_credentials",
                                                      "client_id": config["client_id"],
                                                      "client_secret": config["client_secret"]})
        assert r.status_code == 200, r.text
        client.headers.update({"Authorization": f"Bearer {r.json()['access_token']}",
                               "Procore-Company-Id": str(config["company_id"])})
        yield client


def add(control: httpx.Client, **rule: object) -> None:
    r = control.post("/faults", json={"erp": "procore", **rule})
    assert r.status_code == 201, r.text


def test_procore_calls_are_journaled_by_resource_and_verb_with_tokens_masked(served: str, procore: httpx.Client,
                                                                             control: httpx.Client) -> None:
    assert procore.get(f"{REST}/projects").status_code == 200
    procore.get(f"{REST}/projects/999999")
    entries = journal(served, erp="procore")
    assert [e["operations"][0] for e in entries] == [{"name": "show", "object": "projects"},
                                                    {"name": "list", "object": "projects"},
                                                    {"name": "token", "object": "oauth"}]
    token = str(procore.headers["Authorization"]).split()[1]
    whole = control.get(f"/journal/{entries[2]['id']}").json()
    assert token not in str(whole) and "client_secret=%2A%2A%2A" in whole["request"]["body"]
    assert ["authorization", "Bearer ***"] in control.get(f"/journal/{entries[0]['id']}").json()["request"]["headers"]


@pytest.mark.parametrize("error, status", [("rate_limit", 429), ("unavailable", 503), ("session", 401)])
def test_procore_transient_errors_carry_retry_after(procore: httpx.Client, control: httpx.Client, error: str,
                                                    status: int) -> None:
    add(control, fault={"kind": "error", "error": error, "retry_after": 3}, first=1)
    r = procore.get(f"{REST}/projects")
    assert r.status_code == status and "errors" in r.json()
    assert r.headers["retry-after"] == "3"
    if error == "rate_limit":
        assert r.headers["x-rate-limit-remaining"] == "0"
    assert procore.get(f"{REST}/projects").status_code == 200


def test_procore_connection_faults_and_expiry(procore: httpx.Client, control: httpx.Client) -> None:
    add(control, fault="reset", first=1)
    with pytest.raises(httpx.TransportError):
        procore.get(f"{REST}/projects")
    add(control, fault={"kind": "latency", "ms": 200}, first=1)
    started = time.perf_counter()
    assert procore.get(f"{REST}/projects").status_code == 200
    assert time.perf_counter() - started >= 0.2
    add(control, fault="empty", first=1)
    assert procore.get(f"{REST}/projects").content == b""
    add(control, fault="session_expiry", first=1)
    assert procore.get(f"{REST}/projects").status_code == 401  # the token is gone for good
    assert procore.get(f"{REST}/projects").status_code == 401

"""The served OpenAPI document: generated from the table definitions, and held to by the server.

The fuzz test runs schemathesis 4 in-process over every operation with all
of its default checks. Two adaptations, both about the test harness rather
than the server:

- authentication is schemathesis's own auth hook (``SessionAuth``): it signs in
  once and schemathesis applies the token to every case except the ones it
  generates to test missing or wrong authentication, which must answer 401;
- ``DELETE /session`` (logout) is left out, since it would end the session the
  rest of the run depends on; ``test_auth.py`` covers it;
- PATCH operations skip the coverage phase (see ``CONFIG``) to keep the run
  near 20 s; their bodies use the same column definitions as POST bodies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.sage100 import service
from simulator.sage100.openapi import document
from simulator.sage100.tables import TABLES
from simulator.store import Store

from .helpers import LOGIN

def _fuzz_app() -> Starlette:
    app = create_app(Store(":memory:"), services=[service])
    # Room for the fuzzer: plenty of seats, no idle timeout during the run.
    app.state.tenants.configure("demo", {"sage100": {"licence_seats": 50, "session_timeout_minutes": 600}})
    return app


# Built at import (about 20 ms) so every operation is its own test item.
FUZZ_APP = _fuzz_app()
# Explicit so a schemathesis.toml elsewhere in the project cannot change this run.
CONFIG = SchemathesisConfig.from_dict({
    # PATCH bodies are built from the same column definitions as POST bodies, which the coverage
    # phase walks in full; PATCH keeps the fuzzing phase and every check.
    "operations": [{"include-method": "PATCH", "phases": {"coverage": {"enabled": False}}}],
})
schema = schemathesis.openapi.from_asgi("/sage100/openapi.json", FUZZ_APP, config=CONFIG).exclude(
    method="DELETE", path="/session")


@pytest.fixture(scope="module")
def fuzz_app() -> Starlette:
    return FUZZ_APP


@pytest.fixture(scope="module")
def fuzz_session() -> Iterator[asgi.ASGIClient]:
    """One in-process client for the whole run (a fresh one per call costs an event-loop thread each)."""
    with asgi.get_client(FUZZ_APP) as client:
        client.trust_env = False  # no proxy lookups from the environment on every request
        yield client


@schema.auth()
class SessionAuth:
    """Sign in once (schemathesis caches the token); schemathesis decides which cases go without it."""

    def get(self, case: Any, ctx: Any) -> str:
        with TestClient(FUZZ_APP) as client:
            token: str = client.post("/sage100/session", json=LOGIN).json()["token"]
        return token

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# Statuses answered to cases sent without an Authorization header, for the check that follows the run.
UNAUTHENTICATED: list[int] = []


@schema.parametrize()
# Derandomized: the suite must give the same answer every run.
@hypothesis.settings(max_examples=3, deadline=None, database=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_openapi(case: Any, fuzz_session: asgi.ASGIClient) -> None:
    response = case.call_and_validate(session=fuzz_session)
    if case.operation.definition.raw.get("security", None) != [] and \
            "authorization" not in {k.lower() for k in (response.request.headers or {})}:
        UNAUTHENTICATED.append(response.status_code)


def test_fuzzing_sent_cases_without_authentication() -> None:
    """The auth hook leaves schemathesis free to generate missing-auth cases; each must be refused with 401."""
    if not UNAUTHENTICATED:
        pytest.skip("run with the fuzz test above")
    assert set(UNAUTHENTICATED) == {401}


def test_openapi_is_served_and_matches_the_tables(api: Any, sage_client: TestClient) -> None:
    served = sage_client.get("/sage100/openapi.json")
    assert served.status_code == 200
    doc = served.json()
    assert doc == document()
    assert doc["openapi"].startswith("3.") and doc["servers"] == [{"url": "/sage100"}]
    schemas = doc["components"]["schemas"]
    for table in TABLES.values():
        record = schemas[table.name]
        assert list(record["properties"])[:len(table.columns)] == [c.name for c in table.columns]
        insert = schemas[f"{table.name}.insert"]
        assert insert["additionalProperties"] is False
        assert set(insert.get("required", [])) == {c.name for c in table.columns if c.required}
        assert f"/records/{table.name}" in doc["paths"]
        assert ("post" in doc["paths"][f"/records/{table.name}"]) == table.insertable
    actrec = schemas["actrec.insert"]["properties"]
    assert actrec["jobnme"]["maxLength"] == 75 and actrec["shtnme"]["maxLength"] == 30
    assert actrec["status"]["enum"] == [1, 2, 3, 4, 5, 6] and "1-Bid" in actrec["status"]["description"]
    code = schemas["cstcde.insert"]["properties"]["recnum"]
    assert code["multipleOf"] == 0.001 and code["minimum"] == 1
    assert schemas["acpinv.insert"]["properties"]["status"]["enum"] == [1, 2, 3, 4, 5]
    assert set(schemas["subcon.insert"]["properties"]) >= {"ctcnum", "rtnrte", "sbcnln"}
    assert "balttl" not in schemas["subcon.insert"]["properties"]
    assert doc["paths"]["/records/acpinv/{recnum}/post"]["post"]["operationId"] == "post_acpinv"
    assert doc["paths"]["/records/sbcnln/{_idnum}"]["parameters"][0]["name"] == "_idnum"


def test_tables_listing(sage_client: TestClient) -> None:
    listing = sage_client.get("/sage100/tables").json()["tables"]
    assert [t["name"] for t in listing] == list(TABLES)
    subcon = next(t for t in listing if t["name"] == "subcon")
    assert subcon["lines"] == "sbcnln" and subcon["numbering"] == "auto"
    assert any(c["name"] == "rtnrte" for c in subcon["columns"])

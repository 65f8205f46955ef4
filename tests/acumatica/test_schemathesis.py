"""Property-based contract test: schemathesis over the served swagger.json, in process, signed in.

Every operation of ``Default/24.200.001`` is exercised with generated valid and
invalid requests and checked with schemathesis's built-in checks, with two
adapted, for reasons that come from the real API rather than from us:

* ``not_a_server_error`` is replaced: Acumatica answers a missing record with
  **500** ``NoEntitySatisfiesTheConditionException``, a disabled action with 500
  ``PXActionDisabledException`` and business refusals on deletes with 500
  ``PXException``. The replacement still fails on any 5xx that is not one of
  those, so a crash (``System.Exception``) or a malformed body fails the run.
* ``positive_data_acceptance`` is replaced: a body can be valid against the
  schema and still break a business rule (an unknown vendor, a released
  document), which the server answers with 422 and the entity echoed; an OData
  ``$filter`` is a plain string in the schema yet has a grammar (400). The
  replacement accepts those statuses only when the body carries the ERP's own
  error shape (field-level ``error`` in a 422 echo, ``modelState`` or
  ``exceptionMessage`` in a 400).

* ``allow_header_conformance`` is replaced: the real swagger declares
  overlapping templates (``/{Entity}/{id}``, ``/{Entity}/{ids}``,
  ``/{Entity}/{actionName}`` and ``/{Entity}/$adHocSchema``), and the server
  routes a URL, not a template, so its 405 to ``OPTIONS`` lists every method of
  every template the URL matches (GET, DELETE and POST on ``/Vendor/V100``). The
  replacement demands exactly that union, so a missing or an extra method still
  fails.

The run uses schemathesis's example and fuzzing phases (valid and invalid data)
with few examples per operation so it finishes in seconds. Its coverage phase
(boundary and negative cases for every property, unexpected methods such as
``OPTIONS``) takes about 18 minutes over all 147 operations on two cores, so the
suite runs it over two entities that between them have every kind of operation
(``-m slow``, ``test_schemathesis_coverage.py``), and ``ERPSIM_SCHEMATHESIS_COVERAGE=1`` turns it on for every
operation (``test_schemathesis_coverage.py``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import allow_header_conformance, positive_data_acceptance
from starlette.applications import Starlette

from simulator.acumatica import service
from simulator.app import create_app
from simulator.store import Store

SWAGGER = "/acumatica/entity/Default/24.200.001/swagger.json"
EXPECTED_500 = {
    "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException",
    "PX.Data.PXActionDisabledException",
    "PX.Data.PXException",
    # A sign-in naming a tenant the instance does not have (ref §1.1 [KB]).
    "PX.Data.PXUndefinedCompanyException",
}


# Built at import: schemathesis parametrizes from a loaded schema (its lazy fixture loader does not run on
# this pytest). The app is in memory and private to this module.
STORE = Store(":memory:")
APP: Starlette = create_app(STORE, services=[service])


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    with asgi.get_client(APP) as client:
        r = client.post("http://localhost/acumatica/entity/auth/login",
                        json={"name": "admin", "password": "admin", "tenant": "Demo"})
        assert r.status_code == 204, r.text
        yield client


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def acumatica_server_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    """5xx only in the forms the real server uses for expected refusals."""
    if response.status_code < 500:
        return None
    body = _json(response)
    assert isinstance(body, dict), f"5xx without an HttpError body: {response.text[:300]}"
    assert body.get("exceptionType") in EXPECTED_500, f"unexpected server error: {body}"
    assert body.get("message") and body.get("exceptionMessage"), body
    return None


def acumatica_rejections(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schema-valid requests may still be refused, but only with a business reason in the ERP's shape."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in (401, 403, 404, 409, 429):
        return None
    body = _json(response)
    assert isinstance(body, dict), f"{status} without a JSON body"
    if status == 422:
        assert body.get("error"), f"422 without the entity-level error: {body}"
        return None
    if status in (400, 412, 413):
        assert body.get("modelState") or body.get("exceptionMessage"), f"{status} without a reason: {body}"
        return None
    raise AssertionError(f"schema-valid request refused with {status}: {response.text[:300]}")


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$")


def acumatica_allow(ctx: Any, response: Any, case: Any) -> bool | None:
    """``Allow`` on a 405 lists the methods of every template the URL matches, no more and no fewer."""
    if response.request.method != "OPTIONS" or not response.headers.get("allow"):
        return None
    advertised = {m.strip().lower() for m in ", ".join(response.headers["allow"]).split(",") if m.strip()}
    url_path = case.formatted_path
    declared: set[str] = set()
    for path, item in case.operation.schema.raw_schema["paths"].items():
        if _template(path).match(url_path):
            declared |= {m for m in item if m in {"get", "put", "post", "delete", "patch"}}
    implicit = {"head", "options"}
    assert declared - implicit <= advertised, f"Allow {advertised} misses {declared - advertised}"
    assert advertised - implicit <= declared, f"Allow {advertised} has undeclared {advertised - declared}"
    return None


CHECKS: dict[str, Any] = {
    "excluded_checks": [not_a_server_error, positive_data_acceptance, allow_header_conformance],
    "additional_checks": [acumatica_server_errors, acumatica_rejections, acumatica_allow],
}

schema = schemathesis.openapi.from_asgi(SWAGGER, APP)
schema.config.phases.coverage.enabled = os.environ.get("ERPSIM_SCHEMATHESIS_COVERAGE") == "1"


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_contract(case: Any, session: Any) -> None:
    case.call_and_validate(session=session, **CHECKS)


# 25.200.001 adds PATCH to every entity; the rest of its contract is 24.200.001's, run above.
patch25 = schemathesis.openapi.from_asgi(SWAGGER.replace("24.200.001", "25.200.001"), APP).include(method="PATCH")
patch25.config.phases.coverage.enabled = os.environ.get("ERPSIM_SCHEMATHESIS_COVERAGE") == "1"


@patch25.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_patch_contract(case: Any, session: Any) -> None:
    case.call_and_validate(session=session, **CHECKS)


# The instance API (sign-in, sign-out, the endpoint and tenant lists) has its own swagger.json; it runs on an
# app of its own so the sign-ins it generates cannot take the seats the contract run uses.
INSTANCE_APP: Starlette = create_app(Store(":memory:"), services=[service])
instance = schemathesis.openapi.from_asgi("/acumatica/entity/swagger.json", INSTANCE_APP)
instance.config.phases.coverage.enabled = True


@instance.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_instance_contract(case: Any) -> None:
    case.call_and_validate(**CHECKS)


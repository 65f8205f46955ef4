"""schemathesis's coverage phase (boundaries, negative values, unexpected methods) over Vendor and Bill.

Vendor (single key, linked entities, custom fields, files) and Bill (compound keys, details, endpoint and
workflow actions) between them carry every kind of operation the contract has. Building this schema costs
about 20 seconds, so the module is collected only when slow tests are selected (see conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.acumatica.test_schemathesis import APP, CHECKS, SWAGGER, session

__all__ = ["session"]

coverage = schemathesis.openapi.from_asgi(SWAGGER, APP).include(tag=["Vendor", "Bill"])
coverage.config.phases.coverage.enabled = True


@pytest.mark.slow
@coverage.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_contract_coverage(case: Any, session: Any) -> None:
    case.call_and_validate(session=session, **CHECKS)

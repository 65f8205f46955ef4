"""The pytest plugin, as a user's own project sees it: scenario items, invalid files, the fixtures."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

SCENARIO = """
name: mini
erps: [intacct, sage100]
given: [demo company, an accounting approver]
steps:
  - pm: create company
    name: Granite Subs Inc
    as: granite
  - pm: send to erp
    item: granite
  - pm: accept
    item: granite
    erp vendor id: {intacct: V900, sage100: "900"}
  - expect: erp
    vendor: {intacct: V900, sage100: "900"}
    has: {name: Granite Subs Inc}
"""

BROKEN = """
name: broken
steps:
  - pm: accept
    item: nothing
"""

USER_TESTS = '''
import httpx
import pytest


@pytest.mark.parametrize("erpsim_erp", ["intacct", "sage100", "acumatica"])
def test_company_imports_vendors(erpsim_company, erpsim_tenant, erpsim_erp):
    report = erpsim_company.imports.vendors()
    assert len(report.created) == 24
    assert erpsim_company.connector.erp == erpsim_erp
    assert erpsim_tenant.id.startswith("replay-")


def test_binding_records_the_wire(erpsim_binding):
    erpsim_binding.company.imports.cost_types()
    assert erpsim_binding.recorder.log[-1].status == 200


def test_a_real_server(erpsim_server):
    assert erpsim_server.url.startswith("http://127.0.0.1:")
    assert httpx.get(erpsim_server.url + "/_erpsim/health").json()["status"] == "ok"


@pytest.mark.parametrize("erpsim_erp", ["sage100"])
def test_faults_and_the_journal(erpsim_company, erpsim_faults, erpsim_journal):
    rule = erpsim_faults.add(erp="sage100", operation="list", fault={"kind": "error", "error": "record_in_use"},
                             first=1)
    assert len(erpsim_company.imports.vendors().created) == 24  # the sync retried past the busy record
    assert erpsim_faults.rules()[0]["applied"] == 1
    assert erpsim_journal.count(erp="sage100", fault="error") == 1
    busy = erpsim_journal.entries(status="409")[0]
    assert busy["fault"]["rule"] == rule["id"]
    assert "RecordInUse" in erpsim_journal.entry(busy["id"])["response"]["body"]
'''


def test_the_plugin_is_registered_for_pytest() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "erpsim"]
    assert [ep.value for ep in found] == ["sync_core.replay.plugin"]


def test_a_users_project_gets_scenario_items_and_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/mini": SCENARIO, "scenarios/broken": BROKEN,
                                  "not_a_scenario": "just: data\n"})
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines([
        "*scenarios/broken.yaml::broken FAILED*",
        "*scenarios/mini.yaml::mini?intacct? PASSED*",
        "*scenarios/mini.yaml::mini?sage100? PASSED*",
        "*test_user.py::test_company_imports_vendors?acumatica? PASSED*",
        "*invalid scenario file:*",
        "*broken.yaml, step 1 (line 3, pm: accept): 'nothing' is not defined*",
    ])
    assert "not_a_scenario" not in result.stdout.str()
    only_sage = pytester.runpytest_inprocess("scenarios", "--erpsim-erp", "sage100", "-p", "no:cacheprovider")
    only_sage.assert_outcomes(passed=1, failed=1)  # mini[sage100], and the broken file still reports

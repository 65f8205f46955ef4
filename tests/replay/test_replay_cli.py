"""``erpsim replay``: in-process and against a running simulator, progress, summary, reports, exit status."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from simulator.app import create_app
from simulator.cli import main
from simulator.store import Store
from simulator.testing import ThreadedServer
from sync_core.replay.env import all_services

PASSING = """
name: quick
erps: [intacct, sage100]
refused:
  sage100: vendor names over 30 characters
given: [demo company, an accounting approver]
steps:
  - pm: create company
    name: Consolidated Mechanical Contractors of ND
    as: long
  - pm: send to erp
    item: long
    sage100:
      error: {rule: sage100.vendor_name_length}
  - expect: pm
    item: long
    has: {erp status: {intacct: Ready to Export, sage100: Not in ERP}}
"""

FAILING = """
name: wrong
erps: [intacct]
given: [demo company]
steps:
  - say: Vendor V100 has a different name
    expect: erp
    vendor: V100
    has: {name: Somebody Else}
"""


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text)
    return path


def test_runs_in_process_with_progress_summary_and_a_junit_report(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "quick.yaml", PASSING)
    report = tmp_path / "out" / "replay.xml"
    assert main(["replay", str(tmp_path), "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "quick[intacct]" in out and "quick[sage100]" in out
    assert "passed (expected refusal)" in out
    assert "quick[sage100]: vendor names over 30 characters" in out
    assert "2 passed in" in out and "(in-process)" in out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "0")
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == ["quick[intacct]", "quick[sage100]"]
    assert "refused as the scenario expects" in (suite.findall("testcase")[1].findtext("system-out") or "")


def test_a_failure_exits_1_and_shows_the_step_expected_found_and_the_exchange(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "wrong.yaml", FAILING)
    report = tmp_path / "replay.json"
    assert main(["replay", str(path), "-v", "--report", str(report)]) == 1
    out = capsys.readouterr().out
    assert "ok step" not in out.split("FAILED step 1")[0]
    assert "wrong[intacct] failed (Sage Intacct, in-process)" in out
    assert "at step 1 (expect: erp, line 6): Vendor V100 has a different name" in out
    assert "expected: 'Somebody Else'" in out and "found:    'Flores PLC'" in out
    assert "[read back] POST /ia/xml/xmlgw.phtml -> 200" in out
    assert "<readByName><object>VENDOR</object><keys>V100</keys>" in out
    assert "<password>***</password>" in out and "<NAME>Flores PLC</NAME>" in out
    body = json.loads(report.read_text())
    assert body["summary"]["failed"] == 1
    step = body["results"][0]["steps"][0]
    assert step["differences"] == [{"what": "Sage Intacct's vendor V100: name", "expected": "'Somebody Else'",
                                    "found": "'Flores PLC'"}]
    assert step["exchanges"][0]["status"] == 200


def test_invalid_files_and_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "bad.yaml", "name: bad\nsteps:\n  - pm: fly\n")
    assert main(["replay", str(bad)]) == 2
    out = capsys.readouterr().out
    assert f"{bad}, step 1 (line 3, pm: fly): unknown pm action 'fly'" in out
    assert main(["replay", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file or directory" in capsys.readouterr().out
    assert main(["replay", str(bad), "--erp", "quickbooks"]) == 2
    assert "unknown ERP quickbooks" in capsys.readouterr().out
    assert main(["replay", str(bad), "--report", "out.html"]) == 2
    assert "name it .xml (JUnit) or .json" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["replay", str(empty)]) == 2


def test_runs_against_a_running_simulator_and_removes_its_tenant(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "quick.yaml", PASSING)
    app = create_app(Store(":memory:"), services=all_services())
    with ThreadedServer(app) as server:
        assert main(["replay", str(path), "--against", server.url, "--erp", "sage100"]) == 0
        out = capsys.readouterr().out
        assert "quick[intacct]" not in out and f"1 passed in" in out and f"({server.url})" in out
        tenants = httpx.get(f"{server.url}/_erpsim/tenants").json()["tenants"]
        assert [t["id"] for t in tenants] == ["demo"]  # the run's own tenant is gone
    assert main(["replay", str(path), "--against", server.url]) == 2
    assert "cannot reach the simulator" in capsys.readouterr().out

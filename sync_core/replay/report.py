"""Showing what a replay did: progress while it runs, a summary, the story of a failure, and report files.

A failure names the scenario file, the step (number, line, action and what it means), what
was expected and what was found, and the ERP's own requests and responses made during the
step. Reports are JUnit XML (``.xml``) for CI dashboards or JSON (``.json``) for anything else.
"""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from sync_core.replay.format import ScenarioInvalid
from sync_core.replay.runner import FAILED, NOT_RUN, PASSED, RunResult, StepResult
from sync_core.replay.values import ERP_TITLES


def failure_text(result: RunResult, *, exchanges: int = 3, body_limit: int = 1500) -> str:
    """The story of a failed run: where, what was expected, what was found, and the ERP's own words."""
    scenario = result.scenario
    lines = [f"{result.item_id} failed ({ERP_TITLES.get(result.erp, result.erp)}, {result.where})",
             f"  file: {scenario.path}"]
    if result.problem:
        lines.append(f"  {result.problem}")
    step = result.failed_step
    if step is None:
        return "\n".join(lines)
    lines.append(f"  at {step.title}")
    if step.problem and not step.differences:
        lines.append(f"  problem: {step.problem}")
    elif step.problem:
        lines.append(f"  {step.problem}:")
    for what, expected, found in step.differences:
        lines.append(f"    {what}")
        lines.append(f"      expected: {expected}")
        lines.append(f"      found:    {found}")
    for note in step.notes:
        lines.append(f"  note: {note}")
    shown = step.exchanges[-exchanges:]
    if shown:
        skipped = len(step.exchanges) - len(shown)
        lines.append("  the ERP's own requests and responses during this step"
                     + (f" (the last {len(shown)} of {len(step.exchanges)})" if skipped else "") + ":")
        lines.extend(x.render(body_limit) for x in shown)
    elif step.context_exchanges:
        lines.append("  this step made no ERP request; the last ones before it:")
        lines.extend(x.render(body_limit) for x in step.context_exchanges)
    if step.trace:
        lines.append("  trace:")
        lines.extend(f"    {t}" for t in step.trace.rstrip().splitlines())
    return "\n".join(lines)


def step_log(result: RunResult) -> str:
    """One line per step: what ran, how it went, and any notes."""
    out = []
    for step in result.steps:
        mark = {PASSED: "ok", FAILED: "FAILED", NOT_RUN: "not run"}.get(step.status, step.status)
        head = f"{mark:>7}  step {step.index:>2} {step.label}" + (f" - {step.say}" if step.say else "")
        out.append(head + (f"  ({step.seconds * 1000:.0f} ms)" if step.status != NOT_RUN else ""))
        if step.expected_error:
            out.append(f"          refused as the scenario expects: {step.expected_error}")
        out.extend(f"          {note}" for note in step.notes)
    return "\n".join(out)


class Console:
    """Progress on a terminal: a line per scenario and ERP (a line per step with ``verbose``)."""

    def __init__(self, out: TextIO | None = None, *, verbose: bool = False, quiet: bool = False) -> None:
        self.out = out or sys.stdout
        self.verbose = verbose
        self.quiet = quiet
        self.color = hasattr(self.out, "isatty") and self.out.isatty() and not os.environ.get("NO_COLOR")

    def _paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def write(self, text: str = "", end: str = "\n") -> None:
        self.out.write(text + end)
        self.out.flush()

    def progress(self, event: str, data: Any) -> None:
        if self.quiet:
            return
        if event == "start":
            scenario, erp = data
            self.write(f"{scenario.item_id(erp):<44} ", end="" if not self.verbose else "\n")
        elif event == "step":
            step: StepResult = data
            if self.verbose:
                mark = self._paint("ok", "32") if step.status == PASSED else self._paint("FAILED", "31")
                say = f" - {step.say}" if step.say else ""
                self.write(f"    {mark} step {step.index} {step.label}{say}")
                if step.expected_error:
                    self.write(f"         refused as expected: {step.expected_error}")
                for note in step.notes:
                    self.write(f"         {note}")
            else:
                self.write(self._paint(".", "32") if step.status == PASSED else self._paint("F", "31"), end="")
        elif event == "done":
            result: RunResult = data
            word = self._paint("passed", "32") if result.ok else self._paint("FAILED", "31")
            extra = " (expected refusal)" if result.ok and result.refusal else ""
            self.write(f"{'' if not self.verbose else '    '} {word}{extra} in {result.seconds:.2f} s")

    def invalid(self, error: ScenarioInvalid) -> None:
        self.write(self._paint("invalid scenario file:", "31"))
        for line in str(error).splitlines():
            self.write(f"  {line}")

    def summary(self, results: Sequence[RunResult], invalid: Sequence[ScenarioInvalid], seconds: float,
                where: str) -> None:
        failed = [r for r in results if not r.ok]
        for result in failed:
            self.write()
            self.write(failure_text(result))
        self.write()
        refusals = [r for r in results if r.ok and r.refusal]
        if refusals:
            self.write("expected refusals (the flow is not supported there):")
            for r in refusals:
                self.write(f"  {r.item_id}: {' '.join((r.refusal or '').split())}")
        passed = len(results) - len(failed)
        parts = [self._paint(f"{passed} passed", "32")]
        if failed:
            parts.append(self._paint(f"{len(failed)} failed", "31"))
        if invalid:
            parts.append(self._paint(f"{len(invalid)} invalid file{'s' if len(invalid) != 1 else ''}", "31"))
        self.write(f"{', '.join(parts)} in {seconds:.2f} s ({where})")


def junit(results: Sequence[RunResult], invalid: Sequence[ScenarioInvalid], seconds: float) -> bytes:
    failures = sum(1 for r in results if not r.ok)
    suite = ET.Element("testsuite", name="erpsim replay", tests=str(len(results) + len(invalid)),
                       failures=str(failures), errors=str(len(invalid)), skipped="0", time=f"{seconds:.3f}")
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=f"scenarios.{result.scenario.name}", name=result.item_id,
                             file=result.scenario.path, time=f"{result.seconds:.3f}")
        if not result.ok:
            step = result.failed_step
            message = (step.problem if step and step.problem else result.problem) or "failed"
            failure = ET.SubElement(case, "failure", message=message, type="ScenarioFailed")
            failure.text = failure_text(result)
        out = ET.SubElement(case, "system-out")
        out.text = step_log(result)
    for error in invalid:
        case = ET.SubElement(suite, "testcase", classname="scenarios", name=Path(error.path).name, file=error.path,
                             time="0")
        node = ET.SubElement(case, "error", message="invalid scenario file", type="ScenarioInvalid")
        node.text = str(error)
    root = ET.Element("testsuites", tests=suite.get("tests", "0"), failures=str(failures), errors=str(len(invalid)),
                      time=f"{seconds:.3f}")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def as_json(results: Sequence[RunResult], invalid: Sequence[ScenarioInvalid], seconds: float,
            where: str) -> bytes:
    body = {
        "summary": {"passed": sum(1 for r in results if r.ok), "failed": sum(1 for r in results if not r.ok),
                    "invalid": len(invalid), "seconds": round(seconds, 3), "where": where},
        "results": [r.to_json() for r in results],
        "invalid": [{"file": e.path, "problems": [p.render(e.path) for p in e.problems]} for e in invalid],
    }
    return json.dumps(body, indent=2, default=str).encode()


def write_report(path: str | Path, results: Sequence[RunResult], invalid: Sequence[ScenarioInvalid], seconds: float,
                 where: str) -> None:
    """JUnit XML for ``.xml``, JSON for ``.json``."""
    target = Path(path)
    if target.suffix.lower() == ".xml":
        data = junit(results, invalid, seconds)
    elif target.suffix.lower() == ".json":
        data = as_json(results, invalid, seconds, where)
    else:
        raise ValueError(f"report {target}: name it .xml (JUnit) or .json")
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)

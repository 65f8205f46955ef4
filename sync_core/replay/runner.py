"""Running a scenario on one ERP: a fresh tenant, the starting states, then each step in order.

The first step that does not do what the scenario says stops the run; its result keeps
what was expected, what was found, and the ERP requests and responses made while it ran.
A step with ``error:`` passes only when it fails with that error.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync_core import errors as e
from sync_core import objects as o
from sync_core.replay.env import BackofficeRefused, Binding, Exchange, Simulator, SimulatorError, Simulators
from sync_core.delivery import RetryPolicy
from sync_core.replay.erp import ReaderError
from sync_core.replay.faults import install
from sync_core.replay.format import ErrorSpec, Scenario, Step
from sync_core.replay.steps import REGISTRY, FailedToExport, Mismatch, Registry, StepFailed
from sync_core.replay.values import ERP_TITLES, choose, interpolate, norm, text
from sync_core.tool import StillInErp

PASSED, FAILED, SKIPPED, NOT_RUN = "passed", "failed", "skipped", "not run"
KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (e.Refused, "refused"), (e.PreconditionFailed, "precondition_failed"),
    (e.PermissionDenied, "permission_denied"), (e.InvalidTransition, "invalid_transition"), (e.Locked, "locked"),
    (e.ValidationFailed, "validation_failed"), (StillInErp, "still_in_erp"), (e.NotConnected, "not_connected"),
    (e.NotFound, "not_found"), (FailedToExport, "failed_to_export"), (BackofficeRefused, "erp_refused"),
    (ReaderError, "erp_refused"), (e.SyncError, "sync_error"),
)


def error_kind(exc: BaseException) -> str:
    for cls, kind in KINDS:
        if isinstance(exc, cls):
            return kind
    return "step_failed"


def _flat(value: str) -> str:
    return " ".join(value.split()).casefold()


def error_matches(spec: ErrorSpec, exc: BaseException) -> bool:
    if spec.kind is not None and spec.kind != error_kind(exc):
        return False
    if spec.rule is not None and getattr(exc, "rule", None) != spec.rule:
        return False
    return spec.message is None or _flat(spec.message) in _flat(str(exc))


def describe_error(exc: BaseException) -> str:
    if error_kind(exc) == "step_failed":
        return " ".join(str(exc).split())
    kind = error_kind(exc).replace("_", " ")
    rule = getattr(exc, "rule", None)
    return f"{kind}{f' (rule {rule})' if rule else ''}: {' '.join(str(exc).split())}"


@dataclass
class StepResult:
    index: int
    line: int
    label: str
    say: str | None
    status: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    problem: str | None = None
    """Why the step failed, in words."""
    differences: list[tuple[str, str, str]] = field(default_factory=list)
    """(what, expected, found) for a failed expectation."""
    expected_error: str | None = None
    """For a step that failed as the scenario says it must: the error it showed."""
    exchanges: list[Exchange] = field(default_factory=list)
    context_exchanges: list[Exchange] = field(default_factory=list)
    """When the step made no ERP call itself, the last ones before it."""
    trace: str | None = None

    @property
    def title(self) -> str:
        return f"step {self.index} ({self.label}, line {self.line})" + (f": {self.say}" if self.say else "")

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "line": self.line, "step": self.label, "say": self.say, "status": self.status,
                "seconds": round(self.seconds, 4), "notes": self.notes, "problem": self.problem,
                "expected_error": self.expected_error,
                "differences": [{"what": w, "expected": x, "found": f} for w, x, f in self.differences],
                "exchanges": [x.to_json() for x in self.exchanges or self.context_exchanges]}


@dataclass
class RunResult:
    scenario: Scenario
    erp: str
    status: str
    seconds: float
    steps: list[StepResult]
    problem: str | None = None
    where: str = "in-process"
    tenant: str | None = None

    @property
    def item_id(self) -> str:
        return self.scenario.item_id(self.erp)

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    @property
    def failed_step(self) -> StepResult | None:
        return next((s for s in self.steps if s.status == FAILED), None)

    @property
    def refusal(self) -> str | None:
        """Why the scenario is an expected refusal on this ERP (from its header), if it is."""
        return self.scenario.refused.get(self.erp)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.item_id, "scenario": self.scenario.name, "file": self.scenario.path, "erp": self.erp,
                "status": self.status, "seconds": round(self.seconds, 4), "problem": self.problem,
                "expected_refusal": self.refusal, "where": self.where, "tenant": self.tenant,
                "steps": [s.to_json() for s in self.steps]}


class Context:
    """What a step sees: the ERP, the Procore company, the ERP reader, the clock and the variables."""

    def __init__(self, binding: Binding, scenario: Scenario) -> None:
        self.binding = binding
        self.scenario = scenario
        self.erp = binding.erp
        self.company = binding.company
        self.reader = binding.reader
        self.clock = binding.clock
        self.vars: dict[str, Any] = {"erp": binding.erp, "company": binding.company, "tenant": binding.tenant.id}
        self.notes: list[str] = []

    def note(self, line: str) -> None:
        self.notes.append(line)

    def lookup(self, name: str, path: list[str]) -> Any:
        from sync_core.replay.actions import field_of

        key = norm(name)
        if key == "today":
            value: Any = self.clock.now().date().isoformat()
        elif key in self.vars:
            value = self.vars[key]
        else:
            raise StepFailed(f"${{{name}}} is not defined (defined: {', '.join(sorted(self.vars))})")
        for part in path:
            if isinstance(value, list) and part.isdigit():
                index = int(part)
                if not 1 <= index <= len(value):
                    raise StepFailed(f"{name} has {len(value)} entries; there is no {part}")
                value = value[index - 1]
            else:
                value = field_of(value, part)
        return value

    def item(self, value: Any, cls: type[o.Entity] | None = None) -> Any:
        """A variable's object (by name, or already resolved), reloaded so it reads as it is now."""
        if isinstance(value, str):
            key = norm(value)
            if key not in self.vars:
                raise StepFailed(f"{value!r} is not defined (defined: {', '.join(sorted(self.vars))})")
            value = self.vars[key]
        if isinstance(value, o.Entity):
            value = value.refresh()
        if cls is not None and not isinstance(value, cls):
            raise StepFailed(f"{text(value)} is not a {cls.label.lower()}")
        return value

    def user(self, value: Any, *, default_owner: bool = False) -> o.User:
        if value is not None:
            return self.item(value, o.User)  # type: ignore[no-any-return]
        if default_owner:
            return self.company.owner
        approver = self.vars.get("approver")
        if not isinstance(approver, o.User):
            raise StepFailed("no accounting approver: give 'an accounting approver' (or say by: whom)")
        return approver


Progress = Callable[[str, Any], None]


class Runner:
    """Runs scenarios on a simulator, one fresh tenant per scenario and ERP."""

    def __init__(self, simulators: Simulators | Simulator, registry: Registry | None = None,
                 progress: Progress | None = None, policy: RetryPolicy | None = None,
                 tenant_config: dict[str, Any] | None = None) -> None:
        self.simulators = simulators if isinstance(simulators, Simulators) else Simulators.of(simulators)
        self.registry = registry or REGISTRY
        self.progress = progress or (lambda event, data: None)
        self.policy = policy
        """The sync's retries (the default gives up after 4 attempts)."""
        self.tenant_config = tenant_config
        """Settings for each run's fresh tenant, per ERP section (``{"acumatica": {...}}``)."""

    def run(self, scenario: Scenario, erp: str) -> RunResult:
        start = time.perf_counter()
        self.progress("start", (scenario, erp))
        steps = [s for s in scenario.steps if s.runs_on(erp)]
        results: list[StepResult] = []
        fixture = "demo"
        for state in scenario.given:
            found = self.registry.find_given(state)
            if found is not None and found[0].tenant_level:
                fixture = found[0].fixture  # type: ignore[assignment]
        try:
            binding = Binding.create(self.simulators.get(erp), erp, fixture=fixture, today=scenario.today,
                                     policy=self.policy, config=self.tenant_config)
        except (SimulatorError, e.SyncError, ReaderError) as exc:
            return self._done(scenario, erp, start, [], f"could not set up {ERP_TITLES.get(erp, erp)}: {exc}")
        try:
            ctx = Context(binding, scenario)
            problem = self._given(ctx, scenario)
            if problem is None:
                for name, value in choose(scenario.vars, erp).items():
                    ctx.vars[name] = interpolate(value, ctx.lookup)
                problem = self._faults(ctx, scenario)
            if problem is None:
                for step in steps:
                    result = self._step(ctx, step)
                    results.append(result)
                    self.progress("step", result)
                    if result.status == FAILED:
                        break
                results += [StepResult(s.index, s.line, s.label, s.resolved(erp).say, NOT_RUN)
                            for s in steps[len(results):]]
            outcome = self._done(scenario, erp, start, results, problem, binding)
        finally:
            binding.close()
        return outcome

    def _done(self, scenario: Scenario, erp: str, start: float, results: list[StepResult], problem: str | None,
              binding: Binding | None = None) -> RunResult:
        failed = problem is not None or any(r.status == FAILED for r in results)
        result = RunResult(scenario, erp, FAILED if failed else PASSED, time.perf_counter() - start, results, problem,
                           self.simulators.where, None if binding is None else binding.tenant.id)
        self.progress("done", result)
        return result

    def _faults(self, ctx: Context, scenario: Scenario) -> str | None:
        for index, rule in enumerate(scenario.faults, start=1):
            try:
                install(ctx, interpolate(choose(rule, ctx.erp), ctx.lookup))
            except (SimulatorError, StepFailed) as exc:
                return f"could not set up fault {index}: {exc}"
        return None

    def _given(self, ctx: Context, scenario: Scenario) -> str | None:
        for state in scenario.given:
            found = self.registry.find_given(state)
            if found is None:
                return f"unknown starting state {state!r}"
            spec, args = found
            try:
                spec.fn(ctx, **args)
            except Exception as exc:  # noqa: BLE001 - a starting state that cannot be set up fails the run
                return f"could not set up the starting state {state!r}: {describe_error(exc)}"
        return None

    def _step(self, ctx: Context, step: Step) -> StepResult:
        resolved = step.resolved(ctx.erp)
        spec = self.registry.action(step.kind, step.action)
        result = StepResult(step.index, step.line, step.label, resolved.say, PASSED)
        recorder = ctx.binding.recorder
        mark = recorder.mark()
        ctx.notes = result.notes
        start = time.perf_counter()
        try:
            if spec is None:
                raise StepFailed(f"no {step.kind} action {step.action!r}")
            params = interpolate(resolved.params, ctx.lookup)
            value = spec.fn(ctx, params)
        except Mismatch as exc:
            result.status, result.problem, result.differences = FAILED, "the expectation did not hold", exc.differences
        except (e.SyncError, StepFailed, ReaderError, SimulatorError) as exc:
            if resolved.error is not None and error_matches(resolved.error, exc):
                result.expected_error = describe_error(exc)
            elif resolved.error is not None:
                result.status = FAILED
                result.problem = "the step failed, but not with the error the scenario expects"
                result.differences = [("error", resolved.error.describe(), describe_error(exc))]
            else:
                result.status, result.problem = FAILED, describe_error(exc)
        except Exception as exc:  # noqa: BLE001 - a bug in a step or the sync core: report it, with the trace
            result.status, result.problem = FAILED, f"internal error: {type(exc).__name__}: {exc}"
            result.trace = traceback.format_exc()
        else:
            if resolved.error is not None:
                result.status = FAILED
                result.problem = "the step succeeded, but the scenario says it must fail"
                result.differences = [("error", resolved.error.describe(), f"success ({_outcome(value)})")]
            elif resolved.as_:
                ctx.vars[resolved.as_] = value
        result.seconds = time.perf_counter() - start
        result.exchanges = recorder.since(mark)
        if result.status == FAILED and not result.exchanges:
            result.context_exchanges = recorder.log[-2:]
        return result


def _outcome(value: Any) -> str:
    if isinstance(value, o.Entity):
        return value.describe()
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in list(value.items())[:4])
    return text(value)

"""Scenario files: reading the YAML, and checking it before anything runs.

A scenario is a header (name, description, the ERPs it runs on, the named
starting states it needs, variables) and a list of steps. Each step has one
kind key (``pm``, ``bookkeeper``, ``sync`` or ``expect``) whose value names the
action, its parameters, and optionally ``say`` (what it means, in words),
``as`` (a name for what it made), ``only`` / ``except`` (ERPs), ``error`` (the
step must fail with this) and per-ERP blocks (``sage100: {...}``) whose keys
replace the step's own on that ERP.

Every problem found names the file, the step (number, line and action) and
what is wrong; all of a file's problems are reported together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sync_core.replay.values import ERPS, choose, missing_choices, norm, references, to_date

if TYPE_CHECKING:
    from sync_core.replay.steps import Registry

KINDS = ("pm", "bookkeeper", "sync", "expect", "fault")
STEP_KEYS = {"say", "as", "only", "except", "error"}
HEADER_KEYS = {"name", "title", "description", "erps", "refused", "given", "vars", "steps", "today", "slow",
               "faults"}
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
VARIABLE = re.compile(r"^[a-z_][a-z0-9_]*$")
ERROR_KINDS = ("refused", "precondition_failed", "permission_denied", "invalid_transition", "locked",
               "validation_failed", "still_in_erp", "failed_to_export", "erp_refused", "not_connected",
               "not_found", "sync_error")


class LineDict(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(None, None, f"a key must be a word, not {key!r}",
                                                    key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    message: str
    step: int | None = None
    line: int | None = None
    label: str = ""

    def render(self, path: str) -> str:
        where = path
        if self.step is not None:
            where += f", step {self.step}"
            details = ", ".join(x for x in (f"line {self.line}" if self.line else "", self.label) if x)
            if details:
                where += f" ({details})"
        elif self.line:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


class ScenarioInvalid(Exception):
    """A scenario file that cannot run; ``problems`` says why, each naming the file and step."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(p.render(path) for p in problems))


@dataclass(frozen=True)
class ErrorSpec:
    """What a step that must fail has to fail with."""

    message: str | None = None
    rule: str | None = None
    kind: str | None = None

    def describe(self) -> str:
        parts = []
        if self.kind:
            parts.append(self.kind.replace("_", " "))
        if self.rule:
            parts.append(f"rule {self.rule}")
        if self.message:
            parts.append(f"a message containing {self.message!r}")
        return "an error: " + ", ".join(parts) if parts else "an error"


@dataclass
class Step:
    index: int
    line: int
    kind: str
    action: str
    params: dict[str, Any]
    per_erp: dict[str, dict[str, Any]] = field(default_factory=dict)
    say: str | None = None
    as_: str | None = None
    only: tuple[str, ...] = ERPS
    error: Any = None

    @property
    def label(self) -> str:
        return f"{self.kind}: {self.action.replace('_', ' ')}"

    def runs_on(self, erp: str) -> bool:
        return erp in self.only

    def resolved(self, erp: str) -> ResolvedStep:
        """The step as it runs on one ERP: its block merged in, choices picked."""
        params = dict(self.params)
        error, as_, say = self.error, self.as_, self.say
        for key, value in self.per_erp.get(erp, {}).items():
            if key == "error":
                error = value
            elif key == "as":
                as_ = value
            elif key == "say":
                say = value
            else:
                params[key] = value
        params = choose(params, erp)
        return ResolvedStep(self, erp, params, parse_error(choose(error, erp)) if error is not None else None,
                            as_, say)


@dataclass
class ResolvedStep:
    step: Step
    erp: str
    params: dict[str, Any]
    error: ErrorSpec | None
    as_: str | None
    say: str | None


@dataclass
class Scenario:
    path: str
    name: str
    title: str
    description: str
    erps: tuple[str, ...]
    refused: dict[str, str]
    given: list[str]
    vars: dict[str, Any]
    steps: list[Step]
    today: dt.date | None = None
    slow: bool = False
    faults: list[dict[str, Any]] = field(default_factory=list)
    """Fault rules in force from the first step (after the starting states)."""

    def item_id(self, erp: str) -> str:
        return f"{self.name}[{erp}]"


def parse_error(raw: Any) -> ErrorSpec:
    if isinstance(raw, str):
        return ErrorSpec(message=raw)
    if isinstance(raw, Mapping):
        data = {norm(k): v for k, v in raw.items()}
        kind = norm(data["kind"]) if data.get("kind") is not None else None
        return ErrorSpec(None if data.get("message") is None else str(data["message"]),
                         None if data.get("rule") is None else str(data["rule"]), kind)
    return ErrorSpec()


def _check_error(raw: Any) -> list[str]:
    if raw is True or raw is None:
        return [] if raw is True else ["error needs a message, or a mapping of message, rule and kind"]
    if isinstance(raw, str):
        return [] if raw.strip() else ["error: the message to expect is empty"]
    if not isinstance(raw, Mapping):
        return ["error must be a message, or a mapping of message, rule and kind"]
    data = {norm(k): v for k, v in raw.items()}
    problems = [f"error has an unknown key {k!r} (use message, rule, kind)" for k in data
                if k not in ("message", "rule", "kind")]
    if not any(data.get(k) for k in ("message", "rule", "kind")):
        problems.append("error needs at least one of message, rule or kind")
    if data.get("kind") is not None and norm(data["kind"]) not in ERROR_KINDS:
        problems.append(f"error kind {data['kind']!r} is not one of: {', '.join(k.replace('_', ' ') for k in ERROR_KINDS)}")
    return problems


def _erp_list(value: Any, what: str) -> tuple[tuple[str, ...], list[str]]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        return (), [f"{what} must be an ERP name or a list of them ({', '.join(ERPS)})"]
    names = tuple(norm(v) for v in items)
    bad = [n for n in names if n not in ERPS]
    if bad:
        return (), [f"{what}: unknown ERP {', '.join(repr(b) for b in bad)} (known: {', '.join(ERPS)})"]
    return names, []


def load(path: str | Path, registry: Registry | None = None) -> Scenario:
    """Read and check one scenario file; raises ``ScenarioInvalid`` listing every problem."""
    from sync_core.replay.steps import REGISTRY

    registry = registry or REGISTRY
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioInvalid(file, [Problem(f"cannot read the file: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise ScenarioInvalid(file, [Problem(f"the file is not UTF-8 text: {exc.reason}")]) from exc
    return parse(text, file, registry)


def parse(text: str, file: str = "<scenario>", registry: Registry | None = None) -> Scenario:
    from sync_core.replay.steps import REGISTRY

    registry = registry or REGISTRY
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioInvalid(file, [Problem(f"this is not valid YAML: {reason}",
                                             line=mark.line + 1 if mark else None)]) from exc
    if not isinstance(raw, Mapping):
        raise ScenarioInvalid(file, [Problem("a scenario is a mapping with name, erps, given and steps")])
    return _Checker(file, registry).scenario(raw)


class _Checker:
    def __init__(self, file: str, registry: Registry) -> None:
        self.file = file
        self.registry = registry
        self.problems: list[Problem] = []

    def fail(self, message: str, step: Step | None = None, line: int | None = None) -> None:
        if step is not None:
            self.problems.append(Problem(message, step.index, step.line, step.label))
        else:
            self.problems.append(Problem(message, line=line))

    def scenario(self, raw: Mapping[str, Any]) -> Scenario:
        data = {norm(k): v for k, v in raw.items()}
        line = getattr(raw, "line", None)
        for key in data:
            if key not in HEADER_KEYS:
                self.fail(f"unknown header key {key!r} (a scenario has: {', '.join(sorted(HEADER_KEYS))})", line=line)
        name = data.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            self.fail("name must be 1-64 lowercase letters, digits, '-' or '_' (it names the tests: name[erp])",
                      line=line)
            name = Path(self.file).stem
        erps: tuple[str, ...] = ERPS
        if "erps" in data:
            erps, problems = _erp_list(data["erps"], "erps")
            for p in problems:
                self.fail(p, line=line)
            erps = erps or ERPS  # go on checking the steps as if it ran everywhere
        refused: dict[str, str] = {}
        if data.get("refused") is not None:
            if not isinstance(data["refused"], Mapping):
                self.fail("refused maps an ERP to the reason the flow is refused there", line=line)
            else:
                for erp, reason in data["refused"].items():
                    if norm(erp) not in ERPS:
                        self.fail(f"refused: unknown ERP {erp!r} (known: {', '.join(ERPS)})", line=line)
                    elif not isinstance(reason, str) or not reason.strip():
                        self.fail(f"refused: say why the flow is refused on {erp}", line=line)
                    elif norm(erp) not in erps:
                        self.fail(f"refused names {erp}, which is not in erps", line=line)
                    else:
                        refused[norm(erp)] = reason.strip()
        today = None
        if data.get("today") is not None:
            try:
                today = to_date(data["today"])
            except ValueError:
                self.fail(f"today {data['today']!r} is not a date (YYYY-MM-DD)", line=line)
        given = data.get("given") or []
        if isinstance(given, str):
            given = [given]
        defined: set[str] = set(self.registry.builtins)
        if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
            self.fail("given is a list of named starting states", line=line)
            given = []
        for state in given:
            found = self.registry.find_given(state)
            if found is None:
                self.fail(f"unknown starting state {state!r}; known: {self.registry.given_names()}", line=line)
            else:
                defined |= set(found[0].defines)
        variables = data.get("vars") or {}
        if not isinstance(variables, Mapping):
            self.fail("vars maps names to values (or to a value per ERP)", line=line)
            variables = {}
        for key, value in variables.items():
            if not VARIABLE.match(norm(key)):
                self.fail(f"variable name {key!r} must be letters, digits and '_'", line=line)
            for erp in erps:
                for where in missing_choices(value, erp):
                    self.fail(f"variable {key} has no value for {erp} at {where} (give one, or a default)",
                              line=line)
        variables = {norm(k): v for k, v in variables.items()}
        defined |= set(variables)
        raw_steps = data.get("steps")
        steps: list[Step] = []
        if not isinstance(raw_steps, list) or not raw_steps:
            self.fail("steps must be a non-empty list", line=line)
            raw_steps = []
        for i, raw_step in enumerate(raw_steps, start=1):
            step = self.step(i, raw_step, erps)
            if step is None:
                continue
            steps.append(step)
            self.check_step(step, erps, defined)
        for erp, reason in refused.items():
            if not any(s.runs_on(erp) and s.resolved(erp).error is not None for s in steps):
                self.fail(f"refused says the flow is refused on {erp}, but no step on {erp} expects an error",
                          line=line)
        if data.get("slow") not in (None, True, False):
            self.fail("slow is true or false", line=line)
        faults = self.faults(data.get("faults"), erps, line)
        if self.problems:
            raise ScenarioInvalid(self.file, self.problems)
        return Scenario(self.file, str(name), str(data.get("title") or name), str(data.get("description") or ""),
                        erps, refused, list(given), variables, steps, today, bool(data.get("slow")), faults)

    def faults(self, raw: Any, erps: tuple[str, ...], line: int | None) -> list[dict[str, Any]]:
        from sync_core.replay.faults import check_rule

        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
            self.fail("faults is a list of fault rules (fault, operation, object, first, probability, seed...)",
                      line=line)
            return []
        for index, rule in enumerate(raw, start=1):
            for erp in erps:
                for where in missing_choices(rule, erp):
                    self.fail(f"fault {index} has no value for {erp} at {where}", line=line)
                for problem in check_rule(choose(dict(rule), erp)):
                    self.fail(f"fault {index}: {problem}", line=getattr(rule, "line", line))
        return [dict(r) for r in raw]

    def step(self, index: int, raw: Any, erps: tuple[str, ...]) -> Step | None:
        line = getattr(raw, "line", None)
        if not isinstance(raw, Mapping):
            self.problems.append(Problem("a step is a mapping such as 'pm: send to erp' with its parameters", index))
            return None
        data = {norm(k): v for k, v in raw.items()}
        kinds = [k for k in KINDS if k in data]
        if len(kinds) != 1:
            what = "none" if not kinds else ", ".join(kinds)
            self.problems.append(Problem(f"a step has exactly one of {', '.join(KINDS)} (found {what})", index,
                                         line))
            return None
        kind = kinds[0]
        action = data.pop(kind)
        if not isinstance(action, str) or not action.strip():
            self.problems.append(Problem(f"{kind}: name the action (e.g. '{kind}: {self.registry.example(kind)}')",
                                         index, line))
            return None
        step = Step(index, line or 0, kind, norm(action), {})
        per_erp: dict[str, dict[str, Any]] = {}
        for key in [k for k in data if k in ERPS]:
            block = data.pop(key)
            if not isinstance(block, Mapping):
                self.fail(f"the {key} block must be a mapping of parameters for {key}", step)
                continue
            per_erp[key] = {norm(k): v for k, v in block.items()}
        step.per_erp = per_erp
        say = data.pop("say", None)
        if say is not None and not isinstance(say, str):
            self.fail("say is a sentence", step)
        step.say = say if isinstance(say, str) else None
        as_ = data.pop("as", None)
        if as_ is not None:
            if not isinstance(as_, str) or not VARIABLE.match(norm(as_)):
                self.fail(f"as must be a variable name (letters, digits, '_'), not {as_!r}", step)
            else:
                step.as_ = norm(as_)
        only, skip = data.pop("only", None), data.pop("except", None)
        runs = erps
        if only is not None:
            names, problems = _erp_list(only, "only")
            for p in problems:
                self.fail(p, step)
            runs = tuple(e for e in runs if e in names) if names else runs
        if skip is not None:
            names, problems = _erp_list(skip, "except")
            for p in problems:
                self.fail(p, step)
            runs = tuple(e for e in runs if e not in names)
        step.only = runs
        step.error = data.pop("error", None)
        for problem in ([] if step.error is None else _check_error(step.error)):
            self.fail(problem, step)
        for erp, block in per_erp.items():
            if "error" in block:
                for problem in _check_error(block["error"]):
                    self.fail(f"{erp}: {problem}", step)
            if erp not in erps:
                self.fail(f"a {erp} block, but the scenario does not run on {erp}", step)
        step.params = data
        return step

    def check_step(self, step: Step, erps: tuple[str, ...], defined: set[str]) -> None:
        spec = self.registry.action(step.kind, step.action)
        if spec is None:
            self.fail(f"unknown {step.kind} action {step.action.replace('_', ' ')!r}; known: "
                      f"{self.registry.action_names(step.kind)}", step)
            return
        if step.kind == "expect" and (step.error is not None or any("error" in b for b in step.per_erp.values())):
            self.fail("an expectation cannot be expected to fail; write what it must find under 'has'", step)
        seen: set[str] = set()
        for erp in step.only:
            for where in missing_choices({**step.params, **step.per_erp.get(erp, {})}, erp):
                self.fail(f"{where} has no value for {erp} (give one, or a default)", step)
            resolved = step.resolved(erp)
            for problem in spec.check(resolved.params):
                if problem not in seen:
                    seen.add(problem)
                    self.fail(problem if len(step.only) == 1 or problem in _all(spec, step) else f"{erp}: {problem}",
                              step)
            for name in sorted(references(resolved.params) | spec.item_names(resolved.params)):
                if name not in defined and f"undefined {name}" not in seen:
                    seen.add(f"undefined {name}")
                    self.fail(f"{name!r} is not defined by the header or an earlier step (defined so far: "
                              f"{', '.join(sorted(defined)) or 'nothing'})", step)
            if resolved.as_:
                defined.add(resolved.as_)
        if not step.only:
            self.fail(f"the step runs on no ERP (only/except leave none of {', '.join(erps)})", step)


def _all(spec: Any, step: Step) -> set[str]:
    """Problems every ERP shares (reported once, without an ERP prefix)."""
    sets = [set(spec.check(step.resolved(erp).params)) for erp in step.only]
    return set.intersection(*sets) if sets else set()


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Scenario files under the given files and directories (``*.yaml`` / ``*.yml``), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    return found

"""The step registry: every action a scenario can take, its parameters, and the named starting states.

Four kinds of steps:

- ``pm``: what people do in Procore (create a project, send it to ERP, accept it...);
- ``bookkeeper``: what the bookkeeper does inside the ERP, through the simulator's back office;
- ``sync``: imports, refreshes, the sync cycle, moving the clock;
- ``expect``: checks on the Procore side (``pm``), read back from the ERP (``erp``), or both
  sides agreeing to the cent (``both sides``).

A project adds its own with ``REGISTRY.register("pm", "my action", param=Param(...))`` and
``REGISTRY.given("my state")``, both decorators taking ``(context, params)`` functions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sync_core.errors import SyncError
from sync_core.replay.values import REFERENCE, as_money, norm, seconds

if TYPE_CHECKING:
    from sync_core.replay.runner import Context

NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class StepFailed(Exception):
    """The step could not do what it says (a wrong reference, an unexpected state)."""


class FailedToExport(SyncError):
    """The approver accepted the item and the ERP refused the export; the message is the ERP's."""


class Mismatch(Exception):
    """An expectation that did not hold: (what, expected, found) for each difference."""

    def __init__(self, differences: list[tuple[str, str, str]], context: str = "") -> None:
        self.differences = differences
        self.context = context
        super().__init__("; ".join(f"{what}: expected {exp}, found {got}" for what, exp, got in differences))


# -- parameters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    kind: str = "any"
    """text | number | money | date | bool | item | list | lines | map | duration | words | any"""
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()

    def check(self, name: str, value: Any) -> list[str]:
        label = name.replace("_", " ")
        if isinstance(value, str) and REFERENCE.search(value):
            return []
        kind = self.kind
        if kind == "text" and not isinstance(value, (str, int, float)):
            return [f"{label} must be text, not {_shape(value)}"]
        if kind in ("number", "money") and as_money(value) is None:
            return [f"{label} {value!r} is not an amount"]
        if kind == "date":
            try:
                from sync_core.replay.values import to_date

                to_date(value)
            except (ValueError, TypeError):
                return [f"{label} {value!r} is not a date (YYYY-MM-DD)"]
        if kind == "bool" and not isinstance(value, bool):
            return [f"{label} is true or false"]
        if kind == "item" and not (isinstance(value, str) and NAME.match(norm(value))):
            return [f"{label} names something an earlier step made (a variable name), not {value!r}"]
        if kind in ("list", "lines") and not isinstance(value, list):
            return [f"{label} must be a list"]
        if kind == "lines" and not all(isinstance(v, Mapping) for v in value):
            return [f"each of {label} is a mapping (cost code, cost type, amount...)"]
        if kind == "map" and not isinstance(value, Mapping):
            return [f"{label} must be a mapping"]
        if kind == "duration":
            try:
                seconds(value)
            except ValueError as exc:
                return [f"{label}: {exc}"]
        if kind == "words":
            items = value if isinstance(value, list) else [value]
            bad = [v for v in items if not isinstance(v, str) or (self.choices and norm(v) not in self.choices)]
            if bad:
                return [f"{label}: {', '.join(repr(b) for b in bad)} is not one of: "
                        f"{', '.join(c.replace('_', ' ') for c in self.choices)}"]
        return []


def _shape(value: Any) -> str:
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, Mapping) else repr(value)


Handler = Callable[["Context", dict[str, Any]], Any]


@dataclass
class ActionSpec:
    kind: str
    name: str
    fn: Handler
    params: dict[str, Param] = field(default_factory=dict)
    doc: str = ""
    open: bool = False
    """Takes any parameters (back-office actions pass them to the ERP)."""
    checker: Callable[[dict[str, Any]], list[str]] | None = None
    items_of: Callable[[dict[str, Any]], set[str]] | None = None
    """For steps whose parameters depend on a choice (expectations): the variables they name bare."""

    def check(self, params: dict[str, Any]) -> list[str]:
        if self.checker is not None:
            return self.checker(params)
        problems = []
        for name in params:
            if name not in self.params and not self.open:
                close = difflib.get_close_matches(name, list(self.params), n=1)
                hint = f"; did you mean {close[0].replace('_', ' ')!r}?" if close else \
                    f" (it takes: {', '.join(p.replace('_', ' ') for p in self.params) or 'nothing'})"
                problems.append(f"unknown parameter {name.replace('_', ' ')!r}{hint}")
        for name, param in self.params.items():
            if name not in params or params[name] is None:
                if param.required:
                    problems.append(f"{self.kind}: {self.name.replace('_', ' ')} needs {name.replace('_', ' ')!r}")
                continue
            problems.extend(param.check(name, params[name]))
        return problems

    def item_names(self, params: dict[str, Any]) -> set[str]:
        """Variables this step's item parameters name bare (``item: invoice``)."""
        if self.items_of is not None:
            return self.items_of(params)
        names = set()
        for name, param in self.params.items():
            value = params.get(name)
            if param.kind == "item" and isinstance(value, str) and not REFERENCE.search(value):
                names.add(norm(value))
        return names


@dataclass
class GivenSpec:
    pattern: re.Pattern[str]
    fn: Callable[..., Any]
    doc: str
    defines: tuple[str, ...] = ()
    fixture: str | None = None
    """The simulator dataset a tenant starts from when this state is given (tenant-level states only)."""
    tenant_level: bool = False
    text: str = ""


class Registry:
    """Actions by (kind, name), and the named starting states."""

    def __init__(self) -> None:
        self.actions: dict[tuple[str, str], ActionSpec] = {}
        self.givens: list[GivenSpec] = []
        self.builtins = {"erp", "today", "company", "tenant"}

    def register(self, kind: str, name: str, /, *, doc: str = "", open: bool = False,
                 checker: Callable[[dict[str, Any]], list[str]] | None = None,
                 items_of: Callable[[dict[str, Any]], set[str]] | None = None,
                 **params: Param) -> Callable[[Handler], Handler]:
        """Decorator: a step ``kind: name`` with its parameters (keys in snake_case)."""
        def register(fn: Handler) -> Handler:
            self.actions[(kind, norm(name))] = ActionSpec(kind, norm(name), fn, {norm(k): v for k, v in params.items()},
                                                          doc or (fn.__doc__ or "").strip(), open, checker, items_of)
            return fn
        return register

    def given(self, pattern: str, *, defines: tuple[str, ...] = (), fixture: str | None = None,
              tenant_level: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: a named starting state; ``{name}`` in the pattern captures one word, passed by name."""
        regex = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\S+)", re.escape(pattern.strip())) + "$",
                           re.IGNORECASE)

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.givens.append(GivenSpec(regex, fn, (fn.__doc__ or "").strip(), defines, fixture, tenant_level,
                                         pattern.strip()))
            return fn
        return register

    def find_given(self, state: str) -> tuple[GivenSpec, dict[str, str]] | None:
        wanted = " ".join(state.split())
        for spec in self.givens:
            match = spec.pattern.match(wanted)
            if match:
                return spec, match.groupdict()
        return None

    def given_names(self) -> str:
        return "; ".join(repr(g.text) for g in self.givens)

    def action(self, kind: str, name: str) -> ActionSpec | None:
        return self.actions.get((kind, norm(name)))

    def action_names(self, kind: str) -> str:
        return ", ".join(sorted(n.replace("_", " ") for k, n in self.actions if k == kind))

    def example(self, kind: str) -> str:
        return {"pm": "send to erp", "bookkeeper": "pay bill", "sync": "import", "expect": "pm",
                "fault": "drop after commit"}.get(kind, "")


REGISTRY = Registry()


from sync_core.replay import actions as _actions  # noqa: E402,F401  (registers the built-in steps)
from sync_core.replay import faults as _faults  # noqa: E402,F401  (the fault: steps and expect: journal)

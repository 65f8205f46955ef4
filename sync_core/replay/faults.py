"""Faults and the journal in scenarios: the ``fault:`` step, a scenario's ``faults:``, ``expect: journal``.

A fault in a scenario is a simulator fault rule (``/_erpsim/tenants/{id}/faults``) written in
the file's own words: the step names the fault (``fault: drop after commit``) and says what it
hits (operation, object, method, path) and how often (first, probability, seed); ``fault: clear``
removes them all. It hits the connector's calls only unless it says ``client: any``, so the
checks that read the ERP back are never faulted themselves. ``expect: journal`` counts what the
ERP was sent during the run, through the tenant's request journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from simulator.faults.rules import KINDS, RuleError, parse_rule
from sync_core.replay.env import USER_AGENTS
from sync_core.replay.steps import REGISTRY, Mismatch, StepFailed
from sync_core.replay.values import norm

if TYPE_CHECKING:
    from sync_core.replay.runner import Context

CLIENTS = {"connector": USER_AGENTS["connector"], "read_back": USER_AGENTS["read back"], "any": None}
RULE_PARAMS = ("operation", "object", "method", "path", "probability", "first", "seed", "name", "client")
COUNTS = ("count", "at_least", "at_most")
MATCHER_PARAMS = ("operation", "object", "method", "path", "status", "faulted", "controlid", "body")


def _fault(raw: Any) -> Any:
    """``drop after commit`` or ``{kind: error, error: rate limit}``: kinds and error names as the simulator spells them."""
    if isinstance(raw, str):
        return {"kind": norm(raw)}
    if isinstance(raw, Mapping):
        out = {norm(k): v for k, v in raw.items()}
        for key in ("kind", "error", "then"):
            if isinstance(out.get(key), str):
                out[key] = norm(out[key])
        return out
    if isinstance(raw, list):
        return [_fault(item) for item in raw]
    return raw


def rule_of(params: Mapping[str, Any], erp: str, kind: str | None = None) -> dict[str, Any]:
    """A scenario's fault, as the simulator's rule for this run's ERP.

    ``kind`` is the step's fault (``fault: reset``), whose own parameters sit beside the rule's;
    without it (a scenario's ``faults:``) the rule carries ``fault:`` itself.
    """
    data = {norm(k): v for k, v in params.items()}
    own: tuple[str, ...] = ("fault",) if kind is None else ("of",) if kind == "mix" else tuple(KINDS[kind])
    unknown = sorted(set(data) - set(RULE_PARAMS) - set(own))
    if unknown:
        raise ValueError(f"unknown fault parameter {unknown[0].replace('_', ' ')!r} (takes: "
                         f"{', '.join(p.replace('_', ' ') for p in (*RULE_PARAMS, *own))})")
    client = norm(data.pop("client", "connector"))
    if client not in CLIENTS:
        raise ValueError(f"client is one of: {', '.join(c.replace('_', ' ') for c in CLIENTS)}")
    rule: dict[str, Any] = {k: v for k, v in data.items() if v is not None and k in RULE_PARAMS}
    if kind is None:
        rule["fault"] = _fault(data.get("fault"))
    elif kind == "mix":
        rule["fault"] = _fault(data.get("of"))
    else:
        rule["fault"] = _fault({"kind": kind, **{k: v for k, v in data.items() if k in own}})
    rule["erp"] = erp
    if CLIENTS[client] is not None:
        rule["headers"] = {"user-agent": CLIENTS[client]}
    for name in ("operation", "object", "method", "path", "name"):
        if name in rule and not isinstance(rule[name], str):
            rule[name] = str(rule[name])
    return rule


def check_rule(params: Mapping[str, Any], kind: str | None = None) -> list[str]:
    """What is wrong with a scenario's fault, found before anything runs (the ERP checks its error names)."""
    try:
        rule = rule_of(params, "intacct", kind)
        rule.pop("erp")
        parse_rule(rule)
    except (ValueError, RuleError) as exc:
        return [str(exc)]
    return []


def install(ctx: Context, params: Mapping[str, Any], kind: str | None = None) -> dict[str, Any]:
    simulator, tenant = ctx.binding.simulator, ctx.binding.tenant.id
    try:
        rule = rule_of(params, ctx.erp, kind)
    except ValueError as exc:
        raise StepFailed(str(exc)) from exc
    added: dict[str, Any] = simulator.admin("POST", f"/tenants/{tenant}/faults", rule)
    ctx.note(f"fault rule {added['id']}: {added['fault']}")
    return added


# -- steps ---------------------------------------------------------------------------------------


def _register(kind: str) -> None:
    def step(ctx: Context, p: dict[str, Any]) -> Any:
        return install(ctx, p, kind)

    step.__doc__ = (f"From here on, {kind.replace('_', ' ')} on the requests it matches (operation, object, "
                    "method, path; the connector's unless client: any), for the first N or with a probability "
                    "from a seed.")
    REGISTRY.register("fault", kind, checker=lambda p: check_rule(p, kind))(step)


for _kind in (*KINDS, "mix"):
    _register(_kind)


@REGISTRY.register("fault", "clear")
def clear(ctx: Context, p: dict[str, Any]) -> Any:
    """Remove every fault rule; the ERP behaves again."""
    return ctx.binding.simulator.admin("DELETE", f"/tenants/{ctx.binding.tenant.id}/faults")


def _journal_check(params: dict[str, Any]) -> list[str]:
    problems = [f"unknown parameter {k.replace('_', ' ')!r} (expect: journal takes "
                f"{', '.join(p.replace('_', ' ') for p in (*MATCHER_PARAMS, *COUNTS))})"
                for k in params if k not in (*MATCHER_PARAMS, *COUNTS)]
    counts = [k for k in COUNTS if k in params]
    if not counts:
        problems.append("expect: journal needs count, at least or at most")
    for k in counts:
        value = params[k]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            if not (isinstance(value, str) and value.startswith("${")):
                problems.append(f"{k.replace('_', ' ')} is a whole number")
    return problems


@REGISTRY.register("expect", "journal", checker=_journal_check)
def expect_journal(ctx: Context, p: dict[str, Any]) -> Any:
    """How many requests of the run the ERP's journal holds that match (operation, object, method, path,
    status, fault, controlid, body): exactly ``count``, ``at least`` or ``at most``."""
    matcher: dict[str, Any] = {"erp": ctx.erp}
    for key in MATCHER_PARAMS:
        if p.get(key) is not None:
            value = p[key]
            if key == "faulted":
                matcher["fault"] = norm(value) if isinstance(value, str) else value
            else:
                matcher[key] = value
    if isinstance(matcher.get("status"), int):
        matcher["status"] = str(matcher["status"])
    found = int(ctx.binding.simulator.admin("POST", f"/tenants/{ctx.binding.tenant.id}/journal/count",
                                            matcher)["count"])
    label = "requests " + ", ".join(f"{k} {v}" for k, v in matcher.items())
    differences = []
    if "count" in p and found != int(p["count"]):
        differences.append((label, str(p["count"]), str(found)))
    if "at_least" in p and found < int(p["at_least"]):
        differences.append((label, f"at least {p['at_least']}", str(found)))
    if "at_most" in p and found > int(p["at_most"]):
        differences.append((label, f"at most {p['at_most']}", str(found)))
    if differences:
        raise Mismatch(differences)
    return found


# -- for a project's own tests (the erpsim_faults and erpsim_journal fixtures) ---------------------------------


class Faults:
    """One tenant's fault rules, over the control plane: ``add(fault="reset", operation="create", first=1)``."""

    def __init__(self, simulator: Any, tenant: str) -> None:
        self.simulator, self.path = simulator, f"/tenants/{tenant}/faults"

    def add(self, **rule: Any) -> dict[str, Any]:
        """Add a rule in the simulator's own format (erp, operation, object, method, path, headers, fault,
        probability, first, seed, name); ``fault`` may be just a kind. Returns it with its id."""
        added: dict[str, Any] = self.simulator.admin("POST", self.path, rule)
        return added

    def rules(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.simulator.admin("GET", self.path)["rules"]
        return found

    def remove(self, rule_id: int) -> None:
        self.simulator.admin("DELETE", f"{self.path}/{rule_id}")

    def clear(self) -> None:
        self.simulator.admin("DELETE", self.path)


class Journal:
    """One tenant's request journal: ``entries(erp="intacct", operation="create")``, ``count(...)``."""

    def __init__(self, simulator: Any, tenant: str) -> None:
        self.simulator, self.path = simulator, f"/tenants/{tenant}/journal"

    def entries(self, **filters: Any) -> list[dict[str, Any]]:
        """Newest first; filters erp, operation, object, status, since, method, path, fault, limit..."""
        query = "&".join(f"{k}={quote(str(v))}" for k, v in filters.items())
        found: list[dict[str, Any]] = self.simulator.admin("GET", self.path + (f"?{query}" if query else ""))[
            "entries"]
        return found

    def entry(self, entry_id: int) -> dict[str, Any]:
        """One exchange whole: request and response headers and bodies (secrets masked)."""
        found: dict[str, Any] = self.simulator.admin("GET", f"{self.path}/{entry_id}")
        return found

    def count(self, **matcher: Any) -> int:
        """How many requests match: the verify step of a contract test."""
        return int(self.simulator.admin("POST", f"{self.path}/count", matcher)["count"])

    def clear(self) -> None:
        self.simulator.admin("DELETE", self.path)

"""Fault rules: what they match, what they do, and which request each one hits.

A rule matches requests by ERP and operation (function or action, object or
entity or table, method, path glob) and applies its fault to the first N
matches and/or with a probability. The draw for a rule's k-th match is a pure
function of the rule's seed and k, so the same traffic meets the same faults
on every run and in every worker process (the match counters live in the store).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.journal.hook import Exchange
from simulator.journal.log import ensure_tables
from simulator.store import Store

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS fault_rules (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        matched INTEGER NOT NULL DEFAULT 0,
        applied INTEGER NOT NULL DEFAULT 0
    )""",
    # Every ERP request reads its tenant's rules, usually finding none.
    "CREATE INDEX IF NOT EXISTS fault_rules_by_tenant ON fault_rules (tenant, id)",
)

# kind -> {parameter: (types, required)}
KINDS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "latency": {"ms": ((int, float, list), True)},
    "error": {"error": ((str,), True), "retry_after": ((int,), False), "status": ((int,), False),
              "message": ((str,), False)},
    "session_expiry": {},
    "http": {"status": ((int,), True), "body": ((str,), False), "content_type": ((str,), False),
             "headers": ((dict,), False)},
    "reset": {},
    "empty": {"status": ((int,), False)},
    "truncated": {"fraction": ((int, float), False)},
    "drop_after_commit": {"then": ((str,), False)},
    "concurrency": {"limit": ((int,), False), "error": ((str,), False)},
}
MATCH_FIELDS = ("erp", "operation", "object", "method", "path", "headers")
RULE_FIELDS = (*MATCH_FIELDS, "fault", "probability", "first", "seed", "name")


class RuleError(Exception):
    """A rule the admin API refuses with 400 and this message."""


@dataclass(frozen=True)
class Fault:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.params}


@dataclass(frozen=True)
class Rule:
    fault: Fault
    """The fault, or the first of ``mix``; the k-th hit picks from ``mix`` by weight."""
    erp: str | None = None
    operation: str | None = None
    object: str | None = None
    method: str | None = None
    path: str | None = None
    probability: float = 1.0
    first: int | None = None
    seed: int = 0
    name: str = ""
    headers: tuple[tuple[str, str], ...] | None = None
    """(lower-case header name, glob) pairs the request must all carry: tell one client from another."""
    mix: tuple[tuple[Fault, float], ...] = ()
    """Several faults with weights: each hit applies one of them."""
    id: int = 0
    matched: int = 0
    applied: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        for name in MATCH_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = dict(value) if name == "headers" else value
        fault: Any = ([{**f.to_json(), "weight": w} for f, w in self.mix] if self.mix else self.fault.to_json())
        out.update({"fault": fault, "probability": self.probability, "first": self.first,
                    "seed": self.seed, "name": self.name, "matched": self.matched, "applied": self.applied})
        return out

    def fault_for(self, k: int) -> Fault:
        """The fault the k-th match meets: the rule's own, or one of its mix by a seeded draw."""
        if not self.mix:
            return self.fault
        total = sum(w for _, w in self.mix)
        point = draw(self.seed, k, "mix") * total
        for fault, weight in self.mix:
            point -= weight
            if point < 0:
                return fault
        return self.mix[-1][0]

    def definition(self) -> dict[str, Any]:
        """What was posted (no id or counters): stored, and enough to post the rule again."""
        out = {k: v for k, v in self.to_json().items() if k not in ("id", "matched", "applied")}
        return {k: v for k, v in out.items() if v is not None}

    def matches(self, erp: str, method: str, path: str, exchange: Exchange,
                headers: Mapping[str, str] | None = None) -> bool:
        if self.erp is not None and self.erp != erp:
            return False
        if self.headers is not None and not all(
                fnmatch.fnmatchcase((headers or {}).get(name, ""), pattern) for name, pattern in self.headers):
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is not None and not fnmatch.fnmatchcase(path, self.path):
            return False
        if self.operation is None and self.object is None:
            return True
        # A request of several functions (Intacct) matches when any one of them does.
        return any((self.operation is None or fnmatch.fnmatchcase(op.name.lower(), self.operation.lower()))
                   and (self.object is None or fnmatch.fnmatchcase(op.object.lower(), self.object.lower()))
                   for op in exchange.operations)


def draw(seed: int, k: int, salt: str = "") -> float:
    """A number in [0, 1) fixed by (seed, k): the k-th match's coin, the same in every process."""
    digest = hashlib.blake2b(f"{seed}:{k}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def parse_rule(raw: Any, known_errors: dict[str, set[str]] | None = None) -> Rule:
    """Validate a posted rule. ``known_errors`` maps each ERP to its transient error names."""
    if not isinstance(raw, dict):
        raise RuleError("a fault rule must be a JSON object")
    unknown = set(raw) - set(RULE_FIELDS)
    if unknown:
        raise RuleError(f"unknown rule fields: {', '.join(sorted(unknown))}; known: {', '.join(RULE_FIELDS)}")
    for name in (*MATCH_FIELDS, "name"):
        if name != "headers" and raw.get(name) is not None and not isinstance(raw[name], str):
            raise RuleError(f"'{name}' must be a string")
    headers = raw.get("headers")
    if headers is not None and (not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
        raise RuleError("'headers' maps header names to glob patterns the request's values must match")
    erp = raw.get("erp")
    if known_errors is not None and erp is not None and erp not in known_errors:
        raise RuleError(f"no ERP {erp!r}; this simulator serves: {', '.join(sorted(known_errors))}")
    raw_fault = raw.get("fault")
    mix: list[tuple[Fault, float]] = []
    if isinstance(raw_fault, list):
        if not raw_fault:
            raise RuleError("a mix of faults needs at least one")
        for index, item in enumerate(raw_fault):
            weight = item.get("weight", 1) if isinstance(item, dict) else 1
            if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
                raise RuleError(f"fault {index} of the mix: 'weight' must be a positive number")
            plain = {k: v for k, v in item.items() if k != "weight"} if isinstance(item, dict) else item
            try:
                mix.append((_parse_fault(plain, erp, known_errors), float(weight)))
            except RuleError as exc:
                raise RuleError(f"fault {index} of the mix: {exc}") from exc
        if any(f.kind == "concurrency" for f, _ in mix):
            raise RuleError("a concurrency limit is a rule of its own, not part of a mix")
        fault = mix[0][0]
    else:
        fault = _parse_fault(raw_fault, erp, known_errors)
    probability = raw.get("probability", 1.0)
    if not isinstance(probability, (int, float)) or isinstance(probability, bool) or not 0 <= probability <= 1:
        raise RuleError("'probability' must be a number from 0 to 1")
    first = raw.get("first")
    if first is not None and (not isinstance(first, int) or isinstance(first, bool) or first < 1):
        raise RuleError("'first' must be a whole number of at least 1 (apply to the first N matches)")
    seed = raw.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RuleError("'seed' must be a whole number")
    return Rule(fault, erp, raw.get("operation"), raw.get("object"), raw.get("method"), raw.get("path"),
                float(probability), first, seed, raw.get("name") or "",
                None if headers is None else tuple(sorted((k.lower(), v) for k, v in headers.items())), tuple(mix))


def _parse_fault(raw: Any, erp: str | None, known_errors: dict[str, set[str]] | None) -> Fault:
    if isinstance(raw, str):
        raw = {"kind": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str):
        raise RuleError(f"'fault' must be an object with a 'kind': one of {', '.join(KINDS)}")
    kind = raw["kind"]
    spec = KINDS.get(kind)
    if spec is None:
        raise RuleError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
    params = {k: v for k, v in raw.items() if k != "kind"}
    unknown = set(params) - set(spec)
    if unknown:
        raise RuleError(f"fault {kind!r} takes {', '.join(spec) or 'no parameters'}; "
                        f"not {', '.join(sorted(unknown))}")
    for name, (types, required) in spec.items():
        if name not in params:
            if required:
                raise RuleError(f"fault {kind!r} needs '{name}'")
            continue
        value = params[name]
        if not isinstance(value, types) or isinstance(value, bool):
            raise RuleError(f"fault {kind!r}: '{name}' has the wrong type")
    _check_values(kind, params, erp, known_errors)
    return Fault(kind, params)


def _check_values(kind: str, params: dict[str, Any], erp: str | None,
                  known_errors: dict[str, set[str]] | None) -> None:
    if kind == "latency":
        ms = params["ms"]
        bounds = ms if isinstance(ms, list) else [ms, ms]
        if (len(bounds) != 2 or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
                or not 0 <= bounds[0] <= bounds[1] <= 600_000):
            raise RuleError("latency 'ms' is a number of milliseconds or a [low, high] range, at most 600000")
    for name in ("status",):
        if name in params and not 100 <= params[name] <= 599:
            raise RuleError(f"'{name}' must be an HTTP status from 100 to 599")
    if kind == "http" and "headers" in params and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in params["headers"].items()):
        raise RuleError("'headers' must map header names to string values")
    if kind == "truncated" and not 0 <= params.get("fraction", 0.5) < 1:
        raise RuleError("'fraction' is the share of the body kept, from 0 up to (not including) 1")
    if kind == "drop_after_commit" and params.get("then", "reset") not in ("reset", "502"):
        raise RuleError("'then' is 'reset' (the connection drops) or '502' (a proxy's Bad Gateway)")
    if kind == "concurrency" and not 1 <= params.get("limit", 2) <= 1000:
        raise RuleError("'limit' is the number of requests in flight at once, from 1")
    if "retry_after" in params and not 0 <= params["retry_after"] <= 86_400:
        raise RuleError("'retry_after' is a number of seconds from 0 to 86400")
    if kind == "error" and known_errors is not None:
        if erp is None:
            raise RuleError("an 'error' fault is in one ERP's own shape: give the rule an 'erp'")
        names = known_errors.get(erp, set())
        if params["error"] not in names:
            raise RuleError(f"{erp} has no transient error {params['error']!r}; known: {', '.join(sorted(names))}")


class Rules:
    """One store's fault rules. Cheap to build; the table is made once per store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        ensure_tables(store, SCHEMA)

    def add(self, tenant: str, rule: Rule) -> Rule:
        row = self.store.execute("INSERT INTO fault_rules (tenant, rule) VALUES (?, ?) RETURNING id",
                                 (tenant, json.dumps(rule.definition()))).fetchone()
        return self._with(rule, int(row[0]), 0, 0)

    def list(self, tenant: str) -> list[Rule]:
        rows = self.store.execute("SELECT id, rule, matched, applied FROM fault_rules WHERE tenant = ? ORDER BY id",
                                  (tenant,)).fetchall()
        return [self._with(parse_rule(json.loads(r[1])), int(r[0]), int(r[2]), int(r[3])) for r in rows]

    def get(self, tenant: str, rule_id: int) -> Rule | None:
        return next((r for r in self.list(tenant) if r.id == rule_id), None)

    def delete(self, tenant: str, rule_id: int) -> bool:
        cur = self.store.execute("DELETE FROM fault_rules WHERE tenant = ? AND id = ?", (tenant, rule_id))
        return cur.rowcount > 0

    def clear(self, tenant: str) -> int:
        return int(self.store.execute("DELETE FROM fault_rules WHERE tenant = ?", (tenant,)).rowcount)

    def consult(self, tenant: str, erp: str, method: str, path: str, exchange: Exchange,
                headers: Mapping[str, str] | None = None) -> tuple[tuple[Rule, int] | None, list[Rule]]:
        """The rule whose fault this request meets (with its match number), and the concurrency gates it
        must pass. One read of the tenant's rules, usually finding none.

        Rules are tried in the order they were added. Each matching rule counts the request;
        the first whose coin falls applies, and later rules are not consulted.
        """
        rows = self.store.execute("SELECT id, rule FROM fault_rules WHERE tenant = ? ORDER BY id",
                                  (tenant,)).fetchall()
        if not rows:
            return None, []
        rules = [self._parsed(int(rule_id), text) for rule_id, text in rows]
        matching = [r for r in rules if r.matches(erp, method, path, exchange, headers)]
        gates = [r for r in matching if r.fault.kind == "concurrency"]
        for rule in matching:
            if rule.fault.kind == "concurrency":
                continue
            k = int(self.store.execute("UPDATE fault_rules SET matched = matched + 1 WHERE id = ? RETURNING matched",
                                       (rule.id,)).fetchone()[0])
            if rule.first is not None and k > rule.first:
                continue
            if rule.probability >= 1 or draw(rule.seed, k) < rule.probability:
                self.count_applied(rule.id)
                return (rule, k), gates
        return None, gates

    def count_applied(self, rule_id: int) -> None:
        self.store.execute("UPDATE fault_rules SET applied = applied + 1 WHERE id = ?", (rule_id,))

    # Parsed rules by (id, text): a rule never changes after it is added, so parsing once is enough.
    _cache: dict[tuple[int, str], Rule] = {}

    def _parsed(self, rule_id: int, text: str) -> Rule:
        found = self._cache.get((rule_id, text))
        if found is None:
            found = self._with(parse_rule(json.loads(text)), rule_id, 0, 0)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[(rule_id, text)] = found
        return found

    @staticmethod
    def _with(rule: Rule, rule_id: int, matched: int, applied: int) -> Rule:
        return replace(rule, id=rule_id, matched=matched, applied=applied)

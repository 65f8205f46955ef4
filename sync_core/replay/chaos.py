"""Exactly once under faults: a scenario replayed while a seeded share of the sync's ERP calls fail.

The faults are one simulator rule per run: with probability ``rate`` a connector call meets one
of a mix of faults, each in the ERP's own shape: the write commits and the answer is lost (a
reset or a 502), the connection drops before the ERP ran, the answer is cut in half, the ERP is
throttled or busy, the session expires. The run passes when the scenario's own expectations hold
(Procore and the ERP agree to the cent) and the ERP's books hold exactly the records a clean run
of the same scenario leaves: none twice, none missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sync_core.delivery import RetryPolicy
from sync_core.replay.env import Simulator
from sync_core.replay.format import Scenario
from sync_core.replay.runner import RunResult, Runner

# Enough attempts that 30 % faults do not exhaust them (0.3 ** 12 is about 5e-7 per call).
PATIENT = RetryPolicy(attempts=12, base_delay=0.5, max_delay=30.0)
# A sign-in whose answer is lost still holds its licence seat until it idles out (10 minutes on
# Acumatica): with the two seats of a trial licence the sync would wait, not duplicate. The runs
# lift the seat limit so that what they measure is records, not seats.
SEATS = {"acumatica": {"max_api_sessions": 0}, "sage100": {"licence_seats": 50}}

COMMON: list[dict[str, Any]] = [
    {"kind": "drop_after_commit", "then": "reset", "weight": 3},
    {"kind": "drop_after_commit", "then": "502", "weight": 1},
    {"kind": "reset", "weight": 2},
    {"kind": "truncated", "fraction": 0.5, "weight": 1},
    {"kind": "session_expiry", "weight": 1},
]
TRANSIENT: dict[str, list[dict[str, Any]]] = {
    "intacct": [{"kind": "error", "error": "rate_limit", "weight": 1}, {"kind": "error", "error": "gateway", "weight": 1},
                {"kind": "error", "error": "session", "weight": 1}],
    "sage100": [{"kind": "error", "error": "record_in_use", "weight": 2},
                {"kind": "http", "status": 503, "body": "Service Unavailable", "weight": 1}],
    "acumatica": [{"kind": "error", "error": "request_limit", "weight": 1},
                  {"kind": "error", "error": "record_lock", "weight": 1},
                  {"kind": "error", "error": "api_login_limit", "weight": 1}],
}


def mix_rule(erp: str, seed: int, rate: float = 0.3) -> dict[str, Any]:
    """The scenario fault: ``rate`` of the connector's calls to ``erp`` meet one fault of the mix, drawn from ``seed``."""
    return {"probability": rate, "seed": seed, "name": f"chaos seed {seed}", "fault": [*COMMON, *TRANSIENT[erp]]}


def is_books(kind: str) -> bool:
    """A kind that is the company's books, not the room's own bookkeeping (sessions, control ids, ids)."""
    local = kind.split(".", 1)[-1]
    return not local.startswith(("_", "#"))


@dataclass
class Outcome:
    erp: str
    seed: int | None
    result: RunResult
    books: Counter[str]
    journal: dict[str, int] = field(default_factory=dict)
    """Connector requests in the run, and how many met a fault."""

    def differences(self, clean: Counter[str]) -> list[str]:
        """Each kind whose count differs from the clean run's: a duplicate or a missing record."""
        out = []
        for kind in sorted(set(clean) | set(self.books)):
            if clean[kind] != self.books[kind]:
                what = "duplicate" if self.books[kind] > clean[kind] else "missing"
                out.append(f"{kind}: {self.books[kind]} records, a clean run leaves {clean[kind]} ({what})")
        return out


def run(simulator: Simulator, scenario: Scenario, erp: str, seed: int | None, rate: float = 0.3) -> Outcome:
    """One replay: clean when ``seed`` is None, else under the seeded mix."""
    captured: dict[str, Any] = {}

    def progress(event: str, data: Any) -> None:
        if event == "done" and isinstance(data, RunResult) and data.tenant:
            tenant = data.tenant
            snapshot = simulator.admin("GET", f"/tenants/{tenant}/snapshot")
            captured["books"] = Counter({kind: len(rows) for kind, rows in snapshot.items() if is_books(kind)})
            count = f"/tenants/{tenant}/journal/count"
            captured["journal"] = {
                "requests": simulator.admin("POST", count, {"erp": erp})["count"],
                "faulted": simulator.admin("POST", count, {"erp": erp, "fault": True})["count"],
            }

    faults = [] if seed is None else [mix_rule(erp, seed, rate)]
    chaotic = replace(scenario, faults=[*scenario.faults, *faults])
    result = Runner(simulator, progress=progress, policy=PATIENT, tenant_config=SEATS).run(chaotic, erp)
    return Outcome(erp, seed, result, captured.get("books", Counter()), captured.get("journal", {}))

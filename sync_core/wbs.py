"""Cost-code structure rules every ERP connector shares.

Procore's ERP connectors support only *sectioned* cost codes (the first segment
is a division, as in ``03-300``), written with **one** delimiter across the
whole list (never ``01-20.05``), and all with the same number of tiers. Which
delimiters are allowed depends on the ERP: Acumatica takes ``-`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DELIMITERS = "-./"
_SPLIT = re.compile(r"[-./]")


@dataclass(frozen=True)
class Structure:
    delimiter: str | None
    tiers: int | None


@dataclass(frozen=True)
class Breach:
    rule: str
    message: str


def segments(code: str) -> list[str]:
    return _SPLIT.split(code)


def delimiters_in(code: str) -> set[str]:
    return {ch for ch in code if ch in DELIMITERS}


def division_of(code: str) -> str:
    return segments(code)[0]


def check(codes: Iterable[str], *, allowed: str, erp: str, rule_prefix: str) -> tuple[Structure, list[Breach]]:
    """Check a cost code list; returns its structure and every rule it breaks (each code named)."""
    codes = [c for c in codes]
    breaches: list[Breach] = []
    used: dict[str, list[str]] = {}
    tiers: dict[int, list[str]] = {}
    for code in codes:
        found = delimiters_in(code)
        if not found:
            breaches.append(Breach(
                "wbs.sectioned",
                f"cost code {code!r} is not sectioned: the first part of a cost code must denote a division "
                f"(for example 03-300)",
            ))
            continue
        if len(found) > 1:
            breaches.append(Breach(
                "wbs.one_delimiter",
                f"cost code {code!r} mixes delimiters {' and '.join(sorted(found))}; use one delimiter throughout",
            ))
        parts = segments(code)
        if any(not p for p in parts):
            breaches.append(Breach("wbs.sectioned", f"cost code {code!r} has an empty segment"))
        for d in found:
            used.setdefault(d, []).append(code)
        tiers.setdefault(len(parts), []).append(code)
    if len(used) > 1:
        detail = "; ".join(f"{d!r} in {', '.join(v[:3])}{'…' if len(v) > 3 else ''}" for d, v in sorted(used.items()))
        breaches.append(Breach(
            "wbs.one_delimiter",
            f"the cost code list uses more than one delimiter ({detail}); use one delimiter throughout",
        ))
    bad = sorted(d for d in used if d not in allowed)
    if bad:
        allowed_text = " ".join(repr(a) for a in allowed)
        breaches.append(Breach(
            f"{rule_prefix}.cost_code_delimiter",
            f"{erp} accepts cost code delimiter(s) {allowed_text} only; found {', '.join(repr(b) for b in bad)} "
            f"in {', '.join(used[bad[0]][:3])}",
        ))
    if len(tiers) > 1:
        detail = "; ".join(f"{n}-tier: {', '.join(v[:3])}" for n, v in sorted(tiers.items()))
        breaches.append(Breach(
            "wbs.same_tiers",
            f"the cost code list mixes tiers ({detail}); every cost code must have the same number of segments",
        ))
    delimiter = next(iter(used)) if len(used) == 1 else None
    tier = next(iter(tiers)) if len(tiers) == 1 else None
    return Structure(delimiter, tier), breaches

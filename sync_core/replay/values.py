"""Values in scenario files: readable keys, per-ERP choices, ``${variables}``, money and durations.

Keys are written the way a person says them (``cost code``, ``billing date``) and
become ``cost_code``. A mapping whose keys are ERP names (plus ``default``) is a
choice: it stands for the current ERP's value. ``${name}`` or ``${name.field}``
in a string refers to something an earlier step made; a string that is only a
reference keeps the referenced value itself (an object, an amount).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

ERPS = ("intacct", "sage100", "acumatica")
ERP_TITLES = {"intacct": "Sage Intacct", "sage100": "Sage 100 Contractor", "acumatica": "Acumatica"}
CENT = Decimal("0.01")
REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_ ]+)*)\s*\}")
MONEY = re.compile(r"^\s*(-)?\s*\$?\s*(-)?([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*$")
DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?\s*$",
                      re.IGNORECASE)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MISSING = object()


def norm(key: Any) -> str:
    """``Cost code`` / ``cost-code`` / ``cost_code`` -> ``cost_code``."""
    return re.sub(r"[\s\-]+", "_", str(key).strip()).lower()


def is_choice(value: Any) -> bool:
    """A mapping that picks a value per ERP: every key an ERP name or ``default``, at least one ERP."""
    if not isinstance(value, Mapping) or not value:
        return False
    keys = {norm(k) for k in value}
    return keys <= {*ERPS, "default"} and bool(keys & set(ERPS))


def choose(value: Any, erp: str) -> Any:
    """``value`` with every per-ERP choice resolved for ``erp`` (MISSING where a choice has no answer)."""
    if is_choice(value):
        picked = {norm(k): v for k, v in value.items()}
        return choose(picked.get(erp, picked.get("default", MISSING)), erp)
    if isinstance(value, Mapping):
        return {k: choose(v, erp) for k, v in value.items()}
    if isinstance(value, list):
        return [choose(v, erp) for v in value]
    return value


def missing_choices(value: Any, erp: str, path: str = "") -> list[str]:
    """Where a per-ERP choice gives ``erp`` no value (and no default)."""
    if is_choice(value):
        picked = {norm(k): v for k, v in value.items()}
        if erp not in picked and "default" not in picked:
            return [path or "a value"]
        return missing_choices(picked.get(erp, picked.get("default")), erp, path)
    out: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            out += missing_choices(v, erp, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += missing_choices(v, erp, f"{path}[{i + 1}]")
    return out


def references(value: Any) -> set[str]:
    """The variable names a value refers to with ``${...}``."""
    found: set[str] = set()
    if isinstance(value, str):
        found.update(m.group(1) for m in REFERENCE.finditer(value))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            found |= references(k) | references(v)
    elif isinstance(value, list):
        for v in value:
            found |= references(v)
    return found


Lookup = Callable[[str, list[str]], Any]


def interpolate(value: Any, lookup: Lookup) -> Any:
    """Replace ``${name.field}`` references; a string that is one reference becomes the value itself."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value.strip())
        if whole:
            return lookup(whole.group(1), _path(whole.group(2)))
        return REFERENCE.sub(lambda m: text(lookup(m.group(1), _path(m.group(2)))), value)
    if isinstance(value, Mapping):
        return {_key(k, lookup): interpolate(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, lookup) for v in value]
    return value


def _key(key: Any, lookup: Lookup) -> Any:
    """Keys may refer to variables too (``{"${labor}": 8000}``); they always become text."""
    if isinstance(key, str) and REFERENCE.search(key):
        return REFERENCE.sub(lambda m: text(lookup(m.group(1), _path(m.group(2)))), key)
    return key


def _path(dotted: str) -> list[str]:
    return [norm(p) for p in dotted.split(".") if p.strip()]


def text(value: Any) -> str:
    """How a value reads in a sentence or a comparison."""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(CENT) else str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None:
        return "nothing"
    if hasattr(value, "describe"):
        return str(value.describe())
    return str(value)


def as_money(value: Any) -> Decimal | None:
    """``1,500.00``, ``$1500``, ``-12.5``, 1500 -> Decimal to the cent; None when it is not an amount."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value.quantize(CENT, ROUND_HALF_UP)
    if isinstance(value, (int, float)):
        return Decimal(repr(value) if isinstance(value, float) else value).quantize(CENT, ROUND_HALF_UP)
    if isinstance(value, str):
        match = MONEY.match(value)
        if not match:
            return None
        try:
            amount = Decimal(match.group(3).replace(",", ""))
        except InvalidOperation:
            return None
        if match.group(1) or match.group(2):
            amount = -amount
        return amount.quantize(CENT, ROUND_HALF_UP)
    return None


def fmt_money(value: Decimal) -> str:
    return f"{value:,.2f}"


def seconds(value: Any) -> float:
    """``30 minutes``, ``2 hours``, ``90`` (seconds) -> seconds; ValueError when it is not a duration."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        match = DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration (write e.g. '30 minutes', '2 hours', '1 day')")
        unit = (match.group(2) or "s")[0].lower()
        result = float(match.group(1)) * UNITS[unit]
    if result < 0:
        raise ValueError("the clock only moves forward")
    return result


def to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())

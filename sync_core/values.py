"""Field types for the Procore-side objects: how a value is checked, stored and read back.

Stored values are plain JSON: money and quantities as decimal strings (so no
float ever rounds a cent), dates as ISO ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sync_core.errors import ValidationFailed

CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """A currency amount rounded half-up to the cent."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise InvalidOperation(f"{value!r} is not a number")
    elif isinstance(value, (int, str)):
        result = Decimal(str(value).strip())
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise InvalidOperation(f"{value!r} is not a number")
    if not result.is_finite():
        raise InvalidOperation(f"{value!r} is not a finite number")
    return result


def to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise ValueError(f"{value!r} is not a date")


@dataclass(frozen=True)
class Field:
    """One field of an object: its type, whether it is required, its limits."""

    type: str = "text"  # text | money | decimal | percent | date | bool | choice | int | ref | list
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    default: Any = None
    label: str = ""

    def store(self, name: str, value: Any) -> Any:
        """Check ``value`` and turn it into its JSON form; raises ValueError with a readable reason."""
        label = self.label or name.replace("_", " ")
        if value is None or (isinstance(value, str) and not value.strip() and self.type != "text"):
            if self.required:
                raise ValueError(f"{label} is required")
            return None
        try:
            if self.type == "text":
                text = str(value).strip()
                if self.required and not text:
                    raise ValueError(f"{label} is required")
                if self.max_length is not None and len(text) > self.max_length:
                    raise ValueError(f"{label} must be {self.max_length} characters or fewer (got {len(text)})")
                return text
            if self.type == "money":
                return str(money(value))
            if self.type in ("decimal", "percent"):
                number = to_decimal(value)
                if self.type == "percent" and not (Decimal(0) <= number <= Decimal(100)):
                    raise ValueError(f"{label} must be between 0 and 100 (got {number})")
                return str(number)
            if self.type == "date":
                return to_date(value).isoformat()
            if self.type == "bool":
                if not isinstance(value, bool):
                    raise ValueError(f"{label} must be true or false")
                return value
            if self.type == "int":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{label} must be a whole number")
                return value
            if self.type == "choice":
                text = str(value).strip()
                for choice in self.choices:
                    if text.casefold() == choice.casefold():
                        return choice
                raise ValueError(f"{label} must be one of: {', '.join(self.choices)} (got {text!r})")
            if self.type == "list":
                if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                    raise ValueError(f"{label} must be a list")
                return [str(v).strip() for v in value]
            if self.type == "ref":
                if isinstance(value, bool) or not isinstance(value, int):
                    ident = getattr(value, "id", None)
                    if not isinstance(ident, int):
                        raise ValueError(f"{label} must be an object or its id")
                    return ident
                return value
        except (InvalidOperation, ValueError, TypeError) as exc:
            if isinstance(exc, ValueError) and str(exc).startswith(label):
                raise
            raise ValueError(f"{label}: {value!r} is not a valid {self.type}") from exc
        raise AssertionError(f"unknown field type {self.type}")

    def load(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.type == "money" or self.type in ("decimal", "percent"):
            return Decimal(raw)
        if self.type == "date":
            return dt.date.fromisoformat(raw)
        return raw


Schema = Mapping[str, Field]


def clean(schema: Schema, values: Mapping[str, Any], *, partial: bool = False, what: str = "") -> dict[str, Any]:
    """Check every value against ``schema``; one ValidationFailed lists every problem."""
    problems: list[str] = []
    unknown = sorted(set(values) - set(schema))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}; {what or 'this object'} has: {', '.join(schema)}")
    out: dict[str, Any] = {}
    for name, spec in schema.items():
        if name not in values:
            if partial:
                continue
            value = spec.default
        else:
            value = values[name]
        try:
            out[name] = spec.store(name, value)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationFailed(problems)
    return out


def fmt_money(value: Decimal | str | None) -> str:
    return "$0.00" if value is None else f"${money(value):,.2f}"

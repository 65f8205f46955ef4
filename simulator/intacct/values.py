"""Value formats on Intacct's wire: mm/dd/yyyy dates, 2-decimal currency, true/false."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from simulator.intacct.schema import Field

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CENT = Decimal("0.01")


class ValueProblem(ValueError):
    """A value that does not fit its field; the message is the user-facing sentence."""


def parse_date(value: str, *, iso_ok: bool = False) -> date:
    match = _US_DATE.match(value)
    if match:
        month, day, year = (int(g) for g in match.groups())
    elif iso_ok and _ISO_DATE.match(value):
        year, month, day = (int(g) for g in value.split("-"))
    else:
        raise ValueProblem(f"'{value}' is not a valid date. Use the format mm/dd/yyyy.")
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"'{value}' is not a valid date. Use the format mm/dd/yyyy.") from exc


def fmt_date(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year:04d}"


def fmt_timestamp(dt: datetime) -> str:
    return dt.strftime("%m/%d/%Y %H:%M:%S")


def parse_decimal(value: str) -> Decimal:
    cleaned = value.strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueProblem(f"'{value}' is not a valid number.") from exc
    if not number.is_finite() or "," in cleaned:
        raise ValueProblem(f"'{value}' is not a valid number.")
    return number


def money(value: Decimal | str | int) -> str:
    """Currency rounded half-up to 2 places, no thousands separators."""
    number = value if isinstance(value, Decimal) else Decimal(str(value) or "0")
    return str(number.quantize(CENT, rounding=ROUND_HALF_UP))


def dec(value: str | None) -> Decimal:
    """A stored numeric string as a Decimal ('' counts as zero)."""
    return Decimal(value) if value not in (None, "") else Decimal(0)


def plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def coerce(field: Field, raw: str, *, iso_dates: bool = False) -> str:
    """Validate one incoming value and return its stored (wire) form."""
    value = raw.strip()
    if value == "":
        return ""
    kind = field.type
    if kind in ("text", "ref"):
        if field.max_length is not None and len(value) > field.max_length:
            raise ValueProblem(
                f"{field.name} is too long: {len(value)} characters where at most {field.max_length} are allowed."
            )
        return value
    if kind == "int":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueProblem(f"'{value}' is not a valid integer for {field.name}.")
        return str(int(value))
    if kind == "cur":
        return money(parse_decimal(value))
    if kind in ("dec", "pct"):
        number = parse_decimal(value)
        if kind == "pct" and not Decimal(0) <= number <= Decimal(100):
            raise ValueProblem(f"{field.name} must be between 0.00 and 100.00; '{value}' is not.")
        return plain(number)
    if kind == "date":
        return fmt_date(parse_date(value, iso_ok=iso_dates))
    if kind == "ts":
        return value
    if kind == "bool":
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise ValueProblem(f"'{value}' is not a valid boolean for {field.name}; use true or false.")
        return lowered
    if kind == "enum":
        for allowed in field.values:
            if allowed.lower() == value.lower():
                return allowed
        raise ValueProblem(
            f"'{value}' is not a valid value for {field.name}. Valid values: {', '.join(field.values)}."
        )
    raise ValueProblem(f"unsupported field type {kind}")


def legacy_date(el_text: dict[str, str], what: str) -> date:
    """A legacy ``<year><month><day>`` date; months and days may be unpadded."""
    try:
        return date(int(el_text["year"]), int(el_text["month"]), int(el_text["day"]))
    except (KeyError, ValueError) as exc:
        raise ValueProblem(f"{what} is not a valid date; give <year>, <month> and <day>.") from exc

"""JSON in and out: parsing bodies, checking values against the table definitions, rendering records.

Decimals are parsed exactly (``parse_float=Decimal``) so a cost code with four
decimals is seen as such, and travel back out as JSON numbers.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from starlette.responses import JSONResponse

from simulator.sage100.errors import Problem, Sage100Error, bad_request, invalid
from simulator.sage100.tables import TABLES, Column, Table
from simulator.journal.hook import did_you_mean, near_miss

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """The body as JSON; anything else is a 400 naming what went wrong."""
    if not raw.strip():
        raise bad_request("a JSON body is required", code="MalformedJSON", rule="json")
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise bad_request(f"body is not UTF-8: {exc}", code="MalformedJSON", rule="json") from exc
    except (ValueError, RecursionError) as exc:
        raise bad_request(f"body is not valid JSON: {exc}", code="MalformedJSON", rule="json") from exc


def parse_object(raw: bytes, table: str | None = None) -> dict[str, Any]:
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_request(f"body must be a JSON object, not {_json_type(body)}", code="InvalidType", table=table,
                          rule="type")
    return body


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# -- values ------------------------------------------------------------------------


def coerce(table: Table, column: Column, value: Any, record: Any = None) -> Any:
    """One input value checked against its column; returns the stored Python value or raises ``Problem``."""

    def problem(rule: str, message: str) -> Problem:
        return Problem(f"{table.name}.{column.name} ({column.label}): {message}", table.name, record, column.name, rule)

    if value is None:
        if column.required or column.default is not None:
            raise problem("required", "cannot be null")
        return None
    kind = column.type
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            if column.job_number and isinstance(value, str):
                raise problem("numeric_job_number",
                              f"job numbers are numeric, with no letters or separators (got {value!r})")
            raise problem("type", f"expected an integer, got {_json_type(value)}")
        if isinstance(value, Decimal):
            if value != value.to_integral_value():
                raise problem("type", f"expected an integer, got {value}")
            value = int(value)
        if column.enum is not None and value not in column.enum:
            allowed = ", ".join(f"{k}-{v}" for k, v in column.enum.items())
            raise problem("enum", f"{value} is not one of {allowed}")
        if column.minimum is not None and value < column.minimum:
            raise problem("minimum", f"{value} is below the minimum {column.minimum}")
        if column.maximum is not None and value > column.maximum:
            raise problem("maximum", f"{value} is above the maximum {column.maximum}")
        return value
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise problem("type", f"expected a number, got {_json_type(value)}")
        number = Decimal(value)
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)  # NaN and infinities never get past the parser
        if abs(number) > column.limit:  # before any quantize, which huge numbers overflow
            raise problem("digits", f"{value} has more than {column.digits} digits before the point")
        if -exponent > column.places and number != number.quantize(column.scale):
            if column.cost_code:
                raise problem("cost_code_decimals",
                              f"cost codes have at most 3 decimals (got {value}); e.g. 2010.000")
            raise problem("decimal_places", f"at most {column.places} decimals (got {value})")
        number = number.quantize(column.scale)
        if column.minimum is not None and number < column.minimum:
            if column.cost_code:
                raise problem("cost_code_leading_zero", f"cost codes cannot begin with zero (got {value})")
            raise problem("minimum", f"{value} is below the minimum {column.minimum}")
        if column.maximum is not None and number > column.maximum:
            raise problem("maximum", f"{value} is above the maximum {column.maximum}")
        return number
    if kind == "str":
        if not isinstance(value, str):
            raise problem("type", f"expected a string, got {_json_type(value)}")
        if column.length is not None and len(value) > column.length:
            raise problem("max_length", f"is {len(value)} characters; the limit is {column.length}")
        if column.pattern is not None and not re.match(column.pattern, value):
            raise problem("format", f"{value!r} does not match {column.doc or column.pattern}")
        return value
    if kind == "date":
        if not isinstance(value, str):
            raise problem("type", f"expected a date string YYYY-MM-DD, got {_json_type(value)}")
        if not DATE.match(value):
            raise problem("date", f"{value!r} is not a date in the form YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise problem("date", f"{value!r} is not a calendar date") from None
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise problem("type", f"expected true or false, got {_json_type(value)}")
        return value
    raise problem("type", f"column type {kind} cannot be written")


def check_record(table: Table, body: dict[str, Any], *, insert: bool, current: dict[str, Any] | None = None,
                 record: Any = None, allow: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every value of one record body checked at once; all problems are reported together.

    On modify, read-only and key columns may be echoed back unchanged (so a
    retrieved record can be sent back as is) but not changed. ``allow`` names
    extra keys the caller handles itself (a header's line array).
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, raw in body.items():
        if name in allow:
            continue
        column = table.column(name)
        if column is None:
            known = ", ".join(c.name for c in table.columns)
            hint = did_you_mean(near_miss("column", name, (c.name for c in table.columns)))
            problems.append(Problem(f"{table.name} has no column {name!r}; " + (hint + " " if hint else "")
                                    + f"its columns are: {known}", table.name, record, name, "unknown_column"))
            continue
        if column.readonly or (column.key and not insert):
            if insert or current is None or not _same(column, current.get(name), raw):
                why = "is kept by Sage" if column.readonly else "identifies the record and cannot change"
                problems.append(Problem(f"{table.name}.{name} ({column.label}) {why}", table.name, record, name,
                                        "read_only"))
            continue
        try:
            values[name] = coerce(table, column, raw, record)
        except Problem as exc:
            problems.append(exc)
    if insert:
        for column in table.columns:
            if column.required and column.name not in body and not column.readonly:
                problems.append(Problem(f"{table.name}.{column.name} ({column.label}) is required", table.name,
                                        record, column.name, "required"))
    if problems:
        raise invalid(problems)
    return values


def _same(column: Column, stored: Any, raw: Any) -> bool:
    if stored is None or raw is None:
        return stored is raw
    if column.type == "decimal":
        return isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) and Decimal(raw) == Decimal(stored)
    return bool(raw == stored) and type(raw) is type(stored)


# -- output -------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else float(value)
    return value


def render(table: Table, idnum: int, values: dict[str, Any]) -> dict[str, Any]:
    """A record as the API shows it: every column, in definition order, ``null`` when unset."""
    out: dict[str, Any] = {}
    for column in table.columns:
        out[column.name] = idnum if column.name == "_idnum" else _plain(values.get(column.name))
    return out


def render_stored(table: Table, idnum: int, data: dict[str, Any]) -> dict[str, Any]:
    """``render`` straight from a stored document (decimals kept as text), for page reads."""
    names, decimals = _layout(table.name)
    get = data.get
    out = {name: get(name) for name in names}
    out["_idnum"] = idnum
    for name in decimals:
        value = out[name]
        if value is not None:
            out[name] = float(value)
    return out


@cache
def _layout(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    columns = TABLES[name].columns
    return tuple(c.name for c in columns), tuple(c.name for c in columns if c.type == "decimal")


class SageJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_default).encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot render {type(value).__name__}")


def error_response(exc: Sage100Error) -> SageJSON:
    return SageJSON(exc.to_json(), status_code=exc.status, headers=exc.headers or None)

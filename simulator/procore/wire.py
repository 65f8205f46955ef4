"""Procore's wire conventions: JSON answers, errors, paging, filters, rate-limit headers, request bodies.

Every API answer is ``application/json; charset=utf-8`` (pyprocore parses a body only when the content type says
JSON) and carries ``X-Rate-Limit-*``. Lists page with ``page``/``per_page`` and answer ``Total``, ``Per-Page`` and a
``Link`` built from the request's own scheme, host and port, keeping every other query parameter; a page past the
end is ``200 []`` (propycore loops until it sees one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response

from simulator.http import BodyTooLarge, read_body

JSON_TYPE = "application/json; charset=utf-8"
BODY_LIMIT = 16 * 1024 * 1024
FILTER = re.compile(r"^filters?\[([a-z_]+)\](\[\])?$")


class ProcoreError(Exception):
    """An answer in Procore's error shape; ``errors`` is a message or a {field: [messages]} map."""

    def __init__(self, status: int, errors: str | dict[str, list[str]], *, headers: dict[str, str] | None = None)\
            -> None:
        super().__init__(errors if isinstance(errors, str) else json.dumps(errors))
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def not_found(what: str) -> ProcoreError:
    return ProcoreError(404, f"{what} not found")


def invalid(field: str, message: str) -> ProcoreError:
    return ProcoreError(422, {field: [message]})


def plain(value: Any) -> Any:
    """JSON-ready: money as a string with cents, dates ISO, decimals as numbers where Procore sends numbers."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if status == 204:
        return Response(status_code=204, headers=headers)
    content = json.dumps(plain(body), separators=(",", ":")).encode()
    return Response(content, status_code=status, headers=headers, media_type=JSON_TYPE)


def error_body(exc: ProcoreError, shape: str) -> dict[str, Any]:
    if shape == "message":
        message = exc.errors if isinstance(exc.errors, str) else "; ".join(
            f"{field} {msg}" if field != "base" else msg for field, msgs in exc.errors.items() for msg in msgs)
        return {"message": message, "errors": exc.errors}
    return {"errors": exc.errors}


# -- paging ---------------------------------------------------------------------------------------------------------


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ProcoreError(400, f"{name} must be a positive integer") from None
    if value < 1:
        raise ProcoreError(400, f"{name} must be a positive integer")
    return value


def page(request: Request, items: Sequence[Any], config: dict[str, Any]) -> tuple[list[Any], dict[str, str]]:
    """One page of ``items`` and the headers that describe it."""
    per_page = min(_int_param(request, "per_page", int(config.get("per_page_default", 100))),
                   int(config.get("per_page_max", 1000)))
    number = _int_param(request, "page", 1)
    total = len(items)
    last = max(1, -(-total // per_page))
    chunk = list(items[(number - 1) * per_page: number * per_page])
    headers = {"Total": str(total), "Per-Page": str(per_page)}
    links = []

    def url(to: int) -> str:
        query = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k not in ("page",
                                                                                                    "per_page")]
        query += [("page", str(to)), ("per_page", str(per_page))]
        return f"<{request.url.scheme}://{request.url.netloc}{request.url.path}?{urlencode(query)}>"

    if number > 1:
        links.append(f'{url(1)}; rel="first"')
        if number > 2:
            links.append(f'{url(min(number - 1, last))}; rel="prev"')
    if last > 1 or number > 1:
        links.append(f'{url(last)}; rel="last"')
    if number < last:
        links.append(f'{url(number + 1)}; rel="next"')
        if config.get("x_next_page"):
            headers["X-Next-Page"] = str(number + 1)
    if links:
        headers["Link"] = ", ".join(links)
    return chunk, headers


# -- filters ----------------------------------------------------------------------------------------------------------


def filters(request: Request) -> dict[str, list[str]]:
    """``filters[attr]=v`` and ``filters[attr][]=a&filters[attr][]=b`` (also spelled ``filter[...]``)."""
    found: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        match = FILTER.match(key)
        if match:
            found.setdefault(match.group(1), []).append(value)
    return found


def matches(value: Any, wanted: list[str]) -> bool:
    """A filter value matches a field: equal as text, or inside an ISO ``start...end`` range."""
    text = "" if value is None else str(plain(value)).lower()
    for want in wanted:
        if "..." in want:
            start, _, end = want.partition("...")
            if text and (not start or text >= start.lower()[:len(text)]) and (not end or text <= end.lower()):
                return True
        elif text == want.lower():
            return True
    return False


# -- bodies -----------------------------------------------------------------------------------------------------------


async def body(request: Request) -> dict[str, Any]:
    """A JSON object, a urlencoded form or a multipart form (``direct_cost[field]`` keys nest one level)."""
    try:
        raw = await read_body(request, BODY_LIMIT)
    except BodyTooLarge as exc:
        raise ProcoreError(413, str(exc)) from exc
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw.strip():
        return {}
    if kind == "multipart/form-data":
        return _nest(_multipart(raw, request.headers["content-type"]))
    if kind == "application/x-www-form-urlencoded":
        return _nest(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProcoreError(400, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise ProcoreError(400, "the body must be a JSON object")
    return parsed


def _multipart(raw: bytes, content_type: str) -> list[tuple[str, Any]]:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        raise ProcoreError(400, "the multipart body could not be read")
    fields: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields.append((str(name), {"filename": filename, "size": len(payload)}))
        else:
            fields.append((str(name), payload.decode("utf-8", "replace")))
    return fields


def _nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        match = re.match(r"^([A-Za-z_]+)\[([A-Za-z_]*)\](\[\])?$", key)
        if match:
            outer, inner, many = match.groups()
            if not inner:
                out.setdefault(outer, []).append(value)
                continue
            target = out.setdefault(outer, {})
            if isinstance(target, dict):
                if many:
                    target.setdefault(inner, []).append(value)
                else:
                    target[inner] = value
        elif key.endswith("[]"):
            out.setdefault(key[:-2], []).append(value)
        else:
            out[key] = value
    return out


def wrapped(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The attributes under ``key`` (``{"project": {...}}``), which Procore requires on create and update."""
    inner = data.get(key)
    if not isinstance(inner, dict):
        raise ProcoreError(400, f"param is missing or the value is empty: {key}")
    return inner

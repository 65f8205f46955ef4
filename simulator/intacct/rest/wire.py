"""The REST envelope: ``ia::result`` and ``ia::meta`` on success, ``ia::error`` with ``details[]`` on failure."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse, Response

from simulator.http import BodyTooLarge, read_body

BODY_LIMIT = 4 * 1024 * 1024
MEDIA_TYPE = "application/json"


def support_id() -> str:
    # Real support ids are URL-encoded and carry a '~' (%7E).
    return f"{secrets.token_urlsafe(12)}%7E{secrets.token_urlsafe(16)}"


@dataclass
class Detail:
    """One entry of ``details[]``: which field (``target``) failed and why."""

    message: str
    code: str = "invalidRequest"
    error_id: str = "REST-1064"
    target: str | None = None
    message_id: str = ""
    placeholders: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "errorId": self.error_id}
        if self.target is not None:
            out["target"] = self.target
        out["additionalInfo"] = {"messageId": self.message_id, "placeholders": self.placeholders, "propertySet": {}}
        return out


class RestError(Exception):
    """A failure answered as ``{"ia::result": {"ia::error": …}}`` with ``status``."""

    def __init__(self, status: int, message: str, *, code: str = "invalidRequest", error_id: str = "REST-1064",
                 message_id: str = "", placeholders: dict[str, Any] | None = None,
                 details: list[Detail] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.error_id = error_id
        self.message_id = message_id
        self.placeholders = placeholders or {}
        self.details = details or []

    def error(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code, "message": self.message, "errorId": self.error_id,
            "additionalInfo": {"messageId": self.message_id, "placeholders": self.placeholders, "propertySet": {}},
            "supportId": support_id(),
        }
        if self.details:
            out["details"] = [d.body() for d in self.details]
        return out

    def body(self) -> dict[str, Any]:
        return {"ia::result": {"ia::error": self.error()}, "ia::meta": single_meta(ok=False)}


class AuthError(Exception):
    """OAuth and token failures, answered in the gateway's own shape: a top-level ``{"error": …}``."""

    def __init__(self, status: int, code: str, message: str, error_id: str = "", message_id: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.error_id = error_id
        self.message_id = message_id

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.error_id:
            out["errorId"] = self.error_id
            out["additionalInfo"] = {"messageId": self.message_id, "placeholders": {}, "propertySet": {}}
        out["supportId"] = support_id()
        return {"error": out}


def single_meta(ok: bool = True) -> dict[str, int]:
    return {"totalCount": 1, "totalSuccess": 1 if ok else 0, "totalError": 0 if ok else 1}


def page_meta(total: int, start: int, size: int, returned: int) -> dict[str, Any]:
    """``next``/``previous`` are 1-based record numbers, not URLs."""
    following = start + returned
    return {"totalCount": total, "start": start, "pageSize": size,
            "next": following if following <= total and returned else None,
            "previous": max(1, start - size) if start > 1 else None}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if status == 204:
        return Response(status_code=204, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def payload_error(message: str, target: str | None = None, *, message_id: str = "IA.NOT_A_VALID_FIELD",
                  error_id: str = "REST-1043", code: str = "invalidRequest") -> RestError:
    """A payload the client can fix: REST-1064 with one detail naming the field."""
    placeholders = {"FIELD": target} if target else {}
    return RestError(400, "Payload contains errors", error_id="REST-1064", message_id="IA.PAYLOAD_CONTAINS_ERRORS",
                     details=[Detail(message, code=code, error_id=error_id, target=target, message_id=message_id,
                                     placeholders=placeholders)])


def not_found(what: str, key: str) -> RestError:
    return RestError(404, f"Requested resource {what} with key {key} not found", code="notFound",
                     error_id="REST-1049", message_id="IA.REQUESTED_RESOURCE_NOT_FOUND",
                     placeholders={"RESOURCE": what, "KEY": key})


def parse_json(raw: bytes, method: str) -> Any:
    if not raw.strip():
        raise RestError(400, f"A {method} request requires a payload", error_id="REST-1028",
                        message_id="IA.REQUEST_REQUIRES_A_PAYLOAD", placeholders={"OPERATION": method})
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RestError(400, f"The payload is not valid JSON: {exc}", error_id="REST-1026",
                        message_id="IA.INVALID_JSON_PAYLOAD") from exc


async def read_json(request: Any, required: bool = True) -> Any:
    try:
        raw = await read_body(request, BODY_LIMIT)
    except BodyTooLarge as exc:
        raise RestError(413, f"The payload exceeds {exc.limit} bytes", error_id="REST-1027",
                        message_id="IA.PAYLOAD_TOO_LARGE") from exc
    if not raw.strip() and not required:
        return None
    return parse_json(raw, request.method)

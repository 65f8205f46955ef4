"""Composite requests, ``POST /services/core/composite``: several sub-requests in one call.

Each answer carries its own ``ia::status``; the whole answers 207 when results
are mixed. ``@{name.path}`` in a later sub-request's path or body is replaced
by a value from the result a ``resultReference`` named. With the header
``X-IA-API-Param-Transaction: true`` (UNVERIFIED, reference §4.3) the
sub-requests commit together or not at all.
"""

from __future__ import annotations

import re
from typing import Any

from simulator.intacct.rest.wire import RestError, payload_error

_REF = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_:]+)*)\}")
_PATH = re.compile(r"^/(objects|services|workflows)/")
METHODS = ("GET", "POST", "PATCH", "DELETE")


class Rollback(Exception):
    pass


def unprocessed(message: str) -> dict[str, Any]:
    error = RestError(422, message, code="unprocessed", error_id="REST-1077",
                      message_id="IA.OPERATION_SKIPPED_DUE_TO_ATOMIC_TRANSACTION_FAILURE")
    return {"ia::error": error.error(), "ia::status": 422}


def lookup(results: dict[str, Any], name: str, path: str) -> Any:
    if name not in results:
        raise payload_error(f"@{{{name}{path}}} names no earlier resultReference.", None,
                            message_id="IA.INVALID_RESULT_REFERENCE", error_id="REST-1078")
    value = results[name]
    for part in filter(None, path.split(".")):
        if isinstance(value, list):
            value = value[int(part)] if part.isdigit() and int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = None
    return value


def interpolate(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _REF.fullmatch(value)
        if whole:
            return lookup(results, whole.group(1), whole.group(2))
        return _REF.sub(lambda m: str(lookup(results, m.group(1), m.group(2))), value)
    if isinstance(value, list):
        return [interpolate(v, results) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, results) for k, v in value.items()}
    return value


def validate(body: Any, limit: int) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not body:
        raise payload_error("A composite request is a non-empty array of sub-requests.", "/")
    if len(body) > limit:
        raise payload_error(f"A composite request holds at most {limit} sub-requests; {len(body)} were sent.", "/")
    for number, item in enumerate(body):
        target = f"/{number}"
        if not isinstance(item, dict):
            raise payload_error("Each sub-request is an object with method and path.", target)
        if item.get("method") not in METHODS:
            raise payload_error(f"{target}/method must be one of {', '.join(METHODS)}.", f"{target}/method")
        if not isinstance(item.get("path"), str) or not _PATH.match(item["path"]):
            raise payload_error(f"{target}/path must start with /objects/ or /services/.", f"{target}/path")
        if "/services/core/composite" in item["path"]:
            raise payload_error("A composite request cannot contain another.", f"{target}/path")
    return body


def run(api: Any, body: Any, atomic: bool) -> tuple[int, dict[str, Any]]:
    items = validate(body, int(api.settings.get("composite_max", 100)))
    answers: list[dict[str, Any]] = []
    results: dict[str, Any] = {}

    def one(item: dict[str, Any]) -> dict[str, Any]:
        try:
            path = interpolate(item["path"], results)
            payload = interpolate(item.get("body"), results)
            headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
            path, _, query = str(path).partition("?")
            params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
            reply = api.dispatch(item["method"], path, params, payload, headers.get("idempotency-key"))
        except RestError as exc:
            return {"ia::error": exc.error(), "ia::status": exc.status}
        if item.get("resultReference") and isinstance(reply.body, dict):
            results[str(item["resultReference"])] = reply.body.get("ia::result")
        answer = dict(reply.body) if isinstance(reply.body, dict) else {}
        answer["ia::status"] = reply.status
        return answer

    if not atomic:
        answers = [one(item) for item in items]
    else:
        try:
            with api.store.transaction():
                for item in items:
                    answer = one(item)
                    answers.append(answer)
                    if answer["ia::status"] >= 400:
                        raise Rollback
        except Rollback:
            failed = len(answers) - 1
            answers = [unprocessed("Operation rolled back due to atomic transaction failure") if n < failed
                       else a for n, a in enumerate(answers)]
            answers += [unprocessed("Operation skipped due to atomic transaction failure")
                        for _ in items[len(answers):]]
    errors_ = sum(1 for a in answers if a["ia::status"] >= 400)
    meta = {"totalCount": len(answers), "totalSuccess": len(answers) - errors_, "totalError": errors_}
    return (207 if errors_ else 200), {"ia::result": answers, "ia::meta": meta}

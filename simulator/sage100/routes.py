"""HTTP routes under ``/sage100``: parse, authenticate, call the model, render.

Each path is a plain ASGI app that takes every method itself, so an
unsupported method, an unknown path or any refusal still answers in the
room's JSON error shape (with ``Allow`` on a 405).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from simulator.http import BodyTooLarge, read_body
from simulator.sage100 import auth
from simulator.sage100.errors import Problem, Sage100Error, not_found
from simulator.sage100.models import Company, Outcome, table_of
from simulator.sage100.openapi import document, tables_listing
from simulator.sage100.wire import SageJSON, error_response, parse_json, parse_object

LOGIN_BODY_LIMIT = 64 * 1024
Handler = Callable[[Request], Awaitable[Response]]


class Endpoint:
    """An ASGI app for one path: every method reaches ``handler``; every refusal renders as JSON."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handler(request)
        except Sage100Error as exc:
            response = error_response(exc)
        except BodyTooLarge as exc:
            response = error_response(Sage100Error(413, "PayloadTooLarge", Problem(
                f"the request body is larger than this company's limit of {exc.limit} bytes", rule="body_limit")))
        await response(scope, receive, send)


def _method(request: Request, allowed: list[str]) -> str:
    """The method to serve: HEAD reads like GET; OPTIONS and anything unlisted answer with ``Allow``."""
    method = "GET" if request.method == "HEAD" and "GET" in allowed else request.method
    if method == "OPTIONS":
        raise _Options(allowed)
    if method not in allowed:
        raise Sage100Error(405, "MethodNotAllowed", Problem(
            f"{request.method} is not allowed on {request.url.path}; allowed: {', '.join(allowed)}", rule="method"),
            headers={"Allow": ", ".join(allowed)})
    return method


class _Options(Sage100Error):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(204, "Options", Problem("options"), headers={"Allow": ", ".join(allowed)})


def _state(request: Request) -> tuple[Any, Any, Any]:
    state = request.app.state
    return state.store, state.clock, state.tenants


def _session(request: Request) -> auth.Session:
    store, clock, _ = _state(request)
    return auth.authenticate(store, clock, request.headers.get("authorization"))


def _company(request: Request, session: auth.Session) -> Company:
    store, clock, _ = _state(request)
    return Company(store.records(session.tenant.id), session.settings, clock.now(), session.user)


def _result(outcome: Outcome, status: int = 200) -> SageJSON:
    return SageJSON({"record": outcome.record, "warnings": [w.to_json() for w in outcome.warnings]},
                    status_code=status)


def _options_guard(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except _Options as exc:
            return Response(status_code=204, headers=exc.headers)

    return wrapped


# -- endpoints ---------------------------------------------------------------------


async def openapi(request: Request) -> Response:
    _method(request, ["GET"])
    return SageJSON(document())


async def tables(request: Request) -> Response:
    _method(request, ["GET"])
    return SageJSON(tables_listing())


async def session(request: Request) -> Response:
    method = _method(request, ["POST", "GET", "DELETE"])
    store, clock, tenants = _state(request)
    if method == "POST":
        body = parse_json(await read_body(request, LOGIN_BODY_LIMIT))
        return SageJSON(auth.login(store, tenants, clock, body), status_code=201)
    current = _session(request)
    if method == "GET":
        return SageJSON(auth.describe(store, clock, current))
    store.delete_session(current.token)
    return SageJSON({"logged_out": True})


async def collection(request: Request) -> Response:
    table = table_of(request.path_params["table"])
    method = _method(request, ["GET", "POST"] if table.insertable else ["GET"])
    current = _session(request)
    company = _company(request, current)
    if method == "GET":
        return SageJSON(company.page(table.name, request.query_params))
    body = parse_object(await read_body(request, current.settings.body_limit_bytes), table.name)
    return _result(company.insert(table.name, body), 201)


async def record(request: Request) -> Response:
    table = table_of(request.path_params["table"])
    method = _method(request, ["GET", "PATCH", "DELETE"] if table.deletable else ["GET", "PATCH"])
    current = _session(request)
    company = _company(request, current)
    key = request.path_params["key"]
    if method == "GET":
        return SageJSON({"record": company.retrieve(table.name, key)})
    if method == "DELETE":
        outcome = company.delete(table.name, key)
        return SageJSON({"deleted": outcome.record, "warnings": [w.to_json() for w in outcome.warnings]})
    body = parse_object(await read_body(request, current.settings.body_limit_bytes), table.name)
    return _result(company.modify(table.name, key, body))


async def action(request: Request) -> Response:
    table = table_of(request.path_params["table"])
    name = request.path_params["action"]
    if name not in table.actions:
        raise not_found(f"no path {request.url.path}: {table.name} has "
                        + (f"the actions {', '.join(table.actions)}" if table.actions else "no actions"),
                        table=table.name, code="UnknownAction")
    _method(request, ["POST"])
    current = _session(request)
    return _result(_company(request, current).action(table.name, request.path_params["key"], name))


async def unknown(request: Request) -> Response:
    raise not_found(f"no path {request.url.path} in the Sage 100 Contractor API; see /sage100/openapi.json",
                    code="UnknownPath")


def _route(path: str, handler: Handler) -> Route:
    return Route(path, Endpoint(_options_guard(handler)))


ROUTES: list[BaseRoute] = [Mount("/sage100", routes=[
    _route("/openapi.json", openapi),
    _route("/session", session),
    _route("/tables", tables),
    _route("/records/{table}", collection),
    _route("/records/{table}/{key}", record),
    _route("/records/{table}/{key}/{action}", action),
    _route("/{rest:path}", unknown),
])]

"""The REST wire's URLs, all under ``/ia/api/v1``: OAuth 2.0, ``/objects``, ``/services``, ``/workflows``.

A route reads the request, checks the bearer token, hands the method and path
to ``Api.dispatch`` and answers what it returns.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from simulator.http import base_url
from simulator.intacct.rest.api import Api
from simulator.intacct.rest.auth import ENTITY_HEADER, OAuth, read_form
from simulator.intacct.rest.wire import AuthError, RestError, json_response, read_json

PREFIX = "/ia/api/v1"
ATOMIC_HEADER = "x-ia-api-param-transaction"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth(request: Request) -> OAuth:
    state = request.app.state
    return OAuth(state.store, state.tenants, state.clock)


def auth_error(exc: AuthError) -> Response:
    return JSONResponse(exc.body(), status_code=exc.status, headers=NO_STORE)


async def token(request: Request) -> Response:
    try:
        form = await read_form(request)
        granted = oauth(request).grant(form)
    except AuthError as exc:
        return auth_error(exc)
    return JSONResponse(granted, headers=NO_STORE)


SIGN_IN = """<!doctype html><html><head><meta charset="utf-8"><title>Sign in to Sage Intacct</title></head>
<body><h1>Sign in to Sage Intacct</h1><p>{message}</p>
<form method="post" action="{action}">{hidden}
<label>Company ID <input name="companyid" required></label><br>
<label>User ID <input name="userid" required></label><br>
<label>Password <input name="password" type="password" required></label><br>
<label>Entity ID (optional) <input name="entityid"></label><br>
<button type="submit">Sign in and allow access</button></form></body></html>"""


async def authorize(request: Request) -> Response:
    """The consent page: GET shows a sign-in form; POST signs in and redirects with the code."""
    if request.method == "GET":
        params = dict(request.query_params)
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in params.items())
        return HTMLResponse(SIGN_IN.format(message="An application asks to use your company's data.",
                                           action=f"{PREFIX}/oauth2/authorize", hidden=hidden))
    try:
        params = {**dict(request.query_params), **await read_form(request)}
        location = oauth(request).authorize(params)
    except AuthError as exc:
        redirect_uri = params.get("redirect_uri") if "params" in locals() else None
        if exc.status == 401 or not redirect_uri:
            return auth_error(exc)
        query = {"error": "access_denied", "error_description": exc.message}
        if params.get("state"):
            query["state"] = params["state"]
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)
    return RedirectResponse(location, status_code=302)


async def revoke(request: Request) -> Response:
    try:
        form = await read_form(request)
        oauth(request).client_tenant(form.get("client_id", ""), form.get("client_secret", ""))
    except AuthError as exc:
        return auth_error(exc)
    oauth(request).revoke(form.get("token", ""))
    return Response(status_code=200)


async def introspect(request: Request) -> Response:
    try:
        form = await read_form(request)
        oauth(request).principal(request.headers.get("authorization", ""), None)
    except AuthError as exc:
        return auth_error(exc)
    return JSONResponse(oauth(request).introspect(form.get("token", "")), headers=NO_STORE)


async def api(request: Request) -> Response:
    path = "/" + request.path_params["rest"]
    try:
        principal = oauth(request).principal(request.headers.get("authorization", ""),
                                             request.headers.get(ENTITY_HEADER))
    except AuthError as exc:
        return auth_error(exc)
    state = request.app.state
    atomic = request.headers.get(ATOMIC_HEADER, "").lower() == "true"
    session = Api(state.store, principal, state.clock, origin=base_url(request), atomic=atomic)
    try:
        body: Any = None
        if request.method in ("POST", "PATCH"):
            body = await read_json(request)
        elif request.method == "DELETE":
            await read_json(request, required=False)
        reply = session.dispatch(request.method, path, dict(request.query_params), body,
                                 request.headers.get("idempotency-key"))
    except RestError as exc:
        return json_response(exc.body(), exc.status)
    return json_response(reply.body, reply.status)


async def not_found(request: Request) -> Response:
    exc = RestError(404, f"The resource {request.url.path} was not found", code="notFound", error_id="REST-1001",
                    message_id="IA.RESOURCE_NOT_FOUND", placeholders={"RESOURCE": request.url.path})
    return json_response(exc.body(), 404)


routes = [
    Route(f"{PREFIX}/oauth2/token", token, methods=["POST"]),
    Route(f"{PREFIX}/oauth2/authorize", authorize, methods=["GET", "POST"]),
    Route(f"{PREFIX}/oauth2/revoke", revoke, methods=["POST"]),
    Route(f"{PREFIX}/oauth2/introspect", introspect, methods=["POST"]),
    # PUT is routed only to be refused in the REST shape: the API has none.
    Route(PREFIX + "/{rest:path}", api, methods=["GET", "POST", "PATCH", "DELETE", "PUT"]),
]

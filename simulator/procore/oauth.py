"""Procore's OAuth 2.0 server under ``/procore/oauth``: client credentials, authorization code, refresh.

Tokens live in the store's session table (so several worker processes share them) and expire on the simulator
clock. A refresh issues a new refresh token and retires the old one at once, unless the tenant turns rotation off
(``rotate_refresh_tokens``) for clients that keep re-sending their first one.
"""

from __future__ import annotations

import base64
import html
import secrets
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from simulator.procore import side
from simulator.procore.wire import ProcoreError, answer, body
from simulator.store import Store, Tenant

ACCESS = "procore"
REFRESH = "procore.refresh"
CODE = "procore.code"
CODE_SECONDS = 600
FOREVER = 4_102_444_800.0  # refresh tokens do not expire (2100-01-01)
OOB = "urn:ietf:wg:oauth:2.0:oob"


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def oauth_error(exc: OAuthError) -> Response:
    return answer({"error": exc.error, "error_description": exc.description}, exc.status)


def tenant_by_client(store: Store, client_id: str) -> Tenant | None:
    for tenant in store.list_tenants():
        if (tenant.config.get("procore") or {}).get("client_id") == client_id:
            return tenant
    return None


def _client(request: Request, form: dict[str, Any]) -> tuple[str, str | None]:
    """Client id and secret from HTTP Basic or the form body."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "The client authentication header could not be read") from None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(form.get("client_id") or ""), (None if form.get("client_secret") is None
                                              else str(form.get("client_secret")))


def _authenticated(request: Request, form: dict[str, Any], *, secret_required: bool = True) -> Tenant:
    client_id, secret = _client(request, form)
    tenant = tenant_by_client(request.app.state.store, client_id) if client_id else None
    if tenant is None:
        raise OAuthError(401, "invalid_client", "Client authentication failed due to unknown client, no client "
                                                "authentication included, or unsupported authentication method.")
    if (secret_required or secret is not None) and secret != tenant.config["procore"].get("client_secret"):
        raise OAuthError(401, "invalid_client", "Client authentication failed due to unknown client, no client "
                                                "authentication included, or unsupported authentication method.")
    return tenant


def issue(request: Request, tenant: Tenant, user_id: int, *, refresh: bool) -> dict[str, Any]:
    store: Store = request.app.state.store
    now = request.app.state.clock.time()
    config = tenant.config.get("procore") or {}
    expires_in = int(config.get("token_expires_in", 5400))
    access = secrets.token_urlsafe(32)
    refresh_token = secrets.token_urlsafe(32) if refresh else None
    store.put_session(access, tenant.id, ACCESS, str(user_id), now + expires_in,
                      {"refresh": refresh_token, "client_id": config.get("client_id"), "created_at": int(now)})
    token = {"access_token": access, "token_type": "bearer", "expires_in": expires_in, "created_at": int(now)}
    if refresh_token is not None:
        store.put_session(refresh_token, tenant.id, REFRESH, str(user_id), FOREVER, {"access": access})
        token["refresh_token"] = refresh_token
    return token


async def token(request: Request) -> Response:
    try:
        form = await body(request)
        grant = str(form.get("grant_type") or "")
        store: Store = request.app.state.store
        if grant == "client_credentials":
            tenant = _authenticated(request, form)
            company = side.company(request.app, tenant.id)
            return answer(issue(request, tenant, side.user_of(company, side.SERVICE_LOGIN).id, refresh=False))
        if grant == "authorization_code":
            tenant = _authenticated(request, form)
            code = str(form.get("code") or "")
            found = store.get_session(code, CODE) if code else None
            if found is None or found[0] != tenant.id or found[2] < request.app.state.clock.time():
                raise OAuthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, "
                                                       "revoked, or was issued to another client.")
            if str(form.get("redirect_uri") or "") != found[3].get("redirect_uri"):
                raise OAuthError(400, "invalid_grant", "The redirect_uri does not match the one the code was issued "
                                                       "for.")
            store.delete_session(code)  # single use
            return answer(issue(request, tenant, int(found[1]), refresh=True))
        if grant == "refresh_token":
            tenant = _authenticated(request, form, secret_required=False)
            old = str(form.get("refresh_token") or "")
            found = store.get_session(old, REFRESH) if old else None
            if found is None or found[0] != tenant.id:
                raise OAuthError(401, "invalid_grant", "The refresh token is invalid")
            rotate = bool((tenant.config.get("procore") or {}).get("rotate_refresh_tokens", True))
            if rotate:
                store.delete_session(old)
                issued = issue(request, tenant, int(found[1]), refresh=True)
            else:
                issued = issue(request, tenant, int(found[1]), refresh=False)
                issued["refresh_token"] = old
            return answer(issued)
        raise OAuthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the "
                                                        "authorization server.")
    except OAuthError as exc:
        return oauth_error(exc)
    except ProcoreError as exc:
        return oauth_error(OAuthError(exc.status, "invalid_request", str(exc)))


def bearer(request: Request) -> tuple[Tenant, int, float, dict[str, Any]]:
    """The tenant, user id, expiry and data of the request's valid access token; 401 otherwise."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise ProcoreError(401, "The access token is invalid", headers={"WWW-Authenticate": 'Bearer realm="Procore"'})
    store: Store = request.app.state.store
    found = store.get_session(header[7:].strip(), ACCESS)
    if found is None or found[2] <= request.app.state.clock.time():
        raise ProcoreError(401, "The access token is invalid",
                           headers={"WWW-Authenticate": 'Bearer realm="Procore", error="invalid_token"'})
    tenant = store.get_tenant(found[0])
    if tenant is None:
        raise ProcoreError(401, "The access token is invalid")
    return tenant, int(found[1]), found[2], found[3]


async def token_info(request: Request) -> Response:
    try:
        tenant, user_id, expires_at, data = bearer(request)
    except ProcoreError as exc:
        return answer({"error": "invalid_token", "error_description": str(exc)}, 401)
    now = request.app.state.clock.time()
    return answer({"resource_owner_id": user_id, "scope": [], "expires_in": int(expires_at - now),
                   "application": {"uid": data.get("client_id")}, "created_at": data.get("created_at")})


async def revoke(request: Request) -> Response:
    """Always 200, even for an unknown token; revokes the access token and its refresh token together."""
    form = await body(request)
    store: Store = request.app.state.store
    value = str(form.get("token") or "")
    if value:
        access = store.get_session(value, ACCESS)
        refresh = store.get_session(value, REFRESH)
        if access is not None:
            if access[3].get("refresh"):
                store.delete_session(access[3]["refresh"])
            store.delete_session(value)
        if refresh is not None:
            store.delete_session(refresh[3].get("access") or "")
            store.delete_session(value)
    return answer({})


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Sign in to Procore (erpsim)</title></head>
<body><h1>Sign in to {company}</h1><p>{note}</p>
<form method="post">{hidden}<label>Email <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button>Sign in and allow {client}</button></form></body></html>"""


async def authorize(request: Request) -> Response:
    params = dict(request.query_params)
    if request.method == "POST":
        params.update({k: v for k, v in (await body(request)).items() if isinstance(v, str)})
    store: Store = request.app.state.store
    client_id = params.get("client_id", "")
    tenant = tenant_by_client(store, client_id) if client_id else None
    if tenant is None:
        return HTMLResponse("<h1>Unknown client_id</h1>", status_code=400)
    config = tenant.config.get("procore") or {}
    redirect_uri = params.get("redirect_uri", "")
    allowed = [str(u) for u in config.get("redirect_uris") or []]
    if redirect_uri not in allowed:
        return HTMLResponse(f"<h1>The redirect uri included is not valid.</h1><p>Allowed: "
                            f"{html.escape(', '.join(allowed))}</p>", status_code=400)
    if params.get("response_type", "code") != "code":
        return HTMLResponse("<h1>response_type must be code</h1>", status_code=400)
    note = ""
    if request.method == "POST":
        person = (config.get("users") or {}).get(params.get("login", ""))
        if isinstance(person, dict) and params.get("password") == person.get("password"):
            company = side.company(request.app, tenant.id)
            user = side.user_of(company, params["login"])
            code = secrets.token_urlsafe(16)
            store.put_session(code, tenant.id, CODE, str(user.id), request.app.state.clock.time() + CODE_SECONDS,
                              {"redirect_uri": redirect_uri})
            if redirect_uri == OOB:
                return HTMLResponse(f"<h1>Authorization code</h1><p id=\"code\">{code}</p>")
            query = {"code": code} | ({"state": params["state"]} if params.get("state") else {})
            sep = "&" if "?" in redirect_uri else "?"
            return RedirectResponse(f"{redirect_uri}{sep}{urlencode(query)}", status_code=302)
        note = "Invalid email or password."
    keep = {k: v for k, v in params.items() if k in ("client_id", "redirect_uri", "response_type", "state")}
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in keep.items())
    return HTMLResponse(PAGE.format(company=html.escape(tenant.name), note=note, hidden=hidden,
                                    client=html.escape(client_id)), status_code=200 if not note else 401)


routes = [
    Route("/oauth/token", token, methods=["POST"]),
    Route("/oauth/token/info", token_info, methods=["GET"]),
    Route("/oauth/revoke", revoke, methods=["POST"]),
    Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
]

"""The OpenID Connect / OAuth 2.0 endpoints under ``/acumatica/identity`` (ref §1.3).

``connect/token`` takes form posts for the password, authorization-code and refresh-token
grants (and client credentials where the tenant allows them), ``connect/authorize`` signs a
user in through a small HTML form and redirects back with a code (PKCE supported),
``connect/revocation`` forgets a token, ``connect/userinfo`` names the bearer's user, and
``.well-known/openid-configuration`` describes them all. Errors follow RFC 6749.
"""

from __future__ import annotations

import base64
import html
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from simulator.acumatica import oauth
from simulator.acumatica.config import MOUNT
from simulator.acumatica.oauth import OAuthError
from simulator.http import BodyTooLarge, read_body
from simulator.store import Store, Tenant
from simulator.tenants import Tenants

IDENTITY = f"{MOUNT}/identity"
FORM_LIMIT = 64 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _now(request: Request) -> float:
    return float(request.app.state.clock.time())


def _tenant_named(request: Request) -> Any:
    tenants: Tenants = request.app.state.tenants

    def find(name: str) -> Tenant | None:
        return tenants.resolve(oauth.ERP, "tenant_name", name)

    return find


def _oauth_error(exc: OAuthError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=NO_STORE)


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "the request must be application/x-www-form-urlencoded")
    try:
        raw = await read_body(request, FORM_LIMIT)
    except BodyTooLarge as exc:
        raise OAuthError("invalid_request", str(exc)) from exc
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str | None]:
    """The client's id and secret from HTTP Basic (RFC 6749 §2.3.1) or the form body."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.casefold() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:
            raise OAuthError("invalid_client") from exc
        cid, _, secret = decoded.partition(":")
        return cid, secret
    return form.get("client_id", ""), form.get("client_secret")


def _user(settings: dict[str, Any], name: str, password: str | None) -> str | None:
    for user, expected in (settings.get("users") or {}).items():
        if user.casefold() == name.casefold() and password is not None and str(expected) == password:
            return str(user)
    return None


# -- endpoints ---------------------------------------------------------------------------------


async def token(request: Request) -> Response:
    if request.method != "POST":
        return JSONResponse({"error": "invalid_request"}, status_code=405, headers={"Allow": "POST"})
    try:
        form = await _form(request)
        cid, secret = _client_credentials(request, form)
        client = oauth.authenticate_client(_tenant_named(request), cid, secret)
        grant = form.get("grant_type", "")
        store, now = _store(request), _now(request)
        flow_grant = oauth.FLOWS.get(str(client.app.get("flow")), "")
        if grant == "password":
            if flow_grant != "password":
                raise OAuthError("unauthorized_client")
            user = _user(client.settings, form.get("username", ""), form.get("password"))
            if user is None:
                raise OAuthError("invalid_grant", "invalid_username_or_password")
            answer = oauth.issue(store, client, user, oauth.scopes_of(form.get("scope"), client), now)
        elif grant == "authorization_code":
            if flow_grant != "authorization_code":
                raise OAuthError("unauthorized_client")
            user, data = oauth.redeem(store, oauth.CODE, form.get("code", ""), client, now)
            if data.get("redirect_uri") != form.get("redirect_uri", ""):
                raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
            if not oauth.verify_pkce(data, form.get("code_verifier")):
                raise OAuthError("invalid_grant", "invalid code_verifier")
            answer = oauth.issue(store, client, user, list(data.get("scope") or ["api"]), now)
        elif grant == "refresh_token":
            user, data = oauth.redeem(store, oauth.REFRESH, form.get("refresh_token", ""), client, now)
            scopes = list(data.get("scope") or ["api"])
            if form.get("scope"):
                narrowed = oauth.scopes_of(form["scope"], client)
                if not set(narrowed) <= set(scopes):
                    raise OAuthError("invalid_scope", "a refresh cannot widen the granted scopes")
                scopes = narrowed if "offline_access" in narrowed else narrowed + ["offline_access"]
            answer = oauth.issue(store, client, user, scopes, now, str(data.get("branch") or ""))
        elif grant == "client_credentials":
            # Acumatica's identity server does not offer this grant (ref §1.3 [GOTCHA]); a tenant may allow it.
            if not client.settings.get("oauth_client_credentials"):
                raise OAuthError("unsupported_grant_type")
            if flow_grant != "client_credentials":
                raise OAuthError("unauthorized_client")
            user = str(client.app.get("user") or next(iter(client.settings.get("users") or {"admin": ""})))
            answer = oauth.issue(store, client, user, oauth.scopes_of(form.get("scope"), client), now)
        elif not grant:
            raise OAuthError("invalid_request", "grant_type is missing")
        else:
            raise OAuthError("unsupported_grant_type")
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(answer, headers=NO_STORE)


def _redirect_allowed(app: dict[str, Any], uri: str) -> bool:
    if uri in (app.get("redirect_uris") or []):
        return True
    # Native clients listen on a loopback port of their choosing (RFC 8252 §7.3).
    parts = urlsplit(uri)
    return bool(app.get("allow_loopback", True)) and parts.scheme == "http" and \
        parts.hostname in ("localhost", "127.0.0.1", "::1")


def _sign_in_page(params: dict[str, str], message: str = "") -> HTMLResponse:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in params.items() if k not in ("username", "password"))
    note = f'<p role="alert">{html.escape(message)}</p>' if message else ""
    page = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign In</title></head>"
            f"<body><h1>Sign In</h1>{note}<form method=\"post\">{hidden}"
            f"<label>Username <input name=\"username\" autocomplete=\"username\"></label>"
            f"<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\">"
            f"</label><button type=\"submit\">Sign In</button></form></body></html>")
    return HTMLResponse(page, status_code=401 if message else 200)


async def authorize(request: Request) -> Response:
    """``GET`` shows the sign-in form; its ``POST`` (username, password) redirects back with a code."""
    if request.method not in ("GET", "POST"):
        return JSONResponse({"error": "invalid_request"}, status_code=405, headers={"Allow": "GET, POST"})
    params = dict(request.query_params)
    if request.method == "POST":
        try:
            params.update(await _form(request))
        except OAuthError as exc:
            return _oauth_error(exc)
    client = oauth.find_client(_tenant_named(request), params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    # Until the client and its redirect are known, errors go to the user, never to an unchecked URL.
    if client is None or not client.app.get("active", True):
        return _oauth_error(OAuthError("invalid_client"))
    if not redirect_uri or not _redirect_allowed(client.app, redirect_uri):
        return _oauth_error(OAuthError("invalid_request", "redirect_uri is not registered for this client"))

    def back(**answer: str) -> RedirectResponse:
        if params.get("state"):
            answer["state"] = params["state"]
        joiner = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{joiner}{urlencode(answer)}", status_code=302)

    if params.get("response_type") != "code":
        return back(error="unsupported_response_type")
    if oauth.FLOWS.get(str(client.app.get("flow"))) != "authorization_code":
        return back(error="unauthorized_client")
    try:
        scopes = oauth.scopes_of(params.get("scope"), client)
    except OAuthError as exc:
        return back(error=exc.code)
    method = params.get("code_challenge_method")
    if method not in (None, "plain", "S256"):
        return back(error="invalid_request", error_description="unsupported code_challenge_method")
    if request.method == "GET":
        return _sign_in_page(params)
    user = _user(client.settings, params.get("username", ""), params.get("password"))
    if user is None:
        return _sign_in_page(params, "Invalid credentials. Please try again.")
    code = oauth.new_code(_store(request), client, user, scopes, redirect_uri, params.get("code_challenge"),
                          method, _now(request))
    return back(code=code, scope=" ".join(scopes))


async def revocation(request: Request) -> Response:
    if request.method != "POST":
        return JSONResponse({"error": "invalid_request"}, status_code=405, headers={"Allow": "POST"})
    try:
        form = await _form(request)
        cid, secret = _client_credentials(request, form)
        client = oauth.authenticate_client(_tenant_named(request), cid, secret)
    except OAuthError as exc:
        return _oauth_error(exc)
    # RFC 7009 §2.2: an unknown or already revoked token still answers 200.
    oauth.revoke(_store(request), form.get("token", ""), client)
    return Response(status_code=200, headers=NO_STORE)


async def userinfo(request: Request) -> Response:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    found = oauth.access_token(_store(request), value.strip(), _now(request)) \
        if scheme.casefold() == "bearer" and value.strip() else None
    if found is None:
        return Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    tenant_id, user, _ = found
    return JSONResponse({"sub": f"{user}@{tenant_id}", "name": user, "preferred_username": user})


async def discovery(request: Request) -> Response:
    issuer = f"{str(request.base_url).rstrip('/')}{IDENTITY}"
    connect = f"{issuer}/connect"
    return JSONResponse({
        "issuer": issuer,
        "authorization_endpoint": f"{connect}/authorize",
        "token_endpoint": f"{connect}/token",
        "userinfo_endpoint": f"{connect}/userinfo",
        "revocation_endpoint": f"{connect}/revocation",
        "jwks_uri": f"{issuer}/.well-known/openid-configuration/jwks",
        "scopes_supported": list(oauth.SCOPES),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "password", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })


async def jwks(request: Request) -> Response:
    # Access tokens are opaque reference tokens here; there is no key to publish.
    return JSONResponse({"keys": []})

"""Sign-in, sign-out, cookie sessions and the licence's request limits.

``POST /entity/auth/login`` answers 204 and sets the cookie jar a real
instance sets (``.ASPXAUTH``, ``ASP.NET_SessionId``, ``UserBranch``,
``CompanyID``, ``Locale``). Sessions live in the store and expire after the
tenant's idle timeout, measured on the simulator's clock. Seats, concurrent
requests and requests per minute follow the tenant's licence settings.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from simulator.acumatica import errors, oauth
from simulator.acumatica.config import MOUNT
from simulator.acumatica.models import Book
from simulator.acumatica.wire import loads
from simulator.clock import Clock
from simulator.http import read_body
from simulator.store import Store, Tenant
from simulator.tenants import DEMO_TENANT, Tenants

ERP = "acumatica"
AUTH_COOKIE = ".ASPXAUTH"
SESSION_COOKIE = "ASP.NET_SessionId"
LOGIN_BODY_LIMIT = 64 * 1024
CONCURRENT = "api:concurrent_access"


@dataclass
class Session:
    token: str
    tenant: Tenant
    user: str
    branch: str
    data: dict[str, Any]

    @property
    def settings(self) -> dict[str, Any]:
        found: dict[str, Any] = self.tenant.config.get(ERP, {})
        return found


def settings_of(tenant: Tenant) -> dict[str, Any]:
    found: dict[str, Any] = tenant.config.get(ERP, {})
    return found


def _idle_seconds(settings: dict[str, Any]) -> float:
    return float(settings.get("session_idle_minutes", 10)) * 60


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def _credentials(request: Request) -> dict[str, Any]:
    raw = await read_body(request, LOGIN_BODY_LIMIT)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(raw.decode("utf-8", "replace")))
    try:
        body = loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.bad_request(str(exc), "credentials") from exc
    if not isinstance(body, dict):
        raise errors.bad_request("The credentials must be a JSON object.", "credentials")
    for key in ("name", "password", "tenant", "company", "branch", "locale"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise errors.bad_request(f"Error converting value to type 'System.String'. Path '{key}'.",
                                     f"credentials.{key}")
    return body


def _resolve_tenant(request: Request, name: str) -> Tenant:
    tenants: Tenants = request.app.state.tenants
    if not name.strip():
        # An instance signs an empty tenant in to its default tenant.
        default = _store(request).get_tenant(DEMO_TENANT)
        if default is None:
            listed = tenants.list()
            default = listed[0] if listed else None
        if default is not None:
            return default
    found = tenants.resolve(ERP, "tenant_name", name.strip())
    if found is None:
        raise errors.server_error("A proper company ID cannot be determined.", errors.UNDEFINED_COMPANY)
    return found


def _user(settings: dict[str, Any], name: str) -> tuple[str, str] | None:
    for user, password in (settings.get("users") or {}).items():
        if user.casefold() == name.casefold():
            return user, str(password)
    return None


async def login(request: Request) -> Response:
    try:
        creds = await _credentials(request)
        if creds.get("tenant") is not None and creds.get("company") is not None:
            raise errors.bad_request("Specify either the tenant or the company, not both.", "credentials")
        tenant = _resolve_tenant(request, str(creds.get("tenant") or creds.get("company") or ""))
        settings = settings_of(tenant)
        store, now = _store(request), _clock(request).time()
        book = Book(store.records(tenant.id))
        name = str(creds.get("name") or "")
        user = _user(settings, name)
        state = book.login_state(user[0]) if user else {}
        if state.get("locked"):
            raise errors.server_error("Your account is locked out. Please contact your system administrator.")
        if user is None or creds.get("password") != user[1]:
            if user is not None and int(settings.get("lockout_attempts") or 0):
                failures = int(state.get("failures", 0)) + 1
                with store.transaction():
                    book.set_login_state(user[0], {"failures": failures,
                                                   "locked": failures >= int(settings["lockout_attempts"])})
            status = int(settings.get("bad_login_status", 500))
            message = str(settings.get("bad_login_message", "Invalid credentials. Please try again."))
            if status == 401:
                raise errors.AcumaticaError(401, message)
            raise errors.server_error(message)
        branches = [str(b) for b in settings.get("branches") or []]
        branch = str(creds.get("branch") or settings.get("default_branch") or "")
        if creds.get("branch") and branch.casefold() not in {b.casefold() for b in branches}:
            raise errors.server_error(f"The branch '{branch}' cannot be found in the system.")
        branch = next((b for b in branches if b.casefold() == branch.casefold()), branch)
        if state.get("failures"):
            with store.transaction():
                book.set_login_state(user[0], {"failures": 0, "locked": False})
        token, sid = open_session(store, tenant, user[0], branch, str(creds.get("locale") or "en-US"), now,
                                  _reusable_token(request, tenant, now))
    except errors.AcumaticaError as exc:
        return exc.response()
    response = Response(status_code=204)
    set_cookies(response, token, sid, branch, str(settings.get("tenant_name") or tenant.id))
    return response


def set_cookies(response: Response, token: str, sid: str, branch: str, company: str) -> None:
    """The cookie jar a real instance sets for a session."""
    for cookie, value in ((AUTH_COOKIE, token), (SESSION_COOKIE, sid), ("UserBranch", branch),
                          ("CompanyID", company)):
        response.set_cookie(cookie, value, path=MOUNT, httponly=cookie in (AUTH_COOKIE, SESSION_COOKIE),
                            samesite="lax")
    # Written by hand: the cookie library would quote a value holding '=' and '&', which the real one does not.
    response.headers.append("set-cookie", f"Locale=Culture=en-US&TimeZone=GMTP0000G; Path={MOUNT}; SameSite=lax")


def open_session(store: Store, tenant: Tenant, user: str, branch: str, locale: str, now: float,
                 token: str | None = None) -> tuple[str, str]:
    """A server session taking a licence seat (``token`` keeps one the caller already holds): (token, sid)."""
    settings = settings_of(tenant)
    if token is None:
        limit = int(settings.get("max_api_sessions") or 0)
        if limit and store.count_sessions(tenant.id, ERP, now) >= limit:
            raise errors.AcumaticaError(
                int(settings.get("login_limit_status", 429)), errors.GENERIC,
                exception_message=str(settings.get("login_limit_message", "API Login Limit")),
                exception_type=errors.LICENSE, headers=_retry_after(settings))
        token = secrets.token_hex(32)
    sid = secrets.token_urlsafe(18)
    store.put_session(token, tenant.id, ERP, user, now + _idle_seconds(settings),
                      {"sid": sid, "branch": branch, "locale": locale, "last": now})
    return token, sid


def _reusable_token(request: Request, tenant: Tenant, now: float) -> str | None:
    """A client signing in again inside its live session keeps its seat."""
    token = request.cookies.get(AUTH_COOKIE)
    if not token:
        return None
    found = _store(request).get_session(token, ERP)
    if found is None or found[0] != tenant.id or found[2] <= now:
        return None
    return token


async def logout(request: Request) -> Response:
    token = request.cookies.get(AUTH_COOKIE)
    bearer = _bearer(request)
    if bearer:
        # Signing out frees the seat of the bearer's server session; the token itself stays valid.
        found = oauth.access_token(_store(request), bearer, _clock(request).time())
        if found is not None and found[2].get("session"):
            token = str(found[2]["session"])
    if token:
        _store(request).delete_session(token)
    response = Response(status_code=204)
    for cookie in (AUTH_COOKIE, SESSION_COOKIE, "UserBranch", "CompanyID", "Locale"):
        response.delete_cookie(cookie, path=MOUNT)
    return response


SLIDE_GRANULARITY = 1.0
"""Seconds a session's idle timer must have run before a request slides it again."""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.casefold() != "bearer":
        return None
    return value.strip() or None


def _bearer_session(request: Request, bearer: str) -> Session:
    """The server session behind an OAuth access token: reused while it lives, reopened (taking a seat
    again) once it timed out or was signed out."""
    store, now = _store(request), _clock(request).time()
    found = oauth.access_token(store, bearer, now)
    if found is None:
        raise errors.AcumaticaError(401, "Authorization has been denied for this request.",
                                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    tenant_id, user, data = found
    if not {"api", CONCURRENT} & set(data.get("scope", [])):
        raise errors.AcumaticaError(403, "The access token does not grant the api scope.",
                                    headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
    session_token = None if CONCURRENT in data.get("scope", []) else data.get("session")
    if session_token:
        try:
            return _session_of(request, str(session_token))
        except errors.AcumaticaError:
            pass
    tenant = store.get_tenant(tenant_id)
    if tenant is None:
        raise _unauthorized(None)
    settings = settings_of(tenant)
    branch = str(data.get("branch") or settings.get("default_branch") or "")
    session_token, sid = open_session(store, tenant, user, branch, "en-US", now)
    if CONCURRENT in data.get("scope", []):
        # Concurrent access: every cookie-less call opens its own session, handed back as cookies the client
        # sends with later calls and signs out of (ref 1.3).
        request.state.acumatica_cookies = (session_token, sid, branch,
                                           str(settings.get("tenant_name") or tenant.id))
    else:
        oauth.link_session(store, bearer, session_token)
    return _session_of(request, session_token)


def authenticate(request: Request) -> Session:
    """The caller's live session (by cookie, else by OAuth bearer token), touched; 401 when there is none."""
    bearer = _bearer(request)
    token = request.cookies.get(AUTH_COOKIE)
    if token:
        try:
            return _session_of(request, token)
        except errors.AcumaticaError:
            if bearer is None:
                raise
    if bearer is not None:
        return _bearer_session(request, bearer)
    raise _unauthorized(None)


def _session_of(request: Request, token: str) -> Session:
    store, now = _store(request), _clock(request).time()
    found = store.get_session(token, ERP)
    if found is None:
        raise _unauthorized(None)
    tenant_id, user, expires_at, data = found
    tenant = store.get_tenant(tenant_id)
    if tenant is None:
        store.delete_session(token)
        raise _unauthorized(None)
    settings = settings_of(tenant)
    # Idle time counts from the last request under the tenant's current setting, so a changed timeout
    # applies to live sessions too.
    last = float(data.get("last", expires_at - _idle_seconds(settings)))
    if last + _idle_seconds(settings) <= now:
        store.delete_session(token)
        raise _unauthorized(settings)
    if now - last >= SLIDE_GRANULARITY:
        # Sliding by less than a second changes nothing a client can see, and would be a write per request.
        data["last"] = now
        store.put_session(token, tenant_id, ERP, user, now + _idle_seconds(settings), data)
    return Session(token, tenant, user, str(data.get("branch") or ""), data)


def _unauthorized(settings: dict[str, Any] | None) -> errors.AcumaticaError:
    message = (settings or {}).get("unauthorized_message") or "You are not logged in."
    return errors.AcumaticaError(401, str(message))


def _retry_after(settings: dict[str, Any]) -> dict[str, str]:
    value = settings.get("retry_after_seconds")
    return {} if value is None else {"Retry-After": str(int(value))}


def over_limit(settings: dict[str, Any]) -> errors.AcumaticaError:
    return errors.AcumaticaError(429, errors.GENERIC,
                                 exception_message="The number of requests has exceeded the limit imposed by the "
                                                   "license.",
                                 exception_type=errors.LICENSE, headers=_retry_after(settings))


# -- the licence's request limits ------------------------------------------------------------


@dataclass
class Gate:
    """One tenant's processing slots, waiting line and per-minute window (process memory)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    active: int = 0
    waiting: int = 0
    window: deque[float] = field(default_factory=deque)


_GATES_LOCK = threading.Lock()


def _gate(request: Request, tenant_id: str) -> Gate:
    state = request.app.state
    with _GATES_LOCK:
        gates: dict[str, Gate] | None = getattr(state, "acumatica_gates", None)
        if gates is None:
            gates = {}
            state.acumatica_gates = gates
        if tenant_id not in gates:
            gates[tenant_id] = Gate()
        return gates[tenant_id]


async def enter(request: Request, session: Session) -> Callable[[], None]:
    """Take a processing slot for this request; returns the release. 429 past the licence's limits."""
    settings = session.settings
    gate = _gate(request, session.tenant.id)
    per_minute = int(settings.get("max_requests_per_minute") or 0)
    if per_minute:
        now = _clock(request).time()
        with gate.lock:
            while gate.window and gate.window[0] <= now - 60:
                gate.window.popleft()
            if len(gate.window) >= per_minute:
                raise over_limit(settings)
            gate.window.append(now)
    slots = int(settings.get("max_concurrent_requests") or 0)
    if not slots:
        return lambda: None
    queue_limit = int(settings.get("request_queue_limit", 20))
    timeout = float(settings.get("request_queue_timeout_seconds", 600))
    with gate.lock:
        if gate.active < slots:
            gate.active += 1
            return _releaser(gate)
        if gate.waiting >= queue_limit:
            raise over_limit(settings)
        gate.waiting += 1
    deadline = time.monotonic() + timeout
    try:
        while True:
            await asyncio.sleep(0.002)
            with gate.lock:
                if gate.active < slots:
                    gate.active += 1
                    return _releaser(gate)
            if time.monotonic() >= deadline:
                raise over_limit(settings)
    finally:
        with gate.lock:
            gate.waiting -= 1


def _releaser(gate: Gate) -> Callable[[], None]:
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            with gate.lock:
                gate.active -= 1

    return release

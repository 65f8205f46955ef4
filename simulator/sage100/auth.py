"""Logging in to a company, as the built-in API allows it [SKB-api]:

- the user must be in a security group named exactly ``API`` (7-2-1 / 7-2-2);
- the ``supervisor`` login is refused;
- each API user takes one of the company's licence seats; past the limit, login is refused.

A login opens one company and returns a bearer token; the session slides on
every call and ends on logout or after the company's idle timeout (by the
simulator clock).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from simulator.clock import Clock
from simulator.sage100.config import Settings
from simulator.sage100.errors import bad_request, forbidden, unauthorized
from simulator.store import Store, Tenant
from simulator.tenants import Tenants

ERP = "sage100"
USERS = "sage100._user"
GROUPS = "sage100._security_group"
API_GROUP = "API"
SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Session:
    token: str
    tenant: Tenant
    user: str
    settings: Settings
    expires_at: float


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seats_in_use(store: Store, tenant: Tenant, settings: Settings, now: float) -> int:
    if settings.seat_counting == "session":
        return store.count_sessions(tenant.id, ERP, now)
    users = store.records(tenant.id).iter(USERS)
    return sum(1 for u in users if store.count_sessions(tenant.id, ERP, now, user=u.data["name"]) > 0)


def login(store: Store, tenants: Tenants, clock: Clock, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("login body must be a JSON object with company, username and password",
                          code="InvalidType", rule="type")
    missing = [k for k in ("company", "username", "password") if not isinstance(body.get(k), str)]
    if missing:
        raise bad_request(f"login needs string values for {', '.join(missing)}", code="InvalidRecord",
                          field=missing[0], rule="required")
    unknown = sorted(set(body) - {"company", "username", "password"})
    if unknown:
        raise bad_request(f"login takes company, username and password only; not {', '.join(unknown)}",
                          code="InvalidRecord", field=unknown[0], rule="unknown_column")
    company, username, password = body["company"], body["username"], body["password"]
    tenant = tenants.resolve(ERP, "company", company)
    if tenant is None:
        raise unauthorized(f"there is no company named {company!r}", rule="company")
    settings = Settings.load(tenant.config.get(ERP, {}))
    records = store.records(tenant.id)
    user = records.get_by_key(USERS, username.casefold())
    if user is None and records.count(USERS) == 0:
        raise unauthorized(f"company {settings.company!r} has no users yet; seed it to create the API user",
                           rule="credentials")
    if user is None or not hmac.compare_digest(str(user.data.get("password", "")).encode(), password.encode()):
        raise unauthorized(f"the user name or password is not valid for company {settings.company!r}",
                           rule="credentials")
    name = user.data["name"]
    if name.casefold() == SUPERVISOR:
        raise forbidden("the Sage 100 Contractor API does not accept the supervisor login; use a user in the "
                        "API security group", rule="supervisor")
    groups = user.data.get("groups", [])
    if API_GROUP not in groups or records.get_by_key(GROUPS, API_GROUP) is None:
        raise forbidden(f"user {name!r} is not in a security group named {API_GROUP} (7-2-1 Security Groups)",
                        rule="security_group")
    now = clock.time()
    shares_seat = settings.seat_counting == "user" and store.count_sessions(tenant.id, ERP, now, user=name) > 0
    in_use = _seats_in_use(store, tenant, settings, now)
    if not shares_seat and in_use >= settings.licence_seats:
        raise forbidden(f"all {settings.licence_seats} licence seats of company {settings.company!r} are in use; "
                        "log out another API session or wait for one to time out", rule="licence_seats",
                        code="LicenceLimit")
    token = secrets.token_urlsafe(32)
    expires = now + settings.session_timeout_minutes * 60
    store.put_session(token, tenant.id, ERP, name, expires, {"company": settings.company})
    return {
        "token": token, "token_type": "Bearer", "company": settings.company, "username": name,
        "expires_at": _iso(expires), "session_timeout_minutes": settings.session_timeout_minutes,
        "licence_seats": {"total": settings.licence_seats, "in_use": in_use if shares_seat else in_use + 1},
    }


def authenticate(store: Store, clock: Clock, authorization: str | None) -> Session:
    """The live session behind a bearer token; slides its expiry."""
    if not authorization:
        raise unauthorized("no credentials: log in with POST /sage100/session and send "
                           "'Authorization: Bearer <token>'")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.casefold() != "bearer" or not token:
        raise unauthorized("credentials must be 'Authorization: Bearer <token>' from POST /sage100/session")
    found = store.get_session(token, ERP)
    now = clock.time()
    if found is None:
        raise unauthorized("the session token is not valid (unknown, logged out or for another system)")
    tenant_id, user, expires, _ = found
    if expires <= now:
        store.delete_session(token)
        raise unauthorized("the session has timed out; log in again", rule="session_timeout")
    tenant = store.get_tenant(tenant_id)
    if tenant is None:
        store.delete_session(token)
        raise unauthorized("the company of this session no longer exists")
    settings = Settings.load(tenant.config.get(ERP, {}))
    expires = now + settings.session_timeout_minutes * 60
    store.touch_session(token, expires)
    return Session(token, tenant, user, settings, expires)


def describe(store: Store, clock: Clock, session: Session) -> dict[str, Any]:
    return {
        "company": session.settings.company, "username": session.user, "expires_at": _iso(session.expires_at),
        "session_timeout_minutes": session.settings.session_timeout_minutes,
        "licence_seats": {"total": session.settings.licence_seats,
                          "in_use": _seats_in_use(store, session.tenant, session.settings, clock.time())},
    }

"""OAuth 2.0 state: connected applications, authorization codes, access and refresh tokens.

Connected applications (SM303010) live in the tenant's settings under ``connected_apps``,
keyed by client id (``GUID@TenantLoginName``: the bearer carries no tenant, the client
id binds it). Codes and tokens are rows of the store's session table, so they survive a
restart and are shared by every worker process; each expires on the simulator's clock.
No HTTP here: ``identity`` serves the endpoints, ``sessions`` accepts the bearer.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from simulator.store import Store, Tenant

ERP = "acumatica"
ACCESS = "acumatica.oauth.access"
REFRESH = "acumatica.oauth.refresh"
CODE = "acumatica.oauth.code"

# The flows a connected application is set up for (SM303010), and the grant each one allows.
FLOWS = {"Resource Owner Password Credentials": "password", "Authorization Code": "authorization_code",
         "Client Credentials": "client_credentials"}
SCOPES = ("api", "offline_access", "api:concurrent_access", "openid", "profile", "email")


class OAuthError(Exception):
    """An RFC 6749 error: ``{"error": code, "error_description": ...}``."""

    def __init__(self, code: str, description: str = "", status: int = 400) -> None:
        super().__init__(description or code)
        self.code = code
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        body = {"error": self.code}
        if self.description:
            body["error_description"] = self.description
        return body


@dataclass(frozen=True)
class Client:
    tenant: Tenant
    client_id: str
    app: dict[str, Any]

    @property
    def settings(self) -> dict[str, Any]:
        found: dict[str, Any] = self.tenant.config.get(ERP, {})
        return found


def new_application(tenant_name: str, name: str, flow: str = "Resource Owner Password Credentials",
                    *, client_id: str | None = None, redirect_uris: list[str] | None = None,
                    user: str | None = None) -> tuple[str, dict[str, Any]]:
    """A connected application's id and record, with a fresh shared secret."""
    if flow not in FLOWS:
        raise ValueError(f"unknown flow {flow!r}; one of: {', '.join(FLOWS)}")
    cid = client_id or f"{str(uuid.uuid4()).upper()}@{tenant_name}"
    return cid, {"name": name, "flow": flow, "secret": secrets.token_urlsafe(18), "active": True,
                 "redirect_uris": list(redirect_uris or []), "user": user}


def demo_application(tenant_id: str, tenant_name: str) -> dict[str, dict[str, Any]]:
    """Every tenant starts with one password-flow application, its id stable per tenant."""
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"erpsim:acumatica:{tenant_id}")).upper()
    cid, app = new_application(tenant_name, "erpsim", client_id=f"{guid}@{tenant_name}")
    return {cid: app}


def applications(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = settings.get("connected_apps")
    return found if isinstance(found, dict) else {}


def find_client(tenant_of_name: Any, client_id: str) -> Client | None:
    """The tenant (by the login name after '@') and its application with this id."""
    _, at, name = client_id.rpartition("@")
    if not at or not name:
        return None
    tenant: Tenant | None = tenant_of_name(name)
    if tenant is None:
        return None
    for cid, app in applications(tenant.config.get(ERP, {})).items():
        if cid.casefold() == client_id.casefold() and isinstance(app, dict):
            return Client(tenant, cid, app)
    return None


def authenticate_client(tenant_of_name: Any, client_id: str, secret: str | None) -> Client:
    client = find_client(tenant_of_name, client_id) if client_id else None
    if client is None or not client.app.get("active", True):
        raise OAuthError("invalid_client")
    if secret is None or not secrets.compare_digest(str(client.app.get("secret", "")), secret):
        raise OAuthError("invalid_client")
    return client


def scopes_of(requested: str | None, client: Client) -> list[str]:
    names = (requested or "api").split()
    unknown = [s for s in names if s not in SCOPES]
    if unknown:
        raise OAuthError("invalid_scope", f"unknown scope {unknown[0]}")
    if client.app.get("flow") == "Client Credentials" and "offline_access" in names:
        raise OAuthError("invalid_scope", "offline_access is not allowed for client credentials")
    return names


def token_lifetime(settings: dict[str, Any]) -> int:
    return int(settings.get("oauth_token_seconds", 3600))


def issue(store: Store, client: Client, user: str, scopes: list[str], now: float,
          branch: str = "") -> dict[str, Any]:
    """A new access token (and a refresh token when ``offline_access`` was granted): the token response."""
    settings = client.settings
    lifetime = token_lifetime(settings)
    access = secrets.token_hex(32)
    data = {"client_id": client.client_id, "scope": scopes, "branch": branch, "issued": now}
    store.put_session(access, client.tenant.id, ACCESS, user, now + lifetime, data)
    out: dict[str, Any] = {"access_token": access, "expires_in": lifetime, "token_type": "Bearer",
                           "scope": " ".join(scopes)}
    if "offline_access" in scopes:
        refresh = secrets.token_hex(32)
        days = float(settings.get("oauth_refresh_token_days", 30))
        store.put_session(refresh, client.tenant.id, REFRESH, user, now + days * 86400, data)
        out["refresh_token"] = refresh
    return out


def access_token(store: Store, token: str, now: float) -> tuple[str, str, dict[str, Any]] | None:
    """(tenant id, user, data) of a live access token."""
    found = store.get_session(token, ACCESS)
    if found is None:
        return None
    tenant_id, user, expires_at, data = found
    if expires_at <= now:
        store.delete_session(token)
        return None
    return tenant_id, user, data


def link_session(store: Store, token: str, session_token: str) -> None:
    """Remember the server session an access token is using (one reused session per bearer)."""
    found = store.get_session(token, ACCESS)
    if found is not None:
        tenant_id, user, expires_at, data = found
        store.put_session(token, tenant_id, ACCESS, user, expires_at, {**data, "session": session_token})


def redeem(store: Store, kind: str, token: str, client: Client, now: float) -> tuple[str, dict[str, Any]]:
    """Use up a refresh token or an authorization code issued to ``client``: (user, data)."""
    found = store.get_session(token, kind) if token else None
    if found is None or found[0] != client.tenant.id or \
            str(found[3].get("client_id", "")).casefold() != client.client_id.casefold():
        raise OAuthError("invalid_grant")
    # Deleted in the database itself, so two worker processes cannot both redeem it.
    taken = store.execute("DELETE FROM sessions WHERE token = ? AND erp = ?", (token, kind)).rowcount
    store.delete_session(token)
    if not taken or found[2] <= now:
        raise OAuthError("invalid_grant")
    return found[1], found[3]


def new_code(store: Store, client: Client, user: str, scopes: list[str], redirect_uri: str,
             challenge: str | None, method: str | None, now: float) -> str:
    code = secrets.token_urlsafe(24)
    store.put_session(code, client.tenant.id, CODE, user, now + 300,
                      {"client_id": client.client_id, "scope": scopes, "redirect_uri": redirect_uri,
                       "challenge": challenge, "method": method or "plain"})
    return code


def verify_pkce(data: dict[str, Any], verifier: str | None) -> bool:
    challenge = data.get("challenge")
    if not challenge:
        return True
    if not verifier:
        return False
    if data.get("method") == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return secrets.compare_digest(computed, str(challenge))
    return secrets.compare_digest(verifier, str(challenge))


def revoke(store: Store, token: str, client: Client) -> None:
    """Revocation forgets the token; the server session it used keeps its seat until it times out."""
    for kind in (ACCESS, REFRESH):
        found = store.get_session(token, kind)
        if found is not None and found[0] == client.tenant.id and \
                str(found[3].get("client_id", "")).casefold() == client.client_id.casefold():
            store.delete_session(token)

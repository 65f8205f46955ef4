"""OAuth 2.0 for the REST wire: grants at ``/oauth2/token``, bearer checks on every other call.

Tokens, refresh tokens and authorization codes live in the store's session
table (not process memory), so any worker process can check a token another
issued and a restart keeps clients signed in. Expiry reads the simulator clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request

from simulator.http import BodyTooLarge, read_body
from simulator.intacct.rest.config import settings
from simulator.intacct.rest.wire import AuthError
from simulator.store import Store, Tenant
from simulator.tenants import Tenants

ERP = "intacct"
ACCESS = "intacct.rest"
REFRESH = "intacct.rest.refresh"
CODE = "intacct.rest.code"
CODE_SECONDS = 600
ENTITY_HEADER = "x-ia-api-param-entity"


@dataclass(frozen=True)
class Principal:
    """Who a bearer token speaks for."""

    tenant: Tenant
    user: str
    entity: str
    token: str


def invalid_credentials() -> AuthError:
    return AuthError(401, "invalidRequest", "Credentials are invalid.")


def token_invalid(tenant: Tenant | None) -> AuthError:
    status = int(settings(tenant).get("token_invalid_status", 401)) if tenant is not None else 401
    return AuthError(status, "tokenInvalid", "Token is not valid", "REST-2102", "IA.TOKEN_IS_INVALID")


async def read_form(request: Request) -> dict[str, str]:
    """Grant parameters as a form (what most clients send) or as JSON (what some send)."""
    try:
        raw = await read_body(request, 64 * 1024)
    except BodyTooLarge as exc:
        raise AuthError(413, "invalidRequest", f"The request body exceeds {exc.limit} bytes.") from exc
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise AuthError(400, "invalidRequest", "The request body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise AuthError(400, "invalidRequest", "The request body must be a JSON object.")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    return dict(parse_qsl(text, keep_blank_values=True))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OAuth:
    def __init__(self, store: Store, tenants: Tenants, clock: Any) -> None:
        self.store = store
        self.tenants = tenants
        self.clock = clock

    # -- clients and users -------------------------------------------------------------

    def client_tenant(self, client_id: str, client_secret: str | None) -> Tenant:
        """The company whose registered application this is; the secret is checked when given."""
        for tenant in self.tenants.list():
            rest = settings(tenant)
            if client_id and rest.get("client_id") == client_id:
                if client_secret is not None and not hmac.compare_digest(str(rest.get("client_secret")),
                                                                        client_secret):
                    break
                return tenant
        raise invalid_credentials()

    def check_entity(self, tenant: Tenant, entity: str) -> str:
        if entity and entity not in tenant.config.get(ERP, {}).get("entities", []):
            raise AuthError(400, "invalidRequest", f"Invalid entity ID '{entity}' for this company.")
        return entity

    def parse_username(self, tenant: Tenant, username: str) -> tuple[str, str]:
        """``user@company`` or ``user@company|entity`` -> (user, entity)."""
        user, at, rest = username.partition("@")
        company, _, entity = rest.partition("|")
        config = tenant.config.get(ERP, {})
        if not at or not user or company.casefold() != str(config.get("company_id", "")).casefold():
            raise invalid_credentials()
        if user not in config.get("users", {}):
            raise invalid_credentials()
        return user, self.check_entity(tenant, entity)

    # -- tokens ----------------------------------------------------------------------

    def issue(self, tenant: Tenant, user: str, entity: str, client_id: str,
              refresh: str | None = None) -> dict[str, Any]:
        rest = settings(tenant)
        now = self.clock.time()
        lifetime = int(rest.get("token_seconds", 43200))
        claims = {"iss": "erpsim", "sub": user, "cnyId": tenant.config.get(ERP, {}).get("company_id", ""),
                  "entityId": entity, "clientId": client_id, "iat": int(now), "exp": int(now + lifetime),
                  "jti": secrets.token_hex(8)}
        access = ".".join((_b64(b'{"alg":"HS256","typ":"JWT"}'), _b64(json.dumps(claims).encode()),
                           secrets.token_urlsafe(32)))
        data = {"entity": entity, "client_id": client_id}
        self.store.put_session(access, tenant.id, ACCESS, user, now + lifetime, data)
        if refresh is None or rest.get("rotate_refresh_token", True):
            refresh = secrets.token_urlsafe(32)
            days = float(rest.get("refresh_token_days", 30))
            self.store.put_session(refresh, tenant.id, REFRESH, user, now + days * 86400, data)
        # Every grant answers a refresh token: the published SDK reads one even after client_credentials.
        return {"token_type": "Bearer", "access_token": access, "expires_in": lifetime, "refresh_token": refresh}

    def grant(self, form: dict[str, str]) -> dict[str, Any]:
        grant_type = form.get("grant_type", "")
        client_id = form.get("client_id", "")
        if not grant_type:
            raise AuthError(400, "invalidRequest", "grant_type is required.")
        if grant_type not in ("client_credentials", "refresh_token", "authorization_code"):
            raise AuthError(400, "unsupportedGrantType", f"grant_type '{grant_type}' is not supported.")
        if not client_id:
            raise AuthError(400, "invalidRequest", "client_id is required.")
        if grant_type == "client_credentials":
            tenant = self.client_tenant(client_id, form.get("client_secret", ""))
            username = form.get("username", "")
            if not username:
                raise AuthError(400, "invalidRequest", "username (user@company or user@company|entity) is required.")
            user, entity = self.parse_username(tenant, username)
            return self.issue(tenant, user, entity, client_id)
        if grant_type == "refresh_token":
            tenant = self.client_tenant(client_id, form.get("client_secret", ""))
            token = form.get("refresh_token", "")
            found = self.store.get_session(token, REFRESH) if token else None
            rotates = bool(settings(tenant).get("rotate_refresh_token", True))
            if found is None or found[0] != tenant.id or found[2] <= self.clock.time() or (
                    rotates and not self.redeem(token, REFRESH)):
                raise AuthError(401, "invalidRequest", "The refresh token is invalid or expired.")
            entity = self.check_entity(tenant, form.get("entity_id", "")) if "entity_id" in form else \
                str(found[3].get("entity", ""))
            return self.issue(tenant, found[1], entity, client_id, refresh=token)
        return self._exchange_code(form, client_id)

    def redeem(self, token: str, kind: str) -> bool:
        """Use up a code or refresh token; deleted in the database itself, so only one worker process wins."""
        taken = self.store.execute("DELETE FROM sessions WHERE token = ? AND erp = ?", (token, kind)).rowcount
        self.store.delete_session(token)
        return bool(taken)

    def _exchange_code(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        code = form.get("code", "")
        found = self.store.get_session(code, CODE) if code else None
        if found is None or found[2] <= self.clock.time():
            raise AuthError(400, "invalidGrant", "The authorization code is invalid or expired.")
        tenant_id, user, _, data = found
        if not self.redeem(code, CODE):  # a code is good once
            raise AuthError(400, "invalidGrant", "The authorization code is invalid or expired.")
        tenant = self.client_tenant(client_id, None)
        if tenant.id != tenant_id or data.get("client_id") != client_id:
            raise AuthError(400, "invalidGrant", "The authorization code was issued to another client.")
        if data.get("redirect_uri") and form.get("redirect_uri", "") != data["redirect_uri"]:
            raise AuthError(400, "invalidGrant", "redirect_uri does not match the authorization request.")
        challenge = data.get("code_challenge")
        if challenge:
            verifier = form.get("code_verifier", "")
            if _b64(hashlib.sha256(verifier.encode()).digest()) != challenge:
                raise AuthError(400, "invalidGrant", "code_verifier does not match the code challenge.")
        elif not hmac.compare_digest(str(settings(tenant).get("client_secret")), form.get("client_secret", "")):
            raise invalid_credentials()
        return self.issue(tenant, user, str(data.get("entity", "")), client_id)

    def authorize(self, params: dict[str, str]) -> str:
        """A signed-in user's consent: returns the redirect URL carrying the code (or the error)."""
        client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
        tenant = self.client_tenant(client_id, None)
        allowed = settings(tenant).get("redirect_uris") or []
        if not redirect_uri or (allowed and redirect_uri not in allowed):
            raise AuthError(400, "invalidRequest", "redirect_uri is missing or not registered for this client.")
        if params.get("response_type", "code") != "code":
            raise AuthError(400, "unsupportedResponseType", "response_type must be code.")
        config = tenant.config.get(ERP, {})
        user, password = params.get("userid", ""), params.get("password", "")
        if params.get("companyid", "").casefold() != str(config.get("company_id", "")).casefold() or \
                not password or config.get("users", {}).get(user) != password:
            raise AuthError(401, "invalidRequest", "Sign-in information is incorrect.")
        entity = self.check_entity(tenant, params.get("entityid", ""))
        code = secrets.token_urlsafe(24)
        if params.get("code_challenge") and params.get("code_challenge_method", "S256") != "S256":
            raise AuthError(400, "invalidRequest", "code_challenge_method must be S256.")
        self.store.put_session(code, tenant.id, CODE, user, self.clock.time() + CODE_SECONDS, {
            "client_id": client_id, "redirect_uri": redirect_uri, "entity": entity,
            "code_challenge": params.get("code_challenge", ""), "scope": params.get("scope", "")})
        query = {"code": code}
        if params.get("state"):
            query["state"] = params["state"]
        return redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(query)

    def revoke(self, token: str) -> None:
        for kind in (ACCESS, REFRESH):
            if self.store.get_session(token, kind) is not None:
                self.store.delete_session(token)

    def introspect(self, token: str) -> dict[str, Any]:
        found = self.store.get_session(token, ACCESS) if token else None
        if found is None or found[2] <= self.clock.time():
            return {"active": False}
        tenant = self.store.get_tenant(found[0])
        return {"active": True, "token_type": "Bearer", "client_id": found[3].get("client_id", ""),
                "user_id": found[1], "cny_id": (tenant.config.get(ERP, {}).get("company_id", "") if tenant else ""),
                "exp": int(found[2]), "iat": int(found[2] - settings(tenant).get("token_seconds", 43200))
                if tenant else 0, "ai_enabled": False}

    # -- bearer checks ---------------------------------------------------------------

    def principal(self, authorization: str, entity_header: str | None) -> Principal:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        found = self.store.get_session(token, ACCESS) if scheme.lower() == "bearer" and token else None
        tenant = self.store.get_tenant(found[0]) if found is not None else None
        if found is None or tenant is None:
            raise token_invalid(None)
        if found[2] <= self.clock.time():
            self.store.delete_session(token)
            raise token_invalid(tenant)
        entity = str(found[3].get("entity", ""))
        if entity_header is not None:
            # The header picks the entity for this call; a token minted for one entity stays in it.
            if entity and entity_header and entity_header != entity:
                raise AuthError(400, "invalidRequest", f"This token is bound to entity '{entity}'.")
            entity = self.check_entity(tenant, entity_header) or entity
        return Principal(tenant, found[1], entity, token)

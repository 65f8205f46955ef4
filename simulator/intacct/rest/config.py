"""Per-tenant REST settings (``config["intacct"]["rest"]``), every UNVERIFIED behaviour among them."""

from __future__ import annotations

from typing import Any

from simulator.store import Tenant

ERP = "intacct"


def default_settings(tenant_id: str) -> dict[str, Any]:
    return {
        # The OAuth 2.0 application registered for this company (shown in the banner).
        "client_id": f"{tenant_id}.erpsim.app",
        "client_secret": f"{tenant_id}-rest-secret",
        "redirect_uris": [],  # empty accepts any redirect URI (a registered app would list them)
        # UNVERIFIED (reference §1.3): access-token lifetime; 43200 s (12 h) is the one figure seen.
        "token_seconds": 43200,
        # UNVERIFIED: refresh-token lifetime, and whether a refresh rotates it.
        "refresh_token_days": 30,
        "rotate_refresh_token": True,
        # UNVERIFIED (§1.5): the HTTP status of REST-2102 "Token is not valid".
        "token_invalid_status": 401,
        # UNVERIFIED (§2.2): business-rule failures as 400 or 422.
        "business_error_status": 400,
        # UNVERIFIED (§4.7): Idempotency-Key on replay: "replay" the stored answer, "conflict" (409 for any
        # reuse), or "ignore" the header; a reused key with a different body answers 409 in "replay".
        "idempotency": "replay",
        "idempotency_hours": 24,
        # The documented maximum query page is 4000; the default page size (100) is UNVERIFIED.
        "query_max_size": 4000,
        "query_default_size": 100,
        # Collection GETs return at most this many references (doc text).
        "list_limit": 100,
        # UNVERIFIED (§4.3): sub-requests per composite request.
        "composite_max": 100,
    }


def settings(tenant: Tenant) -> dict[str, Any]:
    """Defaults overlaid with what the tenant configured (older tenants may have none)."""
    merged = default_settings(tenant.id)
    merged.update(tenant.config.get(ERP, {}).get("rest", {}) or {})
    return merged


def banner_lines(origin: str, config: dict[str, Any]) -> list[str]:
    rest = config.get("rest", {})
    user = next(iter(config.get("users", {})), "admin")
    return [
        f"REST base URL:    {origin}/ia/api/v1",
        f"REST client:      {rest.get('client_id', '?')} / {rest.get('client_secret', '?')}",
        f"REST username:    {user}@{config.get('company_id')}  (client_credentials)",
    ]

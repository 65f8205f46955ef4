"""Per-tenant Procore settings: the company's ids and logins, and every behaviour the reference marks UNVERIFIED."""

from __future__ import annotations

import zlib
from typing import Any

ERPS = ("intacct", "sage100", "acumatica")
ROLES = ("service_account", "project_manager", "accounting_approver")


def company_number(tenant_id: str) -> int:
    """Procore company ids are integers; a tenant's is derived from its id so it is stable across restarts."""
    return 1_000_000 + zlib.crc32(tenant_id.encode()) % 8_999_999


def default_config(tenant_id: str, name: str) -> dict[str, Any]:
    domain = f"{tenant_id}.example.com"
    return {
        "company_id": company_number(tenant_id),
        # Which of the tenant's ERPs the company's ERP Integrations tool is connected to.
        "erp": "intacct",
        # The OAuth application installed in the company (a developer-managed service account).
        "client_id": f"erpsim-{tenant_id}",
        "client_secret": "erpsim-secret",
        "redirect_uris": ["urn:ietf:wg:oauth:2.0:oob", "http://localhost/callback", "http://127.0.0.1/callback"],
        # People who sign in (the console, /oauth/authorize): login -> name, password, role.
        "users": {
            f"pm@{domain}": {"name": "Pat Morgan", "password": "pm", "role": "project_manager"},
            f"approver@{domain}": {"name": "Alex Reyes", "password": "approver", "role": "accounting_approver"},
        },
        # Token lifetime in seconds on the simulator clock (Procore: 5400).
        "token_expires_in": 5400,
        # Real refresh tokens are single use; some clients re-send their first one (reference §1.3).
        "rotate_refresh_tokens": True,
        # UNVERIFIED (§2.4): "lenient" accepts a call without Procore-Company-Id when the company is known from
        # the path, the query or the token; "strict" refuses it with the documented message.
        "company_header": "lenient",
        # UNVERIFIED (§2.4): the status of that refusal.
        "company_header_status": 400,
        # UNVERIFIED (§2.7): the hourly and 10-second spike limits; 0 turns a window off.
        "rate_limit_hourly": 3600,
        "rate_limit_spike": 0,
        # UNVERIFIED (§2.6): page size when per_page is absent, and the largest accepted.
        "per_page_default": 100,
        "per_page_max": 1000,
        # UNVERIFIED (§2.6): pyprocore follows X-Next-Page when there is no Link; off by default.
        "x_next_page": False,
        # UNVERIFIED (§2.8): error bodies, Rails style: "rails" gives {"errors": ...}; "message" gives
        # {"message": ..., "errors": ...}.
        "error_shape": "rails",
        # Webhook deliveries: the receiver's deadline and the retry backoff (Procore: 5 s, 1 s doubling to 1 h).
        "webhook_timeout": 5.0,
        "webhook_retry_base": 1.0,
        "webhook_retry_max": 3600.0,
        "webhook_attempts": 6,
        # UNVERIFIED (§2.10): the payload version a new hook gets when it names none.
        "webhook_api_version": "v2.0",
    }


def banner(origin: str, config: dict[str, Any]) -> list[str]:
    lines = [
        f"base URL:         {origin}/procore   (OAuth {origin}/procore/oauth/token, API {origin}/procore/rest/v1.0)",
        f"company id:       {config.get('company_id')}   (connected to {config.get('erp', 'intacct')})",
        f"client id:        {config.get('client_id')}",
        f"client secret:    {config.get('client_secret')}",
    ]
    for login, user in (config.get("users") or {}).items():
        role = str(user.get("role", "")).replace("_", " ")
        lines.append(f"{role + ':':<18}{login} / {user.get('password')}")
    return lines

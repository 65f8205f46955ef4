"""Per-tenant Acumatica settings, including every behaviour the reference marks UNVERIFIED.

Each UNVERIFIED entry is listed in docs/fidelity-acumatica.md with the reason.
"""

from __future__ import annotations

from typing import Any

from simulator.acumatica.oauth import applications, demo_application

MOUNT = "/acumatica"


def default_config(tenant_id: str, name: str) -> dict[str, Any]:
    tenant_name = tenant_id.capitalize()
    return {
        # The tenant's Login Name (SM203520): what clients send as "tenant" (or "company").
        "tenant_name": tenant_name,
        "users": {"admin": "admin"},
        # The company (CS101500) and its branches (CS102000), as the Company and Branch entities show them.
        "company_id": tenant_name.upper(),
        "company_name": name,
        "branches": ["MAIN"],
        "branch_names": {"MAIN": "Main branch"},
        "default_branch": "MAIN",
        "base_currency": "USD",
        "build_version": "24.212.0012",
        # -- sessions and the licence ------------------------------------------------------
        # UNVERIFIED: the IDG says an idle session closes after 10 minutes; third-party notes say 20.
        "session_idle_minutes": 10,
        # Concurrent API sessions (seats); the trial licence allows 2. 0 means unlimited.
        "max_api_sessions": 2,
        # UNVERIFIED: status and text of a login past the seat limit (clients match "API Login Limit").
        "login_limit_status": 429,
        "login_limit_message": "You have reached the API Login Limit of your license. Sign out of other API "
                               "sessions or wait until they expire.",
        # Concurrent requests per tenant (0 = unlimited); waiting requests past the queue limit, or waiting
        # longer than the timeout, are declined with 429.
        "max_concurrent_requests": 0,
        "request_queue_limit": 20,
        "request_queue_timeout_seconds": 600,
        # Requests per minute (0 = unlimited); past half the limit each request is spread out.
        "max_requests_per_minute": 0,
        # UNVERIFIED: whether a 429 carries Retry-After (None = no header).
        "retry_after_seconds": None,
        # UNVERIFIED: bad password as 500 PXException (what production clients map) or as 401.
        "bad_login_status": 500,
        "bad_login_message": "Invalid credentials. Please try again.",
        # Repeated bad passwords lock the account; the real threshold is a tenant policy (0 = never).
        "lockout_attempts": 0,
        # UNVERIFIED: the body of a 401 for a missing or expired session.
        "unauthorized_message": "You are not logged in.",
        # -- OAuth 2.0 (connected applications, SM303010) -----------------------------------
        # client id (GUID@TenantLoginName) -> {name, flow, secret, active, redirect_uris, user}; managed through
        # /_erpsim/tenants/{id}/acumatica/applications.
        "connected_apps": demo_application(tenant_id, tenant_name),
        # Access tokens live 3600 s and that is not configurable on a real site; kept here for odd set-ups.
        "oauth_token_seconds": 3600,
        # UNVERIFIED: how long a refresh token lives (the identity server's policy is not documented).
        "oauth_refresh_token_days": 30,
        # The client_credentials grant is not supported by Acumatica (ref 1.3); True lets a Client Credentials
        # application use it anyway.
        "oauth_client_credentials": False,
        # -- request handling ----------------------------------------------------------------
        "body_limit_bytes": 4 * 1024 * 1024,
        # UNVERIFIED: unknown top-level properties are dropped ("ignore") or refused with 400 ("reject").
        "unknown_fields": "ignore",
        # UNVERIFIED: status of an unparsable $filter/$select/$expand or bad $top/$skip.
        "bad_query_status": 400,
        # UNVERIFIED: an unknown custom field in $filter is refused like a bad query ("error") or matches
        # nothing ("ignore").
        "unknown_custom_field": "error",
        # UNVERIFIED: the Location of an attached file is an absolute URL ("absolute", as the schema's "uri"
        # format requires) or site-relative ("site").
        "file_location": "absolute",
        # UNVERIFIED: a PUT naming an unknown number on an auto-numbered document gets a new number ("assign")
        # or keeps the number it was given ("keep").
        "unknown_document_number": "assign",
        # Actions answering 202 + Location (polled until 204) instead of 204 at once, and how many polls
        # report "in progress" first.
        "async_actions": ["ReleaseBill", "ReleaseRetainage", "ReleaseCheck", "VoidCheck", "ReleaseChangeOrder",
                          "ReleaseTransactions"],
        "async_polls": 1,
        # -- features and preferences (CS100000, AP101000, PM101000, PO101000) ----------------
        "features": {"retainage": True, "cost_codes": True},
        "approvals": {"Bill": False, "Project": False, "ChangeOrder": False, "Subcontract": False,
                      "PurchaseOrder": False},
        "hold_on_entry": {"Bill": True, "Check": True, "PurchaseOrder": True, "Subcontract": True,
                          "ChangeOrder": True, "Project": True},
        "validate_document_totals": False,
        "validate_control_total": {"PurchaseOrder": False, "Subcontract": False},
        # "warn" lets a duplicate vendor reference through (the default preference), "error" refuses it.
        "duplicate_vendor_ref": "warn",
        # Bill retainage through custom fields (the Default contract has none).
        # UNVERIFIED (inferred from AP301000's views): the view.field paths.
        "bill_retainage": {
            "via_custom": True,
            "release_documents": False,
            "paths": {
                "apply": "Document.RetainageApply",
                "percent": "CurrentDocument.DefRetainagePct",
                "total": "CurrentDocument.CuryRetainageTotal",
                "unreleased": "CurrentDocument.CuryRetainageUnreleasedAmt",
                "line_percent": "Transactions.RetainagePct",
                "line_amount": "Transactions.CuryRetainageAmt",
            },
        },
        # UNVERIFIED: the order type label a subcontract carries on bill and change-order lines.
        "subcontract_order_type": "Subcontract",
        "activate_tasks_with_project": True,
        "project_defaults": {"ChangeOrderWorkflow": True},
        "project_templates": {},
        "change_order_class": "",
        "non_project_code": "X",
        "default_cost_code": "00-000",
        "cost_code_mask": "CC-CCC",
        # -- reference data the contract does not expose ---------------------------------------
        "terms": {"30D": 30, "15D": 15, "NET45": 45, "NET60": 60, "COD": 0},
        "payment_methods": {"CHECK": "Check", "ACH": "ACH transfer", "WIRE": "Wire transfer"},
        "cash_accounts": {"10200": "Operating Account", "10300": "Payroll Account"},
        "vendor_defaults": {"VendorClass": "DEFAULT", "Terms": "30D", "PaymentMethod": "CHECK",
                            "CashAccount": "10200"},
        "accounts": {
            "40000": {"description": "Contract Revenue", "account_group": "REVENUE"},
            "50000": {"description": "Job Cost - Labor", "account_group": "LABOR"},
            "51000": {"description": "Job Cost - Material", "account_group": "MATERIAL"},
            "52000": {"description": "Job Cost - Subcontract", "account_group": "SUBCONTRACT"},
            "53000": {"description": "Job Cost - Equipment", "account_group": "EQUIPMENT"},
            "54000": {"description": "Job Cost - Other", "account_group": "OTHER"},
            "60000": {"description": "Office Expense"},
        },
        "default_accounts": {"Bill": "52000", "Subcontract": "52000", "PurchaseOrder": "51000"},
        "numbering": {"PurchaseOrder": {"prefix": "PO", "width": 6}, "Subcontract": {"prefix": "SC", "width": 6},
                      "ProjectTransaction": {"prefix": "PM", "width": 6}},
        # Extra custom fields per entity: {"Bill": {"Document": {"UsrProcoreID": "CustomStringField"}}}.
        "custom_fields": {},
    }


def banner(origin: str, config: dict[str, Any]) -> list[str]:
    user, password = next(iter(config.get("users", {}).items()), ("?", "?"))
    lines = [
        f"base URL:         {origin}{MOUNT}",
        f"sign in:          POST {origin}{MOUNT}/entity/auth/login",
        f"tenant:           {config.get('tenant_name')}",
        f"name / password:  {user} / {password}",
        f"schema:           {origin}{MOUNT}/entity/Default/24.200.001/swagger.json",
        f"OAuth 2.0 token:  POST {origin}{MOUNT}/identity/connect/token",
    ]
    for client_id, app in applications(config).items():
        lines.append(f"client id:        {client_id}  ({app.get('flow')})")
        lines.append(f"client secret:    {app.get('secret')}")
    return lines

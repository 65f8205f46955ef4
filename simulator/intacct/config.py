"""Per-tenant Intacct settings, including every behaviour the reference marks UNVERIFIED."""

from __future__ import annotations

from typing import Any

from simulator.intacct.rest.config import banner_lines, default_settings

DIMENSIONS = ["DEPARTMENT", "LOCATION", "PROJECT", "CUSTOMER", "VENDOR", "EMPLOYEE", "ITEM", "CLASS", "TASK",
              "COSTTYPE", "CONTRACT", "WAREHOUSE"]
FULL_RIGHTS = "List|View|Add|Edit|Delete"
# The applications and policies a full-rights user of this simulator holds, by the objects served.
PERMISSIONS = {
    "Company": ["Users", "Departments", "Locations", "Classes", "Employees", "Audit Trail"],
    "General Ledger": ["Accounts", "Journal Entries", "Budgets", "Reports"],
    "Accounts Payable": ["Vendors", "Bills", "Adjustments", "Payments"],
    "Accounts Receivable": ["Customers", "Invoices", "Adjustments", "Payments"],
    "Cash Management": ["Checking Accounts", "Savings Accounts", "Credit Card Accounts"],
    "Projects": ["Projects", "Tasks"],
    "Construction": ["Standard Tasks", "Cost Types", "Project Estimates", "Change Requests", "Project Contracts",
                     "Project Change Orders", "Retainage Releases"],
    "Purchasing": ["Purchasing Transactions"],
    "Inventory Control": ["Items", "Warehouses"],
    "Contracts": ["Contracts"],
}


def default_config(tenant_id: str, name: str) -> dict[str, Any]:
    return {
        "company_id": tenant_id.upper(),
        # Web Services senders: id -> password, and which of them this company authorizes.
        "senders": {"erpsim": "erpsim"},
        "authorized_senders": ["erpsim"],
        "users": {"admin": "admin"},
        # Observed real durations: 2h10m, 6h, 8h, 12h, 24h; every call slides it.
        "session_minutes": 130,
        # UNVERIFIED (reference §7.5): bad user login as HTTP 401 XMLGW_JPP0002 ("http401")
        # or as an HTTP 200 authentication failure XL03000006 ("auth_failure").
        "bad_login": "http401",
        # UNVERIFIED (§7.2): read of a missing RECORDNO -> success count=0 ("empty") or a failure ("error").
        "read_missing": "empty",
        # UNVERIFIED (§7.1): with <uniqueid>true</uniqueid>, refuse a function controlid seen before.
        "enforce_uniqueid": True,
        # UNVERIFIED (§7.4): accept RETAINAGEPERCENTAGE / TRX_AMOUNTRETAINED on APBILLITEM create.
        "apbill_line_retainage": True,
        # UNVERIFIED (§7.8): no documented cap on functions per request; 0 means none.
        "max_functions_per_request": 0,
        # UNVERIFIED (§7.3): the message for a reference to a missing record.
        "invalid_reference_message": "Invalid {label} '{value}' specified.",
        # UNVERIFIED (§7.3): postings dated before this mm/dd/yyyy date are refused as a closed period.
        "closed_before": None,
        # UNVERIFIED: which project statuses block which postings (AP bills, PO documents, GL entries).
        "project_statuses": {"Not Started": [], "In Progress": [], "On Hold": ["AP", "PO", "GL"],
                             "Completed": ["AP", "PO", "GL"]},
        # Change-request status names and the estimate workflow type each posts to.
        "change_request_statuses": {"Approved": "approved change", "Pending": "pending change"},
        # UNVERIFIED: the state a retainage release gets when the request names none.
        "retainage_release_default_state": "Released",
        # The reference says APPYMT CURRENCY is required though the docs' examples omit it.
        "appymt_currency_required": False,
        # UNVERIFIED: the errorno for a repeated function controlid under uniqueid=true.
        "repeated_function_errorno": "BL01001973",
        # Entities (locations) a login may name in <locationid>; empty means top level only.
        "entities": [],
        # UNVERIFIED: how many records a legacy get_list returns when it names no maxitems.
        "get_list_maxitems": 100,
        # UNVERIFIED (not in the reference): the dimensions getDimensions lists, standard ones by object.
        "dimensions": [{"object": name} for name in DIMENSIONS],
        # UNVERIFIED (not in the reference): getUserPermissions' answer per login ("*" for any user):
        # application -> policy -> pipe-joined rights.
        "user_permissions": {"*": {application: {policy: FULL_RIGHTS for policy in policies}
                                   for application, policies in PERMISSIONS.items()}},
        # Purchasing transaction definitions (the docparid). A change-order definition names its source
        # ("changes"); one with "approval": true holds saved documents as Submitted until approve/decline.
        "transaction_definitions": {
            "Purchase Order": {"prefix": "PO"},
            "Subcontract": {"prefix": "SC"},
            "PO Change Order": {"prefix": "POCO", "changes": "Purchase Order"},
            "Subcontract Change Order": {"prefix": "SCCO", "changes": "Subcontract"},
        },
        # The REST API's OAuth client and its UNVERIFIED behaviours (simulator/intacct/rest/config.py).
        "rest": default_settings(tenant_id),
    }


def banner(origin: str, config: dict[str, Any]) -> list[str]:
    sender, password = next(iter(config.get("senders", {}).items()), ("?", "?"))
    user, user_password = next(iter(config.get("users", {}).items()), ("?", "?"))
    return [
        f"endpoint:         {origin}/ia/xml/xmlgw.phtml",
        f"sender id / pw:   {sender} / {password}",
        f"company id:       {config.get('company_id')}",
        f"user id / pw:     {user} / {user_password}",
        *banner_lines(origin, config),
    ]

"""Per-company Sage 100 Contractor settings, including every behaviour the reference leaves UNVERIFIED.

``default_config`` is what a new tenant gets under ``config["sage100"]``; the
admin API can change any of it. ``Settings.load`` reads it back, refusing a
malformed value with an error that names the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from simulator.sage100.errors import Problem, Sage100Error

CHECK_MODES = ("No message", "Warning", "Not allow")
MAX_PAGE_SIZE = 1000

# Sage's program-warning settings [SH-warn]: each can be No message / Warning / Not allow, with tolerance.
CHECKS = {
    "cost_over_budget": "cost over budget",
    "subcontract_over_budget": "subcontract over budget",
    "po_over_budget": "purchase order over budget",
    "invoice_over_subcontract": "invoice over subcontract",
    "invoice_over_po": "invoice over purchase order",
}


def default_config(tenant_id: str, name: str) -> dict[str, Any]:
    return {
        # The company a client opens at login, matched case-insensitively.
        "company": name,
        # Written into the company by the seeder (7-2-1 Security Groups, 7-2-2 User List).
        "security_groups": ["API"],
        "users": [
            {"name": "api", "password": "api", "groups": ["API"]},
            {"name": "supervisor", "password": "supervisor", "groups": []},
        ],
        # Each API login consumes a user licence [SKB-api]; how many this company owns.
        "licence_seats": 2,
        # UNVERIFIED: whether a second login by the same user takes another seat ("session") or shares it ("user").
        "seat_counting": "user",
        # UNVERIFIED: no idle timeout is documented for the API; sessions slide on every call.
        "session_timeout_minutes": 30,
        "body_limit_bytes": 1024 * 1024,
        # Rows per retrieve page when the client gives no limit (the limit itself tops out at 1000).
        "page_size": 100,
        # GAP: the maximum job number length is not published; job numbers are bigint.
        "job_number_max_digits": 18,
        "checks": {name: {"mode": "Warning", "tolerance_percent": "0", "tolerance_amount": "0.00"}
                   for name in CHECKS},
        # UNVERIFIED: a hard "invoice number unique per vendor" rule was not found; actpay.dupchk exists.
        "duplicate_invoice_check": "Warning",
        # UNVERIFIED: whether an inactive vendor (actpay.inactv) is refused on new commitments and invoices.
        "refuse_inactive_vendor": False,
        # UNVERIFIED: an approved change order adds to the budget columns (True) or is only added at
        # report time, leaving bdglin untouched (False). Either way the original columns never change.
        "change_orders_update_budget": True,
        # UNVERIFIED: whether a 5-Void change order can be moved back to another status.
        "void_change_orders_are_final": False,
        # Inference [SCM-faq]: invoices created through an integration arrive unposted.
        "invoices_arrive_unposted": True,
        # UNVERIFIED: when a subcontract's invoiced/remaining figures move: as invoices are paid
        # ("payment", as the issue describes) or when they post ("post").
        "subcontract_invoiced_on": "payment",
        # UNVERIFIED: whether an invoice in 3-Dispute can be paid.
        "refuse_payment_on_dispute": True,
    }


def banner(origin: str, config: dict[str, Any]) -> list[str]:
    user = next((u for u in config.get("users", []) if "API" in u.get("groups", [])), {})
    return [
        f"record API:       {origin}/sage100/records/{{table}}",
        f"OpenAPI:          {origin}/sage100/openapi.json",
        f"login:            POST {origin}/sage100/session",
        f"company:          {config.get('company')}",
        f"user / password:  {user.get('name', '?')} / {user.get('password', '?')}",
    ]


DEFAULTS = default_config("", "")


@dataclass(frozen=True)
class Check:
    mode: str
    tolerance_percent: Decimal
    tolerance_amount: Decimal

    def allowed(self, budget: Decimal) -> Decimal:
        return budget + abs(budget) * self.tolerance_percent / 100 + self.tolerance_amount


@dataclass(frozen=True)
class Settings:
    company: str
    licence_seats: int
    seat_counting: str
    session_timeout_minutes: float
    body_limit_bytes: int
    page_size: int
    job_number_max_digits: int
    checks: dict[str, Check]
    duplicate_invoice_check: str
    refuse_inactive_vendor: bool
    change_orders_update_budget: bool
    void_change_orders_are_final: bool
    invoices_arrive_unposted: bool
    subcontract_invoiced_on: str
    refuse_payment_on_dispute: bool

    @classmethod
    def load(cls, config: dict[str, Any]) -> Settings:
        merged = {**DEFAULTS, **config}

        def bad(key: str, why: str) -> Sage100Error:
            return Sage100Error(409, "InvalidCompanySetting",
                                Problem(f"company setting sage100.{key} {why}", rule="company_setting", field=key))

        def integer(key: str, low: int) -> int:
            value = merged[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise bad(key, f"must be an integer of at least {low}")
            return value

        def flag(key: str) -> bool:
            if not isinstance(merged[key], bool):
                raise bad(key, "must be true or false")
            return bool(merged[key])

        def choice(key: str, options: tuple[str, ...]) -> str:
            if merged[key] not in options:
                raise bad(key, f"must be one of {', '.join(options)}")
            return str(merged[key])

        def number(key: str, value: Any) -> Decimal:
            try:
                result = Decimal(str(value))
            except InvalidOperation:
                raise bad(key, "must be a number") from None
            if not result.is_finite() or result < 0:
                raise bad(key, "must be a number of at least 0")
            return result

        checks: dict[str, Check] = {}
        raw_checks = merged["checks"] if isinstance(merged["checks"], dict) else {}
        for name in CHECKS:
            entry = {**DEFAULTS["checks"][name], **(raw_checks.get(name) or {})}
            if entry["mode"] not in CHECK_MODES:
                raise bad(f"checks.{name}.mode", f"must be one of {', '.join(CHECK_MODES)}")
            checks[name] = Check(entry["mode"], number(f"checks.{name}.tolerance_percent", entry["tolerance_percent"]),
                                 number(f"checks.{name}.tolerance_amount", entry["tolerance_amount"]))
        if not isinstance(merged["company"], str):
            raise bad("company", "must be a string")
        timeout = merged["session_timeout_minutes"]
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise bad("session_timeout_minutes", "must be a positive number")
        digits = integer("job_number_max_digits", 1)
        if digits > 18:
            raise bad("job_number_max_digits", "cannot exceed 18 (job numbers are bigint)")
        return cls(
            company=merged["company"],
            licence_seats=integer("licence_seats", 0),
            seat_counting=choice("seat_counting", ("user", "session")),
            session_timeout_minutes=float(timeout),
            body_limit_bytes=integer("body_limit_bytes", 1),
            page_size=min(integer("page_size", 1), MAX_PAGE_SIZE),
            job_number_max_digits=digits,
            checks=checks,
            duplicate_invoice_check=choice("duplicate_invoice_check", CHECK_MODES),
            refuse_inactive_vendor=flag("refuse_inactive_vendor"),
            change_orders_update_budget=flag("change_orders_update_budget"),
            void_change_orders_are_final=flag("void_change_orders_are_final"),
            invoices_arrive_unposted=flag("invoices_arrive_unposted"),
            subcontract_invoiced_on=choice("subcontract_invoiced_on", ("payment", "post")),
            refuse_payment_on_dispute=flag("refuse_payment_on_dispute"),
        )

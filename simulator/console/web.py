"""What every console page shares: templates, form reading, flash messages, answering with a redirect.

A form posts, the action runs, and the browser is sent back to a page (POST, then redirect), so a
reload never repeats an action. The outcome rides along in a short-lived cookie and is shown once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from simulator.store import Tenant
from simulator.tenants import TenantError, Tenants

HERE = Path(__file__).parent
FLASH = "erpsim_flash"
FORM_LIMIT = 64 * 1024 * 1024  # a restored snapshot of a large company is big

env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def money(value: Any) -> str:
    """Amounts as a bookkeeper reads them: thousands separated, to the cent."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except ArithmeticError:
        return str(value)


env.filters["money"] = money


class PageError(Exception):
    """A page that cannot be shown: answered as an HTML page with this status."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message)
        self.status = status


def tenants_of(request: Request) -> Tenants:
    tenants: Tenants = request.app.state.tenants
    return tenants


def seat_of(request: Request) -> Tenant:
    try:
        return tenants_of(request).get(request.path_params["seat"])
    except TenantError as exc:
        raise PageError(f"There is no seat {request.path_params['seat']!r}.", exc.status) from exc


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    flash = _read_flash(request)
    html = env.get_template(template).render(request=request, flash=flash, **context)
    response = HTMLResponse(html, status_code=status)
    if flash is not None:
        response.delete_cookie(FLASH, path="/")
    return response


def redirect(to: str, *, ok: str | None = None, error: str | None = None, detail: Any = None) -> Response:
    """303 to ``to``, carrying what happened for the next page to show."""
    response = RedirectResponse(to, status_code=303)
    if ok is not None or error is not None:
        payload = {"ok": ok, "error": error, "detail": detail}
        text = json.dumps(payload, default=str)
        if len(text) > 3500:  # a cookie holds about 4 KB
            payload["detail"] = None
            text = json.dumps(payload, default=str)
        response.set_cookie(FLASH, quote(text), path="/", httponly=True, samesite="strict", max_age=60)
    return response


def _read_flash(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(FLASH)
    if not raw:
        return None
    try:
        value = json.loads(unquote(raw))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


async def form_of(request: Request) -> FormData:
    return await request.form(max_part_size=FORM_LIMIT)


def back_to(form: FormData, seat: str, default: str) -> str:
    """Where a form asks to go back to; only a page of the same seat (never another site)."""
    back = text(form, "back")
    return back if back.startswith(f"/seats/{seat}/") or back == f"/seats/{seat}" else default


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


Handler = Callable[[Request], Awaitable[Response]]


def page(handler: Handler) -> Handler:
    """A console endpoint: a page that cannot be shown answers as an HTML page, never a 500."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except PageError as exc:
            return render(request, "error.html", status=exc.status, message=str(exc))

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


ERP_TITLES = {"intacct": "Sage Intacct", "sage100": "Sage 100 Contractor", "acumatica": "Acumatica"}
SEAT_TABS: list[Callable[[Request, Tenant], list[tuple[str, str, bool]]]] = []
"""Each console room adds its tabs to a seat's navigation: (href, label, only on that exact path)."""


def seat_tabs(request: Request, seat: Tenant) -> list[tuple[str, str, bool]]:
    tabs = [(f"/seats/{seat.id}", "Overview", True)]
    for provider in SEAT_TABS:
        tabs.extend(provider(request, seat))
    return tabs


env.globals["seat_tabs"] = seat_tabs
env.globals["erp_title"] = lambda erp: ERP_TITLES.get(erp, erp)

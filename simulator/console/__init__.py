"""The training console: web pages where a trainer runs seats, a project manager and an accounting
approver practise the Procore side, and a bookkeeper keeps each ERP's books.

Server-rendered Jinja2 pages with plain HTML forms (POST, then redirect) and one stylesheet, no
script. Every page calls the same functions the admin API and the scenarios call.

Layout: ``seats`` (the list at ``/``, a seat's overview, reset, snapshots); ``pm`` (Procore as the
project manager) and ``integrations`` (its ERP Integrations tool, as the accounting approver), both acting
through ``desk`` (scenario steps on the seat's company) with each item's ``timeline``; ``erp`` (each
ERP's books, described in ``books``, and back-office forms); ``web`` (templates, forms, flash messages).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from simulator.console import erp, integrations, lessons, pm, seats
from simulator.console.web import HERE


def routes() -> list[BaseRoute]:
    return [
        Mount("/static/console", app=StaticFiles(directory=HERE / "static"), name="console-static"),
        *seats.routes,
        *pm.routes,
        *integrations.routes,
        *erp.routes,
        *lessons.routes,
    ]


__all__ = ["routes"]

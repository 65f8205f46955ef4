"""Procore's wire under ``/procore``: OAuth under ``/oauth`` and the REST API under ``/rest``."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Router

api_routes: list[BaseRoute] = []


async def not_found(scope: Any, receive: Any, send: Any) -> None:
    await JSONResponse({"errors": "404 Not Found"}, status_code=404)(scope, receive, send)


routes: list[BaseRoute] = [Mount("/procore", app=Router(routes=api_routes, default=not_found))]

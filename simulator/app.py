"""The app factory: every ERP room plus the admin API, on one Starlette app."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount

from simulator.admin import admin
from simulator.clock import Clock
from simulator.console import routes as console_routes
from simulator.faults import admin as faults_admin
from simulator.journal import admin as journal_admin
from simulator.journal.middleware import Recorder
from simulator.services import Service
from simulator.store import Store
from simulator.tenants import Tenants


def default_services() -> list[Service]:
    # Imported here so each room is loaded only when an app is built.
    from simulator.acumatica import service as acumatica
    from simulator.intacct import service as intacct
    from simulator.procore import service as procore
    from simulator.sage100 import service as sage100

    return [intacct, sage100, acumatica, procore]


def create_app(
    store: Store | None = None,
    *,
    services: Sequence[Service] | None = None,
    clock: Clock | None = None,
    demo: bool = True,
) -> Starlette:
    """Build the simulator. ``store`` defaults to an in-memory database.

    With ``demo`` the demo company is created unless it already exists.
    """
    store = store or Store(":memory:")
    services = list(services) if services is not None else default_services()
    # Rooms' own control-plane routes go before the admin mount, which answers every other /_erpsim path.
    routes: list[BaseRoute] = [*(r for svc in services for r in svc.admin_routes),
                               *journal_admin.routes, *faults_admin.routes, Mount("/_erpsim", app=admin)]
    for svc in services:
        routes.extend(svc.routes)
    routes.extend(console_routes())
    app = Starlette(routes=routes, middleware=[Middleware(Recorder)])
    app.state.store = store
    app.state.services = services
    app.state.clock = clock or Clock()
    app.state.tenants = Tenants(store, services)
    app.state.tenants.add_missing_services()
    if demo:
        app.state.tenants.ensure_demo()
    return app

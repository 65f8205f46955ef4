"""Procore: its REST API under ``/procore`` and each tenant's Procore company beside its ERP books.

The company itself is the sync core's (``sync_core``), kept in the tenant's own store records; this room puts
it on the wire. ``side`` is how the rest of the app reaches a tenant's company (see its docstring).
"""

from typing import Any

from starlette.routing import Mount

from simulator.datasets import Dataset
from simulator.procore import people, side
from simulator.procore.config import banner, default_config
from simulator.procore.hooks import WIRE
from simulator.procore.routes import routes
from simulator.services import Service
from simulator.store import Records
from sync_core import Procore


def seed(records: Records, dataset: Dataset, config: dict[str, Any]) -> None:
    """The company's people; its cost codes come from its ERP the first time it is connected."""
    procore = Procore(records.store, tenant_prefix="")
    side.seed(procore.company(records.tenant), config)


service = Service(
    name="procore",
    title="Procore REST API",
    routes=routes,
    default_config=default_config,
    seed=seed,
    banner=banner,
    admin_routes=[Mount("/_erpsim/tenants/{tenant}/procore", routes=people.routes)],
    wires=[WIRE],
)

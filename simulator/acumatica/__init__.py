"""Acumatica Cloud ERP: the contract-based REST API (``Default`` endpoint) under ``/acumatica``.

Flow: ``routes`` (HTTP) -> ``wire`` (value wrappers, ``odata`` filters, errors)
-> ``rules`` (entity behaviour over ``models``), with ``entities`` the single
definition of the contract that ``swagger`` publishes.
"""

from __future__ import annotations

from simulator.acumatica import applications
from simulator.acumatica.backoffice import ACTIONS
from simulator.acumatica.hooks import WIRE
from simulator.acumatica.config import banner, default_config
from simulator.acumatica.routes import routes
from simulator.acumatica.seed import seed
from simulator.services import Service

service = Service(
    name="acumatica",
    title="Acumatica Cloud ERP (contract-based REST, Default endpoint)",
    routes=routes,
    default_config=default_config,
    seed=seed,
    banner=banner,
    backoffice=ACTIONS,
    admin_routes=applications.routes,
    wires=[WIRE],
)

__all__ = ["service"]

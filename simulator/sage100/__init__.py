"""Sage 100 Contractor: its record model (insert, modify, delete, retrieve by table) over JSON HTTP.

Layout: ``routes`` (HTTP) -> ``wire`` (JSON, values, errors) -> ``models`` (operations) ->
``jobs`` / ``commitments`` / ``payables`` (Sage's rules per table) over ``books`` (rows, totals,
checks); ``tables`` defines every table once and ``openapi`` serves it as ``/sage100/openapi.json``.
"""

from simulator.sage100.backoffice import ACTIONS
from simulator.sage100.hooks import WIRE
from simulator.sage100.config import banner, default_config
from simulator.sage100.routes import ROUTES
from simulator.sage100.seed import seed
from simulator.services import Service

service = Service(
    name="sage100",
    title="Sage 100 Contractor (record API)",
    routes=ROUTES,
    default_config=default_config,
    seed=seed,
    banner=banner,
    backoffice=ACTIONS,
    wires=[WIRE],
)

__all__ = ["service"]

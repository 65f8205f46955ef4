"""Sage Intacct: the XML Web Services gateway (API 3.0)."""

from simulator.intacct.backoffice import ACTIONS
from simulator.intacct.hooks import WIRE
from simulator.intacct.config import banner, default_config
from simulator.intacct.routes import routes
from simulator.intacct.seed import seed
from simulator.services import Service

service = Service(
    name="intacct",
    title="Sage Intacct XML gateway",
    routes=routes,
    default_config=default_config,
    seed=seed,
    banner=banner,
    backoffice=ACTIONS,
    wires=[WIRE],
)

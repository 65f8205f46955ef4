"""Sage Intacct: the XML Web Services gateway (API 3.0) and the REST API (v1) on the same books."""

from simulator.intacct.backoffice import ACTIONS
from simulator.intacct.hooks import WIRE
from simulator.intacct.config import banner, default_config
from simulator.intacct.rest.hooks import WIRE as REST_WIRE
from simulator.intacct.rest.routes import routes as rest_routes
from simulator.intacct.routes import routes
from simulator.intacct.seed import seed
from simulator.services import Service

service = Service(
    name="intacct",
    title="Sage Intacct (XML gateway and REST API)",
    routes=[*routes, *rest_routes],
    default_config=default_config,
    seed=seed,
    banner=banner,
    backoffice=ACTIONS,
    wires=[WIRE, REST_WIRE],
)

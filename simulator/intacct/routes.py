"""The gateway's one URL: ``POST /ia/xml/xmlgw.phtml``."""

from __future__ import annotations

from lxml import etree
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.http import BodyTooLarge, base_url, read_body
from simulator.intacct.errors import ControlFailure, ErrorDetail
from simulator.intacct.functions import ResultSet
from simulator.intacct.gateway import Gateway, control_failure
from simulator.intacct.wire import Control, parse_request, serialize

PATH = "/ia/xml/xmlgw.phtml"
BODY_LIMIT = 4 * 1024 * 1024
MEDIA_TYPE = "text/xml; charset=UTF-8"


def xml_response(status: int, element: etree._Element, pretty: bool = True) -> Response:
    return Response(serialize(element, pretty), status_code=status, media_type=MEDIA_TYPE)


def gateway_error(status: int, message: str) -> Response:
    failure = ControlFailure(ErrorDetail("GW-0011", description=message), http_status=status, gateway=True)
    return xml_response(status, control_failure(Control(), failure))


def results_of(request: Request) -> dict[str, ResultSet]:
    state = request.app.state
    if not hasattr(state, "intacct_results"):
        state.intacct_results = {}
    results: dict[str, ResultSet] = state.intacct_results
    return results


async def xmlgw(request: Request) -> Response:
    if request.method != "POST":
        return gateway_error(405, "Invalid Request: the XML gateway accepts only POST.")
    try:
        body = await read_body(request, BODY_LIMIT)
    except BodyTooLarge as exc:
        return gateway_error(413, f"Invalid Request: the request body exceeds {exc.limit} bytes.")
    try:
        root = parse_request(body)
    except ControlFailure as exc:
        return xml_response(exc.http_status, control_failure(Control(), exc))
    state = request.app.state
    gateway = Gateway(state.store, state.tenants, state.clock, results_of(request), lambda: base_url(request) + PATH)
    status, element, pretty = gateway.handle(root)
    return xml_response(status, element, pretty)


routes = [Route(PATH, xmlgw, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])]

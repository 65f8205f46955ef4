"""Run a connector against an in-process simulator room, with faults injected on the wire."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from starlette.testclient import TestClient

Match = Callable[[httpx.Request], bool]


@dataclass
class Fault:
    match: Match
    action: str
    """'429', '5xx' (503), 'drop' (no response, nothing done) or 'lost' (the ERP commits, the response is lost)."""
    times: int = 1


@dataclass
class FaultyTransport(httpx.BaseTransport):
    """Passes requests to the simulator, except where a scripted fault says otherwise."""

    inner: httpx.BaseTransport
    faults: list[Fault] = field(default_factory=list)
    log: list[httpx.Request] = field(default_factory=list)

    def add(self, match: Match, action: str, times: int = 1) -> None:
        self.faults.append(Fault(match, action, times))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.log.append(request)
        for fault in self.faults:
            if fault.times > 0 and fault.match(request):
                fault.times -= 1
                if fault.action == "429":
                    return httpx.Response(429, headers={"retry-after": "1"}, text="Too Many Requests",
                                          request=request)
                if fault.action == "5xx":
                    return httpx.Response(503, text="Service Unavailable", request=request)
                if fault.action == "drop":
                    raise httpx.ConnectError("connection refused", request=request)
                if fault.action == "lost":
                    response = self.inner.handle_request(request)
                    response.read()
                    raise httpx.ReadError("connection reset by peer", request=request)
        return self.inner.handle_request(request)


def faulty_client(test_client: TestClient) -> tuple[httpx.Client, FaultyTransport]:
    transport = FaultyTransport(test_client._transport)  # the in-process ASGI transport
    return httpx.Client(transport=transport, base_url=str(test_client.base_url)), transport


def body_has(*needles: bytes) -> Match:
    return lambda request: all(n in request.content for n in needles)

"""Where a scenario runs: a simulator (in-process, or a running one at a URL), a fresh tenant in it,
and a Procore company connected to that tenant through the real connector, with every ERP
request and response recorded.

The same pieces are the pytest plugin's fixtures, so a project's own tests can use them:
``Simulator`` (``erpsim_simulator``), ``Tenant`` (``erpsim_tenant``) and ``Binding``
(``erpsim_binding``, whose ``company`` is ``erpsim_company``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from simulator.clock import Clock
from simulator.store import Store
from sync_core import Procore, RetryPolicy
from sync_core.connectors import sign_in
from sync_core.connectors.base import Connector
from sync_core.errors import SyncError
from sync_core.procore import Company
from sync_core.replay.erp import READERS, ErpReader
from sync_core.replay.values import ERPS

BODY_LIMIT = 6000
# Who is calling, so a fault rule can hit the sync's own calls and spare the checks that read back.
USER_AGENTS = {"connector": "erpsim-sync-core", "read back": "erpsim-replay-reader"}
SECRETS = (re.compile(r"(<password>)[^<]*(</password>)"), re.compile(r'("password"\s*:\s*")[^"]*(")'))


class SimulatorError(Exception):
    """The simulator's admin API refused or failed; the message is its own."""


class BackofficeRefused(SyncError):
    """The ERP refused a bookkeeper's action; the message is the ERP's own."""


def all_services() -> list[Any]:
    """Every ERP room (the scenarios run on all three)."""
    return [service_of(erp) for erp in ERPS]


def service_of(erp: str) -> Any:
    if erp == "intacct":
        from simulator.intacct import service
    elif erp == "sage100":
        from simulator.sage100 import service
    elif erp == "acumatica":
        from simulator.acumatica import service
    else:
        raise SimulatorError(f"unknown ERP {erp!r}; choose one of {', '.join(ERPS)}")
    return service


# -- recording the wire -------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One HTTP request and its response, as the ERP saw and answered it."""

    source: str
    method: str
    url: str
    request: str
    status: int | None
    response: str
    seconds: float

    def render(self, limit: int = 1500) -> str:
        head = f"{self.method} {self.url} -> {self.status if self.status is not None else 'no response'}"
        return "\n".join([f"  [{self.source}] {head} ({self.seconds * 1000:.0f} ms)",
                          _indent("request:", _cut(self.request, limit)),
                          _indent("response:", _cut(self.response, limit))])

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "method": self.method, "url": self.url, "request": self.request,
                "status": self.status, "response": self.response, "ms": round(self.seconds * 1000, 1)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more characters)"


def _indent(label: str, text: str) -> str:
    body = text if text.strip() else "(empty)"
    return f"    {label}\n" + "\n".join(f"      {line}" for line in body.splitlines())


def _body(content: bytes) -> str:
    text = content[:BODY_LIMIT].decode("utf-8", "replace")
    for pattern in SECRETS:
        text = pattern.sub(r"\1***\2", text)
    return text + (f"... ({len(content) - BODY_LIMIT} more bytes)" if len(content) > BODY_LIMIT else "")


class Recorder:
    """Every exchange of a run, in order; steps take the slice made while they ran."""

    def __init__(self) -> None:
        self.log: list[Exchange] = []

    def mark(self) -> int:
        return len(self.log)

    def since(self, mark: int) -> list[Exchange]:
        return self.log[mark:]


class RecordingTransport(httpx.BaseTransport):
    """Passes requests on and keeps a copy of each exchange."""

    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder, source: str) -> None:
        self.inner = inner
        self.recorder = recorder
        self.source = source

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = request.read()
        url = request.url
        start = time.perf_counter()
        try:
            response = self.inner.handle_request(request)
            response.read()
        except httpx.TransportError as exc:
            self.recorder.log.append(Exchange(self.source, request.method, url.raw_path.decode(), _body(sent),
                                              None, f"{type(exc).__name__}: {exc}", time.perf_counter() - start))
            raise
        self.recorder.log.append(Exchange(self.source, request.method, url.raw_path.decode(), _body(sent),
                                          response.status_code, _body(response.content),
                                          time.perf_counter() - start))
        return response


class InProcessTransport(httpx.BaseTransport):
    """Requests go straight into the ASGI app on a private event loop.

    The app is driven by httpx's own ASGI transport. The loop runs in the calling thread,
    which keeps an in-process request to about a millisecond; when the caller already runs
    an event loop (an async test), the private loop runs on a helper thread instead.
    """

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=self._noting_resets(app), raise_app_exceptions=False,
                                         client=("127.0.0.1", 50000))
        self.loop = asyncio.new_event_loop()
        self._helper: concurrent.futures.ThreadPoolExecutor | None = None
        self._reset = False

    def _noting_resets(self, app: Any) -> Any:
        """A reset fault has no socket to drop in-process; note it, so the caller sees a transport error."""
        from simulator.faults.apply import Reset

        async def wrapped(scope: Any, receive: Any, send: Any) -> None:
            try:
                await app(scope, receive, send)
            except Reset:
                self._reset = True
                raise

        return wrapped

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body,
                                  extensions=request.extensions)

        async def send() -> tuple[int, httpx.Headers, bytes]:
            self._reset = False
            response = await self.inner.handle_async_request(forwarded)
            content = await response.aread()
            if self._reset:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
            return response.status_code, response.headers, content

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            status, headers, content = self.loop.run_until_complete(send())
        else:
            if self._helper is None:
                self._helper = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="erpsim-in-process")
            status, headers, content = self._helper.submit(self.loop.run_until_complete, send()).result()
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        if self._helper is not None:
            self._helper.shutdown()
            self._helper = None
        if not self.loop.is_closed():
            self.loop.close()


# -- the simulator ----------------------------------------------------------------------------------------


@dataclass
class Tenant:
    """A company in the simulator: its id, name and each ERP's settings (login names among them)."""

    id: str
    name: str
    config: dict[str, Any]


class RemoteClock:
    """A running simulator's clock, as the Procore side needs it (moved through the admin API)."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        self.offset = float(simulator.admin("GET", "/clock")["offset_seconds"])

    def time(self) -> float:
        return time.time() + self.offset

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), tz=dt.timezone.utc)

    def advance(self, seconds: float) -> None:
        self.offset = float(self.simulator.admin("POST", "/clock", {"advance_seconds": seconds})["offset_seconds"])


class Simulator:
    """The simulator a run talks to: in-process by default, or one already running at ``url``.

    In-process, requests go straight into the app (no sockets) and each binding may set
    the calendar date; against a URL, tenants are made and removed through ``/_erpsim/``
    and the clock is the server's, which only moves forward.
    """

    def __init__(self, url: str | None = None, *, services: Sequence[Any] | None = None) -> None:
        self.url = url.rstrip("/") if url else None
        self._server: Any = None
        self.app: Any = None
        self.transport: httpx.BaseTransport
        if self.url is None:
            from simulator.app import create_app

            self.app = create_app(Store(":memory:"), services=list(services or all_services()), demo=False)
            self.transport = InProcessTransport(self.app)
            self.base_url = "http://erpsim.local"
        else:
            self.transport = httpx.HTTPTransport()
            self.base_url = self.url
        self._admin = httpx.Client(transport=self.transport, base_url=self.base_url, timeout=60)
        self.check()

    @classmethod
    def threaded(cls, *, services: Sequence[Any] | None = None) -> Simulator:
        """The real app under uvicorn on a free loopback port, in a background thread."""
        from simulator.app import create_app
        from simulator.testing import ThreadedServer

        server = ThreadedServer(create_app(Store(":memory:"), services=list(services or all_services()), demo=False))
        server.start()
        sim = cls(server.url)
        sim._server = server
        sim.app = server.app
        return sim

    @property
    def in_process(self) -> bool:
        return self.url is None

    @property
    def where(self) -> str:
        return "in-process" if self.in_process else str(self.url)

    def check(self) -> None:
        health = self.admin("GET", "/health")
        missing = [erp for erp in ERPS if erp not in health.get("services", [])]
        self.services = [erp for erp in ERPS if erp not in missing]
        if not self.services:
            raise SimulatorError(f"the simulator at {self.where} serves none of {', '.join(ERPS)}")

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = self._admin.request(method, f"/_erpsim{path}", json=body)
        except httpx.TransportError as exc:
            raise SimulatorError(f"cannot reach the simulator at {self.where}: {exc}") from exc
        if response.status_code == 204:
            return None
        try:
            data = response.json()
        except ValueError as exc:
            raise SimulatorError(f"the simulator answered {method} /_erpsim{path} with HTTP {response.status_code} "
                                 f"and no JSON") from exc
        if response.status_code >= 400:
            message = (data.get("error") or {}).get("message") if isinstance(data, dict) else None
            raise SimulatorError(message or f"HTTP {response.status_code} from /_erpsim{path}")
        return data

    def client(self, recorder: Recorder | None = None, source: str = "") -> httpx.Client:
        transport = self.transport if recorder is None else RecordingTransport(self.transport, recorder, source)
        headers = {"User-Agent": USER_AGENTS[source]} if source in USER_AGENTS else None
        return httpx.Client(transport=transport, base_url=self.base_url, timeout=60, headers=headers)

    def create_tenant(self, fixture: str | None = "demo", *, name: str | None = None,
                      config: dict[str, Any] | None = None) -> Tenant:
        short = uuid.uuid4().hex[:10]
        body: dict[str, Any] = {"id": f"replay-{short}", "name": name or f"Replay {short}"}
        if fixture:
            body["fixture"] = fixture
        if config:
            body["config"] = config
        made = self.admin("POST", "/tenants", body)
        return Tenant(made["id"], made["name"], made["config"])

    def delete_tenant(self, tenant_id: str) -> None:
        try:
            self.admin("DELETE", f"/tenants/{tenant_id}")
        except SimulatorError:
            pass  # already gone

    def backoffice(self, tenant_id: str, erp: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """A bookkeeper's action inside the ERP; ``BackofficeRefused`` carries the ERP's words."""
        response = self._admin.post(f"/_erpsim/tenants/{tenant_id}/backoffice/{erp}/{action}", json=params)
        data = response.json() if response.content else {}
        if response.status_code == 422:
            raise BackofficeRefused(str((data.get("error") or {}).get("message")))
        if response.status_code >= 400:
            raise SimulatorError(str((data.get("error") or {}).get("message") or f"HTTP {response.status_code}"))
        return dict(data)

    def clock_for(self, today: dt.date | None) -> Any:
        """The clock a run uses. In-process a run may start on a given date; a server's clock is shared."""
        if not self.in_process:
            return RemoteClock(self)
        if today is None:
            clock: Clock = self.app.state.clock
            return clock
        start = dt.datetime.combine(today, dt.time(15, 0), tzinfo=dt.timezone.utc).timestamp()
        clock = Clock(offset=start - time.time())
        self.app.state.clock = clock  # in-process runs take turns, each on its own calendar
        return clock

    def close(self) -> None:
        self._admin.close()
        self.transport.close()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Simulators:
    """The simulator for each ERP a run needs.

    Against a URL it is the one server. In-process each ERP gets an app with only its
    own room, so a fresh tenant seeds only the books the run will use.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self._by_erp: dict[str, Simulator] = {}
        self._shared: Simulator | None = Simulator(url) if url else None

    @classmethod
    def of(cls, simulator: Simulator) -> Simulators:
        pool = cls()
        pool._shared = simulator
        return pool

    @property
    def where(self) -> str:
        return self._shared.where if self._shared is not None else "in-process"

    def get(self, erp: str) -> Simulator:
        if self._shared is not None:
            return self._shared
        if erp not in self._by_erp:
            self._by_erp[erp] = Simulator(services=[service_of(erp)])
        return self._by_erp[erp]

    def close(self) -> None:
        for sim in self._by_erp.values():
            sim.close()
        self._by_erp.clear()
        if self._shared is not None and self.url:
            self._shared.close()

    def __enter__(self) -> Simulators:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- a Procore company bound to a tenant ----------------------------------------------------------------------


def connector_for(erp: str, client: httpx.Client, config: dict[str, Any], clock: Any) -> Connector:
    """The sync core's connector for ``erp``, signed in with the tenant's own login names."""
    try:
        return sign_in(erp, client, config, clock.advance)
    except ValueError as exc:
        raise SimulatorError(str(exc)) from exc


@dataclass
class Binding:
    """A Procore company connected to one ERP of one simulator tenant, the wire recorded."""

    simulator: Simulator
    erp: str
    tenant: Tenant
    clock: Any
    recorder: Recorder
    procore: Procore
    company: Company
    connector: Connector
    reader: ErpReader
    owns_tenant: bool = True
    clients: list[httpx.Client] = field(default_factory=list)

    @classmethod
    def create(cls, simulator: Simulator, erp: str, *, tenant: Tenant | None = None, fixture: str | None = "demo",
               today: dt.date | None = None, company_name: str = "Demo Construction",
               policy: RetryPolicy | None = None, config: dict[str, Any] | None = None) -> Binding:
        if erp not in ERPS:
            raise SimulatorError(f"unknown ERP {erp!r}; choose one of {', '.join(ERPS)}")
        if erp not in simulator.services:
            raise SimulatorError(f"the simulator at {simulator.where} does not serve {erp}")
        owns = tenant is None
        clock = simulator.clock_for(today)
        tenant = tenant or simulator.create_tenant(fixture, config=config)
        recorder = Recorder()
        try:
            erp_client = simulator.client(recorder, "connector")
            read_client = simulator.client(recorder, "read back")
            config = tenant.config.get(erp, {})
            procore = Procore(Store(":memory:"), clock=clock, sleep=clock.advance,
                              policy=policy or RetryPolicy(attempts=4))
            company = procore.create_company(company_name, company_id="demo")
            connector = connector_for(erp, erp_client, config, clock)
            company.connect(connector)
            reader = READERS[erp](read_client, config)
        except BaseException:
            if owns:
                simulator.delete_tenant(tenant.id)
            raise
        return cls(simulator, erp, tenant, clock, recorder, procore, company, connector, reader, owns,
                   [erp_client, read_client])

    def backoffice(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        start = time.perf_counter()
        try:
            result = self.simulator.backoffice(self.tenant.id, self.erp, action, params)
        except BackofficeRefused as exc:
            self._note(action, params, 422, {"error": {"message": exc.message}}, start)
            raise
        self._note(action, params, 200, result, start)
        return result

    def _note(self, action: str, params: dict[str, Any], status: int, body: Any, start: float) -> None:
        self.recorder.log.append(Exchange("back office", "POST",
                                          f"/_erpsim/tenants/{self.tenant.id}/backoffice/{self.erp}/{action}",
                                          json.dumps(params, default=str), status, json.dumps(body, default=str),
                                          time.perf_counter() - start))

    def close(self) -> None:
        for closer in (self.connector.close, self.reader.close):
            try:
                closer()
            except Exception:  # noqa: BLE001 - closing must not hide the run's own outcome
                pass
        for client in self.clients:
            client.close()
        self.procore.store.close()
        if self.owns_tenant:
            self.simulator.delete_tenant(self.tenant.id)

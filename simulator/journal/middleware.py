"""The ASGI middleware around every ERP room: apply the tenant's fault rules, record the exchange.

It serves only paths a room's ``Wire`` claims; everything else (the control
plane, the console) passes straight through. The request body is buffered
once, named by the room's ``describe`` hook, replayed to the room, and the
answer is copied (up to the journal's cut) on its way out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.faults import apply
from simulator.faults.rules import Rule, Rules
from simulator.journal.hook import Answer, Exchange, Incoming, Wire, collect_notes, stop_notes
from simulator.journal.log import Entry, Journal
from simulator.journal.masking import kept_body, mask_headers

log = logging.getLogger("erpsim.journal")

BUFFER_LIMIT = 8 * 1024 * 1024
"""Past this a request is passed on unread and unjournaled: the room refuses it by its own limit."""


def wires_of(state: Any) -> Sequence[Wire]:
    found: Sequence[Wire] | None = getattr(state, "wires", None)
    if found is None:
        found = [wire for svc in getattr(state, "services", []) for wire in getattr(svc, "wires", ())]
        state.wires = found
    return found


async def _buffer(receive: Receive) -> tuple[bytes, Receive, bool]:
    """The whole body (or its first BUFFER_LIMIT bytes), and a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size, more, whole = 0, True, True
    pending: list[Message] = []
    while more:
        message = await receive()
        if message["type"] != "http.request":
            pending.append(message)
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
        if more and size > BUFFER_LIMIT:
            whole = False
            break
    body = b"".join(chunks)
    replayed = [{"type": "http.request", "body": body, "more_body": more}, *pending]

    async def replay() -> Message:
        if replayed:
            return replayed.pop(0)
        return await receive()

    return body, replay, whole


class Recorder:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "app" not in scope:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        path: str = scope["path"]
        wire = next((w for w in wires_of(state) if w.serves(path)), None)
        if wire is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        at = state.clock.time()
        method = scope["method"]
        if wire.needs_body(method, path):
            body, receive, whole = await _buffer(receive)
            if not whole:
                await self.app(scope, receive, send)
                return
        else:
            body = b""
        headers = Headers(scope=scope)
        incoming = Incoming(method, path, scope.get("query_string", b"").decode("latin-1"), headers, body, state)
        try:
            exchange = wire.describe(incoming)
        except Exception:  # a naming bug must never break the room itself
            log.exception("could not name %s %s", scope["method"], path)
            exchange = Exchange(None)
        if exchange.tenant is None:
            await self.app(scope, receive, send)
            return
        await Run(self.app, state, wire, incoming, exchange, started, at).go(scope, receive, send)


class Run:
    """One journaled exchange."""

    def __init__(self, app: ASGIApp, state: Any, wire: Wire, incoming: Incoming, exchange: Exchange,
                 started: float, at: float) -> None:
        self.app, self.state, self.wire, self.incoming, self.exchange = app, state, wire, incoming, exchange
        self.started, self.at = started, at
        self.tenant: str = exchange.tenant  # type: ignore[assignment]
        self.journal = Journal(state.store)
        self.settings = self.journal.settings(self.tenant)
        self.status = 0
        self.response_headers: list[tuple[bytes, bytes]] = []
        self.response_body: list[bytes] = []
        self.kept = 0
        self.response_size = 0
        self.streamed: list[bytes] = []
        self.streamed_size = 0
        self.fault: dict[str, Any] | None = None
        self.error: str | None = None

    @property
    def keep_limit(self) -> int:
        limit = self.settings.body_limit
        return 0 if limit == 0 else 4 * limit + 1

    async def go(self, scope: Scope, receive: Receive, send: Send) -> None:
        rules = Rules(self.state.store)
        args = (self.tenant, self.wire.erp, self.incoming.method, self.incoming.path, self.exchange,
                self.incoming.headers)
        picked, gates = rules.consult(*args)
        notes, token = collect_notes()
        entered: list[Rule] = []
        try:
            for gate in gates:
                if not self._enter(gate):
                    self._mark(gate, 0)
                    rules.count_applied(gate.id)
                    await self._answer(send, self._gate_answer(gate))
                    return
                entered.append(gate)
            if picked is None:
                await self._room(scope, receive, send, hold=False)
            else:
                await self._faulted(picked[0], picked[1], scope, receive, send)
        except apply.Reset:
            self.error = "connection reset"
            raise
        except Exception as exc:
            self.status = self.status or 500
            self.error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            for gate in entered:
                self._leave(gate)
            stop_notes(token)
            self._record(notes)

    # -- faults --------------------------------------------------------------------------

    def _mark(self, rule: Rule, k: int) -> None:
        fault = rule.fault_for(k)
        self.fault = {"rule": rule.id, "name": rule.name, "kind": fault.kind, "match": k, **fault.params}

    async def _faulted(self, rule: Rule, k: int, scope: Scope, receive: Receive, send: Send) -> None:
        fault = rule.fault_for(k)
        self._mark(rule, k)
        kind = fault.kind
        if kind == "latency":
            self.fault["delay_ms"] = round(apply.latency_seconds(fault, rule.seed, k) * 1000, 3)
            await asyncio.sleep(self.fault["delay_ms"] / 1000)
            await self._room(scope, receive, send, hold=False)
        elif kind == "session_expiry":
            if self.exchange.session:
                self.state.store.delete_session(self.exchange.session)
            await self._room(scope, receive, send, hold=False)
        elif kind == "reset":
            await apply.reset(send)
        elif kind in ("drop_after_commit", "truncated"):
            await self._room(scope, receive, send, hold=True)
            if kind == "truncated":
                body = apply.truncate(b"".join(self.response_body), float(fault.params.get("fraction", 0.5)))
                headers = [(k_, v) for k_, v in self.response_headers if k_.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({"type": "http.response.start", "status": self.status, "headers": headers})
                await send({"type": "http.response.body", "body": body, "more_body": False})
                self.fault["sent_bytes"] = len(body)
            elif fault.params.get("then", "reset") == "502":
                self.fault["room_status"] = self.status
                await self._answer(send, apply.bad_gateway())
            else:
                self.fault["room_status"] = self.status
                await apply.reset(send)
        else:
            answer = apply.answer_for(fault, self.incoming, self.wire.errors)
            if answer is None:  # this error cannot happen to this request: the room answers
                self.fault["skipped"] = True
                await self._room(scope, receive, send, hold=False)
            else:
                await self._answer(send, answer)

    def _inflight(self) -> dict[tuple[str, int], int]:
        found: dict[tuple[str, int], int] | None = getattr(self.state, "fault_inflight", None)
        if found is None:
            found = self.state.fault_inflight = {}
        return found

    def _enter(self, gate: Rule) -> bool:
        counts = self._inflight()
        key = (self.tenant, gate.id)
        if counts.get(key, 0) >= int(gate.fault.params.get("limit", 2)):
            return False
        counts[key] = counts.get(key, 0) + 1
        return True

    def _leave(self, gate: Rule) -> None:
        counts = self._inflight()
        key = (self.tenant, gate.id)
        counts[key] = max(0, counts.get(key, 1) - 1)

    def _gate_answer(self, gate: Rule) -> Answer:
        shape = self.wire.errors.get(str(gate.fault.params.get("error", "concurrency")))
        if shape is None:
            return Answer(429, b"Too Many Requests", (("content-type", "text/plain; charset=utf-8"),))
        return shape(self.incoming, gate.fault.params)

    # -- the room, and the answer's copy -------------------------------------------------

    async def _room(self, scope: Scope, receive: Receive, send: Send, *, hold: bool) -> None:
        async def copy(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = int(message["status"])
                self.response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                self.response_size += len(chunk)
                if hold or not self.keep_limit or self.kept < self.keep_limit:
                    self.response_body.append(chunk)
                    self.kept += len(chunk)
            if not hold:
                await send(message)

        await self.app(scope, self._tee(receive), copy)

    def _tee(self, receive: Receive) -> Receive:
        """Keep (up to the cut) what the room reads of a body that was not buffered up front."""
        if self.wire.needs_body(self.incoming.method, self.incoming.path):
            return receive

        async def tee() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                self.streamed_size += len(chunk)
                if not self.keep_limit or sum(map(len, self.streamed)) < self.keep_limit:
                    self.streamed.append(chunk)
            return message

        return tee

    async def _answer(self, send: Send, answer: Answer) -> None:
        self.status = answer.status
        self.response_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
        self.response_body = [answer.body]
        await apply.send_answer(send, answer)

    # -- the record ----------------------------------------------------------------------

    def _record(self, notes: dict[str, Any]) -> None:
        if not self.settings.enabled:
            return
        limit = self.settings.body_limit
        secrets = self.wire.secrets
        incoming = self.incoming
        raw = incoming.body or b"".join(self.streamed)
        request_body, request_cut = kept_body(raw, incoming.headers.get("content-type", ""), secrets, limit)
        response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.response_headers]
        content_type = next((v for k, v in response_headers if k.lower() == "content-type"), "")
        response_body, response_cut = kept_body(b"".join(self.response_body), content_type, secrets, limit)
        if self.error:
            notes = {**notes, "error": self.error}
        path = incoming.path + (f"?{incoming.query}" if incoming.query else "")
        entry = Entry(
            tenant=self.tenant, at=self.at, erp=self.wire.erp, method=incoming.method, path=path,
            operations=[op.to_json() for op in self.exchange.operations], status=self.status,
            duration_ms=(time.perf_counter() - self.started) * 1000, fault=self.fault,
            request={"headers": mask_headers(incoming.headers.items()), "body": request_body,
                     "truncated": request_cut, "size": len(incoming.body) or self.streamed_size},
            response={"headers": mask_headers(response_headers), "body": response_body, "truncated": response_cut,
                      "size": self.response_size},
            notes=notes)
        try:
            self.journal.record(entry, self.settings.limit)
        except Exception:  # the tenant went away mid-request, say: the answer already left
            log.exception("could not journal %s %s", incoming.method, incoming.path)

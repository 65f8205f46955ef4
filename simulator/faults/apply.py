"""What a picked fault does to one exchange, at the level of ASGI messages.

Faults that answer instead of the room (an ERP error, a plain HTTP error, an
empty answer, a reset) never reach it; faults that let the room commit first
(drop after commit, a truncated answer) run it and then spoil the answer;
latency and session expiry change the conditions and let the room answer.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Mapping
from typing import Any

from starlette.types import Send

from simulator.faults.rules import Fault, draw
from simulator.journal.hook import Answer, ErrorShape, Incoming

BAD_GATEWAY = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
               b"</h1></center>\r\n</body>\r\n</html>\r\n")


class Reset(Exception):
    """Raised in-process (no socket to drop) so the caller still sees the connection fail."""


def latency_seconds(fault: Fault, seed: int, k: int) -> float:
    ms = fault.params["ms"]
    if isinstance(ms, list):
        low, high = float(ms[0]), float(ms[1])
        return (low + (high - low) * draw(seed, k, "latency")) / 1000
    return float(ms) / 1000


def answer_for(fault: Fault, incoming: Incoming, errors: Mapping[str, ErrorShape]) -> Answer | None:
    """The answer sent instead of the room's, for faults that replace it; None otherwise."""
    params = fault.params
    if fault.kind == "error":
        shape = errors.get(params["error"])
        if shape is None:  # a rule without an ERP met another system's request: a plain 503 instead
            return Answer(503, b"Service Unavailable", (("content-type", "text/plain; charset=utf-8"),))
        answer = shape(incoming, params)
        return None if answer is None else with_retry_after(answer, params)
    if fault.kind == "http":
        headers = [("content-type", params.get("content_type", "text/plain; charset=utf-8"))]
        headers.extend((k.lower(), v) for k, v in params.get("headers", {}).items())
        return Answer(params["status"], params.get("body", "").encode(), tuple(headers))
    if fault.kind == "empty":
        return Answer(params.get("status", 200))
    return None


def with_retry_after(answer: Answer, params: Mapping[str, Any]) -> Answer:
    """Add ``Retry-After`` when the rule asks for it and the shape did not set one."""
    if "retry_after" not in params or any(k.lower() == "retry-after" for k, _ in answer.headers):
        return answer
    return Answer(answer.status, answer.body, (*answer.headers, ("retry-after", str(params["retry_after"]))))


async def send_answer(send: Send, answer: Answer) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


def bad_gateway() -> Answer:
    return Answer(502, BAD_GATEWAY, (("content-type", "text/html"),))


def _transport(send: Any) -> Any:
    """The server's transport behind ``send``: uvicorn binds ``send`` to its request cycle,
    and the app's error middleware wraps it in a closure, so follow both a few steps."""
    todo, seen = [send], 0
    while todo and seen < 16:
        fn = todo.pop()
        seen += 1
        transport = getattr(getattr(fn, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            return transport
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if callable(value):
                todo.append(value)
    return None


async def reset(send: Send) -> None:
    """Drop the connection with a TCP reset and no answer at all."""
    transport = _transport(send)
    if transport is None:
        raise Reset("the connection was reset (fault)")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:  # linger 0: close() sends RST rather than FIN, as a crashed proxy does
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    transport.abort()
    # Let the server see the connection lost before the app returns, so it sends nothing more.
    for _ in range(3):
        await asyncio.sleep(0)


def truncate(body: bytes, fraction: float) -> bytes:
    return body[: int(len(body) * fraction)]

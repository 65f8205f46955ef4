"""Small request helpers shared by every ERP room."""

from __future__ import annotations

from starlette.requests import Request

DEFAULT_BODY_LIMIT = 4 * 1024 * 1024


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


async def read_body(request: Request, limit: int = DEFAULT_BODY_LIMIT) -> bytes:
    """Read the body, refusing early (by Content-Length) or mid-stream past ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def base_url(request: Request) -> str:
    """This server's own origin as the client reached it."""
    return str(request.base_url).rstrip("/")
